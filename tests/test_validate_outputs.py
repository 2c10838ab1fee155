"""``aigov validate --format text|json|junit|shacl [--output FILE]``: each report on valid and on invalid data.

The checks are slow (the SHACL shapes alone take ~25 s over the shipped data), so the data is validated
twice in-process (the shipped instances; the shipped instances plus a bad contribution) and every format
is rendered from those two outcomes, also through ``aigov``'s own ``main`` with the run replaced by
the precomputed outcome. Subprocesses run only where they are cheap (a contribution that does not
parse stops before the reasoner and the shapes), plus the documented CI command once.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from aigovkg import cli, reporting
from aigovkg.corpus import Corpus
from aigovkg.namespaces import SH
from aigovkg.reporting import AIGOVSH, CHECKS, Outcome, render, run_validation

SUITES = {f"aigov.{name}" for name in CHECKS}

# A contribution that parses but breaks the rules: a State with no @zh label (the LabelZh shape) and a
# passage of a shipped paper whose quote is not the corpus text at its offset (the evidence check).
BAD_TURTLE = """\
@prefix aigov: <https://w3id.org/aigov/ontology#> .
@prefix aid: <https://w3id.org/aigov/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
aid:atlantis a aigov:State ; rdfs:label "Atlantis"@en .
"""
BAD_QUOTE_YAML = """\
paper: lei-yu-2025
passages:
  - q: "这句话不在论文里"
    at: 100
    mentions: [china]
"""
# A contribution that does not parse: an unknown property (line 6) and a Turtle syntax error (line 2).
UNKNOWN_PROPERTY_YAML = """\
paper: lei-yu-2025
passages:
  - q: "代表团体"
    at: 17503
    facts:
      - [eo-14117, isuedBy, united-states]
