"""Readers for the editable research inputs in ``data/lexicons/`` (word lists, YAML).

Every reader strips a UTF-8 BOM, accepts CRLF line endings, skips ``#`` comments and blank
lines, and raises :class:`~analysis.errors.InputFileError` naming the file and line on bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from .errors import InputFileError


def read_text_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, stripped_line)`` for non-empty, non-comment lines of a UTF-8 file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputFileError(p, "file not found") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(p, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        yield number, line


def read_word_list(path: str | Path) -> list[str]:
    """Read a one-word-per-line list (stopwords, generic words); later columns are ignored."""
    words = []
    for number, line in read_text_lines(path):
        word = line.split()[0]
        if any(ch in word for ch in "\t\x00"):
            raise InputFileError(path, f"invalid word {word!r}", line=number)
        words.append(word)
    return words


def read_yaml(path: str | Path) -> object:
    """Load a YAML file; syntax errors name the file and line."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(p, "file not found") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(p, f"not valid UTF-8 ({exc.reason})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputFileError(p, f"invalid YAML: {problem}", line=line) from None
