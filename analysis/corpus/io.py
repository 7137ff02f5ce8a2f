"""Disk edge of the corpus layer: reading raw files (with encoding detection) and the manifest.

Raw files are opened read-only and never written. A file that is empty, binary or undecodable is
reported as a :class:`RawFile` with ``status="skipped"`` and a one-line ``reason`` naming the
problem; it never stops the run, and no readable file is dropped.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import InputFileError

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
READ_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES
MANIFEST_NAMES = ("manifest.csv", "metadata.csv")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class RawFile:
    """One file of a raw folder: decoded text, or the reason it was skipped."""

    path: Path
    text: str
    encoding: str
    status: str  # "ok" or "skipped"
    reason: str = ""
    n_bytes: int = 0


def _common_share(text: str) -> float:
    """Share of CJK characters that are common (GB2312 after conversion to Simplified)."""
    from .script import to_simplified

    cjk = _CJK.findall(text[:20000])
    if not cjk:
        return 0.0
    simp = to_simplified("".join(cjk))
    common = 0
    for ch in simp:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(simp)


_PLAUSIBLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u2027\x20-\x7e\s]")


def _plausible_share(text: str) -> float:
    """Share of characters that are CJK, CJK/ASCII punctuation, printable ASCII or whitespace."""
    sample = text[:5000]
    return len(_PLAUSIBLE.findall(sample)) / max(1, len(sample))


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Decode raw bytes, detecting the encoding.

    Order: byte-order marks (UTF-8/16/32), strict UTF-8, BOM-less UTF-16 (many NUL bytes in
    alternate positions), then GB18030 and Big5 — when both decode, the one whose CJK characters
    are more often common characters wins.

    Returns:
        ``(text, encoding)``.

    Raises:
        ValueError: with a one-line reason ("empty file", "binary file", "undecodable …").
    """
    if not raw.strip():
        raise ValueError("empty file")
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(enc)
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"undecodable: {enc} byte-order mark but invalid data at byte {exc.start}"
                ) from None
            if _plausible_share(text.lstrip("\ufeff")) < 0.9:
                raise ValueError(f"undecodable: {enc} byte-order mark but implausible text")
            return text, enc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = raw[:4000]
    if b"\x00" in sample:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = raw.decode(enc)
            except UnicodeDecodeError:
                continue
            if _plausible_share(text) >= 0.9:
                return text, enc
        raise ValueError("binary file (NUL bytes, not UTF-16 text)")
    if sum(b < 9 or 13 < b < 32 for b in sample) > 0.05 * len(sample):
        raise ValueError("binary file (control bytes)")
    decoded = []
    for enc in ("gb18030", "big5"):
        try:
            decoded.append((raw.decode(enc), enc))
        except UnicodeDecodeError:
            pass
    if not decoded:
        raise ValueError("undecodable: not UTF-8, UTF-16, GB18030 or Big5")
    if len(decoded) == 1:
        return decoded[0]
    return max(decoded, key=lambda te: _common_share(te[0]))


