"""Co-occurrence of terms and of themes within paragraphs, with association measures.

Two items co-occur when both appear in the same unit (a paragraph by default). For items a, b
in N units with unit frequencies n_a, n_b and joint frequency n_ab:

- ``npmi`` = log(P(a,b) / (P(a) P(b))) / −log P(a,b) (Bouma 2009), in [−1, 1]; 1 = always
  together, 0 = independent;
- ``jaccard`` = n_ab / (n_a + n_b − n_ab);
- ``count`` = n_ab.

The counts are one sparse product (units × items)ᵀ(units × items), so thousands of terms over
hundreds of thousands of paragraphs take seconds.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from scipy import sparse

COOC_COLUMNS = ["item_a", "item_b", "count", "n_a", "n_b", "n_units", "npmi", "jaccard"]


def _binary_matrix(unit_items: pd.Series, vocab: list[str]) -> sparse.csr_matrix:
    pos = {t: j for j, t in enumerate(vocab)}
    rows, cols = [], []
    for i, items in enumerate(unit_items):
        for j in {pos[t] for t in items if t in pos}:
            rows.append(i)
            cols.append(j)
    return sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(unit_items), len(vocab))
    )


def cooccurrence_from_sets(
    unit_items: pd.Series, *, items: list[str] | None = None, min_count: int = 2
) -> pd.DataFrame:
    """Pairwise co-occurrence of items (terms, themes …) over units.

    Args:
        unit_items: Series of iterables of items per unit (e.g. tokens per paragraph).
        items: the items to pair (default: every item seen).
        min_count: keep pairs that co-occur in at least this many units.

    Returns:
        DataFrame with :data:`COOC_COLUMNS` (``item_a`` < ``item_b``), sorted by NPMI then count,
        descending.
    """
    if items is None:
        items = sorted({t for its in unit_items for t in its})
    vocab = list(items)
    if len(vocab) < 2 or len(unit_items) == 0:
        return pd.DataFrame(columns=COOC_COLUMNS)
    X = _binary_matrix(unit_items, vocab)
    n_units = X.shape[0]
    df = np.asarray(X.sum(axis=0)).ravel()
    C = sparse.triu((X.T @ X).tocsr(), k=1).tocoo()
    keep = C.data >= min_count
    a, b, nab = C.row[keep], C.col[keep], C.data[keep]
    if not len(nab):
        return pd.DataFrame(columns=COOC_COLUMNS)
    p_ab = nab / n_units
    p_a, p_b = df[a] / n_units, df[b] / n_units
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.where(p_ab < 1.0, np.log(p_ab / (p_a * p_b)) / -np.log(p_ab), 1.0)
    out = pd.DataFrame(
        {
            "item_a": np.asarray(vocab, dtype=object)[a],
            "item_b": np.asarray(vocab, dtype=object)[b],
            "count": nab.astype(int),
            "n_a": df[a].astype(int),
            "n_b": df[b].astype(int),
            "n_units": n_units,
            "npmi": npmi,
            "jaccard": nab / (df[a] + df[b] - nab),
        }
    )
    return out.sort_values(
        ["npmi", "count", "item_a", "item_b"],
        ascending=[False, False, True, True],
        ignore_index=True,
    )


def term_cooccurrence(
    units: pd.Series, *, top_n: int = 200, min_count: int = 5, min_df: int = 5
) -> pd.DataFrame:
    """Term × term co-occurrence within units (paragraphs) for the ``top_n`` most widespread terms.

    Args:
        units: tokens per unit (``analysis.tokens.unit_tokens(tokens, unit="paragraph")``).
        top_n: terms with the highest unit frequency (at least ``min_df``) are paired.
        min_count: keep pairs seen together in at least this many units.
        min_df: minimum unit frequency of a term.

    Returns:
        DataFrame with :data:`COOC_COLUMNS`.
    """
    counts = Counter(str(t) for toks in units for t in set(toks))
    # ties broken by the term itself: set iteration order varies between processes
    ranked = sorted((t for t, c in counts.items() if c >= min_df), key=lambda t: (-counts[t], t))
    return cooccurrence_from_sets(units, items=sorted(ranked[:top_n]), min_count=min_count)


def theme_cooccurrence(
    paragraph_hits: pd.DataFrame, paragraphs: pd.DataFrame, *, min_count: int = 1
) -> pd.DataFrame:
    """Theme × theme co-occurrence within paragraphs.

    Args:
        paragraph_hits: theme hits (``analysis.themes.theme_hits``: doc_id, para_id, theme …).
        paragraphs: the analysed paragraphs (every paragraph is a unit, with or without hits).
        min_count: keep pairs seen together in at least this many paragraphs.

    Returns:
        DataFrame with :data:`COOC_COLUMNS` (items are theme ids).
    """
    keys = ["doc_id", "para_id"]
    units = paragraphs[keys].astype({"doc_id": str}).drop_duplicates()
    if len(paragraph_hits):
        sets = (
            paragraph_hits.astype({"doc_id": str})
            .groupby(keys)["theme"]
            .agg(lambda s: set(map(str, s)))
        )
        per_unit = units.merge(sets.rename("themes").reset_index(), on=keys, how="left")
        per_unit["themes"] = per_unit["themes"].map(lambda v: v if isinstance(v, set) else set())
    else:
        per_unit = units.assign(themes=[set() for _ in range(len(units))])
    return cooccurrence_from_sets(per_unit["themes"].reset_index(drop=True), min_count=min_count)
