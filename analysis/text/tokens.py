"""Paragraphs → tokens: jieba segmentation with the domain dictionary, filters and offsets.

Two backends segment with the *same* merged dictionary (:func:`analysis.text.lexicons.effective_dictionary`):

- ``"jieba"``: pure-Python jieba (the reference);
- ``"fast"``: rjieba, a binding of jieba-rs (the same algorithm in Rust: DAG + max-probability
  route + the same HMM for unknown words). Measured with ``python -m analysis bench tokenize`` on
  the 16M-character reference corpus: the full tokenizer runs 11–13× faster than plain
  ``jieba.lcut`` per core, with 0.99999 token agreement to the ``"jieba"`` backend (tested on
  ``data/raw``).

Every keep/drop decision depends only on the token string, so it is made once per distinct token
(and memoised per process); per token there is only one dictionary look-up and NumPy work.
The merged dictionary and the segmenters are built once per process and dictionary content
(about 1–2 s), never at import time.
``tokenize`` is a module-level function over a DataFrame: ``executor=`` (in-process, a process
pool or Dask, :mod:`analysis.scale.parallel`) runs it on chunks of whole documents.

    >>> import analysis as an
    >>> tokens = an.tokenize(an.analysis_paragraphs(an.load_corpus()))
    >>> tokens.head()   # doc_id, para_id, token, start, end
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import hashing

from . import lexicons
from .lexicons import Dictionary

if TYPE_CHECKING:  # pragma: no cover
    from analysis.scale.parallel import Executor

log = logging.getLogger(__name__)

Backend = Literal["fast", "jieba"]
BACKENDS: tuple[str, ...] = ("fast", "jieba")

# Bump when the meaning of a filter changes: it is part of the cache key.
TOKENIZER_VERSION = "2"  # 2: placeholders and Latin dropped by default; extra_generic

TOKEN_COLUMNS = ["doc_id", "para_id", "token", "start", "end"]
_SEP = "\n"  # paragraph separator of the joined text; jieba always splits on whitespace

_NUMBER = re.compile(
    r"^(?:[+\-−]?[0-9０-９]+(?:[.．,，:：/\-][0-9０-９]+)*[%％‰]?"
    r"|第?[零〇一二三四五六七八九十百千万亿两几]+"
    r"|[0-9０-９]+[多余]?|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ①-⑳]+)$"
)
_LATIN = re.compile(r"^(?=.*[A-Za-zＡ-Ｚａ-ｚ])[A-Za-zＡ-Ｚａ-ｚ0-9０-９+#&._%\-]+$")  # ≥ 1 letter
# Anonymisation placeholders: xx / XX / xxx / ×× / ** / 某某 (alone or with one trailing CJK
# character, as the segmenter sometimes keeps ``xx县`` whole), and 某 + an administrative unit
# (某镇, 某村; not 某些 or 某种).
PLACEHOLDER = re.compile(
    r"^(?:[xXｘＸ×＊*]{2,}[\u4e00-\u9fff]?|[\u4e00-\u9fff]?某某+[\u4e00-\u9fff]?|某[省市县区镇乡村街组社厂局])$"
)


@dataclass(frozen=True, kw_only=True)
class TokenizerOptions:
    """Everything that decides which tokens come out (all of it is part of the cache key).

    Attributes:
        userdict: jieba-format user dictionary (``None`` = none).
        delete_list: built-in jieba words to delete (``None`` = none).
        stopwords: stopword list (function words, numerals, units).
        generic_words: report-generic words (工作, 进一步 …).
        remove_stopwords: drop words of ``stopwords``.
        remove_generic: drop words of ``generic_words`` (off by default: switch on for topics).
        min_chars: drop tokens shorter than this many characters (2 drops single characters).
        keep_chars: single-character (or short) tokens kept despite ``min_chars`` (e.g. ``("党",)``).
        drop_punctuation: drop tokens made only of punctuation/symbols.
        drop_numbers: drop numerals (``2011``, ``3.5%``, ``第一``, ``三``).
        drop_latin: drop tokens made only of Latin letters/digits with at least one letter
            (``ISO9000``, ``AA``, ``xx``); on by default (codes, units and placeholders). Latin
            words listed in ``userdict`` (5G, GDP, PM2.5 …) are kept: list a term there to keep it.
        drop_placeholders: drop anonymisation placeholders (``xx``, ``XX``, ``xxx``, ``**``,
            ``某某``, ``某镇``, ``xx县``) — see :data:`PLACEHOLDER`.
        extra_generic: further generic words removed together with ``generic_words`` when
            ``remove_generic`` is on (e.g. a genre's words, :func:`analysis.corpus.genre.genre_generic_words`).
        pos_keep: if set, keep only tokens whose POS tag starts with one of these prefixes
            (``("n", "v")`` keeps n, ns, nz, v, vn …). Tags come from the merged dictionary
            (user words default to ``nz``); tokens not in it are ``m`` (numerals), ``eng``
            (Latin) or ``x`` (new words found by the HMM).
        pos_drop: drop tokens whose tag starts with one of these prefixes.
        hmm: let jieba's HMM join unknown character sequences into words (jieba's default).

    Tokens containing U+FFFD (garbled spans marked by the corpus layer) and whitespace tokens are
    always dropped.
    """

    userdict: Path | None = lexicons.USERDICT
    delete_list: Path | None = lexicons.DELETE_LIST
    stopwords: Path | None = lexicons.STOPWORDS
    generic_words: Path | None = lexicons.GENERIC_WORDS
    remove_stopwords: bool = True
    remove_generic: bool = False
    min_chars: int = 2
    keep_chars: tuple[str, ...] = ()
    drop_punctuation: bool = True
    drop_numbers: bool = True
    drop_latin: bool = True
    drop_placeholders: bool = True
    extra_generic: tuple[str, ...] = ()
    pos_keep: tuple[str, ...] | None = None
    pos_drop: tuple[str, ...] = ()
    hmm: bool = True

    def key(self) -> dict[str, object]:
        """A JSON-able description keyed by file *content* (for caches and memo tables)."""
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in ("userdict", "delete_list", "stopwords", "generic_words"):
                value = None if value is None else hashing.file_digest(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


# --------------------------------------------------------------------------- backends


_SEGMENTERS: dict[tuple[str, str], object] = {}  # (backend, dictionary digest) -> segmenter
_MAX_SEGMENTERS = 4


def _build_rjieba(dictionary: Dictionary):
    import rjieba

    seg = rjieba.Jieba.empty()
    add, tag = seg.add_word, dictionary.tag
    for word, freq in dictionary.freq.items():
        add(word, freq, tag.get(word, "x"))
    return seg


def _build_pyjieba(dictionary: Dictionary):
    import jieba

    seg = jieba.Tokenizer()
    pfdict = dict(dictionary.freq)
    for word in dictionary.freq:
        for i in range(1, len(word)):
            pfdict.setdefault(word[:i], 0)
    seg.FREQ, seg.total, seg.initialized = pfdict, dictionary.total, True
    return seg


def _dictionary(options: TokenizerOptions) -> Dictionary:
    return lexicons.effective_dictionary(userdict=options.userdict, delete=options.delete_list)


def segmenter(backend: Backend, options: TokenizerOptions | None = None):
    """The configured segmenter of a backend, built once per process and dictionary content.

    ``"fast"``: an ``rjieba.Jieba`` filled with the merged dictionary (its own built-in dictionary
    is not used); ``"jieba"``: a ``jieba.Tokenizer`` whose prefix dictionary is the merged one.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    dictionary = _dictionary(options or TokenizerOptions())
    key = (backend, dictionary.digest)
    seg = _SEGMENTERS.get(key)
    if seg is None:
        seg = _build_rjieba(dictionary) if backend == "fast" else _build_pyjieba(dictionary)
        while len(_SEGMENTERS) >= _MAX_SEGMENTERS:
            _SEGMENTERS.pop(next(iter(_SEGMENTERS)))
        _SEGMENTERS[key] = seg
    return seg


