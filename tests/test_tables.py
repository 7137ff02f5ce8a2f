"""Tables are safe to open: ids stay text, blanks mean "not applicable", every column explained."""

from __future__ import annotations

import re

import fixtures_figures as F
import numpy as np
import pandas as pd
import pytest

import analysis as an
from analysis.corpus.build import (
    COUNT_COLUMNS,
    DOCUMENT_COLUMNS,
    PARAGRAPH_COLUMNS,
    QUALITY_COLUMNS,
)
from analysis.measures.slogans import MENTION_COLUMNS
from analysis.measures.themes import SCORE_COLUMNS
from analysis.measures.timeseries import PREVALENCE_COLUMNS
from analysis.tables import COLUMN_GLOSSARY, column_glossary, read_table, write_table
from analysis.topics.select import K_COLUMNS


def test_ids_stay_text_and_blanks_stay_blank(tmp_path):
    df = pd.DataFrame(
        {
            "doc_id": ["000", "0040", "002-1"],
            "duplicate_of": ["", "000", ""],
            "n_bytes": pd.array([6401, pd.NA, 12], dtype="Int64"),
            "share": [1 / 3, np.nan, 0.5],
            "reason": ["", "", ""],
        }
    )
    path = write_table(df, tmp_path / "t.csv")
    text = path.read_text("utf-8")
    assert "000,,6401,0.333333," in text  # 6 significant digits, blank for NA
    numeric_looking = write_table(df.iloc[:2], tmp_path / "n.csv")
    assert pd.read_csv(numeric_looking)["doc_id"].tolist() == [0, 40]  # pandas' defaults
    assert read_table(numeric_looking)["doc_id"].tolist() == ["000", "0040"]
    back = read_table(path)
    assert back["doc_id"].tolist() == ["000", "0040", "002-1"]
    assert back["duplicate_of"].tolist() == ["", "000", ""]
    assert back["reason"].tolist() == ["", "", ""]
    assert str(back["n_bytes"].dtype) == "Int64" and back["n_bytes"].isna().tolist() == [
        False,
        True,
        False,
    ]
    assert back["share"].isna().tolist() == [False, True, False]


def test_quality_blanks_counts_that_do_not_apply(raw_corpus, tmp_path):
    q = raw_corpus.quality
    files, docs = q[q["doc_id"] == ""], q[q["doc_id"] != ""]
    assert files["n_bytes"].notna().all() and docs["n_bytes"].isna().all()
    assert files[["n_chars_clean", *COUNT_COLUMNS]].isna().all().all()
    assert docs[["n_chars_clean", *COUNT_COLUMNS]].notna().all().all()
    an.write_corpus_tables(raw_corpus, tmp_path)
    back = read_table(tmp_path / "quality.csv")
    assert back["doc_id"].tolist() == q["doc_id"].tolist()
    pd.testing.assert_series_equal(back["garbled_spans"], q["garbled_spans"], check_names=False)
    assert read_table(tmp_path / "documents.csv")["doc_id"].tolist()[:2] == ["000", "001"]


def test_workbook_keeps_ids_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    write_table(pd.DataFrame({"doc_id": ["000", "0040"], "hits": [1, 2]}), tmp_path / "a.csv")
    book = an.write_workbook(tmp_path, tmp_path / "tables.xlsx")
    sheet = openpyxl.load_workbook(book)["a"]
    assert [c.value for c in sheet["A"]] == ["doc_id", "000", "0040"]
    assert [c.value for c in sheet["B"]][1:] == [1, 2]


def test_every_declared_table_column_is_explained():
    declared = {
        *DOCUMENT_COLUMNS,
        *PARAGRAPH_COLUMNS,
        *QUALITY_COLUMNS,
        *SCORE_COLUMNS,
        *MENTION_COLUMNS,
        *PREVALENCE_COLUMNS,
        *K_COLUMNS,
        "year",
        "theme_label",
        "dominant_theme",
        "dominant_label",
        "sweep_npmi_mean",
        "sweep_npmi_se",
    }
    assert sorted(declared - set(COLUMN_GLOSSARY)) == []


def test_generated_tables_and_index_explain_every_column(tmp_path):
    """build_all on the fixture inputs: the index lists each column; none is unexplained."""
    from test_figures import FixtureContext

    from analysis.figures.registry import TABLES

    an.build_all(FixtureContext(), tmp_path, progress=False, only=list(TABLES))
    files = sorted((tmp_path / "tables").glob("*.csv"))
    assert {f.name for f in files} >= {"theme_scores.csv", "paragraph_themes.csv"}
    themes = set(F.inputs()["theme_labels"])
    table, unexplained = column_glossary(files, theme_ids=themes)
    assert unexplained == []
    index = (tmp_path / "README.md").read_text("utf-8")
    assert "## Reading the tables" in index and "| `per_1k_tokens` |" in index
    rows = [line for line in index.splitlines() if line.startswith("| `")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", line)) == 4 for line in rows)  # 3 cells
    scores = read_table(tmp_path / "tables" / "theme_scores.csv")
    assert scores["theme_label"].str.len().gt(0).all()  # labels beside ids


def test_plots_accept_the_lexicon_dataframe_directly():
    """A custom lexicon passed as the load_themes() DataFrame (was: 'truth value … ambiguous')."""
    inputs = F.inputs()
    lexicon = inputs["themes"]
    assert isinstance(lexicon, pd.DataFrame)
    assert an.theme_labels(lexicon) == inputs["theme_labels"]
    fig = an.plot_theme_profile(inputs["theme_scores"], lexicon)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels and all(" " in lab for lab in labels)  # bilingual, from the DataFrame
    an.plot_theme_position(inputs["paragraph_themes"], lexicon, inputs["paragraphs"])


def test_theme_labels_accepts_plain_mappings():
    assert an.theme_labels({"a": ("A", "甲"), "b": "Bee", "c": ["词"]}) == {
        "a": ("A", "甲"),
        "b": ("Bee", ""),
        "c": ("", ""),
    }
    assert an.theme_labels(None) == {}
