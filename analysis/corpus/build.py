"""Raw folder → clean, traceable documents and paragraphs, with a record of every change.

The public entry point is :func:`load_corpus`; :func:`process_file` does the per-file work and is
spawn-safe (module-level, picklable arguments) so ingestion can run in a process pool or on Dask.

Example:
    >>> import analysis as an
    >>> corpus = an.load_corpus()                       # data/raw
    >>> corpus.documents[["doc_id", "title", "place", "date", "duplicate_of"]]
    >>> paras = an.analysis_paragraphs(corpus)          # near-duplicates excluded
"""

from __future__ import annotations

import argparse
import functools
import logging
import re
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis import paths
from analysis.errors import InputFileError
from analysis.progress import Progress

from .boilerplate import CANDIDATE_COLUMNS, drop_recurring, line_shape, recurring_lines
from .boilerplate import MAX_CHARS as BOILERPLATE_MAX_CHARS
from .clean import ChromePatterns, CleanResult, clean_line, clean_lines, load_chrome_patterns
from .dedup import duplicate_mask, mark_duplicates, near_duplicate_pairs
from .genre import (
    SUBSTANCE,
    genre_evidence,
    load_genre_profiles,
    paragraph_lists,
    paragraph_roles,
    role_counts,
)
from .io import describe_ignored, read_manifest, read_raw_file, scan_raw_folder
from .markdown import MARKDOWN_SUFFIXES, heading_levels, markdown_lines
from .meta import header_date, parse_date, signature_date, title_block, title_year
from .places import closing_lines, infer_place
from .script import detect_script, to_simplified, to_simplified_many
from .structure import (
    LINE_END_OK,
    SENTENCE_END,
    WRAP_MIN,
    article_preamble,
    infer_wrap_width,
    join_wrapped,
    numbered_level,
    split_articles_numbered,
    split_long,
    structure_rows,
)

if TYPE_CHECKING:  # pragma: no cover
    from analysis.scale.parallel import Executor

    from .genre import GenreProfiles

log = logging.getLogger(__name__)

DOCUMENT_COLUMNS = [
    "doc_id", "source_file", "title", "title_original", "place", "place_level", "province",
    "date", "year", "script",
    "n_chars", "n_paragraphs", "duplicate_of", "author", "source", "editor", "signature",
    "genre", "genre_evidence",
]  # fmt: skip
PARAGRAPH_COLUMNS = [
    "doc_id", "para_id", "kind", "section", "section_no", "subsection", "position",
    "text", "text_original", "n_chars", "n_garbled", "role", "line_no",
]  # fmt: skip
COUNT_COLUMNS = [
    "chrome_lines", "related_lines", "byline_lines", "signature_lines", "pinyin_annotations",
    "garbled_spans", "garbled_chars", "urls", "width_normalised", "wrapped_lines_joined",
    "repeated_paragraphs", "title_copies_and_fragments", "non_substance_paragraphs",
    "recurring_lines", "removed_lines",
]  # fmt: skip
REMOVED_COLUMNS = ["doc_id", "source_file", "line_no", "rule", "text"]
QUALITY_COLUMNS = [
    "source_file", "doc_id", "encoding", "status", "reason", "n_bytes",
    "n_chars_raw", "n_chars_clean", *COUNT_COLUMNS,
]  # fmt: skip
MANIFEST_OVERRIDES = ("title", "date", "place", "year")


@dataclass
class Corpus:
    """The three corpus tables (see docs/CONTRACTS.md for every column).

    Attributes:
        documents: one row per document (``doc_id, source_file, title, place, date, year, script,
            n_chars, n_paragraphs, duplicate_of`` + byline fields + manifest columns).
        paragraphs: one row per paragraph (``doc_id, para_id, kind, section, section_no,
            subsection, position, text, text_original, n_chars, n_garbled``).
        quality: one row per raw file and per document: encoding, status, reason and counts of
            every kind of removal.
        duplicates: confirmed near-duplicate pairs (``doc_a, doc_b, jaccard, containment``).
        removed_lines: every line cleaning dropped (``doc_id, source_file, line_no, rule,
            text``; ``line_no`` is the 1-based line of the raw file). Rules: ``chrome:<category>``,
            ``related_block``, ``field:<field>``, ``field_value:<field>``, ``title_copy``,
            ``wrap_fragment``, ``signature``, ``repeated_paragraph``, ``recurring_line`` and, for
            markdown, ``front_matter``, ``html_comment``, ``md_rule``, ``md_image``, ….
        boilerplate: shapes of short lines recurring across documents
            (:func:`analysis.corpus.boilerplate.recurring_lines`), with whether each was removed.
        ignored_files: files in the folder that were not read, by extension (``extension,
            n_files``).
    """

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    quality: pd.DataFrame
    duplicates: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_dir: Path | None = None
    removed_lines: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=REMOVED_COLUMNS)
    )
    boilerplate: pd.DataFrame = field(default_factory=pd.DataFrame)
    ignored_files: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["extension", "n_files"])
    )

    def summary(self) -> str:
        """A few lines describing the corpus (printed by ``python -m analysis corpus``)."""
        q = self.quality
        files = q[q["doc_id"] == ""] if "doc_id" in q else q
        skipped = files[files["status"] != "ok"]
        articles = q[q["doc_id"] != ""] if "doc_id" in q else q.iloc[:0]
        skipped_articles = articles[articles["status"] != "ok"]
        n_dup = int((self.documents["duplicate_of"] != "").sum())
        totals = articles[COUNT_COLUMNS].sum()
        lines = [
            f"{len(files)} files read ({len(skipped)} skipped) -> {len(self.documents)} documents "
            f"({len(skipped_articles)} skipped), {n_dup} near-duplicate(s), "
            f"{len(self.paragraphs)} paragraphs",
            "removed/flagged: " + ", ".join(f"{k}={int(v)}" for k, v in totals.items() if v),
        ]
        if "role" in self.paragraphs:
            roles = self.paragraphs.loc[self.paragraphs["role"] != SUBSTANCE, "role"]
            counts = roles.value_counts().sort_index()
            lines.append(
                f"not substance (left out of themes, keywords, topics): {len(roles)} paragraphs"
                + (
                    ""
                    if counts.empty
                    else " (" + ", ".join(f"{k}={v}" for k, v in counts.items()) + ")"
                )
            )
        if "genre" in self.documents:
            genres = self.documents["genre"].value_counts().sort_index()
            lines.append("genre by evidence: " + ", ".join(f"{k}={v}" for k, v in genres.items()))
        if len(self.removed_lines):
            by_rule = self.removed_lines["rule"].str.split(":").str[0].value_counts()
            lines.append(
                f"{len(self.removed_lines)} lines removed (removed_lines.csv): "
                + ", ".join(f"{k}={v}" for k, v in by_rule.items())
            )
        if len(self.ignored_files):
            ignored = Counter(
                dict(zip(self.ignored_files["extension"], self.ignored_files["n_files"]))
            )
            lines.append(describe_ignored(ignored))
        lines += [f"skipped {r.source_file}: {r.reason}" for r in skipped.itertuples()]
        lines += [
            f"skipped {r.source_file} ({r.doc_id}): {r.reason}"
            for r in skipped_articles.itertuples()
        ]
        return "\n".join(lines)


