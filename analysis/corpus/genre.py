"""Genre profiles: paragraph roles that are not substance, a genre detector, generic words.

Reports of one genre share formulae that say nothing about their subject: the salutation
(各位代表：), the thanks paragraph of a government work report (向…各民主党派…表示衷心感谢), the
glossary at the end (〔11〕…, 名词解释), a signature, a web page's reading-time line. Counted as
text they make the united front "dominate" paragraphs and put 各位代表 at the top of keyword
lists. This module labels such paragraphs by general rules read from
``data/lexicons/genres.yaml`` (one ``role`` per paragraph; ``substance`` is the default) and finds
the genre of each document from evidence (cues in the title and at the start and end of the
text), so that the genre's generic words can be removed from keyword and topic tokens.

    >>> import analysis as an
    >>> corpus = an.load_corpus()                 # paragraphs carry `role`, documents `genre`
    >>> corpus.paragraphs["role"].value_counts()
    >>> an.corpus_genres(corpus.documents)        # e.g. ["experience_material"]
    >>> an.genre_generic_words(["work_report"])   # 各位代表, 代表, …

Every function is pure except :func:`load_genre_profiles`, which reads the YAML file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

try:  # the regex parser (to tell whether a pattern depends on context)
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

import numpy as np
import pandas as pd

from analysis import paths
from analysis._files import read_yaml
from analysis.errors import InputFileError
from analysis.hashing import file_digest

GENRES_FILE = paths.LEXICONS / "genres.yaml"
SUBSTANCE = "substance"
NO_GENRE = "none"
AUTO = "auto"
RULES = ("line", "sentences", "block", "tail")
_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]*")


@dataclass(frozen=True)
class Role:
    """One non-substance paragraph role (see ``genres.yaml`` for the rules)."""

    id: str
    rule: str
    description: str = ""
    line: tuple[re.Pattern, ...] = ()
    sentences: tuple[re.Pattern, ...] = ()
    block: tuple[re.Pattern, ...] = ()
    max_chars: int = 10_000
    min_share: float = 0.5
    last_n: int = 3


@dataclass(frozen=True)
class Genre:
    """One genre: evidence cues and generic words."""

    id: str
    label_zh: str
    label_en: str
    cues: tuple[re.Pattern, ...]
    generic_words: tuple[str, ...]


@dataclass(frozen=True)
class GenreProfiles:
    """Everything in ``genres.yaml``: roles, genres and the detector's settings."""

    roles: tuple[Role, ...]
    genres: tuple[Genre, ...]
    head_paragraphs: int = 8
    tail_paragraphs: int = 5
    min_evidence: int = 1
    corpus_share: float = 0.2
    digest: str = ""

    def genre(self, genre_id: str) -> Genre:
        for g in self.genres:
            if g.id == genre_id:
                return g
        known = ", ".join(g.id for g in self.genres)
        raise ValueError(f"unknown genre {genre_id!r}; genres.yaml defines: {known}")


# --------------------------------------------------------------------------- loading


def load_genre_profiles(path: str | Path | None = None) -> GenreProfiles:
    """Read and check ``genres.yaml`` (default ``data/lexicons/genres.yaml``).

    Raises:
        InputFileError: naming the file and the problem (bad regex, unknown rule, missing key).
    """
    p = Path(path) if path is not None else GENRES_FILE
    return _load(str(p), file_digest(p))


