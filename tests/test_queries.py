"""The canned queries (``queries/*.rq``): every query is its own set of tests.

The tests are parametrized over the query files ``load_queries()`` reads (one parameter per ``*.rq`` file
in ``data_dir("queries")``), so a new query is covered as soon as its file exists. For each query:

1. it parses (pyoxigraph and rdflib) and its ``#+`` header has a summary and a description;
2. every ``aigov:`` term it names is declared by the ontology (an ``owl:Class``, ``owl:ObjectProperty`` or
   ``owl:DatatypeProperty``), and it uses no prefix it does not declare;
3. it gives its golden results (``tests/golden/<id>.json``, written by hand) over the fixture dataset
   (``tests/fixtures/queries/``, compiled alone by the real compiler and loaded with the ontology);
   a query without a golden file fails;
4. it returns at least one row over the shipped data (built with reasoning, by ``conftest.py``);
5. its parameters cannot be used to inject SPARQL, and unknown parameter names are refused.

A federated query (tag ``federated``, ``SERVICE <https://query.wikidata.org/sparql>``) takes every one of
these tests too, with its SERVICE calls sent to a local Wikidata stand-in (``tests/fixtures/
wikidata-standin.ttl`` served by ``aigov serve``; see the ``query`` fixture): nothing here reaches the real
Wikidata, and no federated query passes without running. Over the shipped data such a query must also send
at least one linked entity to Wikidata. tests/test_federation.py runs the same queries through the
endpoint (allow-list and ``--service-alias``).

How results are compared
------------------------
A row is a dict from each SELECT variable to the N-Triples form of its value (``None`` when unbound), with
the IRIs of a few namespaces written as CURIEs (``GOLDEN_PREFIXES``; see ``tests/golden/README.md``).

Rows are compared as multisets: the same rows, each as many times. For a query with ORDER BY this is not
enough, and comparing the two lists element by element is too much: rows that tie on every ORDER BY key
(the same date stated by two papers) may come back in any order. So the order is checked on the ORDER BY
keys only: both lists are projected onto the variables the ORDER BY clause reads, and the two projected
sequences must be equal. Together with the multiset check this says exactly "the engine's rows are the
golden rows, in an order the ORDER BY allows, the golden file listing them in one such order". (A key that
is an expression, ``STR(?date)``, is compared through its variable, which is finer; that can only matter
if the fixture held two distinct terms with equal keys, which it does not.)
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.paths import Path as RdflibPath
from rdflib.plugins.sparql import prepareQuery

from aigovkg.compiler import Compiler, instance_files
from aigovkg.dataset import canonical_quads
from aigovkg.namespaces import AIGOV, ID, ONTOLOGY_GRAPH, PAPER, PREFIXES, VOCAB
from aigovkg.ontology import OntologyIndex, load_ontology_graph
from aigovkg.paths import data_dir
from aigovkg.queries import CannedQuery, load_queries, parse_query_file
from aigovkg.sparqltext import rewrite_services, service_targets
from aigovkg.store import OxigraphStore

TESTS = Path(__file__).resolve().parent
FIXTURE_DIR = TESTS / "fixtures" / "queries"
GOLDEN_DIR = TESTS / "golden"
QUERY_FILES = {path.stem: path for path in sorted(data_dir("queries").glob("*.rq"))}
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
WIKIDATA_STANDIN = TESTS / "fixtures" / "wikidata-standin.ttl"

# CURIEs the golden files may use (the longest matching namespace wins: paper: before aid:).
GOLDEN_PREFIXES = {
    "aigov": str(AIGOV),
    "paper": str(PAPER),
    "aid": str(ID),
    "vocab": VOCAB,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

HOSTILE_IRI = "https://w3id.org/aigov/id/x> } ; DROP ALL ; SELECT * { <y"
HOSTILE_VALID_IRI = "https://w3id.org/aigov/id/x%3E%20%7D%20;%20DROP%20ALL%20;%20SELECT%20*%20%7B%20%3Cy"
HOSTILE_LITERAL = 'x" } ; DROP ALL ; SELECT * { ?s ?p "y\\" } #'

Row = dict[str, str | None]


# -- helpers --------------------------------------------------------------------------------------


def _curie(iri: str) -> str:
    for prefix, ns in sorted(GOLDEN_PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def compact(text: str | None) -> str | None:
    """A term's N-Triples form with the golden prefixes applied to an IRI or a literal's datatype.

    >>> compact("<https://w3id.org/aigov/id/paper/lei-yu-2025>")
    'paper:lei-yu-2025'
    >>> compact('"2024-02"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>')
    '"2024-02"^^xsd:gYearMonth'
    >>> compact('"<https://w3id.org/aigov/id/x>"@en'), compact("aid:x"), compact(None)
    ('"<https://w3id.org/aigov/id/x>"@en', 'aid:x', None)
    """
    if text is None:
        return None
    if text.startswith("<") and text.endswith(">"):
        return _curie(text[1:-1])
    typed = re.fullmatch(r'(".*")\^\^<([^<>]*)>', text, re.S)
    if typed:
        return f"{typed[1]}^^{_curie(typed[2])}"
    return text


def strip_comments(sparql: str) -> str:
    """The query without its ``#`` comments (a ``#`` inside an IRI or a string is kept).

    >>> strip_comments('#+ summary: x\\nPREFIX a: <http://x#> # note\\nSELECT ?s { ?s a "#1" }')
    '\\nPREFIX a: <http://x#> \\nSELECT ?s { ?s a "#1" }'
    """
    iri_token = re.compile(r"<[^\s<>\"{}|^`\\]*>")
    lines = []
    for line in sparql.splitlines():
        i, quote = 0, ""
        while i < len(line):
            ch = line[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "<" and (match := iri_token.match(line, i)):
                i = match.end() - 1
            elif ch == "#":
                line = line[:i]
                break
            i += 1
        lines.append(line)
    return "\n".join(lines)


def without_iris_and_strings(sparql: str) -> str:
    return re.sub(r"<[^\s<>\"{}|^`\\]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", " ", sparql)


def declared_prefixes(body: str) -> dict[str, str]:
    return {m[1]: m[2] for m in re.finditer(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", body, re.I)}


def used_prefixes(body: str) -> set[str]:
    """Prefixes of the prefixed names in the query (PREFIX lines, IRIs and strings left out)."""
    text = without_iris_and_strings(re.sub(r"\bPREFIX\s+[\w.-]*:", " ", body, flags=re.I))
    return {m[1] for m in re.finditer(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:(?=[\w%])", text)}


def algebra_iris(node: Any, found: set[URIRef] | None = None) -> set[URIRef]:
    """Every IRI in rdflib's algebra of a query (triple patterns, paths, VALUES, FILTERs, ORDER BY)."""
    found = set() if found is None else found
    if isinstance(node, URIRef):
        found.add(node)
    elif isinstance(node, str):  # literals, variables, names
        pass
    elif isinstance(node, dict):
        for key, value in node.items():
            algebra_iris(key, found)
            algebra_iris(value, found)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for item in node:
            algebra_iris(item, found)
    elif isinstance(node, RdflibPath):
        algebra_iris(list(vars(node).values()), found)
    return found