def doc_id_bases(files: list[Path]) -> dict[Path, str]:
    """Stable id stem per file: the part before the first ``_`` when unique, else the stem;
    stems that still clash (same name in two subfolders, ``a.txt`` and ``a.md``) get the parent
    folder and the suffix added."""
    prefixes = {p: p.stem.split("_")[0] for p in files}
    counts = Counter(prefixes.values())
    bases = {p: (pre if counts[pre] == 1 and pre else p.stem) for p, pre in prefixes.items()}
    clash = Counter(bases.values())
    for p, base in bases.items():
        if clash[base] > 1:
            bases[p] = f"{p.parent.name}-{p.stem}{p.suffix.replace('.', '-')}"
    return bases


def source_names(files: list[Path], folder: Path) -> dict[Path, str]:
    """``source_file`` of each file: its name, or its path relative to ``folder`` when the
    folder was read recursively and the file sits in a subfolder."""
    out = {}
    for p in files:
        try:
            out[p] = p.relative_to(folder).as_posix()
        except ValueError:
            out[p] = p.name
    return out


_NON_CJK = re.compile(r"[^\u4e00-\u9fff]+")  # runs: one substitution per run, not per character
REPEAT_MIN_CJK = 30  # shorter paragraphs may legitimately recur (headings, formulas)
REPEAT_NEIGHBOURS = 2  # a fragment repeats the tail of one of this many previous paragraphs


def _drop_repeats(lines: list[str], start: int) -> tuple[list[str], list[int]]:
    """Drop body paragraphs that are copies made by a scraper, keeping quotations and notes.

    A paragraph (≥ ``REPEAT_MIN_CJK`` CJK characters) is dropped when its CJK characters equal
    those of an earlier paragraph (a block rendered twice) or the opening of one (a truncated
    excerpt), or when it is the tail of one of the ``REPEAT_NEIGHBOURS`` paragraphs just before
    it (a re-wrapped fragment). A paragraph whose text occurs INSIDE a longer earlier paragraph
    is kept: that is a quotation, a note or glossary entry (“3122”目标：…) or a plan repeating
    last year's wording, in a new context.

    Returns:
        ``(kept_lines, dropped_indices)``.
    """
    kept, dropped = lines[:start], []
    seen: set[str] = set()
    heads: list[str] = []  # sorted: the earlier paragraphs starting with ``core`` follow it
    recent: list[str] = []
    cores = _cjk_cores(lines[start:])
    for i, (line, core) in enumerate(zip(lines[start:], cores), start=start):
        if len(core) >= REPEAT_MIN_CJK and (
            core in seen
            or ((k := bisect_left(heads, core)) < len(heads) and heads[k].startswith(core))
            or any(len(core) < len(s) and s.endswith(core) for s in recent)
        ):
            dropped.append(i)
            continue
        seen.add(core)
        if len(core) >= REPEAT_MIN_CJK:
            insort(heads, core)
        recent = [*recent, core][-REPEAT_NEIGHBOURS:]
        kept.append(line)
    return kept, dropped


def _cjk_cores(lines: list[str]) -> list[str]:
    """``_NON_CJK.sub("", line)`` for every line, in one pass over code points (numpy): the
    regex cost ~45 ns per character."""
    text = "\n".join(lines)
    if len(lines) < 2 or text.count("\n") != len(lines) - 1:  # a line break inside a line
        return [_NON_CJK.sub("", line) for line in lines]
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate
        return [_NON_CJK.sub("", line) for line in lines]
    keep = ((codes >= 0x4E00) & (codes <= 0x9FFF)) | (codes == 0x0A)
    return codes[keep].tobytes().decode("utf-32-le").split("\n")


def _norm_title(s: str) -> str:
    return re.sub(r"[\s\-—–·•:：]+", "", s)


def _align(source: list[str], nos: list[int], kept: list[str]) -> tuple[list[int], list[int]]:
    """Line numbers of ``kept`` (a subsequence of ``source``) and the source indices dropped."""
    out: list[int] = []
    dropped: list[int] = []
    j = 0
    for line in kept:
        k = j
        while k < len(source) and source[k] != line:
            k += 1
        if k == len(source):  # not from the source (e.g. a marker title)
            out.append(0)
            continue
        dropped.extend(range(j, k))
        out.append(nos[k])
        j = k + 1
    dropped.extend(range(j, len(source)))
    return out, dropped


BLANK_SEPARATED_MAX = 0.9  # blank lines after more lines than this: double spacing, no signal


def _paragraph_breaks(lines: list[str], nos: list[int], blank_nos: list[int]) -> set[int]:
    """Indices of lines that follow a blank line, when blank lines separate paragraphs.

    In a double-spaced hard-wrapped text (a blank line after nearly every line) blank lines say
    nothing about paragraphs, so no break is returned.
    """
    if not blank_nos or len(lines) < 2:
        return set()
    # _blank_between for every pair of neighbouring lines, by one binary search (numpy)
    blanks = np.asarray(blank_nos, dtype=np.int64)
    at = np.asarray(nos, dtype=np.int64)
    k = np.searchsorted(blanks, at[:-1] + 1, side="left")
    hit = (k < len(blanks)) & (blanks[np.minimum(k, len(blanks) - 1)] < at[1:])
    after = (np.flatnonzero(hit) + 1).tolist()
    if len(after) > BLANK_SEPARATED_MAX * (len(lines) - 1) and infer_wrap_width(lines):
        return set()
    return set(after)


def _blank_between(blank_nos: list[int], a: int, b: int) -> bool:
    """Is there a blank line strictly between file lines ``a`` and ``b``?"""
    k = bisect_left(blank_nos, a + 1)
    return k < len(blank_nos) and blank_nos[k] < b


def _drop_shapes(cleaned: CleanResult, shapes: frozenset[str], removed: list) -> int:
    """Remove lines whose :func:`~analysis.boilerplate.line_shape` is in ``shapes``, in place."""
    keep_lines, keep_nos, n = [], [], 0
    known = cleaned.simplified
    for line, no in zip(cleaned.lines, cleaned.line_nos):
        if (
            len(line) <= BOILERPLATE_MAX_CHARS
            and line_shape(known.get(line) or to_simplified(line)) in shapes
        ):
            removed.append((no, "recurring_line", line))
            n += 1
            continue
        keep_lines.append(line)
        keep_nos.append(no)
    cleaned.lines, cleaned.line_nos = keep_lines, keep_nos
    return n


def _glue_fragments(cleaned: CleanResult) -> int:
    """Append one-character lines left by a hard wrap ("…建" + "设") to the line they end,
    in place, before the title step would drop them as fragments. Returns the number glued."""
    lines, nos = cleaned.lines, cleaned.line_nos
    if len(lines) < 2 or not any(len(x) == 1 for x in lines):
        return 0
    wrap = infer_wrap_width(lines)
    limit = wrap[0] - 2 if wrap else WRAP_MIN
    out, out_nos, glued = [lines[0]], [nos[0]], 0
    for line, no in zip(lines[1:], nos[1:]):
        prev = out[-1]
        if (
            len(line) == 1
            and ("\u4e00" <= line <= "\u9fff" or line in SENTENCE_END + "”」』)）")
            and len(prev) >= limit
            and prev[-1] not in LINE_END_OK
            and not _blank_between(cleaned.blank_nos, out_nos[-1], no)
        ):
            out[-1] = prev + line
            glued += 1
            continue
        out.append(line)
        out_nos.append(no)
    cleaned.lines, cleaned.line_nos = out, out_nos
    return glued


