"""Near-duplicate documents: character shingles, bottom-k MinHash sketches, exact confirmation.

Method (documented for methods sections):

* Each document's Simplified text is reduced to CJK characters, letters and digits (punctuation,
  whitespace and line breaks ignored, so re-wrapped copies still match) and cut into overlapping
  ``SHINGLE``-character shingles, hashed to 64-bit integers (deterministic, no salt).
* A bottom-k sketch (the ``SKETCH`` smallest hashes) of each document proposes candidate pairs
  that share at least ``CANDIDATE_SHARE`` of their sketch; this keeps the cost near-linear.
* Candidates are confirmed on the full shingle sets: a pair is a near-duplicate when Jaccard
  similarity ≥ ``JACCARD`` (0.5) or containment (overlap / smaller set) ≥ ``CONTAINMENT`` (0.8).
* The later document (by date when both are dated, otherwise by corpus order) gets
  ``duplicate_of`` = the earlier one's id; chains point at the first document of the group.
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

SHINGLE = 5
SKETCH = 128
MAX_POSTING = 1000  # a sketch hash in more documents than this proposes no pairs
CANDIDATE_SHARE = 0.2
PRODUCT_WORK = 1 << 20  # products summed per row block of the candidate counts (≥ entries held)
JACCARD = 0.5
CONTAINMENT = 0.8
_KEEP = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+")


@functools.lru_cache(maxsize=1)
def _kept_table() -> np.ndarray:
    """Is this code point kept for shingles (the complement of ``_KEEP``'s class)?"""
    table = np.zeros(0x110000, dtype=bool)
    for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (65, 90), (97, 122), (48, 57)):
        table[lo : hi + 1] = True
    return table


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """Sorted unique 64-bit hashes of the ``k``-character shingles of ``text`` (see module doc)."""
    try:  # the characters _KEEP does not remove, selected through a table (no regex pass)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        codes = codes[_kept_table()[codes]]
    except UnicodeEncodeError:  # a lone surrogate
        chars = _KEEP.sub("", text)
        codes = np.frombuffer(chars.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if len(codes) < k:
        return np.empty(0, dtype=np.uint64)
    codes = codes.astype(np.uint64)
    h = np.zeros(len(codes) - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = (h * np.uint64(1099511628211)) ^ codes[j : len(codes) - k + 1 + j]
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
    h.sort()  # sorted unique by neighbour comparison: several times faster than np.unique
    return h[np.concatenate(([True], h[1:] != h[:-1]))]


class _SetCache:
    """Shingle sets of documents by position (``text_of(i)`` gives the text of document ``i``),
    the most recently used few kept in memory."""

    def __init__(self, text_of: Callable[[int], str], size: int = 64) -> None:
        self._text_of, self._size = text_of, size
        self._sets: OrderedDict[int, np.ndarray] = OrderedDict()

    def __getitem__(self, i: int) -> np.ndarray:
        if i in self._sets:
            self._sets.move_to_end(i)
            return self._sets[i]
        s = self._sets[i] = shingle_hashes(self._text_of(i))
        if len(self._sets) > self._size:
            self._sets.popitem(last=False)
        return s


def document_sketch(text: str) -> tuple[int, np.ndarray]:
    """``(number of distinct shingles, bottom-k sketch)`` of one document's text: all that
    :func:`pairs_from_sketches` keeps of it (the sketch is a copy, not a view of the set)."""
    s = shingle_hashes(text)
    return len(s), s[:SKETCH].copy()


def near_duplicate_pairs(texts: pd.Series) -> pd.DataFrame:
    """Confirmed near-duplicate pairs among documents.

    Args:
        texts: Simplified document texts indexed by doc_id, in corpus order.

    Returns:
        DataFrame with columns ``doc_a, doc_b, jaccard, containment`` (``doc_a`` first in corpus
        order), one row per confirmed pair.
    """
    # keep only each document's sketch and set size: the full shingle sets (8 bytes per
    # character of the corpus) are recomputed for candidate pairs only, a few at a time
    sized = [document_sketch(t) for t in texts]
    return pairs_from_sketches(
        list(texts.index), [n for n, _ in sized], [s for _, s in sized], texts.iloc.__getitem__
    )


def pairs_from_sketches(
    ids: Sequence[str],
    sizes: Sequence[int],
    sketches: Sequence[np.ndarray],
    text_of: Callable[[int], str],
    *,
    prefetch: Callable[[list[int]], None] | None = None,
) -> pd.DataFrame:
    """:func:`near_duplicate_pairs` from per-document sketches (:func:`document_sketch`, e.g.
    computed where the texts are), reading the texts back only for candidate pairs.

    Args:
        ids: doc_ids in corpus order.
        sizes, sketches: :func:`document_sketch` of each document, aligned with ``ids``.
        text_of: ``text_of(i)`` = the text of document ``i`` (called for candidates only, in
            increasing order of the pair's first document).
        prefetch: called once, before any ``text_of``, with the positions (ascending) of every
            document of a candidate pair, so that ``text_of`` can fetch them together (e.g.
            each partition of a partitioned run read once).

    Returns:
        As :func:`near_duplicate_pairs`.
    """
    candidates = [(a, b) for a, b, _ in _candidate_pairs(list(sketches))]
    if prefetch is not None:
        prefetch(sorted({i for pair in candidates for i in pair}))
    sets = _SetCache(text_of)
    confirmed = {}
    for a, b in sorted(candidates):  # by first document: its set is computed once
        inter = len(np.intersect1d(sets[a], sets[b], assume_unique=True))
        union = sizes[a] + sizes[b] - inter
        jac = inter / union if union else 0.0
        con = inter / min(sizes[a], sizes[b])
        if jac >= JACCARD or con >= CONTAINMENT:
            confirmed[(a, b)] = (round(jac, 4), round(con, 4))
    rows = [(ids[a], ids[b], *confirmed[(a, b)]) for a, b in candidates if (a, b) in confirmed]
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "jaccard", "containment"])


