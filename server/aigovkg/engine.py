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
import logging
import pickle
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from .results import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    TRIPLE_FORMATS,
    TooManyRows,
    negotiate,
    serialize_boolean,
    serialize_graph,
    serialize_solutions,
)

log = logging.getLogger("aigovkg.engine")

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
            return Outcome(200, media, serialize_boolean(result, media))
        if isinstance(result, ox.QuerySolutions):
            media = negotiate(job.accept, RESULT_FORMATS)
            if media is None:
                return _not_acceptable(job.accept, "SELECT results", RESULT_FORMATS)
            try:
                return Outcome(200, media, serialize_solutions(result, media, job.max_rows))
            except TooManyRows:
                return _too_many("rows", job.max_rows)
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


# Between the engine and a worker: a job is an 8-byte big-endian length and a pickle (None: stop); an
# outcome is a header (status, length of the media type, length of the body), the media type in UTF-8,
# then the body as it is, never copied into a pickle. A worker's first outcome says it is ready.
_JOB = struct.Struct("!Q")
_OUTCOME = struct.Struct("!HHQ")
_READY = b"ready"
_PIECE = 1 << 22  # the most read at once: a receive buffer is allocated whole before it is filled


def _read_job(stream: BinaryIO) -> Job | None:
    """The next job from a blocking stream; EOFError when it closes."""
    header = stream.read(_JOB.size)
    if len(header) < _JOB.size:
        raise EOFError
    (size,) = _JOB.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    job: Job | None = pickle.loads(data)
    return job


def _send_outcome(sock: socket.socket, outcome: Outcome) -> None:
    media = outcome.media_type.encode()
    sock.sendall(_OUTCOME.pack(outcome.status, len(media), len(outcome.body)) + media)
    sock.sendall(outcome.body)


def worker_main(sock: socket.socket, path: str, writable: bool) -> None:
    if writable:
        store = ox.Store(path)
    else:
        store = ox.Store()
        store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    stream = sock.makefile("rb")
    _send_outcome(sock, Outcome(200, TEXT, _READY))
    while True:
        try:
            job = _read_job(stream)
        except EOFError:
            return
        if job is None:
            return
        try:
            outcome = run_job(store, job)
        except Exception as exc:  # noqa: BLE001 - a worker must answer, whatever happened
            outcome = Outcome.error(500, f"internal error: {type(exc).__name__}: {exc}")
        _send_outcome(sock, outcome)


class _Worker:
    """A worker process (``python -m aigovkg.worker FD PATH MODE``) and its end of a socket pair.

    The worker is a fresh interpreter started with subprocess rather than multiprocessing, so it never
    re-imports the parent's ``__main__`` (a notebook, a script read from stdin, uvicorn's runner).
    Jobs are exchanged on the event loop (non-blocking socket), with no thread in between.
    """

    def __init__(self, path: str, writable: bool):
        self.sock, child = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aigovkg.worker", str(child.fileno()), path, "rw" if writable else "ro"],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
        )
        child.close()
        self.sock.settimeout(120)
        try:
            stream = self.sock.makefile("rb")
            _, media, size = _OUTCOME.unpack(stream.read(_OUTCOME.size))
            ready = stream.read(media + size)[media:]
            stream.close()
        except (OSError, struct.error):
            ready = b""
        if ready != _READY:
            self.stop()
            raise RuntimeError("a query worker failed to start")
        self.sock.setblocking(False)

    async def exchange(self, job: Job) -> Outcome:
        """Send ``job`` and wait for its outcome. Raises EOFError or OSError when the worker is gone."""
        loop = asyncio.get_running_loop()
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        await loop.sock_sendall(self.sock, _JOB.pack(len(data)) + data)
        status, media, size = _OUTCOME.unpack(await self._receive(loop, _OUTCOME.size))
        media_type = (await self._receive(loop, media)).decode()
        return Outcome(status, media_type, await self._receive(loop, size))

    async def _receive(self, loop: asyncio.AbstractEventLoop, size: int) -> bytes:
        """``size`` bytes from the worker (one piece, not copied, when they are all there already)."""
        pieces = []
        while size:
            piece = await loop.sock_recv(self.sock, min(size, _PIECE))
            if not piece:
                raise EOFError("the worker closed its socket")
            pieces.append(piece)
            size -= len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.sock.close()


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
        self._respawning: set[asyncio.Task[None]] = set()
        self._closing = False
        self._all: list[_Worker] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.named_quads

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        # Last in, first out: the worker that answered last takes the next job, its store still in the
        # CPU caches; the others take jobs only while it is busy (measured: up to 1 ms less per query).
        self._idle = asyncio.LifoQueue()
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

    def _replace(self, worker: _Worker) -> None:
        """Stop ``worker`` (timed out, crashed, or left mid-exchange) and start another in its place, in
        the background: the request answers at once, the next job waits for the new worker."""
        if self._closing:  # shutting down: no new worker
            self._retire(worker)
            return
        task = asyncio.create_task(asyncio.to_thread(self._respawn, worker))
        self._respawning.add(task)
        task.add_done_callback(self._respawned)

    def _respawned(self, task: asyncio.Task[None]) -> None:
        self._respawning.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a query worker could not be restarted: %s", task.exception())

    def _respawn(self, worker: _Worker) -> None:
        try:
            self._retire(worker)
            worker = self._spawn()
        finally:  # a worker that failed to start leaves the dead one: its next job fails and retries
            assert self._idle is not None
            self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)

    async def run(self, job: Job, timeout: float | None = None) -> Outcome:
        if self._idle is None:
            raise RuntimeError("engine not started")
        limit = self.timeout if timeout is None else timeout
        worker = await self._idle.get()
        try:
            outcome = await asyncio.wait_for(worker.exchange(job), limit)
        except BaseException as exc:
            self._replace(worker)  # whatever was left half sent or unread must not reach the next job
            if isinstance(exc, TimeoutError):
                return Outcome.error(
                    503,
                    f"query stopped: it ran longer than this server's limit of {limit:g} s; "
                    "narrow it down (LIMIT, more specific patterns) and try again",
                )
            if isinstance(exc, EOFError | OSError):
                return Outcome.error(500, f"the query worker stopped unexpectedly ({exc}); it is being restarted")
            raise  # cancelled
        self._idle.put_nowait(worker)
        return outcome

    async def close(self) -> None:
        self._closing = True
        await asyncio.gather(*self._respawning, return_exceptions=True)
        with self._lock:
            workers = list(self._all)
        stop = pickle.dumps(None)
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.sock.setblocking(True)
                worker.sock.sendall(_JOB.pack(len(stop)) + stop)
            await asyncio.to_thread(self._retire, worker)
        shutil.rmtree(self._dir, ignore_errors=True)