def _join_in_place(cleaned: CleanResult, mark_of: dict[int, int]) -> None:
    """Re-join the hard-wrapped lines of a cleaned article (keeping first-line numbers)."""
    nos = cleaned.line_nos
    keep = {i for i, no in enumerate(nos) if no in mark_of}
    breaks = _paragraph_breaks(cleaned.lines, nos, cleaned.blank_nos)
    joined, starts = join_wrapped(cleaned.lines, keep=keep, breaks=breaks)
    cleaned.lines, cleaned.line_nos = joined, [nos[s] for s in starts]


STRUCTURE_COLUMNS = ["para_id", "kind", "section", "section_no", "subsection", "text_original"]


@dataclass
class _Article:
    meta: dict
    paras: dict[str, list]  # STRUCTURE_COLUMNS + line_no (empty lists: no paragraph)
    counts: Counter
    removed: list[tuple[int, str, str]]
    simplified: dict[str, str] = field(default_factory=dict)  # see CleanResult.simplified


def _article(
    lines: list[str],
    marker_title: str,
    patterns: ChromePatterns,
    *,
    line_nos: list[int] | None = None,
    md_headings: dict[int, int] | None = None,
    drop_shapes: frozenset[str] = frozenset(),
    front_title: str = "",
) -> _Article:
    """Clean and structure one article; ``md_headings`` maps file line numbers to markdown
    heading levels. Every dropped line is returned in ``removed`` as ``(line_no, rule, text)``."""
    cleaned = clean_lines(lines, patterns, line_nos=line_nos)
    counts = Counter(cleaned.counts)
    removed = list(cleaned.removed)
    if drop_shapes:
        counts["recurring_lines"] += _drop_shapes(cleaned, drop_shapes, removed)
    counts["wrapped_lines_joined"] += _glue_fragments(cleaned)
    mark_of = md_headings or {}
    prejoined = infer_wrap_width(cleaned.lines) is not None
    if prejoined:  # hard-wrapped: re-join before the title step, which takes short lines
        n = len(cleaned.lines)
        _join_in_place(cleaned, mark_of)
        counts["wrapped_lines_joined"] += n - len(cleaned.lines)
    marker = clean_line(marker_title)[0] if marker_title else ""
    n_before = len(cleaned.lines) + (1 if marker else 0)
    front_title = clean_line(front_title)[0] if front_title else ""
    title, body, n_title = title_block(cleaned.lines, marker, meta_title=front_title)
    counts["title_copies_and_fragments"] += max(0, n_before - len(body))
    if (marker or front_title) and body and body[0] == title:  # the given title, prepended
        tail_nos, dropped = _align(cleaned.lines, cleaned.line_nos, body[1:])
        nos = [0, *tail_nos]
    else:
        nos, dropped = _align(cleaned.lines, cleaned.line_nos, body)
    for k in dropped:
        line = cleaned.lines[k]
        rule = "wrap_fragment" if len(_norm_title(line)) <= 1 else "title_copy"
        removed.append((cleaned.line_nos[k], rule, line))
    sig_date, sig_at = signature_date(body)
    signature = ""
    if sig_at >= n_title and sig_at >= 0:
        signature = body.pop(sig_at)
        removed.append((nos.pop(sig_at), "signature", signature))
        counts["signature_lines"] += 1
    rest = list(zip(body[n_title:], nos[n_title:]))
    if prejoined:
        joined, starts = [x for x, _ in rest], list(range(len(rest)))
    else:
        keep = {j for j, (_, no) in enumerate(rest) if no in mark_of}
        breaks = _paragraph_breaks([x for x, _ in rest], [no for _, no in rest], cleaned.blank_nos)
        joined, starts = join_wrapped([x for x, _ in rest], keep=keep, breaks=breaks)
        counts["wrapped_lines_joined"] += len(rest) - len(joined)
    items = [(x, no, None) for x, no in zip(body[:n_title], nos[:n_title])]
    for text, s in zip(joined, starts):
        no = rest[s][1]
        for k, piece in enumerate(split_long(text)):
            items.append((piece, no, mark_of.get(no) if k == 0 else None))
    _, rep = _drop_repeats([x for x, _, _ in items], n_title)
    counts["repeated_paragraphs"] += len(rep)
    for k in rep:
        removed.append((items[k][1], "repeated_paragraph", items[k][0]))
    rep_set = set(rep)
    items = [it for k, it in enumerate(items) if k not in rep_set]
    final = [x for x, _, _ in items]
    marks = {k: m for k, (_, _, m) in enumerate(items) if m is not None and k >= n_title}
    levels = heading_levels(
        final,
        marks,
        numbered_level={k: lv for k in marks if (lv := numbered_level(final[k])) in ("top", "sub")},
    )
    rows = structure_rows(final, n_title_lines=n_title, headings=levels) if final else []
    paras = {c: [r[j] for r in rows] for j, c in enumerate(STRUCTURE_COLUMNS)}
    paras["line_no"] = [no for _, no, _ in items] if rows else []
    meta = dict(cleaned.meta)
    byline_date = parse_date(meta.get("date", "")) if meta.get("date") else ""
    meta.update(
        title_original=title,
        date=byline_date or sig_date or header_date(final),
        signature=signature,
    )
    return _Article(meta, paras, counts, removed, cleaned.simplified)


FRONT_MATTER_COLUMNS = {"title": "title", "date": "date", "source": "source", "author": "author"}


SHORT_REPORT_CHARS = 41  # a title-like block this long (or with clause punctuation) is text


def is_short_report(lines: list[str]) -> bool:
    """True when the only lines left (taken for a title block) are a short report's text.

    A title rarely has clause punctuation (，；。！？) or more than 40 characters; a one-line
    report usually has one of them, so it is kept as the document's body instead of being
    dropped as "nothing but a title".
    """
    text = "".join(lines)
    return len(text) >= SHORT_REPORT_CHARS or any(ch in text for ch in "，,；;。！？!?")


def _no_body_reason(originals: list[str], counts: Counter[str]) -> str:
    """Say truthfully why an article has no body (chrome only, title only, nothing)."""
    removed = sum(counts.get(c, 0) for c in ("chrome_lines", "related_lines", "byline_lines"))
    if originals:
        title = "".join(originals)[:40]
        return f"only a title line left after cleaning ({title!r}, {removed} chrome lines removed)"
    if removed:
        return f"no report text left after cleaning (web chrome only: {removed} lines removed)"
    return "no text left after cleaning"


def process_file(
    path: str | Path,
    doc_id_base: str,
    patterns: ChromePatterns | None = None,
    *,
    name: str | None = None,
    drop_shapes: frozenset[str] = frozenset(),
) -> tuple[list[dict], list[pd.DataFrame], list[dict], list[dict]]:
    """:func:`file_rows` with each document's paragraphs as a DataFrame.

    Returns:
        ``(document_rows, paragraph_frames, quality_rows, removed_rows)``; a skipped file yields
        no documents and one quality row whose ``reason`` names the problem. ``removed_rows``
        has the :data:`REMOVED_COLUMNS` of every line cleaning dropped. Each paragraph frame
        has the :data:`PARAGRAPH_COLUMNS` of one document.
    """
    docs, columns, quality, removed = file_rows(
        path, doc_id_base, patterns, name=name, drop_shapes=drop_shapes
    )
    return docs, [pd.DataFrame(c, columns=PARAGRAPH_COLUMNS) for c in columns], quality, removed


