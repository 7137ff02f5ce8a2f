"""Chinese glyphs in every figure, on a fresh machine with pip only.

Nothing happens at import. :func:`use_cjk_font` (called by the figure pipeline, the plot
functions' callers and the notebooks) picks one CJK font family and puts it first in
matplotlib's sans-serif list, with DejaVu Sans behind it as a fallback for symbols:

1. a CJK font already installed on the system (Noto Sans CJK, Source Han Sans, WenQuanYi…), if
   matplotlib's font manager knows one;
2. otherwise Noto Sans CJK SC shipped by the ``mplfonts`` wheel (SIL Open Font License),
   registered with :meth:`matplotlib.font_manager.FontManager.addfont` — no matplotlibrc is
   rewritten and mplfonts' own CLI is never run.

The same family is used by HTML views (:func:`cjk_font_css`).

    >>> from analysis.fonts import use_cjk_font
    >>> family = use_cjk_font()          # e.g. "Noto Sans CJK SC"
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from pathlib import Path

log = logging.getLogger(__name__)

#: System families tried first, in order (all cover Simplified and Traditional characters).
SYSTEM_CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "SimHei",
)

#: The font file bundled by the ``mplfonts`` wheel.
BUNDLED_FONT_FILE = "NotoSansCJKsc-Regular.otf"

#: Generic fallbacks kept behind the CJK family (Latin symbols, arrows, minus sign).
FALLBACK_FAMILIES: tuple[str, ...] = ("DejaVu Sans",)


def bundled_font_path() -> Path | None:
    """Path of Noto Sans CJK SC inside the installed ``mplfonts`` package, or ``None``.

    Located without importing ``mplfonts`` (whose import has no effect we need).
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "fonts" / BUNDLED_FONT_FILE
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=1)
def _resolve_family(prefer_system: bool = True) -> tuple[str, str | None]:
    """Return ``(family, font_file)``; registers the bundled font if needed (once per process)."""
    from matplotlib import font_manager

    if prefer_system:
        known = {f.name: f.fname for f in font_manager.fontManager.ttflist}
        for family in SYSTEM_CJK_FAMILIES:
            if family in known:
                log.debug("using system CJK font %s (%s)", family, known[family])
                return family, known[family]
    path = bundled_font_path()
    if path is None:
        raise RuntimeError(
            "no CJK font found: install the 'mplfonts' package (pip install mplfonts) "
            "or a system CJK font such as Noto Sans CJK"
        )
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    log.debug("registered bundled CJK font %s (%s)", family, path)
    return family, str(path)


def cjk_font_family(*, prefer_system: bool = True) -> str:
    """Name of the CJK font family the figures use (registering the bundled font if needed)."""
    return _resolve_family(prefer_system)[0]


def cjk_font_file(*, prefer_system: bool = True) -> str | None:
    """File of the CJK font the figures use (for HTML views or word clouds)."""
    return _resolve_family(prefer_system)[1]


def use_cjk_font(*, prefer_system: bool = True) -> str:
    """Make matplotlib render Chinese: put a CJK family first in ``font.sans-serif``.

    Idempotent; changes only ``rcParams`` (``font.family`` and ``font.sans-serif``), which a
    caller can scope with :func:`matplotlib.rc_context`.

    Args:
        prefer_system: use an installed system CJK font when matplotlib knows one.

    Returns:
        The family name now first in ``font.sans-serif``.
    """
    import matplotlib as mpl

    family = cjk_font_family(prefer_system=prefer_system)
    current = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
    fallbacks = [f for f in FALLBACK_FAMILIES if f not in current]
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["font.sans-serif"] = [family, *fallbacks, *current]
    return family


def cjk_font_css(*, prefer_system: bool = True) -> str:
    """A CSS ``font-family`` value naming the same family as the figures, for HTML views."""
    family = cjk_font_family(prefer_system=prefer_system)
    return f'"{family}", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif'
