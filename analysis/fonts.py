"""Chinese glyphs in every figure and HTML view, on a fresh machine with pip only.

Nothing happens at import. :func:`use_cjk_font` (called by the figure pipeline, the plot
functions' callers and the notebooks) picks one CJK font family and puts it first in
matplotlib's sans-serif list, with DejaVu Sans behind it as a fallback for symbols:

1. Noto Sans CJK SC shipped by the ``mplfonts`` wheel (SIL Open Font License), registered with
   :meth:`matplotlib.font_manager.FontManager.addfont` — no matplotlibrc is rewritten and
   mplfonts' own CLI is never run. It is the default because its version is pinned by
   ``requirements.lock``: the same bytes on every machine, hence byte-identical figures;
2. a CJK font installed on the system (Noto Sans CJK, Source Han Sans, WenQuanYi…), used when
   ``prefer_system=True`` or when ``mplfonts`` is missing.

HTML views (``figures/topics.html``) embed a subset of the same font
(:func:`embedded_font_face`: only the characters on the page, WOFF2, inline as a data URL), so
they render Chinese on machines without any CJK font and stay one offline file.

    >>> from analysis.fonts import use_cjk_font
    >>> family = use_cjk_font()          # "Noto Sans CJK SC"
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import importlib.util
import io
import logging
import string
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


@functools.lru_cache(maxsize=2)
def _resolve_family(prefer_system: bool = False) -> tuple[str, str | None]:
    """Return ``(family, font_file)``; registers the bundled font if needed (once per process)."""
    from matplotlib import font_manager

    def system() -> tuple[str, str] | None:
        known = {f.name: f.fname for f in font_manager.fontManager.ttflist}
        for family in SYSTEM_CJK_FAMILIES:
            if family in known:
                log.debug("using system CJK font %s (%s)", family, known[family])
                return family, known[family]
        return None

    if prefer_system and (found := system()):
        return found
    path = bundled_font_path()
    if path is None:
        if found := system():
            return found
        raise RuntimeError(
            "no CJK font found: install the 'mplfonts' package (pip install mplfonts) "
            "or a system CJK font such as Noto Sans CJK"
        )
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    log.debug("registered bundled CJK font %s (%s)", family, path)
    return family, str(path)


def cjk_font_family(*, prefer_system: bool = False) -> str:
    """Name of the CJK font family the figures use (registering the bundled font if needed)."""
    return _resolve_family(prefer_system)[0]


def cjk_font_file(*, prefer_system: bool = False) -> str | None:
    """File of the CJK font the figures use (for HTML views or word clouds)."""
    return _resolve_family(prefer_system)[1]


def use_cjk_font(*, prefer_system: bool = False) -> str:
    """Make matplotlib render Chinese: put a CJK family first in ``font.sans-serif``.

    Idempotent; changes only ``rcParams`` (``font.family`` and ``font.sans-serif``), which a
    caller can scope with :func:`matplotlib.rc_context`.

    Args:
        prefer_system: use an installed system CJK font when matplotlib knows one
            (default: the bundled, version-pinned font, for reproducible figures).

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


def cjk_font_css(*, prefer_system: bool = False) -> str:
    """A CSS ``font-family`` value naming the same family as the figures, for HTML views."""
    family = cjk_font_family(prefer_system=prefer_system)
    return f'"{family}", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif'


#: ``font-family`` name of the font embedded in HTML views.
EMBEDDED_FAMILY = "CJK embedded subset"

#: Characters always kept in an embedded subset (text that scripts generate at run time).
_ALWAYS = string.ascii_letters + string.digits + string.punctuation + " λ·–—…×→←%（）：，。、"