def file_rows(
    path: str | Path,
    doc_id_base: str,
    patterns: ChromePatterns | None = None,
    *,
    name: str | None = None,
    drop_shapes: frozenset[str] = frozenset(),
) -> tuple[list[dict], list[dict[str, list]], list[dict], list[dict]]:
    """Ingest one raw file: decode, (markdown → lines), split articles, clean, structure.

    Args:
        path: the raw file (``.txt``-like, or markdown by its suffix).
        doc_id_base: stable id stem (see :func:`doc_id_bases`).
        patterns: compiled chrome patterns (default ``data/lexicons/chrome.yaml``).
        name: the ``source_file`` value (default: the file name; the relative path when a
            folder is read recursively).
        drop_shapes: line shapes found to be boilerplate across the corpus (removed right
            after cleaning, rule ``recurring_line``, so titles and sections are found without
            them).

    Returns:
        ``(document_rows, paragraph_columns, quality_rows, removed_rows)``; a skipped file
        yields no documents and one quality row whose ``reason`` names the problem.
        ``removed_rows`` has the :data:`REMOVED_COLUMNS` of every line cleaning dropped; each
        document's paragraphs are plain column lists (:data:`PARAGRAPH_COLUMNS` -> list), so a
        corpus builds ONE paragraphs DataFrame.
    """
    pats = patterns if patterns is not None else load_chrome_patterns()
    raw = read_raw_file(path)
    source_file = name or raw.path.name
    file_row = {
        "source_file": source_file, "doc_id": "", "encoding": raw.encoding,
        "status": raw.status, "reason": raw.reason, "n_bytes": raw.n_bytes,
        "n_chars_raw": len(raw.text),
    }  # fmt: skip
    if raw.status != "ok":
        return [], [], [file_row], []
    file_lines = raw.text.split("\n")
    front: dict[str, str] = {}
    md_headings: dict[int, int] = {}
    removed_rows: list[dict] = []
    pre_removed: list[tuple[int, str, str]] = []
    if raw.path.suffix.lower() in MARKDOWN_SUFFIXES:
        md = markdown_lines(raw.text)
        file_lines, front, pre_removed = md.lines, md.meta, md.removed
        md_headings = {i + 1: level for i, level in md.headings.items()}
    articles = split_articles_numbered(file_lines)
    # a compilation's issue date (简报 第5期 … 2022年6月20日, before its first piece) dates every
    # piece that has no date of its own
    issue_date = header_date(article_preamble(file_lines)) if len(articles) > 1 else ""
    docs, frames, quality = [], [], [file_row]
    for k, (marker_title, lines, nos) in enumerate(articles, start=1):
        doc_id = doc_id_base if len(articles) == 1 else f"{doc_id_base}-{k}"
        art = _article(
            lines, marker_title, pats, line_nos=nos, md_headings=md_headings,
            drop_shapes=drop_shapes, front_title=front.get("title", "") if k == 1 else "",
        )  # fmt: skip
        meta, paras, counts = art.meta, art.paras, art.counts
        rows = art.removed + (pre_removed if k == 1 else [])
        removed_rows.extend(
            {"doc_id": doc_id, "source_file": source_file, "line_no": no, "rule": rule,
             "text": text}
            for no, rule, text in sorted(rows, key=lambda r: r[0])
        )  # fmt: skip
        kinds = paras["kind"]
        originals = paras["text_original"]
        has_body = any(k != "title" for k in kinds)
        q = {"source_file": source_file, "doc_id": doc_id, "encoding": raw.encoding,
             "status": "ok", "reason": "", "n_bytes": 0,
             "n_chars_raw": sum(len(x) for x in lines)}  # fmt: skip
        q.update({c: int(counts.get(c, 0)) for c in COUNT_COLUMNS})
        q["removed_lines"] = len(rows)
        if not has_body and originals and is_short_report(originals):
            # a one-line report (no sentence punctuation) looked like a title: it is the text
            kinds = paras["kind"] = ["body"] * len(originals)
            meta["title_original"] = ""
            has_body = True
        if not has_body:
            reason = _no_body_reason(originals, counts)
            q.update(status="skipped", reason=reason)
            log.warning("skipping %s (%s): %s", source_file, doc_id, reason)
            quality.append(q)
            continue
        # plain columns: the corpus builds one paragraphs DataFrame (see paragraphs_frame)
        columns = dict(paras)
        known = art.simplified  # lines clean_lines converted already: not converted again
        texts = to_simplified_many(originals, known)  # (at most) one OpenCC call per document
        is_body = [k != "title" for k in kinds]
        n = len(originals)
        span = max(1, n - 1)
        columns.update(
            doc_id=[doc_id] * n,
            position=[p / span for p in columns["para_id"]],
            text=texts,
            n_chars=[len(t) for t in texts],
            n_garbled=[t.count("\ufffd") for t in texts],
            role=[SUBSTANCE] * n,  # set corpus-wide by finish_corpus (corpus.genre)
        )
        frame = {c: columns[c] for c in PARAGRAPH_COLUMNS}
        original = "\n".join(o for o, b in zip(originals, is_body) if b)
        simplified = "\n".join(t for t, b in zip(texts, is_body) if b)
        title = known.get(meta["title_original"]) or to_simplified(meta["title_original"])
        header = "\n".join(t for t, b in zip(texts, is_body) if not b and t != title)
        signature = known.get(meta["signature"]) or to_simplified(meta["signature"])
        place = infer_place(title, simplified, header=header, signature=signature)
        # the signature column: the issuing-body lines that end the body (as infer_place reads
        # them), then the dated line; the lines stay paragraphs of the body
        n_closing = closing_lines(simplified, f"{title}\n{header}")
        closing = [o for o, b in zip(originals, is_body) if b][-n_closing:] if n_closing else []
        signature_lines = [*closing, meta.get("signature", "")]
        q["n_chars_clean"] = sum(len(t) for t in texts)
        front_date = parse_date(front.get("date", "")) if front.get("date") else ""
        date = front_date or meta["date"] or issue_date
        doc = {
            "doc_id": doc_id, "source_file": source_file, "title": title,
            "title_original": meta["title_original"],
            "place": place.place, "place_level": place.level, "province": place.province,
            "date": date,
            "year": int(date[:4]) if date else title_year(title),
            "script": detect_script(original, simplified), "n_chars": len(simplified),
            "n_paragraphs": n, "duplicate_of": "",
            "author": front.get("author") or meta.get("author", ""),
            "source": front.get("source") or meta.get("source", ""),
            "editor": meta.get("editor", ""), "signature": " ".join(x for x in signature_lines if x),
            "genre": "", "genre_evidence": "",
        }  # fmt: skip
        for key, value in front.items():
            if key not in FRONT_MATTER_COLUMNS:
                col = key if key not in doc and key not in DOCUMENT_COLUMNS else f"front_{key}"
                doc[col] = value
        docs.append(doc)
        frames.append(frame)
        quality.append(q)
    return docs, frames, quality, removed_rows


