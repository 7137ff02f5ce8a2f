"""Topic models with a backend-independent result: fit, choose K, stability, seeded, interpret.

    >>> from analysis.topics import topic_units, fit_topics, topic_terms, run_topic_analysis
    >>> units = topic_units(paragraphs)                      # paragraphs, generic words removed
    >>> res = fit_topics(units, k=6, backend="tomotopy", seed=1)
    >>> topic_terms(res, n=10, lambda_=0.6)                  # LDAvis relevance
    >>> out = run_topic_analysis(units, paragraphs, seed=1, themes=load_themes())

Methods, in the words a methods section needs (each choice is an argument):

* **Units** -- paragraphs (``"{doc_id}#{para_id}"``) by default, documents as an option;
  near-duplicate documents are excluded upstream; one bag of words (:func:`build_bow`:
  terms in ≥ 2 units and ≤ 50 % of units) is shared by every backend and metric.
* **Model** -- LDA with priors α = 0.1, η = 0.01 (symmetric; tomotopy re-estimates an
  asymmetric α every 10 sweeps, its own default, except on a large corpus where α stays
  fixed: ``fit_topics(learn_alpha=...)``); tomotopy (collapsed Gibbs, 1,000
  sweeps) by default because it gave the highest NPMI at the lowest fit time on both the
  bundled reports and 874 government work reports (``python -m analysis bench topics``);
  gensim and scikit-learn (variational Bayes) give the same :class:`TopicResult`.
* **Metrics** (:mod:`.coherence`) -- NPMI (10-token windows) and c_v (110-token windows) as in
  gensim/Röder et al. 2015, u_mass, topic diversity (unique share of top-25 terms), held-out
  document-completion perplexity (10 % of units, folded in from ``topic_word`` alone).
* **K** (:mod:`.select`) -- sweep K over seeds; the smallest K within one standard error of
  the best mean NPMI.
* **Stability** (:mod:`.stability`) -- refits with further seeds, topics matched to the
  reported model by the Hungarian algorithm on cosine similarity; mean matched cosine.
* **Seeded topics** (:mod:`.seeded`) -- one topic per theme lexicon via topic-term priors,
  plus free topics; reported with seed-term mass, top-term overlap and paragraph agreement.
* **Reading** (:mod:`.interpret`, :mod:`.html`) -- relevance-ranked terms (λ = 0.6), the most
  representative paragraphs in the original script, word-intrusion items, an offline view.

Heavy libraries (gensim, tomotopy, scikit-learn) are imported inside functions, so importing
this package stays fast and has no side effects.
"""

from __future__ import annotations

from .backends import BACKENDS, DEFAULT_BACKEND, fit_topics
from .bow import Bow, bow_from_tokens, build_bow
from .coherence import topic_metrics
from .engines import DEFAULT_CONVERGENCE, Convergence
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
    "DEFAULT_CONVERGENCE",
    "Bow",
    "Convergence",
    "TopicResult",
    "align_topics",
    "bow_from_tokens",
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
