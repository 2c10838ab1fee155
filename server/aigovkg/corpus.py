"""Read the corpus files that evidence points into. The texts never enter the repository."""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path


class Corpus:
    """A folder of source files; offsets count Unicode code points of the UTF-8 decoded text."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._texts: dict[str, str] = {}

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def sha256(self, name: str) -> str:
        return hashlib.sha256((self.root / name).read_bytes()).hexdigest()

    def text(self, name: str) -> str:
        if name not in self._texts:
            self._texts[name] = (self.root / name).read_text(encoding="utf-8")
        return self._texts[name]

    def line_offsets(self, name: str) -> list[int]:
        """Offset of the first character of each line (index 0 is line 1)."""
        return _line_starts(self.text(name))

    def span_of_lines(self, name: str, first: int, last: int) -> tuple[int, int]:
        """Character span [start, end) covering lines first..last (1-based, inclusive)."""
        starts = self.line_offsets(name)
        text = self.text(name)
        start = starts[min(first, len(starts)) - 1]
        end = starts[last] if last < len(starts) else len(text)
        return start, end

    def line_of(self, name: str, offset: int) -> int:
        """1-based line number holding the character at ``offset``."""
        import bisect

        return bisect.bisect_right(self.line_offsets(name), offset)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


class NormalizedText:
    """A text with its whitespace removed, mapping positions back to the original.

    The corpus is a PDF extraction with spaces and line breaks inserted between characters, so an
    author's quote may differ from the source only in whitespace; this finds it anyway.

    >>> n = NormalizedText("AI 高级别\\n咨询机构")
    >>> n.find_all("高级别咨询")
    [(3, 9)]
    """

    def __init__(self, text: str, base: int = 0):
        self.text = text
        self.base = base

    @cached_property
    def _index(self) -> tuple[str, list[int]]:
        chars: list[str] = []
        positions: list[int] = []
        for i, ch in enumerate(self.text):
            if not ch.isspace():
                chars.append(ch)
                positions.append(i)
        return "".join(chars), positions

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        """Spans [start, end) of the original text whose non-space characters equal the quote's."""
        needle = "".join(ch for ch in quote if not ch.isspace())
        if not needle:
            return []
        hay, positions = self._index
        spans = []
        i = hay.find(needle)
        while i >= 0:
            spans.append((self.base + positions[i], self.base + positions[i + len(needle) - 1] + 1))
            i = hay.find(needle, i + 1)
        return spans


def squash(text: str) -> str:
    """Text without whitespace, lower-cased: for comparing labels with quotes.

    >>> squash(" AI 高级别 Body")
    'ai高级别body'
    """
    return "".join(ch for ch in text if not ch.isspace()).lower()