@functools.lru_cache(maxsize=4)
def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def font_subset_woff2(text: str, *, font_file: str | Path | None = None) -> bytes:
    """The CJK font reduced to the characters of ``text`` (plus ASCII), as WOFF2 bytes.

    Deterministic (no timestamp is rewritten: the same characters and font give the same
    bytes), and cached by content under ``.cache/fonts`` because subsetting the 16 MB font
    takes about a second. Layout tables (vertical forms, OpenType features) are dropped: the
    views set horizontal text only. The WOFF2 stream is compressed at Brotli quality
    :data:`WOFF2_QUALITY` (see there).

    Args:
        text: every character that the page may show.
        font_file: an OpenType/TrueType file (default: the figures' font, :func:`cjk_font_file`).
    """
    import fontTools
    import pandas as pd

    from .cache import cached_frame

    path = str(font_file or cjk_font_file())
    chars = "".join(sorted({c for c in text + _ALWAYS if c.isprintable() or c == " "}))
    key = {
        "stage": "font-subset",
        "version": 3,
        "brotli_quality": WOFF2_QUALITY,
        "font": _file_digest(path),
        "chars": chars,
        "fonttools": fontTools.version,
        "brotli": _brotli_version(),
    }

    def compute() -> pd.DataFrame:
        return pd.DataFrame({"woff2": [_subset(path, chars)]})

    return bytes(cached_frame(key, compute, "fonts")["woff2"].iloc[0])


def _brotli_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("brotli")
    except metadata.PackageNotFoundError:
        return "missing"


#: Brotli quality of the embedded WOFF2 font. fontTools always compresses at 11, the slowest
#: setting: on the seed corpus's page (~1,000 characters, a 228 KB CFF subset) quality 11 takes
#: 1.7 CPU s for 187.6 KB, quality 9 takes 0.04 s for 202.3 KB (+8 %; the glyphs are the same
#: bytes once decompressed). The page is regenerated on every cold run, so the faster setting.
#: (With the subroutines inlined, see :func:`_subset`, quality 9 gives 188.6 KB.)
WOFF2_QUALITY = 9


class _BrotliAtQuality:
    """The ``brotli`` module with :func:`compress` at a fixed quality (all else delegated)."""

    def __init__(self, module, quality: int) -> None:
        self._module = module
        self._quality = quality

    def compress(self, data, *args, **kwargs):
        kwargs["quality"] = self._quality
        return self._module.compress(data, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._module, name)


@contextlib.contextmanager
def _woff2_quality(quality: int):
    """Make fontTools' WOFF2 writer compress at ``quality`` inside the block (restored after)."""
    from fontTools.ttLib import woff2

    original = getattr(woff2, "brotli", None)
    if original is None:  # no brotli: fontTools raises its own clear error when it writes
        yield
        return
    # swaps a module global: not for concurrent subsets in one process (we make one at a time)
    woff2.brotli = _BrotliAtQuality(original, quality)
    try:
        yield
    finally:
        woff2.brotli = original


def _subset(path: str, chars: str, *, quality: int | None = None) -> bytes:
    """WOFF2 subset of ``path`` holding ``chars``; ``quality``: Brotli quality (default
    :data:`WOFF2_QUALITY`; 11 is what fontTools does on its own)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    opts = subset.Options()
    opts.flavor = "woff2"  # needs the brotli package
    opts.layout_features = []
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx"]
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, names, version, PostScript name
    opts.name_languages = [0x0409]
    opts.notdef_outline = True
    # subroutines inlined: the same outlines; writing the subset 0.31 -> 0.18 CPU s (isolated) and the
    # WOFF2 smaller (seed page at quality 9: 202.4 -> 188.6 KB)
    opts.desubroutinize = True
    # keep the original head.modified and font bounding boxes: no clock, no slow recalculation
    font = TTFont(path, lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    subsetter = subset.Subsetter(opts)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    buf = io.BytesIO()
    with _woff2_quality(WOFF2_QUALITY if quality is None else quality):
        subset.save_font(font, buf, opts)
    return buf.getvalue()


def embedded_font_face(
    text: str, *, family: str = EMBEDDED_FAMILY, font_file: str | Path | None = None
) -> str:
    """A CSS ``@font-face`` rule with :func:`font_subset_woff2` inline as a data URL.

    Use ``family`` first in the page's ``font-family`` (see :func:`cjk_font_css`), e.g.
    ``font-family: "CJK embedded subset", "Noto Sans CJK SC", sans-serif``.
    """
    data = base64.b64encode(font_subset_woff2(text, font_file=font_file)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: 400; '
        f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}'
    )
