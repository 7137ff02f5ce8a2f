"""Progress of long steps on the log (stderr), so no minute of a long run passes in silence.

A :class:`Progress` logs ``files done / total, characters per second`` at most every
``every`` seconds (default 15), and once at the end when the step took that long; a step that
finishes sooner (tests, small corpora) logs nothing.

    >>> p = Progress(total=874, what="files")
    >>> for f in files:
    ...     p.update(chars=len(text))
    >>> p.done()
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("analysis.progress")

EVERY_SECONDS = 15.0


class Progress:
    """Time-throttled progress messages for a step over ``total`` items."""

    def __init__(
        self, total: int, *, what: str = "files", every: float = EVERY_SECONDS, label: str = ""
    ) -> None:
        self.total = int(total)
        self.what = what
        self.every = float(every)
        self.label = label or "ingesting"
        self.done_items = 0
        self.chars = 0
        self.start = self._last = time.monotonic()

    def message(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-9)
        return (
            f"{self.label}: {self.done_items:,}/{self.total:,} {self.what}, "
            f"{self.chars:,} characters, {self.chars / elapsed:,.0f} characters/s, "
            f"{elapsed:.0f} s"
        )

    def update(self, n: int = 1, *, chars: int = 0) -> None:
        """Count ``n`` more items (and ``chars`` characters); log when ``every`` seconds passed."""
        self.done_items += n
        self.chars += chars
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            log.info("%s", self.message())

    def done(self) -> None:
        """Log the final count when the step was long enough to have reported progress."""
        if time.monotonic() - self.start >= self.every:
            log.info("%s (done)", self.message())
