"""Passage-level text reuse between documents: who copied what, with exact spans in both.

Method (documented for methods sections):

1. **Text.** A document's text is its paragraphs joined with ``"\\n"`` in the given order
   (:func:`document_texts`); every offset in the output points into that string, in
   ``text`` (Simplified) and ``text_original`` alike (the two have the same length).
2. **Shingles.** The Simplified text is reduced to CJK characters, letters and digits
   (punctuation, whitespace and line breaks ignored; each kept character remembers its offset)
   and cut into overlapping ``shingle``-character shingles hashed to 64 bits (no salt).
3. **Candidates by MinHash LSH** (vectorised numpy, no Python loop over characters). Every
   document is cut into windows of ``window`` shingles starting every ``step`` shingles; each
   window gets a ``num_perm``-value MinHash signature (seeded hash family), split into ``bands``
   bands. Windows of two documents that agree on a whole band are a candidate pair. A bucket
   holding more than ``max_bucket_docs`` documents (the genre's boilerplate) links each document
   only to its ``max_links`` predecessors in time, so the work stays near-linear; such passages
   are listed in full by :func:`reuse_templates`.
4. **Local alignment** of each candidate document pair, restricted to the candidate regions:
   shared shingles become matches; matches on one diagonal with gaps of at most
   ``shingle + max_edit`` characters form a segment (a changed place name or number breaks a
   diagonal for a few characters only); segments are chained when both gaps are at most
   ``max_gap`` characters (an inserted or dropped clause shifts the diagonal). A chain is
   reported when it spans at least ``min_chars`` kept characters in both documents and its
   similarity (matched characters / span length, both documents) is at least ``min_similarity``.
5. **Near-duplicate documents** (``documents.duplicate_of``, found by the corpus stage) are not
   aligned passage by passage: each yields ONE row of kind ``near_duplicate`` spanning the
   whole documents.
6. **Direction.** ``doc_a`` is the earlier document when both have a report date (``date``) that
   differ, else when both have years (year of the date, else the ``year`` label) that differ;
   ``direction`` says ``a->b`` and ``direction_basis`` ``date`` or ``year``. Otherwise
   ``direction`` is ``unknown`` and ``doc_a`` is first in corpus order.

    >>> import analysis as an
    >>> corpus = an.load_corpus()
    >>> pairs = an.text_reuse(corpus.paragraphs, corpus.documents)
    >>> an.reuse_documents(pairs, corpus.paragraphs, corpus.documents)
"""

from __future__ import annotations

import bisect
import hashlib
import inspect
import logging
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analysis.cache import cached_frame
from analysis.measures.timeseries import documents_with_level

log = logging.getLogger(__name__)

STAGE_VERSION = "1"

PAIR_COLUMNS = [
    "doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "n_chars", "similarity",
    "text_a", "text_b", "direction", "direction_basis", "kind", "para_a", "para_b",
]  # fmt: skip

_U64 = np.uint64
_MASK64 = 0xFFFFFFFFFFFFFFFF


@dataclass(frozen=True)
class ReuseOptions:
    """Parameters of :func:`text_reuse` (see the module docstring for their role)."""

    shingle: int = 5
    window: int = 48
    step: int = 12
    num_perm: int = 32
    bands: int = 8
    min_chars: int = 40
    min_similarity: float = 0.5
    max_edit: int = 4
    max_gap: int = 40
    min_segment: int = 10
    max_bucket_docs: int = 10
    max_links: int = 5
    seed: int = 20240601

    def __post_init__(self) -> None:
        for name in ("shingle", "window", "step", "num_perm", "bands", "min_chars", "max_links"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"ReuseOptions.{name} must be >= 1, got {getattr(self, name)!r}")
        if self.num_perm % self.bands:
            raise ValueError(
                f"ReuseOptions.num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})"
            )
        if self.window < self.step:
            raise ValueError("ReuseOptions.window must be >= step")
        if not 0 <= self.min_similarity <= 1:
            raise ValueError("ReuseOptions.min_similarity must be in [0, 1]")


# ------------------------------------------------------------------------------ documents


def document_texts(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """One text per document: its paragraphs joined with ``"\\n"`` (the offset space of reuse).

    Args:
        paragraphs: needs ``doc_id, text, text_original`` (in reading order within a document).

    Returns:
        DataFrame[doc_id, text, text_original, n_chars, para_ids, para_starts] in first-seen
        document order; ``para_starts`` are the offsets where each paragraph of ``para_ids``
        begins.
    """
    rows = []
    paras = paragraphs.assign(
        text=paragraphs["text"].fillna("").astype(str),
        text_original=paragraphs["text_original"].fillna("").astype(str),
    )
    pid = paras["para_id"] if "para_id" in paras else pd.Series(range(len(paras)), paras.index)
    paras = paras.assign(para_id=pid)
    for doc_id, g in paras.groupby("doc_id", sort=False):
        texts = g["text"].tolist()
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]).tolist()
        text = "\n".join(texts)
        rows.append(
            (str(doc_id), text, "\n".join(g["text_original"]), len(text), g["para_id"].tolist(),
             starts)
        )  # fmt: skip
    return pd.DataFrame(
        rows, columns=["doc_id", "text", "text_original", "n_chars", "para_ids", "para_starts"]
    )


