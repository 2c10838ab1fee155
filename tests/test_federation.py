"""Federation with Wikidata: the federated canned queries (tag ``federated``), the SERVICE allow-list and
``aigov serve --service-alias``, against a local stand-in for Wikidata's endpoint.

The stand-in is our own server, ``aigov serve --dataset tests/fixtures/wikidata-standin.ttl`` (made-up
items in Wikidata's shape); the endpoint under test serves the query fixture (``tests/fixtures/queries/``,
with its made-up Wikidata links) and is started as a user would start it::

    aigov serve --service-allow https://query.wikidata.org/sparql \\
        --service-alias https://query.wikidata.org/sparql=http://127.0.0.1:PORT/sparql

No test here reaches the real Wikidata. The expected rows are the golden files the in-process tests of
tests/test_queries.py also use (``tests/golden/wikidata-*.json``, derived by hand from both fixtures).
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from aigovkg.compiler import Compiler, instance_files
from aigovkg.dataset import canonical_quads
from aigovkg.export import serialize
from aigovkg.namespaces import ONTOLOGY_GRAPH
from aigovkg.ontology import OntologyIndex, load_ontology_graph
from aigovkg.queries import load_queries
from aigovkg.sparqltext import rewrite_services, service_targets

from .conftest import free_port
from .test_queries import FIXTURE_DIR, WIKIDATA_STANDIN, compact, load_golden

WIKIDATA = "https://query.wikidata.org/sparql"
QUERIES = load_queries()
FEDERATED = sorted(qid for qid, q in QUERIES.items() if "federated" in q.tags)
PREFIXES = "PREFIX wd: <http://www.wikidata.org/entity/>\nPREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"

Rows = list[dict[str, str | None]]


def rows_of(response: httpx.Response) -> Rows:
    """SPARQL JSON results as rows of N-Triples terms, written like the golden files (``compact``)."""
    assert response.status_code == 200, response.text
    results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    return [{n: compact(None if s[n] is None else str(s[n])) for n in names} for s in results]


def sparql(base: str, query: str) -> httpx.Response:
    return httpx.post(base + "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=60)


# -- servers ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def standin(cli_server: Callable[..., Any]) -> Iterator[str]:
    """The stand-in for Wikidata (no SERVICE allowed: it is also the server without an allow-list)."""
    with cli_server("--dataset", str(WIKIDATA_STANDIN), "--workers", "1") as base:
        yield base


@pytest.fixture(scope="module")
def fixture_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The query fixture compiled alone, with the ontology, as an N-Quads file for ``aigov serve --dataset``."""
    index = OntologyIndex(load_ontology_graph())
    compilation = Compiler(index).compile(instance_files(FIXTURE_DIR))
    assert not compilation.errors, "\n".join(map(str, compilation.errors))
    path = tmp_path_factory.mktemp("federation") / "fixture.nq"
    path.write_bytes(serialize(canonical_quads(index.graph, ONTOLOGY_GRAPH) + compilation.quads, "nquads"))
    return path


@pytest.fixture(scope="module")
def federated(cli_server: Callable[..., Any], standin: str, fixture_dataset: Path) -> Iterator[str]:
    """The endpoint under test: the fixture, SERVICE to Wikidata allowed and sent to the stand-in."""
    with cli_server(
        "--dataset",
        str(fixture_dataset),
        "--workers",
        "1",
        "--service-allow",
        WIKIDATA,
        "--service-alias",
        f"{WIKIDATA}={standin}/sparql",
    ) as base:
        yield base


# -- the federated canned queries -------------------------------------------------------------------


def test_federated_queries_are_the_queries_that_call_service() -> None:
    assert FEDERATED, "no canned query is tagged 'federated'"
    calling = sorted(qid for qid, q in QUERIES.items() if service_targets(q.text))
    assert calling == FEDERATED, "a canned query calls SERVICE exactly when it is tagged 'federated'"
    for qid in FEDERATED:
        assert set(service_targets(QUERIES[qid].text)) == {WIKIDATA}, f"{qid} calls an endpoint this test has no stand-in for"


