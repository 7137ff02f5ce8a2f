"""Worker processes that die with their parent and leave Ctrl-C to it.

Every process pool of the package is made by :func:`spawn_pool` (``spawn`` start method). Each
worker, on start:

* asks Linux to send it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)`` via ctypes),
  and on every platform runs a watchdog thread that exits the worker once its parent process
  is gone (the parent pid changes) — so a ``kill -9`` of the run leaves no orphan workers; the
  multiprocessing resource tracker then sees its pipe close and exits too;
* ignores SIGINT from birth (the parent ignores it for the instant it starts a worker, and an
  ignored signal survives ``exec``): Ctrl-C is handled once, by the parent, which prints one
  line — never a ``KeyboardInterrupt`` traceback from a worker that was still importing.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

WATCHDOG_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


def _set_pdeathsig() -> bool:
    """Linux only: SIGKILL this process when the parent dies. True when it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - no libc / no prctl
        return False


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:  # re-parented: the parent is gone
            os._exit(1)
        time.sleep(WATCHDOG_SECONDS)


def die_with_parent(parent_pid: int) -> None:
    """Call first thing in a worker process: exit when ``parent_pid`` dies; ignore Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_pdeathsig()
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _start_worker(parent_pid: int, initializer: Callable[..., Any] | None, initargs: tuple) -> None:
    die_with_parent(parent_pid)
    if initializer is not None:
        initializer(*initargs)


class _QuietProcess(SpawnProcess):
    """A spawned process that starts with SIGINT ignored."""

    def start(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return super().start()  # only the main thread may change signal handlers
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            super().start()
        finally:
            signal.signal(signal.SIGINT, previous)


class _QuietContext(SpawnContext):
    Process = _QuietProcess


def spawn_pool(
    workers: int,
    *,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
) -> ProcessPoolExecutor:
    """A ``spawn`` process pool whose workers die with this process (see module docstring).

    ``initializer`` (module-level, picklable) runs in each worker after the safety set-up.
    """
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_QuietContext(),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, tuple(initargs)),
    )


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now (after Ctrl-C or an error): cancel queued work, kill running workers."""
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in list(getattr(pool, "_processes", {}).values()):
        if proc.is_alive():
            proc.kill()