def _candidate_pairs(sets: list[np.ndarray]) -> list[tuple[int, int, int]]:
    """``(a, b, n)`` for every candidate pair of documents (``a < b``): ``n`` shared sketch
    hashes (counting hashes in at most :data:`MAX_POSTING` sketches), at least
    ``CANDIDATE_SHARE`` of the smaller sketch. In the order a scan of the sketch index meets
    the pairs (postings in order of first appearance, members in document order).

    The counts come from one sparse product (the incidence matrix times its transpose) instead
    of a Python loop over every pair of every posting list.
    """
    from scipy import sparse

    sketches = [s[:SKETCH] for s in sets]
    lengths = np.array([len(s) for s in sketches], dtype=np.int64)
    if lengths.sum() == 0:
        return []
    doc_of = np.repeat(np.arange(len(sets), dtype=np.int64), lengths)
    hashes = np.concatenate(sketches)
    # postings numbered in order of first appearance (the order of the dict it replaces)
    uniq, first_at, posting = np.unique(hashes, return_index=True, return_inverse=True)
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[np.argsort(first_at, kind="stable")] = np.arange(len(uniq))
    posting = rank[posting.ravel()]
    size = np.bincount(posting, minlength=len(uniq))
    keep = (size[posting] > 1) & (size[posting] <= MAX_POSTING)
    if not keep.any():
        return []
    doc_of, posting = doc_of[keep], posting[keep]
    m = sparse.csr_matrix(
        (np.ones(len(doc_of), dtype=np.int64), (doc_of, posting)), shape=(len(sets), len(uniq))
    )
    # the product in blocks of rows, each filtered at once: the full product has an entry per
    # pair of documents sharing any sketch hash (quadratic in the corpus: 1 GB at 150 M chars);
    # a row's entries are at most the sizes of its postings summed (its "work")
    mt = m.T.tocsr()
    work = m @ size  # per document: the sizes of its postings summed (no per-entry array)
    found = []
    for start, stop in product_blocks(work):
        shared = (m[start:stop] @ mt).tocoo()
        a, b, n = shared.row.astype(np.int64) + start, shared.col.astype(np.int64), shared.data
        smaller = np.minimum(np.minimum(lengths[a], lengths[b]), SKETCH)
        ok = (b > a) & (smaller != 0) & ~(n < CANDIDATE_SHARE * smaller)
        found.append((a[ok], b[ok], n[ok]))
    a, b, n = (np.concatenate(x) for x in zip(*found, strict=True))
    if not len(a):
        return []
    # the first posting holding both documents orders the pairs as the Python scan met them
    bounds = np.concatenate(([0], np.cumsum(np.bincount(doc_of, minlength=len(sets)))))
    by_doc = [np.sort(posting[bounds[i] : bounds[i + 1]]) for i in range(len(sets))]
    first = np.array(
        [
            np.intersect1d(by_doc[x], by_doc[y], assume_unique=True)[0]
            for x, y in zip(a.tolist(), b.tolist())
        ]
    )
    order = np.lexsort((b, a, first))
    return [(int(a[k]), int(b[k]), int(n[k])) for k in order.tolist()]


