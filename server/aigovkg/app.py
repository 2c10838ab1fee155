"""The FastAPI application: the SPARQL 1.1 endpoint and what is built on it.

* ``/sparql``: the SPARQL 1.1 Protocol (query, and update when allowed); with no operation, the
  service description.
* ``/rdf-graph-store``: Graph Store Protocol read access (GET, HEAD) with ``?graph=`` or ``?default``.
* ``/void``: the VoID description of the dataset.
* ``/queries``: the canned queries, listed and run with their parameters bound by the engine.
* ``/health``.

Every query runs in a worker process of the engine (see engine.py), never on the event loop.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse, Response
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline

from . import __version__
from .describe import graph_statistics, service_description, void_description
from .engine import Job, Outcome, ProcessEngine
from .pages import add_pages
from .protocol import (
    Limits,
    ProtocolError,
    explain_service_failure,
    format_accept,
    is_protocol_operation,
    parse,
    parse_params,
    route_services,
)
from .protocol import Request as ProtocolRequest
from .queries import CannedQuery, load_queries
from .querypage import add_query_page
from .results import TRIPLE_FORMATS, negotiate, serialize_graph

TEXT = "text/plain; charset=utf-8"
GRAPH_ASK = "ASK { GRAPH ?g { ?s ?p ?o } }"
GRAPH_GET = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
DEFAULT_GET = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


def _respond(outcome: Outcome, head: bool = False) -> Response:
    headers = {"Vary": "Accept"}
    if outcome.status == 204:
        return Response(status_code=204)
    return Response(b"" if head else outcome.body, status_code=outcome.status, media_type=outcome.media_type, headers=headers)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"request body of {declared} bytes exceeds this server's limit of {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"request body exceeds this server's limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _rdf_response(triples: Sequence[ox.Triple], accept: str, what: str) -> Response:
    media = negotiate(accept, TRIPLE_FORMATS)
    if media is None:
        return _error(406, f"not acceptable: {accept}; {what} is offered as {', '.join(TRIPLE_FORMATS)}")
    return Response(serialize_graph(triples, media), media_type=media, headers={"Vary": "Accept"})


class _RequestRoute(APIRoute):
    """A route listed in the OpenAPI document whose endpoint takes the Request alone and is called as it
    is: no dependency solving, no parsing of the query string that the endpoint parses again. Parameters
    the endpoint declares besides are there for the OpenAPI document only."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return handler


def create_app(
    engine: ProcessEngine,
    limits: Limits | None = None,
    *,
    quads: Sequence[ox.Quad] = (),
    queries: dict[str, CannedQuery] | None = None,
    cors_origins: Sequence[str] = ("*",),
) -> FastAPI:
    """The application over ``engine``. ``quads`` (the loaded dataset) feed the VoID and service descriptions."""
    limits = limits or Limits()
    canned = load_queries() if queries is None else queries
    merged, per_graph = graph_statistics(quads)
    graph_sizes = None if engine.writable else {g: s.triples for g, s in per_graph.items()}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await engine.start()
        try:
            yield
        finally:
            await engine.close()

    # FastAPIOffline: FastAPI whose /docs (Swagger UI) and /redoc load their scripts from this server, not a CDN.
    app = FastAPIOffline(
        title="AIGov KG",
        version=__version__,
        description="SPARQL 1.1 endpoint and canned queries over the knowledge graph of global AI governance.",
        lifespan=lifespan,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(cors_origins),
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
    )

    @app.exception_handler(ProtocolError)
    async def protocol_error(_request: Request, exc: ProtocolError) -> Response:
        return _error(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in exc.errors())
        return _error(400, f"bad request: {problems}")

    def endpoint_url(request: Request) -> str:
        return str(request.url.replace(query="", fragment="")).rstrip("/")

    def describe_service(request: Request) -> Response:
        triples = service_description(
            endpoint_url(request),
            allow_update=limits.allow_update,
            federation=bool(limits.service_allowlist),
            merged_default=not engine.writable,
            graphs=graph_sizes,
            default_triples=None if engine.writable else merged.triples,
        )
        return _rdf_response(triples, request.headers.get("accept", ""), "the service description")

    async def sparql(request: Request) -> Response:
        if len(request.url.query) > limits.max_body_bytes:
            return _error(414, f"URL query string exceeds this server's limit of {limits.max_body_bytes} bytes: POST the query")
        params = parse_params(request.url.query)
        body = await _read_body(request, limits.max_body_bytes) if request.method == "POST" else b""
        preq = ProtocolRequest(
            method=request.method,
            params=params,
            content_type=request.headers.get("content-type"),
            body=body,
            accept=request.headers.get("accept", ""),
            authorization=request.headers.get("authorization"),
            base_iri=endpoint_url(request),
        )
        if request.method == "GET" and not is_protocol_operation(preq):
            return describe_service(request)
        job = parse(preq, limits)
        return _respond(await engine.run(job))

    for path in ("/sparql", "/sparql/"):
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            # Every method reaches the protocol parser, which answers 405 to all but GET and POST.
            app.router.add_api_route(
                path,
                sparql,
                route_class_override=_RequestRoute,
                methods=[method],
                include_in_schema=path == "/sparql" and method in ("GET", "POST"),
                summary="SPARQL 1.1 Protocol endpoint (query; update when enabled; service description with no query)",
                name=("sparql" if path == "/sparql" else "sparql_slash") + ("" if method == "GET" else f"_{method.lower()}"),
            )

    async def graph_store(request: Request, graph: str | None = None, default: str | None = None) -> Response:
        head = request.method == "HEAD"
        if (graph is None) == (default is None):
            raise ProtocolError(400, "name one graph: ?graph=<IRI> or ?default")
        accept = request.headers.get("accept", "")
        if negotiate(accept, TRIPLE_FORMATS) is None:
            raise ProtocolError(406, f"not acceptable: {accept}; graphs are offered as {', '.join(TRIPLE_FORMATS)}")
        if graph is None:
            return _respond(await engine.run(Job("query", DEFAULT_GET, accept=accept, max_rows=10**9)), head)
        try:
            iri = ox.NamedNode(graph)
        except ValueError:
            raise ProtocolError(400, f"'graph' must be an absolute IRI, got {graph!r}") from None
        exists = await engine.run(Job("query", GRAPH_ASK, accept="text/csv", substitutions={"g": iri}))
        if exists.body.strip() != b"true":
            return _error(404, f"no graph named <{graph}> in this dataset")
        outcome = await engine.run(Job("query", GRAPH_GET, accept=accept, substitutions={"g": iri}, max_rows=10**9))
        return _respond(outcome, head)

    app.add_api_route("/rdf-graph-store", graph_store, methods=["GET"], summary="Graph Store Protocol: read a graph")
    app.add_api_route("/rdf-graph-store", graph_store, methods=["HEAD"], include_in_schema=False, name="graph_store_head")

    @app.get("/void", summary="VoID description of the dataset")
    async def void(request: Request) -> Response:
        return _rdf_response(
            void_description(quads, endpoint_url(request).rsplit("/", 1)[0] + "/sparql"),
            request.headers.get("accept", ""),
            "the VoID description",
        )

    @app.get("/queries", summary="The canned queries: id, summary, description, tags, parameters")
    async def list_queries(request: Request) -> list[dict[str, Any]]:
        return [
            {
                "id": q.id,
                "summary": q.summary,
                "description": q.description,
                "tags": list(q.tags),
                "parameters": [{"name": p.name, "type": p.kind, "default": p.default} for p in q.parameters],
                "url": str(request.url_for(f"query_{q.id}")),
            }
            for q in canned.values()
        ]

    for query in canned.values():
        _add_canned_route(app, query, engine, limits)

    @app.get("/health", summary="Liveness and the size of the dataset")
    async def health() -> dict[str, object]:
        return {"status": "ok", "quads": len(engine), "writable": engine.writable}

    add_pages(app, engine)
    add_query_page(app, canned)
    return app


