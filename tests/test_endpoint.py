"""The SPARQL endpoint over the real built data: in process (TestClient) and over HTTP (uvicorn + SPARQLWrapper)."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper

from aigovkg.namespaces import AIGOV, ONTOLOGY_GRAPH, paper_iri

PREFIXES = "PREFIX aigov: <https://w3id.org/aigov/ontology#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
COUNT_PAPERS = PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a aigov:Paper }"
ZH_TITLES = PREFIXES + 'SELECT ?paper ?title WHERE { ?paper a aigov:Paper ; dcterms:title ?title FILTER(lang(?title) = "zh") }'
PAPER_RECORDS = PREFIXES + "CONSTRUCT { ?p ?pred ?o } WHERE { ?p a aigov:Paper ; ?pred ?o }"
SPARQL_QUERY = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"


def zh_titles(sources: dict[str, Any]) -> dict[str, str]:
    """Paper IRI -> Chinese title, for the papers that have one."""
    titles = {paper_iri(key): record.get("title", {}).get("zh") for key, record in sources["papers"].items()}
    return {iri: title for iri, title in titles.items() if title}


def paper_iris(sources: dict[str, Any]) -> set[URIRef]:
    return {URIRef(paper_iri(key)) for key in sources["papers"]}


def ask_paper(key: str) -> str:
    return PREFIXES + f"ASK {{ <{paper_iri(key)}> a aigov:Paper }}"


# ---------------------------------------------------------------- in process


def test_select_json_default(client: Any, sources: dict[str, Any]) -> None:
    response = client.get("/sparql", params={"query": COUNT_PAPERS})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    data = response.json()
    assert data["head"]["vars"] == ["n"]
    assert int(data["results"]["bindings"][0]["n"]["value"]) == len(sources["papers"])


def test_default_graph_is_the_union(client: Any) -> None:
    """Plain patterns see every named graph; GRAPH names them."""
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = {b["g"]["value"] for b in client.get("/sparql", params={"query": query}).json()["results"]["bindings"]}
    assert {
        str(ONTOLOGY_GRAPH),
        "https://w3id.org/aigov/graph/sources",
        "https://w3id.org/aigov/graph/entities",
        "https://w3id.org/aigov/graph/inferred",
    } <= graphs
    ask = "ASK { <https://w3id.org/aigov/ontology#Paper> a <http://www.w3.org/2002/07/owl#Class> }"
    assert client.get("/sparql", params={"query": ask}).json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    "accept, media",
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_select_negotiation(client: Any, accept: str, media: str, sources: dict[str, Any]) -> None:
    response = client.get("/sparql", params={"query": ZH_TITLES}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert {v.strip() for v in response.headers["vary"].split(",")} == {"Accept", "Origin"}  # Origin: CORS
    titles = zh_titles(sources).values()
    assert titles
    for title in titles:
        assert title in response.text  # UTF-8 all the way through


def test_ask(client: Any, sources: dict[str, Any]) -> None:
    key = next(iter(sources["papers"]))
    assert client.get("/sparql", params={"query": ask_paper(key)}).json()["boolean"] is True
    assert client.get("/sparql", params={"query": ask_paper("no-such-paper")}).json()["boolean"] is False
    xml = client.get("/sparql", params={"query": ask_paper(key)}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in xml.text


@pytest.mark.parametrize(
    "accept, media, rdflib_format",
    [
        ("", "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_construct_formats(
    client: Any, sources: dict[str, Any], parse_rdf: Any, accept: str, media: str, rdflib_format: str
) -> None:
    response = client.get("/sparql", params={"query": PAPER_RECORDS}, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    graph = parse_rdf(response.content, rdflib_format)
    assert set(graph.subjects(RDF.type, AIGOV.Paper)) == paper_iris(sources)


def test_post_form(client: Any, sources: dict[str, Any]) -> None:
    response = client.post("/sparql", data={"query": COUNT_PAPERS}, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    assert list(csv.reader(io.StringIO(response.text))) == [["n"], [str(len(sources["papers"]))]]


def test_post_direct(client: Any, sources: dict[str, Any]) -> None:
    response = client.post(
        "/sparql", content=ZH_TITLES.encode("utf-8"), headers={"Content-Type": f"{SPARQL_QUERY}; charset=utf-8"}
    )
    assert response.status_code == 200, response.text
    got = {b["paper"]["value"]: b["title"]["value"] for b in response.json()["results"]["bindings"]}
    assert got == zh_titles(sources)


def test_syntax_error_is_400_with_the_message(client: Any) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("SPARQL syntax error: ")
    assert "1:" in response.text  # the position of the error


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "params": {"query": "  "}},
        {"method": "POST", "data": {"other": "x"}},
        {"method": "POST", "content": b"", "headers": {"Content-Type": SPARQL_QUERY}},
    ],
)
def test_missing_query_is_400(client: Any, request_args: dict[str, Any]) -> None:
    response = client.request(url="/sparql", **request_args)
    assert response.status_code == 400
    assert "missing 'query'" in response.text


def test_update_is_refused(client: Any) -> None:
    response = client.post("/sparql", data={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert response.status_code == 400
    assert client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}).json()["boolean"] is False


@pytest.mark.parametrize("query", [COUNT_PAPERS, PAPER_RECORDS])
def test_not_acceptable_is_406(client: Any, query: str) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "not acceptable" in response.text


def test_wrong_post_content_type_is_415(client: Any) -> None:
    response = client.post("/sparql", content=COUNT_PAPERS, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert SPARQL_QUERY in response.text and FORM in response.text


@pytest.mark.parametrize(
    "content_type, body",
    [
        (SPARQL_QUERY, b"SELECT * WHERE { ?s ?p \xff }"),
        (FORM, b"query=SELECT%20%2A%20WHERE%20%7B%20%3Fs%20%3Fp%20%FF%20%7D"),
        (FORM, b"query=SELECT \xff"),
    ],
)
def test_non_utf8_body_is_400(client: Any, content_type: str, body: bytes) -> None:
    response = client.post("/sparql", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert "not valid UTF-8" in response.text


def test_negotiate_doctests() -> None:
    import doctest

    import aigovkg.results

    result = doctest.testmod(aigovkg.results)
    assert result.attempted and not result.failed


def test_health(client: Any, store: Any) -> None:
    assert client.get("/health").json() == {"status": "ok", "quads": len(store), "writable": False}


# ---------------------------------------------------------------- over HTTP


def wrapper(endpoint: str, query: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if method == POST:
        sparql.setMethod(POST)
    elif method == POSTDIRECTLY:
        sparql.setMethod(POST)
        sparql.setRequestMethod(POSTDIRECTLY)
    return sparql


def test_http_select_json(endpoint: str, sources: dict[str, Any]) -> None:
    result = wrapper(endpoint, ZH_TITLES, JSON).queryAndConvert()
    assert isinstance(result, dict)
    assert {b["paper"]["value"]: b["title"]["value"] for b in result["results"]["bindings"]} == zh_titles(sources)


def test_http_select_xml(endpoint: str, sources: dict[str, Any]) -> None:
    document = wrapper(endpoint, COUNT_PAPERS, XML).queryAndConvert()
    assert isinstance(document, Document)
    literal = document.getElementsByTagName("literal")[0]
    assert int(literal.firstChild.data) == len(sources["papers"])  # type: ignore[union-attr]


def test_http_select_csv(endpoint: str, sources: dict[str, Any]) -> None:
    raw = wrapper(endpoint, ZH_TITLES, CSV).queryAndConvert()
    assert isinstance(raw, bytes)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == ["paper", "title"]
    assert dict(rows[1:]) == zh_titles(sources)


def test_http_ask(endpoint: str, sources: dict[str, Any]) -> None:
    key = next(iter(sources["papers"]))
    for paper, expected in ((key, True), ("no-such-paper", False)):
        result = wrapper(endpoint, ask_paper(paper), JSON).queryAndConvert()
        assert isinstance(result, dict) and result["boolean"] is expected


def test_http_construct_turtle(endpoint: str, sources: dict[str, Any]) -> None:
    sparql = wrapper(endpoint, PAPER_RECORDS, TURTLE)
    response = sparql.query()
    assert response.info()["content-type"].startswith("text/turtle")
    raw = response.convert()
    assert isinstance(raw, bytes)
    graph = Graph().parse(data=raw, format="turtle")
    assert set(graph.subjects(RDF.type, AIGOV.Paper)) == paper_iris(sources)


@pytest.mark.parametrize("method", [POST, POSTDIRECTLY])
def test_http_post(endpoint: str, sources: dict[str, Any], method: str) -> None:
    result = wrapper(endpoint, COUNT_PAPERS, JSON, method).queryAndConvert()
    assert isinstance(result, dict)
    assert int(result["results"]["bindings"][0]["n"]["value"]) == len(sources["papers"])


def test_http_errors(endpoint: str) -> None:
    """Status codes and messages over a real socket (plain urllib: SPARQLWrapper hides the body)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    def status(request: urllib.request.Request) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    bad = urllib.request.Request(endpoint + "?" + urllib.parse.urlencode({"query": "SELECT ?s WHERE {"}))
    code, text = status(bad)
    assert code == 400 and text.startswith("SPARQL syntax error: ")
    png = urllib.request.Request(
        endpoint + "?" + urllib.parse.urlencode({"query": COUNT_PAPERS}), headers={"Accept": "image/png"}
    )
    assert status(png)[0] == 406
    plain = urllib.request.Request(endpoint, data=COUNT_PAPERS.encode(), headers={"Content-Type": "text/plain"})
    assert status(plain)[0] == 415
    code, text = status(urllib.request.Request(endpoint.removesuffix("sparql") + "health"))
    assert code == 200 and json.loads(text)["status"] == "ok"


def test_http_slow_query_does_not_block_the_server(endpoint: str) -> None:
    """A query runs in a worker thread: other requests are answered while it is evaluated."""
    import threading
    import urllib.parse
    import urllib.request

    slow = (
        "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } LIMIT 8000 } "
        "{ SELECT ?d WHERE { ?d ?e ?f } LIMIT 8000 } }"
    )
    results: list[bytes] = []

    def run_slow() -> None:
        url = endpoint + "?" + urllib.parse.urlencode({"query": slow})
        with urllib.request.urlopen(url, timeout=120) as response:
            results.append(response.read())

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.2)  # let the slow query reach the server
    health = endpoint.removesuffix("sparql") + "health"
    started = time.perf_counter()
    with urllib.request.urlopen(health, timeout=30) as response:
        assert response.status == 200
    answered_in = time.perf_counter() - started
    still_running = thread.is_alive()
    thread.join(timeout=120)
    assert results and json.loads(results[0])["results"]["bindings"][0]["n"]["value"] == str(8000 * 8000)
    assert answered_in < 1.0, f"/health took {answered_in:.2f}s while a query ran: the event loop was blocked"
    assert still_running, "the slow query finished before /health was answered: make it slower"
