"""The row counts read off pyoxigraph's serialised SELECT results (results.py), which enforce the row limit.

Each format's exact rule is checked against the real number of solutions on literals made to fool it, with
the bytes fed whole, in small pieces and cut at every position; and the limit is checked at the edge.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from aigovkg.engine import Job, run_job
from aigovkg.results import _COUNTERS, RESULT_FORMATS, TooManyRows, _CappedBuffer, count_rows, serialize_solutions

EX = "http://example.org/"
MEDIA = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
NASTY = [
    '{"',
    '}},{"s":{"type":"uri","value":"x"}},{',
    ",{",
    "[{",
    "{}",
    ",{},{}]",
    "<result>",
    "</result><result>",
    "line\nbreak",
    "cr\r\nlf\r\n",
    "\n",
    '"',
    '""',
    'a,"b",c',
    "\\",
    "\\\\",
    '\\"',
    '\\\\"',
    "ends with a backslash \\",
    '"type":"triple"',
    "tab\there",
    'é{"ü,{',
    "",
]


def nasty_store() -> ox.Store:
    store = ox.Store()
    p = ox.NamedNode(EX + "p")
    for i, text in enumerate(NASTY):
        s = ox.NamedNode(f"{EX}s{i}")
        store.add(ox.Quad(s, p, ox.Literal(text)))
        store.add(ox.Quad(s, p, ox.Literal(text, language="en")))
        store.add(ox.Quad(s, p, ox.Literal(text, datatype=ox.NamedNode(EX + "type"))))
    store.add(ox.Quad(ox.BlankNode("b1"), p, ox.Literal("{}")))
    return store


QUERIES = [
    "SELECT ?s ?o WHERE { ?s ?p ?o }",
    # empty bindings: a column never bound, then rows with nothing bound at all
    f"SELECT ?o ?none WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}nothing> ?none }} }}",
    f"SELECT ?none WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}nothing> ?none }} }}",
    "SELECT * WHERE {}",
    "SELECT ?x WHERE { VALUES ?x { UNDEF UNDEF UNDEF } }",
    'SELECT ?x ?y WHERE { VALUES (?x ?y) { (UNDEF "{}") ("{}" UNDEF) (UNDEF UNDEF) } }',
    "SELECT ?x WHERE { FILTER(false) }",
    # variables named like the keys of the JSON format, and a non-ASCII one
    "SELECT ?subject ?type ?value ?head ?bindings ?é WHERE { ?subject ?type ?value BIND(?value AS ?é) }",
    # triple terms: nested objects and tags inside a binding
    "SELECT ?t ?o WHERE { ?s ?p ?o BIND(<<( ?s ?p ?o )>> AS ?t) }",
    "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?o",
]


def solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return result


def chunked(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return nasty_store()


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("query", QUERIES)
def test_count_equals_the_number_of_solutions(store: ox.Store, query: str, media: str) -> None:
    expected = len(list(solutions(store, query)))
    body = solutions(store, query).serialize(format=RESULT_FORMATS[media]) or b""
    assert count_rows(body, media) == expected
    for size in (1, 2, 3, 5, 7, 8, 13, 8192):
        counter = _COUNTERS[RESULT_FORMATS[media]]()
        for chunk in chunked(body, size):
            counter.feed(chunk)
        assert counter.rows == expected, f"chunks of {size} bytes"


@pytest.mark.parametrize("media", MEDIA)
def test_count_is_the_same_wherever_the_bytes_are_cut(store: ox.Store, media: str) -> None:
    query = f"SELECT ?o ?none WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}nothing> ?none }} }}"
    expected = len(list(solutions(store, query)))
    body = solutions(store, query).serialize(format=RESULT_FORMATS[media]) or b""
    for cut in range(len(body) + 1):
        counter = _COUNTERS[RESULT_FORMATS[media]]()
        counter.feed(body[:cut])
        counter.feed(body[cut:])
        assert counter.rows == expected, f"cut at byte {cut}: {body[max(0, cut - 10) : cut + 10]!r}"


@pytest.mark.parametrize("media", MEDIA)
def test_an_empty_chunk_changes_nothing(media: str) -> None:
    """Even between an escaping backslash and the quote it escapes (found by review: the JSON counter
    used to drop the pending escape on an empty chunk and then swap inside and outside of strings)."""
    query = 'SELECT ?x WHERE { VALUES ?x { "a\\"[{,{,{,{" "b" } }'
    body = ox.Store().query(query).serialize(format=RESULT_FORMATS[media]) or b""
    for cut in range(len(body) + 1):
        counter = _COUNTERS[RESULT_FORMATS[media]]()
        for chunk in (body[:cut], b"", body[cut:]):
            counter.feed(chunk)
        assert counter.rows == 2, f"cut at byte {cut}: {body[max(0, cut - 10) : cut + 10]!r}"


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("query", QUERIES)
def test_limit_is_exact(store: ox.Store, query: str, media: str) -> None:
    expected = len(list(solutions(store, query)))
    native = solutions(store, query).serialize(format=RESULT_FORMATS[media])
    for limit in (expected, expected + 1, 10**9):
        assert serialize_solutions(solutions(store, query), media, limit) == native
    for limit in range(max(0, expected - 3), expected):
        with pytest.raises(TooManyRows):
            serialize_solutions(solutions(store, query), media, limit)


@pytest.mark.parametrize("media", MEDIA)
def test_limit_is_exact_over_many_chunks(media: str) -> None:
    """The exact count takes over mid-stream (from the first chunk) once the cheap bound passes the limit."""
    store = ox.Store()
    p = ox.NamedNode(EX + "p")
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), p, ox.Literal(f"{i} {text}")) for i in range(200) for text in NASTY)
    query = f"SELECT ?s ?o ?none WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}nothing> ?none }} }}"
    rows = len(NASTY) * 200
    native = solutions(store, query).serialize(format=RESULT_FORMATS[media]) or b""
    assert len(native) > 10 * 8192
    assert serialize_solutions(solutions(store, query), media, rows) == native
    with pytest.raises(TooManyRows):
        serialize_solutions(solutions(store, query), media, rows - 1)


@pytest.mark.parametrize("media", MEDIA)
def test_too_many_rows_stops_before_the_whole_result_is_kept(media: str) -> None:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(f"{i}")) for i in range(50_000))
    buffer = _CappedBuffer(RESULT_FORMATS[media], 10)
    with pytest.raises(TooManyRows):
        solutions(store, "SELECT * WHERE { ?s ?p ?o }").serialize(buffer, format=RESULT_FORMATS[media])
    assert sum(len(c) for c in buffer.chunks) < 20_000


@pytest.mark.parametrize("media", MEDIA)
def test_engine_answers_the_row_limit_error_in_every_format(store: ox.Store, media: str) -> None:
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    rows = len(list(solutions(store, query)))
    over = run_job(store, Job("query", query, accept=media, max_rows=rows - 1))
    assert over.status == 400
    assert over.body.decode() == (
        f"the result has more than {rows - 1} rows, this server's limit; add LIMIT and OFFSET to read it page by page\n"
    )
    exact = run_job(store, Job("query", query, accept=media, max_rows=rows))
    assert exact.status == 200 and exact.media_type == media
    assert count_rows(exact.body, media) == rows