def order_variables(query: CannedQuery) -> list[str]:
    """The variables the ORDER BY clause reads, in order of appearance."""
    body = strip_comments(query.text)
    clause = re.search(r"\bORDER\s+BY\b(.*?)(?=\bLIMIT\b|\bOFFSET\b|\Z)", body, re.I | re.S)
    assert clause, f"query {query.id} has no ORDER BY clause"
    return list(dict.fromkeys(re.findall(r"[?$](\w+)", clause[1])))


def run(store: OxigraphStore, query: CannedQuery, values: dict[str, str] | None = None) -> tuple[list[str], list[Row]]:
    result = store.query(query.text, query.bindings(values))
    variables = [v.value for v in result.variables]
    rows = [{name: compact(None if solution[name] is None else str(solution[name])) for name in variables} for solution in result]
    return variables, rows


def row_key(row: Row, variables: Iterable[str]) -> tuple[str | None, ...]:
    return tuple(row[v] for v in variables)


def show(rows: Iterable[Row]) -> str:
    return "\n".join("  " + json.dumps(row, ensure_ascii=False) for row in rows) or "  (none)"


def load_golden(query_id: str) -> dict[str, Any]:
    path = GOLDEN_DIR / f"{query_id}.json"
    if not path.is_file():
        pytest.fail(
            f"query {query_id} has no golden results: add tests/golden/{query_id}.json, its rows derived by hand "
            "from tests/fixtures/queries/ (format: tests/golden/README.md)"
        )
    golden = json.loads(path.read_text(encoding="utf-8"))
    assert golden.get("query") == query_id, f"{path.name}: 'query' must be {query_id!r}"
    assert isinstance(golden.get("rows"), list) and golden["rows"], f"{path.name}: 'rows' must list at least one row"
    return golden


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology_index() -> OntologyIndex:
    return OntologyIndex(load_ontology_graph())


