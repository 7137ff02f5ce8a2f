"""Theme lexicons: hits per document and paragraph, dominant themes, validation samples.

The lexicon is ``data/lexicons/themes.yaml`` (editable). Counting rule, used everywhere in this
module: the terms of *all* themes are matched together in the Simplified ``text``, scanning left
to right; at each position the longest term wins and a match consumes its characters, so matches
never overlap (基础设施建设 is one hit, not also 基础设施; 招商引资 is not also 招商 + 引资). A
term belongs to exactly one theme (checked on loading).

    >>> import analysis as an
    >>> themes = an.load_themes()
    >>> paras = an.analysis_paragraphs(an.load_corpus())
    >>> an.theme_scores(paras, an.tokenize(paras), themes)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import paths
from analysis._files import read_yaml
from analysis.errors import InputFileError

from .concordance import context_rows, drop_duplicate_documents, to_simplified
from .matching import build_automaton, find_longest

log = logging.getLogger(__name__)

THEMES_FILE = paths.LEXICONS / "themes.yaml"
THEME_COLUMNS = ["theme", "label_zh", "label_en", "term"]
SCORE_COLUMNS = ["doc_id", "theme", "hits", "per_1k_tokens", "share"]
NONE_THEME = "none"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


# --------------------------------------------------------------------------- shared helpers


def yaml_lines(path: str | Path) -> dict[tuple, int]:
    """Map each node path of a YAML file to its 1-based line (for error messages).

    Paths are tuples of mapping keys and sequence indices, e.g. ``("themes", 2, "terms", 5)``.
    The file must already be valid YAML (read it with :func:`analysis._files.read_yaml` first).
    """
    text = Path(path).read_bytes().decode("utf-8-sig")
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, where: tuple) -> None:
        lines[where] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                k = key.value if isinstance(key, yaml.ScalarNode) else str(key)
                lines[(*where, k)] = key.start_mark.line + 1
                walk(value, (*where, k))
                lines[(*where, k)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*where, i))

    root = yaml.compose(text)
    if root is not None:
        walk(root, ())
    return lines


def line_of(lines: dict[tuple, int], where: tuple) -> int | None:
    """Line of the deepest existing prefix of ``where`` in a :func:`yaml_lines` map."""
    for n in range(len(where), -1, -1):
        if where[:n] in lines:
            return lines[where[:n]]
    return None


def trie_pattern(words: Iterable[str], token=re.escape) -> str:
    """A regular expression matching any of ``words``, longest first, built as a trie.

    Much faster than a flat alternation for hundreds of words, and greedy: at a given position
    the longest word wins. ``token(ch)`` renders one character (override for flexible
    separators).
    """
    trie: dict = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [token(ch) + emit(child) for ch, child in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(trie) + ")"


# --------------------------------------------------------------------------- lexicon


def load_themes(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a theme lexicon (YAML).

    The file has a top-level ``themes:`` list; each theme has ``id`` (snake_case),
    ``label_zh``, ``label_en``, ``description`` and ``terms`` (Simplified strings). A term may
    belong to one theme only. Errors name the file and line.

    Args:
        path: YAML file; default ``data/lexicons/themes.yaml``.

    Returns:
        DataFrame[theme, label_zh, label_en, term, description] in long format, one row per
        term, themes in file order (this order breaks ties between themes).

    Raises:
        InputFileError: unreadable file, bad YAML, or a theme that breaks the rules above.
    """
    path = Path(path) if path is not None else THEMES_FILE
    data = read_yaml(path)
    lines = yaml_lines(path)

    def fail(where: tuple, problem: str) -> InputFileError:
        return InputFileError(path, problem, line=line_of(lines, where))

    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise fail((), "expected a top-level mapping with a 'themes:' list")
    if not data["themes"]:
        raise fail(("themes",), "the 'themes:' list is empty")
    rows: list[tuple[str, str, str, str, str]] = []
    owner: dict[str, str] = {}
    seen_ids: set[str] = set()
    for i, theme in enumerate(data["themes"]):
        where = ("themes", i)
        if not isinstance(theme, dict):
            raise fail(where, f"theme #{i + 1} must be a mapping with id, labels and terms")
        tid = theme.get("id")
        if not isinstance(tid, str) or not _ID_RE.match(tid):
            raise fail((*where, "id"), f"theme #{i + 1}: id {tid!r} must be snake_case ascii")
        if tid in seen_ids:
            raise fail((*where, "id"), f"theme {tid!r}: duplicate id")
        if tid == NONE_THEME:
            raise fail((*where, "id"), f"theme id {NONE_THEME!r} is reserved")
        seen_ids.add(tid)
        for key in ("label_zh", "label_en"):
            if not isinstance(theme.get(key), str) or not theme[key].strip():
                raise fail((*where, key), f"theme {tid!r}: missing or empty {key!r}")
        terms = theme.get("terms")
        if not isinstance(terms, list) or not terms:
            raise fail((*where, "terms"), f"theme {tid!r}: 'terms' must be a non-empty list")
        for j, term in enumerate(terms):
            twhere = (*where, "terms", j)
            if not isinstance(term, str) or not term.strip():
                raise fail(twhere, f"theme {tid!r}: term #{j + 1} is not a non-empty string")
            if term != term.strip() or re.search(r"\s", term):
                raise fail(twhere, f"theme {tid!r}: term {term!r} contains whitespace")
            if not _CJK_RE.search(term):
                raise fail(twhere, f"theme {tid!r}: term {term!r} contains no Chinese character")
            if to_simplified(term) != term:
                raise fail(
                    twhere,
                    f"theme {tid!r}: term {term!r} is not Simplified "
                    f"(use {to_simplified(term)!r}; the analysis reads Simplified text)",
                )
            if term in owner:
                raise fail(
                    twhere,
                    f"theme {tid!r}: term {term!r} is already listed under theme {owner[term]!r}",
                )
            owner[term] = tid
            rows.append(
                (
                    tid,
                    theme["label_zh"].strip(),
                    theme["label_en"].strip(),
                    term,
                    str(theme.get("description") or "").strip(),
                )
            )
    return pd.DataFrame(rows, columns=[*THEME_COLUMNS, "description"])