def segment(texts: Sequence[str], *, backend: Backend = "fast", options=None) -> list[str]:
    """Raw segmentation (no filtering) of the texts joined by ``\\n`` (one list of words)."""
    options = options or TokenizerOptions()
    seg = segmenter(backend, options)
    joined = _SEP.join(texts)
    if backend == "fast":
        return seg.cut(joined, options.hmm)
    return list(seg.cut(joined, HMM=options.hmm))


def cut(text: str, *, backend: Backend = "fast", options=None) -> list[str]:
    """Segment one string with the project dictionary, no filtering (handy in notebooks)."""
    return segment([text], backend=backend, options=options)


# --------------------------------------------------------------------------- filters


def token_pos(token: str, dictionary: Dictionary) -> str:
    """POS tag of a token: its dictionary tag, else ``m`` / ``eng`` / ``x`` (see options)."""
    tag = dictionary.tag.get(token)
    if tag is not None:
        return tag
    if _NUMBER.match(token):
        return "m"
    if _LATIN.match(token):
        return "eng"
    return "x"


_PUNCT = re.compile(r"^[\W_]+$")  # only punctuation, symbols, spaces, control characters


def _is_punct(token: str) -> bool:
    return _PUNCT.match(token) is not None


def drop_reason(token: str, options: TokenizerOptions, dictionary: Dictionary) -> str | None:
    """Why a token is dropped (``None`` = kept). Pure; tested one rule at a time.

    Reasons: ``garbled``, ``space``, ``punct``, ``number``, ``placeholder``, ``latin``,
    ``short``, ``stopword``, ``generic``, ``pos``.
    """
    stop = lexicons.word_set(options.stopwords) if options.remove_stopwords else frozenset()
    generic = _generic(options)
    return _reason(token, options, dictionary, stop, generic, _latin_keep(options.userdict))


