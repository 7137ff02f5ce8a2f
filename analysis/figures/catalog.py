"""Every registered figure and table: a thin function from the context to a plot or a file.

The plotting itself lives in the ``plots_*`` modules (pure functions of DataFrames), so a
notebook can call either ``make_figure("theme_profile", study)`` or
``plot_theme_profile(my_scores, labels)`` on its own data.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from analysis.atomic import atomic_write
from analysis.corpus.build import write_corpus_tables
from analysis.study import NotApplicable, Study

from .plots_corpus import plot_corpus_overview
from .plots_inference import plot_cooccurrence_network, plot_effects
from .plots_keywords import plot_similarity, plot_tfidf_terms
from .plots_reuse import (
    plot_adoption_curves,
    plot_first_appearance,
    plot_reuse_network,
    plot_reuse_share,
)
from .plots_themes import plot_slogan_matrix, plot_theme_position, plot_theme_profile
from .plots_time import plot_prevalence_by_level, plot_prevalence_by_year
from .plots_topics import (
    plot_doc_topics,
    plot_k_selection,
    plot_seeded_topics,
    plot_topic_stability,
    plot_topic_terms,
    theme_mass,
    topic_names,
)
from .registry import register, register_table
from .save import write_table
from .style import FULL_WIDTH, theme_label

# --------------------------------------------------------------------------------- figures


@register(
    "corpus_overview",
    "Length of every document after cleaning, coloured by script (Simplified/Traditional), "
    "near-duplicates hatched; right: what cleaning removed or flagged in each document (the quality table).",
    inputs=["documents", "quality"],
    title="Corpus overview",
)
def corpus_overview(ctx: Study, *, ax=None) -> Figure:
    return plot_corpus_overview(ctx.documents, ctx.quality, ax=ax)


@register(
    "tfidf_terms",
    "The most distinctive terms of each document (TF-IDF), one panel per document.",
    inputs=["tfidf_keywords", "analysed_documents"],
    title="Distinctive terms per document",
    multi_panel=True,
)
def tfidf_terms(ctx: Study, *, ax=None) -> Figure:
    return plot_tfidf_terms(ctx.tfidf_keywords, ctx.analysed_documents)


@register(
    "doc_similarity",
    "Cosine similarity between the TF-IDF vectors of every pair of documents; near-duplicate "
    "pairs (kept out of the analysis) are boxed.",
    inputs=["similarity", "documents"],
    title="Document similarity",
)
def doc_similarity(ctx: Study, *, ax=None) -> Figure:
    return plot_similarity(ctx.similarity, ctx.documents, ax=ax)


@register(
    "slogan_matrix",
    "Recurring slogans (提法: quoted expressions, numbered formulas, fixed phrases found in two "
    "or more documents) and how often each document uses them.",
    inputs=["slogans", "slogan_counts", "analysed_documents"],
    title="Recurring slogans",
)
def slogan_matrix(ctx: Study, *, ax=None) -> Figure:
    return plot_slogan_matrix(ctx.slogans, ctx.slogan_counts, ctx.analysed_documents, ax=ax)


@register(
    "theme_profile",
    "How strongly each document speaks of each theme of themes.yaml: lexicon hits per 1,000 "
    "tokens.",
    inputs=["theme_scores", "theme_labels", "analysed_documents"],
    title="Theme profile per document",
)
def theme_profile(ctx: Study, *, ax=None) -> Figure:
    return plot_theme_profile(ctx.theme_scores, ctx.theme_labels, ctx.analysed_documents, ax=ax)


@register(
    "theme_position",
    "Where themes appear inside a report: each paragraph coloured by its dominant theme in "
    "reading order, and the share of each theme's hits in each fifth of the reports.",
    inputs=["paragraph_themes", "theme_labels", "paragraphs", "analysed_documents"],
    title="Where themes appear inside a report",
    multi_panel=True,
)
def theme_position(ctx: Study, *, ax=None) -> Figure:
    return plot_theme_position(
        ctx.paragraph_themes, ctx.theme_labels, ctx.paragraphs, ctx.analysed_documents
    )


@register(
    "k_selection",
    "Choosing the number of topics K: NPMI, c_v and u_mass coherence, held-out perplexity and "
    "topic diversity for each backend across K, one dot per seed, bars = mean ± 1 standard error "
    "across seeds; dashed line = chosen K, the smallest K whose mean NPMI is within one standard "
    "error of the best mean (fits with 10 % of paragraphs held out for perplexity); a note under "
    "the panels when the best K lies at the edge of the searched range.",
    inputs=["k_selection", "chosen_k", "topic_choice"],
    title="Choosing K",
    multi_panel=True,
)
def k_selection(ctx: Study, *, ax=None) -> Figure:
    choice = ctx.topic_choice
    note = str(choice["k_note"].fillna("").iloc[0]) if "k_note" in choice and len(choice) else ""
    return plot_k_selection(ctx.k_selection, chosen_k=ctx.chosen_k, note=note)


@register(
    "topic_terms",
    "Top terms of each topic of the chosen model (paragraphs as units), by P(term | topic).",
    inputs=["topic_model", "topic_terms"],
    title="Top terms per topic",
    multi_panel=True,
)
def topic_terms(ctx: Study, *, ax=None) -> Figure:
    model = ctx.topic_model
    title = f"{model.backend} LDA, K = {model.k}, seed {model.seed}"
    return plot_topic_terms(ctx.topic_terms, title=title)


@register(
    "doc_topics",
    "Share of each document's text that the chosen model assigns to each topic.",
    inputs=["doc_topics", "topic_terms", "analysed_documents"],
    title="Documents × topics",
)
def doc_topics(ctx: Study, *, ax=None) -> Figure:
    return plot_doc_topics(
        ctx.doc_topics, topic_names(ctx.topic_terms), ctx.analysed_documents, ax=ax
    )


@register(
    "topic_stability",
    "How reproducible each topic is: re-fitted with other seeds, matched to the reference "
    "topics (Hungarian matching), similarity of the matched topics.",
    inputs=["topic_stability", "topic_terms"],
    title="Topic stability across seeds",
)
def topic_stability(ctx: Study, *, ax=None) -> Figure:
    return plot_topic_stability(ctx.topic_stability, topic_names(ctx.topic_terms), ax=ax)


@register(
    "seeded_topics",
    "Topics seeded from the theme lexicons: probability mass each seeded topic puts on its "
    "theme's terms, against the best-matching topic of the unseeded model, with the seeded "
    "topic's top terms that the lexicon lacks.",
    inputs=["seeded_report", "topic_model", "themes", "theme_labels"],
    title="Seeded topics vs theme lexicons",
    multi_panel=True,
)
def seeded_topics(ctx: Study, *, ax=None) -> Figure:
    model = ctx.topic_model
    free = theme_mass(model.topic_word, model.vocab, ctx.themes)
    return plot_seeded_topics(ctx.seeded_report, free, ctx.theme_labels)


@register(
    "themes_by_year",
    "Theme prevalence by year (hits per 1,000 tokens, mean over the year's reports with a "
    "bootstrap 95% interval), panels on one y scale; years with fewer than 3 reports are left "
    "out and named, and with fewer than two such years the figure says not applicable (n = …).",
    inputs=["prevalence_by_year", "theme_labels"],
    title="Themes over time",
)
def themes_by_year(ctx: Study, *, ax=None) -> Figure:
    # one small panel per theme: the Chinese label fits a panel title at paper width
    labels = {t: zh or theme_label(t, None) for t, (_, zh) in ctx.theme_labels.items()}
    return _to_width(plot_prevalence_by_year(ctx.prevalence_by_year, labels=labels, ax=ax), ax)


@register(
    "themes_by_level",
    "Theme prevalence by administrative level (the manifest's level column, or else the level "
    "inferred from the text, place_level: the title says which and how many reports had none), "
    "with 95% intervals and the reports per level; years pooled when a level has too few "
    "reports per year; not applicable (n = …) when fewer than two levels have 3 or more reports.",
    inputs=["prevalence_by_level", "theme_labels"],
    title="Themes by administrative level",
)
def themes_by_level(ctx: Study, *, ax=None) -> Figure:
    labels = {t: zh or theme_label(t, None) for t, (_, zh) in ctx.theme_labels.items()}
    overall = ctx.prevalence.get("theme_prevalence_by_level_overall")
    fig = plot_prevalence_by_level(ctx.prevalence_by_level, labels=labels, overall=overall, ax=ax)
    return _to_width(fig, ax)


@register(
    "theme_effects",
    "Effects of year (per year) and administrative level (against the largest level) on theme "
    "rates (hits per 1,000 tokens): OLS per theme with 95% intervals, errors clustered by region; "
    "needs year/level metadata.",
    inputs=["theme_effects", "theme_labels"],
    title="Effects on theme rates",
)
def theme_effects(ctx: Study, *, ax=None) -> Figure:
    effects = ctx.theme_effects
    if effects["estimate"].isna().all():
        notes = effects["note"].dropna().astype(str)
        raise NotApplicable(notes.iloc[0] if len(notes) else "no estimable effect")
    return plot_effects(effects, labels=ctx.theme_labels, ax=ax)


@register(
    "cooccurrence_network",
    "Terms written about in the same paragraphs: the 60 most frequent pairs with NPMI ≥ 0.1 among the 200 "
    "most widespread terms (generic words removed); node size = paragraphs using the term.",
    inputs=["cooccurrence_terms"],
    title="Term co-occurrence",
)
def cooccurrence_network(ctx: Study, *, ax=None) -> Figure:
    return plot_cooccurrence_network(ctx.cooccurrence_terms, seed=ctx.seed, ax=ax)


@register(
    "reuse_network",
    "Text reuse network: documents as nodes (regions when there are too many to read), edges "
    "weighted by the characters of shared passages, coloured by level, region or year.",
    inputs=["reuse_pairs", "documents"],
    title="Text reuse network",
)
def reuse_network(ctx: Study, *, ax=None) -> Figure:
    return plot_reuse_network(ctx.reuse_pairs, ctx.documents, seed=ctx.seed, ax=ax)


@register(
    "reuse_share",
    "Share of each report's text also found in earlier reports, by year and by administrative "
    "level (groups of fewer than 3 reports: not applicable); the level is the manifest's, else "
    "inferred from the text (place_level), as the panel title says.",
    inputs=["reuse_documents"],
    title="Reuse share by year and level",
    multi_panel=True,
)
def reuse_share(ctx: Study, *, ax=None) -> Figure:
    return plot_reuse_share(ctx.reuse_documents)


@register(
    "slogan_adoption",
    "Adoption curves: cumulative share of regions that have used each of the most widespread "
    "slogans, by year (report date, else year label).",
    inputs=["slogan_adoption", "slogan_diffusion"],
    title="Slogan adoption curves",
)
def slogan_adoption(ctx: Study, *, ax=None) -> Figure:
    return plot_adoption_curves(ctx.slogan_adoption, ctx.slogan_diffusion, ax=ax)


@register(
    "slogan_first_appearance",
    "The year each of the most widespread slogans first appears at each administrative level "
    "(the manifest's, else inferred from the text, place_level, as the title says).",
    inputs=["slogan_first_by_level", "slogan_diffusion"],
    title="First appearance of slogans by level",
)
def slogan_first_appearance(ctx: Study, *, ax=None) -> Figure:
    return plot_first_appearance(ctx.slogan_first_by_level, ctx.slogan_diffusion, ax=ax)


def _to_width(fig: Figure, ax) -> Figure:
    """Scale a figure to the paper's full width (keeping its aspect ratio)."""
    if ax is None:
        w, h = fig.get_size_inches()
        fig.set_size_inches(FULL_WIDTH, h * FULL_WIDTH / w)
    return fig


