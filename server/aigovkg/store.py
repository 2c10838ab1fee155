"""The query engine behind the endpoint: a pyoxigraph store behind a small interface.

``GraphStore`` is what the web layer uses; a remote SPARQL 1.1 store can implement the same methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import pyoxigraph as ox

from .compiler import Quad
from .rdfterms import to_ox_quads


class GraphStore(Protocol):
    def query(self, sparql: str, substitutions: dict[str, Any] | None = None) -> Any: ...
    def __len__(self) -> int: ...


class OxigraphStore:
    """An in-memory pyoxigraph store whose default graph is the RDF merge of all named graphs.

    The merge is materialised (each distinct triple once in the default graph) rather than using
    pyoxigraph's ``use_default_graph_as_union``, which yields one solution per named graph holding a
    triple: a triple stated by two papers would otherwise count twice in the default graph.
    """

    def __init__(self, quads: Iterable[Quad] = ()):
        self.store = ox.Store()
        named = to_ox_quads(quads)
        merged = {ox.Triple(q.subject, q.predicate, q.object) for q in named}
        self.store.bulk_extend(named)
        self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in merged)
        self.named_quads = len(named)

    def query(self, sparql: str, substitutions: dict[str, Any] | None = None) -> Any:
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        return self.store.query(sparql, substitutions=subs or None)

    def __len__(self) -> int:
        """Quads in the named graphs (the materialised default graph is not counted)."""
        return self.named_quads