@lru_cache(maxsize=4)
def _load(path: str, digest: str) -> GenreProfiles:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("roles"), list):
        raise InputFileError(path, "expected a mapping with a 'roles' list and a 'genres' list")

    def patterns(entry: dict, key: str, where: str) -> tuple[re.Pattern, ...]:
        values = entry.get(key) or []
        if not isinstance(values, list):
            raise InputFileError(path, f"{where}: '{key}' must be a list of patterns")
        out = []
        for v in values:
            try:
                out.append(re.compile(str(v)))
            except re.error as exc:
                raise InputFileError(path, f"{where}: bad pattern {v!r} ({exc})") from None
        return tuple(out)

    roles = []
    for i, entry in enumerate(data["roles"]):
        if not isinstance(entry, dict) or "id" not in entry:
            raise InputFileError(path, f"roles[{i}]: needs an 'id'")
        where = f"role {entry['id']!r}"
        rule = entry.get("rule")
        if rule not in RULES:
            raise InputFileError(path, f"{where}: 'rule' must be one of {', '.join(RULES)}")
        roles.append(
            Role(
                id=str(entry["id"]),
                rule=rule,
                description=str(entry.get("description", "")),
                line=patterns(entry, "line", where),
                sentences=patterns(entry, "sentences", where),
                block=patterns(entry, "block", where),
                max_chars=int(entry.get("max_chars", 10_000)),
                min_share=float(entry.get("min_share", 0.5)),
                last_n=int(entry.get("last_n", 3)),
            )
        )
    genres = []
    for i, entry in enumerate(data.get("genres") or []):
        if not isinstance(entry, dict) or "id" not in entry:
            raise InputFileError(path, f"genres[{i}]: needs an 'id'")
        where = f"genre {entry['id']!r}"
        words = entry.get("generic_words") or []
        if not isinstance(words, list):
            raise InputFileError(path, f"{where}: 'generic_words' must be a list")
        genres.append(
            Genre(
                id=str(entry["id"]),
                label_zh=str(entry.get("label_zh", "")),
                label_en=str(entry.get("label_en", "")),
                cues=patterns(entry, "cues", where),
                generic_words=tuple(str(w) for w in words),
            )
        )
    det = data.get("detector") or {}
    return GenreProfiles(
        roles=tuple(roles),
        genres=tuple(genres),
        head_paragraphs=int(det.get("head_paragraphs", 8)),
        tail_paragraphs=int(det.get("tail_paragraphs", 5)),
        min_evidence=int(det.get("min_evidence", 1)),
        corpus_share=float(det.get("corpus_share", 0.2)),
        digest=digest,
    )


# --------------------------------------------------------------------------- roles


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


@functools.lru_cache(maxsize=64)
def _any_of(pats: tuple[re.Pattern, ...]) -> re.Pattern | None:
    """One regex matching where any of ``pats`` matches (``(?:p1)|(?:p2)|…``), so a sentence is
    searched once instead of once per pattern; None when that could change the meaning
    (different flags, back-references whose group numbers would shift)."""
    if not pats or len({p.flags for p in pats}) != 1:
        return None
    if any(_BACKREFERENCE.search(p.pattern) for p in pats):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in pats), pats[0].flags)
    except re.error:  # e.g. the same group name in two patterns
        return None


_ASSERTIONS = {
    sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.GROUPREF,
    sre_constants.GROUPREF_EXISTS,
}  # fmt: skip


def _has_assertion(items: object) -> bool:
    """Does a parsed pattern hold an anchor, a look-around or a back-reference anywhere?"""
    for op, av in items:  # type: ignore[attr-defined]
        if op in _ASSERTIONS:
            return True
        for x in av if isinstance(av, (tuple, list)) else (av,):
            if isinstance(x, sre_parse.SubPattern) and _has_assertion(x):
                return True
            if isinstance(x, (tuple, list)) and any(
                isinstance(y, sre_parse.SubPattern) and _has_assertion(y) for y in x
            ):
                return True
    return False


@functools.lru_cache(maxsize=64)
def _unanchored(pats: tuple[re.Pattern, ...]) -> tuple[re.Pattern, ...] | None:
    """Regexes one of which matches somewhere in a text whenever one of ``pats`` matches a
    substring of it, or None when that cannot be guaranteed.

    A leading ``^`` and a trailing ``$`` are dropped (a superset of matches); a pattern is only
    accepted when nothing else in it depends on context (no other anchor, look-around or
    back-reference): then a match inside a sentence is a match inside the paragraph.
    """
    parts = []
    for p in pats:
        body = p.pattern
        if body.startswith("^"):
            body = body[1:]
        if body.endswith("$") and not body.endswith("\\$"):
            body = body[:-1]
        try:
            if _has_assertion(sre_parse.parse(body, p.flags)):
                return None
        except re.error:
            return None
        parts.append(body)
    # kept apart: Python's re scans fast for each pattern's first characters, but not for an
    # alternation of them (measured 3x slower than searching each pattern in turn)
    return tuple(re.compile(b, p.flags) for b, p in zip(parts, pats, strict=True))