# ---------------------------------------------------------------------------------- tables


@register_table(
    "corpus",
    "documents.csv, paragraphs.csv, quality.csv: the cleaned corpus and what cleaning did; "
    "removed_lines.csv: every line cleaning dropped (file, line number, rule, text); "
    "boilerplate.csv: lines recurring across documents and whether each was removed "
    "(written by analysis.corpus).",
    inputs=["corpus"],
)
def corpus_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    written = write_corpus_tables(ctx.corpus, tables_dir)
    return [Path(p) for p in (written.values() if isinstance(written, dict) else written)]


def _write_frames(frames: dict[str, object], tables_dir: Path) -> list[Path]:
    return [write_table(frame, tables_dir / f"{name}.csv") for name, frame in frames.items()]


@register_table(
    "themes",
    "theme_scores.csv (hits, hits per 1,000 tokens and share per document and theme, with the "
    "bilingual theme_label) and paragraph_themes.csv (theme hits and dominant theme of every "
    "paragraph, with its dominant_label).",
    inputs=["theme_scores", "paragraph_themes", "theme_labels"],
)
def theme_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    labels = {t: theme_label(t, ctx.theme_labels) for t in ctx.theme_labels}
    scores = ctx.theme_scores.copy()
    scores.insert(
        list(scores.columns).index("theme") + 1,
        "theme_label",
        scores["theme"].astype(str).map(labels).fillna(""),
    )
    para = ctx.paragraph_themes.copy()
    if "dominant_theme" in para.columns:
        para.insert(
            list(para.columns).index("dominant_theme") + 1,
            "dominant_label",
            para["dominant_theme"].astype(str).map(labels).fillna(""),
        )
    return _write_frames({"theme_scores": scores, "paragraph_themes": para}, tables_dir)


