"""A seeded N× copy of a corpus for scale benchmarks, perturbed so that dedup keeps every copy.

``multiply_corpus(source, out, factor=10, seed=…)`` writes ``factor`` copies of every raw file
of ``source`` into ``out`` (never into ``source``): copy 0 is the file itself (re-encoded as
UTF-8), copies 1 … factor−1 are perturbed versions, and ``out/manifest.csv`` has one row per
copy (the source manifest's columns plus ``copy_of``, ``copy`` and ``perturb_seed``).

The perturbation is *small for a reader* but large for 5-character shingles (the unit of
:mod:`analysis.corpus.dedup`), so near-duplicate detection keeps the copies as distinct
documents, while the vocabulary and the token distribution stay those of real reports (no
invented characters: a benchmark on the copies measures what a 10× real corpus would cost).
Per copy, with a generator seeded by ``(seed, file number, copy)``:

* **clause order**: inside each sentence (。！？；) of a body line, the clauses (，、：) are
  shuffled — every moved clause boundary changes the four shingles that cross it;
* **sentence order**: neighbouring sentences of a line are swapped with probability
  ``p_sentence_swap``;
* **synonyms**: frequent report words are replaced by a near-synonym
  (:data:`SYNONYMS`, both directions) with probability ``p_synonym`` per occurrence;
* **numbers**: the last digit of a number is changed with probability ``p_number``;
* **dropped paragraphs**: a body line is left out with probability ``p_drop``.

Headings, short lines (< ``min_line`` characters) and the first ``keep_head`` lines (title,
date, speaker) of the file and of each article (``第二篇：…``) are never changed, so articles,
titles, sections and metadata are detected as in the source. Copies of the same file are perturbed independently, so two copies differ from each
other about twice as much as each differs from the file itself.

    >>> from analysis.scale.multiply import multiply_corpus
    >>> manifest = multiply_corpus("reports/", "/tmp/reports-x10", factor=10, seed=1)
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pandas as pd

#: Near-synonym pairs of report vocabulary (each replaces the other).
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("加强", "强化"),
    ("推进", "推动"),
    ("提高", "提升"),
    ("加快", "加速"),
    ("积极", "主动"),
    ("认真", "切实"),
    ("进一步", "更加"),
    ("全面", "全方位"),
    ("完善", "健全"),
    ("促进", "带动"),
    ("开展", "实施"),
    ("坚持", "坚守"),
    ("重点", "重心"),
    ("努力", "尽力"),
    ("明显", "显著"),
    ("稳步", "平稳"),
    ("扎实", "务实"),
    ("不断", "持续"),
    ("建设", "构建"),
    ("发展", "进步"),
    ("群众", "民众"),
    ("企业", "厂商"),
    ("农民", "农户"),
    ("城市", "城区"),
    ("增长", "增加"),
    ("工作", "事务"),
    ("问题", "难题"),
    ("取得", "获得"),
    ("实现", "达成"),
    ("大力", "着力"),
)
_SYN = {a: b for a, b in SYNONYMS} | {b: a for a, b in SYNONYMS}
_SYN_RE = re.compile("|".join(sorted(map(re.escape, _SYN), key=len, reverse=True)))
_MARKS = "，、：；。！？,:;!?"
_SEGMENT = re.compile(f"[^{_MARKS}]+[{_MARKS}]*")
_PARTICLE = re.compile("[的了]")
_NUMBER = re.compile(r"\d+")
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])"
)

_ARTICLE = re.compile(r"^\s*第[一二三四五六七八九十百\d]+篇")  # several articles in one file

MANIFEST_COLUMNS = ["file", "copy_of", "copy", "perturb_seed"]


def _shuffle_segments(line: str, rng: random.Random) -> str:
    """The line's segments (text up to a clause or sentence mark) in a random order, each
    keeping its own mark; a final segment without a mark gets ``，`` while moved. A leading
    numbered heading segment (``一、…``, ``（二）…``, ``3、…``) stays first."""
    segments = _SEGMENT.findall(line)
    head = segments.pop(0) if segments and _HEADING.match(segments[0]) else ""
    if len(segments) < 2:
        return line
    if segments[-1][-1] not in _MARKS:
        segments[-1] += "，"
    rng.shuffle(segments)
    return head + "".join(segments)


def perturb_line(
    line: str,
    rng: random.Random,
    *,
    p_synonym: float = 0.7,
    p_particle: float = 0.5,
    p_number: float = 0.5,
) -> str:
    """One body line perturbed: segment order, synonyms, dropped particles, numbers."""
    text = _shuffle_segments(line, rng)
    text = _SYN_RE.sub(lambda m: _SYN[m.group()] if rng.random() < p_synonym else m.group(), text)
    text = _PARTICLE.sub(lambda m: "" if rng.random() < p_particle else m.group(), text)

    def number(m: re.Match) -> str:
        s = m.group()
        if rng.random() >= p_number:
            return s
        return s[:-1] + str((int(s[-1]) + rng.randint(1, 9)) % 10)

    return _NUMBER.sub(number, text)


def perturb_text(
    text: str,
    rng: random.Random,
    *,
    keep_head: int = 3,
    min_line: int = 30,
    p_drop: float = 0.03,
    **line_options: float,
) -> str:
    """A perturbed copy of a raw report text (see the module docstring); pure given ``rng``.

    Args:
        text: the raw text (lines as in the file).
        rng: the copy's seeded generator.
        keep_head: leading non-empty lines left as they are (title, date, speaker).
        min_line: lines shorter than this (headings, fields) are left as they are.
        p_drop: probability of leaving a body line out.
        **line_options: ``p_sentence_swap``, ``p_synonym``, ``p_number`` of :func:`perturb_line`.

    Returns:
        The perturbed text.
    """
    out = []
    seen = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if _ARTICLE.match(line):  # an article marker starts a new head (title, date …)
            seen = 0
        if stripped:
            seen += 1
        if seen <= keep_head or len(stripped) < min_line:
            out.append(line)
            continue
        if rng.random() < p_drop:
            continue
        out.append(perturb_line(line, rng, **line_options))
    return "\n".join(out)


def copy_name(path: Path, copy: int) -> str:
    """File name of copy ``copy`` of ``path`` (``0001.txt`` → ``0001-x03.txt``; copy 0 keeps
    the name)."""
    return path.name if copy == 0 else f"{path.stem}-x{copy:02d}{path.suffix}"


def multiply_corpus(
    source: str | Path,
    out: str | Path,
    *,
    factor: int = 10,
    seed: int = 20240601,
    files: list[Path] | None = None,
) -> pd.DataFrame:
    """Write ``factor`` copies of every raw file of ``source`` into ``out`` (see module doc).

    Args:
        source: raw folder (only read).
        out: output folder (created; must not be ``source``). Existing copies are overwritten.
        factor: copies per file (1 = the corpus itself).
        seed: master seed; copy ``c`` of the ``i``-th file uses ``seed * 1_000_003 + i * 1_009
            + c`` (independent of the other files, so a subset is reproducible too).
        files: the raw files to copy (default: all of ``source``).

    Returns:
        The manifest written to ``out/manifest.csv``: the source manifest's columns (if any)
        with ``file`` = the copy's name, plus ``copy_of`` (source file name), ``copy`` (0 =
        unchanged) and ``perturb_seed``; ``chars`` (if present) is the copy's length.
    """
    from analysis.corpus.io import decode_bytes, list_raw_files, read_manifest

    source, out = Path(source), Path(out)
    if factor < 1:
        raise ValueError(f"factor must be at least 1, got {factor}")
    if out.resolve() == source.resolve() or source.resolve() in out.resolve().parents:
        raise ValueError(f"the copies must not be written into the source folder {source}")
    files = list_raw_files(source) if files is None else [Path(f) for f in files]
    manifest = read_manifest(source)
    meta = (
        manifest.drop_duplicates("file").set_index("file")
        if manifest is not None and "file" in manifest
        else None
    )
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, path in enumerate(files):
        text, _ = decode_bytes(path.read_bytes())
        text = text.replace("\r\n", "\n")
        base = meta.loc[path.name].to_dict() if meta is not None and path.name in meta.index else {}
        for c in range(factor):
            copy_seed = seed * 1_000_003 + i * 1_009 + c
            copy = text if c == 0 else perturb_text(text, random.Random(copy_seed))
            name = copy_name(path, c)
            (out / name).write_text(copy, encoding="utf-8")
            row = {**base, "file": name, "copy_of": path.name, "copy": c}
            row["perturb_seed"] = copy_seed if c else ""
            if "chars" in row:
                row["chars"] = len(copy)
            rows.append(row)
    frame = pd.DataFrame(rows)
    cols = ["file"] + [c for c in frame.columns if c not in MANIFEST_COLUMNS] + MANIFEST_COLUMNS[1:]
    frame = frame[cols]
    frame.to_csv(out / "manifest.csv", index=False)
    return frame
