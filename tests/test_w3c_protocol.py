"""The W3C SPARQL 1.1 Protocol and Service Description test manifests, run over real HTTP.

The manifests (../shared/w3c, see its README) describe each request and the response expected
(status class, result format, ASK value). Each test runs against ``aigov serve --empty --allow-update``
started by the fixture, after the store is reset to the graphs the test names (``ut:graphData``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

W3C = Path(__file__).resolve().parents[1].parent / "shared" / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}


def w3c_dir() -> Path:
    if not W3C.is_dir():
        pytest.fail(f"W3C manifests not found at {W3C} (the ../shared/w3c folder beside the checkout)")
    return W3C


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected_status: frozenset[str]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    graph_data: tuple[tuple[Path, str], ...]  # (file, graph name)
    requests: tuple[HttpRequest, ...]


def load_protocol_tests() -> list[ProtocolTest]:
    folder = W3C / "protocol"
    if not folder.is_dir():
        return []
    g = Graph().parse(folder / "manifest.ttl", publicID=(folder / "manifest.ttl").as_uri())
    manifest = g.value(None, RDF.type, MF.Manifest)
    tests = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        data = []
        for item in g.objects(test, UT.graphData):
            data.append((Path(str(g.value(item, UT.graph)).removeprefix("file://")), str(g.value(item, RDFS.label))))
        requests = []
        for req in Collection(g, g.value(g.value(test, MF.action), HT.requests)):
            headers = {}
            if (hlist := g.value(req, HT.headers)) is not None:
                for h in Collection(g, hlist):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = None
            if (b := g.value(req, HT.body)) is not None:
                encoding = str(g.value(b, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(b, CNT.chars)).encode(encoding.lower())
            resp = g.value(req, HT.resp)
            boolean = g.value(resp, MF.expectedBoolean)
            fmt = g.value(resp, MF.expectedFormat)
            requests.append(
                HttpRequest(
                    method=str(g.value(req, HT.methodName)),
                    path=str(g.value(req, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    expected_status=frozenset(str(s).rsplit("#", 1)[1] for s in g.objects(resp, MF.expectedStatus)),
                    expected_format=str(fmt) if fmt is not None else None,
                    expected_boolean=bool(boolean.toPython()) if boolean is not None else None,
                )
            )
        tests.append(ProtocolTest(str(test).rsplit("#", 1)[1], tuple(data), tuple(requests)))
    return tests


PROTOCOL_TESTS = load_protocol_tests()


def test_the_protocol_manifest_has_34_tests() -> None:
    assert (w3c_dir() / "protocol" / "manifest.ttl").is_file()
    assert len(PROTOCOL_TESTS) == 34


@pytest.fixture(scope="module")
def writable_server(cli_server: Any) -> Iterator[str]:
    with cli_server("--empty", "--allow-update", "--workers", "1") as base:
        yield base


def reset(base: str, graph_data: tuple[tuple[Path, str], ...]) -> None:
    update = ["DROP ALL"]
    for path, name in graph_data:
        triples = (W3C / "protocol" / path.name).read_text(encoding="utf-8")
        update.append(f"INSERT DATA {{ GRAPH <{name}> {{ {triples} }} }}")
    response = httpx.post(
        base + "/sparql", content=" ;\n".join(update).encode(), headers={"Content-Type": "application/sparql-update"}
    )
    assert response.status_code == 204, response.text


def ask_value(response: httpx.Response) -> bool:
    media = response.headers["content-type"].split(";")[0]
    if media in ("application/sparql-results+json", "application/json"):
        return bool(json.loads(response.content)["boolean"])
    if media == "application/sparql-results+xml":
        node = ElementTree.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
        assert node is not None
        return node.text == "true"
    raise AssertionError(f"cannot read an ASK result from {media}")


@pytest.mark.parametrize("case", PROTOCOL_TESTS, ids=[t.name for t in PROTOCOL_TESTS])
def test_protocol(case: ProtocolTest, writable_server: str) -> None:
    reset(writable_server, case.graph_data)
    for req in case.requests:
        assert req.path.startswith("/sparql/")
        url = writable_server + "/sparql" + req.path[len("/sparql/") - 1 :]
        response = httpx.request(req.method, url, headers=req.headers, content=req.body, timeout=30)
        status_class = f"StatusCode{str(response.status_code)[0]}xx"
        assert status_class in req.expected_status, f"{response.status_code}: {response.text[:300]}"
        if response.status_code >= 400:
            assert response.text.strip(), "an error response must say what was wrong"
        media = response.headers.get("content-type", "").split(";")[0]
        if req.expected_format in ("boolean", "tabular"):
            assert media in RESULT_TYPES, media
        elif req.expected_format == "RDF":
            assert media in RDF_TYPES, media
        if req.expected_boolean is not None:
            assert ask_value(response) is req.expected_boolean


# ---------------------------------------------------------------- service description


def test_service_description_manifest_lists_three_tests() -> None:
    g = Graph().parse(w3c_dir() / "service-description" / "manifest.ttl")
    names = {str(o).rsplit("#", 1)[1] for o in Collection(g, g.value(g.value(None, RDF.type, MF.Manifest), MF.entries))}
    assert names == {"returns-rdf", "has-endpoint-triple", "conforms-to-schema"}


@pytest.fixture(scope="module")
def service_description(writable_server: str) -> tuple[httpx.Response, Graph]:
    response = httpx.get(writable_server + "/sparql", headers={"Accept": "text/turtle"})
    return response, Graph().parse(data=response.text, format="turtle")


def test_sd_returns_rdf(writable_server: str, parse_rdf: Any) -> None:
    for accept, fmt in [
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("", "turtle"),
    ]:
        response = httpx.get(writable_server + "/sparql", headers={"Accept": accept} if accept else {})
        assert response.status_code == 200
        assert len(parse_rdf(response.content, fmt)) > 0


def test_sd_has_endpoint_triple(writable_server: str, service_description: tuple[httpx.Response, Graph]) -> None:
    _, g = service_description
    assert (None, SD.endpoint, URIRef(writable_server + "/sparql")) in g


def test_sd_conforms_to_schema(service_description: tuple[httpx.Response, Graph]) -> None:
    """The constraints of the SD vocabulary's schema, checked on what the server returns."""
    _, g = service_description
    services = set(g.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    service = services.pop()
    languages = set(g.objects(service, SD.supportedLanguage))
    assert languages and languages <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
    assert SD.SPARQL11Update in languages  # the server was started with --allow-update
    assert all(
        isinstance(f, URIRef) and str(f).startswith("http://www.w3.org/ns/formats/") for f in g.objects(service, SD.resultFormat)
    )
    assert set(g.objects(service, SD.feature)) <= {
        SD.DereferencesURIs,
        SD.UnionDefaultGraph,
        SD.RequiresDataset,
        SD.EmptyGraphs,
        SD.BasicFederatedQuery,
    }
    for dataset in g.objects(service, SD.defaultDataset):
        assert (dataset, RDF.type, SD.Dataset) in g
        for graph in g.objects(dataset, SD.defaultGraph):
            assert (graph, RDF.type, SD.Graph) in g
        for named in g.objects(dataset, SD.namedGraph):
            assert (named, RDF.type, SD.NamedGraph) in g
            assert isinstance(g.value(named, SD.name), URIRef)


def test_read_only_server_describes_no_update(endpoint: str) -> None:
    g = Graph().parse(data=httpx.get(endpoint, headers={"Accept": "text/turtle"}).text, format="turtle")
    service = g.value(None, RDF.type, SD.Service)
    assert SD.SPARQL11Query in set(g.objects(service, SD.supportedLanguage))
    assert SD.SPARQL11Update not in set(g.objects(service, SD.supportedLanguage))
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    names = set(g.objects(None, SD.name))
    assert URIRef("https://w3id.org/aigov/graph/ontology") in names
