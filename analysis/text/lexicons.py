"""The editable word lists of tokenization and the one merged dictionary both backends use.

Files (all in ``data/lexicons/``, UTF-8, BOM and CRLF tolerated, ``#`` starts a comment line):

- ``userdict.txt``: domain user dictionary, one entry per line, ``word [freq] [tag]`` (jieba
  format). Every entry gets a *resolved* frequency: the largest of the frequency given (if any),
  jieba's ``suggest_freq`` value (the word beats its own best split) and the frequency of the
  rarest multi-character piece of that split (so it also wins in context; see
  :func:`resolve_user_freq`). An entry without a frequency therefore still wins.
- ``dict_delete.txt``: built-in jieba words to delete because they swallow domain terms
  (``堡垒作用`` eats ``战斗堡垒作用`` → ``战斗/堡垒作用``).
- ``stopwords.txt``: function words, numerals and units.
- ``generic_words.txt``: report-generic words (工作, 进一步, 积极 …), switchable.

:func:`effective_dictionary` merges jieba's ``dict.txt`` with the deletions and the user
dictionary into one table of ``word → (freq, tag)``; the pure-Python jieba backend and the Rust
backend (rjieba) are both built from that same table, so they segment with the same words.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis import hashing, paths
from analysis._files import read_text_lines, read_word_list
from analysis.errors import InputFileError

log = logging.getLogger(__name__)

USERDICT = paths.LEXICONS / "userdict.txt"
DELETE_LIST = paths.LEXICONS / "dict_delete.txt"
STOPWORDS = paths.LEXICONS / "stopwords.txt"
GENERIC_WORDS = paths.LEXICONS / "generic_words.txt"

DEFAULT_USER_TAG = "nz"
#: Largest user frequency accepted: jieba's most frequent word (的) has 318,825 in a total of
#: ~60 million; rjieba keeps frequencies in 64-bit integers, so a huge value would overflow.
MAX_USER_FREQ = 10**9
_TAG = re.compile(r"^[a-z]{1,4}$")
_BAD_CHARS = re.compile(r"[\s\ufffd\x00-\x1f]")
# jieba only joins characters of this class into words (its re_han_default); a user word with any
# other character (·, “, full-width letters …) can never come out as one token.
_JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")


@dataclass(frozen=True)
class UserEntry:
    """One line of the user dictionary."""

    word: str
    freq: int | None
    tag: str
    line: int


@dataclass(frozen=True, eq=False)
class Dictionary:
    """The merged dictionary: ``freq[word]``, ``tag[word]``, ``total`` and a content ``digest``.

    ``user`` maps each user word to its resolved frequency (for reports and tests).
    """

    freq: dict[str, int] = field(repr=False)
    tag: dict[str, str] = field(repr=False)
    total: int
    digest: str
    user: dict[str, int] = field(repr=False)
    deleted: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.freq)

    def __contains__(self, word: object) -> bool:
        return word in self.freq


def jieba_dict_path() -> Path:
    """Path of jieba's built-in ``dict.txt`` (the base dictionary of both backends).

    Found without importing jieba (0.14 CPU s that nothing else in a run may need).
    """
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("No module named 'jieba'", name="jieba")
    return Path(spec.origin).resolve().parent / "dict.txt"


def read_user_dict(path: str | Path = USERDICT) -> list[UserEntry]:
    """Parse a jieba-format user dictionary (``word [freq] [tag]`` per line).

    Raises:
        InputFileError: naming the file and line for a bad frequency, tag or word.
    """
    entries: dict[str, UserEntry] = {}
    for number, line in read_text_lines(path):
        parts = line.split()
        word, rest = parts[0], parts[1:]
        if _BAD_CHARS.search(word):
            raise InputFileError(path, f"invalid word {word!r}", line=number)
        if not _JIEBA_WORD.match(word):
            bad = "".join(sorted({ch for ch in word if not _JIEBA_WORD.match(ch)}))
            raise InputFileError(
                path,
                f"{word!r} can never be one token: jieba splits words at {bad!r} "
                "(only CJK characters, ASCII letters/digits and +#&._%- stay together)",
                line=number,
            )
        freq: int | None = None
        tag = DEFAULT_USER_TAG
        if rest and rest[0].lstrip("-").isdigit():
            freq = int(rest.pop(0))
            if freq <= 0:
                raise InputFileError(
                    path, f"frequency must be a positive integer, got {freq}", line=number
                )
            if freq > MAX_USER_FREQ:
                raise InputFileError(
                    path,
                    f"frequency {freq} is out of range (1 to {MAX_USER_FREQ:,}; jieba's most "
                    "frequent word has 318,825) — leave it out and it is resolved",
                    line=number,
                )
        if rest:
            candidate = rest.pop(0)
            if not _TAG.match(candidate):
                raise InputFileError(
                    path,
                    f"expected 'word [freq] [tag]'; {candidate!r} is neither a positive "
                    "integer frequency nor a lower-case POS tag",
                    line=number,
                )
            tag = candidate
        if rest:
            raise InputFileError(
                path, f"too many fields in {line!r} (expected 'word [freq] [tag]')", line=number
            )
        if word in entries:
            log.warning("%s:%d: duplicate entry %r overrides line %d", path, number, word,
                        entries[word].line)  # fmt: skip
        entries[word] = UserEntry(word, freq, tag, number)
    return list(entries.values())


def read_delete_list(path: str | Path = DELETE_LIST) -> list[str]:
    """Words to remove from jieba's built-in dictionary (one per line)."""
    return read_word_list(path)


