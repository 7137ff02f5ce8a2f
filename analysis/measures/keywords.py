"""Keywords: TF-IDF top terms per document, document similarity, keyness of any group of units.

Inputs are tokens per unit (``pd.Series`` of ``list[str]`` indexed by unit id, as from
``analysis.text.tokens.unit_tokens``). Paragraph units (``"{doc_id}#{para_id}"``) are pooled into
documents by :func:`document_units` where a function needs documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

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
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2.0 * (
            np.where(a > 0, a * np.log(a / e1), 0.0) + np.where(b > 0, b * np.log(b / e2), 0.0)
        )
    lr = np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))
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
        obs = np.stack([a, b, c - a, d - b], axis=1)
        exp = np.stack([e1, e2, c - e1, d - e2], axis=1)
        out["chi2"] = ((obs - exp) ** 2 / exp).sum(axis=1) if c + d > 0 else np.nan
    signed = np.sign(out["log_ratio"]) * out["g2"]
    order = np.lexsort((out["term"].to_numpy(), -signed.to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _top_over_used(
    terms: np.ndarray, a: np.ndarray, b: np.ndarray, c: float, d: float, n: int
) -> pd.DataFrame:
    """The ``n`` most over-used terms: the rows of ``_keyness_frame(...)`` with log_ratio > 0,
    first ``n`` in its order (signed G² descending, then term), computed without building and
    sorting the frame of all terms. G², log ratio and p are the same element-wise formulas;
    q is the Benjamini–Hochberg adjustment over all tested terms, as there."""
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2.0 * (
            np.where(a > 0, a * np.log(a / e1), 0.0) + np.where(b > 0, b * np.log(b / e2), 0.0)
        )
    lr = np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))
    p = _chi2_sf(g2)
    q = _bh(p)
    over = np.flatnonzero(lr > 0)
    signed = g2[over]  # sign(log_ratio) = +1 here
    if len(over) > n:
        cut = np.partition(signed, len(signed) - n)[len(signed) - n]
        over = over[signed >= cut]  # the n largest, ties at the cut included
    order = np.lexsort((terms[over], -g2[over]))
    sel = over[order][:n]
    return pd.DataFrame(
        {
            "term": terms[sel],
            "freq_target": a[sel].astype(int),
            "freq_ref": b[sel].astype(int),
            "log_ratio": lr[sel],
            "g2": g2[sel],
            "p": p[sel],
            "q": q[sel],
        }
    )


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


def keyness_by_group(
    units: Units, groups: pd.Series | Mapping[str, str], *, n: int | None = 20, min_freq: int = 3
) -> pd.DataFrame:
    """Keyness of every group against all other units (e.g. each report vs the rest).

    Args:
        units: tokens per unit.
        groups: group label per unit id (units without a label are reference-only), e.g.
            ``{unit: doc_id}`` or a paragraph's dominant theme.
        n: keep the ``n`` most over-used terms per group (None: all terms).
        min_freq: as in :func:`keyness`.

    Returns:
        DataFrame[group, term, freq_target, freq_ref, log_ratio, g2, p, q].
    """
    s = _as_series(units)
    g = pd.Series(groups) if not isinstance(groups, pd.Series) else groups
    g = g.copy()
    g.index = g.index.map(str)
    g = g.reindex(s.index)
    cols = ["group", "term", "freq_target", "freq_ref", "log_ratio", "g2", "p", "q"]
    labels = sorted(g.dropna().unique(), key=str)
    if not labels:
        return pd.DataFrame(columns=cols)
    # One unit x term count matrix; group sums by a sparse indicator product: the counts of
    # every group in one pass instead of recounting all tokens for each group.
    codes, vocab = pd.factorize(pd.Series([t for toks in s for t in toks], dtype=object))
    rows = np.repeat(np.arange(len(s)), [len(toks) for toks in s])
    counts = sparse.csr_matrix((np.ones(len(codes)), (rows, codes)), shape=(len(s), len(vocab)))
    label_of = {lab: i for i, lab in enumerate(labels)}
    member = g.map(label_of)
    has = member.notna().to_numpy()
    indicator = sparse.csr_matrix(
        (np.ones(has.sum()), (member[has].astype(int).to_numpy(), np.flatnonzero(has))),
        shape=(len(labels), len(s)),
    )
    by_group = (indicator @ counts).tocsr()  # sparse: groups × terms
    total = np.asarray(counts.sum(axis=0)).ravel()
    n_all = float(total.sum())
    terms = np.asarray(vocab, dtype=object).astype(str)
    keep = total >= min_freq  # a + b = the term's corpus total, whatever the group
    kept_terms, kept_total = terms[keep], total[keep]
    parts = []
    for i, label in enumerate(labels):
        a = by_group[i].toarray().ravel()[keep]
        c = float(by_group[i].sum())
        if c == 0 or n_all - c == 0:
            continue
        b = kept_total - a
        if n is None:
            k = _keyness_frame(kept_terms, a, b, c, n_all - c)
        else:
            k = _top_over_used(kept_terms, a, b, c, n_all - c, n)
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
    from analysis.measures.groups import keyness_dispersion

    s = _as_series(units)
    by_doc = pd.Series({u: u.split("#", 1)[0] for u in s.index})
    doc_key = keyness_by_group(s, by_doc, n=n, min_freq=min_freq)
    parts = [keyness_dispersion(doc_key, s, by_doc).assign(comparison="document")]
    if paragraph_themes is not None and len(paragraph_themes):
        pt = paragraph_themes
        ids = pt["doc_id"].astype(str) + "#" + pt["para_id"].astype(str)
        theme = pd.Series(pt["dominant_theme"].to_numpy(), index=ids)
        theme = theme[theme.notna() & ~theme.astype(str).isin(["", "none"])]  # no dominant theme
        theme_key = keyness_by_group(s, theme, n=n, min_freq=min_freq)
        parts.append(keyness_dispersion(theme_key, s, theme).assign(comparison="theme"))
    key = pd.concat(parts, ignore_index=True)
    key = key[["comparison", *[c for c in key.columns if c != "comparison"]]]
    return {
        "tfidf_keywords": tfidf_keywords(s, n=n),
        "similarity": doc_similarity(s),
        "keyness": key,
    }
