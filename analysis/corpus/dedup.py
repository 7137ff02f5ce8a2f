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

import re
from collections import Counter, OrderedDict, defaultdict

import numpy as np
import pandas as pd

SHINGLE = 5
SKETCH = 128
CANDIDATE_SHARE = 0.2
JACCARD = 0.5
CONTAINMENT = 0.8
_KEEP = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+")


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """Sorted unique 64-bit hashes of the ``k``-character shingles of ``text`` (see module doc)."""
    chars = _KEEP.sub("", text)
    if len(chars) < k:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
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
    """Shingle sets of ``texts`` by position, the most recently used few kept in memory."""

    def __init__(self, texts: pd.Series, size: int = 64) -> None:
        self._texts, self._size = texts, size
        self._sets: OrderedDict[int, np.ndarray] = OrderedDict()

    def __getitem__(self, i: int) -> np.ndarray:
        if i in self._sets:
            self._sets.move_to_end(i)
            return self._sets[i]
        s = self._sets[i] = shingle_hashes(self._texts.iloc[i])
        if len(self._sets) > self._size:
            self._sets.popitem(last=False)
        return s


def near_duplicate_pairs(texts: pd.Series) -> pd.DataFrame:
    """Confirmed near-duplicate pairs among documents.

    Args:
        texts: Simplified document texts indexed by doc_id, in corpus order.

    Returns:
        DataFrame with columns ``doc_a, doc_b, jaccard, containment`` (``doc_a`` first in corpus
        order), one row per confirmed pair.
    """
    ids = list(texts.index)
    # keep only each document's sketch and set size: the full shingle sets (8 bytes per
    # character of the corpus) are recomputed for candidate pairs only, a few at a time
    sizes, index = [], defaultdict(list)
    for i, t in enumerate(texts):
        s = shingle_hashes(t)
        sizes.append(len(s))
        for h in s[:SKETCH].tolist():
            index[h].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        if 1 < len(members) <= 1000:
            for a_pos, a in enumerate(members):
                for b in members[a_pos + 1 :]:
                    shared[(a, b)] += 1
    candidates = [
        (a, b)
        for (a, b), n in shared.items()
        if min(sizes[a], sizes[b], SKETCH)
        and n >= CANDIDATE_SHARE * min(sizes[a], sizes[b], SKETCH)
    ]
    sets = _SetCache(texts)
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
