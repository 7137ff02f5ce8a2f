"""The one writer and reader of result tables (CSV), and the optional Excel workbook.

Conventions every table follows (stated in ``figures/README.md`` and the main README):

- UTF-8, ``\\n`` line ends, a header row, no index column unless the index is named
  (``similarity.csv``: ``doc_id``).
- Floats are written with :data:`SIGNIFICANT_DIGITS` (6) significant digits (``%.6g``), so a
  regenerated table differs from the committed one only when a result really changed, not by
  last-bit float noise. Integers are written as integers.
- An empty cell means "not applicable" (e.g. per-document counts on a file row of
  ``quality.csv``), never zero.
- Identifiers (``doc_id`` such as ``000`` or ``0040``, ``unit_id``, ``source_file`` …) are text:
  :func:`read_table` reads them as strings, where ``pandas.read_csv`` with its defaults would
  turn ``000`` into ``0``. In Excel, open the CSV through *Data › From Text/CSV* and set those
  columns to *Text*, or use the workbook of ``python -m analysis figures --xlsx``
  (:func:`write_workbook`), whose id cells are text.
- List cells are joined with ``|``.

    >>> import analysis as an
    >>> docs = an.read_table("figures/tables/documents.csv")
    >>> docs["doc_id"].tolist()[:2]
    ['000', '001']
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

#: Significant digits of every float written by :func:`write_table`.
SIGNIFICANT_DIGITS = 6
FLOAT_FORMAT = f"%.{SIGNIFICANT_DIGITS}g"

#: Columns holding identifiers, names or free text: always read as text ("" when blank),
#: never as numbers — even when every value looks like a number (``000``) or the column is empty.
TEXT_COLUMNS: frozenset[str] = frozenset(
    {
        "reason",
        "encoding",
        "status",
        "kind",
        "script",
        "author",
        "source",
        "editor",
        "signature",
        "section",
        "subsection",
        "text",
        "text_original",
        "surface",
        "surface_original",
        "rule",
        "variants",
        "example",
        "top_terms",
        "new_terms",
        "measure",
        "backend",
        "doc_id",
        "unit_id",
        "source_file",
        "file",
        "duplicate_of",
        "example_doc_id",
        "doc_ids",
        "evidence",
        "candidate",
        "formulation",
        "basis",
        "doc_a",
        "doc_b",
        "model",
        "theme",
        "theme_id",
        "dominant_theme",
        "label",
        "theme_label",
        "theme_label_zh",
        "theme_label_en",
        "slogan",
        "group",
        "comparison",
        "term",
        "place",
        "title",
        "title_original",
        "date",
        "level",
        "level_source",
    }
)

#: Excel's row limit (a sheet holds at most this many data rows plus the header).
EXCEL_MAX_ROWS = 1_048_575


def _joined(v: object) -> object:
    return "|".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as a UTF-8 CSV following the module's conventions; returns the path.

    Floats with :data:`SIGNIFICANT_DIGITS` significant digits, missing values as empty cells,
    list cells joined with ``|``; the index is written only when it is named. Written
    atomically (:func:`analysis.atomic.atomic_write`): a reader never sees half a file.
    """
    from analysis.atomic import atomic_write

    p = Path(path)
    out = df.copy()
    for col in out.columns:
        if (
            out[col].dtype == object
            and out[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any()
        ):
            out[col] = out[col].map(_joined)
    index = any(name is not None for name in out.index.names)  # e.g. similarity (doc_id)
    text = out.to_csv(index=index, float_format=FLOAT_FORMAT, lineterminator="\n")
    return atomic_write(p, text)  # never half a file


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`write_table` with the right dtypes.

    Identifier, name and text columns (:data:`TEXT_COLUMNS`, and any other column that is not
    numeric) stay text — ``000`` stays ``"000"`` and an empty cell is ``""``; numeric columns
    are nullable ``Int64`` / ``Float64``, with ``<NA>`` for an empty ("not applicable") cell.

    Returns:
        The table as a DataFrame (``similarity.csv``: indexed by ``doc_id``).
    """
    p = Path(path)
    header = pd.read_csv(p, nrows=0).columns
    ids = [c for c in header if c in TEXT_COLUMNS]
    frame = pd.read_csv(
        p,
        dtype={c: str for c in ids},
        keep_default_na=False,
        na_values={c: [""] for c in header if c not in ids},
        dtype_backend="numpy_nullable",
    )
    for c in frame.columns:
        if c in ids or pd.api.types.is_string_dtype(frame[c]):
            frame[c] = frame[c].astype(object).where(frame[c].notna(), "")
    if p.name == "similarity.csv" and "doc_id" in frame.columns:
        frame = frame.set_index("doc_id")
    return frame


def write_workbook(tables: Mapping[str, pd.DataFrame] | str | Path, path: str | Path) -> Path:
    """Write tables as one Excel workbook (one sheet per table; ids are text cells).

    Args:
        tables: ``{sheet name: DataFrame}``, or a folder whose ``*.csv`` are read with
            :func:`read_table` (sheet name = file stem).
        path: the ``.xlsx`` file to write (needs ``openpyxl``).

    A table longer than Excel's row limit is cut, with a warning in the log and a note in the
    sheet's last row.
    """
    if isinstance(tables, (str, Path)):
        folder = Path(tables)
        tables = {f.stem: read_table(f) for f in sorted(folder.glob("*.csv"))}
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(p, engine="openpyxl") as writer:
        for name, frame in tables.items():
            out = frame.copy()
            for col in out.columns:
                if out[col].dtype == object:
                    out[col] = out[col].map(_joined)
            index = any(n is not None for n in out.index.names)
            if len(out) > EXCEL_MAX_ROWS - 1:
                log.warning("%s: %d rows cut to Excel's limit", name, len(out))
                out = out.iloc[: EXCEL_MAX_ROWS - 1]
                note = pd.DataFrame({out.columns[0]: ["(cut: more rows in the CSV)"]})
                out = pd.concat([out, note], ignore_index=not index)
            out.to_excel(writer, sheet_name=name[:31], index=index)
    return p


#: What every column of the result tables means (written into ``figures/README.md``; a test
#: checks that every column of every generated table is explained here).
COLUMN_GLOSSARY: dict[str, str] = {
    # identifiers and labels
    "doc_id": "document id (text: `000`, `002-1`; file-name stem, `-k` for the k-th article "
    "of a file)",
    "para_id": "paragraph number within its document, from 0",
    "unit_id": "modelled unit: `doc_id#para_id` (a paragraph) or `doc_id` (a document)",
    "source_file": "raw file name",
    "model": "topic model name: backend, K and seed (`tomotopy-k8-s20240601`); `seeded-…` for "
    "the theme-seeded model",
    "topic": "topic number within its model, from 0",
    "label": "readable topic name: the seeded theme, else the topic's top 3 terms by relevance "
    "joined with `·`",
    "theme": "theme id from `data/lexicons/themes.yaml` (empty for a free topic)",
    "theme_label": "bilingual theme name from `themes.yaml`",
    "dominant_theme": "the paragraph's theme with the most hits when it has at least 2 hits, "
    "else `none`",
    "dominant_label": "bilingual name of `dominant_theme`",
    "term": "a token (Simplified script) of the segmented text",
    "rank": "position in the ranking, from 1",
    "backend": "topic-model library (tomotopy, gensim, sklearn)",
    "seed": "random seed of the fit",
    "k": "number of topics",
    # corpus
    "title": "title (Simplified)",
    "title_original": "title in the script of the report",
    "place": "place name found in title and text (empty when not recognised or anonymised)",
    "place_level": "administrative level of `place` from the gazetteer (province, prefecture, "
    "county, township); empty when no place",
    "province": "province of `place` from the gazetteer; empty when unknown",
    "year_end": "last year of a manifest range such as `2019-2020` (empty otherwise)",
    "manifest_problems": "manifest.csv values that could not be read (the value from the text "
    "was kept); empty when none",
    "genre": "genre of the document chosen from the genre profiles (e.g. work_report)",
    "genre_evidence": "the cues that decided the genre",
    "role": "what the paragraph is in its genre: substance, salutation, thanks, notes …",
    "date": "report date `YYYY-MM-DD` (or shorter) from byline, signature or header; empty "
    "when none",
    "year": "report year (from the date, else the title); empty when unknown",
    "script": "simplified / traditional / mixed, by the share of script-specific characters",
    "n_chars": "characters after cleaning; quoted_candidates.csv / formulation_candidates.csv: "
    "Chinese characters of the candidate",
    "n_paragraphs": "paragraphs after cleaning (titles included)",
    "duplicate_of": "the earlier document this one near-duplicates (5-character shingles: "
    "Jaccard ≥ 0.5 or containment ≥ 0.8); empty when none. Duplicates are left out of analyses",
    "author": "byline field (empty when absent)",
    "source": "byline field (empty when absent)",
    "editor": "byline field (empty when absent)",
    "signature": "closing signature: the issuing-body line(s) that end the report (兰考县人民政府) "
    "and the dated line, joined with a space (empty when absent); the issuing-body lines stay "
    "paragraphs of the body",
    "kind": "paragraph: title / heading / subheading / body; slogan: quoted / numbered / phrase",
    "section": "the numbered heading (`一、…`) the paragraph is under",
    "section_no": "its number",
    "subsection": "the sub-heading (`（一）…`) the paragraph is under",
    "position": "relative position in the document, 0 = first paragraph, 1 = last",
    "text": "paragraph text, Simplified (same length as text_original: offsets match)",
    "text_original": "paragraph text in the script of the report",
    "n_garbled": "garbled spans (`\\ufffd`) in the paragraph",
    "encoding": "detected encoding of the raw file",
    "status": "ok / skipped",
    "reason": "why a file or document was skipped (empty when ok); quoted_candidates.csv / "
    "formulation_candidates.csv: why the candidate was rejected (empty when accepted)",
    "n_bytes": "size of the raw file in bytes (file rows only; blank on document rows)",
    "n_chars_raw": "characters before cleaning (the whole file on a file row, the article on a "
    "document row)",
    "n_chars_clean": "characters after cleaning (document rows only; blank on file rows)",
    "chrome_lines": "web-chrome lines removed (navigation, counters …; document rows only)",
    "related_lines": "trailing related-post lines removed (document rows only)",
    "byline_lines": "byline lines parsed and removed (document rows only)",
    "signature_lines": "signature lines parsed and removed (document rows only)",
    "pinyin_annotations": "inline pinyin annotations removed (document rows only)",
    "garbled_spans": "garbled spans replaced by one `\\ufffd` each (document rows only)",
    "garbled_chars": "characters inside those spans (document rows only)",
    "urls": "URLs removed (document rows only)",
    "width_normalised": "full-width characters normalised (document rows only)",
    "wrapped_lines_joined": "hard-wrapped lines re-joined (document rows only)",
    "repeated_paragraphs": "repeated paragraphs dropped (document rows only)",
    "title_copies_and_fragments": "repeated title lines and wrap fragments dropped "
    "(document rows only)",
    "recurring_lines": "recurring boilerplate lines removed (document rows only)",
    "removed_lines": "quality.csv: lines cleaning dropped, = rows of removed_lines.csv (document "
    "rows only)",
    "line_no": "line number in the raw file",
    "shape": "the line with digits and Latin letters masked (what recurs)",
    "share_docs": "share of documents containing the shape",
    "n_occurrences": "occurrences in all documents",
    "edge_share": "share of occurrences within the first or last 5 paragraphs",
    "removed": "whether the recurring line was removed (see `reason`)",
    "non_substance_paragraphs": "paragraphs that are not report substance (salutations, "
    "thanks, notes …; document rows only)",
    # tokens, slogans, themes
    "frequency": "occurrences in the analysed documents",
    "doc_frequency": "documents it occurs in",
    "slogan": "normalised slogan (script, punctuation and spacing variants merged)",
    "n_docs": "distinct documents (near-duplicates excluded); prevalence tables and group_comparison.csv: documents in "
    "the group",
    "n_mentions": "mentions in all analysed documents",
    "doc_ids": "the documents, joined with `;`",
    "variants": "surface forms merged into this slogan, joined with ` | `",
    "example": "one mention in context",
    "recurring": "found in 2 or more documents",
    "evidence": "why the slogan was accepted: its kind, and for a short quoted key, a quoted "
    "name or a formulation the evidence (formulations: basis, score and its points, documents)",
    "candidate": "a quoted expression, normalised (the slogan key it would have)",
    "accepted": "whether the candidate is a slogan",
    "formulation": "formulation candidate (a recurring character n-gram, or a known slogan)",
    "sample_docs": "documents of the discovery sample containing the candidate",
    "sample_mentions": "its occurrences in the discovery sample",
    "extension_share": "largest share of its occurrences continued by one same character on "
    "one side (>= max_extension_share: a fragment)",
    "quoted_docs": "documents quoting it as a slogan (whole or as one part of a quote)",
    "numbered": "a numbered formula",
    "in_dictionary": "in userdict.txt or the fixed phrases",
    "policy_frame": "names a policy: ends with, or is followed by, a policy head",
    "year_span": "10–90 % range of the years of its documents (blank: era not applicable)",
    "era": "its use is concentrated in time",
    "known": "in the lexicon of known slogans (slogans.yaml formulations.known)",
    "named": "a named spirit or model: a place or person name + 精神/模式/经验 (焦裕禄精神, 晋江经验); "
    "an evidence point, in any number of documents (recurrence decides as for any candidate)",
    "glossary": "defined in a document's own glossary (名词解释/注释 paragraphs: “1. 两不愁三保障：指…”); "
    "an evidence point, in any number of documents (recurrence decides as for any candidate)",
    "basis": "what an accepted formulation rests on: `corpus evidence`, `lexicon` (a known "
    "slogan the corpus alone would not accept) or `lexicon, single document`",
    "example_doc_id": "document of the example",
    "example_para_id": "paragraph of the example",
    "start": "character offset of the mention in the paragraph (valid in both scripts)",
    "end": "end offset (exclusive)",
    "rule": "slogans: the pattern that found it; removed_lines.csv: the cleaning rule that "
    "dropped the line; topic_choice.csv: the rule that chose K",
    "surface": "the mention as written (Simplified)",
    "surface_original": "the mention as written (original script)",
    "hits": "lexicon term matches (longest match wins, no overlaps)",
    "per_1k_tokens": "hits per 1,000 tokens of the document (blank when it has no tokens)",
    "share": "the theme's share of all theme hits in the document (blank when the document has "
    "no theme hit)",
    # keywords
    "score": "TF-IDF weight: tf = 1 + ln(count), smoothed idf = ln((1 + n) / (1 + df)) + 1, "
    "rows L2-normalised; formulation_candidates.csv: evidence points (weights in slogans.yaml)",
    "count": "tfidf_keywords.csv: occurrences of the term in the document; cooccurrence_*.csv: "
    "paragraphs containing both items",
    "comparison": "what is compared: a document, or a theme's paragraphs, against the rest",
    "group": "the target of the comparison",
    "freq_target": "term frequency in the target",
    "freq_ref": "term frequency in the rest (reference)",
    "log_ratio": "log2 of the relative-frequency ratio target / reference (Hardie 2014; 0.5 "
    "added to a zero count); > 0 = over-used in the target",
    "g2": "log-likelihood G² (Dunning 1993)",
    "p": "keyness.csv: p-value of G² (χ², 1 df); *_effects.csv: p-value of the estimate "
    "(composition: two-sided share of simulations across 0); group_comparison.csv: "
    "permutation / Kruskal–Wallis p-value",
    "q": "Benjamini–Hochberg adjusted p-value (false discovery rate) within the comparison "
    "(group_comparison.csv: across outcomes)",
    # themes over time
    "level": "administrative level from manifest.csv (theme_prevalence_by_level*.csv, "
    "slogan_first_by_level.csv, reuse_documents.csv, group_comparison.csv without a manifest "
    "level: the level inferred from the text, place_level, see level_source); "
    "*_effects.csv: the covariate's level (`per year` for year, the category compared with "
    "`reference`)",
    "level_source": "where the level comes from: `manifest` (manifest.csv's level column, used "
    "whenever any document has one) or `inferred from the text (place_level)`",
    "n_docs_without_level": "documents (near-duplicates excluded) without a level (no manifest "
    'level / no inferred place_level), left out (slogan_first_by_level.csv: level ""); the '
    "same on every row (group_comparison.csv: empty on region rows)",
    "n_with_theme": "documents with at least one hit of the theme",
    "prevalence": "themes over time: mean hits per 1,000 tokens (or share of documents with the "
    "theme, see measure); topics: the topic's share of all modelled tokens",
    "lo": "lower bound of the 95 % interval (seeded bootstrap over documents, or Wilson)",
    "hi": "upper bound of the 95 % interval",
    "measure": "per_1k_tokens (mean, bootstrap interval) or doc_share (Wilson interval)",
    # topics
    "weight": "topics.csv: P(term | topic); doc_topics.csv: the document's share of the topic "
    "(token-weighted mean over its paragraphs); topic_examples.csv: the unit's share",
    "relevance": "LDAvis relevance λ·log P(term | topic) + (1 − λ)·log lift, λ = 0.6 "
    "(Sievert & Shirley 2014)",
    "npmi": "cooccurrence_*.csv: normalised PMI of the pair over paragraphs, in [−1, 1], 0 = "
    "independent; topics: topic coherence: mean normalised PMI of the top-10 term pairs (boolean sliding "
    "windows of 10 tokens), in [−1, 1], higher = more coherent (Lau et al. 2014); "
    "topic_choice.csv: of the final model",
    "stopping": "how the final model's Gibbs sampling stopped: `fixed N` sweeps, "
    "or the convergence rule (relative change of log-likelihood per word over a block of sweeps "
    "below a tolerance; used on large corpora, see README)",
    "iterations_run": "iterations (Gibbs sweeps for tomotopy) the final model ran",
    "c_v": "topic coherence c_v (Röder et al. 2015; boolean sliding windows of 110 tokens, as "
    "gensim), in [0, 1], higher = more coherent",
    "u_mass": "topic coherence u_mass (Mimno et al. 2011; document co-occurrence), ≤ 0, closer "
    "to 0 = more coherent",
    "perplexity": "held-out document-completion perplexity on the 10 % of units left out of "
    "the sweep's fits; lower = better fit (blank when nothing was held out)",
    "diversity": "share of unique terms among all topics' top-25 terms (Dieng et al. 2020)",
    "sweep_npmi_mean": "mean NPMI of the chosen K across the sweep's seeds (fits with 10 % of "
    "units held out): the value the K rule used. It differs from `npmi`, which is the final "
    "model refitted on all units",
    "sweep_npmi_se": "standard error of that mean across seeds (sd / √n): the rule's margin",
    "k_searched": "the Ks of the sweep, e.g. `3–10`",
    "k_extended": "Ks swept beyond the edge of the range, space separated (empty when none)",
    "k_edge": "`upper` / `lower` when the best mean NPMI lies at an edge of the searched range "
    "after any extension, else empty",
    "k_note": "plain-language warning about the K choice (empty when the best K is inside the "
    "range)",
    "mean_stability": "mean over topics of `stability` (topic_stability.csv)",
    "n_units": "units (paragraphs) modelled",
    "n_terms": "vocabulary size after pruning",
    "n_units_sweep": "units in the K sweep (a seeded sample on a large corpus)",
    "top_terms": "the topic's top terms by P(term | topic)",
    "stability": "mean cosine similarity between the topic and its best match (Hungarian "
    "alignment) in the other runs named in `stability_runs`; 1 = identical",
    "min_cosine": "the worst of those matches",
    "mean_jaccard": "mean overlap (Jaccard) of the top-10 terms with the matched topics",
    "mean_jsd_sim": "mean 1 − Jensen–Shannon distance (base 2) to the matched topics",
    "n_runs": "runs compared, the reported model included",
    "stability_runs": "which runs the reported model was compared with for `stability`: by "
    "default the K sweep's own fits at the chosen K (other seeds, each on 90 % of the sweep's "
    'units: no extra fit), or refits on all units with other seeds (`stability="refit"`)',
    "n_seed_terms": "terms in the theme's lexicon",
    "n_seed_in_vocab": "of those, terms in the model's vocabulary",
    "seed_in_top": "lexicon terms among the topic's top 20 terms",
    "share_top_seed": "share of the topic's top 20 terms that are lexicon terms",
    "seed_recall_top": "share of in-vocabulary lexicon terms that reach the top 20",
    "seed_mass": "P(lexicon terms | topic); free topics: mass of all lexicon terms",
    "new_terms": "top terms not in the lexicon (candidates to read, or to add)",
    "spearman": "rank correlation of the topic's paragraph shares and the theme's hits",
    "precision": "share of paragraphs whose dominant topic is this one that have the theme as "
    "dominant theme",
    "recall": "share of paragraphs with the theme dominant whose dominant topic is this one",
    # inference and validation (analysis.measures.effects, groups, cooccurrence, validation)
    "outcome": "*_effects.csv, group_comparison.csv: the regressed outcome (theme id, or "
    "`<topic> <label>`)",
    "covariate": "document column the outcome is regressed on (`year`, `year (spline)`, `level` …)",
    "reference": "the category the estimate is compared with (the largest group); for a year "
    "spline, the first year",
    "estimate": "regression coefficient: change of the outcome per year, or difference from the "
    "reference group (spline: change from the first to the last year)",
    "ci_low": "lower bound of the 95 % interval (cluster-robust, or composition percentiles)",
    "ci_high": "upper bound of the 95 % interval",
    "se": "standard error of the estimate",
    "n": "documents used (effects: in the regression; group_comparison: in the tested groups)",
    "n_clusters": "clusters (regions) for cluster-robust errors (blank: no clustering)",
    "n_draws": "versions of the outcome pooled by the method of composition (1 = plain OLS)",
    "method": "`ols` or `composition (…)` (topic-model uncertainty carried into the regression)",
    "note": "why a number is missing or needs care (e.g. `not applicable (n = 2)`, HC1 errors "
    "with few clusters, a group inside one cluster)",
    "by": "the document column whose groups are compared",
    "mean": "mean of the outcome in the group",
    "median": "median of the outcome in the group",
    "test": "`permutation` (between-group sum of squares) or `kruskal` (Kruskal–Wallis)",
    "statistic": "test statistic (between-group sum of squares, or H)",
    "docs_target": "keyness.csv: documents of the target group that use the term",
    "docs_ref": "keyness.csv: documents outside the target group that use the term",
    "max_doc_share": "keyness.csv: share of the target's count from its single largest document",
    "dispersed": "keyness.csv: ≥ 2 target documents use the term and none holds > 80 % of its "
    "count (a per-report comparison is never dispersed by construction)",
    "item_a": "first item of the pair (term or theme id)",
    "item_b": "second item of the pair",
    "n_a": "paragraphs containing item_a",
    "n_b": "paragraphs containing item_b",
    "jaccard": "paragraphs with both / paragraphs with either",
    "item_id": "coding sheets: item id (keep it; `validate` matches coders by it)",
    "task": "coding sheets: `theme`, `slogan` or `intrusion`",
    "region": "region from manifest.csv (province or city)",
    "assigned": "coding sheets: 1 = the lexicon assigns the paragraph to `theme`, 0 = it does not",
    "code": "coding sheets: the coder's judgement (1/0; for intrusion the intruding word); "
    "empty to fill",
    "comment": "coding sheets: free text for the coder",
    # text reuse and diffusion (analysis.measures.reuse, diffusion)
    "time_basis": "what orders documents in time: report `date`, else `year`, else none",
    "reused_chars_earlier": "characters of the document also found in earlier documents",
    "share_earlier": "reused_chars_earlier / the document's characters",
    "n_earlier_docs": "earlier documents it shares text with",
    "reused_chars_any": "characters shared with any other document, earlier or later",
    "share_any": "reused_chars_any / the document's characters",
    "n_partner_docs": "documents it shares text with",
    "doc_a": "reuse pair: the earlier (or first) document",
    "doc_b": "reuse pair: the later (or second) document",
    "start_a": "start offset of the passage in doc_a's text (paragraphs joined with newlines)",
    "end_a": "end offset in doc_a",
    "start_b": "start offset in doc_b",
    "end_b": "end offset in doc_b",
    "similarity": "share of aligned characters that are identical (1 = verbatim)",
    "text_a": "the passage in doc_a, original script",
    "text_b": "the passage in doc_b, original script",
    "direction": "`a->b` when doc_a is earlier, `unknown` without dates or years",
    "direction_basis": "`date`, `year` or `none`: what the direction rests on",
    "para_a": "paragraph of doc_a where the passage starts",
    "para_b": "paragraph of doc_b where the passage starts",
    "template_id": "template passage id (spans of the same recurring passage share it)",
    "max_docs": "most documents any shingle of the span recurs in",
    "first_doc": "earliest document using the slogan / template",
    "new_regions": "regions using the slogan for the first time that year",
    "cum_regions": "regions that have used the slogan by that year",
    "regions_reporting": "regions with a report that year",
    "share_regions": "cum_regions / all regions of the corpus",
    "share_of_adopters": "cum_regions / regions that ever use the slogan",
    "first_year": "year of the first document using it",
    "first_date": "date of the first document using it (blank: year labels only)",
    "first_region": "region of the first document",
    "first_level": "level of the first document (manifest `level` only; blank without one)",
    "n_regions": "regions that use the slogan",
    "n_docs_dated": "documents using it that have a date or year",
    "last_year": "year of the last document using it",
    "years_to_half": "years from first use until half of its eventual regions used it",
    "docs_per_year": "documents using it per year (`year:n`, `|`-separated)",
    "regions_per_year": "regions using it per year (`year:n`, `|`-separated)",
    "date_source": "`date` (report dates) or `year` (year labels): what the years come from",
}


def column_glossary(
    csv_files: list[str | Path], *, theme_ids: set[str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """The glossary entries for the columns of ``csv_files`` (read from their headers).

    Columns named by a theme id (``paragraph_themes.csv``) and by a document id
    (``similarity.csv``) are explained once each, as groups.

    Returns:
        ``(DataFrame[column, meaning, tables], unexplained)`` — ``tables`` lists the files a
        column appears in; ``unexplained`` names ``file:column`` pairs without an entry.
    """
    seen: dict[str, list[str]] = {}
    unexplained = []
    for f in csv_files:
        p = Path(f)
        if p.suffix != ".csv" or not p.exists():
            continue
        header = list(pd.read_csv(p, nrows=0).columns)
        if p.name == "similarity.csv":
            seen.setdefault("<doc_id> columns", []).append(p.name)
            header = header[:1]
        for col in header:
            if theme_ids and col in theme_ids and p.name == "paragraph_themes.csv":
                key = "<theme id> columns"
            elif col in COLUMN_GLOSSARY:
                key = col
            else:
                unexplained.append(f"{p.name}:{col}")
                continue
            if p.name not in seen.setdefault(key, []):
                seen[key].append(p.name)
    groups = {
        "<doc_id> columns": "similarity.csv: cosine similarity of the two documents' TF-IDF "
        "vectors (1 = same term profile); near-duplicates included",
        "<theme id> columns": "paragraph_themes.csv: hits of that theme in the paragraph",
    }
    rows = [
        {"column": c, "meaning": groups.get(c) or COLUMN_GLOSSARY[c], "tables": ", ".join(t)}
        for c, t in seen.items()
    ]
    return pd.DataFrame(rows, columns=["column", "meaning", "tables"]), unexplained
