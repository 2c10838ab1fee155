"""The FastAPI application: a minimal SPARQL 1.1 query endpoint at /sparql.

The query comes by GET (``?query=``), by POST of a form (``application/x-www-form-urlencoded``, field
``query``) or by POST of the query itself (``application/sparql-query``). SELECT and ASK results are
SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT and DESCRIBE results are Turtle (default),
N-Triples, RDF/XML or JSON-LD, chosen by the Accept header (406 when none is acceptable).

Each query is parsed, evaluated and serialised in one worker thread, so the event loop never waits on
it (and pyoxigraph's result iterators, which must stay on the thread that made them, never move).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from . import __version__
from .namespaces import PREFIXES
from .store import GraphStore

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


def _specificity(media_range: str, offer: str) -> int:
    """How closely ``media_range`` matches ``offer``: 2 exactly, 1 ``type/*``, 0 ``*/*``, -1 not at all."""
    if media_range == offer:
        return 2
    if media_range.endswith("/*") and offer.startswith(media_range[:-1]):
        return 1
    return 0 if media_range == "*/*" else -1


def negotiate(accept: str, offered: Mapping[str, object]) -> str | None:
    """The offered media type the Accept header rates highest (ties: the first offered), or None.

    >>> negotiate("", RESULT_FORMATS)
    'application/sparql-results+json'
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_FORMATS)
    'application/sparql-results+xml'
    >>> negotiate("text/*, text/csv;q=0", RESULT_FORMATS)
    'text/tab-separated-values'
    >>> negotiate("image/png", GRAPH_FORMATS) is None
    True
    """
    if not accept.strip():
        return next(iter(offered))
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *params = (field.strip().lower() for field in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media, q))
    best, best_q = None, 0.0
    for offer in offered:
        # The most specific range matching the offer sets its quality.
        matches = [(spec, q) for media, q in ranges if (spec := _specificity(media, offer)) >= 0]
        if matches and (q := max(matches)[1]) > best_q:
            best, best_q = offer, q
    return best


def execute(store: GraphStore, query: str, accept: str) -> Response:
    """Run ``query`` and serialise its result as the Accept header asks (blocking: call in a worker thread)."""
    try:
        result = store.query(query)
    except SyntaxError as exc:
        return PlainTextResponse(f"SPARQL syntax error: {exc}\n", status_code=400)
    try:
        if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
            media = negotiate(accept, RESULT_FORMATS)
            if media is None:
                return PlainTextResponse(
                    f"not acceptable: {accept}; SELECT and ASK results are offered as {', '.join(RESULT_FORMATS)}\n",
                    status_code=406,
                )
            body = result.serialize(format=RESULT_FORMATS[media])
        else:
            media = negotiate(accept, GRAPH_FORMATS)
            if media is None:
                return PlainTextResponse(
                    f"not acceptable: {accept}; CONSTRUCT and DESCRIBE results are offered as {', '.join(GRAPH_FORMATS)}\n",
                    status_code=406,
                )
            body = ox.serialize(result, format=GRAPH_FORMATS[media], prefixes=PREFIXES)
    except (OSError, ValueError, RuntimeError) as exc:  # evaluation errors surface while iterating
        return PlainTextResponse(f"query evaluation failed: {exc}\n", status_code=500)
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def create_app(store: GraphStore) -> FastAPI:
    app = FastAPI(title="AIGov KG SPARQL endpoint", version=__version__)

    async def run(request: Request, query: str | None) -> Response:
        if not query or not query.strip():
            return PlainTextResponse("missing 'query' parameter\n", status_code=400)
        return await run_in_threadpool(execute, store, query, request.headers.get("accept", ""))

    @app.get("/sparql")
    async def sparql_get(request: Request, query: Annotated[str | None, Query()] = None) -> Response:
        return await run(request, query)

    @app.post("/sparql")
    async def sparql_post(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in (FORM, DIRECT):
            return PlainTextResponse(f"POST needs Content-Type {DIRECT} or {FORM}\n", status_code=415)
        raw = await request.body()
        try:
            text = raw.decode("utf-8")
            query = text if content_type == DIRECT else parse_qs(text, errors="strict").get("query", [None])[0]
        except UnicodeDecodeError:
            return PlainTextResponse("request body is not UTF-8\n", status_code=400)
        return await run(request, query)

    @app.get("/health")
    async def health() -> dict[str, object]:
        return {"status": "ok", "quads": len(store)}

    return app
