"""Serialise the dataset deterministically: same sources, same bytes."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from .compiler import Quad
from .dataset import sort_quads
from .namespaces import PREFIXES
from .rdfterms import to_ox

FORMATS = {
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "trig": (ox.RdfFormat.TRIG, True),
    "turtle": (ox.RdfFormat.TURTLE, False),
    "jsonld": (ox.RdfFormat.JSON_LD, False),
}


def serialize(quads: Iterable[Quad], fmt: str) -> bytes:
    """All named graphs (N-Quads, TriG) or their union (Turtle, JSON-LD), in a stable order."""
    rdf_format, keeps_graphs = FORMATS[fmt]
    ordered = sort_quads(quads)
    if keeps_graphs:
        items: list[ox.Quad] | list[ox.Triple] = [
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g))  # type: ignore[arg-type]
            for s, p, o, g in ordered
        ]
    else:
        seen: set[tuple[object, object, object]] = set()
        triples = []
        for s, p, o, _ in sorted(ordered, key=lambda q: (q[0].n3(), q[1].n3(), q[2].n3())):
            if (s, p, o) not in seen:
                seen.add((s, p, o))
                triples.append(ox.Triple(to_ox(s), to_ox(p), to_ox(o)))  # type: ignore[arg-type]
        items = triples
    prefixes = None if rdf_format in (ox.RdfFormat.N_QUADS,) else PREFIXES
    data = ox.serialize(items, format=rdf_format, prefixes=prefixes)  # type: ignore[arg-type]
    assert data is not None  # no output file given: pyoxigraph returns the bytes
    return data
