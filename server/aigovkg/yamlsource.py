"""Read YAML keeping the line and column of every value, so errors can point at them.

PyYAML's ``compose`` gives nodes with marks; this turns them into plain Python values whose
mappings, lists and strings remember where they came from. Scalars stay strings: the compiler
types literals from the ontology, not from YAML's guesses (no dates or floats appear by accident).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Location, SourceError


class Str(str):
    loc: Location


class Map(dict):  # type: ignore[type-arg]
    loc: Location


class Seq(list):  # type: ignore[type-arg]
    loc: Location


def _loc(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(path: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        s = Str(node.value)
        s.loc = _loc(path, node)
        return s
    if isinstance(node, yaml.SequenceNode):
        seq = Seq(_convert(path, item) for item in node.value)
        seq.loc = _loc(path, node)
        return seq
    if isinstance(node, yaml.MappingNode):
        m = Map()
        m.loc = _loc(path, node)
        for key_node, value_node in node.value:
            key = _convert(path, key_node)
            if not isinstance(key, Str):
                raise SourceError(_loc(path, key_node), "mapping keys must be plain strings")
            if key in m:
                raise SourceError(key.loc, f"duplicate key {key!r}")
            m[key] = _convert(path, value_node)
        return m
    raise SourceError(_loc(path, node), f"unsupported YAML node {type(node).__name__}")


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file; syntax errors become a SourceError with line and column."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(name, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        reason = exc.problem or exc.context or "invalid YAML"
        raise SourceError(loc, f"YAML syntax error: {reason}") from None
    if node is None:
        raise SourceError(name, "file is empty")
    return _convert(name, node)


def where(value: Any, fallback: Location) -> Location:
    """The location a loaded value came from, or ``fallback``."""
    return getattr(value, "loc", fallback)
