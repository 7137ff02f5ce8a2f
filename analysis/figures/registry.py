"""The figure and table registry (showyourwork-style: each output declared once, with inputs).

A figure is a function ``(ctx, *, ax=None) -> Figure`` that pulls its data from a
:class:`analysis.Study` and hands it to a pure plot function; a table is
a function ``(ctx, tables_dir) -> list[Path]`` that writes its files
(through :func:`analysis.figures.save.write_table` or the owning stage's writer). Both are registered with a name, a one-line description and
the names of the study results they read (used for the manifest's input hashes and to skip an
output whose upstream stage is not available).

    >>> from analysis.figures import FIGURES, make_figure
    >>> list(FIGURES)[:2]
    ['corpus_overview', 'tfidf_terms']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from analysis.study import Study

FigureFunc = Callable[..., "Figure"]
TableFunc = Callable[["Study", "Path"], "list[Path]"]


@dataclass(frozen=True)
class OutputSpec:
    """One registered output.

    Attributes:
        name: file stem and registry key (``corpus_overview`` → ``corpus_overview.png``).
        description: one sentence, shown in the index page and the manifest.
        inputs: study results the output reads (``"documents"``, ``"topic_model"``…).
        func: the function building it.
        kind: ``"figure"`` or ``"table"``.
        title: short human title for the index page.
        multi_panel: a figure with several axes cannot draw into a caller's ``ax``.
        options: extra registry metadata (e.g. which seed parameters matter).
    """

    name: str
    description: str
    inputs: tuple[str, ...]
    func: Callable[..., Any]
    kind: str = "figure"
    title: str = ""
    multi_panel: bool = False
    options: dict[str, Any] = field(default_factory=dict)


#: name -> spec of every figure, in the order of the paper/index.
FIGURES: dict[str, OutputSpec] = {}
#: name -> spec of every table written into ``<out>/tables/``.
TABLES: dict[str, OutputSpec] = {}


def register(
    name: str,
    description: str,
    *,
    inputs: list[str] | tuple[str, ...],
    title: str = "",
    multi_panel: bool = False,
) -> Callable[[FigureFunc], FigureFunc]:
    """Register a figure function ``(ctx, *, ax=None) -> Figure`` under ``name``.

    Args:
        name: registry key and file stem (``[a-z0-9_]+``), unique.
        description: one sentence saying what the figure shows.
        inputs: names of :class:`analysis.Study` results the figure reads
            (``Study.results()``).
        title: short title for the index page (defaults to ``name``).
        multi_panel: ``True`` when the figure builds its own grid of axes.
    """

    def decorator(func: FigureFunc) -> FigureFunc:
        _check_new(name, FIGURES)
        FIGURES[name] = OutputSpec(
            name=name,
            description=description,
            inputs=tuple(inputs),
            func=func,
            kind="figure",
            title=title or name.replace("_", " ").capitalize(),
            multi_panel=multi_panel,
        )
        return func

    return decorator


def register_table(
    name: str, description: str, *, inputs: list[str] | tuple[str, ...]
) -> Callable[[TableFunc], TableFunc]:
    """Register a table writer ``(ctx, tables_dir) -> list[Path]`` (files it wrote)."""

    def decorator(func: TableFunc) -> TableFunc:
        _check_new(name, TABLES)
        TABLES[name] = OutputSpec(
            name=name, description=description, inputs=tuple(inputs), func=func, kind="table"
        )
        return func

    return decorator


def _check_new(name: str, registry: dict[str, OutputSpec]) -> None:
    if not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"output name must be lower_snake_case: {name!r}")
    if name in registry:
        raise ValueError(f"output {name!r} registered twice")


def make_figure(name: str, ctx: Study, *, ax: Axes | None = None) -> Figure:
    """Build the registered figure ``name`` from a study (never saves).

    Args:
        name: a key of :data:`FIGURES`.
        ctx: the :class:`analysis.Study` (or any object with its results as attributes).
        ax: draw into this axes instead of a new figure (single-panel figures only).

    Returns:
        The matplotlib ``Figure``.
    """
    from analysis.fonts import use_cjk_font

    from . import catalog  # noqa: F401  (registers the figures)

    try:
        spec = FIGURES[name]
    except KeyError:
        raise KeyError(f"unknown figure {name!r}; known: {', '.join(FIGURES)}") from None
    if ax is not None and spec.multi_panel:
        raise ValueError(f"figure {name!r} has several panels and builds its own figure")
    use_cjk_font()
    return spec.func(ctx, ax=ax)
