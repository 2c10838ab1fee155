"""``aigov anchor``: make each passage quote verbatim and give it its offset.

Authors type (or paste) a quote; the corpus is a PDF extraction full of stray spaces and line breaks.
This finds each quote inside its paper's lines, ignoring whitespace, then rewrites the passage with the
exact text of the source and the character offset where it starts (``at:``). A quote found several
times keeps the occurrence nearest to its current ``at`` (or fails, listing the lines, when it has none).
Only the ``q:`` and ``at:`` lines of the file are rewritten; comments and layout stay as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .corpus import Corpus, NormalizedText
from .errors import SourceError
from .yamlsource import Map, Seq, Str, load_yaml


@dataclass
class AnchorResult:
    changed: int = 0
    unchanged: int = 0


def anchor_file(path: Path, corpus: Corpus, papers: dict[str, tuple[str, int, int]]) -> AnchorResult:
    """Anchor every passage of one paper file. ``papers`` maps paper key -> (file, first, last line)."""
    data = load_yaml(path)
    if not isinstance(data, Map) or "paper" not in data:
        raise SourceError(str(path), "not a paper file (no top-level 'paper:' key)")
    key = str(data["paper"])
    if key not in papers:
        raise SourceError(data["paper"].loc, f"paper {key!r} has no record in sources.yaml")
    fname, first, last = papers[key]
    if not corpus.exists(fname):
        raise SourceError(str(path), f"corpus file {fname} not found in {corpus.root}")
    text = corpus.text(fname)
    lo, hi = corpus.span_of_lines(fname, first, last)
    paper_text = NormalizedText(text[lo:hi], base=lo)

    lines = path.read_text(encoding="utf-8").split("\n")
    edits: dict[int, str] = {}  # 0-based line index -> new line
    inserts: dict[int, str] = {}  # insert after this 0-based line index
    result = AnchorResult()
    passages = data.get("passages", Seq())
    for passage in passages if isinstance(passages, Seq) else []:
        if not isinstance(passage, Map) or not isinstance(passage.get("q"), Str):
            continue
        quote: Str = passage["q"]
        at = passage.get("at")
        current = int(at) if isinstance(at, Str) and at.isdigit() else None
        if current is not None and text[current : current + len(quote)] == quote:
            result.unchanged += 1
            continue
        spans = [(s, e) for s, e in paper_text.find_all(quote)]
        if not spans:
            raise SourceError(quote.loc, f"quote not found in lines {first}-{last} of {fname}: {quote[:40]!r}")
        if len(spans) > 1 and current is None:
            where = ", ".join(str(corpus.line_of(fname, s)) for s, _ in spans)
            raise SourceError(
                quote.loc, f"quote occurs {len(spans)} times (lines {where}); lengthen it or add 'at:' near the one meant"
            )
        start, end = min(spans, key=lambda span: abs(span[0] - (current or 0)))
        exact = text[start:end]
        q_line = quote.loc.line - 1
        key_col = _key_column(lines[q_line], "q:")
        if key_col < 0:
            raise SourceError(quote.loc, "the quote must sit on the same line as its 'q:' key")
        edits[q_line] = lines[q_line][:key_col] + "q: " + json.dumps(exact, ensure_ascii=False)
        indent = " " * key_col
        if isinstance(at, Str):
            edits[at.loc.line - 1] = indent + f"at: {start}"
        else:
            inserts[q_line] = indent + f"at: {start}"
        result.changed += 1
    if result.changed:
        out: list[str] = []
        for i, line in enumerate(lines):
            out.append(edits.get(i, line))
            if i in inserts:
                out.append(inserts[i])
        path.write_text("\n".join(out), encoding="utf-8")
    return result


def _key_column(line: str, key: str) -> int:
    """Column where ``key`` starts on a line like ``  - q: ...`` or ``    q: ...``."""
    stripped = line.lstrip(" ")
    col = len(line) - len(stripped)
    if stripped.startswith("- "):
        stripped = stripped[2:]
        col += 2
    return col if stripped.startswith(key) else -1