def product_blocks(work: np.ndarray, budget: int | None = None) -> list[tuple[int, int]]:
    """Row ranges ``[start, stop)`` of the candidate count product, in order and covering every
    row: each block as many rows as fit ``budget`` (default :data:`PRODUCT_WORK`) products, at
    least one row. ``work[i]``: the products of row ``i`` (the sizes of its postings summed), an
    upper bound of the entries it adds to the product, so a block holds at most ``budget``
    entries (or one row's) however many documents the corpus has (pure)."""
    budget = PRODUCT_WORK if budget is None else budget
    cum = np.concatenate(([0], np.cumsum(np.asarray(work, dtype=np.int64))))
    blocks, start, n = [], 0, len(cum) - 1
    while start < n:
        stop = int(np.searchsorted(cum, cum[start] + budget, side="right")) - 1
        stop = min(max(stop, start + 1), n)
        blocks.append((start, stop))
        start = stop
    return blocks


def mark_duplicates(documents: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """``duplicate_of`` for each document: the earliest member of its near-duplicate group.

    Args:
        documents: Needs ``doc_id`` and ``date`` (ISO or "") in corpus order.
        pairs: Output of :func:`near_duplicate_pairs`.

    Returns:
        Series of str aligned with ``documents`` ("" for originals).
    """
    order = {d: i for i, d in enumerate(documents["doc_id"])}
    dates = dict(zip(documents["doc_id"], documents["date"].fillna("")))

    def earlier(a: str, b: str) -> tuple[str, str]:
        if dates[a] and dates[b] and dates[a] != dates[b]:
            return (a, b) if dates[a] < dates[b] else (b, a)
        return (a, b) if order[a] < order[b] else (b, a)

    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs[["doc_a", "doc_b"]].itertuples(index=False):
        ra, rb = find(a), find(b)
        if ra != rb:
            first, second = earlier(ra, rb)
            parent[second] = first
    return documents["doc_id"].map(lambda d: "" if find(d) == d else find(d)).astype(str)


def duplicate_mask(documents: pd.DataFrame) -> pd.Series:
    """True for documents marked as a near-duplicate of an earlier one (non-empty
    ``duplicate_of``); all False when the column is absent. The one definition every stage uses."""
    if "duplicate_of" not in documents:
        return pd.Series(False, index=documents.index)
    return documents["duplicate_of"].fillna("").astype(str).str.strip() != ""


def without_duplicates(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents that are analysed: near-duplicates of an earlier document left out."""
    return documents[~duplicate_mask(documents)]
