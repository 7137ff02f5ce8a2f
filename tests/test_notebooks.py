"""Every notebook runs top to bottom against data/raw, and is committed clean.

Executed with nbclient in the ``python3`` kernel of the venv, in a temporary working directory
(so a notebook that writes files writes them there). The kernel inherits ``ANALYSIS_CACHE``
from the test session, so stage results computed by earlier tests are reused.
"""

from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient

from analysis import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
EXPECTED = [
    "01_corpus_overview",
    "02_slogans_and_themes",
    "03_keywords_and_similarity",
    "04_topic_models",
    "05_new_analysis_template",
    "06_text_reuse_and_diffusion",
    "07_inference_and_validation",
]


def test_the_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs_or_volatile_metadata(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        assert not cell.metadata, f"{path.name}: cell metadata {cell.metadata}"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_a_short_narrative(path):
    """Markdown states the question; code cells call the package (no long definitions)."""
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.source.count("\ndef ") + cell.source.startswith("def ") == 0
            assert len(cell.source.splitlines()) <= 15


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, tmp_path, monkeypatch):
    # notebooks that tell their story on the shared work-reports corpus run on data/raw here
    monkeypatch.setenv("ANALYSIS_NOTEBOOK_DATA", str(paths.RAW))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError with the failing cell and traceback
    elapsed = time.perf_counter() - start
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    stderr = "".join(
        o.get("text", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.get("name") == "stderr"
    )
    assert "missing from font" not in stderr
    # no warnings and no progress-bar spill (tqdm text, "IProgress not found")
    spill = [
        line
        for line in stderr.splitlines()
        if "Warning" in line or "IProgress" in line or "it/s]" in line or "%|" in line
    ]
    assert spill == [], f"{path.name} printed to stderr: {spill[:5]}"
    images = sum(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    n_figures = sum(
        "make_figure(" in c.source or c.source.strip() == "fig"
        for c in nb.cells
        if c.cell_type == "code"
    )
    assert images >= n_figures, f"{path.name}: {images} images for {n_figures} figure cells"
    print(f"{path.stem}: {elapsed:.1f} s")
