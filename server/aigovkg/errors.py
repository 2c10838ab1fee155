"""Errors that point at a place in a source file, printed as ``file:line:col: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    path: str
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0  # 1-based; 0 when unknown

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}" if self.column else f"{self.path}:{self.line}"
        return self.path


class SourceError(Exception):
    """A problem in an input file: unparsable, or well-formed but meaningless."""

    def __init__(self, location: Location | str | Path, message: str):
        self.location = location if isinstance(location, Location) else Location(str(location))
        self.message = message
        super().__init__(f"{self.location}: {message}")