@pytest.fixture(scope="module")
def fixture_store(ontology_index: OntologyIndex) -> OxigraphStore:
    """The fixture sources compiled alone, with the ontology graph (the queries walk rdfs:subPropertyOf*)."""
    compilation = Compiler(ontology_index).compile(instance_files(FIXTURE_DIR))
    if compilation.errors:
        pytest.fail("the query fixture does not compile:\n" + "\n".join(map(str, compilation.errors)))
    return OxigraphStore(canonical_quads(ontology_index.graph, ONTOLOGY_GRAPH) + compilation.quads)


@pytest.fixture(scope="module")
def wikidata_standin(cli_server: Callable[..., Any]) -> Iterator[str]:
    """The /sparql URL of a local stand-in for Wikidata's endpoint: ``aigov serve`` over a made-up fixture."""
    with cli_server("--dataset", str(WIKIDATA_STANDIN), "--workers", "1") as base:
        yield base + "/sparql"


@pytest.fixture(params=sorted(QUERY_FILES))
def query(request: pytest.FixtureRequest) -> CannedQuery:
    """One canned query, parsed from its file (a broken header fails this query's tests only).

    A federated query comes with its SERVICE calls to Wikidata sent to the stand-in (``wikidata_standin``),
    rewritten by the endpoint's own ``rewrite_services``; a SERVICE to any other endpoint has no stand-in
    and fails here.
    """
    parsed = parse_query_file(QUERY_FILES[request.param])
    targets = set(service_targets(parsed.text))
    if not targets and "federated" not in parsed.tags:
        return parsed
    assert "federated" in parsed.tags, f"{parsed.id} calls SERVICE {sorted(map(str, targets))}: tag it 'federated'"
    assert targets == {WIKIDATA_SPARQL}, (
        f"{parsed.id}: a federated query calls SERVICE <{WIKIDATA_SPARQL}> (the endpoint with a stand-in here), "
        f"not {sorted(map(str, targets))}"
    )
    standin = request.getfixturevalue("wikidata_standin")
    return replace(parsed, text=rewrite_services(parsed.text, {WIKIDATA_SPARQL: standin}))


# -- the set of queries ---------------------------------------------------------------------------


def test_queries_are_found() -> None:
    assert QUERY_FILES, f"no *.rq file in {data_dir('queries')}"
    assert sorted(load_queries()) == sorted(QUERY_FILES)


def test_every_golden_file_has_a_query() -> None:
    stale = sorted(p.name for p in GOLDEN_DIR.glob("*.json") if p.stem not in QUERY_FILES)
    assert not stale, f"golden files without a query in queries/: {stale}"


# -- 1. parsing and header ------------------------------------------------------------------------


def test_parses_and_has_header(query: CannedQuery) -> None:
    assert query.summary.strip() and query.description.strip(), "the #+ header needs summary and description"
    assert "\n" not in query.summary, "the summary is one line"
    # pyoxigraph (the engine): parse and run with the defaults bound, on an empty store.
    empty = ox.Store().query(query.text, substitutions={ox.Variable(k): v for k, v in query.bindings().items()})
    assert isinstance(empty, ox.QuerySolutions), "a canned query is a SELECT query"
    assert list(empty) == []
    # rdflib: an independent parser.
    prepareQuery(query.text)
    body = strip_comments(query.text)
    for parameter in query.parameters:
        assert re.search(rf"[?$]{re.escape(parameter.name)}\b", body), (
            f"parameter {parameter.name} (under defaults) is not a variable of the query"
        )


# -- 2. terms and prefixes ----------------------------------------------------------------------


def test_uses_only_declared_terms_and_prefixes(query: CannedQuery, ontology_index: OntologyIndex) -> None:
    body = strip_comments(query.text)
    declared = declared_prefixes(body)
    undeclared = used_prefixes(body) - set(declared)
    assert not undeclared, f"prefixes used but not declared: {sorted(undeclared)}"
    for prefix, namespace in declared.items():
        if prefix in PREFIXES:
            assert namespace == PREFIXES[prefix], f"PREFIX {prefix}: is <{namespace}>, the project's is <{PREFIXES[prefix]}>"

    aigov = str(AIGOV)
    named = {aigov + local for local in re.findall(r"(?<![\w-])aigov:([A-Za-z_][\w-]*)", without_iris_and_strings(body))}
    named |= set(re.findall(rf"<({re.escape(aigov)}[^>]+)>", body))
    named |= {str(iri) for iri in algebra_iris(prepareQuery(query.text).algebra) if str(iri).startswith(aigov)}
    assert named, "the query names no aigov: term"
    known = ontology_index.classes | ontology_index.object_properties | ontology_index.datatype_properties
    unknown = sorted(iri for iri in named if URIRef(iri) not in known)
    assert not unknown, f"terms the ontology does not declare (owl:Class, owl:ObjectProperty, owl:DatatypeProperty): {unknown}"


