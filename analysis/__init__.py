"""analysis: topics, themes and recurring slogans in Chinese local-government reports.

``import analysis as an`` gives the public verbs; heavy modules are imported lazily on first use,
so importing the package has no side effects and is fast.

    >>> import analysis as an
    >>> corpus = an.load_corpus()                 # data/raw by default
    >>> corpus.documents[["doc_id", "title", "place", "date"]]
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> defining module (relative). The verbs stay flat on purpose (quanteda-style verb
# families) while the modules are grouped by stage: corpus/, text/, measures/, topics/, figures/, scale/.
_API: dict[str, str] = {
    # corpus_*
    "Corpus": "corpus.build",
    "load_corpus": "corpus.build",
    "analysis_paragraphs": "corpus.build",
    "read_raw_file": "corpus.io",
    "list_raw_files": "corpus.io",
    "write_corpus_tables": "corpus.build",
    "clean_text": "corpus.clean",
    "paragraph_points": "corpus.structure",
    "infer_place": "corpus.places",
    "read_gazetteer": "corpus.gazetteer",
    "detect_title": "corpus.meta",
    # tokens_*
    "load_genre_profiles": "corpus.genre",
    "paragraph_roles": "corpus.genre",
    "genre_evidence": "corpus.genre",
    "corpus_genres": "corpus.genre",
    "genre_generic_words": "corpus.genre",
    "TokenizerOptions": "text.tokens",
    "tokenize": "text.tokens",
    "unit_tokens": "text.tokens",
    "vocabulary": "text.vocab",
    "collocations": "text.vocab",
    "candidate_words": "text.vocab",
    # themes / slogans / kwic
    "load_themes": "measures.themes",
    "theme_scores": "measures.themes",
    "paragraph_themes": "measures.themes",
    "theme_sample": "measures.themes",
    "theme_hits": "measures.themes",
    "extract_slogans": "measures.slogans",
    "slogan_mentions": "measures.slogans",
    "load_slogan_patterns": "measures.slogans",
    "discover_formulations": "measures.slogans",
    "quoted_candidates": "measures.slogans",
    "slogan_evidence": "measures.slogans",
    "normalise_slogan": "measures.slogans",
    "kwic": "measures.concordance",
    # reuse and diffusion
    "text_reuse": "measures.reuse",
    "ReuseOptions": "measures.reuse",
    "reuse_documents": "measures.reuse",
    "template_spans": "measures.reuse",
    "reuse_templates": "measures.reuse",
    "mask_templates": "measures.reuse",
    "document_texts": "measures.reuse",
    "slogan_diffusion": "measures.diffusion",
    "adoption_curves": "measures.diffusion",
    "first_appearance_by_level": "measures.diffusion",
    "term_mentions": "measures.diffusion",
    # keywords
    "tfidf_keywords": "measures.keywords",
    "doc_similarity": "measures.keywords",
    "keyness": "measures.keywords",
    "keyness_by_group": "measures.keywords",
    # inference and validation
    "estimate_effects": "measures.effects",
    "theme_outcomes": "measures.effects",
    "topic_outcomes": "measures.effects",
    "topic_outcome_draws": "measures.effects",
    "compare_groups": "measures.groups",
    "keyness_dispersion": "measures.groups",
    "term_cooccurrence": "measures.cooccurrence",
    "theme_cooccurrence": "measures.cooccurrence",
    "theme_coding_sheet": "measures.validation",
    "slogan_coding_sheet": "measures.validation",
    "intrusion_coding_sheet": "measures.validation",
    "write_coding_sheet": "measures.validation",
    "read_coding_sheet": "measures.validation",
    "validate_sheets": "measures.validation",
    "train_word2vec": "text.embeddings",
    "similar_terms": "text.embeddings",
    # topics
    "fit_dmr": "topics.dmr",
    "TopicResult": "topics",
    "fit_topics": "topics",
    "topic_terms": "topics",
    "select_k": "topics",
    "topic_stability": "topics",
    "fit_seeded_topics": "topics",
    "representative_units": "topics",
    "topic_html": "topics",
    "run_topic_analysis": "topics",
    "topic_units": "topics",
    "word_intrusion": "topics",
    # the pipeline object
    "Study": "study",
    "StudyOptions": "options",
    "Lexicons": "options",
    "DEFAULT_SEED": "options",
    # figures
    "use_cjk_font": "fonts",
    "FIGURES": "figures",
    "make_figure": "figures",
    "FigureContext": "figures",
    "build_all": "figures",
    # your own lexicons and plots (accept the lexicon DataFrame of load_themes directly)
    "theme_labels": "figures.plots_themes",
    "theme_label": "figures.style",
    "plot_theme_profile": "figures.plots_themes",
    "plot_theme_position": "figures.plots_themes",
    "plot_slogan_matrix": "figures.plots_themes",
    "use_style": "figures.style",
    "save_figure": "figures.save",
    # tables: one writer, a reader that keeps ids as text, the Excel workbook
    "read_table": "tables",
    "write_table": "tables",
    "write_workbook": "tables",
}

__all__ = sorted(_API)


def __getattr__(name: str):  # PEP 562 lazy attributes
    if name in _API:
        module = importlib.import_module(f".{_API[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
