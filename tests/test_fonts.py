"""Chinese glyphs render with the font from the package index (mplfonts), no system font needed."""

from __future__ import annotations

import io
import warnings

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from analysis import fonts

SAMPLE = "招商引资 基層組織建設 “三大基地” 党建 — 1,000 −5 × →"


def _render(text: str) -> list[str]:
    fig = Figure(figsize=(4, 1))
    ax = fig.add_subplot()
    ax.set_title(text)
    ax.set_xlabel(text)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="svg")
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_bundled_font_ships_with_mplfonts():
    path = fonts.bundled_font_path()
    assert path is not None and path.name == fonts.BUNDLED_FONT_FILE and path.stat().st_size > 1e6


def test_import_has_no_side_effects():
    before = list(mpl.rcParams["font.sans-serif"])
    import importlib

    importlib.reload(fonts)
    assert list(mpl.rcParams["font.sans-serif"]) == before


def test_default_font_misses_chinese_glyphs():
    """The check the glyph test relies on can fail: without the CJK font, warnings appear."""
    with mpl.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        assert _render(SAMPLE), "expected 'Glyph … missing' warnings with DejaVu Sans alone"


@pytest.mark.parametrize("prefer_system", [True, False])
def test_use_cjk_font_renders_simplified_and_traditional(prefer_system):
    with mpl.rc_context():
        family = fonts.use_cjk_font(prefer_system=prefer_system)
        assert mpl.rcParams["font.sans-serif"][0] == family
        assert _render(SAMPLE) == []


def test_use_cjk_font_is_idempotent():
    with mpl.rc_context():
        fonts.use_cjk_font()
        first = list(mpl.rcParams["font.sans-serif"])
        fonts.use_cjk_font()
        assert list(mpl.rcParams["font.sans-serif"]) == first


def test_css_names_the_same_family():
    assert fonts.cjk_font_css().startswith(f'"{fonts.cjk_font_family()}"')
