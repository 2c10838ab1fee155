"""The query engine: pyoxigraph stores in worker processes that the endpoint can stop.

pyoxigraph's Python API cannot interrupt a query, and a thread cannot be killed: a runaway query in a
thread would hold a core until it finished. So each query or update runs in a worker *process*; when a
request passes its time limit the worker is killed and a fresh one takes its place. Read-only workers
each load the same N-Quads snapshot into an in-memory store, so a long query occupies one worker while
short ones go to the others. A writable store has exactly one worker (one writer) over an on-disk
store, and it survives a kill: RocksDB writes are transactional, so a killed update leaves nothing
half done.

Jobs and outcomes are plain picklable records, so the web layer never touches pyoxigraph objects.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .results import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    TRIPLE_FORMATS,
    negotiate,
    serialize_boolean,
    serialize_graph,
    serialize_solutions,
)

TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Job:
    """One SPARQL operation to run."""

    operation: str  # "query" | "update" | "describe" (text: an IRI)
    text: str
    accept: str = ""
    default_graphs: tuple[str, ...] | None = None  # protocol dataset: overrides FROM when given
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    substitutions: dict[str, Any] = field(default_factory=dict)  # variable name -> pyoxigraph term
    max_rows: int = 100_000


@dataclass(frozen=True)
class Outcome:
    status: int
    media_type: str
    body: bytes

    @classmethod
    def error(cls, status: int, message: str) -> Outcome:
        return cls(status, TEXT, (message.rstrip("\n") + "\n").encode())


def _too_many(what: str, limit: int) -> Outcome:
    return Outcome.error(
        400,
        f"the result has more than {limit} {what}, this server's limit; add LIMIT and OFFSET to read it page by page",
    )


DESCRIBE_QUADS = """SELECT DISTINCT ?s ?p ?o ?g ?iri ?part1 ?part2 WHERE {
  { GRAPH ?g { ?iri ?p ?o } BIND(?iri AS ?s) }
  UNION { GRAPH ?g { ?part1 ?p ?o } BIND(?part1 AS ?s) }
  UNION { GRAPH ?g { ?part2 ?p ?o } BIND(?part2 AS ?s) }
  UNION { GRAPH ?g { ?s ?p ?iri } BIND(?iri AS ?o) }
}"""


def describe(store: ox.Store, job: Job) -> Outcome:
    """The quads about one resource (``job.text``, its IRI): every graph's statements with it as subject
    (and up to two hash IRIs of the same document, ``job.named_graphs``) or as object. RDF in the negotiated
    format: TriG and N-Quads keep the graphs; the triple formats hold their merge."""
    media = negotiate(job.accept, GRAPH_FORMATS)
    if media is None:
        return _not_acceptable(job.accept, "resource descriptions", GRAPH_FORMATS)
    iri = ox.NamedNode(job.text)
    parts = [ox.NamedNode(p) for p in (job.named_graphs or ())][:2]
    parts += [iri] * (2 - len(parts))
    bindings: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable("iri"): iri,
        ox.Variable("part1"): parts[0],
        ox.Variable("part2"): parts[1],
    }
    solutions = store.query(DESCRIBE_QUADS, substitutions=bindings)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = list(islice(solutions, job.max_rows + 1))
    if len(rows) > job.max_rows:
        return _too_many("statements", job.max_rows)
    quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
    if media in TRIPLE_FORMATS:
        return Outcome(
            200, media, serialize_graph(list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)), media)
        )
    return Outcome(200, media, serialize_graph(quads, media))


def run_job(store: ox.Store, job: Job) -> Outcome:
    """Run one job against ``store`` and serialise its result (what a worker does)."""
    if job.operation == "describe":
        return describe(store, job)
    if job.operation == "update":
        try:
            store.update(job.text, base_iri=job.base_iri)
        except SyntaxError as exc:
            return Outcome.error(400, f"SPARQL update syntax error: {exc}")
        except (OSError, ValueError, RuntimeError) as exc:
            return Outcome.error(400, f"update failed: {exc}")
        return Outcome(204, TEXT, b"")

    dataset: dict[str, Any] = {}
    if job.default_graphs is not None or job.named_graphs is not None:
        dataset["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        dataset["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    substitutions = {ox.Variable(k): v for k, v in job.substitutions.items()} or None
    try:
        result = store.query(job.text, base_iri=job.base_iri, substitutions=substitutions, **dataset)
    except SyntaxError as exc:
        return Outcome.error(400, f"SPARQL syntax error: {exc}")
    try:
        if isinstance(result, ox.QueryBoolean):
            media = negotiate(job.accept, RESULT_FORMATS)
            if media is None:
                return _not_acceptable(job.accept, "ASK results", RESULT_FORMATS)
            return Outcome(200, media, serialize_boolean(bool(result), media))
        if isinstance(result, ox.QuerySolutions):
            media = negotiate(job.accept, RESULT_FORMATS)
            if media is None:
                return _not_acceptable(job.accept, "SELECT results", RESULT_FORMATS)
            variables = [v.value for v in result.variables]
            rows = [[solution[v] for v in variables] for solution in islice(result, job.max_rows + 1)]
            if len(rows) > job.max_rows:
                return _too_many("rows", job.max_rows)
            return Outcome(200, media, serialize_solutions(variables, rows, media))
        media = negotiate(job.accept, TRIPLE_FORMATS)
        if media is None:
            return _not_acceptable(job.accept, "CONSTRUCT and DESCRIBE results", TRIPLE_FORMATS)
        triples = list(islice(result, job.max_rows + 1))
        if len(triples) > job.max_rows:
            return _too_many("triples", job.max_rows)
        return Outcome(200, media, serialize_graph(triples, media))
    except (OSError, ValueError, RuntimeError) as exc:  # evaluation errors surface while iterating
        return Outcome.error(500, f"query evaluation failed: {exc}")


def _not_acceptable(accept: str, what: str, offered: Iterable[str]) -> Outcome:
    return Outcome.error(406, f"not acceptable: {accept}; {what} are offered as {', '.join(offered)}")


def worker_main(conn: Connection, path: str, writable: bool) -> None:
    if writable:
        store = ox.Store(path)
    else:
        store = ox.Store()
        store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            outcome = run_job(store, job)
        except Exception as exc:  # noqa: BLE001 - a worker must answer, whatever happened
            outcome = Outcome.error(500, f"internal error: {type(exc).__name__}: {exc}")
        conn.send(outcome)


class _Worker:
    """A worker process (``python -m aigovkg.worker FD PATH MODE``) and its end of a socket pair.

    The worker is a fresh interpreter started with subprocess rather than multiprocessing, so it never
    re-imports the parent's ``__main__`` (a notebook, a script read from stdin, uvicorn's runner).
    """

    def __init__(self, path: str, writable: bool):
        parent, child = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aigovkg.worker", str(child.fileno()), path, "rw" if writable else "ro"],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
        )
        child.close()
        self.conn = Connection(parent.detach())
        if not self.conn.poll(120) or self.conn.recv() != "ready":
            self.stop()
            raise RuntimeError("a query worker failed to start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.conn.close()


class QueryTimeout(Exception):
    pass


class ProcessEngine:
    """A pool of worker processes over one dataset: an N-Quads snapshot (read-only) or a RocksDB store (writable).

    ``quads`` are written once into a temporary folder. When ``merge_default`` is set the
    default graph is filled with the RDF merge of all named graphs (each distinct triple once), which
    is what a read-only endpoint over the paper graphs wants; a writable store keeps the real default
    graph instead, as the SPARQL Update tests expect.
    """

    def __init__(
        self,
        quads: Iterable[ox.Quad] = (),
        *,
        writable: bool = False,
        workers: int = 2,
        timeout: float = 30.0,
        merge_default: bool = True,
    ):
        self.writable = writable
        self.timeout = timeout
        self.size = 1 if writable else max(1, workers)
        self._dir = tempfile.mkdtemp(prefix="aigov-store-")
        named = [q for q in quads if q.graph_name != ox.DefaultGraph()]
        self.named_quads = len(named)
        if writable:
            # One writer on a RocksDB store: an update killed at the time limit leaves nothing half done.
            self.path = str(Path(self._dir) / "store")
            store = ox.Store(self.path)
            store.bulk_extend(list(quads))
            store.flush()
            del store
        else:
            # Read-only workers each load an N-Quads snapshot into memory (faster to query than the on-disk
            # store); the default graph holds the RDF merge of the named graphs when merge_default is set.
            self.path = str(Path(self._dir) / "dataset.nq")
            statements = list(quads)
            if merge_default:
                merged = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in named)
                statements += [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in merged]
            ox.serialize(statements, self.path, format=ox.RdfFormat.N_QUADS)
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.named_quads

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.path, self.writable)
        with self._lock:
            self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def _roundtrip(self, worker: _Worker, job: Job, timeout: float) -> tuple[Outcome | None, _Worker]:
        """Send ``job``; on timeout or crash, replace the worker. Returns the outcome and the worker to reuse."""
        try:
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                return worker.conn.recv(), worker
            failure: Exception = QueryTimeout()
        except (EOFError, OSError, BrokenPipeError) as exc:
            failure = exc
        self._retire(worker)
        replacement = self._spawn()
        if isinstance(failure, QueryTimeout):
            return None, replacement
        raise _Crash(replacement, failure)

    async def run(self, job: Job, timeout: float | None = None) -> Outcome:
        if self._idle is None:
            raise RuntimeError("engine not started")
        limit = self.timeout if timeout is None else timeout
        worker = await self._idle.get()
        try:
            outcome, worker = await asyncio.to_thread(self._roundtrip, worker, job, limit)
        except _Crash as crash:
            worker = crash.replacement
            return Outcome.error(500, f"the query worker stopped unexpectedly ({crash.cause}); it has been restarted")
        finally:
            self._idle.put_nowait(worker)
        if outcome is None:
            return Outcome.error(
                503,
                f"query stopped: it ran longer than this server's limit of {limit:g} s; "
                "narrow it down (LIMIT, more specific patterns) and try again",
            )
        return outcome

    async def close(self) -> None:
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            await asyncio.to_thread(self._retire, worker)
        shutil.rmtree(self._dir, ignore_errors=True)


class _Crash(Exception):
    def __init__(self, replacement: _Worker, cause: Exception):
        super().__init__(str(cause))
        self.replacement = replacement
        self.cause = cause
