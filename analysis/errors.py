"""Errors a researcher can act on: each names the file (and line) and the problem."""

from __future__ import annotations

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
