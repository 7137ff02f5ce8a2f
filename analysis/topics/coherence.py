"""Topic-quality metrics computed identically for every backend.

All measures read the same :class:`~analysis.topics.bow.Bow` (same units, same dictionary) and
the (k, V) ``topic_word`` matrix only, so they do not depend on how a backend defines them.

* **NPMI** (``npmi``) -- mean normalised PMI over all pairs of a topic's top-``n`` terms, with
  probabilities from boolean sliding windows of 10 tokens over the unit texts: the definition of
  gensim's ``CoherenceModel(coherence="c_npmi")`` (Röder et al. 2015), reproduced here in
  vectorised form and tested against gensim.
* **c_v** (``c_v``) -- Röder et al.'s c_v: one-set segmentation, NPMI context vectors, cosine
  similarity, boolean sliding windows of 110 tokens; identical to gensim's ``"c_v"``.
* **u_mass** (``u_mass``) -- Mimno et al. 2011, document co-occurrence within units; as gensim.
* **diversity** -- share of unique terms among the top-25 terms of all topics (Dieng et al.).
* **perplexity** -- held-out *document completion* perplexity (see :func:`heldout_perplexity`),
  computed from ``topic_word`` alone so that all backends are scored by one definition.

Windows slide over each unit's tokens as given (``Bow.raw_texts``); terms outside the
dictionary keep their positions and every window counts in the denominator, as in gensim. A
unit shorter than the window is one window. Models are averaged over topics (arithmetic mean).
One deliberate difference from gensim 4.4: gensim updates a window's word set incrementally and
drops a term that leaves the window even when it still occurs inside it, so it slightly
undercounts repeated terms; here each window's word set is exact (Röder et al.'s definition).
The test suite checks agreement with gensim to within 0.02 on sliding-window measures and
exactly on u_mass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .bow import Bow, TokenLists

EPS = 1e-12
NPMI_WINDOW = 10
CV_WINDOW = 110
TOP_N = 10
DIVERSITY_TOP = 25


def window_counts(
    texts: Sequence[Sequence[str]], words: Sequence[str], *, window: int | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Occurrence and co-occurrence counts of ``words`` in boolean windows.

    Args:
        texts: token lists (units).
        words: the terms of interest.
        window: sliding window size in tokens; ``None`` counts whole units (boolean document).

    Returns:
        ``(occ, co, n_windows)``: occ (r,) windows containing each word; co (r, r) windows
        containing both (diagonal = occ); number of windows counted.
    """
    r = len(words)
    if isinstance(texts, TokenLists):
        return _window_counts_coded(texts, words, window=window)
    wid = {w: i for i, w in enumerate(words)}
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    offset = 0
    for text in texts:
        ids = np.fromiter((wid.get(t, -1) for t in text), dtype=np.int64, count=len(text))
        pos = np.flatnonzero(ids >= 0)
        length = len(text)
        if length == 0:
            continue
        if window is None or length <= window:
            rows.append(np.full(pos.size, offset))
            cols.append(ids[pos])
            offset += 1
            continue
        n_win = length - window + 1
        if pos.size == 0:
            offset += n_win
            continue
        lo = np.maximum(0, pos - window + 1)
        hi = np.minimum(pos, n_win - 1)
        span = hi - lo + 1
        starts = np.repeat(lo - np.concatenate(([0], np.cumsum(span)[:-1])), span)
        rows.append(offset + starts + np.arange(span.sum()))
        cols.append(np.repeat(ids[pos], span))
        offset += n_win
    if not rows:  # every unit empty, or longer than the window with none of the words
        return np.zeros(r), np.zeros((r, r)), offset
    row = np.concatenate(rows)
    col = np.concatenate(cols)
    x = sparse.csr_matrix((np.ones(row.size, dtype=np.float64), (row, col)), shape=(offset, r))
    x.sum_duplicates()
    x.data[:] = 1.0
    co = (x.T @ x).toarray()
    return np.diag(co).copy(), co, offset


