"""What ``aigov validate`` found, as a report for people (text) or for CI (JSON, JUnit XML, SHACL/Turtle).

:func:`run_validation` runs the checks once and returns an :class:`Outcome`; :func:`render` turns it
into any of the formats, so every format reports the same violations. The formats are described in
docs/validation.md; their shapes are stable (the JSON carries ``report_version``).

The checks, by the names the reports use:

* ``parse``: every source file parses and compiles (YAML, Turtle, TriG, N-Quads, N-Triples, JSON-LD);
  when one does not, the other checks do not run;
* ``shapes``: the SHACL shapes (violations printed with the tag ``[shacl]``);
* ``reasoner``: HermiT finds the ontology and data consistent and every class satisfiable;
* ``evidence``: every quote is in the corpus, verbatim, at its offsets.
"""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from . import __version__
from .corpus import Corpus
from .errors import SourceError
from .namespaces import AIGOV, INFERRED_GRAPH, ONTOLOGY_GRAPH, SH
from .report import Violation

FORMATS = ("text", "json", "junit", "shacl")
CHECKS = ("parse", "shapes", "reasoner", "evidence")
REPORT_VERSION = 1  # of the JSON shape; raised only when a field changes meaning or disappears

AIGOVSH = Namespace("https://w3id.org/aigov/shapes#")
# sh:sourceConstraintComponent (and sh:sourceShape) of the results that do not come from a SHACL shape.
CHECK_COMPONENTS = {
    "parse": AIGOVSH.ParseCheck,
    "reasoner": AIGOVSH.ReasonerCheck,
    "evidence": AIGOVSH.EvidenceCheck,
}
# Where in the sources a result's focus node was written (file:line:col), on every result of the report.
SOURCE_LOCATION = AIGOVSH.sourceLocation

# The tag a violation carries in the text output (Violation.check) -> the check that found it.
CHECK_OF_KIND = {"parse": "parse", "compile": "parse", "shacl": "shapes", "reasoner": "reasoner", "evidence": "evidence"}

Progress = Callable[[str], None]


@dataclass
class CheckRun:
    """One check: whether it ran, how long it took, and why not when it did not."""

    name: str
    ran: bool
    seconds: float | None = None
    reason: str = ""  # why it did not run


@dataclass
class Outcome:
    """Everything one validation found, from which every format is rendered."""

    violations: list[Violation]
    checks: list[CheckRun]
    files: list[str]  # the source files checked (the shipped instances and the given ones)
    shacl_report: Graph | None = None  # pySHACL's sh:ValidationReport, when the shapes ran
    origins: dict[str, str] = field(default_factory=dict)  # node IRI -> file:line:col that wrote it

    @property
    def valid(self) -> bool:
        return not self.violations

    def check(self, name: str) -> CheckRun:
        return next(c for c in self.checks if c.name == name)

    def of_check(self, name: str) -> list[Violation]:
        return [v for v in self.violations if check_of(v) == name]


def check_of(violation: Violation) -> str:
    """The check (parse, shapes, reasoner, evidence) that found ``violation``."""
    return CHECK_OF_KIND.get(violation.check, violation.check)


def split_location(where: str) -> tuple[str | None, int | None, int | None]:
    """A violation's location as (file, line, column), each None when unknown.

    >>> split_location("instances/papers/x.yaml:12:5")
    ('instances/papers/x.yaml', 12, 5)
    >>> split_location("bad.ttl:3")
    ('bad.ttl', 3, None)
    >>> split_location("<dataset>")
    (None, None, None)
    """
    if not where or where.startswith("<"):
        return None, None, None
    m = re.fullmatch(r"(.+?):(\d+)(?::(\d+))?", where)
    if m is None:
        return where, None, None
    return m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None


# --------------------------------------------------------------------------------------------------
# Running the checks
# --------------------------------------------------------------------------------------------------