"""
BROKEN_TURTLE = "@prefix ex: <http://example.org/> .\nex:a ex:b <not an iri> .\n"


def output(proc: Any) -> str:
    return proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")


@pytest.fixture(scope="module")
def valid(corpus_dir: Path) -> Outcome:
    """The shipped instances with every check on (reasoner, shapes, evidence)."""
    outcome = run_validation([], Corpus(corpus_dir), reasoning=True)
    assert outcome.valid, "the shipped data has violations:\n" + "\n".join(map(str, outcome.violations))
    return outcome


@pytest.fixture(scope="module")
def invalid(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """The shipped instances plus BAD_TURTLE and BAD_QUOTE_YAML (reasoner off: the test is about formats)."""
    folder = tmp_path_factory.mktemp("contribution")
    (folder / "atlantis.ttl").write_text(BAD_TURTLE, encoding="utf-8")
    (folder / "lei-yu-extra.yaml").write_text(BAD_QUOTE_YAML, encoding="utf-8")
    outcome = run_validation([folder], Corpus(corpus_dir), reasoning=False)
    checks = {reporting.check_of(v) for v in outcome.violations}
    assert checks == {"shapes", "evidence"}, "\n".join(map(str, outcome.violations))
    return outcome


@pytest.fixture()
def unparsable(tmp_path: Path) -> Path:
    folder = tmp_path / "contribution"
    folder.mkdir()
    (folder / "lei-yu-extra.yaml").write_text(UNKNOWN_PROPERTY_YAML, encoding="utf-8")
    (folder / "broken.ttl").write_text(BROKEN_TURTLE, encoding="utf-8")
    return folder


def text_count(outcome: Outcome) -> int:
    lines = render(outcome, "text").decode("utf-8").splitlines()
    return 0 if lines == [reporting.summary(outcome)] else len(lines)


# --------------------------------------------------------------------------------------------------
# Checking each format's content
# --------------------------------------------------------------------------------------------------


def check_json(data: bytes, outcome: Outcome) -> dict[str, Any]:
    report = json.loads(data)
    assert set(report) == {"report_version", "tool", "valid", "checks", "violations", "counts"}
    assert report["report_version"] == 1
    assert report["valid"] is outcome.valid
    assert [c["name"] for c in report["checks"]] == list(CHECKS)
    for check in report["checks"]:
        assert set(check) == {"name", "status", "violations", "seconds", "reason"}
        assert check["status"] in {"passed", "failed", "skipped", "not-run"}
    assert len(report["violations"]) == text_count(outcome) == len(outcome.violations)
    assert report["counts"]["violations"] == len(report["violations"])
    assert sum(report["counts"]["by_check"].values()) == len(report["violations"])
    assert report["counts"]["files"] == len(outcome.files)
    for v in report["violations"]:
        assert set(v) == {"check", "kind", "location", "file", "line", "column", "node", "path", "message"}
        assert v["check"] in CHECKS and v["message"]
    return report


def check_junit(data: bytes, outcome: Outcome) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert {s.get("name") for s in suites} == SUITES
    failures = root.findall("./testsuite/testcase/failure")
    assert len(failures) == len(outcome.violations)
    assert int(root.get("failures", "-1")) == len(failures)
    assert int(root.get("tests", "-1")) == len(root.findall("./testsuite/testcase"))
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases) > 0
        assert int(suite.get("failures", "-1")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped", "-1")) == len(suite.findall("testcase/skipped"))
        assert suite.get("errors") == "0"
        float(suite.get("time", "x"))
        for case in cases:
            assert case.get("classname") == suite.get("name") and case.get("name")
            assert len(case) <= 1, "at most one <failure> or <skipped> per testcase"
    for failure in failures:
        assert failure.get("message") and failure.get("type") and failure.text
    return root


def check_shacl(data: bytes, outcome: Outcome, parse_rdf: Callable[[bytes, str], Graph]) -> Graph:
    graph = parse_rdf(data, "turtle")
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    (report,) = reports
    assert graph.value(report, SH.conforms) == Literal(outcome.valid)
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(outcome.violations)
    for result in results:
        assert (result, RDF.type, SH.ValidationResult) in graph
        assert graph.value(result, SH.resultSeverity) == SH.Violation
        assert graph.value(result, SH.focusNode) is not None
        assert graph.value(result, SH.sourceConstraintComponent) is not None
        assert graph.value(result, SH.resultMessage) is not None
    return graph


# --------------------------------------------------------------------------------------------------
# Valid data: the shipped instances
# --------------------------------------------------------------------------------------------------


@pytest.mark.reasoner
def test_text_valid(valid: Outcome) -> None:
    assert render(valid, "text").decode() == "valid: no violations (shapes, reasoner, evidence)\n"


@pytest.mark.reasoner
def test_json_valid(valid: Outcome) -> None:
    report = check_json(render(valid, "json"), valid)
    assert report["violations"] == []
    assert [c["status"] for c in report["checks"]] == ["passed"] * 4
    assert report["counts"]["files"] >= 16


@pytest.mark.reasoner
def test_junit_valid(valid: Outcome) -> None:
    root = check_junit(render(valid, "junit"), valid)
    assert root.get("failures") == "0" and root.get("skipped") == "0"
    parse_cases = {c.get("name") for c in root.findall("./testsuite[@name='aigov.parse']/testcase")}
    assert parse_cases == set(valid.files)
    assert [c.get("name") for c in root.findall("./testsuite[@name='aigov.reasoner']/testcase")] == ["<dataset>"]


@pytest.mark.reasoner
def test_shacl_valid(valid: Outcome, parse_rdf: Callable[[bytes, str], Graph]) -> None:
    graph = check_shacl(render(valid, "shacl"), valid, parse_rdf)
    assert (None, SH.conforms, Literal(True)) in graph
    assert not list(graph.subjects(RDF.type, SH.ValidationResult))


# --------------------------------------------------------------------------------------------------
# Invalid data: a contribution with a shape violation and a bad quote
# --------------------------------------------------------------------------------------------------


def test_text_invalid(invalid: Outcome) -> None:
    lines = render(invalid, "text").decode().splitlines()
    assert len(lines) == len(invalid.violations) == 2
    assert any("[shacl]" in ln and "atlantis" in ln for ln in lines)
    assert any("lei-yu-extra.yaml:3:" in ln and "[evidence] quote does not match" in ln for ln in lines)


def test_json_invalid(invalid: Outcome) -> None:
    report = check_json(render(invalid, "json"), invalid)
    assert report["valid"] is False
    status = {c["name"]: c["status"] for c in report["checks"]}
    assert status == {"parse": "passed", "shapes": "failed", "reasoner": "skipped", "evidence": "failed"}
    assert report["counts"]["by_check"] == {"parse": 0, "shapes": 1, "reasoner": 0, "evidence": 1}
    evidence = next(v for v in report["violations"] if v["check"] == "evidence")
    assert evidence["file"].endswith("lei-yu-extra.yaml") and evidence["line"] == 3 and evidence["column"]
    assert evidence["location"] == f"{evidence['file']}:{evidence['line']}:{evidence['column']}"
    assert evidence["path"] == "http://www.w3.org/ns/oa#exact" and "quote does not match" in evidence["message"]
    shape = next(v for v in report["violations"] if v["check"] == "shapes")
    assert (shape["kind"], shape["node"]) == ("shacl", "https://w3id.org/aigov/id/atlantis")


def test_junit_invalid(invalid: Outcome) -> None:
    root = check_junit(render(invalid, "junit"), invalid)
    failed = {s.get("name"): s.get("failures") for s in root.findall("testsuite")}
    assert failed == {"aigov.parse": "0", "aigov.shapes": "1", "aigov.reasoner": "0", "aigov.evidence": "1"}
    (skipped,) = root.findall("./testsuite[@name='aigov.reasoner']/testcase/skipped")
    assert "--no-reason" in skipped.get("message", "")
    (bad_quote,) = root.findall("./testsuite[@name='aigov.evidence']/testcase/failure/..")
    assert bad_quote.get("file", "").endswith("lei-yu-extra.yaml") and bad_quote.get("line") == "3"


def test_shacl_invalid(invalid: Outcome, parse_rdf: Callable[[bytes, str], Graph]) -> None:
    graph = check_shacl(render(invalid, "shacl"), invalid, parse_rdf)
    components = {graph.value(r, SH.sourceConstraintComponent) for r in graph.subjects(RDF.type, SH.ValidationResult)}
    assert components == {SH.QualifiedMinCountConstraintComponent, AIGOVSH.EvidenceCheck}
    (evidence,) = graph.subjects(SH.sourceConstraintComponent, AIGOVSH.EvidenceCheck)
    assert str(graph.value(evidence, AIGOVSH.sourceLocation)).rsplit("/", 1)[-1].startswith("lei-yu-extra.yaml:3:")
    assert isinstance(graph.value(evidence, SH.focusNode), URIRef)
    (shape,) = graph.subjects(SH.sourceConstraintComponent, SH.QualifiedMinCountConstraintComponent)
    assert graph.value(shape, SH.sourceShape) == AIGOVSH.LabelZh


# --------------------------------------------------------------------------------------------------
# The command: --format, --output and the exit codes (the run replaced by the outcomes above)
# --------------------------------------------------------------------------------------------------


@pytest.mark.reasoner
@pytest.mark.corpus
@pytest.mark.parametrize("fmt", reporting.FORMATS)
@pytest.mark.parametrize("case", ["valid", "invalid"])
def test_command_writes_each_format(
    fmt: str, case: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    outcome: Outcome = request.getfixturevalue(case)
    monkeypatch.setattr(reporting, "run_validation", lambda *_a, **_k: outcome)
    args = ["validate", "--quiet", "--skip-evidence", "--format", fmt]
    assert cli.main(args) == (0 if outcome.valid else 1)
    to_stdout = capsys.readouterr()
    assert to_stdout.out.encode("utf-8") == render(outcome, fmt)
    report = tmp_path / "out" / f"report.{fmt}"
    assert cli.main([*args, "--output", str(report)]) == (0 if outcome.valid else 1)
    to_file = capsys.readouterr()
    assert report.read_bytes() == render(outcome, fmt)
    assert to_file.out == ""
    assert to_file.err.strip() == reporting.summary(outcome)


# --------------------------------------------------------------------------------------------------
# Subprocesses: a contribution that does not parse (fast), the CI command, usage errors
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", reporting.FORMATS)
def test_unparsable_contribution(
    fmt: str, aigov: Any, unparsable: Path, tmp_path: Path, parse_rdf: Callable[[bytes, str], Graph]
) -> None:
    proc = aigov("validate", "--skip-evidence", "--quiet", "--format", fmt, "contribution", cwd=tmp_path, timeout=180)
    assert proc.returncode == 1, output(proc)
    assert "Traceback" not in output(proc)
    assert "2 violation(s)" in proc.stderr.decode()
    data = proc.stdout
    if fmt == "text":
        lines = data.decode().splitlines()
        assert len(lines) == 2 and all("[parse]" in ln for ln in lines)
        assert any(ln.startswith("contribution/broken.ttl:2:") for ln in lines)
        assert any(ln.startswith("contribution/lei-yu-extra.yaml:6:") and "not a property" in ln for ln in lines)
    elif fmt == "json":
        report = json.loads(data)
        assert report["valid"] is False and report["counts"]["violations"] == 2
        assert [c["status"] for c in report["checks"]] == ["failed", "not-run", "not-run", "not-run"]
        assert {(v["check"], v["file"], v["line"]) for v in report["violations"]} == {
            ("parse", "contribution/broken.ttl", 2),
            ("parse", "contribution/lei-yu-extra.yaml", 6),
        }
    elif fmt == "junit":
        root = ET.fromstring(data)
        assert {s.get("name") for s in root.findall("testsuite")} == SUITES
        assert root.get("failures") == "2" and len(root.findall("./testsuite[@name='aigov.parse']/testcase/failure")) == 2
        assert root.get("skipped") == "3"
    else:
        graph = parse_rdf(data, "turtle")
        (report,) = graph.subjects(RDF.type, SH.ValidationReport)
        assert graph.value(report, SH.conforms) == Literal(False)
        results = list(graph.objects(report, SH.result))
        assert len(results) == 2
        assert {graph.value(r, SH.sourceConstraintComponent) for r in results} == {AIGOVSH.ParseCheck}
        assert {graph.value(r, SH.resultSeverity) for r in results} == {SH.Violation}


@pytest.mark.reasoner
def test_ci_command_on_shipped_data(aigov: Any, tmp_path: Path) -> None:
    """The documented CI step, on valid data: exit 0 and a JUnit report without failures."""
    report = tmp_path / "reports" / "report.xml"
    proc = aigov("validate", "--quiet", "--skip-evidence", "--format", "junit", "--output", str(report), cwd=tmp_path)
    assert proc.returncode == 0, output(proc)
    assert proc.stdout == b""
    assert "valid: no violations (shapes, reasoner)" in proc.stderr.decode()
    root = ET.fromstring(report.read_bytes())
    assert root.get("failures") == "0" and root.get("skipped") == "1"  # the evidence check was skipped
    assert int(root.get("tests", "0")) > 16


@pytest.mark.parametrize("fmt", reporting.FORMATS)
def test_usage_errors_exit_2_and_write_no_report(fmt: str, aigov: Any, tmp_path: Path) -> None:
    report = tmp_path / "report.out"
    proc = aigov("validate", "--format", fmt, "--output", str(report), str(tmp_path / "nope.yaml"), timeout=60)
    assert proc.returncode == 2, output(proc)
    assert "nope.yaml: no such file or folder" in proc.stderr.decode()
    assert not report.exists()


def test_unknown_format_is_usage_error(aigov: Any) -> None:
    proc = aigov("validate", "--format", "xml", timeout=60)
    assert proc.returncode == 2
    assert "invalid choice: 'xml'" in proc.stderr.decode()
