"""Linked-data pages: every IRI of the graph under https://w3id.org/aigov/ dereferences on this server.

The persistent namespace maps onto local paths: ``https://w3id.org/aigov/<path>`` is served at
``/<path>`` (``/id/...``, ``/vocab/...``, ``/graph/...``, ``/ontology``). A browser gets an HTML page
(labels in both languages, types, every statement in and out by graph, and the evidence quotes with
their paper); an RDF client gets the statements about the resource by content negotiation (Turtle,
JSON-LD, N-Triples, RDF/XML as the merge; TriG and N-Quads with the graph of each statement).
docs/deployment.md shows how w3id.org redirects the persistent IRIs to a deployment.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .engine import Job, ProcessEngine
from .namespaces import BASE, ONTOLOGY_GRAPH, PREFIXES
from .protocol import ProtocolError, format_accept
from .results import GRAPH_FORMATS, negotiate

HTML = "text/html"
PAGE_OFFERS = {HTML: None, **GRAPH_FORMATS}
MAX_ROWS = 5000

LABELS = """
  OPTIONAL {{ ?{v} <http://www.w3.org/2000/01/rdf-schema#label> ?{v}_zh FILTER(lang(?{v}_zh) = "zh") }}
  OPTIONAL {{ ?{v} <http://www.w3.org/2000/01/rdf-schema#label> ?{v}_en FILTER(lang(?{v}_en) = "en") }}"""
PREFIX = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX aigov: <https://w3id.org/aigov/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX org: <http://www.w3.org/ns/org#>
"""
SELF = PREFIX + "SELECT ?iri ?iri_zh ?iri_en WHERE { BIND(?iri AS ?x) " + LABELS.format(v="iri") + " }"
OUT = (
    PREFIX
    + "SELECT ?iri ?g ?p ?o ?o_zh ?o_en WHERE { GRAPH ?g { ?iri ?p ?o } "
    + LABELS.format(v="o")
    + f" }} ORDER BY ?g ?p ?o LIMIT {MAX_ROWS}"
)
IN = (
    PREFIX
    + "SELECT ?iri ?g ?s ?p ?s_zh ?s_en WHERE { GRAPH ?g { ?s ?p ?iri } "
    + "FILTER NOT EXISTS { ?s a ?claim_kind "
    + "FILTER(?claim_kind IN (aigov:StatementClaim, aigov:BeliefAttribution, aigov:MembershipAttribution)) } "
    + LABELS.format(v="s")
    + f" }} ORDER BY ?g ?p ?s LIMIT {MAX_ROWS}"
)
EVIDENCE = (
    PREFIX
    + """SELECT ?iri ?paper ?claim ?kind ?s ?p ?o ?quote ?start ?end ?ev ?s_zh ?s_en ?o_zh ?o_en WHERE {
  { ?claim rdf:subject ?iri } UNION { ?claim rdf:object ?iri } UNION { ?claim aigov:holder ?iri }
  UNION { ?claim aigov:belief ?iri } UNION { ?claim org:member ?iri } UNION { ?claim org:organization ?iri }
  ?claim a ?kind ; aigov:statedIn ?paper ; aigov:hasEvidence ?ev .
  FILTER(?kind IN (aigov:StatementClaim, aigov:BeliefAttribution, aigov:MembershipAttribution))
  { ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
  UNION { ?claim aigov:holder ?s ; aigov:stance ?p ; aigov:belief ?o }
  UNION { ?claim org:member ?s ; org:organization ?o BIND(org:memberOf AS ?p) }
  ?ev oa:hasSelector ?qs , ?ps . ?qs oa:exact ?quote . ?ps oa:start ?start ; oa:end ?end ."""
    + LABELS.format(v="s")
    + LABELS.format(v="o")
    + f" }} ORDER BY ?paper ?start ?claim LIMIT {MAX_ROWS}"
)
TERMS = (
    PREFIX
    + """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?ontology ?t ?kind ?t_zh ?t_en ?def_zh ?def_en WHERE { GRAPH ?ontology {
  ?t a ?kind FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty))
  FILTER(STRSTARTS(STR(?t), "https://w3id.org/aigov/ontology#"))"""
    + LABELS.format(v="t")
    + """
  OPTIONAL { ?t skos:definition ?def_zh FILTER(lang(?def_zh) = "zh") }
  OPTIONAL { ?t skos:definition ?def_en FILTER(lang(?def_en) = "en") }
} } ORDER BY ?kind ?t"""
)
STYLE = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:1.5rem auto;padding:0 1rem;line-height:1.45;color:#1d1d1f}
h1{margin-bottom:.2rem}.iri{font-family:monospace;color:#555;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f5f5f7}
blockquote{margin:.2rem 0;padding:.2rem .6rem;border-left:3px solid #8ab;white-space:pre-wrap}
small{color:#666}nav a{margin-right:1rem}"""


def local_path(iri: str) -> str:
    """The local path that serves a persistent IRI; other IRIs are left as they are.

    >>> local_path("https://w3id.org/aigov/id/china"), local_path("https://w3id.org/aigov/ontology#Paper")
    ('/id/china', '/ontology#Paper')
    >>> local_path("http://www.w3.org/ns/org#Membership")
    'http://www.w3.org/ns/org#Membership'
    """
    return "/" + iri[len(BASE) :] if iri.startswith(BASE) else iri


def curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _term_html(binding: dict[str, Any], var: str) -> str:
    term = binding.get(var)
    if term is None:
        return ""
    if term["type"] == "uri":
        iri = term["value"]
        names = [binding[f"{var}_{lang}"]["value"] for lang in ("zh", "en") if f"{var}_{lang}" in binding]
        text = " / ".join(names) if names else curie(iri)
        title = html.escape(iri, quote=True)
        return f'<a href="{html.escape(local_path(iri), quote=True)}" title="{title}">{html.escape(text)}</a>'
    if term["type"] == "bnode":
        return f"<code>_:{html.escape(term['value'])}</code>"
    text = html.escape(term["value"])
    if "xml:lang" in term:
        return f"{text} <small>@{html.escape(term['xml:lang'])}</small>"
    if "datatype" in term:
        return f"{text} <small>{html.escape(curie(term['datatype']))}</small>"
    return text


def _page(title: str, iri: str, body: str) -> str:
    alternates = "".join(
        f'<link rel="alternate" type="{m}" href="?format={f}">'
        for m, f in (("text/turtle", "turtle"), ("application/ld+json", "jsonld"), ("application/trig", "trig"))
    )
    return (
        f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{html.escape(title)} · AIGov KG</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{alternates}<style>{STYLE}</style></head><body>'
        f'<nav><a href="/">Query</a><a href="/ontology">Ontology</a><a href="/void">VoID</a><a href="/openapi.json">API</a></nav>'
        f'<h1>{html.escape(title)}</h1><p class="iri">{html.escape(iri)}</p>{body}'
        f'<p><small>Also as <a href="?format=turtle">Turtle</a> · <a href="?format=jsonld">JSON-LD</a> · '
        f'<a href="?format=trig">TriG</a> (with the graph of each statement)</small></p></body></html>'
    )


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_resource(
    iri: str, me: list[dict[str, Any]], out: list[dict[str, Any]], inc: list[dict[str, Any]], ev: list[dict[str, Any]]
) -> str:
    labels = me[0] if me else {}
    zh, en = (labels.get(f"iri_{lang}", {}).get("value") for lang in ("zh", "en"))
    title = " / ".join(x for x in (zh, en) if x) or curie(iri)
    types = [b for b in out if b["p"]["value"] == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
    parts = []
    if types:
        unique = {b["o"]["value"]: b for b in types}
        parts.append("<p>Types: " + ", ".join(_term_html(b, "o") for b in unique.values()) + "</p>")
    by_graph: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for b in out:
        by_graph[b["g"]["value"]].append(b)
    parts.append(f"<h2>Statements about it ({len(out)})</h2>")
    for graph, rows in by_graph.items():
        parts.append(f'<h3>in <a href="{html.escape(local_path(graph), quote=True)}">{html.escape(curie(graph))}</a></h3>')
        parts.append(_table(["property", "value"], [[html.escape(curie(b["p"]["value"])), _term_html(b, "o")] for b in rows]))
    if inc:
        parts.append(f"<h2>Referenced by ({len(inc)})</h2>")
        parts.append(
            _table(
                ["subject", "property", "graph"],
                [[_term_html(b, "s"), html.escape(curie(b["p"]["value"])), html.escape(curie(b["g"]["value"]))] for b in inc],
            )
        )
    if ev:
        parts.append(f"<h2>Evidence: what each paper says ({len(ev)} quotes)</h2>")
        by_paper: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for b in ev:
            by_paper[b["paper"]["value"]].append(b)
        for paper, rows in by_paper.items():
            parts.append(f'<h3><a href="{html.escape(local_path(paper), quote=True)}">{html.escape(curie(paper))}</a></h3>')
            table_rows = []
            for b in rows:
                predicate = html.escape(curie(b["p"]["value"])) if "p" in b else ""
                claim = f"{_term_html(b, 's')} <small>{predicate}</small> {_term_html(b, 'o')}"
                quote = f"<blockquote>{html.escape(b['quote']['value'])}</blockquote>"
                offsets = f"{b['start']['value']}–{b['end']['value']}"
                where = f'<a href="{html.escape(local_path(b["ev"]["value"]), quote=True)}">{offsets}</a>'
                link = f'<a href="{html.escape(local_path(b["claim"]["value"]), quote=True)}">claim</a>'
                table_rows.append([claim, quote, f"{where} · {link}"])
            parts.append(_table(["claim", "quote", "offsets"], table_rows))
    if len(out) >= MAX_ROWS or len(inc) >= MAX_ROWS or len(ev) >= MAX_ROWS:
        parts.append(f"<p><small>Lists stop at {MAX_ROWS} rows; query /sparql for the rest.</small></p>")
    return _page(title, iri, "".join(parts))


def render_ontology(terms: list[dict[str, Any]], iri: str) -> str:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for b in terms:
        groups[curie(b["kind"]["value"])].append(b)
    parts = []
    for kind, rows in groups.items():
        parts.append(f"<h2>{html.escape(kind)} ({len(rows)})</h2>")
        cells = []
        for b in rows:
            local = b["t"]["value"].rsplit("#", 1)[1]
            name = f'<span id="{html.escape(local, quote=True)}"><code>aigov:{html.escape(local)}</code></span>'
            labels = " / ".join(html.escape(b[k]["value"]) for k in ("t_zh", "t_en") if k in b)
            defs = "<br>".join(html.escape(b[k]["value"]) for k in ("def_zh", "def_en") if k in b)
            cells.append([name, labels, defs])
        parts.append(_table(["term", "labels", "definition"], cells))
    return _page("AIGov KG ontology / 本体", iri, "".join(parts))


def add_pages(app: FastAPI, engine: ProcessEngine) -> None:
    """Register the linked-data routes on ``app``."""

    def offer(request: Request) -> str:
        fmt = request.query_params.get("format")
        accept = format_accept(fmt) if fmt else request.headers.get("accept", "")
        media = negotiate(accept, PAGE_OFFERS)
        if media is None:
            raise ProtocolError(406, f"not acceptable: {accept}; pages are offered as {', '.join(PAGE_OFFERS)}")
        return media

    async def select(query: str, **bindings: ox.NamedNode) -> list[dict[str, Any]]:
        job = Job("query", query, accept="application/sparql-results+json", substitutions=bindings, max_rows=MAX_ROWS)
        outcome = await engine.run(job)
        if outcome.status != 200:
            raise ProtocolError(outcome.status, outcome.body.decode("utf-8", "replace"))
        return list(json.loads(outcome.body)["results"]["bindings"])

    async def resource(request: Request, path: str) -> Response:
        iri = BASE + path
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"not a valid IRI: {iri!r}") from None
        media = offer(request)
        if media == HTML:
            me, out, inc, ev = [await select(q, iri=ox.NamedNode(iri)) for q in (SELF, OUT, IN, EVIDENCE)]
            if not out and not inc:
                return HTMLResponse(_page("Not found", iri, "<p>This IRI is not in the graph.</p>"), status_code=404)
            return HTMLResponse(render_resource(iri, me, out, inc, ev), headers={"Vary": "Accept"})
        parts = (iri + "#quote", iri + "#position") if path.startswith("id/evidence/") else ()
        outcome = await engine.run(Job("describe", iri, accept=media, named_graphs=parts, max_rows=MAX_ROWS * 10))
        if outcome.status == 200 and not outcome.body.strip(b" \n"):
            raise ProtocolError(404, f"<{iri}> is not in the graph")
        return Response(outcome.body, status_code=outcome.status, media_type=outcome.media_type, headers={"Vary": "Accept"})

    for prefix in ("id", "vocab", "graph"):

        async def route(request: Request, rest: str, _prefix: str = prefix) -> Response:
            return await resource(request, f"{_prefix}/{rest}")

        app.add_api_route(
            f"/{prefix}/{{rest:path}}",
            route,
            methods=["GET"],
            name=f"{prefix}_page",
            summary=f"Linked-data page of https://w3id.org/aigov/{prefix}/... (HTML or RDF by content negotiation)",
            tags=["linked data"],
        )

    @app.get("/ontology", summary="The ontology: HTML term list or RDF by content negotiation", tags=["linked data"])
    async def ontology(request: Request) -> Response:
        iri = BASE + "ontology"
        media = offer(request)
        if media == HTML:
            return HTMLResponse(
                render_ontology(await select(TERMS, ontology=ox.NamedNode(str(ONTOLOGY_GRAPH))), iri), headers={"Vary": "Accept"}
            )
        job = Job(
            "query",
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
            accept=media,
            substitutions={"g": ox.NamedNode(str(ONTOLOGY_GRAPH))},
            max_rows=10**9,
        )
        outcome = await engine.run(job)
        return Response(outcome.body, status_code=outcome.status, media_type=outcome.media_type, headers={"Vary": "Accept"})

    @app.get("/dataset", summary="The dataset IRI: see the VoID description", tags=["linked data"])
    async def dataset() -> Response:
        return RedirectResponse("/void", status_code=303)
