"""Draw and save figures in worker processes while the main process computes the next inputs.

Rendering (text layout with a large CJK font, PNG and SVG) is most of the cost of a warm-cache
redraw, and it needs no stage data: the main process builds a ``Figure``, pickles it and hands
it to a small process pool; workers apply the same style file and CJK font, save, and send back
any warnings (so a missing glyph is still reported in the main process).
"""

from __future__ import annotations

import logging
import pickle
import warnings
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from matplotlib.figure import Figure

from analysis.workers import spawn_pool, stop_pool

from .save import save_figure

log = logging.getLogger(__name__)


def _init_worker() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from .style import use_style

    use_style()


def _render(payload: bytes, out_dir: str, name: str, formats: Sequence[str]) -> list[str]:
    """Worker: unpickle, save every format, return the warning messages raised meanwhile."""
    fig = pickle.loads(payload)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_figure(fig, out_dir, name, formats=formats, reuse_layout=True)
    return [str(w.message) for w in caught]


class Renderer:
    """Save figures in-process (``workers=0``) or in a pool of ``workers`` processes.

    With ``share=True`` (and ``workers`` > 0) this process takes its turn too: of every
    ``workers + 1`` figures submitted, the last is drawn here, at :meth:`submit`. A figure drawn
    here is not pickled, sent and unpickled, and one worker fewer starts (each one imports
    matplotlib): on the seed corpus, one worker plus this process draw the 17 figures in about
    the wall time of two workers for 3-4 CPU s less (cold run: 31.8 / 32.5 -> 28.4 / 27.5 CPU s).
    The files are the same either way.

    Use as a context manager; :meth:`submit` returns a future whose result is the list of
    warning messages (re-emitted in the caller by :meth:`result`).

    ``share`` stays an option, off by default (session-4 review): its gain is "one worker
    fewer", a choice of ``workers`` that the caller makes with it (the CLI: one worker plus this
    process on a 2-core machine). For ``workers`` >= 2 it saves no CPU and moves every
    ``workers + 1``-th drawing onto the process that computes the stages, the critical path
    when cores are free. Warm redraw of data/raw, back to back at load 7-12: 2 workers 9.2 /
    8.9 CPU s (run + workers) without, 9.3 / 9.1 with ``share`` (this process 3.3 -> 4.4-4.5);
    1 worker 8.3 / 8.3 without, 7.9 / 8.3 with. The files are the same either way (tested).
    """

    def __init__(self, workers: int = 0, *, share: bool = False) -> None:
        self.workers = max(0, int(workers))
        self.share = bool(share) and self.workers > 0
        self._submitted = 0
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self._pool is None:
            return
        if exc_type is None:
            self._pool.shutdown(wait=True)
        else:  # Ctrl-C or an error: do not wait for queued drawings
            stop_pool(self._pool)

    def _here(self) -> bool:
        """Whether the next submitted figure is drawn in this process."""
        turn = self._submitted % (self.workers + 1)
        self._submitted += 1
        return self.workers == 0 or (self.share and turn == self.workers)

    def submit(self, fig: Figure, out_dir, name: str, formats: Sequence[str]) -> Future:
        if self._here():
            future: Future = Future()
            try:
                save_figure(fig, out_dir, name, formats=formats, reuse_layout=True)
                future.set_result([])
            except Exception as exc:  # reported by result()
                future.set_exception(exc)
            return future
        if self._pool is None:
            self._pool = spawn_pool(self.workers, initializer=_init_worker)
        payload = pickle.dumps(fig)
        return self._pool.submit(_render, payload, str(out_dir), name, tuple(formats))

    @staticmethod
    def result(future: Future) -> None:
        """Wait for a save; re-emit the worker's warnings here (e.g. missing glyphs)."""
        for message in future.result():
            warnings.warn(message, UserWarning, stacklevel=2)
            log.warning("%s", message)
