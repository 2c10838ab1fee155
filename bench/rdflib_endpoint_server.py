"""rdflib-endpoint over an N-Quads file, for bench_endpoint.py (the competitor).

Run with the interpreter of a separate venv that has rdflib-endpoint (it pins its own FastAPI and
rdflib), never with the project's:

    /work/bench-venv/bin/python bench/rdflib_endpoint_server.py DATASET.nq PORT

The quads go into an rdflib ``Dataset(default_union=True)`` (rdflib-endpoint's own CLI does the same),
so a pattern outside GRAPH sees the union of all named graphs, as on our server, and GRAPH ?g sees
each paper's graph. Served at http://127.0.0.1:PORT/sparql, query only.
"""

from __future__ import annotations

import sys

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    path, port = sys.argv[1], int(sys.argv[2])
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    app = SparqlEndpoint(graph=dataset, path="/sparql", enable_update=False, cors_enabled=False)
    print(f"rdflib-endpoint: {len(dataset)} quads at http://127.0.0.1:{port}/sparql", file=sys.stderr, flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
