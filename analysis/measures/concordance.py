"""Keyword in context (KWIC) in the original script.

Searching happens in the Simplified ``text`` of each paragraph, so a Simplified query finds
Traditional documents too; the context is then cut from ``text_original`` with the same offsets
(the corpus contract guarantees that both texts have the same length).

    >>> import analysis as an
    >>> corpus = an.load_corpus()
    >>> an.kwic(an.analysis_paragraphs(corpus), "招商引资", window=10).head()
"""

from __future__ import annotations

import argparse
import logging
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from analysis.corpus.dedup import duplicate_mask
from analysis.corpus.script import to_simplified

log = logging.getLogger(__name__)

__all__ = ["kwic", "cli_kwic", "format_kwic", "to_simplified"]

KWIC_COLUMNS = ["doc_id", "para_id", "start", "end", "left", "match", "right"]


def drop_duplicate_documents(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Drop paragraphs of near-duplicate documents (non-empty ``duplicate_of``).

    Args:
        paragraphs: paragraphs per the corpus contract.
        documents: documents table; when ``None`` the paragraphs are returned unchanged (the
            caller is expected to have used ``analysis_paragraphs`` already).
        include_duplicates: keep everything.

    Returns:
        The paragraphs that belong to the analysis.
    """
    if include_duplicates or documents is None or "duplicate_of" not in documents:
        return paragraphs
    dropped = set(documents.loc[duplicate_mask(documents), "doc_id"].astype(str))
    if not dropped:
        return paragraphs
    log.debug("excluding near-duplicate documents %s", sorted(dropped))
    return paragraphs[~paragraphs["doc_id"].astype(str).isin(dropped)]


def context_rows(
    paragraphs: pd.DataFrame, spans: Iterable[tuple[int, int, int]], *, window: int
) -> pd.DataFrame:
    """KWIC rows for given spans.

    Args:
        paragraphs: paragraphs with ``doc_id, para_id, text_original`` (any index).
        spans: ``(row_position, start, end)`` triples; ``row_position`` is the positional row of
            ``paragraphs``, ``start``/``end`` index its ``text_original``.
        window: characters of context on each side.

    Returns:
        DataFrame[doc_id, para_id, start, end, left, match, right] in the original script.
    """
    doc_ids = paragraphs["doc_id"].astype(str).to_numpy()
    para_ids = paragraphs["para_id"].to_numpy()
    originals = paragraphs["text_original"].fillna("").astype(str).to_numpy()
    rows = []
    for pos, start, end in spans:
        orig = originals[pos]
        rows.append(
            (
                doc_ids[pos],
                int(para_ids[pos]),
                int(start),
                int(end),
                orig[max(0, start - window) : start],
                orig[start:end],
                orig[end : end + window],
            )
        )
    return pd.DataFrame(rows, columns=KWIC_COLUMNS).astype({"start": "int64", "end": "int64"})


def kwic(
    paragraphs: pd.DataFrame,
    term: str,
    window: int = 20,
    *,
    regex: bool = False,
    documents: pd.DataFrame | None = None,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Keyword-in-context lines for ``term``, in the original script.

    The query is converted to Simplified (so 統戰 and 统战 find the same lines) and searched in
    ``text``; ``left``/``match``/``right`` are sliced from ``text_original`` with the same
    offsets. Matches do not overlap (scanning left to right).

    Args:
        paragraphs: paragraphs per the corpus contract (``doc_id, para_id, text,
            text_original``).
        term: literal string, or a Python regular expression when ``regex=True``.
        window: characters of context on each side.
        regex: treat ``term`` as a regular expression (on the Simplified text).
        documents: documents table; if given, near-duplicates are dropped (see
            ``include_duplicates``).
        include_duplicates: keep documents marked as near-duplicates.

    Returns:
        DataFrame[doc_id, para_id, start, end, left, match, right] sorted by document,
        paragraph and offset; ``start``/``end`` index ``text_original`` (and ``text``). When
        ``documents`` is given the rows also carry the document metadata ``title, place, year,
        level, region`` (empty where unknown), so a KWIC table can be grouped or cited.

    Raises:
        ValueError: empty term, negative window, or an invalid regular expression.
    """
    if not term:
        raise ValueError("kwic: empty search term")
    if window < 0:
        raise ValueError(f"kwic: window must be >= 0, got {window}")
    query = to_simplified(term)
    try:
        pattern = re.compile(query if regex else re.escape(query))
    except re.error as exc:
        raise ValueError(f"kwic: invalid regular expression {term!r}: {exc}") from None
    paras = drop_duplicate_documents(
        paragraphs, documents, include_duplicates=include_duplicates
    ).reset_index(drop=True)
    texts = paras["text"].fillna("").astype(str).to_numpy()
    spans = [
        (pos, m.start(), m.end())
        for pos, text in enumerate(texts)
        for m in pattern.finditer(text)
        if m.end() > m.start()
    ]
    out = context_rows(paras, spans, window=window)
    out = out.sort_values(["doc_id", "para_id", "start"], kind="stable").reset_index(drop=True)
    if documents is not None:
        from .validation import with_metadata

        out = with_metadata(out, documents)
    return out


def _display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad_left(s: str, width: int) -> str:
    return " " * max(0, width - _display_width(s)) + s


def format_kwic(lines: pd.DataFrame, *, window: int) -> str:
    """Render KWIC lines as an aligned plain-text table (match between 【 】)."""
    out = []
    width = 2 * window
    for row in lines.itertuples(index=False):
        left = row.left.replace("\n", " ")
        right = row.right.replace("\n", " ")
        where = f"{row.doc_id}#{row.para_id}:{row.start}"
        out.append(f"{where:<16} {_pad_left(left, width)}【{row.match}】{right}")
    return "\n".join(out)


def cli_kwic(args: argparse.Namespace) -> int:
    """``python -m analysis kwic TERM [--data DIR] [--window N] [--limit N] [--include-duplicates] [--regex]``."""
    from analysis.corpus.build import analysis_paragraphs, load_corpus

    corpus = load_corpus(args.data)
    paragraphs = analysis_paragraphs(corpus, include_duplicates=args.include_duplicates)
    lines = kwic(paragraphs, args.term, window=args.window, regex=getattr(args, "regex", False))
    n_docs = lines["doc_id"].nunique()
    shown = lines if not args.limit else lines.head(args.limit)
    print(f"{args.term}: {len(lines)} matches in {n_docs} documents (showing {len(shown)})")
    if len(shown):
        print(format_kwic(shown, window=args.window))
    return 0
