#!/usr/bin/env python
"""Benchmark: this server against rdflib-endpoint and against pyoxigraph in-process, in one run.

    python bench/bench_endpoint.py [--repeat N] [--dataset FILE]

Run it with the project's interpreter (it imports aigovkg and pyoxigraph); rdflib-endpoint runs from a
separate venv (``--rdflib-python``, default /work/bench-venv/bin/python; see bench/README.md). It

1. exports the dataset once (``aigov export --format nquads``) unless ``--dataset`` is given;
2. starts ``aigov serve --dataset FILE`` and rdflib-endpoint over the same quads, on free ports;
3. for each canned query, sends the same concrete text (default parameters substituted, see
   ``concrete_text``) to both by GET /sparql, alternating servers, and also times our
   GET /queries/{id} and the same text on an in-memory pyoxigraph store in this process (the floor:
   query + SPARQL JSON serialisation, no HTTP, no worker process);
4. times a short query idle, then while a long query runs on another connection;
5. prints one table: medians, ratios and PASS/FAIL per target.

It is a measurement, not a test: it asserts nothing and exits 0 whatever the numbers are (non-zero
only when it cannot run: a server does not start, the dataset cannot be built).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from aigovkg.dataset import parse_rdf_file
from aigovkg.errors import SourceError
from aigovkg.paths import data_dir
from aigovkg.queries import CannedQuery, parse_query_file
from aigovkg.sparqltext import service_targets
from aigovkg.store import OxigraphStore

BENCH = Path(__file__).resolve().parent
JSON = "application/sparql-results+json"
DEFAULT_RDFLIB_PYTHON = os.environ.get("BENCH_RDFLIB_PYTHON", "/work/bench-venv/bin/python")

# The long query of the concurrency check: a self-join on the predicate, counted (one row). The
# subquery takes the first K non-rdf:type triples and each is joined with every triple of the same
# predicate; K is calibrated at run time so that the query takes about --long-seconds on our server,
# whatever the size of the dataset.
LONG_QUERY = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT (COUNT(*) AS ?n) WHERE {
  { SELECT ?p WHERE { ?a ?p ?b FILTER (?p != rdf:type) } LIMIT %d }
  ?c ?p ?d
}"""

TARGET_RATIO = 20.0  # every canned query at least 20x faster than rdflib-endpoint
FLOOR_ABS_MS, FLOOR_REL = 2.0, 0.10  # at most 2 ms + 10% over the in-process floor
CONCURRENT_RATIO = 2.0  # a short query under a long one within 2x of its idle latency


# ---------------------------------------------------------------------------------------------------
# The query text both servers get


def _term(param) -> str:  # type: ignore[no-untyped-def]
    if param.kind == "iri":
        return f"<{param.default}>"
    return json.dumps(param.default, ensure_ascii=False)


def _depth0(text: str, token: str, replacement: str) -> str:
    """Replace ``token`` in ``text`` where it stands outside parentheses."""
    out, depth, i = [], 0, 0
    while i < len(text):
        if text.startswith(token, i) and depth == 0:
            out.append(replacement)
            i += len(token)
            continue
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        out.append(text[i])
        i += 1
    return "".join(out)


