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


def _tables(woff2: bytes) -> dict[str, bytes]:
    """The decompressed sfnt tables of a WOFF2 file, raw bytes by tag."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(woff2))
    assert font.flavor == "woff2"
    return {tag: font.reader[tag] for tag in font.reader.keys()}


def test_woff2_subset_at_lower_brotli_quality_holds_the_same_font():
    """The embedded subset is compressed at WOFF2_QUALITY, not fontTools' 11: other bytes,
    same decompressed tables, and fontTools' own brotli is restored afterwards."""
    from fontTools.ttLib import woff2

    text = "招商引资 基層組織建設 高质量发展 Investment 2024"
    chars = "".join(sorted(set(text + fonts._ALWAYS)))
    path = fonts.cjk_font_file()
    original = woff2.brotli
    fast = fonts._subset(path, chars)
    slow = fonts._subset(path, chars, quality=11)
    assert woff2.brotli is original  # restored
    assert fonts.WOFF2_QUALITY < 11
    assert fast != slow  # the quality reached the writer
    assert _tables(fast) == _tables(slow)
    assert fonts._subset(path, chars) == fast  # reproducible bytes


def test_woff2_quality_is_restored_after_an_error():
    from fontTools.ttLib import woff2

    original = woff2.brotli
    with pytest.raises(RuntimeError), fonts._woff2_quality(1):
        assert woff2.brotli.compress is not original.compress
        raise RuntimeError
    assert woff2.brotli is original


def _outlines(woff2: bytes) -> dict[str, list]:
    """Every glyph's outline as recorded pen operations."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(woff2))
    glyphs = font.getGlyphSet()
    out = {}
    for name in font.getGlyphOrder():
        pen = RecordingPen()
        glyphs[name].draw(pen)
        out[name] = pen.value
    return out


def test_subset_with_inlined_subroutines_keeps_the_outlines(monkeypatch):
    """desubroutinize changes the CFF charstrings' encoding, not the glyphs they draw."""
    from fontTools import subset

    text = "招商引资 基層組織建設 高质量发展 Investment 2024"
    chars = "".join(sorted(set(text + fonts._ALWAYS)))
    path = fonts.cjk_font_file()
    inlined = fonts._subset(path, chars)
    original = subset.Options.__setattr__

    def keep_subroutines(self, name, value):
        original(self, name, False if name == "desubroutinize" else value)

    monkeypatch.setattr(subset.Options, "__setattr__", keep_subroutines)
    with_subrs = fonts._subset(path, chars)
    assert inlined != with_subrs  # the option reached the subsetter
    assert _outlines(inlined) == _outlines(with_subrs)
