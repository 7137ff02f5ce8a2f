"""Small, real-looking fixtures for the scaling tests (parallel, Dask, streaming, time series).

Plain helpers (not pytest fixtures: tests/conftest.py belongs to the lead). Module-level
functions here are also used as spawn-safe pool targets, since a spawned worker can import
this module by name.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

# Sentences in the register of local-government work reports, grouped by theme.
SENTENCES: dict[str, list[str]] = {
    "party_building": [
        "坚持党要管党、从严治党，切实加强基层组织建设，充分发挥村级党组织的战斗堡垒作用。",
        "深入开展创先争优活动，引导广大党员发挥先锋模范作用。",
        "加强村两委班子建设，选好配强村党支部书记。",
    ],
    "investment_attraction": [
        "坚持把招商引资作为经济工作的生命线，全年引进项目十二个，到位资金三点五亿元。",
        "优化投资环境，大力发展非公有制经济，积极承接产业转移。",
        "围绕主导产业开展以商招商，强化项目跟踪服务。",
    ],
    "infrastructure": [
        "加快基础设施建设，新修水泥路二十公里，完成农村电网改造。",
        "推进小城镇建设，完善供水、排水和垃圾处理设施。",
        "实施道路硬化和安全饮水工程，改善群众出行条件。",
    ],
    "agriculture": [
        "大力推进新农村建设，发展特色农业，农民人均纯收入增长百分之十二。",
        "调整农业产业结构，扩大蔬菜和水果种植面积，培育农民专业合作社。",
    ],
    "stability": [
        "加强社会治安综合治理，妥善处理信访问题，维护社会和谐稳定。",
        "落实安全生产责任制，全年未发生重大安全事故。",
    ],
}

HEADINGS = ["一、过去一年的工作回顾", "二、今年工作的总体要求", "三、主要任务和措施"]


PLACES = ["天长镇", "灵宝市", "城关镇", "新华乡", "石桥镇", "河西村", "东风乡", "青山县"]
PROJECTS = [
    "标准化厂房",
    "水泥路",
    "敬老院",
    "中心小学",
    "自来水厂",
    "农贸市场",
    "卫生院",
    "文化站",
]
DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(n))


def _local_sentence(rng: random.Random) -> str:
    """A report-specific sentence (place, project, figures) so reports are not near-duplicates."""
    place, project = rng.choice(PLACES), rng.choice(PROJECTS)
    a, b = rng.randint(2, 980), rng.randint(11, 9800)
    return (
        f"{place}新建{project}{_cn_number(a)}处，完成投资{_cn_number(b)}万元，"
        f"带动{rng.choice(PLACES)}群众{_cn_number(a + b)}户增收。"
    )


def make_report(rng: random.Random, *, title: str, n_paragraphs: int = 8) -> str:
    """One report as raw text: title, greeting, three sections of themed paragraphs."""
    themes = list(SENTENCES)
    lines = [title, "", "各位代表：", ""]
    per_section = max(1, n_paragraphs // len(HEADINGS))
    for heading in HEADINGS:
        lines += [heading, ""]
        for _ in range(per_section):
            theme = rng.choice(themes)
            k = rng.randint(1, len(SENTENCES[theme]))
            body = rng.sample(SENTENCES[theme], k) + [_local_sentence(rng) for _ in range(3)]
            rng.shuffle(body)
            lines += ["".join(body), ""]
    return "\n".join(lines)


def write_reports(
    folder: str | Path,
    *,
    n: int = 6,
    seed: int = 0,
    years: tuple[int, ...] = (2008, 2009, 2010),
    levels: tuple[str, ...] = ("county", "township"),
    manifest: bool = True,
) -> list[Path]:
    """Write ``n`` small UTF-8 reports (and a manifest with year/level) into ``folder``.

    Returns:
        The report paths, sorted.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    rows = []
    paths = []
    for i in range(n):
        year = years[i % len(years)]
        level = levels[i % len(levels)]
        name = f"{i + 1:04d}.txt"
        title = f"{year}年政府工作报告"
        text = make_report(rng, title=title, n_paragraphs=6 + (i % 4) * 3)
        (folder / name).write_text(text, encoding="utf-8")
        rows.append({"file": name, "title": title, "year": year, "level": level})
        paths.append(folder / name)
    if manifest:
        pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    return sorted(paths)


def simple_tokens(paragraphs: pd.DataFrame, *, width: int = 2) -> pd.DataFrame:
    """A tiny deterministic tokenizer (character bigrams of CJK runs) in the tokens contract.

    Used where the real tokenizer is not needed (streaming, Dask plumbing) so those tests do
    not depend on another layer.

    Returns:
        Columns ``doc_id, para_id, token, start, end``.
    """
    rows = []
    for doc_id, para_id, text in zip(
        paragraphs["doc_id"], paragraphs["para_id"], paragraphs["text"], strict=True
    ):
        start = None
        for i, ch in enumerate(str(text) + "。"):
            if "\u4e00" <= ch <= "\u9fff":
                if start is None:
                    start = i
                continue
            if start is not None:
                for j in range(start, i - width + 1, width):
                    rows.append((str(doc_id), int(para_id), text[j : j + width], j, j + width))
                start = None
    out = pd.DataFrame(rows, columns=["doc_id", "para_id", "token", "start", "end"])
    return out.astype({"para_id": "int32", "start": "int32", "end": "int32"})


def synthetic_paragraphs(*, n_docs: int = 12, seed: int = 0) -> pd.DataFrame:
    """Paragraphs frame (``doc_id, para_id, text``) built from :data:`SENTENCES`."""
    rng = random.Random(seed)
    rows = []
    for d in range(n_docs):
        report = make_report(rng, title=f"报告{d}", n_paragraphs=6 + d % 5)
        paras = [p for p in report.split("\n") if p.strip()]
        for p_id, text in enumerate(paras):
            rows.append({"doc_id": f"{d:03d}", "para_id": p_id, "text": text})
    return pd.DataFrame(rows)


def square(x: int) -> int:
    """Pool target for tests (module-level so spawned workers can import it)."""
    return x * x


def worker_pid(_: object) -> int:
    """Pool target returning the worker's process id."""
    import os

    return os.getpid()


def synthetic_theme_scores(
    *, n_docs: int = 120, seed: int = 0, years: tuple[int, ...] = (2001, 2002, 2003, 2004)
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents (doc_id, year, level) and theme scores with a known rising trend.

    Theme ``rising`` has per-1k rate ``2 * (year - first_year + 1)``; ``flat`` is always
    present at rate 5; ``rare`` appears only in level ``county``.

    Returns:
        ``(documents, theme_scores)``; theme_scores has ``doc_id, theme, hits,
        per_1k_tokens, share``.
    """
    rng = np.random.default_rng(seed)
    docs, scores = [], []
    for i in range(n_docs):
        year = years[i % len(years)]
        level = ("county", "township")[i % 2]
        doc_id = f"d{i:04d}"
        docs.append({"doc_id": doc_id, "year": year, "level": level})
        n_tokens = 1000
        rising = rng.poisson(2 * (year - years[0] + 1))
        flat = rng.poisson(5)
        rare = rng.poisson(3) if level == "county" else 0
        total = rising + flat + rare or 1
        for theme, hits in (("rising", rising), ("flat", flat), ("rare", rare)):
            scores.append(
                {
                    "doc_id": doc_id,
                    "theme": theme,
                    "hits": int(hits),
                    "per_1k_tokens": 1000.0 * hits / n_tokens,
                    "share": hits / total,
                }
            )
    documents = pd.DataFrame(docs).astype({"year": "Int64"})
    return documents, pd.DataFrame(scores)