@pytest.mark.parametrize("qid", FEDERATED)
def test_federated_canned_query_gives_the_joined_rows(federated: str, qid: str) -> None:
    golden = load_golden(qid)
    expected = [{k: compact(v) for k, v in row.items()} for row in golden["rows"]]
    got = rows_of(httpx.get(f"{federated}/queries/{qid}", params=golden.get("bindings") or {}, timeout=60))
    # These goldens have no two rows equal on all the ORDER BY keys, so the order is fully determined.
    assert got == expected


def test_federated_canned_query_on_a_server_without_the_allow_list_is_refused(standin: str) -> None:
    response = httpx.get(f"{standin}/queries/{FEDERATED[0]}", timeout=60)
    assert response.status_code == 403
    assert f"SERVICE <{WIKIDATA}> is not on this server's allow-list (allowed: none)" in response.text
    assert "--service-allow" in response.text


# -- the allow-list and the alias ---------------------------------------------------------------------


def test_service_to_a_host_not_allowed_is_refused_naming_it(federated: str) -> None:
    response = sparql(federated, "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }")
    assert response.status_code == 403
    assert "<http://evil.example/sparql>" in response.text and f"allowed: {WIKIDATA}" in response.text


def test_the_allow_list_reads_the_iri_written_not_the_alias(federated: str, standin: str) -> None:
    response = sparql(federated, f"SELECT * WHERE {{ SERVICE <{standin}/sparql> {{ ?s ?p ?o }} }}")
    assert response.status_code == 403
    assert f"<{standin}/sparql> is not on this server's allow-list" in response.text


def test_prefixed_service_target_goes_to_the_alias(federated: str) -> None:
    query = PREFIXES + (
        "PREFIX wdqs: <https://query.wikidata.org/>\n"
        "SELECT ?population WHERE { SERVICE SILENT wdqs:sparql { wd:Q900000001 wdt:P1082 ?population } }"
    )
    assert rows_of(sparql(federated, query)) == [{"population": '"5400000"^^xsd:decimal'}]


def test_iris_in_strings_and_comments_reach_the_engine_unchanged(federated: str) -> None:
    query = (
        PREFIXES + f"SELECT ?population ?note WHERE {{\n  SERVICE <{WIKIDATA}> {{ wd:Q900000001 wdt:P1082 ?population }}\n"
        f'  BIND ("SERVICE <{WIKIDATA}> {{ }}" AS ?note)  # SERVICE <{WIKIDATA}>\n}}'
    )
    assert rows_of(sparql(federated, query)) == [
        {"population": '"5400000"^^xsd:decimal', "note": f'"SERVICE <{WIKIDATA}> {{ }}"'}
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # an IRI target; the same IRI in a string, a triple pattern and a comment stays
            'SELECT * { SERVICE <http://a/s> { ?x <http://a/s> "<http://a/s>" } } # SERVICE <http://a/s>',
            'SELECT * { SERVICE <http://b/s> { ?x <http://a/s> "<http://a/s>" } } # SERVICE <http://a/s>',
        ),
        (  # a prefixed-name target, SILENT, lower case; the PREFIX line and other uses of the name stay
            "PREFIX a: <http://a/>\nselect * { service silent a:s { ?x a:s ?o } }",
            "PREFIX a: <http://a/>\nselect * { service silent <http://b/s> { ?x a:s ?o } }",
        ),
        (  # two calls, one aliased; long strings and single quotes holding the word SERVICE
            "SELECT * { SERVICE <http://a/s> { ?x ?p '''SERVICE <http://a/s>''' } SERVICE <http://c/s> { ?x ?q 'SERVICE' } }",
            "SELECT * { SERVICE <http://b/s> { ?x ?p '''SERVICE <http://a/s>''' } SERVICE <http://c/s> { ?x ?q 'SERVICE' } }",
        ),
        (  # a variable target and an unknown prefix are left alone (the allow-list refuses them)
            "SELECT * { SERVICE ?e { ?x ?p ?o } SERVICE z:s { ?x ?p ?o } }",
            "SELECT * { SERVICE ?e { ?x ?p ?o } SERVICE z:s { ?x ?p ?o } }",
        ),
        (  # a service named in a string only: nothing to do
            'SELECT * { ?x ?p "SERVICE <http://a/s> { }" }',
            'SELECT * { ?x ?p "SERVICE <http://a/s> { }" }',
        ),
    ],
)
def test_rewrite_services_changes_only_service_targets(text: str, expected: str) -> None:
    assert rewrite_services(text, {"http://a/s": "http://b/s"}) == expected


