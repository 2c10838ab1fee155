"""Shared fixtures: the built dataset (real shipped data, reasoning on), the corpus, a live endpoint.

Nothing is skipped quietly: a test that needs Java or the corpus fails, with a message, when it is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from rdflib import Dataset, Graph

from aigovkg.dataset import Build, build
from aigovkg.paths import data_dir, default_corpus_dir
from aigovkg.store import OxigraphStore

CLI_TIMEOUT = 600  # seconds for one `aigov` subprocess
# rdflib 7 warns about its own internals while parsing JSON-LD and quads; nothing the data can change.
RDFLIB_INTERNAL_DEPRECATIONS = r"(ConjunctiveGraph is deprecated|Dataset\.default_context is deprecated)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what needs Java (the ``built`` dataset) or the corpus, so ``-m`` can select them."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if {"built", "store", "client", "endpoint", "server", "served_quads"} & set(fixtures):
            item.add_marker(pytest.mark.reasoner)
        if "corpus_dir" in fixtures:
            item.add_marker(pytest.mark.corpus)


@pytest.fixture(scope="session")
def built() -> Build:
    """The dataset built from the shipped data, reasoning on, shapes and evidence off."""
    if shutil.which("java") is None:
        pytest.fail("Java is not on PATH: the build reasons with HermiT, which needs `java` (install default-jre-headless)")
    result = build(corpus=None, shapes=False)
    if not result.quads:
        pytest.fail("the shipped data does not compile:\n" + "\n".join(map(str, result.violations)))
    return result


@pytest.fixture(scope="session")
def compiled() -> Build:
    """The shipped data compiled only (no reasoning, no shapes, no evidence): quick, for the link tests."""
    result = build(reasoning=False, shapes=False)
    if not result.quads:
        pytest.fail("the shipped data does not compile:\n" + "\n".join(map(str, result.violations)))
    return result


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The corpus folder ($AIGOV_CORPUS or ../shared/corpus): missing is a failure, not a skip."""
    root = default_corpus_dir()
    if root is None or not root.is_dir():
        pytest.fail(f"corpus folder not found ({root or '../shared/corpus'}): set AIGOV_CORPUS to the corpus folder")
    return root


@pytest.fixture(scope="session")
def sources() -> dict[str, Any]:
    """instances/sources.yaml as plain data (the installed package's copy)."""
    return yaml.safe_load((data_dir("instances") / "sources.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def store(built: Build) -> OxigraphStore:
    return OxigraphStore(built.quads)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Run ``app`` under a real uvicorn server (lifespan on) on a free port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", ws="none"))
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported by the fixture, not lost in the thread
            errors.append(exc)

    thread = threading.Thread(target=serve, name="uvicorn-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if errors or not thread.is_alive():
            pytest.fail(f"the test server did not start: {errors[0] if errors else 'thread ended'}")
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start within 60 s")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
    assert not thread.is_alive(), "the test server did not stop"
    assert not errors, f"the test server failed: {errors[0]!r}"


@pytest.fixture(scope="session")
def served_quads(built: Build) -> list[Any]:
    from aigovkg.rdfterms import to_ox_quads

    return to_ox_quads(built.quads)


def make_app(quads: list[Any], **limits: Any) -> Any:
    """The application over a fresh process engine holding ``quads``."""
    from aigovkg.app import create_app
    from aigovkg.engine import ProcessEngine
    from aigovkg.protocol import Limits

    settings = Limits(**limits)
    engine = ProcessEngine(quads, writable=settings.allow_update, workers=2, timeout=settings.timeout)
    return create_app(engine, settings, quads=quads)


@pytest.fixture(scope="session")
def server(served_quads: list[Any]) -> Iterator[str]:
    """A real uvicorn server over the built data (read-only, default limits); yields the base URL."""
    with serve_in_thread(make_app(served_quads)) as base:
        yield base


@pytest.fixture(scope="session")
def endpoint(server: str) -> str:
    """The /sparql URL of ``server``."""
    return server + "/sparql"


@pytest.fixture(scope="session")
def client(served_quads: list[Any]) -> Iterator[Any]:
    """An in-process FastAPI TestClient over the built data (its query workers are real processes)."""
    with warnings.catch_warnings():
        # Starlette >= 1 prefers httpx2 and warns when it falls back to httpx (what the test extra installs).
        warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient` is deprecated")
        from fastapi.testclient import TestClient

    with TestClient(make_app(served_quads)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def cli_server() -> Callable[..., Any]:
    """Start ``aigov serve ARGS`` in a subprocess on a free port: a context manager yielding the base URL."""

    @contextmanager
    def start(*args: str) -> Iterator[str]:
        import httpx

        port = free_port()
        log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below, after the server stops)
        proc = subprocess.Popen(
            [sys.executable, "-m", "aigovkg.cli", "serve", "--port", str(port), "-q", *args],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        try:
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"aigov serve {' '.join(args)} exited with {proc.returncode}: {log.read().decode()[-2000:]}")
                try:
                    if httpx.get(base + "/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"aigov serve {' '.join(args)} did not answer within 120 s")
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()

    return start


@pytest.fixture(scope="session")
def aigov() -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """Run the CLI as ``python -m aigovkg.cli ARGS`` in a subprocess; returns the completed process."""

    def run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = CLI_TIMEOUT
    ) -> subprocess.CompletedProcess[bytes]:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "aigovkg.cli", *args], cwd=cwd, env=full_env, capture_output=True, timeout=timeout, check=False
        )

    return run


@pytest.fixture(scope="session")
def parse_rdf() -> Callable[[bytes, str], Graph]:
    """Parse bytes with rdflib (a Dataset for quad formats), with only rdflib's own deprecations silenced."""

    def parse(data: bytes, fmt: str) -> Graph:
        target: Graph = Dataset() if fmt in ("nquads", "trig") else Graph()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=RDFLIB_INTERNAL_DEPRECATIONS, category=DeprecationWarning)
            target.parse(data=data, format=fmt)
        return target

    return parse