_REPEATS = tuple(
    getattr(sre_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(sre_constants, name)
)


def _literal_sets(items: object) -> list[frozenset[str]]:
    """Sets of literal strings of a parsed pattern (a sequence) such that every match contains
    one string of each set: runs of literal characters, groups, alternations whose every branch
    has such a set, and repeats of at least one."""
    out: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:  # type: ignore[attr-defined]
        if op is sre_constants.LITERAL:
            run.append(chr(av))
            continue
        if run:
            out.append(frozenset({"".join(run)}))
            run = []
        if op is sre_constants.SUBPATTERN and not av[1] and not av[2]:  # no scoped flags
            out.extend(_literal_sets(av[3]))
        elif op is sre_constants.BRANCH:
            alts = [_widest(_literal_sets(alt)) for alt in av[1]]
            if alts and all(a is not None for a in alts):
                out.append(frozenset().union(*alts))  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            out.extend(_literal_sets(av[2]))
    if run:
        out.append(frozenset({"".join(run)}))
    return out


def _widest(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """The set whose shortest string is longest (the rarest to find by chance)."""
    return max(sets, key=lambda s: min(map(len, s))) if sets else None


@functools.lru_cache(maxsize=64)
def _literal_screen(pats: tuple[re.Pattern, ...]) -> re.Pattern | None:
    """One alternation of plain strings, one of which occurs in every text where one of
    ``pats`` matches (a necessary condition, whatever the anchors or look-arounds), or None when
    some pattern has no such strings. Python's re scans a literal alternation far faster than
    the patterns themselves."""
    literals: set[str] = set()
    for p in pats:
        try:
            best = _widest(_literal_sets(sre_parse.parse(p.pattern, p.flags)))
        except (re.error, TypeError, ValueError, IndexError):
            return None
        if best is None:
            return None
        literals |= best
    if not literals:
        return None
    flags = re.IGNORECASE if any(p.flags & re.IGNORECASE for p in pats) else 0
    return re.compile("|".join(map(re.escape, sorted(literals, key=len, reverse=True))), flags)


class _FormulaShare:
    """``_FormulaShare(pats)(text)``: the share of ``text``'s characters in sentences where one
    of ``pats`` matches, for one set of patterns, their screens looked up once (hashing the
    patterns for the caches cost as much as screening a paragraph)."""

    def __init__(self, pats: Sequence[re.Pattern]) -> None:
        key = tuple(pats)
        self.pats, self.literal, self.screen = key, _literal_screen(key), _unanchored(key)
        self.combined = _any_of(key)

    def __call__(self, text: str) -> float:
        if self.literal is not None and not self.literal.search(text):
            return 0.0  # not even the fixed words of a formula (most paragraphs)
        if self.screen is not None and not any(p.search(text) for p in self.screen):
            return 0.0  # no formula anywhere in the paragraph (most paragraphs)
        combined, pats = self.combined, self.pats
        total = formula = 0
        for m in _SENTENCE.finditer(text):
            s = m.group().strip()
            if not s:
                continue
            total += len(s)
            if combined.search(s) if combined is not None else any(p.search(s) for p in pats):
                formula += len(s)
        return formula / total if total else 0.0


def _searcher(pats: Sequence[re.Pattern]):
    """``any(p.search(text) for p in pats)`` for one set of patterns, as a function of the
    text, with one combined regex (looked up once) when that is safe."""
    combined = _any_of(tuple(pats))
    if combined is not None:
        search = combined.search
        return lambda text: search(text) is not None
    return lambda text: any(p.search(text) for p in pats)


def document_roles(texts: Sequence[str], *, profiles: GenreProfiles) -> list[str]:
    """Role of each paragraph of ONE document, in reading order (pure).

    Args:
        texts: the document's paragraphs (Simplified ``text``), in order.
        profiles: :func:`load_genre_profiles`.

    Returns:
        One role id per paragraph (``"substance"`` unless a rule of ``genres.yaml`` matches;
        the first matching role wins).
    """
    stripped = [str(t).strip() for t in texts]
    n = len(stripped)
    out = [SUBSTANCE] * n
    # one loop per rule, its settings read once (not the rule's name and limits per paragraph);
    # a paragraph is tested when still substance and not empty, the cheap conditions first
    for role, line_any, share in _role_matchers(tuple(profiles.roles)):
        rule, limit, label = role.rule, role.max_chars, role.id
        if rule == "line":
            for i, t in enumerate(stripped):
                if t and len(t) <= limit and out[i] == SUBSTANCE and line_any(t):
                    out[i] = label
        elif rule == "sentences":
            least = role.min_share
            for i, t in enumerate(stripped):
                if t and out[i] == SUBSTANCE and share(t) >= least:
                    out[i] = label
        elif rule == "block":
            block_from = n
            block_any = _searcher(role.block)
            for i, t in enumerate(stripped):
                if len(t) <= limit and block_any(t):
                    block_from = i
                    break
            for i, t in enumerate(stripped):
                if t and out[i] == SUBSTANCE and (i >= block_from or line_any(t)):
                    out[i] = label
        else:  # tail: only the last ``last_n`` paragraphs
            for i in range(max(0, n - role.last_n), n):
                t = stripped[i]
                if t and len(t) <= limit and out[i] == SUBSTANCE and line_any(t):
                    out[i] = label
    return out


@functools.lru_cache(maxsize=8)
def _role_matchers(roles: tuple[Role, ...]) -> list[tuple[Role, object, _FormulaShare]]:
    """Each role with its line matcher and its formula share, built once per set of roles."""
    return [(role, _searcher(role.line), _FormulaShare(role.sentences)) for role in roles]


def paragraph_lists(paragraphs: pd.DataFrame, lists: dict[str, list] | None, name: str) -> list:
    """Column ``name`` of ``paragraphs`` as a plain list: from ``lists`` when it holds it (the
    same rows, converted once by the caller: the text column costs ~0.15 CPU s per conversion
    on the 874 reports), else converted here."""
    if lists is not None and name in lists:
        return lists[name]
    return paragraphs[name].tolist()


def paragraph_roles(
    paragraphs: pd.DataFrame,
    *,
    profiles: GenreProfiles | None = None,
    lists: dict[str, list] | None = None,
) -> pd.Series:
    """Role of every paragraph of a paragraphs table (documents taken in their own order).

    Title-block paragraphs are labelled too (a salutation that the title detector took into
    the title block is still a salutation); the tail rule counts from the last paragraph of each
    document.

    Args:
        lists: some columns of ``paragraphs`` already as plain lists (:func:`paragraph_lists`).

    Returns:
        ``pd.Series`` of role ids aligned with ``paragraphs.index`` (name ``role``).
    """
    profiles = profiles or load_genre_profiles()
    if paragraphs.empty:
        return pd.Series(SUBSTANCE, index=paragraphs.index, name="role", dtype=object)
    positions: dict[object, list[int]] = {}  # each document's rows, in order (plain lists:
    for i, d in enumerate(paragraph_lists(paragraphs, lists, "doc_id")):  # a pandas groupby
        positions.setdefault(d, []).append(i)  # + .loc per document cost more than the rules)
    texts = paragraph_lists(paragraphs, lists, "text")
    roles = [SUBSTANCE] * len(texts)
    for rows in positions.values():
        for i, role in zip(rows, document_roles([texts[i] for i in rows], profiles=profiles)):
            roles[i] = role
    return pd.Series(roles, index=paragraphs.index, name="role", dtype=object)


# --------------------------------------------------------------------------- genre detector


def genre_evidence(
    documents: pd.DataFrame,
    paragraphs: pd.DataFrame,
    *,
    profiles: GenreProfiles | None = None,
    lists: dict[str, list] | None = None,
) -> pd.DataFrame:
    """Evidence for each genre in each document, and the genre it points to.

    The searched text is the title and the rest of the title block (subtitle, "——在…会议上的
    交流发言") plus the first ``head_paragraphs`` and the last ``tail_paragraphs`` paragraphs
    (where a genre announces itself); each distinct cue of a genre
    that matches there is one point.

    Returns:
        DataFrame with columns ``doc_id, genre, evidence`` and one ``evidence_<genre>`` column
        per genre (points). ``genre`` is the genre with most points if it has at least
        ``min_evidence`` and no other genre ties with it, else ``"none"``; ``evidence`` lists the
        matched text per cue (``work_report: 各位代表; 政府工作报告``).

    ``lists``: some columns of ``paragraphs`` already as plain lists (:func:`paragraph_lists`).
    """
    profiles = profiles or load_genre_profiles()
    head, tail = profiles.head_paragraphs, profiles.tail_paragraphs
    # plain lists: filtering the whole paragraphs frame (both text columns) and a groupby cost
    # more than the cues
    kinds = (
        paragraph_lists(paragraphs, lists, "kind")
        if "kind" in paragraphs
        else [""] * len(paragraphs)
    )
    by_doc: dict[object, list[str]] = {}
    ids, texts = (
        paragraph_lists(paragraphs, lists, "doc_id"),
        paragraph_lists(paragraphs, lists, "text"),
    )
    headers: dict[object, list[str]] = {}  # the title block: subtitle, "——在…会议上的交流发言"
    for d, k, t in zip(ids, kinds, texts):
        if k != "title":
            by_doc.setdefault(d, []).append(str(t))
        else:
            headers.setdefault(d, []).append(str(t))
    rows = []
    for doc_id, title in zip(documents["doc_id"], documents.get("title", ""), strict=False):
        texts = by_doc.get(doc_id, [])
        parts = [str(title or ""), *headers.get(doc_id, ())]
        parts += texts[:head] + texts[max(head, len(texts) - tail) :]
        row: dict[str, object] = {"doc_id": doc_id}
        found = []
        for g in profiles.genres:
            hits = []
            for cue in g.cues:
                m = next((m for t in parts for m in [cue.search(t)] if m), None)
                if m:
                    hits.append(m.group())
            row[f"evidence_{g.id}"] = len(hits)
            if hits:
                found.append(f"{g.id}: " + "; ".join(hits))
        scores = {g.id: row[f"evidence_{g.id}"] for g in profiles.genres}
        best = max(scores.values(), default=0)
        winners = [g for g, s in scores.items() if s == best]
        ok = best >= profiles.min_evidence and len(winners) == 1
        row["genre"] = winners[0] if ok else NO_GENRE
        row["evidence"] = " | ".join(found)
        rows.append(row)
    cols = ["doc_id", "genre", "evidence", *(f"evidence_{g.id}" for g in profiles.genres)]
    return pd.DataFrame(rows, columns=cols)


def corpus_genres(
    documents: pd.DataFrame,
    *,
    genre: str | Sequence[str] | None = AUTO,
    profiles: GenreProfiles | None = None,
) -> list[str]:
    """The genre(s) in force for a corpus: forced, or every genre of ≥ ``corpus_share`` of docs.

    Args:
        documents: documents table with a ``genre`` column (from :func:`genre_evidence`).
        genre: ``"auto"``/``None`` = detect; a genre id (or several, or ``"none"``) = forced.

    Returns:
        Sorted list of genre ids (empty: no genre-specific generic words).

    Raises:
        ValueError: a forced genre that ``genres.yaml`` does not define.
    """
    profiles = profiles or load_genre_profiles()
    if genre not in (None, AUTO):
        wanted = [genre] if isinstance(genre, str) else list(genre)
        wanted = [g for g in wanted if g != NO_GENRE]
        for g in wanted:
            profiles.genre(g)  # raises on an unknown id
        return sorted(set(wanted))
    if "genre" not in documents or documents.empty:
        return []
    share = documents["genre"].value_counts(normalize=True)
    return sorted(
        g for g, s in share.items() if g != NO_GENRE and s >= profiles.corpus_share - 1e-12
    )


def genre_generic_words(
    genres: Iterable[str], *, profiles: GenreProfiles | None = None
) -> tuple[str, ...]:
    """Generic words of the given genres (sorted, unique) — pass to ``TokenizerOptions``'s
    ``extra_generic`` or :func:`drop_words`."""
    profiles = profiles or load_genre_profiles()
    words: set[str] = set()
    for g in genres:
        words.update(profiles.genre(g).generic_words)
    return tuple(sorted(words))


def drop_words(tokens: pd.DataFrame, words: Iterable[str]) -> pd.DataFrame:
    """Tokens table without the given words (a cheap filter on an existing tokenization).

    Returns:
        The rows of ``tokens`` (same columns) whose ``token`` is not in ``words``.
    """
    words = set(words)
    if not words or tokens.empty:
        return tokens
    keep = ~np.asarray(tokens["token"].astype(str).isin(words))
    return tokens[keep].reset_index(drop=True)


def role_counts(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Non-substance paragraphs per document and role (for the quality table and summaries).

    Returns:
        DataFrame with columns ``doc_id``, ``non_substance_paragraphs`` and one ``role_<id>``
        column per role present.
    """
    if "role" not in paragraphs or paragraphs.empty:
        return pd.DataFrame(columns=["doc_id", "non_substance_paragraphs"])
    other = paragraphs[paragraphs["role"] != SUBSTANCE]
    table = pd.crosstab(other["doc_id"], other["role"]).add_prefix("role_")
    table = table.reindex(pd.unique(paragraphs["doc_id"]), fill_value=0)
    table.insert(0, "non_substance_paragraphs", table.sum(axis=1))
    return table.rename_axis("doc_id").reset_index()
