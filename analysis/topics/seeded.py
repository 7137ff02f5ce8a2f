"""Seeded topics: theme lexicons as word priors, plus free topics.

Each theme gets one topic. Its seed terms receive a strong topic-term prior ``seed_eta`` on that
topic and a near-zero prior ``off_eta`` on every other topic (the "seeded LDA" of Jagarlamudi
et al. 2012 in its prior-only form, as in tomotopy's ``set_word_prior``; for gensim the same
(k, V) ``eta`` matrix). All other terms keep the symmetric ``eta``. ``n_free`` unseeded topics
catch what the lexicons do not cover. Seed terms that are not in the modelled vocabulary (pruned
or never segmented as one token) cannot be seeded; the report counts them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .backends import DEFAULT_ETA, fit_topics
from .bow import Bow, build_bow
from .result import TopicResult

Themes = pd.DataFrame | Mapping[str, Sequence[str]]


def theme_terms(themes: Themes) -> dict[str, list[str]]:
    """``{theme_id: [terms]}`` from a dict or from ``load_themes()``'s long DataFrame
    (columns ``theme, term``), keeping the input order of themes and terms."""
    if isinstance(themes, pd.DataFrame):
        out: dict[str, list[str]] = {}
        for theme, term in zip(themes["theme"], themes["term"], strict=True):
            out.setdefault(str(theme), [])
            if term not in out[str(theme)]:
                out[str(theme)].append(str(term))
        return out
    return {str(t): list(dict.fromkeys(map(str, terms))) for t, terms in themes.items()}


def theme_labels(themes: Themes) -> dict[str, str]:
    """Bilingual labels ``"Investment attraction 招商引资"`` when the DataFrame has them."""
    if isinstance(themes, pd.DataFrame) and {"label_en", "label_zh"} <= set(themes.columns):
        first = themes.drop_duplicates("theme").set_index("theme")
        return {str(t): f"{r.label_en} {r.label_zh}" for t, r in first.iterrows()}
    return {t: t for t in theme_terms(themes)}


def seed_prior(
    vocab: Sequence[str],
    seeds: Mapping[str, Sequence[str]],
    *,
    k: int,
    eta: float = DEFAULT_ETA,
    seed_eta: float = 1.0,
    off_eta: float = 1e-6,
) -> np.ndarray:
    """(k, V) topic-term prior: topic i is seeded by the i-th theme's terms.

    Topics beyond ``len(seeds)`` are free (prior ``eta`` everywhere except on seed terms, which
    get ``off_eta`` there too, so free topics do not absorb the lexicons). A term listed under
    several themes is seeded in each of them.
    """
    if len(seeds) > k:
        raise ValueError("more themes than topics")
    pos = {w: j for j, w in enumerate(vocab)}
    prior = np.full((k, len(vocab)), float(eta))
    seeded_cols = sorted({pos[w] for terms in seeds.values() for w in terms if w in pos})
    prior[:, seeded_cols] = off_eta
    for i, terms in enumerate(seeds.values()):
        cols = [pos[w] for w in terms if w in pos]
        prior[i, cols] = seed_eta
    return prior


def fit_seeded_topics(
    units: pd.Series | Mapping[str, Sequence[str]] | Bow,
    themes: Themes,
    *,
    n_free: int = 3,
    backend: str = "tomotopy",
    seed: int = 0,
    eta: float = DEFAULT_ETA,
    seed_eta: float = 1.0,
    off_eta: float = 1e-6,
    min_df: float = 2,
    max_df: float = 0.5,
    **params,
) -> TopicResult:
    """Fit LDA with one topic per theme seeded from its lexicon, plus ``n_free`` free topics.

    Args:
        units: tokens per unit or a shared :class:`Bow`.
        themes: ``{theme_id: [terms]}`` or ``analysis.measures.themes.load_themes()`` output.
        n_free: number of unseeded topics.
        backend: ``"tomotopy"`` or ``"gensim"`` (scikit-learn has no per-word priors).
        seed: random seed.
        eta: prior of unseeded terms; seed_eta / off_eta: see :func:`seed_prior`.
        min_df, max_df: vocabulary pruning when ``units`` is not a Bow. Seed terms are kept
            in the vocabulary whenever they occur in at least one unit.
        **params: passed to :func:`~analysis.topics.fit_topics` (alpha, iterations …).

    Returns:
        :class:`TopicResult` with ``topic_labels`` = theme ids then ``free_1`` … and
        ``params["seeds"]`` = the theme → seed-term mapping used.
    """
    seeds = theme_terms(themes)
    if isinstance(units, Bow):
        bow = units
    else:
        all_seed = [w for terms in seeds.values() for w in terms]
        bow = build_bow(units, min_df=min_df, max_df=max_df, keep_terms=all_seed)
    k = len(seeds) + n_free
    prior = seed_prior(bow.vocab, seeds, k=k, eta=eta, seed_eta=seed_eta, off_eta=off_eta)
    labels = list(seeds) + [f"free_{i + 1}" for i in range(n_free)]
    result = fit_topics(
        bow,
        k=k,
        backend=backend,
        seed=seed,
        eta=eta,
        word_prior=prior,
        topic_labels=labels,
        **params,
    )
    result.params.update(
        {
            "seeds": seeds,
            "seed_eta": seed_eta,
            "off_eta": off_eta,
            "n_free": n_free,
            "name": f"seeded-{backend}-k{k}-s{seed}",
        }
    )
    return result


def seeded_topic_report(
    result: TopicResult,
    themes: Themes | None = None,
    *,
    top_n: int = 20,
    paragraph_themes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How each seeded topic relates to its theme lexicon.

    Args:
        result: output of :func:`fit_seeded_topics`.
        themes: the lexicons (default: ``result.params["seeds"]``); a DataFrame adds labels.
        top_n: size of the top-term list compared with the lexicon.
        paragraph_themes: optional ``analysis.measures.themes.paragraph_themes`` output; adds the
            columns of :func:`seeded_theme_agreement` (spearman, precision, recall).

    Returns:
        DataFrame[model, topic, theme, label, n_seed_terms, n_seed_in_vocab, seed_in_top,
        share_top_seed, seed_recall_top, seed_mass, prevalence, top_terms, new_terms] --
        ``share_top_seed``: share of the topic's top-``top_n`` terms that are seed terms;
        ``seed_recall_top``: share of in-vocabulary seed terms that reach the top-``top_n``;
        ``seed_mass``: P(seed terms | topic); ``prevalence``: the topic's share of all tokens;
        ``new_terms``: top terms *not* in the lexicon (candidates to read or add). Free topics
        have theme "" and their seed columns report mass of all lexicon terms.
        With ``paragraph_themes``: also ``spearman``, ``precision``, ``recall``.
    """
    seeds = theme_terms(themes) if themes is not None else dict(result.params.get("seeds", {}))
    labels = theme_labels(themes) if themes is not None else {t: t for t in seeds}
    pos = {w: j for j, w in enumerate(result.vocab)}
    all_seed = {w for terms in seeds.values() for w in terms}
    top = result.top_term_ids(top_n)
    prev = result.prevalence()
    rows = []
    for t in range(result.k):
        theme = result.labels()[t] if result.labels()[t] in seeds else ""
        terms = set(seeds[theme]) if theme else all_seed
        in_vocab = sorted(pos[w] for w in terms if w in pos)  # summed in vocabulary order
        top_terms = [result.vocab[j] for j in top[t]]
        hit = [w for w in top_terms if w in terms]
        rows.append(
            {
                "model": result.name,
                "topic": t,
                "theme": theme,
                "label": labels.get(theme, ""),
                "n_seed_terms": len(terms),
                "n_seed_in_vocab": len(in_vocab),
                "seed_in_top": len(hit),
                "share_top_seed": len(hit) / top_n,
                "seed_recall_top": len(hit) / len(in_vocab) if in_vocab else np.nan,
                "seed_mass": float(result.topic_word[t, in_vocab].sum()) if in_vocab else 0.0,
                "prevalence": float(prev[t]),
                "top_terms": " ".join(top_terms),
                "new_terms": " ".join(w for w in top_terms if w not in all_seed),
            }
        )
    report = pd.DataFrame(rows)
    if paragraph_themes is not None and len(paragraph_themes):
        agree = seeded_theme_agreement(result, paragraph_themes)
        report = report.merge(agree.drop(columns=["theme", "n_units"]), on="topic", how="left")
    return report


