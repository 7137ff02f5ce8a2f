"""``FigureContext``: the figure registry's name for :class:`analysis.Study` (kept for old code).

New code uses :class:`analysis.Study` directly; this subclass only accepts the keywords of the
former context class (``seed``, ``force``, ``lexicon_dir``, ``topic_options``) and turns them
into :class:`~analysis.options.StudyOptions`.

    >>> from analysis.figures.context import FigureContext
    >>> ctx = FigureContext("data/raw", seed=20240601)   # same as Study("data/raw", seed=…)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.hashing import content_hash
from analysis.options import DEFAULT_SEED, Lexicons, StudyOptions
from analysis.study import NotApplicable, StageUnavailable, Study

__all__ = [
    "DEFAULT_SEED",
    "FigureContext",
    "NotApplicable",
    "StageUnavailable",
    "Study",
    "content_hash",
]


class FigureContext(Study):
    """:class:`~analysis.Study` with the keywords of the former figure context.

    Args:
        data_dir: folder of raw report files.
        seed: master seed (``StudyOptions.seed``).
        force: recompute instead of reading caches (``StudyOptions.force``).
        lexicon_dir: lexicon folder (``Study(lexicons=…)``).
        topic_options: topic-stage overrides (``StudyOptions.topics``).
        options: full options; the keywords above override its fields.
        **changes: other :class:`~analysis.options.StudyOptions` fields (``genre=…``,
            ``substance_only=…``, ``workers=…``).
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        seed: int = DEFAULT_SEED,
        force: bool = False,
        lexicon_dir: str | Path | Lexicons | None = None,
        topic_options: dict[str, Any] | None = None,
        options: StudyOptions | None = None,
        lexicons: str | Path | Lexicons | None = None,
        **changes: Any,
    ) -> None:
        base = options or StudyOptions()
        options = base.replace(
            seed=seed if options is None or seed != DEFAULT_SEED else base.seed,
            force=force or base.force,
            topics={**base.topics, **(topic_options or {})},
            **changes,
        )
        super().__init__(
            data_dir,
            lexicons=lexicons if lexicons is not None else lexicon_dir,
            options=options,
        )
