"""Text reuse: planted copies with small edits are recovered with exact spans; direction follows
dates; near-duplicates are one row; templates recur in ≥ k documents and can be masked."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.measures import reuse as rz

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "cn-gov-work-reports"
SHARED = SHARED if SHARED.is_dir() else Path("/work/shared/corpora/cn-gov-work-reports")
# four reports of different regions and decades (file names of the shared corpus)
SHARED_FILES = ["0030.txt", "0120.txt", "0400.txt", "0700.txt"]


@pytest.fixture(scope="module")
def real_paragraphs(tmp_path_factory):
    """Paragraphs of a few real reports: from the shared corpus when present, else data/raw."""
    from analysis.corpus import load_corpus
    from analysis.paths import RAW

    folder = tmp_path_factory.mktemp("reports")
    if all((SHARED / f).is_file() for f in SHARED_FILES):
        for f in SHARED_FILES:
            shutil.copy(SHARED / f, folder / f)
    else:
        for f in sorted(RAW.glob("*.txt")):
            shutil.copy(f, folder / f.name)
    corpus = load_corpus(folder)
    docs = corpus.documents[corpus.documents["duplicate_of"] == ""]
    keep = docs.sort_values("n_chars", ascending=False)["doc_id"].head(4).tolist()
    paras = corpus.paragraphs[corpus.paragraphs["doc_id"].isin(keep)]
    return paras[paras["kind"] != "title"].reset_index(drop=True)


_KEEP = np.vectorize(lambda ch: bool(rz._keep_mask(np.array([ord(ch)], dtype=np.uint32))[0]))


def _trim(text: str) -> str:
    """Strip leading/trailing characters that are not CJK, letters or digits."""
    while text and not _KEEP(text[0]):
        text = text[1:]
    while text and not _KEEP(text[-1]):
        text = text[:-1]
    return text


def _edit(passages: tuple[str, str], rng: np.random.Generator) -> tuple[str, str]:
    """The same small edit, well inside the passage, of its Simplified and original text: a
    changed 2-char name, a number, or an inserted clause."""
    mid = int(rng.integers(20, len(passages[0]) - 20))
    kind = int(rng.integers(3))
    out = []
    for passage in passages:
        if kind == 0:
            out.append(passage[:mid] + "青川" + passage[mid + 2 :])
        elif kind == 1:
            out.append(passage[:mid] + "12.7" + passage[mid + 1 :])
        else:
            out.append(passage[:mid] + "，在县委县政府的坚强领导下，" + passage[mid:])
    return out[0], out[1]


def _plant(paragraphs: pd.DataFrame, *, n: int, seed: int):
    """Copy ``n`` passages (60–300 chars) from one document into another, with edits.

    Returns the modified paragraphs and the truth: rows (doc_src, start_src, end_src, doc_dst,
    start_dst, end_dst) in document-text offsets of :func:`rz.document_texts`.
    """
    rng = np.random.default_rng(seed)
    docs = list(dict.fromkeys(paragraphs["doc_id"]))
    paras = paragraphs.copy()
    planted = []  # (src doc, src para_id, a, b, dst doc, new text, after para_id)
    for i in range(n):
        src, dst = docs[i % len(docs)], docs[(i + 1) % len(docs)]
        cand = paras[(paras["doc_id"] == src) & (paras["text"].str.len() >= 120)]
        row = cand.iloc[int(rng.integers(len(cand)))]
        length = int(rng.integers(60, 300))
        start = int(rng.integers(0, max(1, len(row["text"]) - length)))
        piece = _trim(row["text"][start : start + length])  # Simplified; original at same offsets
        a = row["text"].index(piece, start)
        pair = (piece, row["text_original"][a : a + len(piece)])
        new = _edit(pair, rng) if len(piece) >= 60 else pair
        targets = paras[paras["doc_id"] == dst]["para_id"].tolist()
        after = targets[int(rng.integers(len(targets)))]
        planted.append((src, int(row["para_id"]), a, a + len(piece), dst, new, after))
    rows = []
    for k, (_, _, _, _, dst, new, after) in enumerate(planted):
        rows.append(
            {"doc_id": dst, "para_id": 100000 + k, "_after": after, "text": new[0],
             "text_original": new[1], "kind": "body"}
        )  # fmt: skip
    ins = pd.DataFrame(rows)
    paras = paras.assign(_after=paras["para_id"], _k=0)
    ins["_k"] = 1 + ins.index
    both = pd.concat([paras, ins], ignore_index=True)
    order = {d: i for i, d in enumerate(docs)}
    both["_d"] = both["doc_id"].map(order)
    both = both.sort_values(["_d", "_after", "_k"], kind="stable").drop(
        columns=["_d", "_after", "_k"]
    )
    both = both.reset_index(drop=True)
    texts = rz.document_texts(both).set_index("doc_id")
    truth = []
    for k, (src, pid, a, b, dst, new, _) in enumerate(planted):
        s_src = texts.at[src, "para_starts"][texts.at[src, "para_ids"].index(pid)]
        s_dst = texts.at[dst, "para_starts"][texts.at[dst, "para_ids"].index(100000 + k)]
        truth.append((src, s_src + a, s_src + b, dst, s_dst, s_dst + len(new[0])))
    return both, truth


def _chars(spans) -> set[tuple[str, int]]:
    return {(d, i) for d, s, e in spans for i in range(int(s), int(e))}


def _found_spans(pairs: pd.DataFrame) -> list[tuple[str, int, int]]:
    p = pairs[pairs["kind"] == "passage"]
    return [*zip(p["doc_a"], p["start_a"], p["end_a"]), *zip(p["doc_b"], p["start_b"], p["end_b"])]


def test_planted_passages_recovered_with_exact_spans(real_paragraphs):
    """Recall and precision ≥ 0.95 (character overlap) on copies with names, numbers, clauses
    changed; reuse already present between the real reports is the baseline, not an error."""
    planted, truth = _plant(real_paragraphs, n=16, seed=7)
    base = rz.text_reuse(planted[~planted["para_id"].ge(100000)], cache=False)
    found = rz.text_reuse(planted, cache=False)
    true_chars = _chars([(t[0], t[1], t[2]) for t in truth] + [(t[3], t[4], t[5]) for t in truth])
    # baseline spans are in the un-planted texts: shift them into the planted offsets
    texts0 = rz.document_texts(planted[~planted["para_id"].ge(100000)]).set_index("doc_id")
    texts1 = rz.document_texts(planted).set_index("doc_id")

    def shift(doc: str, off: int) -> int:
        pids0, st0 = texts0.at[doc, "para_ids"], texts0.at[doc, "para_starts"]
        j = int(np.searchsorted(st0, off, side="right")) - 1
        return texts1.at[doc, "para_starts"][texts1.at[doc, "para_ids"].index(pids0[j])] + (
            off - st0[j]
        )

    background = _chars([(d, shift(d, s), shift(d, e - 1) + 1) for d, s, e in _found_spans(base)])
    got = _chars(_found_spans(found)) - background
    assert true_chars, "nothing planted"
    recall = len(got & true_chars) / len(true_chars)
    precision = len(got & true_chars) / max(len(got), 1)
    print(f"planted reuse: recall {recall:.4f}, precision {precision:.4f}, {len(true_chars)} chars")
    assert recall >= 0.95, f"recall {recall:.3f}"
    assert precision >= 0.95, f"precision {precision:.3f}"
    # every planted copy of 100+ characters is found as a passage of the right documents
    # (a shorter copy split by an inserted clause can fall below the LSH windows' threshold)
    p = found[found["kind"] == "passage"]
    for src, s0, e0, dst, s1, e1 in truth:
        if e0 - s0 < 100:
            continue
        hit = p[
            ((p["doc_a"] == src) & (p["doc_b"] == dst) & (p["start_a"] < e0) & (p["end_a"] > s0))
            | ((p["doc_a"] == dst) & (p["doc_b"] == src) & (p["start_b"] < e0) & (p["end_b"] > s0))
        ]
        assert len(hit) >= 1, f"planted copy {src}:{s0}-{e0} -> {dst}:{s1}-{e1} not found"
    # texts are the original-script spans
    row = p.iloc[0]
    t = texts1.loc[row["doc_a"], "text_original"]
    assert row["text_a"] == t[row["start_a"] : row["end_a"]]


def _two_docs(date_a: str, date_b: str, year_a=None, year_b=None):
    shared = (
        "全面落实科学发展观，坚持以经济建设为中心，加快转变经济发展方式，推进产业结构优化升级，"
        "着力保障和改善民生，促进城乡区域协调发展，维护社会和谐稳定，努力实现经济平稳较快发展。"
    )
    paras = pd.DataFrame(
        {
            "doc_id": ["A", "A", "B", "B"],
            "para_id": [0, 1, 0, 1],
            "text": [
                "甲乡今年抓好春耕生产和水利建设。",
                shared,
                shared,
                "乙镇修路三条，新建学校一所。",
            ],
        }
    )
    paras["text_original"] = paras["text"]
    docs = pd.DataFrame(
        {"doc_id": ["A", "B"], "date": [date_a, date_b], "year": [year_a, year_b],
         "duplicate_of": ["", ""]}
    )  # fmt: skip
    return paras, docs


def test_direction_follows_dates():
    paras, docs = _two_docs("2012-03-01", "2010-01-20")
    p = rz.text_reuse(paras, docs, cache=False)
    assert len(p) == 1
    assert (p.at[0, "doc_a"], p.at[0, "doc_b"], p.at[0, "direction"]) == ("B", "A", "a->b")
    assert p.at[0, "direction_basis"] == "date"
    paras, docs = _two_docs("2010-01-20", "2012-03-01")
    p = rz.text_reuse(paras, docs, cache=False)
    assert (p.at[0, "doc_a"], p.at[0, "doc_b"]) == ("A", "B")
    # offsets point at the shared paragraph in both documents
    t = rz.document_texts(paras).set_index("doc_id")
    assert t.at["A", "text"][p.at[0, "start_a"] : p.at[0, "end_a"]].startswith("全面落实")
    assert t.at["B", "text"][p.at[0, "start_b"] : p.at[0, "end_b"]].endswith("平稳较快发展")


def test_direction_falls_back_to_years_then_unknown():
    paras, docs = _two_docs("", "", 2015, 2013)
    p = rz.text_reuse(paras, docs, cache=False)
    assert (p.at[0, "doc_a"], p.at[0, "direction_basis"]) == ("B", "year")
    paras, docs = _two_docs("2015-02-01", "", 2015, 2015)
    p = rz.text_reuse(paras, docs, cache=False)
    assert (p.at[0, "doc_a"], p.at[0, "direction"], p.at[0, "direction_basis"]) == (
        "A",
        "unknown",
        "",
    )


def test_near_duplicates_are_one_row():
    paras, docs = _two_docs("2010-01-20", "2012-03-01")
    copy = paras[paras["doc_id"] == "A"].assign(doc_id="C")
    paras = pd.concat([paras, copy], ignore_index=True)
    docs = pd.concat(
        [docs, pd.DataFrame({"doc_id": ["C"], "date": ["2011-01-01"], "year": [None],
                             "duplicate_of": ["A"]})],
        ignore_index=True,
    )  # fmt: skip
    p = rz.text_reuse(paras, docs, cache=False)
    dup = p[p["kind"] == "near_duplicate"]
    assert len(dup) == 1 and tuple(dup[["doc_a", "doc_b"]].iloc[0]) == ("A", "C")
    assert dup["similarity"].iloc[0] == 1.0
    assert not ((p["kind"] == "passage") & ((p["doc_a"] == "C") | (p["doc_b"] == "C"))).any()


def test_reuse_documents_shares():
    paras, docs = _two_docs("2010-01-20", "2012-03-01")
    p = rz.text_reuse(paras, docs, cache=False)
    d = rz.reuse_documents(p, paras, docs).set_index("doc_id")
    assert d.at["A", "share_earlier"] == 0 and d.at["A", "n_earlier_docs"] == 0
    assert d.at["B", "n_earlier_docs"] == 1
    span = p.at[0, "end_b"] - p.at[0, "start_b"]
    assert d.at["B", "reused_chars_earlier"] == span
    assert d.at["B", "share_earlier"] == round(span / d.at["B", "n_chars"], 4)
    assert d.at["A", "share_any"] > 0


def test_templates_recur_in_k_documents_and_can_be_masked(real_paragraphs):
    boiler = (
        "现在，我代表县人民政府向大会报告工作，请予审议，并请县政协委员和其他列席人员提出意见。"
    )
    docs = list(dict.fromkeys(real_paragraphs["doc_id"]))
    extra = pd.DataFrame(
        {"doc_id": docs, "para_id": [-1] * len(docs), "text": boiler, "text_original": boiler,
         "kind": "body"}
    )  # fmt: skip
    paras = pd.concat([extra, real_paragraphs], ignore_index=True)
    paras["_d"] = paras["doc_id"].map({d: i for i, d in enumerate(docs)})
    paras = paras.sort_values(["_d", "para_id"], kind="stable").drop(columns="_d")
    spans = rz.template_spans(paras, min_docs=len(docs), cache=False)
    hits = spans[spans["text_original"].str.contains("请予审议")]
    assert set(hits["doc_id"]) == set(docs)
    assert set(hits.loc[hits["start"] == 0, "doc_id"]) == set(docs)
    summary = rz.reuse_templates(spans)
    assert (summary["n_docs"] == len(docs)).any()
    masked = rz.mask_templates(paras, spans)
    assert not masked["text"].str.contains(boiler[:12]).any()
    assert (masked["text"].str.len() <= masked["text_original"].str.len()).all()
    # the boilerplate paragraphs are gone; any other dropped paragraph lies inside a template span
    gone = paras.merge(masked[["doc_id", "para_id"]], how="left", indicator=True)
    gone = gone[gone["_merge"] == "left_only"]
    assert set(gone.loc[gone["para_id"] == -1, "doc_id"]) == set(docs)
    for d, t in zip(gone["doc_id"], gone["text_original"]):
        core = t.strip(" :：,，。")
        assert spans.loc[spans["doc_id"] == d, "text_original"].str.contains(core).any(), t
    # a subset of the paragraphs (e.g. without titles) is masked by para_id, not by offsets
    subset = paras[paras["para_id"] != paras.groupby("doc_id")["para_id"].transform("max")]
    sub = rz.mask_templates(subset, spans, source=paras)
    assert not sub["text"].str.contains(boiler[:12]).any()
    assert set(sub["para_id"]) <= set(subset["para_id"]) and (sub["para_id"] != -1).all()
    unmasked = subset[~subset["para_id"].eq(-1)].reset_index(drop=True)
    same = sub.merge(unmasked, on=["doc_id", "para_id"], suffixes=("", "_0"))
    changed = same[same["text"] != same["text_0"]]
    assert (changed["text"].str.len() == changed["text_0"].str.len()).all()
    # nothing recurs in more documents than there are: no template at k = n + 1
    assert rz.template_spans(paras, min_docs=len(docs) + 1, cache=False).empty


def test_options_validated():
    with pytest.raises(ValueError, match="num_perm"):
        rz.ReuseOptions(num_perm=30, bands=8)
    with pytest.raises(ValueError, match="min_similarity"):
        rz.ReuseOptions(min_similarity=2)


def test_study_option_excludes_templates_from_analysed_paragraphs(tmp_path):
    import analysis as an
    from analysis.paths import RAW

    boiler = (
        "全镇上下要以更加饱满的热情、更加务实的作风、更加扎实的工作，奋力开创各项事业发展新局面。"
    )
    for f in sorted(RAW.glob("*.txt")):
        lines = f.read_bytes().decode("utf-8", errors="replace").splitlines()
        lines[6:6] = ["", boiler, ""]  # a template paragraph inside every report
        (tmp_path / f.name).write_text("\n".join(lines), encoding="utf-8")
    plain = an.Study(tmp_path)
    masked = an.Study(tmp_path, exclude_templates=3)
    assert plain.paragraphs["text"].str.contains("奋力开创各项事业").any()
    assert not masked.paragraphs["text"].str.contains("奋力开创各项事业").any()
    assert masked.options.key()["exclude_templates"] == 3
    # the reuse tables still see the full text
    assert masked.template_spans["text_original"].str.contains("奋力开创各项事业").any()
    with pytest.raises(ValueError, match="at least 2"):
        an.StudyOptions(exclude_templates=1)
