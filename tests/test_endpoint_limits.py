"""Limits and safety of the endpoint, over real HTTP: timeouts that stop the work, row and size limits,
the SERVICE allow-list, updates refused or guarded, and concurrency (a long query does not hold up a short one)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import make_app, serve_in_thread

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SHORT = "ASK { ?s ?p ?o }"
ALLOWED = "http://127.0.0.1:9/sparql"  # allowed, never contacted by these tests


@pytest.fixture(scope="module")
def limited(served_quads: list[Any]) -> Iterator[str]:
    app = make_app(served_quads, timeout=2.0, max_rows=50, max_body_bytes=4000, service_allowlist=frozenset({ALLOWED}))
    with serve_in_thread(app) as base:
        yield base


def sparql(base: str, query: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(base + "/sparql", params={"query": query}, timeout=60, **kwargs)


def test_timeout_stops_a_runaway_query_and_the_server_keeps_serving(limited: str) -> None:
    response = sparql(limited, RUNAWAY)
    assert response.status_code == 503
    assert "limit of 2 s" in response.text
    for _ in range(3):  # the killed worker was replaced: every worker answers
        assert sparql(limited, SHORT).json()["boolean"] is True


def test_short_query_is_answered_while_a_long_one_runs(limited: str) -> None:
    long_done = threading.Event()
    statuses: list[int] = []

    def run_long() -> None:
        statuses.append(sparql(limited, RUNAWAY).status_code)
        long_done.set()

    thread = threading.Thread(target=run_long)
    thread.start()
    try:
        short = sparql(limited, SHORT)
        assert short.status_code == 200
        assert not long_done.is_set(), "the short query should finish while the long one is still running"
    finally:
        thread.join(60)
    assert statuses == [503]


def test_row_limit_is_a_clear_error_not_a_silent_truncation(limited: str) -> None:
    response = sparql(limited, "SELECT * WHERE { ?s ?p ?o }")
    assert response.status_code == 400
    assert "more than 50 rows" in response.text and "LIMIT" in response.text
    ok = sparql(limited, "SELECT * WHERE { ?s ?p ?o } LIMIT 50")
    assert ok.status_code == 200 and len(ok.json()["results"]["bindings"]) == 50


def test_construct_triple_limit(limited: str) -> None:
    response = sparql(limited, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert response.status_code == 400 and "more than 50 triples" in response.text


def test_oversized_body_is_413(limited: str) -> None:
    query = SHORT + " #" + "x" * 5000
    response = httpx.post(limited + "/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413 and "limit of 4000" in response.text


def test_oversized_url_is_414(limited: str) -> None:
    response = sparql(limited, SHORT + " #" + "x" * 5000)
    assert response.status_code == 414 and "POST the query" in response.text


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }", "not on this server's allow-list"),
        (
            "PREFIX e: <http://evil.example/> SELECT * WHERE { SERVICE SILENT e:sparql { ?s ?p ?o } }",
            "<http://evil.example/sparql>",
        ),
        ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", "variable"),
        ("select * where { service <http://evil.example/sparql> { ?s ?p ?o } }", "not on this server's allow-list"),
    ],
)
def test_service_outside_the_allow_list_is_refused(limited: str, query: str, fragment: str) -> None:
    response = sparql(limited, query)
    assert response.status_code == 403
    assert fragment in response.text


def test_service_words_inside_strings_and_iris_are_not_calls(limited: str) -> None:
    query = 'SELECT * WHERE { BIND("SERVICE <http://evil.example/>" AS ?x) } # SERVICE <http://evil.example/>'
    assert sparql(limited, query).status_code == 200


def test_updates_are_refused_by_a_read_only_server(limited: str) -> None:
    response = httpx.post(limited + "/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 403 and "read-only" in response.text
    assert sparql(limited, SHORT).json()["boolean"] is True


def test_cors_allows_reads(limited: str) -> None:
    response = sparql(limited, SHORT, headers={"Origin": "https://yasgui.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        limited + "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


# ---------------------------------------------------------------- updates with a token


@pytest.fixture(scope="module")
def guarded(cli_server: Any) -> Iterator[str]:
    with cli_server("--empty", "--allow-update", "--update-token", "s3cret") as base:
        yield base


def test_update_needs_the_bearer_token(guarded: str) -> None:
    update = "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }"
    headers = {"Content-Type": "application/sparql-update"}
    refused = httpx.post(guarded + "/sparql", content=update, headers=headers)
    assert refused.status_code == 401 and "Bearer" in refused.headers["www-authenticate"]
    wrong = httpx.post(guarded + "/sparql", content=update, headers={**headers, "Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    done = httpx.post(guarded + "/sparql", content=update, headers={**headers, "Authorization": "Bearer s3cret"})
    assert done.status_code == 204
    assert sparql(guarded, "ASK { <http://example.org/s> ?p ?o }").json()["boolean"] is True


def test_update_beyond_localhost_without_token_is_a_usage_error(aigov: Any) -> None:
    result = aigov("serve", "--empty", "--allow-update", "--host", "0.0.0.0", "--port", "1", timeout=120)
    assert result.returncode == 2
    assert b"needs a bearer token" in result.stderr


def test_writable_store_survives_a_killed_update_worker(cli_server: Any) -> None:
    """A timed-out operation kills the single writer; data written before stays."""
    with cli_server("--empty", "--allow-update", "--timeout", "2") as base:
        headers = {"Content-Type": "application/sparql-update"}
        seed = "INSERT DATA { " + " ".join(f"<http://example.org/s{i}> <http://example.org/p> {i} ." for i in range(200)) + " }"
        assert httpx.post(base + "/sparql", content=seed, headers=headers).status_code == 204
        runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 200^4 rows
        assert sparql(base, runaway).status_code == 503
        count = sparql(base, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o }").json()
        assert count["results"]["bindings"][0]["n"]["value"] == "200"


# ---------------------------------------------------------------- the engine's workers


def _engine_quads() -> list[Any]:
    import pyoxigraph as ox

    p = ox.NamedNode("http://example.org/p")
    return [
        ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(str(i)), ox.NamedNode("http://example.org/g"))
        for i in range(300)
    ]


def test_a_crashed_worker_is_an_error_then_replaced() -> None:
    import asyncio

    from aigovkg.engine import Job, ProcessEngine

    async def scenario() -> list[tuple[int, bytes]]:
        engine = ProcessEngine(_engine_quads(), workers=1)
        await engine.start()
        try:
            engine._all[0].process.kill()
            crashed = await engine.run(Job("query", SHORT, accept="text/csv"))
            after = [await engine.run(Job("query", SHORT, accept="text/csv")) for _ in range(3)]
            return [(o.status, o.body) for o in (crashed, *after)]
        finally:
            await engine.close()

    (status, body), *after = asyncio.run(scenario())
    assert status == 500 and b"stopped unexpectedly" in body
    assert after == [(200, b"true")] * 3


def test_a_request_cancelled_mid_query_does_not_leave_its_answer_to_the_next() -> None:
    import asyncio

    from aigovkg.engine import Job, ProcessEngine

    async def scenario() -> tuple[int, bytes]:
        engine = ProcessEngine(_engine_quads(), workers=1)
        await engine.start()
        try:
            slow = asyncio.create_task(engine.run(Job("query", RUNAWAY, accept="text/csv")))
            await asyncio.sleep(0.3)
            slow.cancel()
            with pytest.raises(asyncio.CancelledError):
                await slow
            outcome = await engine.run(Job("query", SHORT, accept="text/csv"))
            return outcome.status, outcome.body
        finally:
            await engine.close()

    assert asyncio.run(scenario()) == (200, b"true")


def test_a_worker_that_fails_to_restart_is_logged_and_retried(caplog: pytest.LogCaptureFixture) -> None:
    """Found by review: a failed restart used to be an unretrieved task exception, and the error said
    "restarted". Now it is logged, and the next request's failure starts another attempt."""
    import asyncio

    from aigovkg.engine import Job, ProcessEngine

    async def scenario() -> list[tuple[int, bytes]]:
        engine = ProcessEngine(_engine_quads(), workers=1)
        await engine.start()
        spawn, failures = engine._spawn, [OSError("no room for a new worker")]

        def flaky_spawn() -> Any:
            if failures:
                raise failures.pop()
            return spawn()

        engine._spawn = flaky_spawn  # type: ignore[method-assign]
        try:
            engine._all[0].process.kill()
            outcomes = [await engine.run(Job("query", SHORT, accept="text/csv"))]
            for _ in range(50):  # the failed restart puts the dead worker back; its next job fails again
                outcomes.append(await engine.run(Job("query", SHORT, accept="text/csv")))
                if outcomes[-1].status == 200:
                    break
            return [(o.status, o.body) for o in outcomes]
        finally:
            await engine.close()

    with caplog.at_level("ERROR", logger="aigovkg.engine"):
        outcomes = asyncio.run(scenario())
    assert outcomes[0][0] == 500 and b"it is being restarted" in outcomes[0][1]
    assert outcomes[-1] == (200, b"true")
    assert any("could not be restarted: no room for a new worker" in r.getMessage() for r in caplog.records)