def _keep_mask(codes: np.ndarray) -> np.ndarray:
    return (
        ((codes >= 0x4E00) & (codes <= 0x9FFF))
        | ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0xF900) & (codes <= 0xFAFF))
        | ((codes >= 0x20000) & (codes <= 0x3FFFF))
        | ((codes >= 0x30) & (codes <= 0x39))
        | ((codes >= 0x41) & (codes <= 0x5A))
        | ((codes >= 0x61) & (codes <= 0x7A))
    )


@dataclass
class CharIndex:
    """Kept characters of every document, concatenated (see the module docstring, step 2).

    Attributes:
        doc_ids: document ids in order.
        starts: ``starts[d]:starts[d+1]`` are document ``d``'s kept characters.
        offset: offset of each kept character in its document's text.
        codes: code point of each kept character.
    """

    doc_ids: list[str]
    starts: np.ndarray
    offset: np.ndarray
    codes: np.ndarray

    @classmethod
    def build(cls, doc_ids: list[str], texts: list[str]) -> CharIndex:
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
        keep = _keep_mask(codes)
        glob_start = np.concatenate([[0], np.cumsum(lengths)])
        kept_before = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])
        starts = kept_before[glob_start]  # kept characters before each document
        offset = np.flatnonzero(keep).astype(np.int32)
        doc_len = np.diff(starts)
        offset -= np.repeat(glob_start[:-1].astype(np.int32), doc_len)
        return cls(list(doc_ids), starts, offset, codes[keep])

    def shingles(self, k: int) -> np.ndarray:
        """64-bit hash of the ``k`` kept characters starting at each position (invalid = max)."""
        n = len(self.codes)
        h = np.zeros(n, dtype=_U64)
        with np.errstate(over="ignore"):
            for j in range(k):
                h *= _U64(1099511628211)
                h[: n - j] ^= self.codes[j:]
            h = _mix(h)
        for end in self.starts[1:]:  # shingles running past their document's end are invalid
            h[max(int(end) - k + 1, 0) : int(end)] = _U64(_MASK64)
        return h