def run_validation(
    paths: Sequence[Path] = (), corpus: Corpus | None = None, *, reasoning: bool = True, progress: Progress | None = None
) -> Outcome:
    """Validate the shipped instances plus ``paths``: the same checks as :func:`aigovkg.dataset.build`.

    The shapes run here rather than inside ``build`` so that pySHACL's report graph is kept for
    ``--format shacl``; the violations are the ones ``build`` would report.
    """
    from .dataset import build, select_sources
    from .shacl import load_shapes, run_shapes, union_graph

    say = progress or (lambda _msg: None)
    skipped_reasoner = CheckRun("reasoner", False, reason="turned off (--no-reason)")
    skipped_evidence = CheckRun("evidence", False, reason="turned off (--skip-evidence, or no corpus)")
    try:
        yaml_paths, rdf_paths = select_sources(paths)
    except SourceError as exc:  # a file of an unknown type: reported like any file that does not parse
        bad = Violation(str(exc.location), "", "", exc.message, "parse")
        not_run = "not run: a source file does not parse"
        checks = [CheckRun("parse", True, 0.0), *(CheckRun(n, False, reason=not_run) for n in CHECKS[1:])]
        return Outcome([bad], checks, [str(p) for p in paths])
    files = [str(p) for p in [*yaml_paths, *rdf_paths]]

    result = build(paths, corpus=corpus, reasoning=reasoning, shapes=False, progress=say)
    parse = CheckRun("parse", True, result.timings.get("compile"))
    if not result.quads:
        not_run = "not run: a source file does not parse"
        checks = [parse, *(CheckRun(n, False, reason=not_run) for n in CHECKS[1:])]
        return Outcome(list(result.violations), checks, files, None, dict(result.compilation.origins))

    started = time.perf_counter()
    say("validating with the SHACL shapes")
    instance_quads = [q for q in result.quads if q[3] != ONTOLOGY_GRAPH and q[3] != INFERRED_GRAPH]
    shape_violations, report = run_shapes(union_graph(instance_quads), result.ontology, load_shapes(), result.compilation.origins)
    shapes = CheckRun("shapes", True, time.perf_counter() - started)
    reasoner = CheckRun("reasoner", True, result.timings.get("reason")) if reasoning else skipped_reasoner
    evidence = CheckRun("evidence", True, result.timings.get("evidence")) if corpus is not None else skipped_evidence
    return Outcome(
        sorted([*result.violations, *shape_violations]),
        [parse, shapes, reasoner, evidence],
        files,
        report,
        dict(result.compilation.origins),
    )


# --------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------


def render(outcome: Outcome, fmt: str) -> bytes:
    """The report in ``fmt`` (one of FORMATS), as UTF-8 bytes ready to write."""
    if fmt == "text":
        return render_text(outcome).encode("utf-8")
    if fmt == "json":
        return render_json(outcome).encode("utf-8")
    if fmt == "junit":
        return render_junit(outcome)
    if fmt == "shacl":
        return render_shacl(outcome)
    raise ValueError(f"unknown report format {fmt!r} (expected one of {', '.join(FORMATS)})")


def summary(outcome: Outcome) -> str:
    """The last line of the text report: ``N violation(s)``, or which checks found nothing."""
    if outcome.violations:
        return f"{len(outcome.violations)} violation(s)"
    ran = [c.name for c in outcome.checks if c.ran and c.name != "parse"]
    return f"valid: no violations ({', '.join(ran)})"


def render_text(outcome: Outcome) -> str:
    """One line per violation (file:line:col, node, path: [check] message); ``valid: ...`` when there are none.

    The count of violations is not part of it: the command prints it on standard error.
    """
    lines = [str(v) for v in outcome.violations]
    if outcome.valid:
        lines.append(summary(outcome))
    return "".join(line + "\n" for line in lines)


def violation_dict(v: Violation) -> dict[str, object]:
    file, line, column = split_location(v.where)
    return {
        "check": check_of(v),
        "kind": v.check,
        "location": v.where,
        "file": file,
        "line": line,
        "column": column,
        "node": v.node or None,
        "path": v.path or None,
        "message": v.message,
    }


def check_status(outcome: Outcome, check: CheckRun) -> str:
    if not check.ran:
        return "not-run" if check.reason.startswith("not run") else "skipped"
    return "failed" if outcome.of_check(check.name) else "passed"


def as_dict(outcome: Outcome) -> dict[str, object]:
    """The JSON report as Python data (see docs/validation.md for every field)."""
    by_check = {name: len(outcome.of_check(name)) for name in CHECKS}
    return {
        "report_version": REPORT_VERSION,
        "tool": f"aigov {__version__}",
        "valid": outcome.valid,
        "checks": [
            {
                "name": c.name,
                "status": check_status(outcome, c),
                "violations": by_check[c.name],
                "seconds": None if c.seconds is None else round(c.seconds, 3),
                "reason": c.reason or None,
            }
            for c in outcome.checks
        ],
        "violations": [violation_dict(v) for v in outcome.violations],
        "counts": {"violations": len(outcome.violations), "files": len(outcome.files), "by_check": by_check},
    }