def _reason(
    token: str,
    options: TokenizerOptions,
    dictionary: Dictionary,
    stop: frozenset[str],
    generic: frozenset[str],
    latin_keep: frozenset[str],
) -> str | None:
    if "\ufffd" in token:
        return "garbled"
    if not token.strip():
        return "space"
    if options.drop_punctuation and _is_punct(token):
        return "punct"
    if options.drop_numbers and _NUMBER.match(token):
        return "number"
    if options.drop_placeholders and PLACEHOLDER.match(token):
        return "placeholder"
    if options.drop_latin and _LATIN.match(token) and token not in latin_keep:
        return "latin"
    if len(token) < options.min_chars and token not in options.keep_chars:
        return "short"
    if token in stop:
        return "stopword"
    if token in generic:
        return "generic"
    if options.pos_keep is not None or options.pos_drop:
        tag = token_pos(token, dictionary)
        if options.pos_keep is not None and not tag.startswith(tuple(options.pos_keep)):
            return "pos"
        if options.pos_drop and tag.startswith(tuple(options.pos_drop)):
            return "pos"
    return None


def _latin_keep(userdict: Path | None) -> frozenset[str]:
    """Latin words of the user dictionary (kept by the Latin filter)."""
    if userdict is None:
        return frozenset()
    return _latin_user_words(str(userdict), hashing.file_digest(userdict))


@functools.lru_cache(maxsize=8)
def _latin_user_words(path: str, digest: str) -> frozenset[str]:
    return frozenset(e.word for e in lexicons.read_user_dict(path) if _LATIN.match(e.word))


def _generic(options: TokenizerOptions) -> frozenset[str]:
    if not options.remove_generic:
        return frozenset()
    return lexicons.word_set(options.generic_words) | frozenset(options.extra_generic)


