"""Errors a researcher can act on: each names the file (and line) and the problem."""

from __future__ import annotations

import errno
from pathlib import Path


class AnalysisError(Exception):
    """Base class for errors raised on bad input; the CLI prints them without a traceback."""


class InputFileError(AnalysisError):
    """A research input file (raw text, manifest, lexicon, dictionary) is unusable."""

    def __init__(self, path: str | Path, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line is not None else f"{self.path}"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self):  # picklable across worker processes (args differ from __init__'s)
        return (type(self), (self.path, self.problem, self.line))


class OutputFileError(AnalysisError):
    """An output or cache file cannot be written (permissions, full disk, read-only folder)."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):
        return (type(self), (self.path, self.problem))


class InputErrors(AnalysisError):
    """Several input problems found by up-front validation; printed one per line."""

    def __init__(self, errors: list[AnalysisError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def __reduce__(self):
        return (type(self), (self.errors,))


_PROBLEMS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a parent is not a folder",
    errno.EISDIR: "is a folder",
    errno.EMFILE: "too many open files",
    errno.EIO: "input/output error",
}


def describe_os_error(exc: OSError) -> str:
    """A short phrase for an OSError ("permission denied", "no space left on device" …)."""
    return _PROBLEMS.get(exc.errno, exc.strerror or type(exc).__name__)


def output_error(exc: OSError, path: str | Path, action: str = "cannot write") -> OutputFileError:
    """Turn an OSError met while writing ``path`` into a one-line :class:`OutputFileError`.

    The message names ``path`` (the file the user asked for), not a temporary file.
    """
    return OutputFileError(path, f"{action}: {describe_os_error(exc)}")
