"""Topic models with a backend-independent result: fit, choose K, stability, seeded, interpret.

    >>> from analysis.topics import fit_topics, topic_terms
    >>> res = fit_topics(units, k=6, backend="tomotopy", seed=1)
    >>> topic_terms(res, n=10, lambda_=0.6)

Heavy libraries (gensim, tomotopy, scikit-learn) are imported inside functions, so importing
this package stays fast and has no side effects.
"""

from __future__ import annotations

from .backends import BACKENDS, DEFAULT_BACKEND, fit_topics
from .bow import Bow, build_bow
from .coherence import topic_metrics
from .html import topic_html
from .interpret import representative_units, term_relevance, topic_terms, word_intrusion
from .pipeline import run_topic_analysis, topic_units
from .result import TopicResult, doc_topics, topic_table
from .seeded import fit_seeded_topics, seed_prior, seeded_topic_report
from .select import choose_k, k_summary, select_k
from .stability import align_topics, stability_from_results, topic_stability

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "Bow",
    "TopicResult",
    "align_topics",
    "build_bow",
    "choose_k",
    "doc_topics",
    "fit_seeded_topics",
    "fit_topics",
    "k_summary",
    "representative_units",
    "run_topic_analysis",
    "seed_prior",
    "seeded_topic_report",
    "select_k",
    "stability_from_results",
    "term_relevance",
    "topic_html",
    "topic_metrics",
    "topic_stability",
    "topic_table",
    "topic_terms",
    "topic_units",
    "word_intrusion",
]
