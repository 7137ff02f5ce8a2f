"""Topic models with a backend-independent result: fit, choose K, stability, seeded, interpret.

Heavy libraries (gensim, tomotopy, scikit-learn) are imported inside functions, so importing
this package stays fast.
"""

from __future__ import annotations

from .backends import BACKENDS, DEFAULT_BACKEND, fit_topics
from .bow import Bow, build_bow
from .result import TopicResult, doc_topics, topic_table

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "Bow",
    "TopicResult",
    "build_bow",
    "doc_topics",
    "fit_topics",
    "topic_table",
]
