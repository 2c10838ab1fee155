"""The HTTP API beside /sparql: canned queries, the OpenAPI document, Graph Store reads and VoID."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF

from aigovkg.namespaces import paper_iri
from aigovkg.queries import load_queries

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
QUERIES = load_queries()
US = "https://w3id.org/aigov/id/united-states"


# ---------------------------------------------------------------- canned queries


def test_list_queries(client: Any) -> None:
    listed = {q["id"]: q for q in client.get("/queries").json()}
    assert set(listed) == set(QUERIES)
    for qid, query in QUERIES.items():
        entry = listed[qid]
        assert entry["summary"] == query.summary and entry["description"] == query.description
        assert entry["tags"] == list(query.tags)
        assert entry["parameters"] == [{"name": p.name, "type": p.kind, "default": p.default} for p in query.parameters]
        assert entry["url"].endswith(f"/queries/{qid}")


@pytest.mark.parametrize("qid", sorted(QUERIES))
def test_each_canned_query_runs_with_its_defaults(client: Any, qid: str) -> None:
    response = client.get(f"/queries/{qid}")
    if "federated" in QUERIES[qid].tags:
        # This server allows no SERVICE: refused here; run against a Wikidata stand-in in tests/test_federation.py.
        assert response.status_code == 403 and "--service-allow" in response.text, response.text
        return
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"], f"{qid} returned no rows on the shipped data"


@pytest.mark.parametrize("qid", sorted(QUERIES))
def test_each_canned_query_is_in_the_openapi_document_with_its_parameters(client: Any, qid: str) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"][f"/queries/{qid}"]["get"]
    assert operation["summary"] == QUERIES[qid].summary
    names = {p["name"] for p in operation.get("parameters", [])}
    assert {p.name for p in QUERIES[qid].parameters} | {"format"} <= names
    assert "post" in spec["paths"][f"/queries/{qid}"]


def test_canned_query_parameter_changes_the_answer(client: Any) -> None:
    default = client.get("/queries/actor-instruments").json()["results"]["bindings"]
    eu = client.get("/queries/actor-instruments", params={"actor": "https://w3id.org/aigov/id/european-union"}).json()
    assert {b["actor"]["value"] for b in default} == {US}
    assert {b["actor"]["value"] for b in eu["results"]["bindings"]} == {"https://w3id.org/aigov/id/european-union"}


def test_canned_query_formats_and_post(client: Any) -> None:
    as_csv = client.get("/queries/actor-instruments", params={"format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows and {r["actor"] for r in rows} == {US}
    xml = client.get("/queries/actor-instruments", headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    by_json = client.post("/queries/actor-instruments", json={"actor": US})
    by_form = client.post("/queries/actor-instruments", data={"actor": US})
    assert by_json.status_code == by_form.status_code == 200
    assert by_json.json() == by_form.json() == client.get("/queries/actor-instruments").json()


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"actor": "not an iri"}, "parameter actor must be an IRI"),
        ({"actor": "https://w3id.org/aigov/id/united-states> } ; DROP ALL #"}, "parameter actor must be an IRI"),
        ({"actor": ""}, "parameter 'actor' is empty"),
        ({"nosuch": "x"}, "unknown parameter(s) for query actor-instruments: nosuch"),
        ({"format": "png"}, "unknown format 'png'"),
    ],
)
def test_bad_canned_parameters_are_400_naming_them(client: Any, params: dict[str, str], fragment: str) -> None:
    response = client.get("/queries/actor-instruments", params=params)
    assert response.status_code == 400
    assert fragment in response.text


def test_unknown_canned_query_is_404(client: Any) -> None:
    assert client.get("/queries/no-such-query").status_code == 404


def test_bad_post_bodies(client: Any) -> None:
    assert (
        client.post("/queries/actor-instruments", content=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    )
    assert client.post("/queries/actor-instruments", json=["x"]).status_code == 400
    assert client.post("/queries/actor-instruments", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415


# ---------------------------------------------------------------- Graph Store Protocol (read)


def test_gsp_get_a_paper_graph(client: Any, parse_rdf: Any) -> None:
    iri = paper_iri("lei-yu-2025")
    response = client.get("/rdf-graph-store", params={"graph": iri})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = parse_rdf(response.content, "turtle")
    count = client.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"}).json()
    assert len(graph) == int(count["results"]["bindings"][0]["n"]["value"])
    nt = client.get("/rdf-graph-store", params={"graph": iri}, headers={"Accept": "application/n-triples"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert len(parse_rdf(nt.content, "nt")) == len(graph)


def test_gsp_head_and_errors(client: Any) -> None:
    iri = paper_iri("lei-yu-2025")
    head = client.head("/rdf-graph-store", params={"graph": iri})
    assert head.status_code == 200 and head.content == b"" and head.headers["content-type"].startswith("text/turtle")
    assert client.get("/rdf-graph-store", params={"graph": "https://example.org/none"}).status_code == 404
    assert client.get("/rdf-graph-store").status_code == 400
    assert client.get("/rdf-graph-store", params={"graph": "not an iri"}).status_code == 400
    assert client.get("/rdf-graph-store", params={"graph": iri}, headers={"Accept": "image/png"}).status_code == 406


def test_gsp_default_graph_is_the_merge(client: Any, parse_rdf: Any) -> None:
    response = client.get("/rdf-graph-store", params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    count = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    assert len(parse_rdf(response.content, "nt")) == int(count["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- VoID


def test_void_counts_match_the_endpoint(client: Any, parse_rdf: Any, sources: dict[str, Any]) -> None:
    g = parse_rdf(client.get("/void").content, "turtle")
    dataset = URIRef("https://w3id.org/aigov/dataset")
    assert (dataset, RDF.type, VOID.Dataset) in g

    def count(query: str) -> int:
        return int(client.get("/sparql", params={"query": query}).json()["results"]["bindings"][0]["n"]["value"])

    assert g.value(dataset, VOID.triples) == Literal(count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert g.value(dataset, VOID.properties) == Literal(count("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"))
    subsets = {g.value(s, SD.name): s for s in g.objects(dataset, VOID.subset) if (s, RDF.type, VOID.Dataset) in g}
    lei_yu = URIRef(paper_iri("lei-yu-2025"))
    assert lei_yu in subsets
    in_graph = count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{lei_yu}> {{ ?s ?p ?o }} }}")
    assert g.value(subsets[lei_yu], VOID.triples) == Literal(in_graph)
    partitions = {g.value(p, VOID["class"]): g.value(p, VOID.entities) for p in g.objects(dataset, VOID.classPartition)}
    papers = count("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/aigov/ontology#Paper> }")
    assert partitions[URIRef("https://w3id.org/aigov/ontology#Paper")] == Literal(papers) == Literal(len(sources["papers"]))


# ---------------------------------------------------------------- API documentation pages


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_documentation_pages_load_nothing_from_elsewhere(client: Any, path: str) -> None:
    """Swagger UI and ReDoc work offline: every script, style sheet and icon comes from this server."""
    import re

    page = client.get(path)
    assert page.status_code == 200 and "/openapi.json" in page.text
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200 and len(response.content) > 1000, asset
