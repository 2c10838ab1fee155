"""The FastAPI application: a minimal SPARQL 1.1 query endpoint at /sparql."""

from __future__ import annotations

from typing import Annotated

import pyoxigraph as ox
from fastapi import FastAPI, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from . import __version__
from .store import OxigraphStore

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def _negotiate(accept: str, offered: dict[str, object]) -> str | None:
    """The first offered media type the Accept header allows (by q-value), or None."""
    if not accept.strip():
        return next(iter(offered))
    ranges = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((-q, i, fields[0].lower()))
    for neg_q, _, media in sorted(ranges):
        if neg_q == 0:
            continue
        for offer in offered:
            if media in (offer, "*/*") or (media.endswith("/*") and offer.startswith(media[:-1])):
                return offer
    return None


def create_app(store: OxigraphStore) -> FastAPI:
    app = FastAPI(title="AIGov KG SPARQL endpoint", version=__version__)

    async def run(request: Request, query: str | None) -> Response:
        if not query:
            return PlainTextResponse("missing 'query' parameter", status_code=400)
        try:
            result = await run_in_threadpool(store.query, query)
        except SyntaxError as exc:
            return PlainTextResponse(f"SPARQL syntax error: {exc}", status_code=400)
        accept = request.headers.get("accept", "")
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            media = _negotiate(accept, RESULT_FORMATS)
            if media is None:
                return PlainTextResponse("no acceptable result format", status_code=406)
            body = await run_in_threadpool(result.serialize, format=RESULT_FORMATS[media])
        else:
            media = _negotiate(accept, GRAPH_FORMATS)
            if media is None:
                return PlainTextResponse("no acceptable RDF format", status_code=406)
            body = await run_in_threadpool(ox.serialize, result, format=GRAPH_FORMATS[media])
        return Response(body, media_type=media)

    @app.get("/sparql")
    async def sparql_get(request: Request, query: Annotated[str | None, Query()] = None) -> Response:
        return await run(request, query)

    @app.post("/sparql")
    async def sparql_post(request: Request) -> Response:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-query":
            raw = await request.body()
            try:
                return await run(request, raw.decode("utf-8"))
            except UnicodeDecodeError:
                return PlainTextResponse("request body is not UTF-8", status_code=400)
        if ctype == "application/x-www-form-urlencoded":
            form = await request.form()
            value = form.get("query")
            return await run(request, value if isinstance(value, str) else None)
        return PlainTextResponse(
            "POST needs Content-Type application/sparql-query or application/x-www-form-urlencoded",
            status_code=415,
        )

    @app.get("/health")
    async def health() -> dict[str, object]:
        return {"status": "ok", "quads": len(store)}

    _ = Form  # form parsing is done by hand above
    return app