def documents_frame(docs: list[dict]) -> pd.DataFrame:
    """Document rows → the documents table: :data:`DOCUMENT_COLUMNS` first, then any extra
    columns (markdown front-matter keys) in order of appearance."""
    frame = pd.DataFrame(docs)
    extra = [c for c in frame.columns if c not in DOCUMENT_COLUMNS]
    frame = frame.reindex(columns=[*DOCUMENT_COLUMNS, *extra])
    for col in extra:
        frame[col] = frame[col].fillna("").astype(str)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _join_manifest(documents: pd.DataFrame, manifest: pd.DataFrame) -> pd.DataFrame:
    """Add manifest columns; non-empty manifest title/date/place/year override text-derived ones
    (which are kept as ``<col>_from_text``).

    ``year`` and ``date`` cells are parsed as Chinese metadata is written
    (:mod:`analysis.corpus.manifest_values`: ``2019年``, ``二〇二〇年``, ``2019-2020``, ``2019.3.5`` …);
    a range sets ``year_end``. A cell that cannot be parsed never replaces the value read from
    the text: it is logged as ``manifest.csv:LINE: problem`` and listed in the documents'
    ``manifest_problems`` column.
    """
    from analysis.corpus.manifest_values import parse_date, parse_year

    where = manifest.attrs.get("path", "manifest.csv")
    m = manifest.rename(columns={"file": "source_file"}).copy()
    problems: dict[str, list[str]] = {}
    parsed_years, year_end, parsed_dates = [], [], []
    for line, row in enumerate(m.to_dict("records"), start=2):  # header is line 1
        found: list[str] = []
        y, last, problem = parse_year(row.get("year", ""))
        found += [problem] if problem else []
        d, problem = parse_date(row.get("date", ""))
        found += [problem] if problem else []
        if y is None and d and not str(row.get("year", "")).strip():
            y = int(d[:4])  # a manifest date without a year column: the year follows the date
        parsed_years.append(y)
        year_end.append(last)
        parsed_dates.append(d)
        for problem in found:
            log.warning("%s:%d: %s; kept the value read from the text", where, line, problem)
        if found:
            problems[row["source_file"]] = found
    if "year" in m.columns or "date" in m.columns:
        m["year"] = pd.array(parsed_years, dtype="Int64")
        if any(v is not None for v in year_end):
            m["year_end"] = pd.array(year_end, dtype="Int64")
    if "date" in m.columns:
        m["date"] = parsed_dates
    clash = [c for c in m.columns if c in documents.columns and c != "source_file"]
    merged = documents.merge(m, on="source_file", how="left", suffixes=("", "__manifest"))
    multi = merged["source_file"].map(merged["source_file"].value_counts()) > 1
    for col in clash:
        man = merged.pop(f"{col}__manifest")
        if col in MANIFEST_OVERRIDES:
            use = man.notna() & (man.astype(str).str.strip() != "")
            if col == "title":
                use &= ~multi  # one manifest title cannot name several articles
            merged[f"{col}_from_text"] = merged[col]
            if col == "year":
                merged[col] = merged[col].astype("Int64").mask(use, man.astype("Int64"))
            else:
                merged[col] = merged[col].mask(use, man.fillna(""))
        else:
            merged[f"manifest_{col}"] = man.fillna("")
    merged["manifest_problems"] = merged["source_file"].map(
        lambda f: "; ".join(problems.get(f, []))
    )
    return merged


def load_corpus(
    data_dir: str | Path | None = None,
    *,
    chrome: str | Path | None = None,
    genres: str | Path | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    recursive: bool = False,
    boilerplate: bool = True,
) -> Corpus:
    """Read, clean and structure every report in a raw folder.

    Args:
        data_dir: Folder of raw ``.txt`` and markdown (``.md``) files (default ``data/raw``),
            optionally with ``manifest.csv``. Other files are counted by extension and logged.
        chrome: Alternative chrome-pattern YAML (default ``data/lexicons/chrome.yaml``).
        genres: Alternative genre-profile YAML (default ``data/lexicons/genres.yaml``): paragraph
            roles (``paragraphs.role``) and document genres (``documents.genre``).
        workers: Processes for per-file ingestion when no ``executor`` is given; 1 = in-process.
        executor: where per-file ingestion runs (:func:`analysis.scale.parallel.make_executor`:
            in-process, a process pool or Dask); the result is the same.
        recursive: Read subfolders too (``source_file`` is then the relative path).
        boilerplate: Remove lines recurring at the edges of many documents
            (:mod:`analysis.corpus.boilerplate`); candidates are reported in ``Corpus.boilerplate``
            either way.

    Returns:
        :class:`Corpus` with ``documents``, ``paragraphs``, ``quality``, ``duplicates``,
        ``removed_lines``, ``boilerplate`` and ``ignored_files``.

    Raises:
        InputFileError: if the folder is missing/empty, or the manifest or patterns are malformed.
    """
    folder = Path(data_dir) if data_dir is not None else paths.RAW
    files, ignored = scan_raw_folder(folder, recursive=recursive)
    if ignored:
        log.warning("%s: %s", folder, describe_ignored(ignored))
    if not files:
        extra = f"; {describe_ignored(ignored)}" if ignored else ""
        raise InputFileError(folder, f"no .txt or .md files in the raw data folder{extra}")
    manifest = read_manifest(folder)
    load_chrome_patterns(chrome)  # a malformed pattern file fails here, before any worker starts
    names = source_names(files, folder) if recursive else {f: f.name for f in files}
    kwargs = dict(manifest=manifest, chrome=chrome, folder=folder, names=names)
    if executor is not None:
        corpus = ingest_files(
            files, executor=executor, boilerplate=boilerplate, genres=genres, **kwargs
        )
    else:
        from analysis.scale.parallel import process_pool

        with process_pool(workers if len(files) > 1 else 1) as ex:
            corpus = ingest_files(
                files, executor=ex, boilerplate=boilerplate, genres=genres, **kwargs
            )
    corpus.ignored_files = pd.DataFrame(sorted(ignored.items()), columns=["extension", "n_files"])
    return corpus


def ingest_files(
    files: Sequence[str | Path],
    *,
    manifest: pd.DataFrame | None = None,
    chrome: str | Path | None = None,
    executor: Executor | None = None,
    n_chunks: int | None = None,
    folder: str | Path | None = None,
    names: dict[Path, str] | None = None,
    boilerplate: bool = True,
    genres: str | Path | None = None,
) -> Corpus:
    """Ingest raw files in contiguous chunks on an executor, then the corpus-wide steps
    (``genres``: the genre-profile YAML for :func:`finish_corpus`).

    Files are split into chunks balanced by size (about four per worker, one in-process), each
    chunk is ingested by :func:`ingest_chunk` wherever the executor runs it, the chunks are
    concatenated in file order and :func:`finish_corpus` marks near-duplicates and joins the
    manifest, so the corpus does not depend on the executor or the chunking. With
    ``boilerplate``, lines recurring across documents (:mod:`analysis.corpus.boilerplate`) are
    found in this first pass and the chunks holding them are ingested again without them.

    Args:
        names: ``source_file`` per file (default: the file name).

    Returns:
        :class:`Corpus`.
    """
    from analysis.scale.parallel import Executor as _Inline
    from analysis.scale.parallel import chunk_by_weight

    files = [Path(f) for f in files]
    executor = executor or _Inline()
    names_s = {str(f): (names or {}).get(f, f.name) for f in files}
    # in-process: one file per chunk, so progress is reported file by file
    n_chunks = n_chunks or (max(1, len(files)) if executor.workers <= 1 else 4 * executor.workers)
    sizes = [f.stat().st_size for f in files]
    bases = {str(f): b for f, b in doc_id_bases(files).items()}
    chunks = chunk_by_weight([str(f) for f in files], weights=sizes, n_chunks=n_chunks)
    chrome_s = str(chrome) if chrome else None
    tasks = [(c, {f: bases[f] for f in c}, chrome_s, {f: names_s[f] for f in c}) for c in chunks]
    progress = Progress(len(files), what="files")
    parts = []
    # chunks return plain rows; the corpus tables are built ONCE below (building DataFrames per
    # file and concatenating them cost more than cleaning the text)
    for chunk, part in zip(chunks, executor.imap(ingest_rows, tasks), strict=True):
        parts.append(part)
        progress.update(len(chunk), chars=part.n_chars_raw)
    progress.done()
    candidates = None
    if boilerplate and parts:
        parts, candidates = _reingest_boilerplate(parts, executor, tasks)
    corpus = rows_corpus(parts)
    if not len(corpus.documents):
        raise_empty(Path(folder) if folder else Path("."), corpus.quality)
    # the rows' own lists, which the paragraphs table was built from: finish_corpus reads them
    # instead of converting the table's columns back (the text column: ~0.1 CPU s)
    lists = {c: [x for p in parts for x in p.paras[c]] for c in ("doc_id", "kind", "text")}
    return finish_corpus(
        corpus.documents, corpus.paragraphs,
        corpus.quality, manifest=manifest, files=files, folder=folder, genres=genres,
        removed_lines=corpus.removed_lines if len(corpus.removed_lines) else None,
        boilerplate=boilerplate, candidates=candidates, lists=lists,
    )  # fmt: skip


