#!/usr/bin/env python
"""Where a GET /sparql request's time goes: the same query timed layer by layer, each adding one step.

    python bench/request_breakdown.py --dataset FILE [--repeat N] [--queries ID,ID]

1. ``floor``: pyoxigraph in this process, query + native SPARQL JSON (what bench_endpoint.py calls the floor);
2. ``run_job``: what a worker does, in this process (query + the row-capped serialisation of results.py);
3. ``engine``: ``ProcessEngine.run``, so 2 in a worker process plus the trip there and back;
4. ``app``: the FastAPI application called as ASGI, no HTTP (routing, middleware, protocol parsing);
5. ``http``: ``aigov serve`` in a subprocess over a keep-alive connection, as bench_endpoint.py times it.

Each column is a median; the ``+`` columns are the differences between neighbouring layers. The rows are
``ASK {}`` and the canned queries (their text as bench_endpoint.py sends it). A measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from bench_endpoint import JSON, Client, Server, concrete_text, load_canned, table

from aigovkg.app import create_app
from aigovkg.dataset import parse_rdf_file
from aigovkg.engine import Job, ProcessEngine, run_job
from aigovkg.paths import data_dir
from aigovkg.rdfterms import to_ox_quads

LAYERS = ("floor", "run_job", "engine", "app", "http")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000.0


def timed(f: Callable[[], object], n: int) -> float:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        f()
        samples.append(time.perf_counter() - started)
    return median_ms(samples)


async def atimed(f: Callable[[], Awaitable[object]], n: int) -> float:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        await f()
        samples.append(time.perf_counter() - started)
    return median_ms(samples)


async def asgi_get(app: Any, path: str, query_string: str) -> int:
    """One GET through the ASGI application, no server; returns the status."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query_string.encode(), "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"accept", JSON.encode())],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip
    await app(scope, receive, send)
    return int(sent[0]["status"])


async def in_process(dataset: Path, texts: dict[str, str], n: int) -> dict[str, dict[str, float]]:
    """The floor, run_job, engine and app layers for each text."""
    quads = to_ox_quads(parse_rdf_file(dataset))
    engine = ProcessEngine(quads)
    store = ox.Store()
    store.bulk_load(path=engine.path, format=ox.RdfFormat.N_QUADS)  # what each worker loads
    app = create_app(engine, quads=quads)
    await engine.start()
    out: dict[str, dict[str, float]] = {}
    try:
        for name, text in texts.items():
            job = Job("query", text, accept=JSON)
            qs = "query=" + quote(text, safe="")
            for _ in range(3):  # warm-up
                await engine.run(job)
                await asgi_get(app, "/sparql", qs)
            out[name] = {
                "floor": timed(lambda text=text: store.query(text).serialize(format=ox.QueryResultsFormat.JSON), n),
                "run_job": timed(lambda job=job: run_job(store, job), n),
                "engine": await atimed(lambda job=job: engine.run(job), n),
                "app": await atimed(lambda qs=qs: asgi_get(app, "/sparql", qs), n),
            }
    finally:
        await engine.close()
    return out


def over_http(dataset: Path, texts: dict[str, str], n: int) -> dict[str, float]:
    log = Path(tempfile.mkdtemp(prefix="aigov-breakdown-")) / "serve.log"
    server = Server(
        "aigov serve", [sys.executable, "-m", "aigovkg.cli", "serve", "-q", "--dataset", str(dataset), "--port", "{port}"],
        "/health", log,
    )  # fmt: skip
    server.start()
    try:
        client = Client(server.port, 120)
        out = {}
        for name, text in texts.items():
            path = "/sparql?query=" + quote(text, safe="")
            for _ in range(3):
                client.get(path)
            out[name] = median_ms([client.get(path)[0] for _ in range(n)])
        client.close()
        return out
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", metavar="FILE", required=True, help="N-Quads file (aigov export --format nquads)")
    p.add_argument("--repeat", type=int, default=50, help="timed repetitions per layer and query (default 50)")
    p.add_argument("--queries", help="comma-separated canned query ids (default: all)")
    args = p.parse_args(argv)
    canned = load_canned(data_dir("queries"))
    wanted = args.queries.split(",") if args.queries else list(canned)
    texts = {"ASK {}": "ASK {}", **{qid: concrete_text(canned[qid]) for qid in wanted}}
    dataset = Path(args.dataset).resolve()
    times = asyncio.run(in_process(dataset, texts, args.repeat))
    for name, ms in over_http(dataset, texts, args.repeat).items():
        times[name]["http"] = ms
    head = ["query", *(f"{layer} ms" for layer in LAYERS), *(f"+{b}" for b in LAYERS[1:]), "http-floor"]
    rows = [head]
    for name, t in times.items():
        steps = [f"{t[b] - t[a]:+.2f}" for a, b in zip(LAYERS, LAYERS[1:], strict=False)]
        rows.append([name, *(f"{t[layer]:.2f}" for layer in LAYERS), *steps, f"{t['http'] - t['floor']:+.2f}"])
    print(f"request breakdown, medians of {args.repeat} ({dataset.name})")
    for line in table(rows, right=set(range(1, len(head)))):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
