"""Traditional/Simplified script: length-preserving conversion and detection (OpenCC).

Analysis reads Simplified text while users read the original script, so :func:`to_simplified`
guarantees ``len(to_simplified(s)) == len(s)``: character offsets found in one text point at the
same characters of the other. OpenCC's phrase tables almost always map like-for-like lengths;
when a conversion would change the length, the text is converted character by character.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import numpy as np

log = logging.getLogger(__name__)

SCRIPT_THRESHOLD = 0.8  # share of script-specific characters needed to call a text one script
MIN_EVIDENCE = 10  # fewer script-specific characters than this: too little evidence -> simplified


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc  # imported lazily: no work at package import

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Convert to Simplified script, preserving length (see module docstring).

    Example:
        >>> to_simplified("發展經濟，統戰工作")
        '发展经济，统战工作'
    """
    if not text:
        return text
    converted = _converter("t2s").convert(text)
    if len(converted) == len(text):
        return converted
    conv = _converter("t2s")
    return "".join(c if len(c := conv.convert(ch)) == 1 else ch for ch in text)


def simplified_lines(text: str) -> tuple[list[str], dict[str, str]]:
    """``to_simplified(text).split("\n")``, and ``{line: to_simplified(line)}`` for the lines
    of ``text`` that this one OpenCC call already converted.

    OpenCC phrases never span a line break (the assumption :func:`to_simplified_many` rests
    on), so when the whole conversion keeps the length each piece is the line's own
    conversion, and it is ``to_simplified(line)`` whenever it keeps the line's length. Later
    steps look converted lines up here instead of converting the document's text again.
    """
    return simplified_line_list(text.split("\n"))


def simplified_line_list(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """:func:`simplified_lines` of ``"\n".join(lines)``, from the lines themselves: a line that
    OpenCC cannot change comes back as it is (the same object, not a copy split out of the
    converted text), so an unchanged paragraph's ``text`` and ``text_original`` share one
    string."""
    text = "\n".join(lines)
    if not text:
        return [text], {}
    if text.count("\n") != len(lines) - 1:  # a line break inside a line
        lines = text.split("\n")
    pieces = _convert_line_list(lines, text)
    if sum(map(len, pieces)) + len(pieces) - 1 != len(text):  # the conversion changed length:
        return to_simplified(text).split("\n"), {}  # to_simplified's per-character fallback
    known = {
        line: piece
        for line, piece in zip(lines, pieces, strict=True)
        if line and len(line) == len(piece)
    }
    return pieces, known


def _convert_changing_lines(text: str) -> str:
    """``_converter("t2s").convert(text)``, sending OpenCC only the lines that hold a character
    its dictionaries can change (see :func:`_convert_line_list`)."""
    return "\n".join(_convert_line_list(text.split("\n"), text))


def _convert_line_list(lines: list[str], text: str) -> list[str]:
    """``_converter("t2s").convert(text).split("\n")`` for ``text == "\n".join(lines)``,
    sending OpenCC only the lines that hold a character its dictionaries can change
    (:func:`_t2s_changing`): on any other line every dictionary entry that matches maps to
    itself, so the line is its own conversion (and no phrase spans a line break)."""
    table = _t2s_changing()
    if table is None or len(text) < CHANGING_LINES_MIN:
        return _converter("t2s").convert(text).split("\n")
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate
        return _converter("t2s").convert(text).split("\n")
    at = np.flatnonzero(table[codes])
    out = list(lines)
    if not len(at):
        return out
    breaks = np.flatnonzero(codes == 0x0A)
    dirty = np.unique(np.searchsorted(breaks, at)).tolist()  # line of each such character
    pieces = _converter("t2s").convert("\n".join(lines[i] for i in dirty)).split("\n")
    if len(pieces) != len(dirty):  # pragma: no cover - OpenCC keeps line breaks
        return _converter("t2s").convert(text).split("\n")
    for i, piece in zip(dirty, pieces, strict=True):
        out[i] = piece
    return out


CHANGING_LINES_MIN = 2000  # shorter texts: one OpenCC call (numpy's overhead)


@lru_cache(maxsize=1)
def _t2s_changing() -> np.ndarray | None:
    """Code point -> can OpenCC's t2s conversion change it, read from the dictionaries of the
    installed OpenCC (its ``t2s.json``, dumped with its ``opencc_dict``); None when they cannot
    be read (then every text goes to OpenCC).

    OpenCC replaces each matched dictionary key by the first of its values. A character is
    marked when it stands where a key and that value differ (every character of a key whose
    value has another length): a text without a marked character maps to itself.
    """
    import json
    import subprocess
    import tempfile
    from pathlib import Path

    import opencc

    clib = Path(opencc.__file__).parent / "clib"
    tool, share = clib / "bin" / "opencc_dict", clib / "share" / "opencc"
    try:
        config = json.loads((share / "t2s.json").read_text(encoding="utf-8"))
        if not set(config) <= _T2S_KEYS:  # a conversion step this reading does not know
            return _no_table(f"t2s.json has other keys: {sorted(set(config) - _T2S_KEYS)}")
        files = _dictionary_files([*config.get("normalization", []),
                                   *config["conversion_chain"]])  # fmt: skip
        if files is None or not tool.is_file():
            return _no_table("no ocd2 dictionaries or no opencc_dict tool")
        table = np.zeros(0x110000, dtype=bool)
        with tempfile.TemporaryDirectory() as tmp:
            for name in files:
                out = Path(tmp) / "dict.txt"
                subprocess.run(
                    [str(tool), "-i", str(share / name), "-o", str(out), "-f", "ocd2", "-t",
                     "text"], check=True, capture_output=True, timeout=60,
                    env={"LD_LIBRARY_PATH": str(clib / "lib64")},
                )  # fmt: skip
                for line in out.read_text(encoding="utf-8").splitlines():
                    key, _, values = line.partition("\t")
                    value = values.split(" ")[0]
                    if len(value) != len(key):
                        changed = key
                    else:
                        changed = "".join(k for k, v in zip(key, value, strict=True) if k != v)
                    table[[ord(c) for c in changed]] = True
    except (OSError, ValueError, KeyError, subprocess.SubprocessError) as err:
        return _no_table(f"{type(err).__name__}: {err}")
    return table


#: the keys of OpenCC's ``t2s.json`` whose steps :func:`_t2s_changing` reads or can ignore
_T2S_KEYS = {"name", "segmentation", "normalization", "conversion_chain"}


def _no_table(why: str) -> None:
    """Log (once per process: :func:`_t2s_changing` is cached) why every text goes to OpenCC."""
    log.info("OpenCC's t2s dictionaries not read (%s): every text goes to OpenCC whole", why)
    return None


def _dictionary_files(steps: list) -> list[str] | None:
    """The ``ocd2`` files of OpenCC configuration steps (groups flattened); None for any other
    dictionary type."""
    files: list[str] = []
    for step in steps:
        d = step.get("dict", step)
        if d.get("type") == "group":
            inner = _dictionary_files(d.get("dicts", []))
            if inner is None:
                return None
            files += inner
        elif d.get("type") == "ocd2" and d.get("file"):
            files.append(d["file"])
        else:
            return None
    return files


def to_simplified_many(texts: list[str], known: dict[str, str] | None = None) -> list[str]:
    """:func:`to_simplified` of each text, with one OpenCC call for all of them.

    The texts are joined by newlines (OpenCC phrases never span a line break) and split back;
    a text whose conversion changed its length — or any text containing a newline — is
    converted on its own, so the result is always ``[to_simplified(t) for t in texts]``.
    ``known`` maps texts already converted (``{t: to_simplified(t)}``, e.g. the lines of
    :func:`simplified_lines`) to their conversion: only the others are sent to OpenCC.
    """
    if not texts:
        return []
    if known:
        out = [known.get(t) for t in texts]
        missing = [t for t, s in zip(texts, out, strict=True) if s is None]
        if missing:
            converted = iter(to_simplified_many(missing))
            out = [s if s is not None else next(converted) for s in out]
        return out
    if any("\n" in t for t in texts):
        return [to_simplified(t) for t in texts]
    pieces = _converter("t2s").convert("\n".join(texts)).split("\n")
    if len(pieces) != len(texts):
        return [to_simplified(t) for t in texts]
    return [p if len(p) == len(t) else to_simplified(t) for p, t in zip(pieces, texts)]


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset[str]:
    """Characters that OpenCC would change when converting Simplified -> Traditional."""
    chars = [chr(cp) for cp in range(0x4E00, 0xA000)]
    converted = _converter("s2t").convert("\n".join(chars)).split("\n")
    return frozenset(c for c, t in zip(chars, converted) if t != c)


@lru_cache(maxsize=1)
def _simplified_only_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(sorted(_simplified_only())) + "]")


