"""Markdown exports → plain report lines, front-matter metadata and heading marks (pure).

A report exported as markdown carries YAML front matter (``title:``, ``source:``, ``date:`` …),
``#`` headings, whole-line bold headings (``**一、…**``), emphasis, links, images, HTML comments
and tags. :func:`markdown_lines` turns it into the lines the cleaner expects, WITHOUT changing
the number of lines, so every line number reported later (``removed_lines``) is the line of the
``.md`` file.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

import yaml

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?=\S)(.+?)(?<=\S)\1\s*([:：。]?)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
# footnotes: "[^1]: text" is a note (kept as "注1：text", which genres.yaml gives the notes role);
# the reference "[^1]" in the text goes
_FOOTNOTE_DEF = re.compile(r"^\s{0,3}\[\^([^\]\s]+)\]:\s*(.*?)\s*$")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)|\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^>]+>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<![A-Za-z0-9*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![A-Za-z0-9*])")
_EM_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![A-Za-z0-9_])")
_QUOTE = re.compile(r"^\s{0,3}(>\s?)+")
_BULLET = re.compile(r"^\s*[-*+]\s+")


@dataclass
class MarkdownText:
    """The result of :func:`markdown_lines`.

    Attributes:
        lines: plain lines, as many as the input had (removed lines are empty strings).
        meta: front-matter keys (lower-cased) -> string values.
        headings: line index -> markdown heading level (1–6) or 0 for a whole-line bold heading.
        removed: ``(line_no, rule, text)`` of every removed line (1-based line numbers); rules
            ``front_matter``, ``html_comment``, ``md_rule`` (horizontal or table rule),
            ``md_link_definition``, ``md_code_fence``, ``md_image``.
    """

    lines: list[str]
    meta: dict[str, str] = field(default_factory=dict)
    headings: dict[int, int] = field(default_factory=dict)
    removed: list[tuple[int, str, str]] = field(default_factory=list)


def _meta_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, list | tuple):
        return ", ".join(_meta_value(v) for v in value)
    return str(value).strip()


def _front_matter(lines: list[str]) -> tuple[int, dict[str, str]]:
    """``(n_lines, metadata)`` of a YAML front-matter block at the top (``---`` … ``---``)."""
    if not lines or lines[0].strip().lstrip("\ufeff") != "---":
        return 0, {}
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return 0, {}
    block = "\n".join(lines[1:end])
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):  # not YAML a parser accepts: read "key: value" lines
        data = {}
        for line in lines[1:end]:
            key, sep, value = line.partition(":")
            if sep and key.strip():
                data[key.strip()] = value.strip().strip("'\"")
    meta = {str(k).strip().lower(): _meta_value(v) for k, v in data.items() if str(k).strip()}
    return end + 1, meta


def strip_inline(line: str) -> str:
    """Remove inline markdown/HTML syntax from one line, keeping the text.

    Example:
        >>> strip_inline("**一、总体要求**见[通知](http://x.cn/a)<br/>与 *重点*")
        '一、总体要求见通知与 重点'
    """
    if not any(c in line for c in "*_[]<>!&`"):
        return line
    line = _FOOTNOTE_REF.sub("", line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(lambda m: m.group(1) or m.group(2), line)
    line = _AUTOLINK.sub("", line)
    line = _TAG.sub("", line)
    line = _STRONG.sub(r"\2", line)
    line = _EM.sub(r"\1", line)
    line = _EM_UNDERSCORE.sub(r"\1", line)
    line = line.replace("`", "")
    return html.unescape(line)


def markdown_lines(text: str) -> MarkdownText:
    """Convert a markdown report to plain lines (same line count), metadata and heading marks.

    Front matter becomes ``meta`` (every key kept); ``#`` headings and whole-line bold lines
    (``**一、…**``) are recorded in ``headings`` and lose their marks; emphasis, links (text kept),
    images, HTML comments (also across lines), tags and footnote references ``[^1]`` are
    stripped; a footnote ``[^1]: text`` becomes the note line ``注1：text``; horizontal rules,
    table rules, reference definitions and code fences are removed and listed in ``removed``.
    """
    raw = text.split("\n")
    out = list(raw)
    result = MarkdownText(lines=out)
    n_front, result.meta = _front_matter(raw)
    for i in range(n_front):
        if raw[i].strip():
            result.removed.append((i + 1, "front_matter", raw[i]))
        out[i] = ""
    body = "\n".join(out)
    if "<!--" in body:  # comments may span lines: blank them, keeping the line count

        def blank(m: re.Match[str]) -> str:
            return "\n" * m.group(0).count("\n")

        stripped = _COMMENT.sub(blank, body).split("\n")
        for i, (before, after) in enumerate(zip(out, stripped)):
            if before.strip() and not after.strip():
                result.removed.append((i + 1, "html_comment", before))
        out[:] = stripped
    for i, line in enumerate(out):
        if i < n_front or not line.strip():
            continue
        if _FENCE.match(line):
            result.removed.append((i + 1, "md_code_fence", line))
            out[i] = ""
            continue
        if _RULE.match(line) or _TABLE_RULE.match(line):
            result.removed.append((i + 1, "md_rule", line))
            out[i] = ""
            continue
        note = _FOOTNOTE_DEF.match(line)
        if note:
            out[i] = f"注{note.group(1)}：{strip_inline(note.group(2)).strip()}"
            continue
        if _REF_DEF.match(line):
            result.removed.append((i + 1, "md_link_definition", line))
            out[i] = ""
            continue
        level = None
        m = _HEADING.match(line)
        if m:
            level, line = len(m.group(1)), m.group(2)
        else:
            b = _BOLD_LINE.match(line)
            if b and not _STRONG.search(b.group(2)):
                line = b.group(2) + b.group(3)
                if line[-1] not in "。！？!?；;：:":  # "**各位代表：**" is a salutation
                    level = 0
        line = _BULLET.sub("", _QUOTE.sub("", line))
        if "|" in line and line.strip().startswith("|"):
            line = " ".join(c.strip() for c in line.strip().strip("|").split("|"))
        plain = strip_inline(line).strip()
        if not plain:
            result.removed.append((i + 1, "md_image" if "![" in out[i] else "html_comment", out[i]))
        elif level is not None:
            result.headings[i] = level
        out[i] = plain
    return result


def heading_levels(
    lines: list[str], marks: dict[int, int], *, numbered_level: dict[int, str]
) -> dict[int, str]:
    """Map markdown heading marks to structure levels ``"top"`` / ``"sub"``.

    Args:
        lines: the paragraphs (after joins) the marks index into.
        marks: index -> markdown level (1–6) or 0 for a bold line.
        numbered_level: index -> ``"top"``/``"sub"`` for lines numbered 一、/（一）(these win).

    The shallowest ``#`` level used is a section, deeper ones subsections; an unnumbered bold
    line is a subsection when the document has sections, else a section.
    """
    hashes = sorted({v for v in marks.values() if v > 0})
    has_top = bool(hashes) or any(v == "top" for k, v in numbered_level.items() if k in marks)
    levels = {}
    for i, mark in marks.items():
        if i in numbered_level:
            levels[i] = numbered_level[i]
        elif mark > 0:
            levels[i] = "top" if mark == hashes[0] else "sub"
        else:
            levels[i] = "sub" if has_top else "top"
    return levels
