"""China's administrative divisions as one compiled matcher (``data/gazetteer/admin_divisions.csv``).

The CSV (name, short, level, parent, province, code, status) is an editable research input: a
researcher adds a row for a place that is missing (a renamed county, a new district). It is read
once per process; :func:`find_mentions` scans a text in one pass with a prefix index of every full
and short name (first two characters -> candidate lengths), taking the longest name at each
position.

Example:
    >>> from analysis.corpus.gazetteer import find_mentions
    >>> [(m.surface, m.level) for m in find_mentions("在七台河市和呼和浩特调研")]
    [('七台河市', 'prefecture'), ('呼和浩特', 'prefecture')]
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths
from analysis.errors import InputFileError

GAZETTEER_CSV = paths.DATA / "gazetteer" / "admin_divisions.csv"
GAZETTEER_COLUMNS = ["name", "short", "level", "parent", "province", "code", "status"]
LEVELS = ("province", "prefecture", "county", "township")
MIN_FULL_NAME = 3  # 和县, 城区, 郊区: two-character full names are matched only in strong positions
COMMON_WORD_FREQ = 200  # jieba frequency above which a word straddling the match start is real


@dataclass(frozen=True)
class Division:
    """One row of the gazetteer."""

    name: str
    short: str
    level: str
    parent: str
    province: str
    code: str


@dataclass(frozen=True)
class Mention:
    """A gazetteer name found in a text.

    Attributes:
        start, end: character offsets in the scanned text.
        surface: the matched string (a full name such as 宁夏回族自治区 or a short form 宁夏).
        name: the full name it stands for.
        level: province / prefecture / county.
        short: True when the surface is a short form without an administrative suffix (宁夏,
            七台河); an abbreviation that keeps the name's suffix (黔东南州 for 黔东南苗族侗族自治州,
            青龙县 for 青龙满族自治县) is how such a unit names itself and counts as a full name.
        divisions: every gazetteer row with that full name (several when the name is ambiguous,
            e.g. 朝阳区 in Beijing and in Changchun).
    """

    start: int
    end: int
    surface: str
    name: str
    level: str
    short: bool
    divisions: tuple[Division, ...]


def read_gazetteer(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the gazetteer CSV.

    Returns:
        DataFrame with columns ``name, short, level, parent, province, code, status`` (strings).

    Raises:
        InputFileError: missing file or columns, an unknown level or an empty name (``file:line``).
    """
    path = Path(path) if path is not None else GAZETTEER_CSV
    if not path.is_file():
        raise InputFileError(path, "gazetteer file not found")
    try:
        return _read_rows(path)
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"not UTF-8 (byte {exc.start})") from None
    except csv.Error as exc:
        raise InputFileError(path, f"malformed CSV: {exc}") from None


def _read_rows(path: Path) -> pd.DataFrame:
    with open(path, encoding="utf-8-sig", newline="") as fh:  # -sig: files saved by Excel
        reader = csv.DictReader(fh)
        missing = [c for c in GAZETTEER_COLUMNS[:4] if c not in (reader.fieldnames or [])]
        if missing:
            raise InputFileError(path, f"missing column(s) {', '.join(missing)}", 1)
        rows = []
        for raw in reader:
            lineno = reader.line_num
            row = {c: (raw.get(c) or "").strip() for c in GAZETTEER_COLUMNS}
            if not row["name"]:
                raise InputFileError(path, "empty name", lineno)
            if row["level"] not in LEVELS:
                raise InputFileError(
                    path, f"level {row['level']!r} is not one of {', '.join(LEVELS)}", lineno
                )
            rows.append(row)
    return pd.DataFrame(rows, columns=GAZETTEER_COLUMNS)


def suffixed_abbreviation(short: str, name: str) -> bool:
    """Is ``short`` an abbreviation of ``name`` that keeps its administrative suffix (延边州 for
    延边朝鲜族自治州, 青龙县 for 青龙满族自治县), rather than the name without its suffix (七台河 for
    七台河市, 宁夏 for 宁夏回族自治区)?"""
    return short[-1] == name[-1] and not name.startswith(short)