def _mix(h: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = h ^ (h >> _U64(33))
        h = h * _U64(0xFF51AFD7ED558CCD)
        h = h ^ (h >> _U64(33))
        h = h * _U64(0xC4CEB9FE1A85EC53)
        return h ^ (h >> _U64(33))


# ------------------------------------------------------------------------------ candidates


def _windows(index: CharIndex, k: int, window: int, step: int) -> tuple[np.ndarray, ...]:
    """Window starts (kept-char positions), ends, documents, and block layout for MinHash."""
    block_start, block_doc = [], []
    for d in range(len(index.doc_ids)):
        lo, hi = int(index.starts[d]), int(index.starts[d + 1]) - k + 1
        if hi > lo:
            block_start.append(np.arange(lo, hi, step))
            block_doc.append(np.full(len(block_start[-1]), d))
    if not block_start:
        e = np.empty(0, dtype=np.int64)
        return e, e, e, e, e
    bs = np.concatenate(block_start)
    bd = np.concatenate(block_doc)
    n_blocks = window // step
    # last block of each block's document
    last = np.searchsorted(bd, bd, side="right") - 1
    first = np.searchsorted(bd, bd, side="left")
    idx = np.arange(len(bs))
    keep = (idx + n_blocks - 1 <= last) | (idx == first)
    w_first = idx[keep]
    w_last = np.minimum(w_first + n_blocks - 1, last[keep])
    starts = bs[w_first]
    doc_shingle_end = index.starts[bd[w_first] + 1] - k + 1
    ends = np.minimum(bs[w_last] + step, doc_shingle_end) + k - 1
    return starts, ends, bd[w_first], w_first, w_last


def _signatures(hashes: np.ndarray, index: CharIndex, opts: ReuseOptions) -> tuple[np.ndarray, ...]:
    k, step = opts.shingle, opts.step
    w_start, w_end, w_doc, w_first, w_last = _windows(index, k, opts.window, step)
    if len(w_start) == 0:
        return w_start, w_end, w_doc, np.empty((0, opts.num_perm), dtype=np.uint32)
    # blocks cover valid shingle positions of each document: [bs, next bs or doc end)
    block_start, _, _, _, _ = _windows(index, k, step, step)
    valid = hashes != _U64(_MASK64)
    # reduceat needs contiguous segments: use the valid shingles only
    pos_valid = np.nonzero(valid)[0]
    seg = np.searchsorted(pos_valid, block_start)
    rng = np.random.default_rng(opts.seed)
    mult = rng.integers(1, 2**63, size=opts.num_perm, dtype=np.int64).astype(_U64) | _U64(1)
    add = rng.integers(0, 2**63, size=opts.num_perm, dtype=np.int64).astype(_U64)
    hv = hashes[valid]
    n_blocks = opts.window // step
    sig = np.empty((len(w_start), opts.num_perm), dtype=np.uint32)
    offsets = [np.minimum(w_first + o, w_last) for o in range(n_blocks)]
    for p in range(opts.num_perm):
        with np.errstate(over="ignore"):  # multiply-shift hashing of well-mixed keys
            perm = hv * mult[p] + add[p]
        bmin = np.minimum.reduceat(perm, seg) if len(seg) else perm[:0]
        wmin = bmin[offsets[0]]
        for o in offsets[1:]:
            wmin = np.minimum(wmin, bmin[o])
        sig[:, p] = (wmin >> _U64(32)).astype(np.uint32)
    return w_start, w_end, w_doc, sig


def candidate_pairs(
    index: CharIndex, hashes: np.ndarray, rank: np.ndarray, opts: ReuseOptions
) -> pd.DataFrame:
    """Candidate window pairs from MinHash LSH (step 3 of the module docstring).

    Args:
        index: the kept characters (:class:`CharIndex`).
        hashes: shingle hashes from ``index.shingles(opts.shingle)``.
        rank: time rank of each document (earlier = smaller; ties allowed).
        opts: options.

    Returns:
        DataFrame[da, db, sa, ea, sb, eb]: document indices (``da < db``) and kept-character
        ranges of the two windows; one row per distinct window pair.
    """
    w_start, w_end, w_doc, sig = _signatures(hashes, index, opts)
    r = opts.num_perm // opts.bands
    out = []
    with np.errstate(over="ignore"):
        for b in range(opts.bands):
            key = np.zeros(len(w_start), dtype=_U64)
            for j in range(r):
                key = _mix(key ^ sig[:, b * r + j].astype(_U64) + _U64(j))
            order = np.lexsort((w_doc, key))
            ks, ds = key[order], w_doc[order]
            bounds = np.flatnonzero(np.diff(ks)) + 1
            gs = np.concatenate([[0], bounds])
            ge = np.concatenate([bounds, [len(ks)]])
            multi = np.flatnonzero((ge - gs >= 2) & (ds[gs] != ds[ge - 1]))
            for g in multi:
                members = order[gs[g] : ge[g]]
                out.extend(_bucket_pairs(members, w_doc, rank, opts))
    if not out:
        return pd.DataFrame(columns=["da", "db", "sa", "ea", "sb", "eb"], dtype="int64")
    wa, wb = np.array(out, dtype=np.int64).T
    da, db = w_doc[wa], w_doc[wb]
    swap = da > db
    wa, wb = np.where(swap, wb, wa), np.where(swap, wa, wb)
    df = pd.DataFrame({"wa": wa, "wb": wb}).drop_duplicates()
    wa, wb = df["wa"].to_numpy(), df["wb"].to_numpy()
    return pd.DataFrame(
        {"da": w_doc[wa], "db": w_doc[wb], "sa": w_start[wa], "ea": w_end[wa],
         "sb": w_start[wb], "eb": w_end[wb]}
    )  # fmt: skip


def _bucket_pairs(members: np.ndarray, w_doc: np.ndarray, rank: np.ndarray, opts: ReuseOptions):
    docs = w_doc[members]
    n_docs = len(np.unique(docs))
    if n_docs <= opts.max_bucket_docs:
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                if docs[i] != docs[j]:
                    yield members[i], members[j]
        return
    # boilerplate bucket: one window per document, each linked to its predecessors in time
    _, first = np.unique(docs, return_index=True)
    m = members[first]
    m = m[np.lexsort((w_doc[m], rank[w_doc[m]]))]
    for i in range(1, len(m)):
        for j in range(max(0, i - opts.max_links), i):
            yield m[j], m[i]


# ------------------------------------------------------------------------------ alignment


def _merge_ranges(s: np.ndarray, e: np.ndarray) -> list[tuple[int, int]]:
    order = np.argsort(s, kind="stable")
    out: list[list[int]] = []
    for a, b in zip(s[order].tolist(), e[order].tolist()):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _region_positions(ranges: list[tuple[int, int]]) -> np.ndarray:
    return np.concatenate([np.arange(a, b) for a, b in ranges]) if ranges else np.empty(0, int)


def align_regions(
    hashes: np.ndarray,
    pos_a: np.ndarray,
    pos_b: np.ndarray,
    opts: ReuseOptions,
) -> list[tuple[int, int, int, int, int, int]]:
    """Local alignment of two sets of kept-character positions (step 4 of the module docstring).

    Args:
        hashes: shingle hash per kept-character position (``CharIndex.shingles``).
        pos_a, pos_b: positions (into ``hashes``) of the regions to align, one per document.
        opts: options.

    Returns:
        ``(sa, ea, sb, eb, matched_a, matched_b)`` per aligned passage: kept-character ranges
        ``[sa, ea)``, ``[sb, eb)`` and how many characters of each are covered by shared
        shingles.
    """
    k = opts.shingle
    ha, hb = hashes[pos_a], hashes[pos_b]
    va, vb = ha != _U64(_MASK64), hb != _U64(_MASK64)
    pos_a, ha, pos_b, hb = pos_a[va], ha[va], pos_b[vb], hb[vb]
    ob = np.argsort(hb, kind="stable")
    hb_sorted, pb_sorted = hb[ob], pos_b[ob]
    lo = np.searchsorted(hb_sorted, ha, side="left")
    hi = np.searchsorted(hb_sorted, ha, side="right")
    cnt = hi - lo
    if not cnt.any():
        return []
    ma = np.repeat(pos_a, cnt)
    starts = np.repeat(lo, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    mb = pb_sorted[starts]
    diag = mb - ma
    order = np.lexsort((ma, diag))
    ma, mb, diag = ma[order], mb[order], diag[order]
    brk = np.flatnonzero((np.diff(diag) != 0) | (np.diff(ma) > k + opts.max_edit)) + 1
    s_idx = np.concatenate([[0], brk])
    e_idx = np.concatenate([brk, [len(ma)]])
    seg_sa, seg_ea = ma[s_idx], ma[e_idx - 1] + k
    seg_sb, seg_eb = mb[s_idx], mb[e_idx - 1] + k
    # covered characters of each segment: union of [p, p + k)
    gaps = np.minimum(np.diff(ma), k)
    cover_in = np.concatenate([[0], np.cumsum(gaps)])
    seg_cov = cover_in[e_idx - 1] - cover_in[s_idx] + k
    keep = seg_cov >= opts.min_segment
    segs = sorted(
        zip(
            seg_sa[keep].tolist(), seg_ea[keep].tolist(), seg_sb[keep].tolist(),
            seg_eb[keep].tolist(), seg_cov[keep].tolist(),
        )
    )  # fmt: skip
    chains: list[list[int]] = []  # [sa, ea, sb, eb, cov]
    done: list[list[int]] = []
    g = opts.max_gap
    for sa, ea, sb, eb, cov in segs:
        best, best_cost = None, None
        still = []
        for c in chains:
            if sa - c[1] > g:
                done.append(c)
                continue
            still.append(c)
            gap_a, gap_b = sa - c[1], sb - c[3]
            if -k <= gap_a <= g and -k <= gap_b <= g and sb > c[2] and sa > c[0]:
                cost = abs(gap_a - gap_b)
                if best_cost is None or cost < best_cost:
                    best, best_cost = c, cost
        chains = still
        if best is None:
            chains.append([sa, ea, sb, eb, cov])
        else:
            overlap = max(0, best[1] - sa)
            best[1], best[3] = max(best[1], ea), max(best[3], eb)
            best[4] += max(0, cov - overlap)
    done.extend(chains)
    out = []
    for sa, ea, sb, eb, cov in done:
        la, lb = ea - sa, eb - sb
        if min(la, lb) < opts.min_chars:
            continue
        ca, cb = min(cov, la), min(cov, lb)
        if (ca + cb) / (la + lb) >= opts.min_similarity:
            out.append((sa, ea, sb, eb, ca, cb))
    return out


# ------------------------------------------------------------------------------ public API


def document_times(documents: pd.DataFrame | None, doc_ids: list[str]) -> pd.DataFrame:
    """Best available time of each document: the report date, else the year label.

    Args:
        documents: needs ``doc_id``; uses ``date`` (ISO ``YYYY-MM-DD``) and ``year`` if present.
        doc_ids: the documents to describe, in corpus order.

    Returns:
        DataFrame[doc_id, date, year, time_basis, order] indexed like ``doc_ids``: ``year`` is
        the year of the date when there is one (``time_basis`` ``date``), else the label
        (``year``), else missing (``time_basis`` ``""``); ``order`` is the corpus position.
    """
    out = pd.DataFrame({"doc_id": doc_ids, "order": range(len(doc_ids))})
    date = pd.Series([""] * len(doc_ids))
    label = pd.Series([pd.NA] * len(doc_ids), dtype="Int64")
    if documents is not None and len(documents):
        d = documents.drop_duplicates("doc_id").set_index(documents["doc_id"].astype(str))
        if "date" in d:
            date = d["date"].reindex(doc_ids).fillna("").astype(str).reset_index(drop=True)
        if "year" in d:
            label = (
                pd.to_numeric(d["year"].reindex(doc_ids), errors="coerce")
                .astype("Int64")
                .reset_index(drop=True)
            )
    valid = date.str.match(r"^\d{4}-\d{2}-\d{2}$")
    out["date"] = date.where(valid, "")
    from_date = pd.to_numeric(out["date"].str[:4], errors="coerce").astype("Int64")
    out["year"] = from_date.where(valid, label)
    out["time_basis"] = np.where(valid, "date", np.where(label.notna(), "year", ""))
    return out


def _orient(times: tuple[list, list], a: int, b: int) -> tuple[int, int, str, str]:
    """(earlier, later, direction, basis) of documents ``a`` and ``b`` (module doc, step 6)."""
    dates, years = times
    da, db = dates[a], dates[b]
    if da and db and da != db:
        return (a, b, "a->b", "date") if da < db else (b, a, "a->b", "date")
    ya, yb = years[a], years[b]
    if ya is not None and yb is not None and ya != yb:
        return (a, b, "a->b", "year") if ya < yb else (b, a, "a->b", "year")
    return (min(a, b), max(a, b), "unknown", "")


def _time_rank(times: pd.DataFrame) -> np.ndarray:
    """Dense rank of (year, date) per document; undated documents rank last."""
    year = times["year"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    date = times["date"].replace("", "9999-99-99").tolist()
    keys = list(zip(year.tolist(), date))
    ranks = {key: i for i, key in enumerate(sorted(set(keys)))}
    return np.array([ranks[key] for key in keys], dtype=np.int64)


def _digest(texts: pd.DataFrame, times: pd.DataFrame, dups: dict[str, str]) -> str:
    h = hashlib.sha256()
    for d, t in zip(texts["doc_id"], texts["text"]):
        h.update(d.encode() + b"\0" + t.encode() + b"\1")
    h.update(pd.util.hash_pandas_object(times.astype(str), index=False).to_numpy().tobytes())
    h.update(repr(sorted(dups.items())).encode())
    return h.hexdigest()


def _source_digest() -> str:
    return hashlib.sha256(inspect.getsource(inspect.getmodule(_source_digest)).encode()).hexdigest()


def text_reuse(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    options: ReuseOptions | None = None,
    cache: bool = True,
    force: bool = False,
    **overrides: object,
) -> pd.DataFrame:
    """Passages shared between documents, with exact spans in both (see the module docstring).

    Args:
        paragraphs: paragraphs per the corpus contract (``doc_id, para_id, text,
            text_original``); pass ``corpus.paragraphs`` (all documents) so that near-duplicates
            are reported once as such.
        documents: documents table (``doc_id``, optional ``date``, ``year``, ``duplicate_of``):
            dates give the direction, ``duplicate_of`` the near-duplicate rows.
        options: a :class:`ReuseOptions`; keyword ``overrides`` replace single fields
            (``text_reuse(paras, docs, min_chars=60)``).
        cache: read/write the content-keyed cache (:mod:`analysis.cache`).
        force: recompute even when cached.

    Returns:
        DataFrame[doc_a, doc_b, start_a, end_a, start_b, end_b, n_chars, similarity, text_a,
        text_b, direction, direction_basis, kind, para_a, para_b]: one row per passage. Offsets
        are ``[start, end)`` into the document texts of :func:`document_texts`; ``n_chars`` is
        the mean span length (original characters); ``similarity`` the share of both spans'
        kept characters covered by shared shingles; ``text_a``/``text_b`` the spans in the
        original script; ``direction`` ``a->b`` (``doc_a`` earlier) or ``unknown``;
        ``direction_basis`` ``date``/``year``/``""``; ``kind`` ``passage`` or ``near_duplicate``
        (one row per duplicate document, spanning both texts; its ``text_*`` hold the first 200
        characters followed by ``…``); ``para_a``/``para_b`` the paragraph where each span
        starts. Sorted by doc_a, doc_b, start_a.
    """
    opts = options or ReuseOptions()
    if overrides:
        opts = ReuseOptions(**{**asdict(opts), **overrides})
    texts = document_texts(paragraphs)
    doc_ids = texts["doc_id"].tolist()
    times = document_times(documents, doc_ids)
    dups: dict[str, str] = {}
    if documents is not None and "duplicate_of" in documents:
        present = set(doc_ids)
        for d, o in zip(documents["doc_id"].astype(str), documents["duplicate_of"].fillna("")):
            if o and d in present and str(o) in present:
                dups[d] = str(o)
    key = {
        "stage": "reuse_pairs",
        "version": STAGE_VERSION,
        "input": _digest(texts, times, dups),
        "options": asdict(opts),
        "code": _source_digest(),
        "numpy": np.__version__,
    }

    def compute() -> pd.DataFrame:
        return _text_reuse(texts, times, dups, opts)

    if not cache:
        return compute()
    return cached_frame(key, compute, "reuse", force=force)


def _text_reuse(
    texts: pd.DataFrame, times: pd.DataFrame, dups: dict[str, str], opts: ReuseOptions
) -> pd.DataFrame:
    doc_ids = texts["doc_id"].tolist()
    analysed = [i for i, d in enumerate(doc_ids) if d not in dups]
    index = CharIndex.build([doc_ids[i] for i in analysed], texts["text"].iloc[analysed].tolist())
    hashes = index.shingles(opts.shingle)
    sub_times = times.iloc[analysed].reset_index(drop=True)
    cand = candidate_pairs(index, hashes, _time_rank(sub_times), opts)
    log.info("reuse: %d candidate window pairs, %d document pairs", len(cand),
             len(cand[["da", "db"]].drop_duplicates()) if len(cand) else 0)  # fmt: skip
    rows = []
    pad = opts.window
    if len(cand):
        cand = cand.sort_values(["da", "db"], kind="stable")
        cols = {c: cand[c].to_numpy() for c in ("da", "db", "sa", "ea", "sb", "eb")}
        brk = np.flatnonzero((np.diff(cols["da"]) != 0) | (np.diff(cols["db"]) != 0)) + 1
        for lo, hi in zip(
            np.concatenate([[0], brk]).tolist(), np.concatenate([brk, [len(cand)]]).tolist()
        ):
            da, db = int(cols["da"][lo]), int(cols["db"][lo])
            ra = _merge_ranges(
                np.maximum(cols["sa"][lo:hi] - pad, index.starts[da]),
                np.minimum(cols["ea"][lo:hi] + pad, index.starts[da + 1]),
            )
            rb = _merge_ranges(
                np.maximum(cols["sb"][lo:hi] - pad, index.starts[db]),
                np.minimum(cols["eb"][lo:hi] + pad, index.starts[db + 1]),
            )
            for sa, ea, sb, eb, ca, cb in align_regions(
                hashes, _region_positions(ra), _region_positions(rb), opts
            ):
                rows.append((analysed[da], analysed[db], sa, ea, sb, eb, ca, cb))
    return _pair_frame(rows, index, texts, times, dups, opts)


def _pair_frame(rows, index, texts, times, dups, opts) -> pd.DataFrame:
    doc_pos = {d: i for i, d in enumerate(texts["doc_id"])}
    ids = texts["doc_id"].tolist()
    times = (
        times["date"].tolist(),
        [None if pd.isna(y) else int(y) for y in times["year"]],
    )
    originals = texts["text_original"].tolist()
    para_ids, para_starts = texts["para_ids"].tolist(), texts["para_starts"].tolist()

    def para_at(d: int, off: int) -> int:
        j = bisect.bisect_right(para_starts[d], off) - 1
        return int(para_ids[d][max(j, 0)])

    out = []
    for a, b, sa, ea, sb, eb, ca, cb in rows:
        s_a, e_a = int(index.offset[sa]), int(index.offset[ea - 1]) + 1
        s_b, e_b = int(index.offset[sb]), int(index.offset[eb - 1]) + 1
        sim = (ca + cb) / ((ea - sa) + (eb - sb))
        first, second, direction, basis = _orient(times, a, b)
        if first != a:
            s_a, e_a, s_b, e_b = s_b, e_b, s_a, e_a
        out.append(
            (ids[first], ids[second], s_a, e_a, s_b, e_b,
             round(((e_a - s_a) + (e_b - s_b)) / 2), round(sim, 3),
             originals[first][s_a:e_a], originals[second][s_b:e_b], direction, basis,
             "passage", para_at(first, s_a), para_at(second, s_b))
        )  # fmt: skip
    for dup, orig in dups.items():
        a, b = doc_pos[orig], doc_pos[dup]
        first, second, direction, basis = _orient(times, a, b)
        ta, tb = originals[first], originals[second]
        out.append(
            (ids[first], ids[second], 0, len(ta), 0, len(tb),
             round((len(ta) + len(tb)) / 2), round(_jaccard(texts, first, second, opts), 3),
             _excerpt(ta), _excerpt(tb), direction, basis, "near_duplicate",
             para_at(first, 0), para_at(second, 0))
        )  # fmt: skip
    df = pd.DataFrame(out, columns=PAIR_COLUMNS)
    df = df.astype({c: "int64" for c in ("start_a", "end_a", "start_b", "end_b", "n_chars")})
    return df.sort_values(["doc_a", "doc_b", "start_a", "start_b"], kind="stable").reset_index(
        drop=True
    )


def _excerpt(text: str, n: int = 200) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _jaccard(texts: pd.DataFrame, a: int, b: int, opts: ReuseOptions) -> float:
    idx = CharIndex.build(["a", "b"], [texts.at[a, "text"], texts.at[b, "text"]])
    h = idx.shingles(opts.shingle)
    sa = np.unique(h[idx.starts[0] : idx.starts[1]])
    sb = np.unique(h[idx.starts[1] : idx.starts[2]])
    sa, sb = sa[sa != _U64(_MASK64)], sb[sb != _U64(_MASK64)]
    inter = len(np.intersect1d(sa, sb, assume_unique=True))
    union = len(sa) + len(sb) - inter
    return inter / union if union else 0.0


# ------------------------------------------------------------------------------ documents


def _union_length(spans: list[tuple[int, int]]) -> int:
    total, cur_s, cur_e = 0, None, None
    for s, e in sorted(spans):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    return total + (cur_e - cur_s if cur_e is not None else 0)


def reuse_documents(
    pairs: pd.DataFrame, paragraphs: pd.DataFrame, documents: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per document: how much of its text is also found in earlier documents, and in how many.

    Args:
        pairs: output of :func:`text_reuse`.
        paragraphs: the paragraphs given to :func:`text_reuse` (for document lengths).
        documents: documents table (for ``year``/``date``; and ``level``, ``region`` when the
            manifest has them; without a manifest ``level`` the level inferred from the text,
            ``place_level``, as in :func:`analysis.measures.timeseries.documents_with_level`).

    Returns:
        DataFrame[doc_id, year, time_basis, level, level_source, region, n_chars,
        reused_chars_earlier, share_earlier, n_earlier_docs, reused_chars_any, share_any,
        n_partner_docs, duplicate_of]: ``level_source`` is ``"manifest"``, ``"inferred from
        the text (place_level)"`` or "" (neither; the same on every row); ``*_earlier`` count only passages whose direction is known and that
        point into this document (``doc_b`` of an ``a->b`` row); ``*_any`` count every passage
        regardless of direction; shares are of the document's characters (union of spans, so
        overlapping passages are counted once). ``n_earlier_docs`` is a lower bound for
        boilerplate shared by more than ``max_bucket_docs`` documents (linked to their
        ``max_links`` predecessors only; see :func:`reuse_templates` for those). Near-duplicate
        documents carry ``duplicate_of`` and the shares of their whole text.
    """
    texts = document_texts(paragraphs)
    doc_ids = texts["doc_id"].tolist()
    times = document_times(documents, doc_ids)
    earlier: dict[str, list] = {d: [] for d in doc_ids}
    anyspan: dict[str, list] = {d: [] for d in doc_ids}
    src: dict[str, set] = {d: set() for d in doc_ids}
    partners: dict[str, set] = {d: set() for d in doc_ids}
    for r in pairs.itertuples(index=False):
        if r.doc_a not in anyspan or r.doc_b not in anyspan:
            continue
        anyspan[r.doc_a].append((r.start_a, r.end_a))
        anyspan[r.doc_b].append((r.start_b, r.end_b))
        partners[r.doc_a].add(r.doc_b)
        partners[r.doc_b].add(r.doc_a)
        if r.direction == "a->b":
            earlier[r.doc_b].append((r.start_b, r.end_b))
            src[r.doc_b].add(r.doc_a)
    level_source = ""
    if documents is not None and len(documents):
        leveled, level_source, _ = documents_with_level(documents)
        documents = documents if leveled is None else leveled
    meta = (
        documents.drop_duplicates("doc_id").set_index(documents["doc_id"].astype(str))
        if documents is not None and len(documents)
        else pd.DataFrame(index=pd.Index([], dtype=str))
    )

    def col(name: str) -> list:
        if name not in meta:
            return [""] * len(doc_ids)
        return meta[name].reindex(doc_ids).fillna("").astype(str).tolist()

    n = texts["n_chars"].to_numpy()
    e_chars = np.array([_union_length(earlier[d]) for d in doc_ids], dtype=np.int64)
    a_chars = np.array([_union_length(anyspan[d]) for d in doc_ids], dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame(
            {
                "doc_id": doc_ids,
                "year": times["year"],
                "time_basis": times["time_basis"],
                "level": col("level"),
                "level_source": level_source,
                "region": col("region"),
                "n_chars": n,
                "reused_chars_earlier": e_chars,
                "share_earlier": np.where(n > 0, e_chars / np.maximum(n, 1), np.nan).round(4),
                "n_earlier_docs": [len(src[d]) for d in doc_ids],
                "reused_chars_any": a_chars,
                "share_any": np.where(n > 0, a_chars / np.maximum(n, 1), np.nan).round(4),
                "n_partner_docs": [len(partners[d]) for d in doc_ids],
                "duplicate_of": col("duplicate_of"),
            }
        )
    return out


# ------------------------------------------------------------------------------ templates

TEMPLATE_SPAN_COLUMNS = [
    "template_id", "doc_id", "start", "end", "n_chars", "max_docs", "para_id", "text_original",
]  # fmt: skip


def template_spans(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    min_docs: int = 5,
    ngram: int = 12,
    min_chars: int = 30,
    max_gap: int = 3,
    cache: bool = True,
    force: bool = False,
) -> pd.DataFrame:
    """Template passages: text whose ``ngram``-character shingles recur in ≥ ``min_docs`` documents.

    Every kept character (CJK, letters, digits) covered by a shingle found in at least
    ``min_docs`` distinct documents is template text; runs of it (gaps of at most ``max_gap``
    kept characters bridged) of at least ``min_chars`` kept characters are template spans.
    Spans are grouped into templates by MinHash: the smallest hash among a span's recurring
    shingles is its template key (spans of the same passage share it with probability equal to
    their Jaccard similarity). Near-duplicate documents (``duplicate_of``) are left out, so a
    copied report does not make its text recur.

    Args:
        paragraphs: paragraphs per the corpus contract.
        documents: documents table (``duplicate_of``, ``date``, ``year`` order the spans).
        min_docs: documents a shingle must recur in (k).
        ngram: shingle length in kept characters.
        min_chars: shortest template span (kept characters).
        max_gap: gaps bridged inside a span (a changed name or number).
        cache: use the content-keyed cache.
        force: recompute even when cached.

    Returns:
        DataFrame[template_id, doc_id, start, end, n_chars, max_docs, para_id, text_original]:
        one row per span; offsets into :func:`document_texts`; ``max_docs`` the largest number
        of documents any of its shingles recurs in; ``template_id`` ``T0001``… numbered by the
        template's number of documents (descending). Empty when nothing recurs.
    """
    if min_docs < 2:
        raise ValueError("min_docs must be >= 2")
    texts = document_texts(paragraphs)
    if documents is not None and "duplicate_of" in documents:
        dup = set(documents.loc[documents["duplicate_of"].fillna("") != "", "doc_id"].astype(str))
        texts = texts[~texts["doc_id"].isin(dup)].reset_index(drop=True)
    times = document_times(documents, texts["doc_id"].tolist())
    key = {
        "stage": "reuse_templates",
        "version": STAGE_VERSION,
        "input": _digest(texts, times, {}),
        "options": [min_docs, ngram, min_chars, max_gap],
        "code": _source_digest(),
    }

    def compute() -> pd.DataFrame:
        return _template_spans(texts, times, min_docs, ngram, min_chars, max_gap)

    return cached_frame(key, compute, "reuse", force=force) if cache else compute()


def _template_spans(texts, times, min_docs, ngram, min_chars, max_gap) -> pd.DataFrame:
    empty = pd.DataFrame(columns=TEMPLATE_SPAN_COLUMNS)
    if texts.empty:
        return empty
    index = CharIndex.build(texts["doc_id"].tolist(), texts["text"].tolist())
    h = index.shingles(ngram)
    n = len(h)
    doc_of = np.repeat(np.arange(len(texts), dtype=np.int32), np.diff(index.starts))
    valid = np.flatnonzero(h != _U64(_MASK64))
    if not len(valid):
        return empty
    hv, dv = h[valid], doc_of[valid]
    order = np.argsort(hv, kind="stable")  # stable: documents stay in order within a hash
    hs, ds = hv[order], dv[order]
    del dv
    new = np.ones(len(hs), dtype=bool)
    new[1:] = (hs[1:] != hs[:-1]) | (ds[1:] != ds[:-1])
    group = np.cumsum(np.concatenate([[True], hs[1:] != hs[:-1]])) - 1
    n_docs = np.bincount(group[new])  # distinct documents per shingle
    df = np.zeros(n, dtype=np.int32)
    df[valid[order]] = n_docs[group]
    del hv, hs, ds, order, group, new
    hot = np.flatnonzero(df >= min_docs)
    if not len(hot):
        return empty
    delta = np.bincount(hot, minlength=n + ngram + 1) - np.bincount(
        hot + ngram, minlength=n + ngram + 1
    )
    covered = np.flatnonzero(np.cumsum(delta)[:n] > 0)
    brk = np.flatnonzero((np.diff(covered) > max_gap + 1) | (np.diff(doc_of[covered]) != 0)) + 1
    rs = covered[np.concatenate([[0], brk])]
    re_ = covered[np.concatenate([brk, [len(covered)]]) - 1] + 1
    long = (re_ - rs) >= min_chars
    rs, re_ = rs[long], re_[long]
    if not len(rs):
        return empty
    hot_mask = df >= min_docs
    keys, maxdf = [], []
    for s, e in zip(rs.tolist(), re_.tolist()):
        inside = np.flatnonzero(hot_mask[s:e]) + s
        keys.append(int(h[inside].min()))
        maxdf.append(int(df[inside].max()))
    ids = texts["doc_id"].tolist()
    originals = texts["text_original"].tolist()
    pstarts, pids = texts["para_starts"].tolist(), texts["para_ids"].tolist()
    rows = []
    for s, e, key, m in zip(rs.tolist(), re_.tolist(), keys, maxdf):
        d = int(doc_of[s])
        a, b = int(index.offset[s]), int(index.offset[e - 1]) + 1
        p = pids[d][max(bisect.bisect_right(pstarts[d], a) - 1, 0)]
        rows.append((key, ids[d], a, b, b - a, m, int(p), originals[d][a:b]))
    out = pd.DataFrame(rows, columns=["key", *TEMPLATE_SPAN_COLUMNS[1:]])
    rank = _time_rank(times)
    out["_t"] = out["doc_id"].map(dict(zip(ids, rank.tolist())))
    size = out.groupby("key")["doc_id"].transform("nunique")
    first_t = out.groupby("key")["_t"].transform("min")
    out = out.assign(_size=size, _first=first_t).sort_values(
        ["_size", "_first", "key", "_t", "doc_id", "start"],
        ascending=[False, True, True, True, True, True],
        kind="stable",
    )
    order = {k: i for i, k in enumerate(pd.unique(out["key"]))}
    out["template_id"] = out["key"].map(lambda k: f"T{order[k] + 1:04d}")
    return out[TEMPLATE_SPAN_COLUMNS].reset_index(drop=True)


def reuse_templates(spans: pd.DataFrame, *, min_docs: int = 2) -> pd.DataFrame:
    """One row per template (the genre's boilerplate), with the documents that use it.

    Args:
        spans: output of :func:`template_spans`.
        min_docs: keep templates whose spans lie in at least this many documents.

    Returns:
        DataFrame[template_id, n_docs, max_docs, n_chars, doc_ids, first_doc, text]:
        ``n_docs`` documents holding a span of the template, ``max_docs`` the most documents
        any of its shingles recurs in, ``n_chars`` the median span length, ``doc_ids`` sorted
        and joined with ``;``, ``first_doc`` the earliest document (the spans' order), ``text``
        its span in the original script.
    """
    cols = ["template_id", "n_docs", "max_docs", "n_chars", "doc_ids", "first_doc", "text"]
    if spans.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for tid, g in spans.groupby("template_id", sort=True):
        docs = sorted(set(g["doc_id"]))
        first = g.iloc[0]
        rows.append(
            (tid, len(docs), int(g["max_docs"].max()), int(g["n_chars"].median()),
             ";".join(docs), first["doc_id"], first["text_original"])
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    return out[out["n_docs"] >= min_docs].reset_index(drop=True)


def mask_templates(
    paragraphs: pd.DataFrame,
    spans: pd.DataFrame,
    *,
    source: pd.DataFrame | None = None,
    fill: str = " ",
) -> pd.DataFrame:
    """Paragraphs with template text blanked out (to keep boilerplate out of themes and topics).

    Template characters are replaced by ``fill`` in ``text`` and ``text_original``, so offsets
    and the equal length of the two texts are kept; a paragraph left with no CJK character,
    letter or digit is dropped. Pass the result wherever paragraphs go
    (``an.theme_scores``, ``an.topic_units``, ``an.tokenize``…).

    Args:
        paragraphs: paragraphs to mask (any subset of ``source``, e.g. ``analysis_paragraphs``).
        spans: output of :func:`template_spans` (optionally filtered, e.g. by ``max_docs``).
        source: the paragraphs ``spans`` were computed on (their offsets index
            :func:`document_texts` of these); default ``paragraphs``. Rows are matched by
            ``doc_id`` and ``para_id``.
        fill: one replacement character.

    Returns:
        The paragraphs table (same columns), template text replaced, empty paragraphs dropped.
    """
    if len(fill) != 1:
        raise ValueError("fill must be one character")
    if spans.empty:
        return paragraphs.reset_index(drop=True)
    texts = document_texts(paragraphs if source is None else source).set_index("doc_id")
    # template ranges per (doc_id, para_id), in paragraph offsets
    cuts: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for d, s, e in zip(spans["doc_id"].astype(str), spans["start"], spans["end"]):
        if d not in texts.index:
            continue
        starts, pids = texts.at[d, "para_starts"], texts.at[d, "para_ids"]
        j = max(bisect.bisect_right(starts, int(s)) - 1, 0)
        while j < len(starts) and starts[j] < int(e):
            cuts.setdefault((d, int(pids[j])), []).append(
                (max(int(s) - starts[j], 0), int(e) - starts[j])
            )
            j += 1
    out = paragraphs.copy()
    new_text = out["text"].fillna("").astype(str).tolist()
    new_orig = out["text_original"].fillna("").astype(str).tolist()
    keys = zip(out["doc_id"].astype(str), out["para_id"].astype(int))
    for row, key in enumerate(keys):
        for a, b in cuts.get(key, ()):
            t, o = new_text[row], new_orig[row]
            b = min(b, len(t))
            if a < b:
                new_text[row] = t[:a] + fill * (b - a) + t[b:]
                new_orig[row] = o[:a] + fill * (b - a) + o[b:]
    out["text"], out["text_original"] = new_text, new_orig
    keep = [
        bool(_keep_mask(np.frombuffer(t.encode("utf-32-le"), np.uint32)).any()) for t in new_text
    ]
    return out[keep].reset_index(drop=True)