@functools.lru_cache(maxsize=2)
def _base_dictionary(dict_path: str, digest: str) -> tuple[dict[str, int], dict[str, str], int]:
    return _parse_dictionary(Path(dict_path).read_bytes().decode("utf-8-sig"), dict_path)


def _parse_dictionary(text: str, dict_path: str) -> tuple[dict[str, int], dict[str, str], int]:
    """Line by line: ``word freq [tag]`` (tag ``x`` when missing); a bad line is an error."""
    freq: dict[str, int] = {}
    tag: dict[str, str] = {}
    total = 0
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        try:
            f = int(parts[1])
        except (IndexError, ValueError):
            raise InputFileError(dict_path, f"invalid dictionary entry {line!r}", number) from None
        freq[parts[0]] = f
        tag[parts[0]] = parts[2] if len(parts) > 2 else "x"
        total += f
    return freq, tag, total


def base_dictionary() -> tuple[dict[str, int], dict[str, str], int]:
    """jieba's built-in dictionary as ``(freq, tag, total)``, read once per process."""
    return _base_dictionary(str(jieba_dict_path()), hashing.library_versions()["jieba"])


def _best_split(word: str, freq: dict[str, int], total: int) -> list[str]:
    """jieba's max-probability segmentation of ``word`` without HMM (the DAG route)."""
    n = len(word)
    logtotal = math.log(total)
    route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
    for i in range(n - 1, -1, -1):
        best = (-math.inf, i)
        for j in range(i + 1, n + 1):
            piece = word[i:j]
            f = freq.get(piece)
            if f is None and j > i + 1:
                continue
            score = math.log(f or 1) - logtotal + route[j][0]
            if score > best[0]:
                best = (score, j)
        route[i] = best
    pieces, i = [], 0
    while i < n:
        j = route[i][1]
        pieces.append(word[i:j])
        i = j
    return pieces


def suggest_join_freq(word: str, freq: dict[str, int], total: int) -> int:
    """Smallest frequency with which jieba keeps ``word`` whole (jieba's ``suggest_freq``).

    ``freq`` must not contain ``word`` itself (pass the dictionary without the word).
    """
    p = 1.0
    for piece in _best_split(word, freq, total):
        p *= (freq.get(piece) or 1) / total
    return int(p * total) + 1