def render_json(outcome: Outcome) -> str:
    return json.dumps(as_dict(outcome), ensure_ascii=False, indent=2) + "\n"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (a quote could contain them)."""
    return _XML_INVALID.sub("\ufffd", text)


def render_junit(outcome: Outcome) -> bytes:
    """JUnit XML: a <testsuite> per check; a <testcase> per source file that passed the check, per violation.

    A violation is a <testcase> holding a <failure>; a check that did not run is one skipped <testcase>.
    The reasoner judges the dataset as a whole, so when it passes its one <testcase> is "<dataset>".
    """
    root = ET.Element("testsuites", name="aigov validate")
    totals = {"tests": 0, "failures": 0, "skipped": 0, "time": 0.0}
    for check in outcome.checks:
        classname = f"aigov.{check.name}"
        suite = ET.SubElement(root, "testsuite", name=classname)
        cases = failures = skipped = 0
        if not check.ran:
            case = ET.SubElement(suite, "testcase", classname=classname, name=check.name, time="0")
            ET.SubElement(case, "skipped", message=_xml_text(check.reason))
            cases, skipped = 1, 1
        else:
            found = outcome.of_check(check.name)
            failing_files = {split_location(v.where)[0] for v in found}
            passing = ["<dataset>"] if check.name == "reasoner" else outcome.files
            for name in passing:
                if name not in failing_files and not (check.name == "reasoner" and found):
                    ET.SubElement(suite, "testcase", classname=classname, name=name, file=name, time="0")
                    cases += 1
            for v in found:
                file, line, _ = split_location(v.where)
                attrs = {"classname": classname, "name": _xml_text(v.where + (f" <{v.node}>" if v.node else "")), "time": "0"}
                if file is not None:
                    attrs["file"] = file
                if line is not None:
                    attrs["line"] = str(line)
                case = ET.SubElement(suite, "testcase", attrs)
                failure = ET.SubElement(case, "failure", message=_xml_text(v.message), type=v.check)
                failure.text = _xml_text(str(v))
                cases += 1
                failures += 1
        seconds = check.seconds or 0.0
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        suite.set("time", f"{seconds:.3f}")
        totals["tests"] += cases
        totals["failures"] += failures
        totals["skipped"] += skipped
        totals["time"] += seconds
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    root.set("time", f"{totals['time']:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _term(text: str) -> URIRef | Literal:
    """A violation's node as an RDF term: an IRI when it looks like one, else a plain literal."""
    return URIRef(text) if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:\S*$", text) else Literal(text)


def report_graph(outcome: Outcome) -> Graph:
    """One sh:ValidationReport holding every violation, SHACL or not.

    pySHACL's report is kept as it is, except that sh:conforms says whether the data passed every
    check; each result gains aigovsh:sourceLocation (file:line:col) when the node's source is known.
    A violation found by another check is a sh:ValidationResult with sh:resultSeverity sh:Violation and
    sh:sourceConstraintComponent (and sh:sourceShape) aigovsh:ParseCheck, ReasonerCheck or EvidenceCheck;
    its sh:focusNode is the node concerned, or the location as a literal when there is no node.
    """
    graph = Graph()
    for prefix, ns in (("sh", SH), ("aigovsh", AIGOVSH), ("aigov", AIGOV), ("rdfs", RDFS), ("xsd", XSD)):
        graph.bind(prefix, ns)
    if outcome.shacl_report is not None:
        for triple in outcome.shacl_report:
            graph.add(triple)
    report = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    if report is None:
        report = BNode("aigovreport")
        graph.add((report, RDF.type, SH.ValidationReport))
    graph.set((report, SH.conforms, Literal(outcome.valid)))
    for result in list(graph.objects(report, SH.result)):
        focus = graph.value(result, SH.focusNode)
        where = outcome.origins.get(str(focus)) if focus is not None else None
        if where:
            graph.add((result, SOURCE_LOCATION, Literal(where)))
    for number, v in enumerate(outcome.violations):
        check = check_of(v)
        if check == "shapes":
            continue
        component = CHECK_COMPONENTS.get(check, AIGOVSH[f"{check.capitalize()}Check"])
        result = BNode(f"aigovresult{number}")  # stable labels: the same outcome gives the same bytes
        graph.add((report, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, _term(v.node) if v.node else Literal(v.where)))
        if v.path:
            graph.add((result, SH.resultPath, _term(v.path)))
        graph.add((result, SH.resultSeverity, SH.Violation))
        graph.add((result, SH.sourceConstraintComponent, component))
        graph.add((result, SH.sourceShape, component))
        graph.add((result, SH.resultMessage, Literal(v.message)))
        graph.add((result, SOURCE_LOCATION, Literal(v.where)))
    return graph


def render_shacl(outcome: Outcome) -> bytes:
    return report_graph(outcome).serialize(format="turtle", encoding="utf-8")


__all__ = [
    "CHECKS",
    "FORMATS",
    "CheckRun",
    "Outcome",
    "render",
    "render_json",
    "render_junit",
    "render_shacl",
    "render_text",
    "report_graph",
    "run_validation",
    "summary",
]
