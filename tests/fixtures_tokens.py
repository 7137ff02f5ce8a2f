"""Small real-looking paragraph frames for the tokenization tests (both scripts).

``text`` is Simplified (what the corpus layer produces), ``text_original`` the original script,
same length (OpenCC t2s maps character for character for these sentences).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

# (doc_id, text_original) — sentences adapted from data/raw, Traditional and Simplified.
SENTENCES = [
    ("t1", "充分發揮村級黨組織戰鬥堡壘作用和黨員先鋒模範作用,推進創先爭優活動。"),
    ("t1", "以村「兩委」換屆為契機,選好配強了「兩委」班子,加強基層組織建設。"),
    ("t1", "統戰部長主抓非公有制經濟工作,做好統戰工作,促進縣域經濟發展。"),
    ("s1", "神河镇在开展村级党组织“升级晋档、科学发展”活动中,采取三联共建等措施。"),
    ("s1", "进一步促进招商引资和项目建设的蓬勃发展,积极开展社会主义新农村建设。"),
    ("s1", "截至目前,全镇招商引资完成1950万元,占年任务的100.4%,建设\ufffd工业园区。"),
    ("s2", "二是加强村级班子建设,提升村党支部的凝聚力,发挥农村基层党组织的战斗堡垒作用。"),
]


def t2s(text: str) -> str:
    import opencc

    return opencc.OpenCC("t2s").convert(text)


def sample_paragraphs() -> pd.DataFrame:
    """Paragraphs in the corpus contract (doc_id, para_id, text, text_original, …)."""
    rows = []
    counters: dict[str, int] = {}
    for doc_id, original in SENTENCES:
        para_id = counters.get(doc_id, 0)
        counters[doc_id] = para_id + 1
        text = t2s(original)
        assert len(text) == len(original)
        rows.append(
            {
                "doc_id": doc_id,
                "para_id": para_id,
                "kind": "body",
                "text": text,
                "text_original": original,
                "n_garbled": original.count("\ufffd"),
            }
        )
    return pd.DataFrame(rows)


_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def raw_paragraphs(raw_dir: Path = RAW) -> pd.DataFrame:
    """A quick paragraphs frame of data/raw without the corpus layer (lines → paragraphs).

    Decodes as UTF-8 with replacement, drops inline pinyin, converts to Simplified. Good enough to
    compare the two tokenizer backends on the real text; the corpus integration test uses
    ``analysis.corpus.load_corpus`` instead.
    """
    rows = []
    for path in sorted(raw_dir.glob("*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        lines = [_PINYIN.sub("", line).strip() for line in text.splitlines()]
        for i, line in enumerate(x for x in lines if x):
            rows.append({"doc_id": path.name[:3], "para_id": i, "text": t2s(line)})
    return pd.DataFrame(rows)
