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

    Use as a context manager; :meth:`submit` returns a future whose result is the list of
    warning messages (re-emitted in the caller by :meth:`result`).
    """

    def __init__(self, workers: int = 0) -> None:
        self.workers = max(0, int(workers))
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

    def submit(self, fig: Figure, out_dir, name: str, formats: Sequence[str]) -> Future:
        if self.workers == 0:
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