def _reingest_boilerplate(
    parts: list[ChunkRows], executor: Executor, tasks: list[tuple]
) -> tuple[list[ChunkRows], pd.DataFrame]:
    """Find recurring boilerplate in the first-pass paragraphs and ingest the chunks holding it
    again with those line shapes dropped right after cleaning (so titles, wraps and sections are
    found without them). Chunks without boilerplate are not read again."""
    if not any(p.paras["text"] for p in parts):
        return parts, pd.DataFrame(columns=CANDIDATE_COLUMNS)
    n_docs = sum(len(p.docs) for p in parts)
    columns = ("doc_id", "para_id", "kind")  # with "text", what recurring_lines reads
    first = pd.DataFrame({c: [x for p in parts for x in p.paras[c]] for c in columns})
    # recurring_lines reads only the short texts; a longer one counts as a paragraph and is
    # passed as one stand-in longer than the limit, not copied into the frame
    long = " " * (BOILERPLATE_MAX_CHARS + 1)
    first["text"] = [t if len(t) <= BOILERPLATE_MAX_CHARS else long for p in parts
                     for t in p.paras["text"]]  # fmt: skip
    candidates = recurring_lines(first, n_docs)
    shapes = frozenset(candidates.loc[candidates["removed"].astype(bool), "shape"])
    if not shapes:
        return parts, candidates
    redo = []
    for i, part in enumerate(parts):
        if any(
            line_shape(t) in shapes for t in part.paras["text"] if len(t) <= BOILERPLATE_MAX_CHARS
        ):
            redo.append((i, (*tasks[i][:4], shapes)))
    out = list(parts)
    for (i, _), part in zip(redo, executor.imap(ingest_rows, [t for _, t in redo]), strict=True):
        out[i] = part
    return out, candidates


def _chrome_patterns(chrome: str | None) -> ChromePatterns:
    """:func:`load_chrome_patterns`, parsed once per process per file version (in-process
    ingestion runs one chunk per file; the YAML used to be parsed for every file)."""
    p = Path(chrome) if chrome else paths.LEXICONS / "chrome.yaml"
    try:
        st = p.stat()
        version = (st.st_mtime_ns, st.st_size)
    except OSError:
        return load_chrome_patterns(chrome)  # the loader names the problem
    return _chrome_patterns_cached(str(p), version)


@functools.lru_cache(maxsize=4)
def _chrome_patterns_cached(path: str, version: tuple[int, int]) -> ChromePatterns:
    return load_chrome_patterns(path)


@dataclass
class ChunkRows:
    """The rows of one ingested chunk, before any DataFrame is built (see :func:`ingest_rows`).

    Attributes:
        docs: document rows; paras: :data:`PARAGRAPH_COLUMNS` -> list over every document;
        quality: quality rows (per file and per document); removed: :data:`REMOVED_COLUMNS`
        rows; n_chars_raw: raw characters of the chunk's files (for progress).
    """

    docs: list[dict]
    paras: dict[str, list]
    quality: list[dict]
    removed: list[dict]
    n_chars_raw: int = 0


def ingest_rows(task: tuple) -> ChunkRows:
    """:func:`ingest_chunk` without building DataFrames (plain rows, cheap to pickle and to
    gather; :func:`rows_corpus` builds the tables once for all chunks)."""
    files, bases, chrome = task[:3]
    names = task[3] if len(task) > 3 else {}
    shapes = task[4] if len(task) > 4 else frozenset()
    patterns = _chrome_patterns(chrome)
    out = ChunkRows([], {c: [] for c in PARAGRAPH_COLUMNS}, [], [])
    for f in files:
        docs, columns, quality, removed = file_rows(
            Path(f), bases[str(f)], patterns, name=names.get(str(f)), drop_shapes=shapes
        )
        out.docs.extend(docs)
        for cols in columns:
            for c in PARAGRAPH_COLUMNS:
                out.paras[c].extend(cols[c])
        out.quality.extend(quality)
        out.removed.extend(removed)
        out.n_chars_raw += sum(int(q.get("n_chars_raw") or 0) for q in quality if not q["doc_id"])
    return out


def rows_corpus(parts: Sequence[ChunkRows]) -> Corpus:
    """The corpus tables of ingested chunks, in chunk order, each built once (no
    near-duplicates, manifest or genres yet: :func:`finish_corpus` adds them)."""
    docs = [d for p in parts for d in p.docs]
    quality = pd.DataFrame([q for p in parts for q in p.quality]).reindex(columns=QUALITY_COLUMNS)
    removed = pd.DataFrame([x for p in parts for x in p.removed], columns=REMOVED_COLUMNS)
    documents = documents_frame(docs) if docs else pd.DataFrame(columns=DOCUMENT_COLUMNS)
    documents["year"] = documents["year"].astype("Int64")
    paras = {c: [x for p in parts for x in p.paras[c]] for c in PARAGRAPH_COLUMNS}
    paragraphs = pd.DataFrame(paras if paras["doc_id"] else None, columns=PARAGRAPH_COLUMNS)
    return Corpus(documents, paragraphs, quality, removed_lines=removed)


def ingest_chunk(task: tuple[list[str], dict[str, str], str | None]) -> Corpus:
    """Ingest one chunk of raw files with :func:`process_file` (an executor task).

    Near-duplicates and the manifest are *not* handled here: both need every document (see
    :func:`finish_corpus`).

    Args:
        task: ``(file paths, {path: doc_id base}, chrome-pattern file or None[, {path:
            source_file}[, line shapes to drop]])``; the doc-id bases come from
            :func:`doc_id_bases` over *all* files, so ids do not depend on how files are
            chunked.

    Returns:
        A :class:`Corpus` of these files (``duplicate_of`` all "", no ``duplicates``).
    """
    return rows_corpus([ingest_rows(task)])