class _Decisions(dict):
    """token → id; ``keep[id]`` and ``length[id]`` hold the per-distinct-token decisions."""

    def __init__(self, options: TokenizerOptions, dictionary: Dictionary) -> None:
        super().__init__()
        self.options = options
        self.dictionary = dictionary
        self.words: list[str] = []
        self._keep: list[bool] = []
        self._length: list[int] = []
        self._flags: tuple[np.ndarray, np.ndarray] | None = None
        self._vocab: pa.Array | None = None
        self.stop = (
            lexicons.word_set(options.stopwords) if options.remove_stopwords else frozenset()
        )
        self.generic = _generic(options)
        self.latin_keep = _latin_keep(options.userdict)  # hashes the file: once, not per word

    def __missing__(self, token: str) -> int:
        i = len(self.words)
        self[token] = i
        self.words.append(token)
        reason = _reason(
            token, self.options, self.dictionary, self.stop, self.generic, self.latin_keep
        )
        self._keep.append(reason is None)
        self._length.append(len(token))
        self._flags = self._vocab = None
        return i

    def flags(self) -> tuple[np.ndarray, np.ndarray]:
        """``(keep, length)`` per id, as arrays."""
        if self._flags is None:
            self._flags = (
                np.array(self._keep, dtype=bool),
                np.array(self._length, dtype=np.int64),
            )
        return self._flags

    def vocab(self) -> pa.Array:
        """The distinct words by id (Arrow strings, for ``take``)."""
        if self._vocab is None:
            self._vocab = pa.array(self.words, pa.large_string())
        return self._vocab


@functools.lru_cache(maxsize=8)
def _decisions(key: str, options: TokenizerOptions) -> _Decisions:
    return _Decisions(options, _dictionary(options))


def _decisions_for(options: TokenizerOptions) -> _Decisions:
    key = hashing.digest(repr(sorted(options.key().items())))
    return _decisions(key + _dictionary(options).digest, options)


# --------------------------------------------------------------------------- tokenize


def _check_paragraphs(paragraphs: pd.DataFrame) -> None:
    missing = [c for c in ("doc_id", "para_id", "text") if c not in paragraphs.columns]
    if missing:
        raise KeyError(f"paragraphs lack column(s) {missing}; see docs/CONTRACTS.md")


def _empty_tokens() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": pd.Categorical([]),
            "para_id": np.array([], np.int32),
            "token": pd.Series([], dtype="str"),
            "start": np.array([], np.int32),
            "end": np.array([], np.int32),
        }
    )


_CHUNK_CHARS = 2_000_000  # segment this many characters at a time (bounds peak memory)


def _word_ids(texts: list[str], backend: Backend, options: TokenizerOptions, table) -> np.ndarray:
    """Decision-table ids of the words of ``"\n".join(texts)``, in order.

    One dictionary look-up per word (C-level ``map``; a new distinct word gets its keep/drop
    decision once, in ``_Decisions.__missing__``): cheaper than converting millions of
    segmenter strings to Arrow (UTF-8) to dictionary-encode them.
    """
    words = segment(texts, backend=backend, options=options)
    return np.fromiter(map(table.__getitem__, words), dtype=np.int64, count=len(words))


