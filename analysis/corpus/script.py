"""Traditional/Simplified script: length-preserving conversion and detection (OpenCC).

Analysis reads Simplified text while users read the original script, so :func:`to_simplified`
guarantees ``len(to_simplified(s)) == len(s)``: character offsets found in one text point at the
same characters of the other. OpenCC's phrase tables almost always map like-for-like lengths;
when a conversion would change the length, the text is converted character by character.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

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
    if not text:
        return [text], {}
    converted = _converter("t2s").convert(text)
    if len(converted) != len(text):  # to_simplified's character-by-character fallback
        return to_simplified(text).split("\n"), {}
    pieces = converted.split("\n")
    known = {
        line: piece
        for line, piece in zip(text.split("\n"), pieces, strict=True)
        if line and len(line) == len(piece)
    }
    return pieces, known


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