def finish_corpus(
    documents: pd.DataFrame,
    paragraphs: pd.DataFrame,
    quality: pd.DataFrame,
    *,
    manifest: pd.DataFrame | None = None,
    files: Sequence[str | Path] = (),
    folder: str | Path | None = None,
    removed_lines: pd.DataFrame | None = None,
    boilerplate: bool = True,
    candidates: pd.DataFrame | None = None,
    genres: str | Path | None = None,
    labels: pd.DataFrame | None = None,
    pairs: pd.DataFrame | None = None,
    lists: dict[str, list] | None = None,
) -> Corpus:
    """Corpus-wide steps after per-file ingestion (:func:`process_file`), shared by
    :func:`load_corpus`, :mod:`analysis.scale.parallel` and :mod:`analysis.scale.distributed`:
    recurring boilerplate lines (:mod:`analysis.corpus.boilerplate`), paragraph roles and
    document genres (:mod:`analysis.corpus.genre`, rules in ``genres``, default
    ``data/lexicons/genres.yaml``), near-duplicate marking, the manifest join, manifest files
    that are missing, quality columns.

    Args:
        documents, paragraphs, quality: the concatenated per-file outputs, in corpus order.
        manifest: the folder's manifest (see :func:`analysis.corpus.io.read_manifest`), if any.
        files: the raw files that were read (to report manifest entries with no file).
        folder: the raw folder (for messages).
        removed_lines: the per-file removed lines (``REMOVED_COLUMNS``), if collected.
        boilerplate: remove recurring boilerplate lines (needs the full paragraphs table; with
            only ``doc_id, kind, text`` nothing is done).
        candidates: boilerplate candidates already found and removed by re-ingestion
            (:func:`load_corpus`); when given, they are reported and nothing more is removed.
        labels: per-document genre labels already computed where the paragraphs are
            (:func:`document_labels`, e.g. per partition by :mod:`analysis.scale.distributed`);
            when given, paragraph roles and genres are not recomputed from ``paragraphs``.
        pairs: near-duplicate pairs already found (:func:`analysis.corpus.dedup.pairs_from_sketches`);
            when given, ``paragraphs`` are not read for them.
        lists: some columns of ``paragraphs`` (``doc_id``, ``kind``, ``text``) as the plain
            lists the table was built from (:func:`ingest_files` still holds them), so they are
            not converted back from the table; ignored when recurring lines are dropped here.

    Returns:
        The finished :class:`Corpus`.
    """
    folder = Path(folder) if folder is not None else None
    if documents.empty:
        raise_empty(folder or Path("."), quality)
    documents = documents.copy()
    removed = (
        removed_lines.reindex(columns=REMOVED_COLUMNS)
        if removed_lines is not None
        else pd.DataFrame(columns=REMOVED_COLUMNS)
    )
    full = set(PARAGRAPH_COLUMNS) <= set(paragraphs.columns)
    if candidates is not None:
        full = False
    else:
        candidates = pd.DataFrame(columns=CANDIDATE_COLUMNS)
    if full:
        candidates = recurring_lines(paragraphs, len(documents))
        if not boilerplate:
            candidates["removed"] = False
            candidates["reason"] = candidates["reason"].where(
                candidates["reason"] != "", "removal switched off"
            )
        paragraphs, dropped = drop_recurring(paragraphs, candidates)
        if len(dropped):
            paragraphs, documents, quality, removed = _account_recurring(
                paragraphs, documents, quality, removed, dropped
            )
            lists = None  # rows dropped: the given lists no longer match them
    # the columns the genre and near-duplicate steps read, as lists once (the rows do not
    # change from here on): the caller's, or converted from the table
    given = lists or {}
    lists = {c: given[c] if c in given else paragraphs[c].tolist()
             for c in ("doc_id", "kind", "text") if c in paragraphs}  # fmt: skip
    if labels is None:
        paragraphs, documents, quality = _label_genre(
            paragraphs, documents, quality, genres, lists=lists
        )
    else:
        documents, quality = apply_document_labels(documents, quality, labels)
    if pairs is None:
        texts = body_texts(paragraphs, documents["doc_id"].tolist(), lists=lists)
        pairs = near_duplicate_pairs(texts)
    documents["duplicate_of"] = mark_duplicates(documents, pairs).to_numpy()
    if manifest is not None:
        documents = _join_manifest(documents, manifest)
        names = source_names([Path(f) for f in files], folder) if folder else {}
        read = {names.get(Path(f), Path(f).name) for f in files}
        missing = sorted(set(manifest["file"]) - read)
        for name in missing:
            log.warning("manifest.csv lists %s, which is not in %s", name, folder)
        if missing:
            extra = pd.DataFrame({"source_file": missing, "doc_id": "", "status": "skipped",
                                  "reason": "listed in manifest.csv but not found"})  # fmt: skip
            quality = pd.concat([quality, extra], ignore_index=True)
    return Corpus(
        documents, paragraphs, _finish_quality(quality), pairs, folder,
        removed_lines=removed.reset_index(drop=True), boilerplate=candidates,
    )  # fmt: skip


def _account_recurring(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame,
    quality: pd.DataFrame,
    removed: pd.DataFrame,
    dropped: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Record recurring lines dropped by :func:`analysis.boilerplate.drop_recurring`."""
    source = documents.set_index("doc_id")["source_file"]
    rows = pd.DataFrame(
        {
            "doc_id": dropped["doc_id"],
            "source_file": dropped["doc_id"].map(source),
            "line_no": dropped["line_no"],
            "rule": "recurring_line",
            "text": dropped["text_original"],
        }
    )
    removed = pd.concat([removed, rows], ignore_index=True)
    per_doc = dropped.groupby("doc_id").size()
    quality = quality.copy()
    at = quality["doc_id"].isin(per_doc.index)
    n = quality.loc[at, "doc_id"].map(per_doc)
    quality.loc[at, "recurring_lines"] = (
        pd.to_numeric(quality.loc[at, "recurring_lines"], errors="coerce").fillna(0) + n
    )
    quality.loc[at, "removed_lines"] = (
        pd.to_numeric(quality.loc[at, "removed_lines"], errors="coerce").fillna(0) + n
    )
    chars = dropped.groupby("doc_id")["n_chars"].sum()
    quality.loc[at, "n_chars_clean"] = pd.to_numeric(
        quality.loc[at, "n_chars_clean"], errors="coerce"
    ) - quality.loc[at, "doc_id"].map(chars)
    counts = paragraphs.groupby("doc_id").size()
    body = paragraphs[paragraphs["kind"] != "title"].groupby("doc_id")["text"].agg("\n".join)
    hit = documents["doc_id"].isin(per_doc.index)
    documents.loc[hit, "n_paragraphs"] = documents.loc[hit, "doc_id"].map(counts).fillna(0)
    documents.loc[hit, "n_chars"] = documents.loc[hit, "doc_id"].map(body).fillna("").str.len()
    return paragraphs, documents, quality, removed


def paragraph_columns(paragraphs: pd.DataFrame) -> dict[str, list]:
    """``doc_id``, ``kind`` and ``text`` of ``paragraphs`` (those present) as plain lists, the
    ``lists`` that :func:`body_texts`, :func:`document_labels` and
    :func:`analysis.corpus.genre.paragraph_roles` take instead of converting the columns again
    (the text column costs ~0.15 CPU s per conversion on the 874 reports). Valid while the
    rows of ``paragraphs`` do not change."""
    return {c: paragraphs[c].tolist() for c in ("doc_id", "kind", "text") if c in paragraphs}


def body_texts(
    paragraphs: pd.DataFrame, doc_ids: Sequence[str], *, lists: dict[str, list] | None = None
) -> pd.Series:
    """Each document's body text (its non-title paragraphs joined by newlines; "" for a
    document without any), the text near-duplicates are detected on.

    ``lists``: some columns of ``paragraphs`` already as plain lists
    (:func:`analysis.corpus.genre.paragraph_lists`).

    Returns:
        Series of str indexed by ``doc_ids``, in that order.
    """
    body: dict[str, list[str]] = {}  # plain lists: no groupby
    for doc_id, kind, text in zip(
        paragraph_lists(paragraphs, lists, "doc_id"),
        paragraph_lists(paragraphs, lists, "kind"),
        paragraph_lists(paragraphs, lists, "text"),
    ):
        if kind != "title":
            body.setdefault(doc_id, []).append(text)
    ids = list(doc_ids)
    return pd.Series(["\n".join(body.get(d, ())) for d in ids], index=ids, dtype=object)


def _label_genre(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame,
    quality: pd.DataFrame,
    genres: str | Path | None,
    *,
    lists: dict[str, list] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Paragraph ``role``, document ``genre``/``genre_evidence``, non-substance counts
    (``lists``: columns of ``paragraphs`` as plain lists, see
    :func:`analysis.corpus.genre.paragraph_lists`)."""
    profiles = load_genre_profiles(genres)
    paragraphs = paragraphs.copy()
    paragraphs["role"] = paragraph_roles(paragraphs, profiles=profiles, lists=lists).to_numpy()
    labels = document_labels(documents, paragraphs, profiles=profiles, lists=lists)
    documents, quality = apply_document_labels(documents, quality, labels)
    return paragraphs, documents, quality