def _tokenize_frame(paragraphs: pd.DataFrame, backend: Backend, options: TokenizerOptions):
    texts = paragraphs["text"].fillna("").astype(str).tolist()
    if not texts:
        return _empty_tokens()
    table = _decisions_for(options)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    para_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    bounds = np.searchsorted(para_starts, np.arange(0, para_starts[-1] + 1, _CHUNK_CHARS))
    bounds = np.unique(np.concatenate((bounds, [len(texts)])))
    id_parts, end_parts = [], []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        ids = _word_ids(texts[a:b], backend, options, table)
        keep_of, length_of = table.flags()
        ends = np.cumsum(length_of[ids]) + para_starts[a]
        kept = keep_of[ids]  # dropped words leave now, while the chunk's arrays are fresh
        id_parts.append(ids[kept])
        end_parts.append(ends[kept])
        del ids, ends, kept
    _, length_of = table.flags()
    ids, ends = np.concatenate(id_parts), np.concatenate(end_parts)
    del id_parts, end_parts
    starts = ends - length_of[ids]
    # paragraph of each kept word: words are in text order, so one search per paragraph (its
    # first word) instead of one per word; row = last paragraph starting at or before the word
    firsts = np.searchsorted(starts, para_starts, side="left")
    row = np.repeat(np.arange(len(texts)), np.diff(np.append(firsts, len(starts))))
    doc = pd.Categorical(paragraphs["doc_id"].astype(str))
    base = para_starts[row]
    return pd.DataFrame(
        {
            "doc_id": pd.Categorical.from_codes(doc.codes[row], categories=doc.categories),
            "para_id": paragraphs["para_id"].to_numpy().astype(np.int32)[row],
            "token": table.vocab().take(pa.array(ids)).to_pandas(),
            "start": (starts - base).astype(np.int32),
            "end": (ends - base).astype(np.int32),
        },
        copy=False,  # the columns are fresh arrays: no copy into one int32 block
    )


def _tokenize_chunk(args: tuple[pd.DataFrame, str, TokenizerOptions]) -> pd.DataFrame:
    paragraphs, backend, options = args
    return _tokenize_frame(paragraphs, backend, options)  # type: ignore[arg-type]


def tokenize(
    paragraphs: pd.DataFrame,
    *,
    backend: Backend = "fast",
    options: TokenizerOptions | None = None,
    cache: bool = True,
    workers: int = 1,
    executor: Executor | None = None,
    n_chunks: int | None = None,
    force: bool = False,
) -> pd.DataFrame:
    """Segment and filter the Simplified ``text`` of paragraphs.

    Args:
        paragraphs: DataFrame with ``doc_id``, ``para_id``, ``text`` (corpus contract).
        backend: ``"fast"`` (rjieba) or ``"jieba"`` (pure Python); same dictionary.
        options: filters and lexicon files (:class:`TokenizerOptions`).
        cache: read/write the content-keyed Parquet cache (:mod:`analysis.cache`); the key
            covers the text, the bytes of every lexicon file, the options, the library
            versions and the source of this module's import closure, so a stale entry cannot
            be served.
        workers: processes when no ``executor`` is given (>1 starts a pool for this call).
        executor: where chunks of paragraphs are tokenized
            (:func:`analysis.scale.parallel.make_executor`); documents are never split between
            chunks and the result is identical to the in-process one.
        n_chunks: chunks for the executor (default four per worker).
        force: recompute and overwrite the cache entry instead of reading it.

    Returns:
        DataFrame, one row per kept token in reading order:
        ``doc_id`` (category), ``para_id`` (int32), ``token`` (str),
        ``start``, ``end`` (int32 character offsets into the paragraph's ``text``, which are
        also valid for ``text_original``: ``text[start:end] == token``).
    """
    options = options or TokenizerOptions()
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    _check_paragraphs(paragraphs)
    if cache:
        from analysis.cache import cached_frame

        key = token_cache_key(paragraphs, backend=backend, options=options)
        return cached_frame(
            key,
            lambda: tokenize(
                paragraphs, backend=backend, options=options, cache=False, workers=workers,
                executor=executor, n_chunks=n_chunks,
            ),
            "tokens",
            force=force,
        )  # fmt: skip
    if executor is None and workers > 1 and len(paragraphs) >= 2 * workers:
        from analysis.scale.parallel import ProcessExecutor

        with ProcessExecutor(workers) as own:
            return _tokenize_on(paragraphs, backend, options, own, n_chunks)
    if executor is None or executor.workers <= 1:
        return _tokenize_frame(paragraphs, backend, options)
    return _tokenize_on(paragraphs, backend, options, executor, n_chunks)