def _group_end(text: str, brace: int) -> int:
    """The index just past the ``}`` that closes the ``{`` at ``brace``."""
    depth = 0
    for i in range(brace, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


def _project(text: str, term: str, name: str) -> str:
    """Fix the SELECT clauses after ``?name`` became ``term``: project ``(term AS ?name)``, or ``?name``
    where a subquery inside the SELECT's WHERE already projects it (SPARQL forbids rebinding it)."""
    spans = []  # (projection start, projection end, group start, group end)
    for m in re.finditer(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?", text, flags=re.I):
        where = re.compile(r"\bWHERE\b|\{", flags=re.I).search(text, m.end())
        if where is None:
            continue
        brace = text.index("{", where.start())
        spans.append((m.end(), where.start(), brace, _group_end(text, brace)))

    def projects(span: tuple[int, int, int, int]) -> bool:
        return _depth0(text[span[0] : span[1]], term, "") != text[span[0] : span[1]]

    projecting = [span for span in spans if projects(span)]
    fixes = [
        (span, f"?{name}" if any(span[2] < other[0] < span[3] for other in projecting) else f"({term} AS ?{name})")
        for span in projecting
    ]
    for span, replacement in reversed(fixes):  # from the end, so earlier offsets stay valid
        text = text[: span[0]] + _depth0(text[span[0] : span[1]], term, replacement) + text[span[1] :]
    return text


def concrete_text(query: CannedQuery) -> str:
    """The canned query with each parameter's default written into the text as a constant.

    This is what the engine does with its substitutions (the variable is bound in the whole query,
    subqueries included), done in the text so that any SPARQL endpoint can run it: every ``?name`` in
    the patterns becomes the term; where ``?name`` is projected, ``(term AS ?name)`` keeps the column
    (or ``?name`` where a subquery already binds it); in GROUP BY and ORDER BY the constant key is
    dropped (rdflib cannot group by a bracketed IRI). Comment lines (the ``#+`` header) are dropped.
    A query without parameters is sent as it is.
    """
    if not query.parameters:
        return query.text
    text = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    for param in query.parameters:
        term = _term(param)
        text = re.sub(rf"[?$]{re.escape(param.name)}\b", term.replace("\\", "\\\\"), text)
        text = _project(text, term, param.name)

        def modifier(m: re.Match[str], term: str = term) -> str:
            keys = _depth0(m.group(2), term, "")
            if keys.strip():
                return m.group(1) + keys
            # Only the constant was a key: no ORDER BY at all; one group, GROUP BY (term).
            return "" if m.group(1).upper().startswith("ORDER") else m.group(1) + f" ({term}) "

        text = re.sub(
            r"(\b(?:GROUP|ORDER)\s+BY\b)(.*?)(?=\bHAVING\b|\bORDER\s+BY\b|\bLIMIT\b|\bOFFSET\b|\bVALUES\b|\}|$)",
            modifier,
            text,
            flags=re.I | re.S,
        )
    return text


def load_canned(folder: Path) -> dict[str, CannedQuery]:
    """The canned queries, less the federated ones: a SERVICE call times a remote endpoint (or fails
    offline), not this server, and the in-process floor cannot run it the same way."""
    queries = {}
    for path in sorted(folder.glob("*.rq")):
        try:
            q = parse_query_file(path)
        except SourceError as exc:
            print(f"warning: skipping {path.name}: {str(exc).splitlines()[0]}", file=sys.stderr)
            continue
        if service_targets(q.text):
            print(f"note: skipping {q.id}: a federated query (SERVICE)", file=sys.stderr)
            continue
        queries[q.id] = q
    return queries


# ---------------------------------------------------------------------------------------------------
# HTTP client and server processes


class Client:
    """One keep-alive HTTP/1.1 connection; ``get`` returns (seconds, status, body).

    Servers close idle keep-alive connections (uvicorn after 5 s), so a connection idle for longer
    than ``IDLE`` is reopened before the clock starts: a sample never includes a TCP handshake.
    """

    IDLE = 2.0

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.last = 0.0

    def get(self, path: str, timeout: float | None = None) -> tuple[float, int, bytes]:
        if self.conn is not None and time.monotonic() - self.last > self.IDLE:
            self.close()
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.conn.connect()
        assert self.conn.sock is not None
        self.conn.sock.settimeout(timeout or self.timeout)
        started = time.perf_counter()
        try:
            self.conn.request("GET", path, headers={"Accept": JSON})
            response = self.conn.getresponse()
            body = response.read()
        except BaseException:
            self.close()
            raise
        elapsed = time.perf_counter() - started
        self.last = time.monotonic()
        if response.will_close:
            self.close()
        return elapsed, response.status, body

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server subprocess in its own process group (so its workers stop with it)."""

    def __init__(self, name: str, argv: list[str], ready_path: str, log: Path):
        self.name, self.argv, self.ready_path, self.log = name, argv, ready_path, log
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 300.0) -> None:
        self.port = free_port()
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                _, status, _ = Client(self.port, 5).get(self.ready_path)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {wait:.0f} s:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])

    def stop(self) -> None:
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


def row_count(status: int, body: bytes) -> int | str:
    if status != 200:
        return f"HTTP {status}: {body[:160].decode(errors='replace').strip()}"
    doc = json.loads(body)
    return 1 if "boolean" in doc else len(doc["results"]["bindings"])


# ---------------------------------------------------------------------------------------------------
# Measurements


@dataclass
class QueryResult:
    id: str
    ours: list[float] = field(default_factory=list)  # GET /sparql, seconds
    canned: list[float] = field(default_factory=list)  # GET /queries/{id}
    rdflib: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)  # in-memory pyoxigraph Store, in this process
    rows: dict[str, int | str] = field(default_factory=dict)
    rdflib_timeout: float | None = None  # set when rdflib-endpoint did not answer in time
    rdflib_error: str | None = None  # set when rdflib-endpoint answered with an error


def ms(seconds: float) -> float:
    return seconds * 1000.0


def med(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def floor_run(store: ox.Store, text: str) -> tuple[float, int | str]:
    started = time.perf_counter()
    result = store.query(text)
    if isinstance(result, ox.QueryTriples):
        triples = result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
        return time.perf_counter() - started, triples.count(b"\n")
    body = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
    elapsed = time.perf_counter() - started
    return elapsed, row_count(200, body)


def bench_query(
    q: CannedQuery, ours: Client, rdflib: Client, rdflib_server: Server, store: ox.Store, args: argparse.Namespace
) -> QueryResult:
    res = QueryResult(q.id)
    text = concrete_text(q)
    sparql = "/sparql?query=" + quote(text, safe="")
    canned = f"/queries/{q.id}"

    for _ in range(args.warmup):
        _, status, body = ours.get(sparql)
        res.rows["ours"] = row_count(status, body)
        _, status, body = ours.get(canned)
        res.rows["/queries"] = row_count(status, body)
        _, res.rows["floor"] = floor_run(store, text)

    def rdflib_get() -> tuple[float, int, bytes] | None:
        try:
            return rdflib.get(sparql, timeout=args.rdflib_timeout)
        except TimeoutError:
            # rdflib-endpoint evaluates in its event loop: it stays busy until the query ends, so restart it.
            res.rdflib_timeout = args.rdflib_timeout
            res.rows["rdflib"] = f"no answer in {args.rdflib_timeout:g} s"
            rdflib.close()
            rdflib_server.restart()
            rdflib.port = rdflib_server.port
            return None

    warm = rdflib_get()  # one warm-up (rdflib-endpoint caches the parsed query): does it answer in time?
    if warm is not None:
        res.rows["rdflib"] = row_count(warm[1], warm[2])
        if warm[1] != 200:
            res.rdflib_error = str(res.rows["rdflib"])

    rdflib_spent = 0.0
    for i in range(args.repeat):
        use_rdflib = (
            res.rdflib_timeout is None and res.rdflib_error is None and (rdflib_spent < args.rdflib_budget or len(res.rdflib) < 3)
        )
        order = ("ours", "rdflib") if i % 2 == 0 else ("rdflib", "ours")
        for who in order:
            if who == "ours":
                res.ours.append(ours.get(sparql)[0])
            elif use_rdflib and (answer := rdflib_get()) is not None:
                res.rdflib.append(answer[0])
                rdflib_spent += answer[0]
        res.canned.append(ours.get(canned)[0])
        res.floor.append(floor_run(store, text)[0])
    return res


def measure_plumbing(ours: Client, store: ox.Store, args: argparse.Namespace) -> dict[str, float]:
    """What a request costs on our server before any query work: HTTP alone, and HTTP + worker round trip."""
    ask = "/sparql?query=" + quote("ASK {}", safe="")
    for _ in range(args.warmup):
        ours.get("/health")
        ours.get(ask)
    health, sparql, floor = [], [], []
    for _ in range(args.repeat):
        health.append(ours.get("/health")[0])
        sparql.append(ours.get(ask)[0])
        floor.append(floor_run(store, "ASK {}")[0])
    return {"health": med(health), "ask": med(sparql), "ask_floor": med(floor)}


@dataclass
class Concurrency:
    short_id: str
    long_k: int = 0
    idle: list[float] = field(default_factory=list)
    loaded: list[float] = field(default_factory=list)
    long_runs: list[float] = field(default_factory=list)
    long_status: set[int | str] = field(default_factory=set)
    discarded: int = 0


def calibrate_long(client: Client, seconds: float, triples: int) -> tuple[int, float]:
    """K for LONG_QUERY taking about ``seconds`` on our server (at most ``triples``), and its time."""
    k, elapsed = 1000, 0.0
    for _ in range(8):
        elapsed, status, _ = client.get("/sparql?query=" + quote(LONG_QUERY % k, safe=""), timeout=600)
        if status != 200:  # stopped at the server's time limit: far too long
            k = max(1, k // 4)
            continue
        if 0.7 * seconds <= elapsed <= 1.5 * seconds or (k >= triples and elapsed < seconds):
            break
        k = max(1, min(triples, int(k * seconds / max(elapsed, 0.005))))
    return k, elapsed


def bench_concurrency(q: CannedQuery, port: int, triples: int, args: argparse.Namespace) -> Concurrency:
    res = Concurrency(q.id)
    short = "/sparql?query=" + quote(concrete_text(q), safe="")
    client = Client(port, 60)
    res.long_k, _ = calibrate_long(client, args.long_seconds, triples)
    long = "/sparql?query=" + quote(LONG_QUERY % res.long_k, safe="")
    pace = args.pace / 1000.0
    for _ in range(args.warmup):
        client.get(short)
    for _ in range(args.repeat):
        res.idle.append(client.get(short)[0])
        time.sleep(pace)

    lock = threading.Lock()
    state = {"running": False, "generation": 0}
    stop = threading.Event()

    def long_loop() -> None:
        lc = Client(port, 600)
        while not stop.is_set():
            with lock:
                state["running"] = True
                state["generation"] += 1
            try:
                elapsed, status, body = lc.get(long)
                res.long_runs.append(elapsed)
                res.long_status.add(status if status == 200 else f"{status} {body[:80]!r}")
            except OSError as exc:
                res.long_status.add(type(exc).__name__)
                stop.set()
            finally:
                with lock:
                    state["running"] = False
        lc.close()

    thread = threading.Thread(target=long_loop, daemon=True)
    thread.start()
    time.sleep(0.5)  # let the long query reach a worker
    deadline = time.monotonic() + max(120.0, args.repeat * 2.0)
    while len(res.loaded) < args.repeat and time.monotonic() < deadline and not (stop.is_set() and not thread.is_alive()):
        with lock:
            before = (state["running"], state["generation"])
        elapsed = client.get(short)[0]
        with lock:
            after = (state["running"], state["generation"])
        if before[0] and before == after:  # the same long query ran before and after this one
            res.loaded.append(elapsed)
        else:
            res.discarded += 1
            time.sleep(0.3)  # a new long query is being sent: let it start
        time.sleep(pace)
    stop.set()
    thread.join()
    client.close()
    return res


# ---------------------------------------------------------------------------------------------------
# Report


def table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, r in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def machine_info(rdflib_python: str) -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        versions = subprocess.run(
            [rdflib_python, "-c", "import importlib.metadata as m; print(m.version('rdflib-endpoint'), m.version('rdflib'))"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.split()
    except OSError:
        versions = []
    rdflib_v = f"rdflib-endpoint {versions[0]} (rdflib {versions[1]})" if len(versions) == 2 else "rdflib-endpoint ?"
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return (
        f"machine: {cores} cores ({usable} usable) {model}; Python {platform.python_version()}; "
        f"pyoxigraph {ox.__version__}; {rdflib_v}"
    )


def report(
    results: list[QueryResult],
    conc: Concurrency | None,
    args: argparse.Namespace,
    info: str,
    quads: int,
    load: tuple[float, float],
    plumbing: dict[str, float],
) -> None:
    head = [
        "query", "rows", "rdflib-ep ms", "n", "ours ms", "ratio", f">={TARGET_RATIO:g}x",
        "/queries ms", "floor ms", "ours-floor", "ours/floor", "<=2ms+10%",
    ]  # fmt: skip
    rows = [head]
    verdicts: dict[str, list[str]] = {"ratio": [], "floor": []}
    warnings = []
    for r in results:
        ours, rdf, floor = med(r.ours), med(r.rdflib), med(r.floor)
        if r.rdflib_error is not None:
            rdf_cell, ratio_cell, ok_ratio = "error", "-", "n/a"
        elif r.rdflib_timeout is not None:
            rdf_cell, ratio = f">{r.rdflib_timeout * 1000:.0f}", r.rdflib_timeout / ours
            ratio_cell, ok_ratio = f">{ratio:.0f}x", "PASS" if ratio >= TARGET_RATIO else "n/a"
        else:
            ratio = rdf / ours
            rdf_cell, ratio_cell = f"{ms(rdf):.1f}", f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x"
            ok_ratio = "PASS" if ratio >= TARGET_RATIO else "FAIL"
        over = ours - floor
        ok_floor = "PASS" if ms(over) <= FLOOR_ABS_MS + FLOOR_REL * ms(floor) else "FAIL"
        verdicts["ratio"].append(ok_ratio)
        verdicts["floor"].append(ok_floor)
        answered = {k: v for k, v in r.rows.items() if isinstance(v, int)}
        if len(set(answered.values())) > 1 or len(answered) < len(r.rows):
            warnings.append(f"{r.id}: " + ", ".join(f"{k}={v}" for k, v in r.rows.items()))
        rows_cell = str(r.rows.get("ours")) + ("" if len(set(answered.values())) <= 1 else "!")
        rows.append(
            [
                r.id, rows_cell, rdf_cell, str(len(r.rdflib)), f"{ms(ours):.2f}", ratio_cell, ok_ratio,
                f"{ms(med(r.canned)):.2f}", f"{ms(floor):.2f}",
                f"{ms(over):+.2f}", f"{ours / floor:.1f}x", ok_floor,
            ]
        )  # fmt: skip

    def tally(v: list[str]) -> str:
        return ", ".join(f"{v.count(k)} {k}" for k in ("PASS", "FAIL", "n/a") if v.count(k))

    n = len(results)
    print()
    print(f"AIGov KG endpoint benchmark: {quads} quads, {n} canned queries, {args.repeat} repetitions (median)")
    print(info)
    print(f"load average before/after: {load[0]:.2f} / {load[1]:.2f}; our server: {args.workers} worker processes")
    print(
        f"plumbing (medians): our GET /health {ms(plumbing['health']):.2f} ms, GET /sparql ASK {{}} "
        f"{ms(plumbing['ask']):.2f} ms; in-process ASK {{}} {ms(plumbing['ask_floor']):.3f} ms"
    )
    print()
    for line in table(rows, right=set(range(1, len(head)))):
        print(line)
    print()
    print("ours = GET /sparql (same text as rdflib-endpoint); /queries = GET /queries/{id} (engine binds defaults);")
    print("floor = pyoxigraph in-memory Store in this process: query + SPARQL JSON, no HTTP; n = rdflib-endpoint samples;")
    for w in warnings:
        print("WARNING rows differ or a server failed: " + w[:160])
    print()
    print(f"target 1, >= {TARGET_RATIO:g}x faster than rdflib-endpoint: {tally(verdicts['ratio'])} (of {n})")
    print(f"target 2, ours <= floor + {FLOOR_ABS_MS:g} ms + {FLOOR_REL:.0%} of floor: {tally(verdicts['floor'])} (of {n})")
    if conc is not None:
        idle, loaded = med(conc.idle), med(conc.loaded)
        ratio = loaded / idle
        ok = bool(conc.loaded) and ratio <= CONCURRENT_RATIO
        print(
            f"target 3, short query '{conc.short_id}' under a long one: idle {ms(idle):.2f} ms, "
            f"during {ms(loaded):.2f} ms (n={len(conc.loaded)}, {conc.discarded} discarded) -> {ratio:.2f}x "
            f"(<= {CONCURRENT_RATIO:g}x): {'PASS' if ok else 'FAIL'}"
        )
        statuses = ", ".join(str(s) for s in sorted(conc.long_status, key=str))
        runs = ", ".join(f"{t:.1f}" for t in conc.long_runs)
        print(
            f"  long query (COUNT of a predicate self-join, K={conc.long_k}): "
            f"{len(conc.long_runs)} run(s) of {runs} s, HTTP {statuses}"
        )


# ---------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=30, help="timed repetitions per query and server (default 30)")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3; rdflib-endpoint gets 1)")
    p.add_argument("--dataset", metavar="FILE", help="N-Quads file to serve (default: export the built dataset)")
    p.add_argument("--rdflib-python", default=DEFAULT_RDFLIB_PYTHON, help="interpreter of the venv with rdflib-endpoint")
    p.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds one rdflib-endpoint query may take")
    p.add_argument(
        "--rdflib-budget", type=float, default=60.0, help="rdflib-endpoint seconds per query after which it is sampled no more"
    )
    p.add_argument("--workers", type=int, default=2, help="our server's worker processes (its default: 2)")
    p.add_argument("--short", default="coalition-members", help="canned query timed under the long one")
    p.add_argument("--long-seconds", type=float, default=5.0, help="how long the long query should run (default 5)")
    p.add_argument("--pace", type=float, default=20.0, help="ms between short-query samples in the concurrency check")
    p.add_argument("--skip-concurrency", action="store_true")
    args = p.parse_args(argv)

    if not Path(args.rdflib_python).exists():
        print(f"error: {args.rdflib_python} not found: create the competitor's venv (bench/README.md)", file=sys.stderr)
        return 2
    queries = load_canned(data_dir("queries"))  # the same files our server's /queries/{id} runs
    if not queries:
        print("error: no canned queries", file=sys.stderr)
        return 2
    load_before = os.getloadavg()[0]
    info = machine_info(args.rdflib_python)
    work = Path(tempfile.mkdtemp(prefix="aigov-bench-"))
    if args.dataset:
        dataset = Path(args.dataset).resolve()
    else:
        dataset = work / "dataset.nq"
        print(f"exporting the dataset to {dataset} ...", file=sys.stderr, flush=True)
        cmd = [sys.executable, "-m", "aigovkg.cli", "export", "-q", "--format", "nquads", "-o", str(dataset)]
        if subprocess.run(cmd).returncode != 0:
            shutil.rmtree(work, ignore_errors=True)
            return 2

    ours_server = Server(
        "aigov serve",
        [sys.executable, "-m", "aigovkg.cli", "serve", "-q", "--dataset", str(dataset), "--port", "{port}",
         "--workers", str(args.workers)],
        "/health",
        work / "aigov-serve.log",
    )  # fmt: skip
    rdflib_server = Server(
        "rdflib-endpoint",
        [args.rdflib_python, str(BENCH / "rdflib_endpoint_server.py"), str(dataset), "{port}"],
        "/sparql?query=" + quote("ASK {}", safe=""),
        work / "rdflib-endpoint.log",
    )
    print("starting both servers and loading the floor store ...", file=sys.stderr, flush=True)
    try:
        ours_server.start()
        rdflib_server.start()
        quads = parse_rdf_file(dataset)
        floor_store = OxigraphStore(quads)
        ours = Client(ours_server.port, 120)
        rdflib = Client(rdflib_server.port, args.rdflib_timeout)
        plumbing = measure_plumbing(ours, floor_store.store, args)
        results = []
        for q in queries.values():
            print(f"  {q.id} ...", file=sys.stderr, flush=True)
            results.append(bench_query(q, ours, rdflib, rdflib_server, floor_store.store, args))
        rdflib.close()
        rdflib_server.stop()  # it takes no part in the concurrency check: leave its core free
        conc = None
        if not args.skip_concurrency:
            if args.short not in queries:
                print(f"warning: no canned query {args.short!r}; concurrency check skipped", file=sys.stderr)
            else:
                print("  concurrency ...", file=sys.stderr, flush=True)
                conc = bench_concurrency(queries[args.short], ours_server.port, len(floor_store), args)
        ours.close()
    except (RuntimeError, OSError) as exc:
        print(f"error: {type(exc).__name__}: {exc}\n(server logs kept in {work})", file=sys.stderr)
        return 2
    finally:
        ours_server.stop()
        rdflib_server.stop()
    shutil.rmtree(work, ignore_errors=True)
    report(results, conc, args, info, len(floor_store), (load_before, os.getloadavg()[0]), plumbing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