def resolve_user_freq(word: str, freq: dict[str, int], total: int) -> int:
    """Frequency floor of a user word: it must win *in context*, not only in isolation.

    jieba's own rule (:func:`suggest_join_freq`) only makes the word more probable than its best
    split, which for frequent pieces is often a frequency of 1: the word then loses as soon as a
    neighbour can join one of its characters. We therefore also require the word to be at least
    as frequent as the rarest piece of that split (a multi-character piece; single characters do
    not count, so 两委 does not inherit the frequency of 两).
    """
    floor = suggest_join_freq(word, freq, total)
    pieces = [p for p in _best_split(word, freq, total) if len(p) > 1 and freq.get(p)]
    if pieces:
        floor = max(floor, min(freq[p] for p in pieces))
    return floor


def effective_dictionary(
    *, userdict: str | Path | None = USERDICT, delete: str | Path | None = DELETE_LIST
) -> Dictionary:
    """The merged dictionary: jieba's ``dict.txt`` − deletions + user words (resolved freqs).

    Memoised per process on the *content* of the files, so an edited file is re-read while an
    unchanged one costs one hash. Built in ~1 s.

    Raises:
        InputFileError: for a malformed user dictionary or delete list (file and line named).
    """
    base_path = jieba_dict_path()
    digest = hashing.digest(
        repr(sorted(hashing.library_versions().items())),
        hashing.file_digest(userdict),
        hashing.file_digest(delete),
    )
    return _effective_dictionary(str(base_path), str(userdict), str(delete), digest)


@functools.lru_cache(maxsize=4)
def _effective_dictionary(base: str, userdict: str, delete: str, digest: str) -> Dictionary:
    base_freq, base_tag, total = (
        base_dictionary()
        if base == str(jieba_dict_path())
        else _base_dictionary(base, hashing.library_versions()["jieba"])
    )
    freq = dict(base_freq)
    tag = dict(base_tag)
    deleted = []
    if delete != "None":
        for word in read_delete_list(delete):
            if word in freq:
                total -= freq.pop(word)
                tag.pop(word, None)
                deleted.append(word)
            else:
                log.debug("delete list: %r is not in the base dictionary", word)
    user: dict[str, int] = {}
    if userdict != "None":
        for entry in read_user_dict(userdict):
            old = freq.pop(entry.word, 0)
            total -= old
            floor = resolve_user_freq(entry.word, freq, total)
            resolved = max(floor, entry.freq or 0, old)
            freq[entry.word] = resolved
            tag[entry.word] = entry.tag
            total += resolved
            user[entry.word] = resolved
    log.info(
        "dictionary: %d words (%d user, %d deleted), digest %s",
        len(freq), len(user), len(deleted), digest[:12],
    )  # fmt: skip
    return Dictionary(freq, tag, total, digest, user, tuple(deleted))


def user_word_table(
    *, userdict: str | Path | None = USERDICT, delete: str | Path | None = DELETE_LIST
):
    """The user dictionary as used: one row per entry with its resolved frequency.

    For methods sections and debugging ("why is this word (not) kept whole?").

    Returns:
        DataFrame ``word``, ``tag``, ``line`` (in the file), ``freq_given`` (nullable),
        ``freq_resolved`` (what both backends use).
    """
    import pandas as pd

    if userdict is None:
        return pd.DataFrame(columns=["word", "tag", "line", "freq_given", "freq_resolved"])
    entries = read_user_dict(userdict)
    dictionary = effective_dictionary(userdict=userdict, delete=delete)
    return pd.DataFrame(
        {
            "word": [e.word for e in entries],
            "tag": [e.tag for e in entries],
            "line": [e.line for e in entries],
            "freq_given": pd.array([e.freq for e in entries], dtype="Int64"),
            "freq_resolved": [dictionary.user[e.word] for e in entries],
        }
    )


@functools.lru_cache(maxsize=8)
def _word_set(path: str, digest: str) -> frozenset[str]:
    return frozenset(read_word_list(path))


def word_set(path: str | Path | None) -> frozenset[str]:
    """A stopword/generic list as a set, memoised on the file's content."""
    if path is None:
        return frozenset()
    return _word_set(str(path), hashing.file_digest(path))
