"""Slogan diffusion: when a formulation first appears, where, and how fast regions adopt it.

Works on any mention table with ``doc_id`` and ``slogan`` columns — the slogan stage's
``slogan_mentions`` (so better slogan extraction improves diffusion automatically) or
:func:`term_mentions` for a researcher's own list of formulations.

Time: each document's year is the year of its report date (``documents.date``) when it has
one, else its ``year`` label (see :func:`analysis.measures.reuse.document_times`); every row
says which was used. Region: the ``region`` column (from a manifest) when present, else
``place``; level: the ``level`` column. Undated documents count in ``n_docs`` but not in the
curves.

    >>> import analysis as an
    >>> mentions = an.slogan_mentions(paragraphs)
    >>> an.slogan_diffusion(mentions, corpus.documents)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.measures.reuse import document_times
from analysis.measures.timeseries import documents_with_level

DIFFUSION_COLUMNS = [
    "slogan", "first_year", "first_date", "first_doc", "first_region", "first_level",
    "n_regions", "n_docs", "n_docs_dated", "last_year", "years_to_half", "docs_per_year",
    "regions_per_year", "date_source",
]  # fmt: skip


def document_meta(documents: pd.DataFrame) -> pd.DataFrame:
    """Per document: time (date over year label), region and level used for diffusion.

    Returns:
        DataFrame[doc_id, date, year, time_basis, order, region, level]; ``region`` is the
        manifest ``region`` when non-empty, else ``place``, else ""; ``level`` the manifest
        ``level`` or "".
    """
    ids = documents["doc_id"].astype(str).tolist()
    meta = document_times(documents, ids)
    region = pd.Series([""] * len(ids))
    for col in ("place", "region"):  # region wins where present
        if col in documents:
            v = documents[col].fillna("").astype(str).reset_index(drop=True).str.strip()
            region = v.where(v != "", region)
    meta["region"] = region.to_numpy()
    level = documents["level"] if "level" in documents else pd.Series([""] * len(ids))
    meta["level"] = level.fillna("").astype(str).to_numpy()
    return meta


def _per_year(values: pd.Series) -> str:
    return "; ".join(f"{int(y)}:{int(n)}" for y, n in values.items())


def slogan_diffusion(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    min_docs: int = 2,
) -> pd.DataFrame:
    """One row per recurring slogan: first appearance, spread across regions, speed.

    Args:
        mentions: long table with ``doc_id`` and ``slogan`` (e.g. ``an.slogan_mentions``).
        documents: documents table (``doc_id``, ``date``, ``year``, ``region``/``place``,
            ``level``); near-duplicates (``duplicate_of``) are dropped.
        min_docs: keep slogans found in at least this many documents.

    Returns:
        DataFrame[slogan, first_year, first_date, first_doc, first_region, first_level,
        n_regions, n_docs, n_docs_dated, last_year, years_to_half, docs_per_year,
        regions_per_year, date_source]: ``first_*`` describe the earliest dated document
        (by date, then year label, then corpus order); ``first_date`` is "" when that document
        has only a year label; ``n_regions`` distinct regions using the slogan;
        ``years_to_half`` years from ``first_year`` until half of those regions had used it
        (missing when fewer than 2 regions or no dates); ``docs_per_year`` and
        ``regions_per_year`` ``"year:count; …"`` (distinct documents / regions using it that
        year); ``date_source`` ``date`` (every dated document had a report date), ``year``
        (only year labels) or ``date for n of m documents, else year label``. Sorted by
        n_regions, n_docs (descending), first_year, slogan.
    """
    meta = document_meta(documents)
    if "duplicate_of" in documents:
        dup = set(documents.loc[documents["duplicate_of"].fillna("") != "", "doc_id"].astype(str))
        meta = meta[~meta["doc_id"].isin(dup)]
    m = mentions[["doc_id", "slogan"]].astype(str).drop_duplicates()
    m = m.merge(meta, on="doc_id", how="inner")
    n_docs = m.groupby("slogan")["doc_id"].nunique()
    keep = n_docs[n_docs >= min_docs].index
    m = m[m["slogan"].isin(keep)]
    if m.empty:
        return pd.DataFrame(columns=DIFFUSION_COLUMNS)
    m = m.assign(_date=m["date"].replace("", "9999-99-99"))
    m = m.sort_values(["slogan", "year", "_date", "order"], kind="stable", na_position="last")
    rows = []
    for slogan, g in m.groupby("slogan", sort=False):
        dated = g[g["year"].notna()]
        regions = g.loc[g["region"] != "", "region"]
        n_regions = regions.nunique()
        if dated.empty:
            first = g.iloc[0]
            rows.append(
                (slogan, pd.NA, "", first["doc_id"], first["region"], first["level"], n_regions,
                 g["doc_id"].nunique(), 0, pd.NA, pd.NA, "", "", "")
            )  # fmt: skip
            continue
        first = dated.iloc[0]
        years = dated["year"].astype(int)
        docs_year = dated.groupby(years)["doc_id"].nunique()
        with_region = dated[dated["region"] != ""]
        regions_year = with_region.groupby(with_region["year"].astype(int))["region"].nunique()
        first_seen = with_region.groupby("region")["year"].min().astype(int)
        dated_regions = len(first_seen)
        to_half: object = pd.NA
        if dated_regions >= 2:
            cum = first_seen.value_counts().sort_index().cumsum()
            reached = cum[cum >= dated_regions / 2].index.min()
            to_half = int(reached) - int(first["year"])
        n_dated = dated["doc_id"].nunique()
        n_with_date = dated.loc[dated["time_basis"] == "date", "doc_id"].nunique()
        if n_with_date == n_dated:
            source = "date"
        elif n_with_date == 0:
            source = "year"
        else:
            source = f"date for {n_with_date} of {n_dated} documents, else year label"
        rows.append(
            (slogan, int(first["year"]), first["date"], first["doc_id"], first["region"],
             first["level"], n_regions, g["doc_id"].nunique(), n_dated, int(years.max()),
             to_half, _per_year(docs_year), _per_year(regions_year), source)
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=DIFFUSION_COLUMNS)
    for col in ("first_year", "last_year", "years_to_half"):
        out[col] = out[col].astype("Int64")
    return out.sort_values(
        ["n_regions", "n_docs", "first_year", "slogan"],
        ascending=[False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)


def adoption_curves(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    slogans: list[str] | None = None,
) -> pd.DataFrame:
    """Cumulative adoption by year: how many regions had used each slogan by then.

    Args:
        mentions: long table with ``doc_id`` and ``slogan``.
        documents: documents table (see :func:`slogan_diffusion`).
        slogans: the slogans to trace (default: every slogan in ``mentions``).

    Returns:
        DataFrame[slogan, year, n_docs, new_regions, cum_regions, regions_reporting,
        share_regions, share_of_adopters]: one row per slogan and year from its first year to
        the corpus's last dated year; ``regions_reporting`` the regions with at least one dated
        report up to that year (the denominator of ``share_regions``), ``share_of_adopters``
        ``cum_regions`` over the slogan's eventual number of regions.
    """
    cols = ["slogan", "year", "n_docs", "new_regions", "cum_regions", "regions_reporting",
            "share_regions", "share_of_adopters"]  # fmt: skip
    meta = document_meta(documents)
    if "duplicate_of" in documents:
        dup = set(documents.loc[documents["duplicate_of"].fillna("") != "", "doc_id"].astype(str))
        meta = meta[~meta["doc_id"].isin(dup)]
    meta = meta[meta["year"].notna() & (meta["region"] != "")]
    if meta.empty:
        return pd.DataFrame(columns=cols)
    meta = meta.assign(year=meta["year"].astype(int))
    region_first = meta.groupby("region")["year"].min().value_counts().sort_index().cumsum()
    years = np.arange(meta["year"].min(), meta["year"].max() + 1)
    reporting = region_first.reindex(years).ffill().fillna(0).astype(int)
    m = mentions[["doc_id", "slogan"]].astype(str).drop_duplicates()
    if slogans is not None:
        m = m[m["slogan"].isin(slogans)]
    m = m.merge(meta, on="doc_id", how="inner")
    rows = []
    for slogan, g in m.groupby("slogan", sort=True):
        first_seen = g.groupby("region")["year"].min()
        new = first_seen.value_counts().reindex(years, fill_value=0)
        docs = g.groupby("year")["doc_id"].nunique().reindex(years, fill_value=0)
        span = years[years >= first_seen.min()]
        cum = new.cumsum()
        for y in span:
            rows.append(
                (slogan, int(y), int(docs[y]), int(new[y]), int(cum[y]), int(reporting[y]),
                 round(cum[y] / reporting[y], 4) if reporting[y] else np.nan,
                 round(cum[y] / len(first_seen), 4))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def first_appearance_by_level(mentions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """When each slogan first appears at each administrative level.

    The level is the manifest's ``level`` when any document has one, else the level inferred
    from the text (``place_level``), as for theme prevalence by level
    (:func:`analysis.measures.timeseries.documents_with_level`).

    Returns:
        DataFrame[slogan, level, first_year, first_doc, n_docs, level_source,
        n_docs_without_level]: one row per slogan and level with a dated document (level ""
        for documents without a level, or when neither source has one); ``level_source`` is
        ``"manifest"``, ``"inferred from the text (place_level)"`` or ""; ``n_docs_without_level``
        the (non-duplicate) documents of the corpus without a level (the same on every row).
    """
    leveled, source, n_without = documents_with_level(documents)
    meta = document_meta(documents if leveled is None else leveled)
    m = mentions[["doc_id", "slogan"]].astype(str).drop_duplicates().merge(meta, on="doc_id")
    m = m[m["year"].notna()].assign(_date=lambda d: d["date"].replace("", "9999-99-99"))
    m = m.sort_values(["slogan", "level", "year", "_date", "order"], kind="stable")
    g = m.groupby(["slogan", "level"], sort=True)
    out = g.agg(first_year=("year", "first"), first_doc=("doc_id", "first"),
                n_docs=("doc_id", "nunique")).reset_index()  # fmt: skip
    out["first_year"] = out["first_year"].astype("Int64")
    return out.assign(level_source=source, n_docs_without_level=n_without)


def term_mentions(paragraphs: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    """Every occurrence of the given formulations (Simplified text; punctuation-insensitive).

    A term matches with any punctuation or whitespace (at most two characters) between its
    characters (``大众创业、万众创新`` ≡ ``大众创业,万众创新``); punctuation at its edges is literal
    (``互联网+``). Matching is by substring: ``新发展理念`` also matches inside ``创新发展理念``, so
    read the first appearances with ``an.kwic`` before citing them.

    Args:
        paragraphs: paragraphs per the corpus contract (``doc_id, para_id, text,
            text_original``).
        terms: formulations in Simplified script.

    Returns:
        DataFrame[doc_id, para_id, start, end, slogan, surface, surface_original] (the same
        leading columns as ``slogan_mentions``; ``slogan`` is the term as given).
    """
    rows = []
    texts = paragraphs["text"].fillna("").astype(str).tolist()
    originals = paragraphs["text_original"].fillna("").astype(str).tolist()
    ids = paragraphs["doc_id"].astype(str).tolist()
    pids = paragraphs["para_id"].tolist() if "para_id" in paragraphs else list(range(len(ids)))
    for term in terms:
        core = term.strip()
        inner = [c for c in core if c.isalnum()]
        if not inner:
            continue
        # punctuation inside the term is any separator; at its edges (互联网+) it is literal
        lo = next(i for i, c in enumerate(core) if c.isalnum())
        hi = max(i for i, c in enumerate(core) if c.isalnum()) + 1
        rx = re.compile(
            re.escape(core[:lo])
            + r"[\s\W_]{0,2}".join(re.escape(c) for c in inner)
            + re.escape(core[hi:])
        )
        lead = inner[0]
        for i, t in enumerate(texts):
            if lead not in t:
                continue
            for mt in rx.finditer(t):
                s, e = mt.span()
                rows.append((ids[i], pids[i], s, e, term, t[s:e], originals[i][s:e]))
    return pd.DataFrame(
        rows, columns=["doc_id", "para_id", "start", "end", "slogan", "surface", "surface_original"]
    )
