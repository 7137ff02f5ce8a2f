"""Keywords: TF-IDF top terms per document, document similarity, keyness of any group of units.

Inputs are tokens per unit (``pd.Series`` of ``list[str]`` indexed by unit id, as from
``analysis.text.tokens.unit_tokens``). Paragraph units (``"{doc_id}#{para_id}"``) are pooled into
documents by :func:`document_units` where a function needs documents.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

Units = pd.Series | Mapping[str, Sequence[str]]


def _as_series(units: Units) -> pd.Series:
    s = units if isinstance(units, pd.Series) else pd.Series(dict(units), dtype=object)
    s = s.map(lambda v: list(v) if v is not None else [])
    s.index = s.index.map(str)
    return s


def document_units(units: Units) -> pd.Series:
    """Pool paragraph units into documents (``"002-1#7"`` → ``"002-1"``), keeping order.

    Returns:
        Series of ``list[str]`` indexed by ``doc_id``.
    """
    s = _as_series(units)
    doc = s.index.map(lambda u: u.split("#", 1)[0])
    out: dict[str, list[str]] = {}
    for d, toks in zip(doc, s, strict=True):
        out.setdefault(d, []).extend(toks)
    return pd.Series(out, dtype=object).rename_axis("doc_id")


def _count_matrix(s: pd.Series, min_df: int = 1) -> tuple[sparse.csr_matrix, list[str]]:
    df: dict[str, int] = {}
    for toks in s:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    vocab = sorted(t for t, d in df.items() if d >= min_df)
    pos = {t: j for j, t in enumerate(vocab)}
    rows, cols = [], []
    for i, toks in enumerate(s):
        for t in toks:
            if t in pos:
                rows.append(i)
                cols.append(pos[t])
    m = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(s), len(vocab)), dtype=np.float64
    )
    m.sum_duplicates()
    return m, vocab


def tfidf_matrix(
    units: Units, *, sublinear_tf: bool = True, min_df: int = 1
) -> tuple[sparse.csr_matrix, list[str], list[str]]:
    """L2-normalised TF-IDF matrix of documents.

    Weighting: tf = 1 + log(count) when ``sublinear_tf`` (else raw counts);
    idf = ln((1 + n) / (1 + df)) + 1 (smoothed, as scikit-learn); rows L2-normalised.

    Returns:
        ``(matrix, doc_ids, vocab)``.
    """
    s = document_units(units)
    counts, vocab = _count_matrix(s, min_df=min_df)
    n = counts.shape[0]
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    tf = counts.copy()
    if sublinear_tf:
        tf.data = 1.0 + np.log(tf.data)
    x = tf.multiply(idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x = sparse.diags(1.0 / norms) @ x
    return x.tocsr(), list(s.index), vocab


def tfidf_keywords(
    units: Units, *, n: int = 20, sublinear_tf: bool = True, min_df: int = 1
) -> pd.DataFrame:
    """Top TF-IDF terms of each document.

    Args:
        units: tokens per document, or per paragraph (pooled into documents).
        n: terms per document.
        sublinear_tf: use 1 + log(tf) (damps terms repeated within one report).
        min_df: ignore terms found in fewer documents.

    Returns:
        DataFrame[doc_id, rank, term, score, count] -- rank from 1; ties broken by term.
    """
    x, doc_ids, vocab = tfidf_matrix(units, sublinear_tf=sublinear_tf, min_df=min_df)
    counts, _ = _count_matrix(document_units(units), min_df=min_df)
    rows = []
    for i, d in enumerate(doc_ids):
        row = x.getrow(i)
        order = sorted(zip(-row.data, [vocab[j] for j in row.indices], row.indices, strict=True))
        for r, (neg, term, j) in enumerate(order[:n], start=1):
            rows.append((d, r, term, float(-neg), int(counts[i, j])))
    return pd.DataFrame(rows, columns=["doc_id", "rank", "term", "score", "count"])


def doc_similarity(units: Units, *, sublinear_tf: bool = True) -> pd.DataFrame:
    """Cosine similarity of documents' TF-IDF vectors (see :func:`tfidf_matrix`).

    Returns:
        Square DataFrame indexed and columned by ``doc_id``; diagonal 1, values in [0, 1].
    """
    x, doc_ids, _ = tfidf_matrix(units, sublinear_tf=sublinear_tf)
    sim = np.clip((x @ x.T).toarray(), 0.0, 1.0)
    idx = pd.Index(doc_ids, name="doc_id")
    return pd.DataFrame(sim, index=idx, columns=idx.rename(None))


def _mask(s: pd.Series, group: Iterable[str] | Callable[[str], bool] | pd.Series) -> np.ndarray:
    if callable(group):
        return np.array([bool(group(u)) for u in s.index])
    if isinstance(group, pd.Series) and group.dtype == bool:
        return group.reindex(s.index, fill_value=False).to_numpy()
    wanted = set(map(str, group))
    return s.index.isin(wanted) | s.index.map(lambda u: u.split("#", 1)[0] in wanted).to_numpy(bool)


def keyness(
    units: Units,
    target: Iterable[str] | Callable[[str], bool] | pd.Series,
    *,
    reference: Iterable[str] | Callable[[str], bool] | pd.Series | None = None,
    min_freq: int = 3,
    chi2: bool = False,
) -> pd.DataFrame:
    """Keyness of the target units' terms against a reference (default: all other units).

    For each term with a = target frequency, b = reference frequency, c, d = target and
    reference sizes in tokens: expected E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d);
    **G²** = 2 Σ O ln(O/E) (log-likelihood, Dunning 1993; Rayson & Garside 2000), p from χ²(1);
    **log_ratio** = log2((a/c) / (b/d)) (Hardie 2014), with 0.5 added to a zero frequency so it
    stays finite. Positive log_ratio = over-used in the target. ``q`` is the Benjamini–Hochberg
    adjusted p across all tested terms (thousands of terms are tested at once).

    Args:
        units: tokens per unit (paragraphs or documents).
        target: unit ids or doc ids (a doc id selects all its paragraphs), a predicate on unit
            id, or a boolean Series indexed by unit id.
        reference: the same forms; default: every unit not in the target.
        min_freq: drop terms with a + b below this.
        chi2: also return Pearson's χ² (2×2, no continuity correction).

    Returns:
        DataFrame[term, freq_target, freq_ref, log_ratio, g2, p, q (, chi2)], sorted by signed
        G² (most over-used in the target first, most under-used last).
    """
    s = _as_series(units)
    tmask = _mask(s, target)
    rmask = ~tmask if reference is None else _mask(s, reference) & ~tmask
    if not tmask.any():
        raise ValueError("target selects no units")
    if not rmask.any():
        raise ValueError("reference selects no units")
    ft = pd.Series([t for toks in s[tmask] for t in toks], dtype=object).value_counts()
    fr = pd.Series([t for toks in s[rmask] for t in toks], dtype=object).value_counts()
    c, d = float(ft.sum()), float(fr.sum())
    f = pd.concat([ft.rename("freq_target"), fr.rename("freq_ref")], axis=1).fillna(0)
    f = f[(f["freq_target"] + f["freq_ref"]) >= min_freq]
    return _keyness_frame(
        f.index.astype(str).to_numpy(),
        f["freq_target"].to_numpy(float),
        f["freq_ref"].to_numpy(float),
        c,
        d,
        chi2=chi2,
    )


def _keyness_frame(
    terms: np.ndarray, a: np.ndarray, b: np.ndarray, c: float, d: float, *, chi2: bool = False
) -> pd.DataFrame:
    """G², log ratio, p and BH q for term frequencies ``a`` (target) and ``b`` (reference) in
    corpora of ``c`` and ``d`` tokens (see :func:`keyness`), sorted by signed G² then term."""
    g2, lr = _g2_log_ratio(a, b, c, d)
    out = pd.DataFrame(
        {
            "term": terms,
            "freq_target": a.astype(int),
            "freq_ref": b.astype(int),
            "log_ratio": lr,
            "g2": g2,
            "p": _chi2_sf(g2),
        }
    )
    out["q"] = _bh(out["p"].to_numpy())
    if chi2:
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        obs = np.stack([a, b, c - a, d - b], axis=1)
        exp = np.stack([e1, e2, c - e1, d - e2], axis=1)
        out["chi2"] = ((obs - exp) ** 2 / exp).sum(axis=1) if c + d > 0 else np.nan
    signed = np.sign(out["log_ratio"]) * out["g2"]
    order = np.lexsort((out["term"].to_numpy(), -signed.to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _g2_log_ratio(
    a: np.ndarray, b: np.ndarray, c: float, d: float
) -> tuple[np.ndarray, np.ndarray]:
    """G² and log ratio (see :func:`keyness`), element-wise."""
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2.0 * (
            np.where(a > 0, a * np.log(a / e1), 0.0) + np.where(b > 0, b * np.log(b / e2), 0.0)
        )
    lr = np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))
    return g2, lr


@dataclass(frozen=True)
class _Totals:
    """The kept terms grouped by corpus total: ``values`` the distinct totals, ``code`` each
    term's position in it, ``count`` terms per total, ``members`` the terms of each total
    (``members[offsets[t]:offsets[t + 1]]``, ascending)."""

    values: np.ndarray
    code: np.ndarray
    count: np.ndarray
    members: np.ndarray
    offsets: np.ndarray

    @classmethod
    def of(cls, total: np.ndarray) -> _Totals:
        values, code = np.unique(total, return_inverse=True)
        code = code.ravel()
        count = np.bincount(code, minlength=len(values))
        members = np.argsort(code, kind="stable")
        return cls(values, code, count, members, np.concatenate([[0], np.cumsum(count)]))


def _top_over_used_groups(
    by_group: sparse.csr_matrix,
    sizes: np.ndarray,
    n_all: float,
    terms: np.ndarray,
    total: np.ndarray,
    n: int,
) -> list[tuple[int, dict[str, np.ndarray]]]:
    """The ``n`` most over-used terms of every group (row of ``by_group``, groups x kept terms),
    as :func:`_keyness_frame` would list them: rows with log_ratio > 0, first ``n`` in its order
    (signed G² descending, then term), q the Benjamini–Hochberg adjustment over all tested
    terms. Groups with an empty target or reference are skipped.

    Computed without a dense pass over all terms per group: a term absent from the group has
    a = 0 and b = its corpus total, so its G², log ratio and p depend on the total alone; they
    are computed once per distinct total (the same element-wise formulas on the same numbers),
    the terms present in the group one by one. The BH adjustment runs on the distinct p values
    weighted by their multiplicity (tied p values share one q in the plain computation too),
    and the χ² tail is evaluated once, for all groups together.
    """
    tot = _Totals.of(total)
    n_tests = len(total)
    zeros = np.zeros(len(tot.values))
    todo = []  # (group, present terms, a, g2, lr of present terms, g2, lr per total, weights)
    for i in range(by_group.shape[0]):
        c = float(sizes[i])
        if c == 0 or n_all - c == 0:
            continue
        d = n_all - c
        lo, hi = by_group.indptr[i], by_group.indptr[i + 1]
        j = by_group.indices[lo:hi]
        a = by_group.data[lo:hi]
        g2_j, lr_j = _g2_log_ratio(a, total[j] - a, c, d)
        g2_t, lr_t = _g2_log_ratio(zeros, tot.values, c, d)
        weight = tot.count - np.bincount(tot.code[j], minlength=len(tot.values))
        todo.append((i, j, a, g2_j, lr_j, g2_t, lr_t, weight))
    if not todo:
        return []
    # the χ² tail of every G² of every group in one call (element-wise as stats.chi2.sf)
    flat = np.concatenate([np.concatenate([t[3], t[5]]) for t in todo])
    p_all = _chi2_sf(flat)
    out = []
    at = 0
    for i, j, a, g2_j, lr_j, g2_t, lr_t, weight in todo:
        p_j = p_all[at : at + len(j)]
        p_t = p_all[at + len(j) : at + len(j) + len(g2_t)]
        at += len(j) + len(g2_t)
        q_j, q_t = _bh_weighted(p_j, p_t, weight, n_tests)
        # candidates: present terms with log_ratio > 0, and absent terms of a total with
        # log_ratio > 0 (all absent terms of one total tie on G²)
        cj = np.flatnonzero(lr_j > 0)
        ct = np.flatnonzero((lr_t > 0) & (weight > 0))
        vals = np.concatenate([g2_j[cj], g2_t[ct]])
        wts = np.concatenate([np.ones(len(cj), dtype=np.int64), weight[ct]])
        if wts.sum() > n:
            # the n-th largest G² counting multiplicities (np.partition's cut value)
            desc = np.argsort(-vals, kind="stable")
            cut = vals[desc[np.searchsorted(np.cumsum(wts[desc]), n)]]
            cj = cj[g2_j[cj] >= cut]
            ct = ct[g2_t[ct] >= cut]
        # the terms of the candidate totals that the group does not use (its own are ``j``)
        absent = [tot.members[tot.offsets[t] : tot.offsets[t + 1]] for t in ct.tolist()]
        absent_terms = np.concatenate([np.empty(0, dtype=np.int64), *absent])
        absent_terms = absent_terms[~_members_of(absent_terms, j)]
        absent_code = tot.code[absent_terms]
        idx = np.concatenate([j[cj], absent_terms])
        sel_a = np.concatenate([a[cj], np.zeros(len(absent_terms))])
        sel_g2 = np.concatenate([g2_j[cj], g2_t[absent_code]])
        order = np.lexsort((terms[idx], -sel_g2))[:n]
        idx, sel_a = idx[order], sel_a[order]
        out.append(
            (
                i,
                {
                    "term": terms[idx],
                    "freq_target": sel_a.astype(int),
                    "freq_ref": (total[idx] - sel_a).astype(int),
                    "log_ratio": np.concatenate([lr_j[cj], lr_t[absent_code]])[order],
                    "g2": sel_g2[order],
                    "p": np.concatenate([p_j[cj], p_t[absent_code]])[order],
                    "q": np.concatenate([q_j[cj], q_t[absent_code]])[order],
                },
            )
        )
    return out


def _members_of(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """``values`` that are in ``present`` (a group's term indices), found by binary search in
    the sorted ``present``: no array over all terms per group."""
    if not len(present) or not len(values):
        return np.zeros(len(values), dtype=bool)
    present = np.sort(present)
    at = np.minimum(np.searchsorted(present, values), len(present) - 1)
    return present[at] == values


def _bh_weighted(
    p_j: np.ndarray, p_t: np.ndarray, weight: np.ndarray, n_tests: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_bh` over ``n_tests`` p values given as ``p_j`` (one term each) and ``p_t``
    (``weight`` terms each): the same q per term. In the plain computation a run of tied p
    values v ending at rank K gets min over later runs of v·n/K (its own last rank gives the
    smallest ratio), whatever the order inside the run; that is computed here per run."""
    v = np.concatenate([p_j, p_t])
    w = np.concatenate([np.ones(len(p_j), dtype=np.int64), weight])
    if not len(v):
        return p_j, p_t
    order = np.argsort(v, kind="stable")
    vs = v[order]
    rank = np.cumsum(w[order])
    used = w[order] > 0
    vs, rank, pos = vs[used], rank[used], order[used]
    last = np.concatenate([vs[1:] != vs[:-1], [True]])
    run = np.concatenate([[0], np.cumsum(last[:-1])])
    ranked = vs[last] * n_tests / rank[last]
    q_run = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    q = np.full(len(v), np.nan)
    q[pos] = q_run[run]
    return q[: len(p_j)], q[len(p_j) :]


def _chi2_sf(g2: np.ndarray) -> np.ndarray:
    """``stats.chi2.sf(g2, 1)``, evaluated once per distinct value: the χ² tail costs about
    2 µs a value, and most terms of a comparison share their G² (a term absent from the
    target has a G² set by its reference count alone). Element-wise the same numbers."""
    if len(g2) < 2:
        return stats.chi2.sf(g2, 1)
    values, inverse = np.unique(g2, return_inverse=True)
    return stats.chi2.sf(values, 1)[inverse.ravel()]


def _bh(p: np.ndarray) -> np.ndarray:
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


@dataclass(frozen=True)
class UnitTerms:
    """Term counts of every unit: ``counts`` (units x terms, float64, CSR) with rows in the
    order of ``index`` (unit ids as str) and columns in ``vocab`` (terms, first-seen order).
    Built once by :func:`unit_term_counts` and shared by :func:`keyness_by_group` and
    :func:`analysis.measures.groups.keyness_dispersion` (each would otherwise re-read every
    token)."""

    index: pd.Index
    counts: sparse.csr_matrix
    vocab: pd.Index

    def matches(self, index: pd.Index) -> bool:
        return len(index) == len(self.index) and bool(self.index.equals(index))


def unit_term_counts(units: Units) -> UnitTerms:
    """The :class:`UnitTerms` of ``units`` (tokens per unit)."""
    s = units if isinstance(units, pd.Series) else pd.Series(dict(units), dtype=object)
    toks = [v if v is not None else () for v in s.tolist()]
    lengths = np.fromiter((len(t) for t in toks), dtype=np.int64, count=len(toks))
    codes, vocab = pd.factorize(pd.Series(list(itertools.chain.from_iterable(toks)), dtype=object))
    rows = np.repeat(np.arange(len(toks)), lengths)
    counts = sparse.csr_matrix((np.ones(len(codes)), (rows, codes)), shape=(len(toks), len(vocab)))
    return UnitTerms(s.index.map(str), counts, pd.Index(vocab, dtype=object))


def shared_counts(units: Units, counts: UnitTerms | None) -> UnitTerms:
    """``counts`` when it was built from units with the same ids (in order), else
    :func:`unit_term_counts` of ``units``."""
    if counts is not None:
        index = units.index if isinstance(units, pd.Series) else pd.Index(list(units))
        if counts.matches(index.map(str)):
            return counts
    return unit_term_counts(units)


def keyness_by_group(
    units: Units,
    groups: pd.Series | Mapping[str, str],
    *,
    n: int | None = 20,
    min_freq: int = 3,
    counts: UnitTerms | None = None,
) -> pd.DataFrame:
    """Keyness of every group against all other units (e.g. each report vs the rest).

    Args:
        units: tokens per unit.
        groups: group label per unit id (units without a label are reference-only), e.g.
            ``{unit: doc_id}`` or a paragraph's dominant theme.
        n: keep the ``n`` most over-used terms per group (None: all terms).
        min_freq: as in :func:`keyness`.
        counts: :func:`unit_term_counts` of ``units``, if already computed.

    Returns:
        DataFrame[group, term, freq_target, freq_ref, log_ratio, g2, p, q].
    """
    counts = shared_counts(units, counts)
    g = pd.Series(groups) if not isinstance(groups, pd.Series) else groups
    g = g.copy()
    g.index = g.index.map(str)
    g = g.reindex(counts.index)
    cols = ["group", "term", "freq_target", "freq_ref", "log_ratio", "g2", "p", "q"]
    labels = sorted(g.dropna().unique(), key=str)
    if not labels:
        return pd.DataFrame(columns=cols)
    # group sums by a sparse indicator product: the counts of every group in one pass instead
    # of recounting all tokens for each group
    m = counts.counts
    label_of = {lab: i for i, lab in enumerate(labels)}
    member = g.map(label_of)
    has = member.notna().to_numpy()
    indicator = sparse.csr_matrix(
        (np.ones(has.sum()), (member[has].astype(int).to_numpy(), np.flatnonzero(has))),
        shape=(len(labels), m.shape[0]),
    )
    by_group = (indicator @ m).tocsr()  # sparse: groups × terms
    total = np.asarray(m.sum(axis=0)).ravel()
    n_all = float(total.sum())
    terms = np.asarray(counts.vocab, dtype=object).astype(str)
    keep = total >= min_freq  # a + b = the term's corpus total, whatever the group
    kept_terms, kept_total = terms[keep], total[keep]
    sizes = np.asarray(by_group.sum(axis=1)).ravel()
    if n is not None:
        found = _top_over_used_groups(
            by_group[:, np.flatnonzero(keep)].tocsr(), sizes, n_all, kept_terms, kept_total, n
        )
        if not found:
            return pd.DataFrame(columns=cols)
        lengths = [len(part["term"]) for _, part in found]
        names = np.array([str(labels[i]) for i, _ in found], dtype=object)
        out = {"group": np.repeat(names, lengths)}
        for col in cols[1:]:
            out[col] = np.concatenate([part[col] for _, part in found])
        return pd.DataFrame(out, columns=cols)
    parts = []
    for i, label in enumerate(labels):
        a = by_group[i].toarray().ravel()[keep]
        c = float(sizes[i])
        if c == 0 or n_all - c == 0:
            continue
        b = kept_total - a
        k = _keyness_frame(kept_terms, a, b, c, n_all - c)
        k.insert(0, "group", str(label))
        parts.append(k)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def keyword_tables(
    units: Units,
    *,
    n: int = 20,
    paragraph_themes: pd.DataFrame | None = None,
    min_freq: int = 3,
) -> dict[str, pd.DataFrame]:
    """The keyword tables of ``make figures`` in one call.

    Args:
        units: tokens per paragraph unit (``"{doc_id}#{para_id}"``) or per document.
        n: terms per document (TF-IDF) and per group (keyness).
        paragraph_themes: optional ``analysis.measures.themes.paragraph_themes`` output
            (``doc_id, para_id, dominant_theme``); adds each theme's paragraphs vs the rest
            (paragraphs without a dominant theme, ``""`` or ``"none"``, are reference only).
        min_freq: minimum frequency for keyness.

    Returns:
        ``{"tfidf_keywords": [doc_id, rank, term, score, count],
        "similarity": square doc × doc DataFrame,
        "keyness": [comparison, group, term, freq_target, freq_ref, log_ratio, g2, p, q,
        docs_target, docs_ref, max_doc_share, dispersed]}`` -- ``comparison`` is
        ``"document"`` (each report vs all others) or ``"theme"`` (paragraphs whose dominant
        theme is ``group`` vs all other paragraphs); the dispersion columns are those of
        :func:`analysis.measures.groups.keyness_dispersion` (a per-report comparison holds one
        document by construction, so ``dispersed`` is False there).
    """
    s = _as_series(units)
    return {
        "tfidf_keywords": tfidf_keywords(s, n=n),
        "similarity": doc_similarity(s),
        "keyness": keyness_table(s, n=n, paragraph_themes=paragraph_themes, min_freq=min_freq),
    }


def document_groups(unit_ids: Sequence[str]) -> pd.Series:
    """The group of each paragraph unit in the ``document`` comparison of
    :func:`keyness_table`: its report (``"{doc_id}#{para_id}"`` -> ``doc_id``), indexed by
    unit id."""
    return pd.Series({u: u.split("#", 1)[0] for u in unit_ids})


def theme_groups(paragraph_themes: pd.DataFrame) -> pd.Series:
    """The group of each paragraph unit in the ``theme`` comparison of :func:`keyness_table`:
    its dominant theme (:func:`analysis.measures.themes.paragraph_themes`), indexed by unit id
    (``"{doc_id}#{para_id}"``); paragraphs without a dominant theme (missing, "" or "none")
    are left out."""
    pt = paragraph_themes
    ids = pt["doc_id"].astype(str) + "#" + pt["para_id"].astype(str)
    theme = pd.Series(pt["dominant_theme"].to_numpy(), index=ids)
    return theme[theme.notna() & ~theme.astype(str).isin(["", "none"])]


def keyness_table(
    units: Units,
    *,
    n: int = 20,
    paragraph_themes: pd.DataFrame | None = None,
    min_freq: int = 3,
) -> pd.DataFrame:
    """The ``keyness`` table of :func:`keyword_tables` (each report, and each dominant theme's
    paragraphs, against the rest, with the dispersion columns); one unit x term count matrix
    (:func:`unit_term_counts`) serves both comparisons and their dispersion."""
    from analysis.measures.groups import keyness_dispersion

    counts = unit_term_counts(units)
    by_doc = document_groups(counts.index)
    doc_key = keyness_by_group(units, by_doc, n=n, min_freq=min_freq, counts=counts)
    parts = [
        keyness_dispersion(doc_key, units, by_doc, counts=counts).assign(comparison="document")
    ]
    if paragraph_themes is not None and len(paragraph_themes):
        theme = theme_groups(paragraph_themes)
        theme_key = keyness_by_group(units, theme, n=n, min_freq=min_freq, counts=counts)
        parts.append(
            keyness_dispersion(theme_key, units, theme, counts=counts).assign(comparison="theme")
        )
    key = pd.concat(parts, ignore_index=True)
    return key[["comparison", *[c for c in key.columns if c != "comparison"]]]
