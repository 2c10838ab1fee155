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
    """An in-memory pyoxigraph store; the default graph is the union of all named graphs."""

    def __init__(self, quads: Iterable[Quad] = ()):
        self.store = ox.Store()
        self.store.bulk_extend(to_ox_quads(quads))

    def query(self, sparql: str, substitutions: dict[str, Any] | None = None) -> Any:
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        return self.store.query(sparql, use_default_graph_as_union=True, substitutions=subs or None)

    def __len__(self) -> int:
        return len(self.store)