def _theme_ids(themes: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(themes["theme"].astype(str)))


def theme_hits(
    paragraphs: pd.DataFrame,
    themes: pd.DataFrame | None = None,
    *,
    documents: pd.DataFrame | None = None,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Every theme-term match (long table; the evidence behind all scores).

    Args:
        paragraphs: paragraphs per the corpus contract.
        themes: output of :func:`load_themes` (default lexicon when ``None``).
        documents: if given, near-duplicate documents are dropped.
        include_duplicates: keep near-duplicates.

    Returns:
        DataFrame[doc_id, para_id, start, end, term, theme]; offsets index ``text`` and
        ``text_original``. Matches follow the longest-match, non-overlapping rule.
    """
    themes = load_themes() if themes is None else themes
    paras = drop_duplicate_documents(
        paragraphs, documents, include_duplicates=include_duplicates
    ).reset_index(drop=True)
    terms = themes["term"].astype(str).tolist()
    term_theme = np.asarray(themes["theme"].astype(str).tolist(), dtype=object)
    texts = [str(t) for t in paras["text"].fillna("")]
    m = find_longest(build_automaton(terms), texts)
    return pd.DataFrame(
        {
            "doc_id": paras["doc_id"].astype(str).to_numpy()[m.para],
            "para_id": paras["para_id"].to_numpy().astype("int64")[m.para],
            "start": m.start,
            "end": m.end,
            "term": np.asarray(terms, dtype=object)[m.term],
            "theme": term_theme[m.term],
        },
        columns=["doc_id", "para_id", "start", "end", "term", "theme"],
    )


def _token_counts(tokens, *, unit: str) -> pd.Series | None:
    """Tokens per unit from a tokens DataFrame or a precomputed Series (see theme_scores)."""
    if tokens is None:
        return None
    keys = ["doc_id"] if unit == "document" else ["doc_id", "para_id"]
    if isinstance(tokens, pd.DataFrame):
        missing = {"doc_id", "para_id"} - set(tokens.columns)
        if missing:
            raise ValueError(f"tokens DataFrame lacks columns {sorted(missing)}")
        t = tokens[["doc_id", "para_id"]].astype({"doc_id": str, "para_id": "int64"})
        return t.groupby(keys, observed=True).size()
    if isinstance(tokens, pd.Series):
        s = tokens.astype("float64")
        if isinstance(s.index, pd.MultiIndex):
            s.index = s.index.set_levels(
                [s.index.levels[0].astype(str), s.index.levels[1].astype("int64")]
            )
            return s.groupby(level=0).sum() if unit == "document" else s
        if unit == "paragraph":
            raise ValueError("paragraph scores need tokens per paragraph (MultiIndex doc, para)")
        s.index = s.index.astype(str)
        return s
    raise TypeError(f"tokens must be a DataFrame, a Series or None, not {type(tokens).__name__}")


def theme_scores(
    paragraphs: pd.DataFrame,
    tokens: pd.DataFrame | pd.Series | None = None,
    themes: pd.DataFrame | None = None,
    *,
    unit: str = "document",
    documents: pd.DataFrame | None = None,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Theme hits per document (or paragraph), per 1,000 tokens, and share of all theme hits.

    Args:
        paragraphs: paragraphs per the corpus contract (the analysed set, e.g. from
            ``analysis_paragraphs``).
        tokens: the tokens DataFrame of ``analysis.text.tokens`` (filtered tokens are counted),
            or a precomputed Series of token counts indexed by ``doc_id`` (documents) or by a
            ``(doc_id, para_id)`` MultiIndex; ``None`` leaves ``per_1k_tokens`` as NaN.
        themes: output of :func:`load_themes` (default lexicon when ``None``).
        unit: ``"document"`` or ``"paragraph"``.
        documents: if given, near-duplicate documents are dropped.
        include_duplicates: keep near-duplicates.

    Returns:
        DataFrame[doc_id, theme, hits, per_1k_tokens, share] (with ``para_id`` after
        ``doc_id`` when ``unit="paragraph"``): one row per unit and theme, zeros included.
        ``per_1k_tokens`` = 1000 * hits / tokens of the unit (NaN when the token count is
        unknown or zero); ``share`` = hits / all theme hits of the unit (0.0 when the unit has
        no theme hit at all).
    """
    if unit not in ("document", "paragraph"):
        raise ValueError(f"unit must be 'document' or 'paragraph', not {unit!r}")
    themes = load_themes() if themes is None else themes
    paras = drop_duplicate_documents(paragraphs, documents, include_duplicates=include_duplicates)
    keys = ["doc_id"] if unit == "document" else ["doc_id", "para_id"]
    ids = _theme_ids(themes)
    units = paras[keys].astype({"doc_id": str}).drop_duplicates()
    if unit == "paragraph":
        units = units.astype({"para_id": "int64"})
    hits = theme_hits(paras, themes)
    counts = (
        hits.groupby([*keys, "theme"]).size().rename("hits")
        if len(hits)
        else pd.Series(dtype="int64", name="hits")
    )
    grid = units.merge(pd.DataFrame({"theme": ids}), how="cross")
    out = grid.merge(counts.reset_index(), on=[*keys, "theme"], how="left") if len(hits) else grid
    out["hits"] = out.get("hits", pd.Series(0, index=out.index)).fillna(0).astype("int64")
    total = out.groupby(keys)["hits"].transform("sum")
    out["share"] = np.where(total > 0, out["hits"] / total.where(total > 0, 1), 0.0)
    n_tok = _token_counts(tokens, unit=unit)
    if n_tok is None:
        out["per_1k_tokens"] = np.nan
    else:
        denom = pd.MultiIndex.from_frame(out[keys]) if unit == "paragraph" else out["doc_id"]
        n = n_tok.reindex(denom).to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            out["per_1k_tokens"] = np.where(n > 0, 1000.0 * out["hits"].to_numpy() / n, np.nan)
    order = {t: i for i, t in enumerate(ids)}
    out = out.assign(_o=out["theme"].map(order)).sort_values([*keys, "_o"], kind="stable")
    return out[[*keys, "theme", "hits", "per_1k_tokens", "share"]].reset_index(drop=True)


def paragraph_themes(
    paragraphs: pd.DataFrame,
    themes: pd.DataFrame | None = None,
    *,
    min_hits: int = 2,
    documents: pd.DataFrame | None = None,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Theme hits of every paragraph and its dominant theme.

    Dominant theme rule: the theme with the most hits in the paragraph, provided it has at
    least ``min_hits`` hits (default 2: a single passing mention does not make a paragraph
    "about" a theme); otherwise ``"none"``. Ties go to the theme listed first in the lexicon
    (file order of ``themes.yaml``), so the result is deterministic and editable.

    Args:
        paragraphs: paragraphs per the corpus contract.
        themes: output of :func:`load_themes` (default lexicon when ``None``).
        min_hits: minimum hits of the top theme for it to be dominant.
        documents: if given, near-duplicate documents are dropped.
        include_duplicates: keep near-duplicates.

    Returns:
        DataFrame[doc_id, para_id, dominant_theme, <one int column of hits per theme id>], one
        row per paragraph in input order.
    """
    if min_hits < 1:
        raise ValueError(f"min_hits must be >= 1, got {min_hits}")
    themes = load_themes() if themes is None else themes
    paras = drop_duplicate_documents(paragraphs, documents, include_duplicates=include_duplicates)
    ids = _theme_ids(themes)
    base = paras[["doc_id", "para_id"]].astype({"doc_id": str, "para_id": "int64"})
    hits = theme_hits(paras, themes)
    wide = (
        hits.groupby(["doc_id", "para_id", "theme"]).size().unstack("theme", fill_value=0)
        if len(hits)
        else pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["doc_id", "para_id"]))
    )
    wide = wide.reindex(columns=ids, fill_value=0)
    out = base.merge(wide.reset_index(), on=["doc_id", "para_id"], how="left")
    out[ids] = out[ids].fillna(0).astype("int64")
    mat = out[ids].to_numpy()
    if len(ids):
        top = mat.argmax(axis=1)  # first maximum = first theme in file order
        best = mat[np.arange(len(out)), top] if len(out) else np.array([], dtype="int64")
        dominant = np.where(best >= min_hits, np.array(ids, dtype=object)[top], NONE_THEME)
    else:
        dominant = np.full(len(out), NONE_THEME, dtype=object)
    out.insert(2, "dominant_theme", pd.Series(dominant, index=out.index, dtype=str))
    return out.reset_index(drop=True)


def theme_sample(
    paragraphs: pd.DataFrame,
    themes: pd.DataFrame | None,
    theme: str,
    n: int = 20,
    *,
    seed: int,
    window: int = 20,
    documents: pd.DataFrame | None = None,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """A seeded random sample of KWIC lines for one theme, for coders to read and judge.

    The lines are the theme's hits as counted by :func:`theme_scores` (same longest-match
    rule), so judging them validates exactly what the scores count. Sampling is uniform
    without replacement over all hits (all hits when there are at most ``n``).

    Args:
        paragraphs: paragraphs per the corpus contract.
        themes: output of :func:`load_themes` (default lexicon when ``None``).
        theme: theme id.
        n: sample size.
        seed: random seed (numpy ``default_rng``); same inputs + same seed = same sample.
        window: characters of context on each side.
        documents: if given, near-duplicate documents are dropped.
        include_duplicates: keep near-duplicates.

    Returns:
        DataFrame[theme, term, doc_id, para_id, start, end, left, match, right, judgement]
        sorted by document and position; context in the original script; ``judgement`` is
        empty for the coder to fill in (e.g. yes / no / unsure).
    """
    themes = load_themes() if themes is None else themes
    if theme not in set(themes["theme"]):
        raise ValueError(f"unknown theme {theme!r}; known: {', '.join(_theme_ids(themes))}")
    paras = drop_duplicate_documents(
        paragraphs, documents, include_duplicates=include_duplicates
    ).reset_index(drop=True)
    pos = {
        (d, int(p)): i
        for i, (d, p) in enumerate(zip(paras["doc_id"].astype(str), paras["para_id"]))
    }
    hits = theme_hits(paras, themes)
    hits = hits[hits["theme"] == theme].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    take = np.sort(rng.choice(len(hits), size=min(n, len(hits)), replace=False))
    chosen = hits.iloc[take]
    spans = [
        (pos[(d, p)], s, e)
        for d, p, s, e in zip(chosen["doc_id"], chosen["para_id"], chosen["start"], chosen["end"])
    ]
    lines = context_rows(paras, spans, window=window)
    lines.insert(0, "term", chosen["term"].to_numpy())
    lines.insert(0, "theme", theme)
    lines["judgement"] = ""
    cols = ["theme", "term", "doc_id", "para_id", "start", "end", "left", "match", "right"]
    return lines[[*cols, "judgement"]].reset_index(drop=True)