def seeded_theme_agreement(result: TopicResult, paragraph_themes: pd.DataFrame) -> pd.DataFrame:
    """Do seeded topics and lexicon theme scores pick out the same paragraphs?

    Compares, over the modelled paragraph units, each seeded topic's share θ_k with the theme's
    lexicon hits from ``analysis.measures.themes.paragraph_themes`` (one column per theme, plus
    ``dominant_theme``).

    Returns:
        DataFrame[topic, theme, n_units, spearman, precision, recall] -- ``spearman``: rank
        correlation of θ_k and the theme's hits; ``precision``: share of units whose dominant
        topic is k that have the theme as dominant theme; ``recall``: share of units with the
        theme dominant whose dominant topic is k (NaN when undefined).
    """
    from scipy.stats import spearmanr

    pt = paragraph_themes.copy()
    pt.index = pt["doc_id"].astype(str) + "#" + pt["para_id"].astype(str)
    ids = [u for u in result.unit_ids if u in pt.index]
    rows = [result.unit_ids.index(u) for u in ids]
    theta = result.doc_topic[rows]
    top_topic = theta.argmax(axis=1)
    dominant = pt.loc[ids, "dominant_theme"].astype(str).to_numpy()
    out = []
    for t, theme in enumerate(result.labels()):
        if theme not in pt.columns:
            continue
        hits = pt.loc[ids, theme].to_numpy(dtype=float)
        rho = (
            float(spearmanr(theta[:, t], hits).statistic)
            if len(ids) > 2 and hits.std() > 0 and theta[:, t].std() > 0
            else np.nan
        )
        is_t, is_theme = top_topic == t, dominant == theme
        out.append({
            "topic": t, "theme": theme, "n_units": len(ids), "spearman": rho,
            "precision": float((is_theme & is_t).sum() / is_t.sum()) if is_t.any() else np.nan,
            "recall": float((is_theme & is_t).sum() / is_theme.sum()) if is_theme.any() else np.nan,
        })  # fmt: skip
    cols = ["topic", "theme", "n_units", "spearman", "precision", "recall"]
    return pd.DataFrame(out, columns=cols)
