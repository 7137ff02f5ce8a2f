"""Group comparisons: theme rates between the groups of a metadata column, keyness dispersion.

``compare_groups`` tests whether a document-level measure differs between the groups of any
document column (level, region, a manifest column): a permutation test of the between-group
sum of squares (one-way ANOVA F without its normality assumption) or the Kruskal–Wallis rank
test, with Benjamini–Hochberg q across themes. Groups with fewer than ``min_docs`` documents are
left out and named in ``note``.

``keyness_dispersion`` adds to a keyness table the evidence a reviewer asks for before calling a
term "key": how many documents of the group use it, and how much of its count comes from the
single largest document — so one report cannot make a term key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse, stats

from analysis.measures.keywords import UnitTerms, shared_counts

COMPARE_COLUMNS = [
    "outcome",
    "by",
    "group",
    "n_docs",
    "mean",
    "median",
    "test",
    "statistic",
    "p",
    "q",
    "n",
    "note",
]


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (NaN stays NaN)."""
    p = np.asarray(p, dtype=float)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        from statsmodels.stats.multitest import multipletests

        q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return q


def _between_ss(values: np.ndarray, codes: np.ndarray, n_groups: int) -> float:
    sums = np.bincount(codes, weights=values, minlength=n_groups)
    counts = np.bincount(codes, minlength=n_groups)
    mean = values.mean()
    return float(((sums / counts - mean) ** 2 * counts).sum())


def compare_groups(
    outcomes: pd.DataFrame,
    documents: pd.DataFrame,
    by: str,
    *,
    test: str = "permutation",
    n_perm: int = 2000,
    seed: int,
    min_docs: int = 3,
) -> pd.DataFrame:
    """Compare a document-level measure between the groups of ``documents[by]``.

    Args:
        outcomes: DataFrame[doc_id, outcome, value] (e.g. ``effects.theme_outcomes``).
        documents: documents with ``doc_id`` and the ``by`` column.
        by: grouping column (``level``, ``region`` …).
        test: ``"permutation"`` (between-group sum of squares, ``n_perm`` shuffles) or
            ``"kruskal"`` (Kruskal–Wallis H).
        n_perm: permutations.
        seed: seed of the permutations.
        min_docs: groups with fewer documents are excluded (named in ``note``).

    Returns:
        DataFrame with :data:`COMPARE_COLUMNS`: one row per outcome × group (its ``n_docs``,
        ``mean`` and ``median``) with the outcome's test repeated on each row; ``q`` is the
        BH-adjusted p across outcomes; ``n`` = documents in the compared groups. When fewer
        than two groups have ``min_docs`` documents the test columns are empty and ``note``
        says "not applicable (…)".
    """
    if test not in ("permutation", "kruskal"):
        raise ValueError(f"test must be 'permutation' or 'kruskal', not {test!r}")
    if by not in documents:
        raise ValueError(f"documents have no column {by!r}")
    groups = documents.assign(doc_id=documents["doc_id"].astype(str)).set_index("doc_id")[by]
    groups = groups[groups.notna() & groups.astype(str).str.strip().ne("")].astype(str)
    rng = np.random.default_rng(seed)
    rows, tests = [], []
    for outcome, part in outcomes.groupby("outcome", sort=True):
        v = part.assign(doc_id=part["doc_id"].astype(str)).set_index("doc_id")["value"]
        g = groups.reindex(v.index)
        keep = g.notna() & v.notna()
        v, g = v[keep].astype(float), g[keep]
        v_all, g_all = v, g
        sizes = g.value_counts()
        small = sorted(sizes[sizes < min_docs].index)
        big = sizes[sizes >= min_docs].index
        v, g = v[g.isin(big)], g[g.isin(big)]
        note = f"excluded (n < {min_docs}): {', '.join(small)}" if small else ""
        stat = p = np.nan
        if len(big) >= 2:
            codes, labels = pd.factorize(g, sort=True)
            x = v.to_numpy()
            if test == "kruskal":
                stat, p = stats.kruskal(*[x[codes == i] for i in range(len(labels))])
            else:
                stat = _between_ss(x, codes, len(labels))
                perm = np.array(
                    [_between_ss(x, rng.permutation(codes), len(labels)) for _ in range(n_perm)]
                )
                p = (1 + (perm >= stat - 1e-12).sum()) / (n_perm + 1)
        else:
            na = f"not applicable ({len(big)} group(s) with ≥ {min_docs} documents)"
            note = f"{na}; {note}" if note else na
        tests.append(p)
        for grp in sorted(sizes.index):
            vals = v_all[g_all == grp]  # descriptives for every group, tested or not
            rows.append(
                {
                    "outcome": outcome,
                    "by": by,
                    "group": grp,
                    "n_docs": int(sizes[grp]),
                    "mean": float(vals.mean()) if len(vals) else np.nan,
                    "median": float(vals.median()) if len(vals) else np.nan,
                    "test": test if len(big) >= 2 else "",
                    "statistic": float(stat),
                    "p": float(p),
                    "n": int(len(v)),
                    "note": note,
                }
            )
    out = pd.DataFrame(rows, columns=[c for c in COMPARE_COLUMNS if c != "q"])
    if out.empty:
        return pd.DataFrame(columns=COMPARE_COLUMNS)
    per = out.drop_duplicates("outcome")[["outcome", "p"]]
    per = per.assign(q=bh_adjust(per["p"].to_numpy()))
    out = out.merge(per[["outcome", "q"]], on="outcome", how="left")
    return out[COMPARE_COLUMNS]


