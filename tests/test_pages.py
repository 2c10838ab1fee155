"""Linked-data pages: every IRI of the graph dereferences, as HTML for browsers and RDF for RDF clients."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS

from aigovkg.namespaces import AIGOV, ID, paper_iri

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EO = "https://w3id.org/aigov/id/eo-14110"


def test_entity_page_for_a_browser(client: Any) -> None:
    response = client.get("/id/eo-14110", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "关于安全、可靠和可信地开发和使用人工智能的行政命令" in page  # zh label
    assert "Executive Order on the Safe, Secure, and Trustworthy Development and Use of Artificial Intelligence" in page
    assert 'href="/id/united-states"' in page  # a relation out, linked locally
    assert 'href="/id/paper/lei-yu-2025"' in page  # the paper that says it
    assert "2023 年 10 月" in page  # an evidence quote
    assert "<script" not in page  # a plain page: nothing loaded from anywhere


@pytest.mark.parametrize(
    "accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")]
)
def test_entity_as_rdf(client: Any, parse_rdf: Any, accept: str, fmt: str) -> None:
    response = client.get("/id/eo-14110", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = parse_rdf(response.content, fmt)
    assert (URIRef(EO), RDF.type, AIGOV.Instrument) in graph
    assert (URIRef(EO), AIGOV.issuedBy, ID["united-states"]) in graph
    assert (URIRef(paper_iri("lei-yu-2025")), URIRef("https://schema.org/mentions"), URIRef(EO)) in graph


def test_entity_as_trig_keeps_the_graph_of_each_statement(client: Any, parse_rdf: Any) -> None:
    dataset = parse_rdf(client.get("/id/eo-14110", params={"format": "trig"}).content, "trig")
    paper_graph = dataset.graph(URIRef(paper_iri("lei-yu-2025")))
    assert (URIRef(EO), AIGOV.issuedBy, ID["united-states"]) in paper_graph
    entities = dataset.graph(URIRef("https://w3id.org/aigov/graph/entities"))
    assert (URIRef(EO), RDF.type, AIGOV.Instrument) in entities


def test_evidence_span_includes_its_selectors(client: Any, parse_rdf: Any) -> None:
    query = "SELECT ?e WHERE { ?e a <https://w3id.org/aigov/ontology#Evidence> } LIMIT 1"
    span = client.get("/sparql", params={"query": query}).json()["results"]["bindings"][0]["e"]["value"]
    graph = parse_rdf(
        client.get(span.removeprefix("https://w3id.org/aigov"), headers={"Accept": "text/turtle"}).content, "turtle"
    )
    quote = URIRef(span + "#quote")
    assert (quote, URIRef("http://www.w3.org/ns/oa#exact"), None) in graph
    assert (URIRef(span + "#position"), URIRef("http://www.w3.org/ns/oa#start"), None) in graph


def test_vocab_and_paper_iris_dereference(client: Any) -> None:
    assert client.get("/vocab/stance/for", headers={"Accept": BROWSER}).status_code == 200
    page = client.get("/id/paper/lei-yu-2025", headers={"Accept": BROWSER}).text
    assert "全球人工智能治理中的联盟冲突与政策学习" in page


def test_unknown_iri_is_404_and_unacceptable_is_406(client: Any) -> None:
    assert client.get("/id/no-such-entity", headers={"Accept": BROWSER}).status_code == 404
    assert client.get("/id/no-such-entity", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/eo-14110", headers={"Accept": "image/png"}).status_code == 406


def test_ontology_page_lists_every_term(client: Any, parse_rdf: Any) -> None:
    page = client.get("/ontology", headers={"Accept": BROWSER}).text
    graph = parse_rdf(client.get("/ontology", headers={"Accept": "text/turtle"}).content, "turtle")
    terms = {
        str(t).rsplit("#", 1)[1]
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in graph.subjects(RDF.type, kind)
        if str(t).startswith(str(AIGOV))
    }
    assert len(terms) > 100
    assert all(f'id="{t}"' in page for t in terms)
    assert {label.language for label in graph.objects(AIGOV.Coalition, RDFS.label)} == {"zh", "en"}


def test_dataset_iri_redirects_to_void(client: Any) -> None:
    response = client.get("/dataset", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/void"
