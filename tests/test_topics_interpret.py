"""Topic interpretation: relevance, representative paragraphs, seeded topics, HTML, pipeline."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from fixtures_topics import TOPIC_WORDS, fixture_paragraphs, fixture_units

from analysis.topics import (
    TopicResult,
    doc_topics,
    fit_seeded_topics,
    fit_topics,
    representative_units,
    run_topic_analysis,
    seed_prior,
    seeded_topic_report,
    topic_html,
    topic_terms,
)


@pytest.fixture(scope="module")
def units() -> pd.Series:
    return fixture_units()


@pytest.fixture(scope="module")
def model(units) -> TopicResult:
    return fit_topics(units, k=4, seed=1, iterations=300)


def _toy() -> TopicResult:
    tw = np.array([[0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    return TopicResult(
        backend="x", k=2, seed=0, vocab=["甲", "乙", "丙"], unit_ids=["d1#0", "d1#1", "d2#0"],
        topic_word=tw, doc_topic=np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]),
        term_freq=np.array([50.0, 10.0, 40.0]), doc_lengths=np.array([10.0, 30.0, 20.0]),
    )  # fmt: skip


def test_relevance_ranks_by_probability_at_one_and_by_lift_at_zero():
    res = _toy()
    top1 = topic_terms(res, n=3, lambda_=1.0)
    assert top1[top1.topic == 0]["term"].tolist() == ["甲", "乙", "丙"]
    top0 = topic_terms(res, n=3, lambda_=0.0)
    # lifts for topic 0: 甲 0.6/0.5=1.2, 乙 0.3/0.1=3, 丙 0.1/0.4=0.25
    assert top0[top0.topic == 0]["term"].tolist() == ["乙", "甲", "丙"]
    r = top0.set_index(["topic", "term"])["relevance"]
    assert r[(0, "乙")] == pytest.approx(np.log(3.0))
    mid = topic_terms(res, n=1, lambda_=0.6).set_index("topic")
    assert mid.loc[0, "weight"] == pytest.approx(0.6) and list(mid.columns) == [
        "rank", "term", "weight", "relevance"]  # fmt: skip


def test_doc_topics_are_length_weighted_means():
    out = doc_topics(_toy())
    d1 = out[out.doc_id == "d1"].set_index("topic")["weight"]
    # d1: (10*[1,0] + 30*[.5,.5]) / 40 = [0.625, 0.375]
    assert d1.tolist() == pytest.approx([0.625, 0.375])
    assert out.groupby("doc_id")["weight"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert list(out.columns) == ["model", "doc_id", "topic", "weight"]


def test_representative_units_quote_the_original_script(units, model):
    paras = fixture_paragraphs(units)
    ex = representative_units(model, paras, n=2)
    assert len(ex) == 2 * model.k and ex.groupby("topic").size().eq(2).all()
    assert ex["text_original"].str.startswith("「").all()  # original, not the Simplified text
    for row in ex.itertuples():
        doc, para = row.unit_id.split("#")
        assert (row.doc_id, row.para_id) == (doc, int(para))
        tokens = units[row.unit_id]
        top = {model.vocab[j] for j in model.top_term_ids(5)[row.topic]}
        assert len(top & set(tokens)) >= 2
    assert (ex.groupby("topic")["weight"].diff().dropna() <= 0).all()


def test_seed_prior_layout():
    prior = seed_prior(["a", "b", "c", "d"], {"t1": ["a"], "t2": ["b", "zz"]}, k=3, eta=0.01,
                       seed_eta=1.0, off_eta=1e-6)  # fmt: skip
    np.testing.assert_allclose(prior[:, 0], [1.0, 1e-6, 1e-6])
    np.testing.assert_allclose(prior[:, 1], [1e-6, 1.0, 1e-6])
    np.testing.assert_allclose(prior[:, 2:], 0.01)


@pytest.mark.parametrize("backend", ["tomotopy", "gensim"])
def test_seeded_topics_put_their_seed_words_on_top(units, backend):
    # seed each theme with its 3 most frequent fixture words, themes in reverse fixture order:
    # the seeded topic i must become theme i and carry its seeds among its top 5 terms
    freq = pd.Series([w for toks in units for w in toks]).value_counts()
    themes = {
        t: sorted(TOPIC_WORDS[t], key=lambda w: (-freq.get(w, 0), w))[:3]
        for t in reversed(list(TOPIC_WORDS))
    }
    iters = 300 if backend == "tomotopy" else 20
    res = fit_seeded_topics(units, themes, n_free=1, backend=backend, seed=4, iterations=iters)
    assert res.k == 5 and res.labels() == [*themes, "free_1"]
    for i, (theme, seeds) in enumerate(themes.items()):
        top5 = [res.vocab[j] for j in res.top_term_ids(5)[i]]
        assert set(seeds) <= set(top5), (theme, top5)
        top10 = [res.vocab[j] for j in res.top_term_ids(10)[i]]
        others = {w for t, ws in TOPIC_WORDS.items() if t != theme for w in ws}
        assert not others & set(top10), (theme, top10)  # no word of another theme
    rep = seeded_topic_report(res, themes, top_n=10)
    seeded = rep[rep.theme != ""]
    assert (seeded["seed_recall_top"] == 1.0).all() and (seeded["seed_mass"] > 0.2).all()
    assert rep.loc[rep.theme == "", "seed_mass"].iloc[0] < 0.01  # free topic avoids the seeds


def test_seeded_topics_accept_the_long_theme_table(units):
    table = pd.DataFrame(
        [(t, f"{t}_zh", f"{t} en", w) for t, ws in TOPIC_WORDS.items() for w in ws[:2]],
        columns=["theme", "label_zh", "label_en", "term"],
    )
    res = fit_seeded_topics(units, table, n_free=0, seed=0, iterations=200, measures=())
    rep = seeded_topic_report(res, table)
    assert rep["theme"].tolist() == list(TOPIC_WORDS)
    assert rep["label"].iloc[0] == "party_building en party_building_zh"


def test_html_is_offline_and_embeds_valid_data():
    res = fit_topics(fixture_units(), k=4, seed=1, iterations=100, measures=())
    evil = "</script><script src='https://evil.example/x.js'>"
    res.vocab[0] = evil
    html = topic_html(res, examples=None)
    block = re.search(r'<script id="topic-data" type="application/json">(.*?)</script>', html, re.S)
    data, rest = block.group(1), html.replace(block.group(0), "")
    assert "<" not in data and ">" not in data  # the data cannot end or open a tag
    # the only url(...) is the embedded font subset, inline as a data URL
    urls = re.findall(r"url\(([^)]*)\)", rest)
    assert urls and all(u.startswith("data:font/woff2;base64,") for u in urls)
    rest = re.sub(r"url\(data:font/woff2;base64,[A-Za-z0-9+/=]+\)", "url(data:)", rest)
    assert not re.search(r"https?:|//[a-z]", rest, re.I)  # no URL at all outside the data
    assert not re.search(r"<(script|link|img|iframe)[^>]*(src|href)\s*=", html, re.I)
    assert html.count("<script") == 2 and html.count("</script>") == 2
    payload = json.loads(data)
    assert len(payload["xy"]) == 4 and len(payload["phi"]) == 4
    assert evil in payload["terms"]
    assert 'id="lambda"' in html and 'type="range"' in html


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_html_script_runs_in_a_minimal_dom(model, tmp_path):
    html = topic_html(model)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    data = re.search(r'application/json">(.*?)</script>', html, re.S).group(1)
    stub = """
    function E(){ return {attrs:{}, children:[], listeners:{}, textContent:'',
      namespaceURI:'svg', set innerHTML(v){this.children=[];}, get innerHTML(){return '';}, setAttribute(k,v){this.attrs[k]=v;}, appendChild(c){this.children.push(c);},
      addEventListener(t,f){this.listeners[t]=f;} }; }
    const els = {}; for (const id of ['map','bars','examples','lambda','lamval']) els[id]=E();
    els['topic-data'] = {textContent: DATA};
    const document = {getElementById:id=>els[id], createElementNS:()=>E(), createElement:()=>E(),
      createTextNode:t=>({t})};
    """
    test = """
    const circles = els.map.children.filter(c => c.attrs.class && c.attrs.class.startsWith('topic'));
    if (circles.length !== K) throw new Error('circles ' + circles.length);
    circles[0].listeners.click();
    els.lambda.listeners.input({target:{value:'0.2'}});
    if (els.lamval.textContent !== '0.20') throw new Error('slider');
    const bars = els.bars.children.filter(c => c.attrs.class === 'intopic');
    if (bars.length !== 30) throw new Error('bars ' + bars.length);
    console.log('ok');
    """.replace("K", str(model.k))
    js = tmp_path / "view.js"
    js.write_text(stub.replace("DATA", json.dumps(data)) + script + test, encoding="utf-8")
    out = subprocess.run(["node", str(js)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_run_topic_analysis_returns_every_table(units):
    paras = fixture_paragraphs(units)
    themes = {"agriculture": TOPIC_WORDS["agriculture"][:4]}
    out = run_topic_analysis(units, paras, seed=3, ks=[3, 4, 5], n_seeds=2, n_stability=3,
                             themes=themes, n_free=3, iterations=200)  # fmt: skip
    assert out["chosen_k"] == 4 and out["model"].k == 4
    assert list(out["topic_k_selection"].columns[:8]) == [
        "backend", "k", "seed", "npmi", "c_v", "u_mass", "perplexity", "diversity"]  # fmt: skip
    assert list(out["topics"].columns[:2]) == ["model", "topic"]
    assert {"rank", "term", "weight"} <= set(out["topics"].columns)
    assert out["topics"]["model"].nunique() == 2  # final and seeded
    assert list(out["doc_topics"].columns) == ["model", "doc_id", "topic", "weight"]
    assert len(out["topic_stability"]) == 4
    assert {"stability", "top_terms"} <= set(out["topic_stability"].columns)
    assert set(out["topic_examples"]["model"]) == set(out["topics"]["model"])
    assert out["seeded_topics"]["theme"].iloc[0] == "agriculture"
    assert out["topics_html"].startswith("<!DOCTYPE html>")
    again = run_topic_analysis(units, paras, seed=3, ks=[3, 4, 5], n_seeds=2, n_stability=3,
                               themes=themes, n_free=3, iterations=200)  # fmt: skip
    for name in ("topic_k_selection", "topics", "doc_topics", "topic_stability"):
        pd.testing.assert_frame_equal(out[name], again[name])  # identical tables


def test_run_topic_analysis_cache_hits_and_invalidates(units, tmp_path, monkeypatch):
    import analysis.topics.pipeline as pipeline

    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    monkeypatch.delenv("ANALYSIS_NO_CACHE", raising=False)
    paras = fixture_paragraphs(units)
    kw = dict(seed=1, ks=[3, 4], n_seeds=2, n_stability=2, iterations=100)
    first = run_topic_analysis(units, paras, cache=True, **kw)
    calls = []
    real = pipeline._run_topic_analysis
    monkeypatch.setattr(pipeline, "_run_topic_analysis",
                        lambda *a, **k: calls.append(1) or real(*a, **k))  # fmt: skip
    hit = run_topic_analysis(units, paras, cache=True, **kw)
    assert calls == []  # served from the cache
    for name in ("topic_k_selection", "topics", "doc_topics", "topic_stability", "topic_examples"):
        pd.testing.assert_frame_equal(hit[name], first[name], check_dtype=False)
    assert hit["topic_k_selection"].attrs["chosen_k"] == first["chosen_k"] == hit["chosen_k"]
    np.testing.assert_array_equal(hit["model"].topic_word, first["model"].topic_word)
    assert hit["model"].vocab == first["model"].vocab and hit["seeded_model"] is None
    assert hit["topics_html"] == first["topics_html"]
    changed = units.copy()
    changed.iloc[0] = [*changed.iloc[0], "新词"]
    run_topic_analysis(changed, paras, cache=True, **kw)
    run_topic_analysis(units, paras, cache=True, **{**kw, "iterations": 101})
    assert calls == [1, 1]  # a changed token or option is never served stale results


def test_document_units_are_modelled_and_quoted_whole(units):
    from analysis.measures.keywords import document_units

    docs = document_units(units)
    res = fit_topics(docs, k=2, seed=0, iterations=100, min_df=1, max_df=1.0, measures=())
    assert res.unit_ids == ["000", "001", "002", "003"]
    assert res.params["library_version"] and res.params["tomotopy_isa"]
    ex = representative_units(res, fixture_paragraphs(units), n=1)
    assert ex["para_id"].isna().all() and (ex["doc_id"] == ex["unit_id"]).all()
    assert ex["text_original"].str.count("\n").eq(11).all()  # the document's 12 paragraphs


def test_seeded_topics_agree_with_lexicon_theme_scores(units):
    from analysis.topics.seeded import seeded_theme_agreement

    themes = {t: ws[:3] for t, ws in TOPIC_WORDS.items()}
    hits = pd.DataFrame({t: [sum(w in ws for w in toks) for toks in units] for t, ws in
                         TOPIC_WORDS.items()}, index=units.index)  # fmt: skip
    pt = hits.assign(
        doc_id=[u.split("#")[0] for u in units.index],
        para_id=[int(u.split("#")[1]) for u in units.index],
        dominant_theme=hits.idxmax(axis=1),
    ).reset_index(drop=True)
    res = fit_seeded_topics(units, themes, n_free=1, seed=2, iterations=300, measures=())
    agree = seeded_theme_agreement(res, pt)
    assert agree["theme"].tolist() == list(TOPIC_WORDS) and (agree["n_units"] == len(units)).all()
    assert (agree["spearman"] > 0.7).all()
    assert (agree["precision"] == 1.0).all() and (agree["recall"] == 1.0).all()
    rep = seeded_topic_report(res, themes, paragraph_themes=pt)
    assert {"spearman", "precision", "recall"} <= set(rep.columns) and len(rep) == 5
    assert rep["spearman"].iloc[:4].notna().all() and np.isnan(rep["spearman"].iloc[4])


def test_word_intrusion_items(model):
    from analysis.topics import word_intrusion

    items = word_intrusion(model, n_top=5, seed=3)
    assert len(items) == model.k and items.equals(word_intrusion(model, n_top=5, seed=3))
    top = model.top_term_ids(10)
    for row in items.itertuples():
        words = row.words.split()
        assert len(words) == 6 and row.intruder in words
        j = model.vocab.index(row.intruder)
        assert j not in top[row.topic]  # not one of the topic's own top terms
        assert any(j in top[o] for o in range(model.k) if o != row.topic)
        others = [w for w in words if w != row.intruder]
        assert {model.vocab[i] for i in top[row.topic, :5]} == set(others)


def test_representative_units_skip_bare_headings():
    from analysis.topics.interpret import representative_units
    from analysis.topics.result import TopicResult

    res = TopicResult(
        backend="x", k=1, seed=0, vocab=["a"], unit_ids=["d#0", "d#1"],
        topic_word=np.array([[1.0]]), doc_topic=np.array([[0.99], [0.6]]),
        doc_lengths=np.array([9.0, 9.0]),
    )  # fmt: skip
    paras = pd.DataFrame(
        {"doc_id": ["d", "d"], "para_id": [0, 1], "kind": ["heading", "body"],
         "text_original": ["一、党建工作", "镇党委狠抓基层党建工作。"]}
    )  # fmt: skip
    out = representative_units(res, paras, n=1)
    assert out["unit_id"].tolist() == ["d#1"]


def test_topic_view_names_topics_by_their_terms(units):
    from analysis.topics.html import topic_html
    from analysis.topics.result import readable_labels

    res = fit_topics(units, k=3, seed=1, iterations=50, measures=())
    page = topic_html(res)
    assert all(name in page for name in readable_labels(res))


_SEED_MASS = """
import numpy as np
from analysis.topics import TopicResult, seeded_topic_report
rng = np.random.default_rng(0)
vocab = [f"词{i}" for i in range(300)]
tw = rng.dirichlet(np.full(300, 0.05), size=2)
res = TopicResult(backend="x", k=2, seed=0, vocab=vocab, unit_ids=["a#0"], topic_word=tw,
                  doc_topic=np.array([[0.5, 0.5]]), term_freq=np.ones(300), doc_lengths=np.ones(1),
                  topic_labels=["t", "free_1"])
rep = seeded_topic_report(res, {"t": vocab[::3]}, top_n=10)
print([float(x).hex() for x in rep["seed_mass"]])
"""


def test_seed_mass_does_not_depend_on_the_string_hash_seed():
    """seed_mass sums P(term | topic) over the seed terms in vocabulary order, not in set order
    (which changes with PYTHONHASHSEED and moved the sum by ~1e-16 between runs)."""
    import os
    import sys

    outs = set()
    for hash_seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run([sys.executable, "-c", _SEED_MASS], env=env, capture_output=True,
                             text=True, check=True, timeout=120)  # fmt: skip
        outs.add(run.stdout)
    assert len(outs) == 1
