"""save_figure's single-draw path writes the bytes savefig writes (PNG and SVG)."""

from __future__ import annotations

import io

import matplotlib as mpl
import pytest
from test_figures import FixtureContext

from analysis.figures import make_figure
from analysis.figures import save as save_module
from analysis.figures.save import _METADATA, _WRITER_KWARGS, save_figure
from analysis.figures.style import figure_style

#: constrained layout with CJK tick labels, a colour bar, several panels, a legend
NAMES = ["theme_profile", "topic_terms", "doc_similarity", "corpus_overview", "k_selection"]


def _savefig_bytes(fig) -> dict[str, bytes]:
    """The reference: savefig per format, the layout kept from the first (the old path)."""
    out = {}
    for i, fmt in enumerate(("png", "svg")):
        if i == 1:
            fig.set_layout_engine("none")
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=_METADATA[fmt], **_WRITER_KWARGS.get(fmt, {}))
        out[fmt] = buffer.getvalue()
    return out


@pytest.mark.parametrize("name", NAMES)
def test_single_draw_writes_the_savefig_bytes(tmp_path, name):
    with figure_style():
        reference = _savefig_bytes(make_figure(name, FixtureContext()))
        fig = make_figure(name, FixtureContext())
        assert fig.get_layout_engine() is not None  # the case the pre-draw is skipped for
        save_figure(fig, tmp_path, name, reuse_layout=True)
    for fmt in ("png", "svg"):
        assert (tmp_path / f"{name}.{fmt}").read_bytes() == reference[fmt], (name, fmt)


def test_single_draw_draws_each_format_once(tmp_path, monkeypatch):
    """The point of the path: one Figure.draw per format (savefig makes two for the PNG)."""
    from matplotlib.figure import Figure

    calls = []
    original = Figure.draw

    def counting(self, renderer):
        calls.append(type(renderer).__name__)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    with figure_style():
        save_figure(
            make_figure("theme_profile", FixtureContext()), tmp_path, "a", reuse_layout=True
        )
        assert len(calls) == 2
        calls.clear()
        save_figure(make_figure("theme_profile", FixtureContext()), tmp_path, "b")
        assert len(calls) >= 4  # savefig: a muted layout draw before each real draw


@pytest.mark.parametrize("rc", [{"savefig.bbox": "tight"}, {"savefig.transparent": True}])
def test_other_savefig_settings_fall_back_to_savefig(tmp_path, monkeypatch, rc):
    def fail(*args, **kwargs):
        raise AssertionError("_print_once used with settings it does not reproduce")

    monkeypatch.setattr(save_module, "_print_once", fail)
    with figure_style(), mpl.rc_context(rc):
        save_figure(
            make_figure("theme_profile", FixtureContext()), tmp_path, "t", reuse_layout=True
        )
    assert (tmp_path / "t.png").stat().st_size > 0


def test_png_compression_level_keeps_the_pixels(tmp_path):
    """compress_level 3 (not PIL's default 6): other bytes, the same decoded pixels."""
    import numpy as np
    from PIL import Image

    assert _WRITER_KWARGS["png"]["pil_kwargs"]["compress_level"] == 3
    with figure_style():
        save_figure(make_figure("topic_terms", FixtureContext()), tmp_path, "a", reuse_layout=True)
        default = io.BytesIO()
        make_figure("topic_terms", FixtureContext()).savefig(
            default, format="png", metadata=_METADATA["png"]
        )
    ours = (tmp_path / "a.png").read_bytes()
    assert ours != default.getvalue()
    a = np.asarray(Image.open(io.BytesIO(ours)))
    b = np.asarray(Image.open(io.BytesIO(default.getvalue())))
    assert a.shape == b.shape and np.array_equal(a, b)