def read_raw_file(path: str | Path) -> RawFile:
    """Read and decode one raw file; problems become a skipped :class:`RawFile`."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        return RawFile(p, "", "", "skipped", f"unreadable: {exc.strerror}")
    try:
        text, encoding = decode_bytes(raw)
    except ValueError as exc:
        log.warning("skipping %s: %s", p, exc)
        return RawFile(p, "", "", "skipped", str(exc), len(raw))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        log.warning("skipping %s: no text after decoding", p)
        return RawFile(p, "", encoding, "skipped", "no text after decoding", len(raw))
    return RawFile(p, text, encoding, "ok", "", len(raw))


def _candidate(p: Path) -> bool:
    return (
        not p.name.startswith(".")
        and p.name.lower() not in MANIFEST_NAMES
        and not p.name.upper().startswith(("README", "LICENSE"))
    )


def scan_raw_folder(folder: str | Path, *, recursive: bool = False) -> tuple[list[Path], Counter]:
    """Report files of a raw folder and a count of the files that are not read, by extension.

    Returns:
        ``(files, ignored)``: ``.txt``/``.text``/extension-less and markdown (``.md``,
        ``.markdown``) files in path order, and a :class:`~collections.Counter` of the other
        files by lower-cased extension, plus ``"(subfolder)"`` for subfolders not searched
        (manifest, README/LICENSE and hidden files are neither read nor counted). With
        ``recursive``, subfolders are searched too (hidden folders skipped).

    Raises:
        InputFileError: if the folder does not exist.
    """
    d = Path(folder)
    if not d.is_dir():
        raise InputFileError(d, "raw data folder not found")
    walk = d.rglob("*") if recursive else d.iterdir()
    files, ignored = [], Counter()
    for p in walk:
        if not p.is_file() or not _candidate(p):
            continue
        if recursive and any(part.startswith(".") for part in p.relative_to(d).parts[:-1]):
            continue
        if p.suffix.lower() in READ_SUFFIXES:
            files.append(p)
        else:
            ignored[p.suffix.lower()] += 1
    if not recursive:
        n_dirs = sum(1 for p in d.iterdir() if p.is_dir() and not p.name.startswith("."))
        if n_dirs:
            ignored["(subfolder)"] += n_dirs
    return sorted(files), ignored


def describe_ignored(ignored: Counter) -> str:
    """``"not read: 3 .docx, 1 .pdf, 2 (subfolder) (use recursive=True / --recursive)"``."""
    if not ignored:
        return ""
    parts = ", ".join(f"{n} {ext}" for ext, n in sorted(ignored.items(), key=lambda x: -x[1]))
    hint = (
        " (read subfolders with recursive=True / --recursive)" if "(subfolder)" in ignored else ""
    )
    return f"not read: {parts}{hint}"


def list_raw_files(folder: str | Path, *, recursive: bool = False) -> list[Path]:
    """Report files of a raw folder in path order (``.txt``, extension-less and markdown files;
    manifest, README/LICENSE and hidden files excluded). Files of other types (``.docx``,
    ``.pdf`` …) and, unless ``recursive``, subfolders are logged with a count by extension.

    Raises:
        InputFileError: if the folder does not exist or holds no candidate files.
    """
    d = Path(folder)
    files, ignored = scan_raw_folder(d, recursive=recursive)
    if ignored:
        log.warning("%s: %s", d, describe_ignored(ignored))
    if not files:
        extra = f"; {describe_ignored(ignored)}" if ignored else ""
        raise InputFileError(d, f"no .txt or .md files in the raw data folder{extra}")
    return files


def _csv_rows(path: Path, text: str) -> list[list[str]]:
    """Parse CSV text strictly: every row has the header's number of fields (blank lines skipped).

    Raises:
        InputFileError: naming the line of the first malformed row.
    """
    import io as _io

    reader = csv.reader(_io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if rows and len(row) != len(rows[0]):
                raise InputFileError(
                    path,
                    f"row has {len(row)} fields but the header has {len(rows[0])} "
                    "(a comma inside a value must be quoted)",
                    line=reader.line_num,
                )
            rows.append(row)
    except csv.Error as exc:
        raise InputFileError(
            path, f"cannot parse manifest CSV: {exc}", line=reader.line_num
        ) from None
    if not rows:
        raise InputFileError(path, "manifest has no header line")
    return rows


def read_manifest(folder: str | Path) -> pd.DataFrame | None:
    """The optional ``manifest.csv`` of a raw folder (a ``file`` column plus any metadata).

    The encoding is detected like a raw file's (UTF-8 with/without BOM, GB18030 as saved by a
    Chinese Excel, Big5, UTF-16).

    Returns:
        DataFrame with a ``file`` column (all columns read as strings) and the attribute
        ``attrs["path"]`` (the manifest file), or None if absent.

    Raises:
        InputFileError: naming the file (and line) when it is empty, not text, has no ``file``
            column, lists a file twice or cannot be parsed as CSV.
    """
    for name in MANIFEST_NAMES:
        p = Path(folder) / name
        if not p.exists():
            continue
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise InputFileError(p, f"cannot read manifest: {exc.strerror}") from None
        if not raw.strip():
            raise InputFileError(p, f"manifest is empty ({len(raw)} bytes); delete it or add rows")
        try:
            text, _ = decode_bytes(raw)
        except ValueError as exc:
            raise InputFileError(p, f"manifest is not a text CSV file ({exc})") from None
        rows = _csv_rows(p, text.lstrip("\ufeff"))
        frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=str)
        frame.columns = [str(c).strip() for c in frame.columns]
        if "file" not in frame.columns:
            raise InputFileError(
                p, f"manifest needs a 'file' column; found {list(frame.columns)}", line=1
            )
        frame["file"] = frame["file"].str.strip()
        dupes = frame["file"][frame["file"].duplicated()]
        if len(dupes):
            first = int(dupes.index[0]) + 2  # header is line 1
            raise InputFileError(
                p, f"manifest lists files more than once: {dupes.tolist()[:5]}", line=first
            )
        frame.attrs["path"] = str(p)
        return frame
    return None