#: Columns of :func:`document_labels`.
LABEL_COLUMNS = ["doc_id", "genre", "genre_evidence", "non_substance_paragraphs"]


def document_labels(
    documents: pd.DataFrame,
    paragraphs: pd.DataFrame,
    *,
    profiles: GenreProfiles,
    lists: dict[str, list] | None = None,
) -> pd.DataFrame:
    """Genre and evidence of each document and its non-substance paragraph count (paragraphs
    need ``role``). Per document only, so it can be computed on any subset of whole documents
    (a partition) and concatenated.

    Returns:
        :data:`LABEL_COLUMNS`, one row per document of ``documents``
        (``non_substance_paragraphs`` NaN for a document without paragraphs).
    """
    ev = genre_evidence(documents, paragraphs, profiles=profiles, lists=lists).set_index("doc_id")
    counts = role_counts(paragraphs).set_index("doc_id")["non_substance_paragraphs"]
    ids = documents["doc_id"]
    return pd.DataFrame(
        {
            "doc_id": ids.to_numpy(),
            "genre": ids.map(ev["genre"]).fillna("none").to_numpy(),
            "genre_evidence": ids.map(ev["evidence"]).fillna("").to_numpy(),
            "non_substance_paragraphs": ids.map(counts).to_numpy(),
        }
    )


def apply_document_labels(
    documents: pd.DataFrame, quality: pd.DataFrame, labels: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents with ``genre``/``genre_evidence`` and quality rows with
    ``non_substance_paragraphs`` from :func:`document_labels` (matched by ``doc_id``)."""
    by_doc = labels.set_index("doc_id")
    documents["genre"] = documents["doc_id"].map(by_doc["genre"]).fillna("none").to_numpy()
    documents["genre_evidence"] = (
        documents["doc_id"].map(by_doc["genre_evidence"]).fillna("").to_numpy()
    )
    counts = by_doc["non_substance_paragraphs"]
    quality = quality.copy()
    quality["non_substance_paragraphs"] = quality["doc_id"].map(counts).fillna(0).to_numpy()
    return documents, quality


def _finish_quality(quality: pd.DataFrame) -> pd.DataFrame:
    """Counts as nullable integers, blank (``<NA>``) where they do not apply.

    A file row (``doc_id == ""``) has ``n_bytes`` and ``n_chars_raw`` of the whole file; the
    cleaning counts and ``n_chars_clean`` belong to its document rows. A document row has no
    ``n_bytes`` (a file holding several articles has one byte count). Columns that other stages
    add to the quality rows (any numeric column not named here) follow the document-row rule.
    """
    is_file = quality["doc_id"].fillna("").astype(str) == ""
    numeric = [
        c
        for c in quality.columns
        if c in ("n_bytes", "n_chars_raw", "n_chars_clean", *COUNT_COLUMNS)
        or (c not in QUALITY_COLUMNS and pd.api.types.is_numeric_dtype(quality[c]))
    ]
    for col in numeric:
        values = pd.to_numeric(quality[col], errors="coerce")
        if col == "n_bytes":
            values = values.where(is_file)
        elif col != "n_chars_raw":
            values = values.where(~is_file)
        quality[col] = values.round().astype("Int64")
    for col in ("doc_id", "encoding", "reason"):
        quality[col] = quality[col].fillna("")
    return quality


def raise_empty(folder: Path, quality: pd.DataFrame) -> None:
    """No document survived: fail with the per-file reasons instead of an empty analysis."""

    reasons = "; ".join(f"{r.source_file}: {r.reason}" for r in quality.itertuples() if r.reason)
    raise InputFileError(folder, f"no readable report in the folder ({reasons})")


def analysis_paragraphs(
    corpus: Corpus,
    *,
    include_duplicates: bool = False,
    include_titles: bool = True,
    substance_only: bool = True,
) -> pd.DataFrame:
    """Paragraphs used for analysis: near-duplicate documents excluded unless asked for, and
    paragraphs that are not substance (``role`` other than ``substance``: salutations, the thanks
    formula, notes and glossaries, signatures, sharing lines — see :mod:`analysis.corpus.genre`)
    excluded unless ``substance_only=False``.

    Returns:
        The ``paragraphs`` table (same columns), filtered.
    """
    paras = corpus.paragraphs
    if substance_only and "role" in paras:
        paras = paras[paras["role"] == SUBSTANCE]
    if not include_duplicates:
        dups = set(corpus.documents.loc[duplicate_mask(corpus.documents), "doc_id"])
        paras = paras[~paras["doc_id"].isin(dups)]
    if not include_titles:
        paras = paras[paras["kind"] != "title"]
    return paras.reset_index(drop=True)


def write_corpus_tables(corpus: Corpus, out_dir: str | Path) -> dict[str, Path]:
    """Write ``documents.csv``, ``paragraphs.csv``, ``quality.csv``, ``removed_lines.csv`` (every
    line cleaning dropped, with its rule) and ``boilerplate.csv`` (recurring-line candidates)
    into ``out_dir``.

    Written by :func:`analysis.tables.write_table` (UTF-8, 6 significant digits, blanks where a
    value does not apply); read them back with :func:`analysis.tables.read_table`.
    """
    from analysis.tables import write_table

    out = Path(out_dir)
    written = {}
    for name, frame in (
        ("documents", corpus.documents),
        ("paragraphs", corpus.paragraphs),
        ("quality", corpus.quality),
        ("removed_lines", corpus.removed_lines),
        ("boilerplate", corpus.boilerplate),
    ):
        written[name] = write_table(frame, out / f"{name}.csv")  # atomic
    return written


def cli_corpus(args: argparse.Namespace) -> int:
    """``python -m analysis corpus [--data DIR] [--out DIR] [--recursive]``."""
    corpus = load_corpus(args.data, recursive=getattr(args, "recursive", False))
    written = write_corpus_tables(corpus, args.out)
    print(corpus.summary())
    print("wrote " + ", ".join(str(p) for p in written.values()))
    return 0
