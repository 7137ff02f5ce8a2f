"""Paragraph and document frames for the slogan tests, built from ``{doc_id: [paragraph, …]}``."""

from __future__ import annotations

import pandas as pd


def paragraph_frames(
    docs: dict[str, list[str]],
    *,
    years: dict[str, int] | None = None,
    kind: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``paragraphs`` (doc_id, para_id from 1, text = text_original, and ``kind`` when given)
    and ``documents`` (doc_id, no duplicates, ``year`` from ``years`` or missing) frames that
    the slogan functions take."""
    rows = [(d, i, t, t) for d, paras in docs.items() for i, t in enumerate(paras, start=1)]
    paragraphs = pd.DataFrame(rows, columns=["doc_id", "para_id", "text", "text_original"])
    if kind is not None:
        paragraphs["kind"] = kind
    documents = pd.DataFrame({"doc_id": list(docs), "duplicate_of": ""})
    documents["year"] = [(years or {}).get(d) for d in docs]
    return paragraphs, documents
