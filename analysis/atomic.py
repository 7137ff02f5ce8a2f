"""The one way this package writes a file: atomically, so nothing is ever half-written.

Every output (tables, figures, ``MANIFEST.json``, the index page, ``topics.html``, corpus
tables) and every cache entry goes through :func:`atomic_path`: the content is written to a
temporary file in the *same folder* and moved over the target with :func:`os.replace`, which is
atomic on POSIX and Windows. A run killed mid-write, or a full disk, leaves the previous file
intact (or no file), never a truncated one; two concurrent runs never interleave bytes.
Write errors (permissions, full disk, read-only folder) become one-line
:class:`~analysis.errors.OutputFileError`.

    >>> from analysis.atomic import atomic_write
    >>> atomic_write("out/table.csv", "a,b\\n1,2\\n")
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from analysis.errors import output_error


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` atomically.

    Whatever the body writes to the yielded path becomes ``path`` only when the body returns
    without error; on any error the temporary file is removed and ``path`` is untouched.

    Raises:
        OutputFileError: the folder cannot be created or written (permission, disk full …).
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name[:40]}.", suffix=".tmp", dir=target.parent
        )
        os.close(fd)
    except OSError as exc:
        raise output_error(exc, target) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync(tmp)
        os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; outputs get the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        raise output_error(exc, target) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; restored at once
    os.umask(mask)
    return mask


def _file_mode(target: Path) -> int:
    """The replaced file's mode, or what ``open()`` would give a new file (0666 minus umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _fsync(path: Path) -> None:
    """Flush the temporary file to disk before the rename (so a crash cannot expose zeros)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: str | Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text encoded with ``encoding``) to ``path`` atomically."""
    blob = data.encode(encoding) if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        _write_bytes(tmp, blob)
    return Path(path)


def _write_bytes(path: Path, blob: bytes) -> None:
    """The low-level write (a separate function so tests can simulate a full disk here)."""
    with open(path, "wb") as fh:
        fh.write(blob)


STALE_SECONDS = 3600.0  # a temporary this old belongs to a run that was killed


def remove_stale_temporaries(folder: str | Path, *, older_than: float = STALE_SECONDS) -> int:
    """Delete temporaries (``.<name>.<random>.tmp``) that a killed run left in ``folder``.

    Only files older than ``older_than`` seconds are removed, so a concurrent run's temporary
    is never touched. Returns how many were removed.
    """
    import time

    removed = 0
    now = time.time()
    for tmp in Path(folder).glob(".*.tmp") if Path(folder).is_dir() else []:
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > older_than:
                tmp.unlink()
                removed += 1
    return removed


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes (streamed)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