def _add_canned_route(app: FastAPI, query: CannedQuery, engine: ProcessEngine, limits: Limits) -> None:
    """GET and POST /queries/{id}, with the query's parameters declared for the OpenAPI document."""

    async def run(request: Request, **_declared: Any) -> Response:
        values = {k: v[-1] for k, v in parse_params(request.url.query).items()}
        if request.method == "POST":
            body = await _read_body(request, limits.max_body_bytes)
            media = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if media == "application/json":
                try:
                    data = json.loads(body or b"{}")
                except ValueError as exc:
                    raise ProtocolError(400, f"request body is not valid JSON: {exc}") from None
                if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
                    raise ProtocolError(400, "the JSON body must be an object of parameter name -> string value")
                values.update(data)
            elif media == "application/x-www-form-urlencoded":
                try:
                    values.update(
                        {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict").items()}
                    )
                except UnicodeDecodeError:
                    raise ProtocolError(400, "request body is not valid UTF-8") from None
            elif body.strip():
                raise ProtocolError(415, "POST the parameters as application/json or application/x-www-form-urlencoded")
        accept = request.headers.get("accept", "")
        fmt = values.pop("format", None)
        if fmt:
            accept = format_accept(fmt)
        for name, value in values.items():
            if not value.strip():
                raise ProtocolError(400, f"parameter '{name}' is empty")
        try:
            bindings = query.bindings(values)
        except ValueError as exc:
            raise ProtocolError(400, str(exc)) from None
        text = route_services(query.text, limits)  # a federated canned query meets the allow-list and the aliases too
        job = Job("query", text, accept=accept, substitutions=bindings, max_rows=limits.max_rows)
        return _respond(explain_service_failure(await engine.run(job), query.text))

    signature = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for p in query.parameters:
        kind = "an IRI" if p.kind == "iri" else "a string"
        signature.append(
            inspect.Parameter(
                p.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=str | None,
                default=Query(None, description=f"{kind}; default {p.default}", examples=[p.default]),
            )
        )
    signature.append(
        inspect.Parameter(
            "format",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=str | None,
            default=Query(None, description="result format (json, xml, csv, tsv, turtle...) instead of the Accept header"),
        )
    )
    run.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    for method in ("GET", "POST"):
        app.router.add_api_route(
            f"/queries/{query.id}",
            run,
            route_class_override=_RequestRoute,  # run() reads the parameters itself
            methods=[method],
            name=f"query_{query.id}" + ("" if method == "GET" else "_post"),
            summary=query.summary,
            description=query.description,
            tags=["canned queries", *query.tags],
            response_class=Response,
        )