# -- 3. golden results over the fixture -------------------------------------------------------------


def test_golden_results(query: CannedQuery, fixture_store: OxigraphStore) -> None:
    golden = load_golden(query.id)
    variables, actual = run(fixture_store, query, golden.get("bindings") or {})
    expected: list[Row] = [{k: compact(v) for k, v in row.items()} for row in golden["rows"]]
    for row in expected:
        assert sorted(row) == sorted(variables), f"a golden row must give every variable {variables} (null when unbound): {row}"

    want, got = Counter(row_key(r, variables) for r in expected), Counter(row_key(r, variables) for r in actual)
    missing = [dict(zip(variables, key, strict=True)) for key in (want - got).elements()]
    unexpected = [dict(zip(variables, key, strict=True)) for key in (got - want).elements()]
    assert not missing and not unexpected, (
        f"{query.id}: results differ from tests/golden/{query.id}.json\nmissing rows:\n{show(missing)}\n"
        f"unexpected rows:\n{show(unexpected)}"
    )

    if query.ordered:
        keys = order_variables(query)
        assert set(keys) <= set(variables), f"ORDER BY reads {keys}, not all selected: cannot check the order"
        got_order = [row_key(r, keys) for r in actual]
        want_order = [row_key(r, keys) for r in expected]
        assert got_order == want_order, (
            f"{query.id}: rows in the wrong order on the ORDER BY variables {keys}\nexpected:\n"
            + show(dict(zip(keys, k, strict=True)) for k in want_order)
            + "\ngot:\n"
            + show(dict(zip(keys, k, strict=True)) for k in got_order)
        )


# -- 4. the shipped data ----------------------------------------------------------------------------


def test_returns_rows_on_shipped_data(query: CannedQuery, store: OxigraphStore) -> None:
    _, rows = run(store, query)
    defaults = {p.name: p.default for p in query.parameters}
    assert rows, f"{query.id} returns no row on the shipped data (defaults: {defaults})"
    if "federated" in query.tags:  # the stand-in knows none of the real QIDs: what counts is what is sent
        assert any(row.get("item") for row in rows), f"{query.id}: no entity of the shipped data has a Wikidata link here"


# -- 5. parameters ------------------------------------------------------------------------------------


def test_parameters_are_injection_safe(query: CannedQuery, fixture_store: OxigraphStore) -> None:
    before = (len(fixture_store), len(fixture_store.store))
    for parameter in query.parameters:
        if parameter.kind == "iri":
            try:
                bindings = query.bindings({parameter.name: HOSTILE_IRI})
            except ValueError as exc:
                assert f"parameter {parameter.name} must be an IRI" in str(exc)
            else:
                assert list(fixture_store.query(query.text, bindings)) == []
            _, rows = run(fixture_store, query, {parameter.name: HOSTILE_VALID_IRI})
        else:
            _, rows = run(fixture_store, query, {parameter.name: HOSTILE_LITERAL})
        assert rows == [], f"a hostile value of {parameter.name} matched rows: {rows}"
    assert (len(fixture_store), len(fixture_store.store)) == before, "running the query changed the store"
    with pytest.raises(ValueError, match="unknown parameter"):
        query.bindings({"no_such_parameter": "https://w3id.org/aigov/id/x"})


def test_literal_parameter_is_injection_safe(tmp_path: Path, fixture_store: OxigraphStore) -> None:
    """No shipped query has a literal parameter yet: the binding mechanism is checked on a made-up one."""
    path = tmp_path / "by-label.rq"
    path.write_text(
        "#+ summary: Entities by English label\n#+ description: Test query.\n#+ defaults:\n#+   - label: Ruritania\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?entity ?label WHERE { ?entity rdfs:label ?l FILTER (STR(?l) = ?label) }\n",
        encoding="utf-8",
    )
    by_label = parse_query_file(path)
    assert [(p.name, p.kind) for p in by_label.parameters] == [("label", "literal")]
    before = (len(fixture_store), len(fixture_store.store))
    assert run(fixture_store, by_label)[1] == [{"entity": "aid:ruritania", "label": '"Ruritania"'}]
    assert run(fixture_store, by_label, {"label": HOSTILE_LITERAL})[1] == []
    assert run(fixture_store, by_label, {"label": 'Ruritania" || true || "'})[1] == []
    assert (len(fixture_store), len(fixture_store.store)) == before
    with pytest.raises(ValueError, match="unknown parameter"):
        by_label.bindings({"lable": "Ruritania"})
