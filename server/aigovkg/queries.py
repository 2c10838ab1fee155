"""Canned queries: one ``queries/<id>.rq`` file each, with a ``#+`` metadata header (grlc's convention).

Header keys: ``summary``, ``description``, ``tags`` and ``defaults`` (a list of ``name: value``). Every
variable named in ``defaults`` is a parameter; its type is the default's (an IRI when it starts with
http:// or https://, else a plain literal). Parameters are bound by the engine (pyoxigraph
substitutions), never formatted into the query text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from .errors import SourceError
from .paths import data_dir


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "iri" or "literal"
    default: str


@dataclass(frozen=True)
class CannedQuery:
    id: str
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    text: str
    path: Path = field(compare=False)

    @property
    def ordered(self) -> bool:
        return "ORDER BY" in self.text.upper()

    def bindings(self, values: dict[str, str] | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
        """Engine bindings for the parameters: given values, else the defaults."""
        values = values or {}
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise ValueError(f"unknown parameter(s) for query {self.id}: {', '.join(sorted(unknown))}")
        bound: dict[str, ox.NamedNode | ox.Literal] = {}
        for p in self.parameters:
            value = values.get(p.name, p.default)
            if p.kind == "iri":
                try:
                    bound[p.name] = ox.NamedNode(value)
                except ValueError as exc:
                    raise ValueError(f"parameter {p.name} must be an IRI: {exc}") from None
            else:
                bound[p.name] = ox.Literal(value)
        return bound


def parse_query_file(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line[3:] if line.startswith("#+ ") else line[2:] for line in text.splitlines() if line.startswith("#+"))
    try:
        meta: dict[str, Any] = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        raise SourceError(path, f"bad #+ header: {exc}") from None
    for required in ("summary", "description"):
        if not meta.get(required):
            raise SourceError(path, f"the #+ header has no {required!r}")
    params = []
    for entry in meta.get("defaults") or []:
        for name, default in dict(entry).items():
            value = str(default)
            params.append(Parameter(str(name), "iri" if value.startswith(("http://", "https://")) else "literal", value))
    return CannedQuery(
        path.stem,
        str(meta["summary"]),
        str(meta["description"]).strip(),
        tuple(str(t) for t in meta.get("tags") or ()),
        tuple(params),
        text,
        path,
    )


def load_queries(folder: Path | None = None) -> dict[str, CannedQuery]:
    folder = folder or data_dir("queries")
    return {q.id: q for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))}
