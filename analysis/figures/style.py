"""The project's look: one style file, colour-blind-safe palettes, bilingual labels.

>>> from analysis.figures.style import figure_style, OKABE_ITO
>>> with figure_style():
...     ...  # build and save figures
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence

from analysis.paths import PACKAGE_DIR

#: The one matplotlib style file (sizes, Okabe–Ito cycle, cividis, reproducible SVG).
STYLE_FILE = PACKAGE_DIR / "style.mplstyle"

#: Okabe & Ito (2008) colour-blind-safe qualitative palette, black last.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Sequential maps (perceptually uniform, colour-blind safe).
SEQUENTIAL = "cividis"
SEQUENTIAL_ALT = "viridis"
NONE_COLOUR = "#e6e6e6"

#: Full page width and column width of a typical two-column journal, inches.
FULL_WIDTH = 7.0
COLUMN_WIDTH = 3.5

SCRIPT_LABELS: dict[str, str] = {
    "simplified": "Simplified 简体",
    "traditional": "Traditional 繁體",
    "mixed": "Mixed 混合",
}


def use_style() -> None:
    """Apply the style file and the CJK font globally (notebooks call this once)."""
    import matplotlib.style

    from analysis.fonts import use_cjk_font

    matplotlib.style.use(STYLE_FILE)
    use_cjk_font()


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Scope the style file (the CJK font is set globally: it is needed again at draw time)."""
    import matplotlib.style

    from analysis.fonts import use_cjk_font

    use_cjk_font()
    with matplotlib.style.context(STYLE_FILE):
        yield


def qualitative(n: int) -> list[str]:
    """``n`` colour-blind-safe colours: Okabe–Ito, then evenly spaced viridis beyond 8."""
    if n <= len(OKABE_ITO):
        return list(OKABE_ITO[:n])
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[SEQUENTIAL_ALT]
    return [to_hex(cmap(i / max(1, n - 1))) for i in range(n)]


def category_colours(names: Sequence[str]) -> dict[str, str]:
    """Stable mapping category → colour (order of first appearance)."""
    unique = list(dict.fromkeys(names))
    return dict(zip(unique, qualitative(len(unique)), strict=True))


def bilingual(en: str, zh: str, *, sep: str = " ") -> str:
    """``"Investment attraction 招商引资"`` (either part may be empty)."""
    return sep.join(p for p in (en.strip(), zh.strip()) if p)


def theme_label(theme: str, labels: Mapping[str, tuple[str, str]] | None, *, sep: str = " ") -> str:
    """Bilingual label of a theme id from ``{theme: (label_en, label_zh)}`` (id if unknown)."""
    if labels and theme in labels:
        en, zh = labels[theme]
        return bilingual(en, zh, sep=sep) or theme
    return theme.replace("_", " ").capitalize()


def shorten(text: str, n: int = 14) -> str:
    """Cut a (Chinese) label to ``n`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"