def test_rewrite_services_without_aliases_returns_the_text() -> None:
    text = "SELECT * { SERVICE <http://a/s> { ?x ?p ?o } }"
    assert rewrite_services(text, {}) is text


# -- startup errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--service-alias", f"{WIKIDATA}=http://127.0.0.1:7001/sparql"],
            f"the IRI is not on the SERVICE allow-list; add --service-allow {WIKIDATA} (allowed: none)",
        ),
        (
            ["--service-allow", "http://other.example/sparql", "--service-alias", f"{WIKIDATA}=http://127.0.0.1:7001/sparql"],
            "(allowed: http://other.example/sparql)",
        ),
        (
            ["--service-allow", WIKIDATA, "--service-alias", f"{WIKIDATA}=ftp://mirror.example/"],
            "must be an http:// or https:// URL",
        ),
        (["--service-allow", WIKIDATA, "--service-alias", "no-equals-sign"], "expected IRI=URL"),
    ],
)
def test_bad_alias_fails_at_startup(
    aigov: Callable[..., subprocess.CompletedProcess[bytes]], args: list[str], message: str
) -> None:
    done = aigov("serve", "--empty", "-q", "--port", str(free_port()), *args, timeout=120)
    assert done.returncode == 2, done.stderr.decode()
    assert "aigov serve: error: --service-alias" in done.stderr.decode()
    assert message in done.stderr.decode()


# -- a stand-in that is not there ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung remote endpoint)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def stranded(cli_server: Callable[..., Any], fixture_dataset: Path, silent_port: int) -> Iterator[str]:
    """Wikidata aliased to a port nothing listens on; a second allowed endpoint aliased to a port that never answers."""
    hung = "http://hung.example/sparql"
    with cli_server(
        "--dataset",
        str(fixture_dataset),
        "--timeout",
        "3",
        "--service-allow",
        WIKIDATA,
        "--service-alias",
        f"{WIKIDATA}=http://127.0.0.1:{free_port()}/sparql",
        "--service-allow",
        hung,
        "--service-alias",
        f"{hung}=http://127.0.0.1:{silent_port}/sparql",
    ) as base:
        yield base


def test_unreachable_wikidata_gives_a_clear_error(stranded: str) -> None:
    started = time.monotonic()
    response = httpx.get(f"{stranded}/queries/{FEDERATED[0]}", timeout=60)
    assert time.monotonic() - started < 10
    assert response.status_code == 500
    assert "Connection refused" in response.text
    assert f"this query calls SERVICE <{WIKIDATA}>: the remote endpoint may be unreachable" in response.text
    assert "127.0.0.1" not in response.text, "the error names the IRI the query wrote, not the alias URL"


def test_remote_endpoint_that_never_answers_is_stopped_at_the_time_limit(stranded: str) -> None:
    started = time.monotonic()
    response = sparql(stranded, "SELECT * WHERE { SERVICE <http://hung.example/sparql> { ?s ?p ?o } }")
    assert time.monotonic() - started < 15
    assert response.status_code == 503
    assert "limit of 3 s" in response.text
    assert httpx.get(f"{stranded}/health", timeout=10).status_code == 200


@pytest.mark.parametrize("keyword", ["\\u0053ERVICE", "S\\u0045RVICE", "SERVIC\\u0045"])
def test_a_service_keyword_in_codepoint_escapes_is_not_executed(keyword: str) -> None:
    """The allow-list check skips the lexer when the text has no "service": safe only because pyoxigraph
    refuses a keyword spelt with \\u escapes (else this would reach a host that is not allow-listed)."""
    import pyoxigraph as ox

    from aigovkg.sparqltext import service_targets

    text = "SELECT * { " + keyword + " <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    assert service_targets(text) == []
    with pytest.raises(SyntaxError):
        ox.Store().query(text)
