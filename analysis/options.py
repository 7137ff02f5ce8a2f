"""The options of a study, in one frozen object, and the folder of editable lexicons.

:class:`StudyOptions` is everything a run can be told besides *which* reports and *which*
lexicons: the master seed, the genre, tokenizer filters, topic-model settings, how to execute
(in-process, a local process pool or Dask) and whether to ignore caches. :class:`Lexicons` names
the files of a lexicon folder (same file names as ``data/lexicons/``). Both are light (no heavy
imports), so the CLI and notebooks can build them before anything is computed.

    >>> from analysis.options import StudyOptions
    >>> StudyOptions(seed=7, workers=2, topics={"ks": [3, 4]})
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from analysis import paths

#: the master seed of the project: every random step derives its seed from it.
DEFAULT_SEED = 20240601

EXECUTORS: tuple[str, ...] = ("auto", "inline", "processes", "dask")

#: environment variable holding default topic-stage options as a JSON object.
TOPIC_OPTIONS_ENV = "ANALYSIS_TOPIC_OPTIONS"


def env_topic_options() -> dict[str, Any]:
    """Default ``StudyOptions.topics`` from ``$ANALYSIS_TOPIC_OPTIONS`` (empty when unset).

    For quick trial runs and the test suite (``tests/conftest.py`` sets tiny settings, which
    the notebooks it executes inherit), e.g.
    ``ANALYSIS_TOPIC_OPTIONS='{"ks": [3, 4], "n_seeds": 2, "n_stability": 2}'``. They are part
    of :meth:`StudyOptions.key`, hence of the source fingerprint and the caches' keys.
    """
    import json
    import os

    raw = os.environ.get(TOPIC_OPTIONS_ENV, "").strip()
    if not raw:
        return {}
    try:
        options = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"${TOPIC_OPTIONS_ENV} is not JSON: {exc}") from None
    if not isinstance(options, dict):
        raise ValueError(f"${TOPIC_OPTIONS_ENV} must be a JSON object, not {raw!r}")
    return options


@dataclass(frozen=True, kw_only=True)
class StudyOptions:
    """How to compute a study (every field is passed explicitly to the stages that use it).

    Attributes:
        seed: master seed; K sweep, stability runs, bootstrap intervals derive from it.
        genre: genre profile (``"auto"`` = chosen from the corpus; e.g. ``"work_report"``).
            Passed to every stage function that accepts a ``genre`` keyword.
        substance_only: leave paragraphs that are not substance (salutations, thanks, notes,
            signatures …, as labelled by the genre profile) out of themes, keywords and topics.
            Passed to every stage function that accepts a ``substance_only`` keyword.
        tokenizer_backend: ``"fast"`` (rjieba) or ``"jieba"``; same dictionary, same tokens.
        tokenizer: :class:`~analysis.text.tokens.TokenizerOptions` fields other than the lexicon
            files (which come from the lexicon folder), e.g. ``{"drop_latin": True}``.
        topics: options of :func:`~analysis.topics.run_topic_analysis` (``ks``, ``n_seeds``,
            ``n_stability``, ``backend``, ``iterations`` …); the seed comes from ``seed``.
            Default: none, or those of ``$ANALYSIS_TOPIC_OPTIONS`` (:func:`env_topic_options`).
        executor: ``"inline"`` (this process), ``"processes"`` (local spawn-safe pool),
            ``"dask"`` (a ``LocalCluster``, or ``scheduler``) or ``"auto"`` (dask when a
            scheduler is given, processes when ``workers`` > 1, else inline).
        workers: processes / Dask workers (``None`` = all cores).
        scheduler: address of a running Dask scheduler (``tcp://host:8786``).
        force: recompute every stage instead of reading the content-keyed caches (and rewrite
            the cache entries).
        exclude_templates: blank out template passages (text recurring in at least this many
            documents, :func:`analysis.measures.reuse.template_spans`) from the analysed
            paragraphs, so the genre's boilerplate stays out of themes, keywords and topics;
            ``None`` (default) keeps them. The reuse tables always see the full text.
    """

    seed: int = DEFAULT_SEED
    genre: str = "auto"
    substance_only: bool = True
    tokenizer_backend: str = "fast"
    tokenizer: Mapping[str, Any] = field(default_factory=dict)
    topics: Mapping[str, Any] = field(default_factory=env_topic_options)
    executor: str = "auto"
    workers: int | None = 1
    scheduler: str | None = None
    force: bool = False
    exclude_templates: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "seed", int(self.seed))
        object.__setattr__(self, "tokenizer", MappingProxyType(dict(self.tokenizer)))
        object.__setattr__(self, "topics", MappingProxyType(dict(self.topics)))
        if self.executor not in EXECUTORS:
            raise ValueError(f"executor must be one of {EXECUTORS}, not {self.executor!r}")
        if "seed" in self.topics:
            raise ValueError("set the seed with StudyOptions(seed=…), not in topics")
        if self.exclude_templates is not None and int(self.exclude_templates) < 2:
            raise ValueError("exclude_templates must be at least 2 documents (or None)")

    def replace(self, **changes: Any) -> StudyOptions:
        """A copy with some fields changed (the options object itself is frozen)."""
        return dataclasses.replace(self, **changes)

    def key(self) -> dict[str, Any]:
        """The options that change results, JSON-able (for fingerprints and manifests):
        how the work is executed and ``force`` are left out — they never change a value."""
        return {
            "seed": self.seed,
            "genre": self.genre,
            "substance_only": self.substance_only,
            "tokenizer_backend": self.tokenizer_backend,
            "tokenizer": {k: _jsonable(v) for k, v in sorted(self.tokenizer.items())},
            "topics": {k: _jsonable(v) for k, v in sorted(self.topics.items())},
            "exclude_templates": self.exclude_templates,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, (range, tuple, list, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


#: file name of each lexicon in a lexicon folder (``data/lexicons/`` is the default folder).
LEXICON_FILES: dict[str, str] = {
    "themes": "themes.yaml",
    "slogans": "slogans.yaml",
    "chrome": "chrome.yaml",
    "userdict": "userdict.txt",
    "delete_list": "dict_delete.txt",
    "stopwords": "stopwords.txt",
    "generic_words": "generic_words.txt",
    "genres": "genres.yaml",
}


@dataclass(frozen=True)
class Lexicons:
    """A folder of editable lexicons with the same file names as ``data/lexicons/``.

    ``Lexicons("my_lexicons").themes`` is ``my_lexicons/themes.yaml``; a file missing from the
    folder is an error when a stage reads it (never a silent fallback to the default folder).
    """

    folder: Path = paths.LEXICONS

    def __post_init__(self) -> None:
        object.__setattr__(self, "folder", Path(self.folder))

    def path(self, name: str) -> Path:
        """Path of lexicon ``name`` (a key of :data:`LEXICON_FILES` or a file name)."""
        return self.folder / LEXICON_FILES.get(name, name)

    def __getattr__(self, name: str) -> Path:
        if name in LEXICON_FILES:
            return self.path(name)
        raise AttributeError(name)
