"""The ``aigov`` command line, run as a subprocess (``python -m aigovkg.cli``): help, exit codes, error locations."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pytest

from aigovkg.cli import parser


def subcommands() -> list[str]:
    actions = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def output(proc: Any) -> str:
    return proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")


def test_subcommands_are_the_documented_ones() -> None:
    assert subcommands() == ["anchor", "build", "docs", "export", "links", "release", "serve", "stats", "validate"]


@pytest.mark.parametrize("args", [["--help"], ["--version"], *([name, "--help"] for name in subcommands())])
def test_help(aigov: Any, args: list[str]) -> None:
    proc = aigov(*args, timeout=60)
    assert proc.returncode == 0, output(proc)
    assert proc.stdout.strip(), "printed nothing"
    if args[0] != "--version":
        assert proc.stdout.decode().startswith("usage: aigov")


def test_no_command_is_usage_error(aigov: Any) -> None:
    proc = aigov(timeout=60)
    assert proc.returncode == 2
    assert "usage: aigov" in proc.stderr.decode()


@pytest.mark.reasoner
def test_validate_shipped_data(aigov: Any) -> None:
    proc = aigov("validate", "--skip-evidence", "--quiet")
    assert proc.returncode == 0, output(proc)
    assert "valid: no violations (shapes, reasoner)" in proc.stdout.decode()


def assert_one_located_error(proc: Any, name: str, line: int, reason: str) -> None:
    """Exit 1; ``name:line:col: ... reason`` on one line; no traceback."""
    text = output(proc)
    assert proc.returncode == 1, text
    assert "Traceback" not in text
    located = [ln for ln in text.splitlines() if re.match(rf"{re.escape(name)}:{line}:\d+: ", ln)]
    assert len(located) == 1, f"expected one line starting {name}:{line}:COL:, got:\n{text}"
    assert reason in located[0], located[0]
    assert "1 violation(s)" in text


def test_validate_malformed_yaml(aigov: Any, tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "paper: lei-yu-2025\n"
        "define:\n"
        "  x: {type: State, zh: 甲}: oops\n"  # line 3: a mapping value where none is allowed
        "passages: []\n",
        encoding="utf-8",
    )
    proc = aigov("validate", "--skip-evidence", "--quiet", "broken.yaml", cwd=tmp_path, timeout=120)
    assert_one_located_error(proc, "broken.yaml", 3, "YAML syntax error")


def test_validate_malformed_turtle(aigov: Any, tmp_path: Path) -> None:
    (tmp_path / "broken.ttl").write_text(
        "@prefix ex: <http://example.org/> .\n"
        "ex:a ex:b ex:c .\n"
        "ex:d ex:e <not an iri> .\n"  # line 3: spaces inside an IRI
        "ex:f ex:g ex:h .\n",
        encoding="utf-8",
    )
    proc = aigov("validate", "--skip-evidence", "--quiet", "broken.ttl", cwd=tmp_path, timeout=120)
    assert_one_located_error(proc, "broken.ttl", 3, "syntax error")


def test_validate_nonexistent_path_is_usage_error(aigov: Any, tmp_path: Path) -> None:
    proc = aigov("validate", "--skip-evidence", str(tmp_path / "nope.yaml"), timeout=60)
    assert proc.returncode == 2, output(proc)
    assert "nope.yaml: no such file or folder" in proc.stderr.decode()
    assert "Traceback" not in output(proc)


def test_validate_without_corpus_is_usage_error(aigov: Any, tmp_path: Path) -> None:
    missing = tmp_path / "no-corpus"
    proc = aigov("validate", cwd=tmp_path, env={"AIGOV_CORPUS": str(missing)}, timeout=60)
    assert proc.returncode == 2, output(proc)
    assert f"corpus folder {missing} does not exist" in proc.stderr.decode()
    assert "Traceback" not in output(proc)