def keyness_dispersion(
    keyness: pd.DataFrame,
    units: pd.Series,
    groups: pd.Series | None = None,
    *,
    counts: UnitTerms | None = None,
) -> pd.DataFrame:
    """Add dispersion evidence to a keyness table.

    Args:
        keyness: output of ``keyness_by_group`` (with ``group``) or ``keyness`` (then ``groups``
            must be a boolean Series marking target units).
        units: tokens per unit (``"{doc_id}#{para_id}"`` or document ids) as used for keyness.
        groups: group label per unit id (``keyness_by_group``'s ``groups``); for a plain
            keyness table, a boolean Series (True = target).
        counts: :func:`analysis.measures.keywords.unit_term_counts` of ``units``, if already
            computed (e.g. for the keyness table itself).

    Returns:
        ``keyness`` with ``docs_target`` (documents of the group using the term), ``docs_ref``
        (documents outside it using the term), ``max_doc_share`` (share of the group's count
        of the term from its single largest document) and ``dispersed`` (True when at least
        two documents of the group use the term and none holds more than 80 % of its count).
    """
    s = units if isinstance(units, pd.Series) else pd.Series(units)
    s = s.set_axis(s.index.map(str))  # a new Series: the caller's index is left as it was
    if groups is None:
        raise ValueError("groups: give the unit → group labels used for the keyness table")
    counts = shared_counts(s, counts)
    g = groups.copy()
    g.index = g.index.map(str)
    g = g.reindex(s.index)
    if "group" not in keyness:
        g = g.map(lambda t: "target" if t is True or t == 1 else None)
        k = keyness.assign(group="target")
    else:
        k = keyness
    wanted = pd.Index(pd.unique(k["term"].astype(str).to_numpy()))
    doc_codes, doc_names = pd.factorize(s.index.map(lambda u: u.split("#", 1)[0]), sort=False)
    labels = np.array(
        ["" if grp is None or grp != grp else str(grp) for grp in g.to_numpy()], dtype=object
    )
    group_codes, group_names = pd.factorize(labels, sort=False)
    # the wanted terms' columns of the unit x term counts, summed per (group, document) of the
    # units: one sparse product instead of a pass over every token
    column = counts.vocab.get_indexer(wanted)
    found = np.flatnonzero(column >= 0)
    sub = counts.counts[:, column[found]]
    pair_codes, pairs = pd.factorize(group_codes.astype(np.int64) * len(doc_names) + doc_codes)
    indicator = sparse.csr_matrix(
        (np.ones(len(pair_codes)), (pair_codes, np.arange(len(pair_codes)))),
        shape=(len(pairs), len(pair_codes)),
    )
    per_pair = (indicator @ sub).tocoo()  # (group, document) x found term: count
    if not per_pair.nnz:
        extra = {"docs_target": 0, "docs_ref": 0, "max_doc_share": np.nan, "dispersed": False}
        return keyness.assign(**extra)
    pair_group = np.asarray(pairs) // len(doc_names)
    pair_doc = np.asarray(pairs) % len(doc_names)
    grp = pair_group[per_pair.row]
    term = found[per_pair.col]  # position in ``wanted``
    n_count = per_pair.data.astype(np.int64)
    key_codes, keys = pd.factorize(grp * len(wanted) + term)
    in_group = pd.DataFrame(
        {
            "group": np.asarray(group_names, dtype=object)[np.asarray(keys) // len(wanted)],
            "term": wanted.to_numpy(dtype=object)[np.asarray(keys) % len(wanted)],
            "docs_target": np.bincount(key_codes, minlength=len(keys)),
            "total": np.bincount(key_codes, weights=n_count, minlength=len(keys)).astype(np.int64),
            "top": _group_max(key_codes, n_count, len(keys)),
        }
    )
    # documents using each term, whatever the group
    term_doc = pd.unique(term * len(doc_names) + pair_doc[per_pair.row])
    docs_all = np.bincount(term_doc // len(doc_names), minlength=len(wanted))
    k = k.assign(group=k["group"].astype(str), term=k["term"].astype(str))
    merged = k.merge(in_group, on=["group", "term"], how="left")
    merged["docs_target"] = merged["docs_target"].fillna(0).astype(int)
    # documents using the term outside the group's own documents that use it (a subset of all
    # documents using it): |all(t)| - |group(t)|; a term the group never uses counts all of them
    all_docs = docs_all[wanted.get_indexer(merged["term"].to_numpy())]
    merged["docs_ref"] = all_docs.astype(int) - merged["docs_target"].to_numpy()
    merged["max_doc_share"] = np.where(
        merged["total"] > 0, merged["top"] / merged["total"].where(merged["total"] > 0, 1), np.nan
    )
    merged["dispersed"] = (merged["docs_target"] >= 2) & (merged["max_doc_share"] <= 0.8)
    merged = merged.drop(columns=["total", "top"])
    if "group" not in keyness:
        merged = merged.drop(columns=["group"])
    return merged


def _group_max(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Largest value per code (0..n-1; every code occurs)."""
    out = np.zeros(n, dtype=values.dtype)
    np.maximum.at(out, codes, values)
    return out
