"""The compact YAML sources compile to the model in docs/data-model.md, and errors point at file:line:col."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from aigovkg.compiler import Compiler
from aigovkg.namespaces import AIGOV, ID, ORG, PAPER
from aigovkg.ontology import OntologyIndex

SOURCES = """\
files:
  f.txt: {sha256: 0000000000000000000000000000000000000000000000000000000000000000}
papers:
  p1:
    file: f.txt
    lines: [1, 10]
    title: {zh: 标题, en: Title}
"""
ENTITIES = """\
entities:
  us: {type: State, zh: 美国, en: United States}
  eo: {type: Instrument, kind: executive-order, binding: hard, zh: 行政命令, en: An order}
  c1: {type: Coalition, zh: 弱监管联盟, en: Weak coalition}
  b1: {type: Value, zh: 创新优先, en: Innovation first}
"""


@pytest.fixture(scope="module")
def onto() -> OntologyIndex:
    return OntologyIndex.load()


def compile_text(tmp_path: Path, onto: OntologyIndex, paper: str):  # type: ignore[no-untyped-def]
    (tmp_path / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / "p1.yaml").write_text(textwrap.dedent(paper), encoding="utf-8")
    return Compiler(onto).compile(sorted(tmp_path.glob("*.yaml")))


def test_claims_and_evidence(tmp_path: Path, onto: OntologyIndex) -> None:
    result = compile_text(
        tmp_path,
        onto,
        """\
        paper: p1
        passages:
          - q: 美国发布行政命令
            at: 5
            mentions: [us]
            facts:
              - [eo, issuedBy, us]
              - [eo, dateIssued, 2023-10]
            members:
              - [us, c1, representative]
            beliefs:
              - [c1, for, b1]
        """,
    )
    assert result.errors == []
    quads = set(result.quads)
    g = PAPER["p1"]
    assert (ID["eo"], AIGOV.issuedBy, ID["us"], g) in quads
    assert (ID["eo"], AIGOV.dateIssued, Literal("2023-10", datatype=XSD.gYearMonth), g) in quads
    assert (ID["us"], ORG.memberOf, ID["c1"], g) in quads
    kinds = {o for s, p, o, gg in quads if p == RDF.type and gg == g}
    assert {AIGOV.StatementClaim, AIGOV.BeliefAttribution, AIGOV.MembershipAttribution, AIGOV.Evidence} <= kinds
    ev = URIRef("https://w3id.org/aigov/id/evidence/f/5-13")
    assert (
        URIRef(f"{ev}#position"),
        URIRef("http://www.w3.org/ns/oa#end"),
        Literal(13, datatype=XSD.nonNegativeInteger),
        g,
    ) in quads
    claims = {s for s, p, o, gg in quads if p == AIGOV.hasEvidence and o == ev}
    assert len(claims) == 5  # mention, two facts, membership, belief


def test_language_tagged_object_and_qualifiers(tmp_path: Path, onto: OntologyIndex) -> None:
    result = compile_text(
        tmp_path,
        onto,
        """\
        paper: p1
        define:
          ev: {type: Event, zh: 事件, en: An event}
        passages:
          - q: 美国
            at: 1
            facts:
              - [ev, outcome, {zh: 微软败诉}]
              - [ev, outcome, {en: lost}, {basis: coded}]
        """,
    )
    assert result.errors == []
    values = {o for s, p, o, g in result.quads if p == AIGOV.outcome}
    assert values == {Literal("微软败诉", lang="zh"), Literal("lost", lang="en")}
    coded = {s for s, p, o, g in result.quads if p == AIGOV.basis and str(o).endswith("/coded")}
    assert len(coded) == 1


def test_same_claim_in_two_passages_is_one_node_with_two_spans(tmp_path: Path, onto: OntologyIndex) -> None:
    result = compile_text(
        tmp_path,
        onto,
        """\
        paper: p1
        passages:
          - {q: 美国, at: 1, facts: [[eo, issuedBy, us]]}
          - {q: 行政命令, at: 9, facts: [[eo, issuedBy, us]]}
        """,
    )
    assert result.errors == []
    claims = {s for s, p, o, g in result.quads if p == AIGOV.hasEvidence}
    spans = {o for s, p, o, g in result.quads if p == AIGOV.hasEvidence}
    assert len(claims) == 1 and len(spans) == 2


@pytest.mark.parametrize(
    ("body", "line", "col", "message"),
    [
        ("paper: p1\npassages:\n  - q: x\n    at: 1\n    facts:\n      - [eo, issuedBy, usa]\n", 6, 24, "unknown entity 'usa'"),
        (
            "paper: p1\npassages:\n  - q: x\n    at: 1\n    facts:\n      - [eo, isuedBy, us]\n",
            6,
            14,
            "not a property of the ontology",
        ),
        ("paper: p1\npassages:\n  - q: x\n    at: 1\n    facts:\n      - [eo, dateIssued, October]\n", 6, 26, "is not a date"),
        ("paper: p1\npassages:\n  - q: x\n    at: 1\n    beliefs:\n      - [c1, maybe, b1]\n", 6, 14, "stance must be"),
        ("paper: p1\npassages:\n  - q: x\n    facts: []\n", 3, 8, "no offset 'at'"),
        ("paper: p1\npassages:\n  - q: x\n    at: 1\n    colour: red\n", 5, 5, "unknown key 'colour'"),
        ("paper: p1\npassages:\n  - q: x\n    at: 1\n   facts: [\n", 5, 4, "YAML syntax error"),
        ("paper: nope\npassages: []\n", 1, 8, "has no record in sources.yaml"),
    ],
    ids=[
        "unknown-entity",
        "unknown-property",
        "bad-date",
        "bad-stance",
        "no-offset",
        "unknown-key",
        "yaml-syntax",
        "unknown-paper",
    ],
)
def test_errors_point_at_the_place(tmp_path: Path, onto: OntologyIndex, body: str, line: int, col: int, message: str) -> None:
    result = compile_text(tmp_path, onto, body)
    assert result.errors, "expected a compile error"
    err = result.errors[0]
    assert err.location.path.endswith("p1.yaml")
    assert (err.location.line, err.location.column) == (line, col), str(err)
    assert message in err.message


def test_entity_defined_twice_is_an_error(tmp_path: Path, onto: OntologyIndex) -> None:
    result = compile_text(tmp_path, onto, "paper: p1\ndefine:\n  us: {type: State, zh: 美, en: US}\npassages: []\n")
    assert any("already defined" in e.message for e in result.errors)
