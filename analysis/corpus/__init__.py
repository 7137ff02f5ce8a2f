"""Stage 1, corpus: raw files → documents and paragraphs.

Modules: :mod:`~analysis.corpus.io` (reading and decoding files, manifests),
:mod:`~analysis.corpus.script` (traditional/simplified), :mod:`~analysis.corpus.clean` (web chrome and
boilerplate), :mod:`~analysis.corpus.structure` (paragraphs, numbered points),
:mod:`~analysis.corpus.meta` (title, place, date), :mod:`~analysis.corpus.dedup` (near-duplicates),
:mod:`~analysis.corpus.markdown` (markdown exports → lines, front matter, headings),
:mod:`~analysis.corpus.boilerplate` (lines recurring across documents) and
:mod:`~analysis.corpus.build` (the :class:`Corpus` assembled from all of them).

    >>> from analysis.corpus import load_corpus
    >>> corpus = load_corpus()

The public names below are imported lazily (PEP 562), so importing a submodule such as
``analysis.corpus.script`` does not import the whole stage.
"""

from __future__ import annotations

import importlib

_API = ("Corpus", "load_corpus", "analysis_paragraphs", "write_corpus_tables", "finish_corpus")

__all__ = list(_API)


def __getattr__(name: str):  # PEP 562 lazy attributes
    if name in _API:
        value = getattr(importlib.import_module(".build", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis.corpus' has no attribute {name!r}")