def script_counts(original: str, simplified: str) -> tuple[int, int]:
    """(traditional-only, simplified-only) character counts of a text and its conversion."""
    a = np.frombuffer(original.encode("utf-32-le"), dtype=np.uint32)
    b = np.frombuffer(simplified.encode("utf-32-le"), dtype=np.uint32)
    n_trad = (
        int((a != b).sum())
        if len(a) == len(b)
        else sum(x != y for x, y in zip(original, simplified))
    )
    n_simp = int(np.count_nonzero(_simplified_only_table()[a[a < _TABLE_SIZE]]))
    return n_trad, n_simp


_TABLE_SIZE = 0x10000  # the simplified-only characters are all in the BMP (U+4E00-U+9FFF)


@lru_cache(maxsize=1)
def _simplified_only_table() -> np.ndarray:
    """A boolean look-up table over the BMP: is this code point simplified-only? (Counting
    through it is what ``_simplified_only_re().findall`` counted, at numpy speed.)"""
    table = np.zeros(_TABLE_SIZE, dtype=bool)
    table[[ord(c) for c in _simplified_only()]] = True
    return table


def detect_script(original: str, simplified: str | None = None) -> str:
    """Classify a text as ``traditional``, ``simplified`` or ``mixed``.

    A text is one script when at least 80 % of its script-specific characters belong to it;
    with fewer than 10 script-specific characters it is called ``simplified``.
    """
    simplified = to_simplified(original) if simplified is None else simplified
    n_trad, n_simp = script_counts(original, simplified)
    total = n_trad + n_simp
    if total < MIN_EVIDENCE:
        return "simplified"
    share = n_trad / total
    if share >= SCRIPT_THRESHOLD:
        return "traditional"
    if share <= 1 - SCRIPT_THRESHOLD:
        return "simplified"
    return "mixed"