@register_table(
    "slogans",
    "slogans.csv (every slogan with kind, documents, mentions, variants, example, evidence), "
    "slogan_mentions.csv (every mention with its offsets: the evidence), quoted_candidates.csv "
    "and formulation_candidates.csv (every candidate with its evidence, accepted or why not).",
    inputs=["slogans", "slogan_mentions", "quoted_candidates", "formulation_candidates"],
)
def slogan_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(
        {
            "slogans": ctx.slogans,
            "slogan_mentions": ctx.slogan_mentions,
            "quoted_candidates": ctx.quoted_candidates,
            "formulation_candidates": ctx.formulation_candidates,
        },
        tables_dir,
    )


@register_table(
    "vocabulary",
    "vocabulary.csv: every token with its frequency and document frequency.",
    inputs=["vocabulary"],
)
def vocabulary_table(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames({"vocabulary": ctx.vocabulary}, tables_dir)


@register_table(
    "keywords",
    "tfidf_keywords.csv (top TF-IDF terms per document), similarity.csv (document × document "
    "cosine, near-duplicates included as in the figure) and keyness.csv (each report, and each "
    "theme's paragraphs, against the rest: log ratio, G², BH q).",
    inputs=["tfidf_keywords", "similarity", "keyness"],
)
def keyword_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(
        {
            "tfidf_keywords": ctx.tfidf_keywords,
            "similarity": ctx.similarity,
            "keyness": ctx.keyness,
        },
        tables_dir,
    )


@register_table(
    "timeseries",
    "theme_prevalence_by_year.csv and theme_prevalence_by_level.csv (empty when the corpus has "
    "no dates / no level, from the manifest or inferred from the text; level_source says which).",
    inputs=["prevalence"],
)
def timeseries_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(dict(ctx.prevalence), tables_dir)


@register_table(
    "topics",
    "topic_k_selection.csv, topics.csv, doc_topics.csv, topic_stability.csv, topic_examples.csv, "
    "seeded_topics.csv, topic_choice.csv, and the offline interactive view ../topics.html.",
    inputs=["topic_analysis"],
)
def topic_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    ta = ctx.topic_analysis
    names = (
        "topic_k_selection",
        "topic_choice",
        "topics",
        "doc_topics",
        "topic_stability",
        "topic_examples",
        "seeded_topics",
    )
    frames = {n: ta[n] for n in names}
    # wall-clock fit times would make the table differ between identical runs
    frames["topic_k_selection"] = frames["topic_k_selection"].drop(
        columns=["fit_seconds"], errors="ignore"
    )
    written = _write_frames(frames, tables_dir)
    html = tables_dir.parent / "topics.html"
    atomic_write(html, ta["topics_html"])
    return [*written, html]


@register_table(
    "effects",
    "theme_effects.csv and topic_effects.csv (outcome, covariate, level, reference, estimate, "
    "ci_low, ci_high, se, p, n, n_clusters, n_draws, method, note): theme rates and topic shares "
    "regressed on year and level; topic effects carry topic-model uncertainty (method of "
    "composition over 20 posterior draws).",
    inputs=["theme_effects", "topic_effects"],
)
def effect_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(
        {"theme_effects": ctx.theme_effects, "topic_effects": ctx.topic_effects}, tables_dir
    )


@register_table(
    "group_comparison",
    "group_comparison.csv: theme rates between the levels / regions of the documents "
    "(n_docs, mean, median per group; permutation test, p, BH q; groups with < 3 documents "
    "excluded and named); level from the manifest, else inferred from the text (level_source).",
    inputs=["group_comparison"],
)
def group_comparison_table(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames({"group_comparison": ctx.group_comparison}, tables_dir)


@register_table(
    "cooccurrence",
    "cooccurrence_terms.csv and cooccurrence_themes.csv: pairs within paragraphs with count, "
    "n_a, n_b, n_units, NPMI and Jaccard.",
    inputs=["cooccurrence_terms", "cooccurrence_themes"],
)
def cooccurrence_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(
        {
            "cooccurrence_terms": ctx.cooccurrence_terms,
            "cooccurrence_themes": ctx.cooccurrence_themes,
        },
        tables_dir,
    )


@register_table(
    "coding",
    "theme_coding.csv, slogan_coding.csv, intrusion_coding.csv: seeded coding sheets for human "
    "validation (fill `code`, then `python -m analysis validate`); `python -m analysis coding` "
    "writes them as .xlsx.",
    inputs=["coding_sheets"],
)
def coding_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(dict(ctx.coding_sheets), tables_dir)


@register_table(
    "lexicon_suggestions",
    "lexicon_suggestions.csv: per theme, corpus terms closest to its lexicon by word2vec "
    "(similarity, frequency, document frequency, a KWIC line); read them before adding any.",
    inputs=["lexicon_suggestions"],
)
def lexicon_suggestion_table(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames({"lexicon_suggestions": ctx.lexicon_suggestions}, tables_dir)


@register_table(
    "reuse",
    "reuse_pairs.csv (shared passages with offsets and texts in both documents, direction), "
    "reuse_documents.csv (share of each document found in earlier ones), reuse_templates.csv "
    "and reuse_template_spans.csv (passages recurring in >= 5 documents).",
    inputs=["reuse_pairs", "reuse_documents", "reuse_templates", "template_spans"],
)
def reuse_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(
        {
            "reuse_pairs": ctx.reuse_pairs,
            "reuse_documents": ctx.reuse_documents,
            "reuse_templates": ctx.reuse_templates,
            "reuse_template_spans": ctx.template_spans,
        },
        tables_dir,
    )


@register_table(
    "diffusion",
    "slogan_diffusion.csv (first appearance, regions, years to half of the adopters, date "
    "source), slogan_adoption.csv (cumulative adoption by year) and slogan_first_by_level.csv.",
    inputs=["slogan_diffusion", "slogan_adoption", "slogan_first_by_level"],
)
def diffusion_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(
        {
            "slogan_diffusion": ctx.slogan_diffusion,
            "slogan_adoption": ctx.slogan_adoption,
            "slogan_first_by_level": ctx.slogan_first_by_level,
        },
        tables_dir,
    )
