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
from analysis.study import Study

from .plots_corpus import plot_corpus_overview
from .plots_keywords import plot_similarity, plot_tfidf_terms
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
    "topic diversity for each backend across K, one dot per seed; dashed line = chosen K; a "
    "note under the panels when the best K lies at the edge of the searched range.",
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
    "Theme prevalence by administrative level (from the manifest's level column), with 95% "
    "intervals and the reports per level; years pooled when a level has too few reports per "
    "year; not applicable (n = …) when fewer than two levels have 3 or more reports.",
    inputs=["prevalence_by_level", "theme_labels"],
    title="Themes by administrative level",
)
def themes_by_level(ctx: Study, *, ax=None) -> Figure:
    labels = {t: zh or theme_label(t, None) for t, (_, zh) in ctx.theme_labels.items()}
    overall = ctx.prevalence.get("theme_prevalence_by_level_overall")
    fig = plot_prevalence_by_level(ctx.prevalence_by_level, labels=labels, overall=overall, ax=ax)
    return _to_width(fig, ax)


def _to_width(fig: Figure, ax) -> Figure:
    """Scale a figure to the paper's full width (keeping its aspect ratio)."""
    if ax is None:
        w, h = fig.get_size_inches()
        fig.set_size_inches(FULL_WIDTH, h * FULL_WIDTH / w)
    return fig


# ---------------------------------------------------------------------------------- tables


@register_table(
    "corpus",
    "documents.csv, paragraphs.csv, quality.csv: the cleaned corpus and what cleaning did "
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
    "theme_scores.csv (hits, hits per 1,000 tokens and share per document and theme) and "
    "paragraph_themes.csv (theme hits and dominant theme of every paragraph).",
    inputs=["theme_scores", "paragraph_themes"],
)
def theme_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(
        {"theme_scores": ctx.theme_scores, "paragraph_themes": ctx.paragraph_themes}, tables_dir
    )


@register_table(
    "slogans",
    "slogans.csv (every slogan with kind, documents, mentions, variants, example) and "
    "slogan_mentions.csv (every mention with its offsets: the evidence).",
    inputs=["slogans", "slogan_mentions"],
)
def slogan_tables(ctx: Study, tables_dir: Path) -> list[Path]:
    return _write_frames(
        {"slogans": ctx.slogans, "slogan_mentions": ctx.slogan_mentions}, tables_dir
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
    "no dates / no level metadata).",
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