def _tokenize_on(paragraphs, backend, options, executor: Executor, n_chunks: int | None):
    from analysis.scale.parallel import chunk_paragraphs

    needed = paragraphs[["doc_id", "para_id", "text"]]
    chunks = chunk_paragraphs(needed, n_chunks=n_chunks or 4 * executor.workers)
    parts = executor.map(_tokenize_chunk, [(c, backend, options) for c in chunks])
    doc_ids = pd.Categorical(paragraphs["doc_id"].astype(str)).categories
    return concat_tokens(parts, categories=doc_ids)


def concat_tokens(parts: Sequence[pd.DataFrame], *, categories=None) -> pd.DataFrame:
    """Concatenate per-chunk token frames in order. ``doc_id`` becomes one categorical with
    ``categories`` (default: the sorted union of the parts'), as a single call gives."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return _empty_tokens()
    if categories is None:
        categories = sorted({str(d) for p in parts for d in p["doc_id"].astype(str).unique()})
    parts = [
        p.assign(doc_id=pd.Categorical(p["doc_id"].astype(str), categories=categories))
        for p in parts
    ]
    return pd.concat(parts, ignore_index=True)


def token_cache_key(
    paragraphs: pd.DataFrame, *, backend: Backend, options: TokenizerOptions
) -> dict[str, object]:
    """Cache key of a tokenize call: text content, lexicon bytes, options, library versions."""
    text = hashing.rows_digest(
        zip(
            paragraphs["doc_id"].astype(str),
            paragraphs["para_id"],
            paragraphs["text"].fillna(""),
            strict=True,
        )
    )
    return {
        "stage": "tokens",
        "tokenizer_version": TOKENIZER_VERSION,
        "code": hashing.source_digest(__name__),
        "text": text,
        "backend": backend,
        "options": options.key(),
        "libraries": hashing.library_versions(),
    }


def unit_tokens(
    tokens: pd.DataFrame,
    unit: Literal["paragraph", "document"] = "paragraph",
    *,
    paragraphs: pd.DataFrame | None = None,
) -> pd.Series:
    """Token lists per unit, in reading order.

    Args:
        tokens: output of :func:`tokenize`.
        unit: ``"paragraph"`` (ids ``"{doc_id}#{para_id}"``) or ``"document"`` (``doc_id``).
        paragraphs: if given, every paragraph/document of it gets a row (empty list when it has
            no tokens), in the paragraphs' order; otherwise only units with tokens appear.

    Returns:
        Series of ``list[str]`` indexed by unit id (index name ``unit``).

    Raises:
        ValueError: a missing token (None/NaN) in ``tokens["token"]``, with its row.
    """
    order, index, offsets = unit_spans(tokens, unit)
    # one Python string per DISTINCT token (shared by every list), not one per occurrence
    token_codes, uniques = pd.factorize(tokens["token"])
    _refuse_missing_tokens(tokens, token_codes)
    if order is not None:
        token_codes = token_codes[order]
    values = uniques.to_numpy(dtype=object)[token_codes]
    del token_codes
    lists = [part.tolist() for part in np.split(values, offsets[1:-1])] if len(values) else []
    out = pd.Series(lists, index=pd.Index(index, name="unit"), dtype=object)
    if paragraphs is not None:
        pdoc = paragraphs["doc_id"].astype(str)
        wanted = pdoc + "#" + paragraphs["para_id"].astype(str) if unit == "paragraph" else pdoc
        wanted = pd.Index(pd.unique(wanted), name="unit")
        out = out.reindex(wanted)
        out = out.apply(lambda v: v if isinstance(v, list) else [])
    return out


def _refuse_missing_tokens(tokens: pd.DataFrame, codes: np.ndarray) -> None:
    """A missing token (factorize code -1) is not a word: say where it is instead of letting
    ``uniques[-1]`` turn it into the last distinct token."""
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        row = tokens.iloc[int(missing[0])]
        where = ", ".join(f"{c} {row[c]}" for c in ("doc_id", "para_id", "start") if c in row)
        raise ValueError(
            f"{len(missing)} missing token(s) (None/NaN) in the token table, the first at row "
            f"{int(missing[0])} ({where}); tokens must be strings"
        )


def unit_spans(
    tokens: pd.DataFrame, unit: Literal["paragraph", "document"] = "paragraph"
) -> tuple[np.ndarray | None, list[str], np.ndarray]:
    """How :func:`unit_tokens` groups the rows of a token frame into units.

    Returns:
        ``(order, unit_ids, offsets)``: the rows in reading order are ``order`` (``None`` when
        they already are, as :func:`tokenize` returns them), sorted by ``doc_id`` (as a string),
        ``para_id``, ``start``; unit ``i`` (id ``unit_ids[i]``, ``"{doc_id}#{para_id}"`` or
        ``doc_id``) is rows ``offsets[i]:offsets[i + 1]`` of that ordering. Only units with
        tokens appear.
    """
    if unit not in ("paragraph", "document"):
        raise ValueError("unit must be 'paragraph' or 'document'")
    doc = _sorted_categorical(tokens["doc_id"])
    para = tokens["para_id"].to_numpy(dtype=np.int64)
    start = tokens["start"].to_numpy()
    order = None if _in_order(doc.codes, para, start) else np.lexsort((start, para, doc.codes))
    codes = doc.codes if order is None else doc.codes[order]
    para = para if order is None else para[order]
    if not len(codes):
        return order, [], np.zeros(1, dtype=np.int64)
    change = np.diff(codes) != 0
    if unit == "paragraph":
        change |= np.diff(para) != 0
    firsts = np.concatenate(([0], np.flatnonzero(change) + 1))
    names = doc.categories.to_numpy(dtype=object)[codes[firsts]]
    if unit == "paragraph":
        index = [f"{d}#{p}" for d, p in zip(names, para[firsts].tolist(), strict=True)]
    else:
        index = list(names)
    return order, index, np.append(firsts, len(codes)).astype(np.int64)


def _in_order(*keys: np.ndarray) -> bool:
    """Whether rows are already sorted by ``keys`` (first key most significant), i.e. whether
    the stable ``np.lexsort(keys[::-1])`` is the identity."""
    if len(keys[0]) < 2:
        return True
    later = np.zeros(len(keys[0]) - 1, dtype=bool)  # row i+1 > row i on a more significant key
    for key in keys:
        step = np.diff(key.astype(np.int64, copy=False))
        if (step[~later] < 0).any():
            return False
        later |= step > 0
    return True


def _sorted_categorical(values: pd.Series) -> pd.Categorical:
    """``pd.Categorical(values.astype(str))`` (categories sorted), without converting every row
    to a Python string when ``values`` is already categorical (a token frame's ``doc_id``)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = values.cat.categories.astype(str)
        if cats.is_unique:
            order = np.argsort(cats.to_numpy(dtype=object), kind="stable")
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            codes = values.cat.codes.to_numpy()
            if (codes >= 0).all():
                return pd.Categorical.from_codes(rank[codes], categories=cats[order])
    return pd.Categorical(values.astype(str))


def token_agreement(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> float:
    """Span agreement of two segmentations: 2·|A∩B| / (|A|+|B|) over (start, end) spans."""
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))


def frame_agreement(left: pd.DataFrame, right: pd.DataFrame) -> float:
    """:func:`token_agreement` of two token frames, spans keyed by (doc_id, para_id, start, end)."""

    def spans(df: pd.DataFrame):
        return zip(df["doc_id"].astype(str), df["para_id"], df["start"], df["end"], strict=True)

    sa, sb = set(spans(left)), set(spans(right))
    if not sa and not sb:
        return 1.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))
