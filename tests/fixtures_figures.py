"""Small synthetic inputs in the shape of docs/CONTRACTS.md, for the plot-function tests.

Three short reports (one Traditional, one near-duplicate) with themes, slogans, keywords and a
tiny topic model — enough for every plot function to draw every element it has.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

THEMES = pd.DataFrame(
    [("party_building", "党建", "Party building", t) for t in ("党建", "党员", "基层组织建设")]
    + [
        ("investment_attraction", "招商引资", "Investment attraction", t)
        for t in ("招商引资", "项目")
    ]
    + [("infrastructure", "基础设施", "Infrastructure", t) for t in ("道路", "基础设施")],
    columns=["theme", "label_zh", "label_en", "term"],
)

DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["000", "001", "002-1", "002-2"],
        "source_file": ["000_a.txt", "001_b.txt", "002_c.txt", "002_c.txt"],
        "title": [
            "关于构建和谐乡镇的几点做法",
            "务实创新抓党建",
            "加强县级统战工作",
            "加强县级统战工作",
        ],
        "place": ["天长镇", "", "灵宝市", "灵宝市"],
        "script": ["traditional", "simplified", "traditional", "traditional"],
        "n_chars": [2210, 2506, 6095, 6082],
        "n_paragraphs": [4, 4, 4, 4],
        "duplicate_of": ["", "", "", "002-1"],
    }
)

QUALITY = pd.DataFrame(
    {
        "source_file": [
            "000_a.txt",
            "000_a.txt",
            "001_b.txt",
            "001_b.txt",
            "002_c.txt",
            "002_c.txt",
            "002_c.txt",
            "bad.txt",
        ],
        "doc_id": ["", "000", "", "001", "", "002-1", "002-2", ""],
        "status": ["ok"] * 7 + ["skipped"],
        "reason": [""] * 7 + ["binary file"],
        "n_bytes": [6401, 0, 7535, 0, 65305, 0, 0, 10],
        "n_chars_raw": [0, 2250, 0, 2719, 0, 9088, 9135, 0],
        "n_chars_clean": [0, 2210, 0, 2506, 0, 6095, 6082, 0],
        "chrome_lines": [0, 0, 0, 3, 0, 0, 0, 0],
        "pinyin_annotations": [0, 0, 0, 0, 0, 522, 526, 0],
        "garbled_spans": [0, 0, 0, 0, 0, 4, 5, 0],
    }
)

_TEXTS = {
    "000": ["关于构建和谐乡镇", "抓党建促发展，党员带头", "招商引资，项目建设", "修建道路"],
    "001": ["务实创新抓党建", "基层组织建设，党员", "“三大基地”建设", "道路和基础设施"],
    "002-1": ["加强统战工作", "招商引资，项目落地", "“三大基地”和“五个好”", "党建引领"],
    "002-2": ["加强统战工作", "招商引资，项目落地", "“三大基地”和“五个好”", "党建引领"],
}
PARAGRAPHS = pd.DataFrame(
    [
        {
            "doc_id": d,
            "para_id": i,
            "kind": "title" if i == 0 else "body",
            "section": "",
            "section_no": 0,
            "position": i / 3,
            "text": t,
            "text_original": t,
        }
        for d, texts in _TEXTS.items()
        for i, t in enumerate(texts)
    ]
)
ANALYSED = PARAGRAPHS[PARAGRAPHS["doc_id"] != "002-2"].reset_index(drop=True)

THEME_SCORES = pd.DataFrame(
    [
        (d, t, h, h * 10.0, 0.0)
        for d, hits in {"000": (2, 2, 1), "001": (3, 0, 2), "002-1": (1, 2, 0)}.items()
        for t, h in zip(THEMES["theme"].unique(), hits, strict=True)
    ],
    columns=["doc_id", "theme", "hits", "per_1k_tokens", "share"],
)
THEME_SCORES["share"] = THEME_SCORES["hits"] / THEME_SCORES.groupby("doc_id")["hits"].transform(
    "sum"
)

PARAGRAPH_THEMES = ANALYSED[["doc_id", "para_id"]].assign(
    dominant_theme=[
        "",
        "party_building",
        "investment_attraction",
        "infrastructure",
        "",
        "party_building",
        "",
        "infrastructure",
        "",
        "investment_attraction",
        "",
        "party_building",
    ],
    party_building=[0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1],
    investment_attraction=[0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 0, 0],
    infrastructure=[0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0],
)

SLOGANS = pd.DataFrame(
    {
        "slogan": ["三大基地", "五个好", "战斗堡垒"],
        "kind": ["numbered", "numbered", "phrase"],
        "n_docs": [2, 1, 2],
        "n_mentions": [2, 1, 3],
        "doc_ids": [["001", "002-1"], ["002-1"], "000|001"],
        "variants": [["三大基地"], ["五个好"], ["战斗堡垒"]],
        "example": ["“三大基地”建设", "“五个好”", "战斗堡垒"],
    }
)

TFIDF = pd.DataFrame(
    [
        (d, r + 1, term, 1.0 / (r + 1))
        for d, terms in {
            "000": ["和谐", "天长", "党员"],
            "001": ["创新", "基层", "党建"],
            "002-1": ["统战", "招商引资", "项目"],
        }.items()
        for r, term in enumerate(terms)
    ],
    columns=["doc_id", "rank", "term", "score"],
)

SIMILARITY = pd.DataFrame(
    [[1.0, 0.2, 0.3, 0.3], [0.2, 1.0, 0.25, 0.25], [0.3, 0.25, 1.0, 0.98], [0.3, 0.25, 0.98, 1.0]],
    index=DOCUMENTS["doc_id"],
    columns=DOCUMENTS["doc_id"],
)

K_TABLE = pd.DataFrame(
    [
        (
            b,
            k,
            s,
            0.05 * k / (1 + s),
            0.4 + 0.01 * k,
            -2.0 - 0.1 * k,
            900 - 10 * k + s,
            0.9 - 0.02 * k,
        )
        for b in ("tomotopy", "sklearn")
        for k in (2, 3, 4)
        for s in (1, 2, 3)
    ],
    columns=["backend", "k", "seed", "npmi", "c_v", "u_mass", "perplexity", "diversity"],
)

VOCAB = ["党建", "党员", "基层组织建设", "招商引资", "项目", "道路", "基础设施", "统战", "和谐"]
_rng = np.random.default_rng(0)
TOPIC_WORD = _rng.dirichlet(np.ones(len(VOCAB)) * 0.3, size=3)
TOPIC_TERMS = pd.DataFrame(
    [
        (t, r + 1, VOCAB[j], float(TOPIC_WORD[t, j]), 0.0)
        for t in range(3)
        for r, j in enumerate(np.argsort(-TOPIC_WORD[t])[:5])
    ],
    columns=["topic", "rank", "term", "weight", "relevance"],
)
DOC_TOPICS = pd.DataFrame(
    [
        (d, t, w)
        for d, ws in {
            "000": (0.6, 0.3, 0.1),
            "001": (0.2, 0.2, 0.6),
            "002-1": (0.1, 0.8, 0.1),
        }.items()
        for t, w in enumerate(ws)
    ],
    columns=["doc_id", "topic", "weight"],
)
STABILITY = pd.DataFrame(
    {
        "model": "tomotopy-k3-s7",
        "topic": [0, 1, 2],
        "top_terms": ["党建 党员", "招商引资 项目", "道路"],
        "stability": [0.92, 0.5, 0.75],
        "min_cosine": [0.9, 0.4, 0.7],
        "mean_jaccard": [0.8, 0.3, 0.6],
        "n_runs": 5,
    }
)

SEEDED_REPORT = pd.DataFrame(
    {
        "model": "seeded",
        "topic": [0, 1, 2],
        "theme": ["party_building", "investment_attraction", ""],
        "seed_mass": [0.4, 0.15, 0.3],
        "share_top_seed": [0.5, 0.1, 0.2],
        "prevalence": [0.3, 0.3, 0.4],
        "new_terms": ["镇党委 班子 项目", "资金 扩建", "经济"],
    }
)

PREV_YEAR = pd.DataFrame(
    [
        (y, t, 4, 3, p, p * 0.5, p * 1.5, "per_1k_tokens")
        for y in (2009, 2010, 2011, 2012, 2013)
        for t, p in zip(THEMES["theme"].unique(), (5.0, 3.0, 1.0))
    ],
    columns=["year", "theme", "n_docs", "n_with_theme", "prevalence", "lo", "hi", "measure"],
)
PREV_LEVEL = pd.concat(
    [PREV_YEAR.assign(level="township"), PREV_YEAR.assign(level="county")], ignore_index=True
)


def topic_result(*, labels: list[str] | None = None):
    """A tiny :class:`analysis.topics.TopicResult` over :data:`VOCAB` (3 topics, 3 documents)."""
    from analysis.topics.result import TopicResult

    doc_topic = DOC_TOPICS.pivot(index="doc_id", columns="topic", values="weight").to_numpy()
    return TopicResult(
        backend="tomotopy",
        k=3,
        seed=7,
        vocab=list(VOCAB),
        unit_ids=["000", "001", "002-1"],
        topic_word=TOPIC_WORD,
        doc_topic=doc_topic,
        params={"seed": 7},
        metrics={},
        topic_labels=labels,
    )


# reuse and diffusion: two provinces' reports over three years, one national report
REUSE_DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["n1", "p1", "p2", "p3", "q1", "q2"],
        "year": [2015, 2015, 2016, 2017, 2016, 2017],
        "level": ["national", "provincial", "provincial", "provincial", "provincial",
                  "provincial"],
        "region": ["国务院", "河北省", "河北省", "河北省", "云南省", "云南省"],
        "date": ["2015-03-05", "2015-01-08", "", "2017-01-10", "2016-01-20", ""],
        "duplicate_of": [""] * 6,
    }
)  # fmt: skip
REUSE_PAIRS = pd.DataFrame(
    {
        "doc_a": ["n1", "n1", "p1", "p2", "q1"],
        "doc_b": ["p2", "q1", "p2", "p3", "q2"],
        "start_a": [0, 10, 0, 5, 0],
        "end_a": [80, 70, 120, 60, 90],
        "start_b": [3, 0, 30, 0, 0],
        "end_b": [83, 60, 150, 55, 90],
        "n_chars": [80, 60, 120, 55, 90],
        "similarity": [0.95, 0.9, 1.0, 0.8, 0.97],
        "text_a": ["坚持稳中求进工作总基调"] * 5,
        "text_b": ["坚持稳中求进工作总基调"] * 5,
        "direction": ["a->b"] * 5,
        "direction_basis": ["date", "date", "year", "year", "year"],
        "kind": ["passage"] * 5,
        "para_a": [0] * 5,
        "para_b": [0] * 5,
    }
)
REUSE_DOC_TABLE = REUSE_DOCUMENTS[["doc_id", "year", "level", "region"]].assign(
    time_basis="date",
    n_chars=1000,
    reused_chars_earlier=[0, 0, 200, 55, 60, 90],
    share_earlier=[0.0, 0.0, 0.2, 0.055, 0.06, 0.09],
    n_earlier_docs=[0, 0, 2, 1, 1, 1],
    duplicate_of="",
)
_MENTIONS = pd.DataFrame(
    [("n1", "供给侧结构性改革"), ("p2", "供给侧结构性改革"), ("q1", "供给侧结构性改革"),
     ("p1", "“三大基地”"), ("q2", "“三大基地”"), ("p3", "放管服"), ("q2", "放管服")],
    columns=["doc_id", "slogan"],
)  # fmt: skip


def reuse_inputs() -> dict[str, object]:
    from analysis.measures import diffusion as dif

    diffusion = dif.slogan_diffusion(_MENTIONS, REUSE_DOCUMENTS)
    return {
        "reuse_pairs": REUSE_PAIRS,
        "reuse_documents": REUSE_DOC_TABLE,
        "slogan_diffusion": diffusion,
        "slogan_adoption": dif.adoption_curves(_MENTIONS, REUSE_DOCUMENTS),
        "slogan_first_by_level": dif.first_appearance_by_level(_MENTIONS, REUSE_DOCUMENTS),
    }


THEME_EFFECTS = pd.DataFrame(
    {
        "outcome": ["party_building", "party_building", "investment_attraction"] * 1,
        "covariate": ["year", "level", "year"],
        "level": ["per year", "county", "per year"],
        "reference": ["", "city", ""],
        "estimate": [0.12, -1.3, 0.05],
        "ci_low": [0.02, -2.1, -0.04],
        "ci_high": [0.22, -0.5, 0.14],
        "se": [0.05, 0.4, 0.045],
        "p": [0.02, 0.001, 0.27],
        "n": [24, 24, 24],
        "n_clusters": [6, 6, 6],
        "n_draws": [1, 1, 1],
        "method": ["ols"] * 3,
        "note": [""] * 3,
    }
)

COOCCURRENCE = pd.DataFrame(
    {
        "item_a": ["党建", "党员", "招商引资", "基础设施"],
        "item_b": ["党员", "基层组织建设", "项目", "道路"],
        "count": [12, 8, 10, 6],
        "n_a": [20, 15, 14, 9],
        "n_b": [15, 11, 18, 7],
        "n_units": [60] * 4,
        "npmi": [0.55, 0.42, 0.47, 0.61],
        "jaccard": [0.52, 0.44, 0.45, 0.6],
    }
)


def inputs() -> dict[str, object]:
    """Every figure input by name, as :class:`analysis.figures.FigureContext` would compute it.

    Computed once per process (a build asks for inputs dozens of times); each call returns a new
    dict, and the frames are shared like a Study's cached results.
    """
    return dict(_inputs())


@functools.cache
def _inputs() -> dict[str, object]:
    from analysis.figures.plots_themes import slogan_document_counts, theme_labels

    return {
        "documents": DOCUMENTS,
        "quality": QUALITY,
        "paragraphs": ANALYSED,
        "analysed_documents": DOCUMENTS[DOCUMENTS["duplicate_of"] == ""],
        "tfidf_keywords": TFIDF,
        "similarity": SIMILARITY,
        "slogans": SLOGANS,
        "slogan_counts": slogan_document_counts(SLOGANS, ANALYSED),
        "themes": THEMES,
        "theme_labels": theme_labels(THEMES),
        "theme_scores": THEME_SCORES,
        "paragraph_themes": PARAGRAPH_THEMES,
        "k_selection": K_TABLE,
        "chosen_k": 3,
        "topic_choice": pd.DataFrame(
            [
                {
                    "k": 3,
                    "k_searched": "2–3",
                    "k_extended": "",
                    "k_edge": "upper",
                    "k_note": "best K at the upper edge of the searched range 2–3 (not extended: "
                    "extend_k=False): coherence may still improve beyond the range",
                }
            ]
        ),  # fmt: skip
        "topic_model": topic_result(),
        "topic_terms": TOPIC_TERMS,
        "doc_topics": DOC_TOPICS,
        "topic_stability": STABILITY,
        "seeded_model": topic_result(labels=["party_building", "investment_attraction", "free_1"]),
        "seeded_report": SEEDED_REPORT,
        "prevalence_by_year": PREV_YEAR,
        "prevalence_by_level": PREV_LEVEL,
        "prevalence": {
            "theme_prevalence_by_year": PREV_YEAR,
            "theme_prevalence_by_level": PREV_LEVEL,
        },
        **reuse_inputs(),
        "theme_effects": THEME_EFFECTS,
        "cooccurrence_terms": COOCCURRENCE,
    }