def _window_counts_coded(
    texts: TokenLists, words: Sequence[str], *, window: int | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`window_counts` over integer-coded units, vectorised over all units at once
    (same windows, same counts: a unit of ``length <= window`` or ``window=None`` is one
    window, a longer one has ``length - window + 1``; empty units have none).

    Each occurrence of a word covers a range of consecutive windows; a word's ranges, clipped
    at the end of its previous one, are disjoint, so ``occ`` is their summed length and the
    windows holding both ``a`` and ``b`` are the summed overlaps of a range of ``a`` with a
    range of ``b``. Only occurrences less than ``window`` tokens apart in one unit can overlap:
    with a window they are paired directly (:func:`_pair_overlaps`); for whole units
    (``window=None``) by a sparse product of the window-by-word matrix.
    """
    r = len(words)
    lengths = texts.lengths
    if window is None:
        n_win = (lengths > 0).astype(np.int64)
    else:
        n_win = np.where(lengths > window, lengths - window + 1, (lengths > 0).astype(np.int64))
    first_win = np.concatenate(([0], np.cumsum(n_win)))
    n_windows = int(first_win[-1])
    if n_windows == 0:
        return np.zeros(r), np.zeros((r, r)), 0
    word = texts.codes_for(words)
    pos = np.flatnonzero(word >= 0)
    if not pos.size:  # none of the words occurs: zeros as the per-unit loop gives them
        return np.zeros(r), np.zeros((r, r)), n_windows
    unit = np.searchsorted(texts.offsets, pos, side="right") - 1
    if window is None:
        lo = hi = first_win[unit]
    else:
        j = pos - texts.offsets[unit]  # position inside the unit
        long = lengths[unit] > window
        lo = first_win[unit] + np.where(long, np.maximum(0, j - window + 1), 0)
        hi = first_win[unit] + np.where(long, np.minimum(j, n_win[unit] - 1), 0)
    col = word[pos]
    # per word, its ranges in reading order (their ends never decrease): each clipped at the
    # end of the previous one leaves disjoint ranges covering the same windows
    by_word = np.argsort(col.astype(np.int16 if r < 2**15 else np.int64), kind="stable")
    sorted_col = col[by_word]
    same = np.concatenate(([False], sorted_col[1:] == sorted_col[:-1]))
    previous_end = np.concatenate(([0], hi[by_word][:-1] + 1))
    lo = lo.copy()
    lo[by_word] = np.where(same, np.maximum(lo[by_word], previous_end), lo[by_word])
    span = np.maximum(hi - lo + 1, 0)
    occ = np.bincount(col, weights=span, minlength=r)  # windows holding each word
    if window is None:
        co = _product_overlaps(col, lo, span, by_word, n_windows, r)
    else:
        limit = np.minimum(texts.offsets[unit + 1], pos + window)  # first position too far
        co = _pair_overlaps(col, lo, hi, pos, limit, r)
    co[np.diag_indices(r)] = occ
    return occ, co, n_windows


def _pair_overlaps(col, lo, hi, pos, limit, r: int) -> np.ndarray:
    """(r, r) summed overlaps of the window ranges ``[lo, hi]`` of every two occurrences of
    different words, occurrence ``j`` after ``i`` paired when ``pos[j] < limit[i]`` (same
    unit, near enough to share a window); diagonal left 0. Pairs are found offset by offset
    (``i``, ``i + k``), keeping only the ``i`` still paired at ``k - 1``."""
    n = len(pos)
    acc = np.zeros(r * r)
    first = np.arange(n)
    k = 1
    while True:
        first = first[first + k < n]
        first = first[pos[first + k] < limit[first]]
        if not first.size:
            break
        second = first + k
        overlap = np.minimum(hi[first], hi[second]) - np.maximum(lo[first], lo[second]) + 1
        hit = overlap > 0  # never for two ranges of one word (disjoint)
        key = col[first[hit]] * r + col[second[hit]]
        acc += np.bincount(key, weights=overlap[hit], minlength=r * r)
        k += 1
    acc = acc.reshape(r, r)
    return acc + acc.T


def _product_overlaps(col, lo, span, by_word, n_windows: int, r: int) -> np.ndarray:
    """(r, r) windows holding both words, from the CSC window-by-word matrix built straight
    from each word's disjoint ranges (``lo``, ``span`` long, sorted by word by ``by_word``)."""
    col, lo, span = col[by_word], lo[by_word], span[by_word]
    small = max(n_windows, int(span.sum())) < 2**31
    idx = np.int32 if small else np.int64  # the index type scipy would pick
    row = np.repeat((lo - np.concatenate(([0], np.cumsum(span)[:-1]))).astype(idx), span)
    row += np.arange(row.size, dtype=idx)
    indptr = np.concatenate(([0], np.cumsum(np.bincount(col, weights=span, minlength=r))))
    x = sparse.csc_matrix((np.ones(row.size), row, indptr.astype(idx)), shape=(n_windows, r))
    return (x.T @ x).toarray()


def _npmi_matrix(occ: np.ndarray, co: np.ndarray, n: int) -> np.ndarray:
    p = occ / n
    num = co / n + EPS
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(num / np.outer(p, p)) / -np.log(num)


def _top_words(topic_word: np.ndarray, vocab: Sequence[str], n: int) -> list[list[str]]:
    top = np.argsort(-topic_word, axis=1, kind="stable")[:, :n]
    return [[vocab[j] for j in row] for row in top]


def _union(topics: list[list[str]]) -> list[str]:
    return sorted({w for t in topics for w in t})


def _topic_blocks(topics: list[list[str]], texts: Sequence[Sequence[str]], window: int):
    """For each topic, the NPMI matrix among its top words (window co-occurrence counts)."""
    words = _union(topics)
    occ, co, n = window_counts(texts, words, window=window)
    m = _npmi_matrix(occ, co, max(n, 1))
    idx = {w: i for i, w in enumerate(words)}
    for t in topics:
        ii = np.array([idx[w] for w in t])
        yield m[np.ix_(ii, ii)]


def npmi(topics: list[list[str]], texts: Sequence[Sequence[str]], *, window=NPMI_WINDOW):
    """Per-topic NPMI coherence (gensim ``c_npmi``). Returns an array of shape (k,)."""
    out = []
    for sub in _topic_blocks(topics, texts, window):
        off = ~np.eye(len(sub), dtype=bool)
        out.append(sub[off].mean() if off.any() else np.nan)
    return np.array(out)


def c_v(topics: list[list[str]], texts: Sequence[Sequence[str]], *, window=CV_WINDOW):
    """Per-topic c_v coherence (gensim ``c_v``). Returns an array of shape (k,)."""
    out = []
    for sub in _topic_blocks(topics, texts, window):
        total = sub.sum(axis=0)
        cos = (sub @ total) / (np.linalg.norm(sub, axis=1) * np.linalg.norm(total))
        out.append(cos.mean())
    return np.array(out)


def u_mass(topics: list[list[str]], texts: Sequence[Sequence[str]]):
    """Per-topic u_mass coherence (gensim ``u_mass``, unit co-occurrence). Shape (k,)."""
    words = _union(topics)
    # u_mass counts every unit (gensim's bag-of-words corpus), relevant or not
    occ, co, _ = window_counts(texts, words, window=None)
    n = len(texts)
    idx = {w: i for i, w in enumerate(words)}
    out = []
    for t in topics:
        ii = [idx[w] for w in t]
        vals = [
            np.log((co[ii[i], ii[j]] / n + EPS) / (occ[ii[j]] / n))
            for i in range(1, len(ii))
            for j in range(i)
        ]
        out.append(np.mean(vals) if vals else np.nan)
    return np.array(out)


def diversity(topic_word: np.ndarray, *, top: int = DIVERSITY_TOP) -> float:
    """Share of unique terms among the top-``top`` terms of all topics (1 = no overlap)."""
    ids = np.argsort(-topic_word, axis=1, kind="stable")[:, :top]
    return float(len(np.unique(ids)) / ids.size)


def fold_in(
    topic_word: np.ndarray, counts: sparse.spmatrix, *, alpha: float = 0.1, iterations: int = 100
) -> np.ndarray:
    """Infer unit-topic shares from fixed ``topic_word`` by EM (backend-independent).

    Iterates θ_d ∝ α + Σ_w n_dw θ_dk φ_kw / Σ_j θ_dj φ_jw, starting from uniform θ. Fully
    deterministic (no sampling), so every backend's topics are folded in the same way.

    Returns:
        (n_units, k) array, rows sum to 1.
    """
    # canonical CSR (sorted column indices, duplicates summed, no stored zeros), a copy: its
    # stored entries are the (row, column, count) triples in row-major order
    counts = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
    counts.sum_duplicates()
    counts.eliminate_zeros()
    n, k = counts.shape[0], topic_word.shape[0]
    phi = np.maximum(topic_word, 1e-300)
    theta = np.full((n, k), 1.0 / k)
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    cols, vals = counts.indices, counts.data
    # the ratio matrix has the sparsity pattern of ``counts`` in every iteration: its stored
    # entries are (rows, cols) in order, so each iteration only replaces the values
    ratio = sparse.csr_matrix((vals.copy(), cols, counts.indptr), shape=counts.shape)
    for _ in range(iterations):
        denom = np.einsum("ik,ki->i", theta[rows], phi[:, cols])
        ratio.data = vals / denom
        theta = theta * (ratio @ phi.T) + alpha
        theta /= theta.sum(axis=1, keepdims=True)
    return theta


def heldout_perplexity(topic_word: np.ndarray, bow: Bow, *, seed: int, alpha: float = 0.1) -> float:
    """Document-completion perplexity of held-out units.

    Each held-out unit's tokens are split at random (``seed``) into an observed half and a
    scored half; θ is inferred from the observed half by :func:`fold_in`, and
    ``exp(-Σ log Σ_k θ_k φ_kw / N)`` is taken over the scored tokens. Lower is better. Units
    with fewer than 2 in-vocabulary tokens are skipped.
    """
    rng = np.random.default_rng(seed)
    tid = bow.token2id
    obs_rows, obs_cols, score = [], [], []
    r = 0
    for text in bow.texts:
        ids = np.array([tid[t] for t in text])
        if ids.size < 2:
            continue
        perm = rng.permutation(ids.size)
        half = ids.size // 2
        obs_rows.extend([r] * half)
        obs_cols.extend(ids[perm[:half]].tolist())
        score.append(ids[perm[half:]])
        r += 1
    if r == 0:
        return float("nan")
    obs = sparse.csr_matrix(
        (np.ones(len(obs_rows)), (obs_rows, obs_cols)), shape=(r, topic_word.shape[1])
    )
    theta = fold_in(topic_word, obs, alpha=alpha)
    ll, n_tok = 0.0, 0
    for d, ids in enumerate(score):
        p = theta[d] @ topic_word[:, ids]
        ll += float(np.log(np.maximum(p, 1e-300)).sum())
        n_tok += ids.size
    return float(np.exp(-ll / n_tok))


def topic_metrics(
    topic_word: np.ndarray,
    bow: Bow,
    *,
    top_n: int = TOP_N,
    measures: Sequence[str] = ("npmi", "c_v", "u_mass", "diversity"),
) -> dict:
    """Model-level metrics (means over topics) plus per-topic arrays.

    Args:
        topic_word: (k, V) over ``bow.vocab``.
        bow: the shared bag of words (coherence reference texts = its units).
        top_n: top terms per topic scored by the coherence measures.
        measures: subset of ``npmi``, ``c_v``, ``u_mass``, ``diversity``.

    Returns:
        dict with one float per measure and ``<measure>_per_topic`` lists.
    """
    topics = _top_words(topic_word, bow.vocab, top_n)
    out: dict = {}
    funcs = {
        "npmi": lambda: npmi(topics, bow.raw_texts),
        "c_v": lambda: c_v(topics, bow.raw_texts),
        "u_mass": lambda: u_mass(topics, bow.texts),
    }
    for m in measures:
        if m == "diversity":
            out["diversity"] = diversity(topic_word)
        elif m in funcs:
            per = funcs[m]()
            out[m] = float(np.nanmean(per))
            out[f"{m}_per_topic"] = [float(v) for v in per]
        else:
            raise ValueError(f"unknown measure {m!r}")
    return out