class Gazetteer:
    """Names → divisions and the compiled matcher (build with :func:`default_gazetteer`)."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.by_name: dict[str, tuple[Division, ...]] = {}
        for row in table.itertuples(index=False):
            d = Division(row.name, row.short, row.level, row.parent, row.province, row.code)
            self.by_name[d.name] = (*self.by_name.get(d.name, ()), d)
        # a name's level (the highest when the divisions of one name differ)
        self.level = {
            name: divs[0].level
            if len({d.level for d in divs}) == 1
            else min((d.level for d in divs), key=LEVELS.index)
            for name, divs in self.by_name.items()
        }
        self.surface: dict[str, tuple[str, bool]] = {}  # surface -> (full name, is_short)
        for name, divs in self.by_name.items():
            for d in divs:
                if d.short and d.short not in self.by_name and len(d.short) >= 2:
                    self.surface.setdefault(
                        d.short, (name, not suffixed_abbreviation(d.short, name))
                    )
        for name in self.by_name:
            self.surface[name] = (name, False)  # a full name wins over a short form
        lengths: dict[str, set[int]] = {}
        for word in self.surface:
            lengths.setdefault(word[:2], set()).add(len(word))
        # the automaton: first two characters -> candidate lengths, longest first
        self.by_prefix = {p: tuple(sorted(n, reverse=True)) for p, n in lengths.items()}
        # which code points occur first / second in those prefixes: a cheap filter before the
        # prefix table (most positions of a text fail it)
        self.first_chars = np.zeros(0x110000, dtype=bool)
        self.second_chars = np.zeros(0x110000, dtype=bool)
        pairs = [p for p in self.by_prefix if len(p) == 2]
        self.first_chars[[ord(p[0]) for p in pairs]] = True
        self.second_chars[[ord(p[1]) for p in pairs]] = True
        # the prefixes as a table: [first character's number, second character's number], the
        # numbers counting those characters from 1 (one look-up per position, no search)
        self.first_ids = np.cumsum(self.first_chars, dtype=np.int32) * self.first_chars
        self.second_ids = np.cumsum(self.second_chars, dtype=np.int32) * self.second_chars
        self.prefix_table = np.zeros(
            (int(self.first_chars.sum()) + 1, int(self.second_chars.sum()) + 1), dtype=bool
        )
        self.prefix_table[
            self.first_ids[[ord(p[0]) for p in pairs]], self.second_ids[[ord(p[1]) for p in pairs]]
        ] = True

    def scan(self, text: str):
        """Yield ``(start, end, surface)`` for the longest name at each position, left to right,
        without overlaps (one pass; a dictionary look-up per candidate length)."""
        if len(text) < 2:
            return
        by_prefix, surface = self.by_prefix, self.surface
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        # only positions whose two characters start some name can start a match; the scan
        # visits them left to right and skips those inside the previous match
        maybe = np.flatnonzero(self.first_chars[codes[:-1]] & self.second_chars[codes[1:]])
        first, second = self.first_ids[codes[maybe]], self.second_ids[codes[maybe + 1]]
        candidates = maybe[self.prefix_table[first, second]]
        resume = 0
        for i in candidates.tolist():
            if i < resume:
                continue
            for length in by_prefix[text[i : i + 2]]:
                if text[i : i + length] in surface:
                    yield i, i + length, text[i : i + length]
                    resume = i + length
                    break

    def levels(self, name: str) -> set[str]:
        return {d.level for d in self.by_name.get(name, ())}


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> Gazetteer:
    return Gazetteer(read_gazetteer(path))


def default_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """The gazetteer, read and compiled once per process (re-read when the file changes)."""
    p = Path(path) if path is not None else GAZETTEER_CSV
    try:
        mtime = p.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _cached(str(p), mtime)


_FUNCTION_CHARS = set("在于和与及同对向从至到赴把将由经是为全我该本各原省市县区的、，,")


@lru_cache(maxsize=1)
def jieba_words() -> tuple[dict[str, int], dict[str, str]]:
    """jieba's dictionary ``(freq, tag)``, looked up once per process (not per mention)."""
    from analysis.text.lexicons import base_dictionary

    freq, tag, _ = base_dictionary()
    return freq, tag


def starts_inside_word(text: str, start: int, surface: str, freq: dict[str, int]) -> bool:
    """True when the character before the match forms a common word with its first character
    (黄|河南岸): the match is then the tail of another word. A function character before it
    (在|内蒙古) does not count."""
    if start == 0 or text[start - 1] in _FUNCTION_CHARS:
        return False
    return freq.get(text[start - 1] + surface[0], 0) >= COMMON_WORD_FREQ


def find_mentions(
    text: str, *, gazetteer: Gazetteer | None = None, min_full: int = MIN_FULL_NAME
) -> list[Mention]:
    """Every gazetteer name in ``text`` (Simplified), longest match at each position.

    Full names shorter than ``min_full`` characters (和县, 城区) are skipped: too many are also
    ordinary words. A match whose first character completes a common word with the character
    before it (黄河南岸 → not 河南) is skipped as the tail of another word.
    """
    gaz = gazetteer or default_gazetteer()
    freq = jieba_words()[0]
    out = []
    for start, end, surface in gaz.scan(text):
        name, is_short = gaz.surface[surface]
        if not is_short and len(name) < min_full:
            continue
        if len(surface) <= MIN_FULL_NAME and starts_inside_word(text, start, surface, freq):
            continue
        out.append(Mention(start, end, surface, name, gaz.level[name], is_short, gaz.by_name[name]))
    return out
