"""The SHACL shapes (shapes/aigov-shapes.ttl): each shape accepts a valid graph and rejects a broken one.

``tests/fixtures/shapes/good.ttl`` is a small, complete and valid instance graph (the union of the sources,
entities and paper graphs, as the build validates it) with one node of every kind. Every non-conforming case
below is derived from it by removing some triples and adding others, and states the exact set of violations
it must produce, as (focus node, result path, source shape).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from aigovkg.ontology import load_ontology_graph
from aigovkg.shacl import load_shapes, run_shapes

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
GOOD = FIXTURES / "good.ttl"

SH = Namespace("http://www.w3.org/ns/shacl#")
AIGOVSH = Namespace("https://w3id.org/aigov/shapes#")
AIGOV = Namespace("https://w3id.org/aigov/ontology#")
VOCAB = "https://w3id.org/aigov/vocab/"

# Prefixes of the mutation snippets and of the compact (CURIE-like) form the expectations are written in.
# Longest namespaces first: compacting takes the first that matches.
NAMESPACES = {
    "claim": "https://w3id.org/aigov/id/claim/lei-yu-2025/",
    "ev": "https://w3id.org/aigov/id/evidence/000_a2c525d67c15980e/",
    "paper": "https://w3id.org/aigov/id/paper/",
    "file": "https://w3id.org/aigov/id/file/",
    "link": "https://w3id.org/aigov/id/link/",
    "dataset": "https://w3id.org/aigov/id/dataset/",
    "aid": "https://w3id.org/aigov/id/",
    "itype": VOCAB + "instrument-type/",
    "binding": VOCAB + "bindingness/",
    "basis": VOCAB + "claim-basis/",
    "stance": VOCAB + "stance/",
    "tier": VOCAB + "acf-tier/",
    "role": VOCAB + "membership-role/",
    "aigov": str(AIGOV),
    "aigovsh": str(AIGOVSH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "org": "http://www.w3.org/ns/org#",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
}
TURTLE_PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in NAMESPACES.items())

# Selector IRIs carry a fragment, which a Turtle prefixed name cannot: spelt out in snippets.
Q100 = "<https://w3id.org/aigov/id/evidence/000_a2c525d67c15980e/100-112#quote>"
P100 = "<https://w3id.org/aigov/id/evidence/000_a2c525d67c15980e/100-112#position>"
Q200 = "<https://w3id.org/aigov/id/evidence/000_a2c525d67c15980e/200-205#quote>"
# Identifier link records (graph/links) of good.ttl: a slash in a local name needs the full IRI in Turtle.
LINK_CN2 = "<https://w3id.org/aigov/id/link/iso3166/china/iso3166Alpha2>"
LINK_CN3 = "<https://w3id.org/aigov/id/link/iso3166/china/iso3166Alpha3>"
LINK_CNQ = "<https://w3id.org/aigov/id/link/wikidata/china/wikidata>"
LINK_USQ = "<https://w3id.org/aigov/id/link/wikidata/united-states/wikidata>"
CN2_HOW = "\"pycountry 26.2.16: alpha_2 CN, alpha_3 CHN, name 'China'; en label 'China' = name 'China'\""
# Long literals of good.ttl.
MIAO_EN = '"Meta-Analysis in Public Administration: Progress, Paradigms, and Directions"@en'
LEI_EN = '"Alliance Conflict and Policy Learning in Global AI Governance"@en'
SHA256 = '"0a80023c5afca864aa60e7ac466ea36e424997994b58f3df1e8bf8af72093d92"'

Expected = set[tuple[str, str, str]]


# -- helpers -------------------------------------------------------------------------------------


def compact(term: object) -> str:
    text = str(term) if term is not None else ""
    for prefix, ns in NAMESPACES.items():
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return text


def parse_snippet(turtle: str) -> Graph:
    return Graph().parse(data=TURTLE_PREFIXES + turtle, format="turtle")


def mutate(good: Graph, drop: str = "", add: str = "") -> Graph:
    """A copy of ``good`` without the triples of ``drop`` and with those of ``add`` (Turtle snippets)."""
    graph = Graph()
    for triple in good:
        graph.add(triple)
    for triple in parse_snippet(drop):
        assert triple in good, f"the case drops a triple good.ttl does not have: {triple}"
        graph.remove(triple)
    for triple in parse_snippet(add):
        graph.add(triple)
    return graph


def results(data: Graph, ontology: Graph, shapes: Graph) -> Expected:
    """The violations of ``data``, as (focus, path, source shape) in compact form."""
    violations, report = run_shapes(data, ontology, shapes)
    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        assert report.value(result, SH.resultSeverity) == SH.Violation
        found.add(
            (
                compact(report.value(result, SH.focusNode)),
                compact(report.value(result, SH.resultPath)),
                compact(report.value(result, SH.sourceShape)),
            )
        )
    assert len(violations) >= len(found)
    return found


def replace(subject: str, prop: str, old: str, new: str) -> dict[str, str]:
    return {"drop": f"{subject} {prop} {old} .", "add": f"{subject} {prop} {new} ."}


def linked(mutation: dict[str, str], link: str | None, old: str, new: str) -> dict[str, str]:
    """``mutation`` plus the same change of value in the identifier's link record (if it has one)."""
    if link is None:
        return mutation
    return {"drop": f"{mutation['drop']} {link} rdf:object {old} .", "add": f"{mutation['add']} {link} rdf:object {new} ."}


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology_graph()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def good() -> Graph:
    return Graph().parse(GOOD, format="turtle")


# -- the valid graph -----------------------------------------------------------------------------


def test_good_fixture_conforms(good: Graph, ontology: Graph, shapes: Graph) -> None:
    violations, _ = run_shapes(good, ontology, shapes)
    assert violations == []


def targeted_node_shapes(shapes: Graph) -> set[URIRef]:
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
    return {
        s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef) and any(shapes.value(s, t) is not None for t in targets)
    }


def focus_nodes(shape: URIRef, shapes: Graph, data: Graph) -> set[object]:
    """The focus nodes of a node shape's targets in ``data`` (which includes the ontology)."""
    found: set[object] = set()
    for cls in shapes.objects(shape, SH.targetClass):
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            found |= set(data.subjects(RDF.type, sub))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        found |= set(data.subjects(prop, None))
    for target in shapes.objects(shape, SH.target):
        found |= {row[0] for row in data.query(str(shapes.value(target, SH.select)))}  # type: ignore[index]
    return found


def test_good_fixture_exercises_every_node_shape(good: Graph, ontology: Graph, shapes: Graph) -> None:
    data = good + ontology
    idle = {compact(s) for s in targeted_node_shapes(shapes) if not focus_nodes(s, shapes, data)}
    assert idle == set(), "node shapes with no focus node in good.ttl (they would conform vacuously)"


# -- the non-conforming cases ----------------------------------------------------------------------

CASES: list[tuple[str, dict[str, str], Expected]] = [
    # 1. labels of named entities
    ("label-zh-missing", {"drop": 'aid:china rdfs:label "中国"@zh .'}, {("aid:china", "rdfs:label", "aigovsh:LabelZh")}),
    ("label-zh-twice", {"add": 'aid:china rdfs:label "中华人民共和国"@zh .'}, {("aid:china", "rdfs:label", "aigovsh:LabelZh")}),
    (
        "label-zh-variant-is-a-second-zh",
        {"add": 'aid:china rdfs:label "中國"@zh-Hant .'},
        {("aid:china", "rdfs:label", "aigovsh:LabelZh")},
    ),
    (
        "label-en-missing-on-subclass",
        {"drop": 'aid:strong-regulation-coalition rdfs:label "Strong Regulation Coalition"@en .'},
        {("aid:strong-regulation-coalition", "rdfs:label", "aigovsh:LabelEn")},
    ),
    ("label-en-twice", {"add": 'aid:eo-14117 rdfs:label "EO 14117"@en .'}, {("aid:eo-14117", "rdfs:label", "aigovsh:LabelEn")}),
    (
        "label-other-language",
        {"add": 'aid:china rdfs:label "Chine"@fr .'},
        {("aid:china", "rdfs:label", "aigovsh:LabelLanguages")},
    ),
    ("label-untagged", {"add": 'aid:gpt-4 rdfs:label "GPT-4" .'}, {("aid:gpt-4", "rdfs:label", "aigovsh:LabelLanguages")}),
    # 2. types
    ("type-missing", {"drop": "aid:gpt-4 a aigov:AISystem ."}, {("aid:gpt-4", "rdf:type", "aigovsh:EntityAigovClass")}),
    (
        "type-only-foreign",
        {"drop": "aid:gpt-4 a aigov:AISystem .", "add": "aid:gpt-4 a schema:Product ."},
        {("aid:gpt-4", "rdf:type", "aigovsh:EntityAigovClass")},
    ),
    (
        "type-two-aigov-classes",
        {"add": "aid:china a aigov:Organization ."},
        {("aid:china", "rdf:type", "aigovsh:EntityAigovClass")},
    ),
    (
        "type-paper-missing",
        {"drop": "paper:jpa-2025-3-miao-zhu a aigov:Paper ."},
        {("paper:jpa-2025-3-miao-zhu", "rdf:type", "aigovsh:EntityAigovClass")},
    ),
    ("type-outside-id-namespace-not-checked", {"add": '<https://example.org/thing> rdfs:label "thing"@en .'}, set()),
    # 3. dates (one case per date property is generated below)
    (
        "date-ill-typed",
        replace("aid:eo-14117", "aigov:dateIssued", '"2024-02"^^xsd:gYearMonth', '"2024-13"^^xsd:gYearMonth'),
        {("aid:eo-14117", "aigov:dateIssued", "aigovsh:DateIssuedValue")},
    ),
    (
        "date-year-ill-typed",
        replace("aid:stargate-project", "aigov:endDate", '"2029"^^xsd:gYear', '"29"^^xsd:gYear'),
        {("aid:stargate-project", "aigov:endDate", "aigovsh:EndDateValue")},
    ),
    (
        "date-day-ill-typed",
        replace("aid:eu-ai-act", "aigov:datePassed", '"2024-03-13"^^xsd:date', '"2024-02-30"^^xsd:date'),
        {("aid:eu-ai-act", "aigov:datePassed", "aigovsh:DatePassedValue")},
    ),
    (
        "date-with-time-zone",
        replace("aid:stargate-project", "aigov:startDate", '"2025-01"^^xsd:gYearMonth', '"2025-01Z"^^xsd:gYearMonth'),
        set(),
    ),
    (
        "date-datetime",
        replace("aid:ai-safety-summit", "aigov:date", '"2023-11-01"^^xsd:date', '"2023-11-01T09:00:00"^^xsd:dateTime'),
        {("aid:ai-safety-summit", "aigov:date", "aigovsh:DateValue")},
    ),
    (
        "date-year-as-integer",
        replace("paper:lei-yu-2025", "aigov:publicationYear", '"2025"^^xsd:gYear', "2025"),
        {("paper:lei-yu-2025", "aigov:publicationYear", "aigovsh:PublicationYearValue")},
    ),
    # 4. claims
    (
        "claim-stated-in-missing",
        {"drop": "claim:belief aigov:statedIn paper:lei-yu-2025 ."},
        {("claim:belief", "aigov:statedIn", "aigovsh:ClaimStatedIn")},
    ),
    (
        "claim-stated-in-two-papers",
        {"add": "claim:issued-by aigov:statedIn paper:jpa-2025-3-miao-zhu ."},
        {("claim:issued-by", "aigov:statedIn", "aigovsh:ClaimStatedIn")},
    ),
    (
        "claim-stated-in-not-a-paper",
        replace("claim:member", "aigov:statedIn", "paper:lei-yu-2025", "aid:china"),
        {("claim:member", "aigov:statedIn", "aigovsh:ClaimStatedIn")},
    ),
    (
        "claim-evidence-missing",
        {"drop": "claim:member aigov:hasEvidence ev:200-205 ."},
        {("claim:member", "aigov:hasEvidence", "aigovsh:ClaimHasEvidence")},
    ),
    (
        "claim-evidence-not-evidence",
        {"add": f"claim:mentions-china aigov:hasEvidence {Q200} ."},
        {("claim:mentions-china", "aigov:hasEvidence", "aigovsh:ClaimHasEvidence")},
    ),
    (
        "claim-basis-missing",
        {"drop": "claim:issued-by aigov:basis basis:explicit ."},
        {("claim:issued-by", "aigov:basis", "aigovsh:ClaimBasis")},
    ),
    (
        "claim-basis-twice",
        {"add": "claim:issued-by aigov:basis basis:coded ."},
        {("claim:issued-by", "aigov:basis", "aigovsh:ClaimBasis")},
    ),
    (
        "claim-basis-other-scheme",
        replace("claim:belief", "aigov:basis", "basis:coded", "stance:for"),
        {("claim:belief", "aigov:basis", "aigovsh:ClaimBasis")},
    ),
    # 5. statement claims
    (
        "statement-subject-missing",
        {"drop": "claim:issued-by rdf:subject aid:eo-14117 ."},
        {("claim:issued-by", "rdf:subject", "aigovsh:StatementSubject")},
    ),
    (
        "statement-subject-literal",
        replace("claim:issued-by", "rdf:subject", "aid:eo-14117", '"eo-14117"'),
        {("claim:issued-by", "rdf:subject", "aigovsh:StatementSubject")},
    ),
    (
        "statement-predicate-missing",
        {"drop": "claim:issued-by rdf:predicate aigov:issuedBy ."},
        {("claim:issued-by", "rdf:predicate", "aigovsh:StatementPredicate")},
    ),
    (
        "statement-predicate-literal",
        replace("claim:issued-by", "rdf:predicate", "aigov:issuedBy", '"issuedBy"'),
        {("claim:issued-by", "rdf:predicate", "aigovsh:StatementPredicate")},
    ),
    (
        "statement-object-missing",
        {"drop": "claim:mentions-china rdf:object aid:china ."},
        {("claim:mentions-china", "rdf:object", "aigovsh:StatementObject")},
    ),
    (
        "statement-object-twice",
        {"add": "claim:mentions-china rdf:object aid:united-states ."},
        {("claim:mentions-china", "rdf:object", "aigovsh:StatementObject")},
    ),
    # 6. belief attributions
    (
        "belief-holder-missing",
        {"drop": "claim:belief aigov:holder aid:strong-regulation-coalition ."},
        {("claim:belief", "aigov:holder", "aigovsh:BeliefAttributionHolder")},
    ),
    (
        "belief-holder-not-actor",
        replace("claim:belief", "aigov:holder", "aid:strong-regulation-coalition", "aid:deep-learning"),
        {("claim:belief", "aigov:holder", "aigovsh:BeliefAttributionHolder")},
    ),
    (
        "belief-holder-twice",
        {"add": "claim:belief aigov:holder aid:china ."},
        {("claim:belief", "aigov:holder", "aigovsh:BeliefAttributionHolder")},
    ),
    (
        "belief-belief-missing",
        {"drop": "claim:belief aigov:belief aid:b-human-rights-first ."},
        {("claim:belief", "aigov:belief", "aigovsh:BeliefAttributionBelief")},
    ),
    (
        "belief-belief-not-belief",
        replace("claim:belief", "aigov:belief", "aid:b-human-rights-first", "aid:digital-sovereignty"),
        {("claim:belief", "aigov:belief", "aigovsh:BeliefAttributionBelief")},
    ),
    (
        "belief-stance-missing",
        {"drop": "claim:belief aigov:stance stance:for ."},
        {("claim:belief", "aigov:stance", "aigovsh:BeliefAttributionStance")},
    ),
    (
        "belief-stance-other-scheme",
        replace("claim:belief", "aigov:stance", "stance:for", "basis:explicit"),
        {("claim:belief", "aigov:stance", "aigovsh:BeliefAttributionStance")},
    ),
    (
        "belief-stance-twice",
        {"add": "claim:belief aigov:stance stance:against ."},
        {("claim:belief", "aigov:stance", "aigovsh:BeliefAttributionStance")},
    ),
    # 7. membership attributions
    (
        "member-missing",
        {"drop": "claim:member org:member aid:china ."},
        {("claim:member", "org:member", "aigovsh:MembershipMember")},
    ),
    (
        "member-not-actor",
        replace("claim:member", "org:member", "aid:china", "aid:deep-learning"),
        {("claim:member", "org:member", "aigovsh:MembershipMember")},
    ),
    (
        "member-twice",
        {"add": "claim:member org:member aid:united-states ."},
        {("claim:member", "org:member", "aigovsh:MembershipMember")},
    ),
    (
        "member-organization-missing",
        {"drop": "claim:member org:organization aid:strong-regulation-coalition ."},
        {("claim:member", "org:organization", "aigovsh:MembershipOrganization")},
    ),
    (
        "member-organization-is-a-state",
        replace("claim:member-eu", "org:organization", "aid:european-union", "aid:china"),
        {("claim:member-eu", "org:organization", "aigovsh:MembershipOrganization")},
    ),
    (
        "member-organization-is-a-forum-ok",  # states are members of forums (GPAI, IGF): valid
        replace("claim:member-eu", "org:organization", "aid:european-union", "aid:internet-governance-forum"),
        set(),
    ),
    (
        "member-organization-twice",
        {"add": "claim:member org:organization aid:european-union ."},
        {("claim:member", "org:organization", "aigovsh:MembershipOrganization")},
    ),
    (
        "member-role-twice",
        {"add": "claim:member org:role role:leader ."},
        {("claim:member", "org:role", "aigovsh:MembershipRole")},
    ),
    (
        "member-role-other-scheme",
        {"add": "claim:member-eu org:role stance:for ."},
        {("claim:member-eu", "org:role", "aigovsh:MembershipRole")},
    ),
    (
        "member-role-literal",
        {"add": 'claim:member-eu org:role "leader" .'},
        {("claim:member-eu", "org:role", "aigovsh:MembershipRole")},
    ),
    # 8. evidence and selectors
    (
        "evidence-source-missing",
        {"drop": "ev:100-112 oa:hasSource file:000_a2c525d67c15980e ."},
        {("ev:100-112", "oa:hasSource", "aigovsh:EvidenceSource")},
    ),
    (
        "evidence-source-not-a-file",
        replace("ev:100-112", "oa:hasSource", "file:000_a2c525d67c15980e", "paper:lei-yu-2025"),
        {("ev:100-112", "oa:hasSource", "aigovsh:EvidenceSource")},
    ),
    (
        "evidence-quote-selector-missing",
        {"drop": f"ev:100-112 oa:hasSelector {Q100} ."},
        {("ev:100-112", "oa:hasSelector", "aigovsh:EvidenceQuoteSelector")},
    ),
    (
        "evidence-quote-selector-twice",
        {"add": f"ev:100-112 oa:hasSelector {Q200} ."},
        {("ev:100-112", "oa:hasSelector", "aigovsh:EvidenceQuoteSelector")},
    ),
    (
        "evidence-position-selector-missing",
        {"drop": f"ev:100-112 oa:hasSelector {P100} ."},
        {("ev:100-112", "oa:hasSelector", "aigovsh:EvidencePositionSelector")},
    ),
    (
        "evidence-position-selector-untyped",
        {"drop": f"{P100} a oa:TextPositionSelector ."},
        {("ev:100-112", "oa:hasSelector", "aigovsh:EvidencePositionSelector")},
    ),
    (
        "quote-exact-missing",
        {"drop": f'{Q100} oa:exact "第14117号行政命令由白宫发布" .'},
        {("ev:100-112#quote", "oa:exact", "aigovsh:QuoteExact")},
    ),
    (
        "quote-exact-empty",
        replace(Q100, "oa:exact", '"第14117号行政命令由白宫发布"', '""'),
        {("ev:100-112#quote", "oa:exact", "aigovsh:QuoteExact")},
    ),
    (
        "quote-exact-tagged",
        replace(Q100, "oa:exact", '"第14117号行政命令由白宫发布"', '"第14117号行政命令由白宫发布"@zh'),
        {("ev:100-112#quote", "oa:exact", "aigovsh:QuoteExact")},
    ),
    ("quote-exact-twice", {"add": f'{Q100} oa:exact "白宫" .'}, {("ev:100-112#quote", "oa:exact", "aigovsh:QuoteExact")}),
    (
        "position-start-equals-end",
        replace(P100, "oa:end", '"112"^^xsd:nonNegativeInteger', '"100"^^xsd:nonNegativeInteger'),
        {("ev:100-112#position", "oa:start", "aigovsh:PositionStart")},
    ),
    (
        "position-start-after-end",
        replace(P100, "oa:start", '"100"^^xsd:nonNegativeInteger', '"120"^^xsd:nonNegativeInteger'),
        {("ev:100-112#position", "oa:start", "aigovsh:PositionStart")},
    ),
    (
        "position-start-missing",
        {"drop": f'{P100} oa:start "100"^^xsd:nonNegativeInteger .'},
        {("ev:100-112#position", "oa:start", "aigovsh:PositionStart")},
    ),
    (
        "position-start-negative",
        replace(P100, "oa:start", '"100"^^xsd:nonNegativeInteger', '"-1"^^xsd:nonNegativeInteger'),
        {("ev:100-112#position", "oa:start", "aigovsh:PositionStart")},
    ),
    (
        "position-end-missing",
        {"drop": f'{P100} oa:end "112"^^xsd:nonNegativeInteger .'},
        {("ev:100-112#position", "oa:end", "aigovsh:PositionEnd")},
    ),
    (
        "position-end-integer",
        replace(P100, "oa:end", '"112"^^xsd:nonNegativeInteger', "112"),
        {("ev:100-112#position", "oa:end", "aigovsh:PositionEnd")},
    ),
    # 9. instruments
    (
        "instrument-type-missing",
        {"drop": "aid:eo-14117 aigov:instrumentType itype:executive-order ."},
        {("aid:eo-14117", "aigov:instrumentType", "aigovsh:InstrumentType")},
    ),
    (
        "instrument-type-twice",
        {"add": "aid:eo-14117 aigov:instrumentType itype:regulation ."},
        {("aid:eo-14117", "aigov:instrumentType", "aigovsh:InstrumentType")},
    ),
    (
        "instrument-type-other-scheme",
        replace("aid:eu-ai-act", "aigov:instrumentType", "itype:legislation", "binding:hard-law"),
        {("aid:eu-ai-act", "aigov:instrumentType", "aigovsh:InstrumentType")},
    ),
    (
        "instrument-bindingness-missing",
        {"drop": "aid:un-resolution-78-265 aigov:bindingness binding:soft-law ."},
        {("aid:un-resolution-78-265", "aigov:bindingness", "aigovsh:InstrumentBindingness")},
    ),
    (
        "instrument-bindingness-twice",
        {"add": "aid:eo-14117 aigov:bindingness binding:soft-law ."},
        {("aid:eo-14117", "aigov:bindingness", "aigovsh:InstrumentBindingness")},
    ),
    (
        "instrument-bindingness-other-scheme",
        replace("aid:eo-14117", "aigov:bindingness", "binding:hard-law", "itype:regulation"),
        {("aid:eo-14117", "aigov:bindingness", "aigovsh:InstrumentBindingness")},
    ),
    # 10. layers and beliefs
    (
        "layer-of-missing",
        {"drop": "aid:core-layer aigov:layerOf aid:three-layer-architecture ."},
        {("aid:core-layer", "aigov:layerOf", "aigovsh:LayerOf")},
    ),
    (
        "layer-of-not-architecture",
        replace("aid:core-layer", "aigov:layerOf", "aid:three-layer-architecture", "aid:agile-governance"),
        {("aid:core-layer", "aigov:layerOf", "aigovsh:LayerOf")},
    ),
    (
        "layer-of-two-architectures",
        {
            "add": """aid:core-layer aigov:layerOf aid:other-architecture .
        aid:other-architecture a aigov:Architecture ; rdfs:label "另一架构"@zh , "Another architecture"@en ."""
        },
        set(),
    ),
    (
        "layer-rank-zero",
        replace("aid:core-layer", "aigov:layerRank", "1", "0"),
        {("aid:core-layer", "aigov:layerRank", "aigovsh:LayerRank")},
    ),
    (
        "layer-rank-string",
        replace("aid:core-layer", "aigov:layerRank", "1", '"1"'),
        {("aid:core-layer", "aigov:layerRank", "aigovsh:LayerRank")},
    ),
    (
        "layer-rank-twice",
        {"add": "aid:core-layer aigov:layerRank 2 ."},
        {("aid:core-layer", "aigov:layerRank", "aigovsh:LayerRank")},
    ),
    (
        "belief-tier-other-scheme",
        replace("aid:b-human-rights-first", "aigov:tier", "tier:deep-core", "stance:for"),
        {("aid:b-human-rights-first", "aigov:tier", "aigovsh:BeliefTier")},
    ),
    (
        "belief-tier-literal",
        replace("aid:b-human-rights-first", "aigov:tier", "tier:deep-core", '"deep-core"'),
        {("aid:b-human-rights-first", "aigov:tier", "aigovsh:BeliefTier")},
    ),
    (
        "belief-dimension-not-dimension",
        replace("aid:b-human-rights-first", "aigov:dimension", "aid:value-orientation", "aid:digital-sovereignty"),
        {("aid:b-human-rights-first", "aigov:dimension", "aigovsh:BeliefDimensionValue")},
    ),
    # 11. papers and source files
    (
        "paper-key-missing",
        {"drop": 'paper:lei-yu-2025 aigov:paperKey "lei-yu-2025" .'},
        {("paper:lei-yu-2025", "aigov:paperKey", "aigovsh:PaperKey")},
    ),
    (
        "paper-key-not-a-slug",
        replace("paper:lei-yu-2025", "aigov:paperKey", '"lei-yu-2025"', '"Lei Yu 2025"'),
        {("paper:lei-yu-2025", "aigov:paperKey", "aigovsh:PaperKey")},
    ),
    (
        "paper-key-twice",
        {"add": 'paper:lei-yu-2025 aigov:paperKey "lei-2025" .'},
        {("paper:lei-yu-2025", "aigov:paperKey", "aigovsh:PaperKey")},
    ),
    (
        "paper-source-file-missing",
        {"drop": "paper:lei-yu-2025 aigov:sourceFile file:000_a2c525d67c15980e ."},
        {("paper:lei-yu-2025", "aigov:sourceFile", "aigovsh:PaperSourceFile")},
    ),
    (
        "paper-source-file-not-a-file",
        replace("paper:lei-yu-2025", "aigov:sourceFile", "file:000_a2c525d67c15980e", "paper:jpa-2025-3-miao-zhu"),
        {("paper:lei-yu-2025", "aigov:sourceFile", "aigovsh:PaperSourceFile")},
    ),
    (
        "paper-line-start-missing",
        {"drop": 'paper:lei-yu-2025 aigov:lineStart "1"^^xsd:positiveInteger .'},
        {("paper:lei-yu-2025", "aigov:lineStart", "aigovsh:PaperLineStart")},
    ),
    (
        "paper-line-start-zero",
        replace("paper:lei-yu-2025", "aigov:lineStart", '"1"^^xsd:positiveInteger', '"0"^^xsd:positiveInteger'),
        {("paper:lei-yu-2025", "aigov:lineStart", "aigovsh:PaperLineStart")},
    ),
    (
        "paper-line-start-after-end",
        replace("paper:lei-yu-2025", "aigov:lineStart", '"1"^^xsd:positiveInteger', '"2000"^^xsd:positiveInteger'),
        {("paper:lei-yu-2025", "aigov:lineStart", "aigovsh:PaperLineStart")},
    ),
    (
        "paper-line-end-missing",
        {"drop": 'paper:lei-yu-2025 aigov:lineEnd "1014"^^xsd:positiveInteger .'},
        {("paper:lei-yu-2025", "aigov:lineEnd", "aigovsh:PaperLineEnd")},
    ),
    (
        "paper-line-end-integer",
        replace("paper:lei-yu-2025", "aigov:lineEnd", '"1014"^^xsd:positiveInteger', "1014"),
        {("paper:lei-yu-2025", "aigov:lineEnd", "aigovsh:PaperLineEnd")},
    ),
    (
        "paper-abstract-only-missing",
        {"drop": "paper:lei-yu-2025 aigov:abstractOnly false ."},
        {("paper:lei-yu-2025", "aigov:abstractOnly", "aigovsh:PaperAbstractOnly")},
    ),
    (
        "paper-abstract-only-string",
        replace("paper:lei-yu-2025", "aigov:abstractOnly", "false", '"no"'),
        {("paper:lei-yu-2025", "aigov:abstractOnly", "aigovsh:PaperAbstractOnly")},
    ),
    (
        "paper-author-not-a-person",
        {"add": "paper:lei-yu-2025 aigov:author aid:china ."},
        {("paper:lei-yu-2025", "aigov:author", "aigovsh:PaperAuthor")},
    ),
    (
        "paper-journal-not-a-journal",
        replace("paper:lei-yu-2025", "aigov:journal", "aid:journal-of-public-administration", "aid:china"),
        {("paper:lei-yu-2025", "aigov:journal", "aigovsh:PaperJournal")},
    ),
    (
        "paper-journal-twice",
        {
            "add": """paper:lei-yu-2025 aigov:journal aid:other-journal .
        aid:other-journal a aigov:Journal ; rdfs:label "另一期刊"@zh , "Another Journal"@en ."""
        },
        {("paper:lei-yu-2025", "aigov:journal", "aigovsh:PaperJournal")},
    ),
    (
        "paper-label-other-language",
        {"add": 'paper:lei-yu-2025 rdfs:label "Conflit d\'alliances"@fr .'},
        {("paper:lei-yu-2025", "rdfs:label", "aigovsh:LabelLanguages")},
    ),
    (
        "paper-label-en-missing",
        {"drop": f"paper:jpa-2025-3-miao-zhu rdfs:label {MIAO_EN} ."},
        {("paper:jpa-2025-3-miao-zhu", "rdfs:label", "aigovsh:LabelEn")},
    ),
    (
        "paper-label-zh-twice",
        {"add": 'paper:lei-yu-2025 rdfs:label "联盟冲突与政策学习"@zh .'},
        {("paper:lei-yu-2025", "rdfs:label", "aigovsh:PaperLabelZhAtMostOne")},
    ),
    (
        "paper-title-untagged",
        {"add": 'paper:lei-yu-2025 dcterms:title "Alliance Conflict" .'},
        {("paper:lei-yu-2025", "dcterms:title", "aigovsh:PaperTitle")},
    ),
    (
        "paper-title-missing",
        {"drop": f"paper:jpa-2025-3-miao-zhu dcterms:title {MIAO_EN} ."},
        {("paper:jpa-2025-3-miao-zhu", "dcterms:title", "aigovsh:PaperTitle")},
    ),
    ("paper-title-en-not-printed", {"drop": f"paper:lei-yu-2025 dcterms:title {LEI_EN} ."}, set()),
    (
        "paper-title-en-twice",
        {"add": 'paper:lei-yu-2025 dcterms:title "Alliance Conflict"@en .'},
        {("paper:lei-yu-2025", "dcterms:title", "aigovsh:PaperTitleEnAtMostOne")},
    ),
    (
        "paper-title-zh-twice",
        {"add": 'paper:jpa-2025-3-miao-zhu dcterms:title "公共管理中的元分析"@zh , "元分析"@zh .'},
        {("paper:jpa-2025-3-miao-zhu", "dcterms:title", "aigovsh:PaperTitleZhAtMostOne")},
    ),
    (
        "full-paper-label-zh-missing",
        {"drop": 'paper:lei-yu-2025 rdfs:label "全球人工智能治理中的联盟冲突与政策学习"@zh .'},
        {("paper:lei-yu-2025", "rdfs:label", "aigovsh:FullPaperLabelZh")},
    ),
    (
        "full-paper-title-zh-missing",
        {"drop": 'paper:lei-yu-2025 dcterms:title "全球人工智能治理中的联盟冲突与政策学习"@zh .'},
        {("paper:lei-yu-2025", "dcterms:title", "aigovsh:FullPaperTitleZh")},
    ),
    (
        "full-paper-unflagged-needs-zh",
        replace("paper:jpa-2025-3-miao-zhu", "aigov:abstractOnly", "true", "false"),
        {
            ("paper:jpa-2025-3-miao-zhu", "rdfs:label", "aigovsh:FullPaperLabelZh"),
            ("paper:jpa-2025-3-miao-zhu", "dcterms:title", "aigovsh:FullPaperTitleZh"),
        },
    ),
    (
        "abstract-only-paper-may-have-zh",
        {"add": 'paper:jpa-2025-3-miao-zhu dcterms:title "公共管理中的元分析"@zh ; rdfs:label "公共管理中的元分析"@zh .'},
        set(),
    ),
    ("abstract-only-flag-as-1", replace("paper:jpa-2025-3-miao-zhu", "aigov:abstractOnly", "true", '"1"^^xsd:boolean'), set()),
    (
        "source-file-sha256-missing",
        {"drop": f"file:000_a2c525d67c15980e aigov:sha256 {SHA256} ."},
        {("file:000_a2c525d67c15980e", "aigov:sha256", "aigovsh:SourceFileSha256")},
    ),
    (
        "source-file-sha256-uppercase",
        replace(
            "file:000_a2c525d67c15980e",
            "aigov:sha256",
            SHA256,
            '"0A80023C5AFCA864AA60E7AC466EA36E424997994B58F3DF1E8BF8AF72093D92"',
        ),
        {("file:000_a2c525d67c15980e", "aigov:sha256", "aigovsh:SourceFileSha256")},
    ),
    (
        "source-file-sha256-short",
        replace("file:000_a2c525d67c15980e", "aigov:sha256", SHA256, '"0a80023c"'),
        {("file:000_a2c525d67c15980e", "aigov:sha256", "aigovsh:SourceFileSha256")},
    ),
    (
        "source-file-name-missing",
        {"drop": 'file:000_a2c525d67c15980e aigov:fileName "000_a2c525d67c15980e.txt" .'},
        {("file:000_a2c525d67c15980e", "aigov:fileName", "aigovsh:SourceFileName")},
    ),
    (
        "source-file-name-twice",
        {"add": 'file:000_a2c525d67c15980e aigov:fileName "000.txt" .'},
        {("file:000_a2c525d67c15980e", "aigov:fileName", "aigovsh:SourceFileName")},
    ),
    # 12. identifiers (more below)
    (
        "identifier-not-a-string",
        linked(replace("aid:china", "aigov:wikidata", '"Q148"', '"Q148"^^xsd:token'), LINK_CNQ, '"Q148"', '"Q148"^^xsd:token'),
        {
            ("aid:china", "aigov:wikidata", "aigovsh:WikidataPattern"),
            ("link:wikidata/china/wikidata", "rdf:object", "aigovsh:LinkObject"),
        },
    ),
    ("celex-corrigendum", {"add": 'aid:eu-ai-act aigov:celexNumber "32024R1689R(01)" .'}, set()),
    ("celex-consolidated", {"add": 'aid:eu-ai-act aigov:celexNumber "02016R0679-20160504" .'}, set()),
    (
        "un-symbol-committee-document",
        replace("aid:un-resolution-78-265", "aigov:unDocumentSymbol", '"A/RES/78/265"', '"A/C.1/78/L.27/Rev.1"'),
        set(),
    ),
    # 13. statistics
    (
        "statistic-value-missing",
        {"drop": "aid:stat-china-bills aigov:value 237 ."},
        {("aid:stat-china-bills", "aigov:value", "aigovsh:StatisticValue")},
    ),
    (
        "statistic-value-string",
        replace("aid:stat-china-bills", "aigov:value", "237", '"237"'),
        {("aid:stat-china-bills", "aigov:value", "aigovsh:StatisticValue")},
    ),
    (
        "statistic-value-double",
        replace("aid:stat-growth", "aigov:value", "12.5", "1.25E1"),
        {("aid:stat-growth", "aigov:value", "aigovsh:StatisticValue")},
    ),
    (
        "statistic-value-twice",
        {"add": "aid:stat-china-bills aigov:value 238 ."},
        {("aid:stat-china-bills", "aigov:value", "aigovsh:StatisticValue")},
    ),
    (
        "statistic-unit-twice",
        {"add": 'aid:stat-china-bills aigov:unit "items" .'},
        {("aid:stat-china-bills", "aigov:unit", "aigovsh:StatisticUnit")},
    ),
    (
        "statistic-comparator-unknown",
        replace("aid:stat-growth", "aigov:comparator", '"approx"', '"about"'),
        {("aid:stat-growth", "aigov:comparator", "aigovsh:StatisticComparator")},
    ),
    (
        "statistic-comparator-twice",
        {"add": 'aid:stat-china-bills aigov:comparator "gt" .'},
        {("aid:stat-china-bills", "aigov:comparator", "aigovsh:StatisticComparator")},
    ),
]

# 14. identifier links: each link reifies an asserted identifier triple and carries its verification record
CASES += [
    (
        "identifier-without-link",
        {"drop": f"{LINK_USQ} a aigov:IdentifierLink ."},
        {
            ("aid:united-states", "aigov:wikidata", "aigovsh:VerifiedIdentifierShape"),
        },
    ),
    (
        "identifier-added-without-link",
        {"add": 'aid:united-states aigov:wikidata "Q1" .'},
        {
            ("aid:united-states", "aigov:wikidata", "aigovsh:VerifiedIdentifierShape"),
        },
    ),
    (
        "link-triple-not-asserted",
        {"drop": 'aid:china aigov:iso3166Alpha2 "CN" .'},
        {
            ("link:iso3166/china/iso3166Alpha2", "rdf:object", "aigovsh:IdentifierLinkShape"),
        },
    ),
    (
        "link-subject-missing",
        {"drop": f"{LINK_CN2} rdf:subject aid:china ."},
        {
            ("link:iso3166/china/iso3166Alpha2", "rdf:subject", "aigovsh:LinkSubject"),
            ("aid:china", "aigov:iso3166Alpha2", "aigovsh:VerifiedIdentifierShape"),
        },
    ),
    (
        "link-subject-literal",
        replace(LINK_CN2, "rdf:subject", "aid:china", '"china"'),
        {
            ("link:iso3166/china/iso3166Alpha2", "rdf:subject", "aigovsh:LinkSubject"),
            ("link:iso3166/china/iso3166Alpha2", "rdf:object", "aigovsh:IdentifierLinkShape"),
            ("aid:china", "aigov:iso3166Alpha2", "aigovsh:VerifiedIdentifierShape"),
        },
    ),
    (
        "link-predicate-not-an-identifier",
        {
            "drop": f"{LINK_CN2} rdf:predicate aigov:iso3166Alpha2 .",
            "add": f'{LINK_CN2} rdf:predicate rdfs:label . aid:china rdfs:label "CN" .',
        },
        {
            ("link:iso3166/china/iso3166Alpha2", "rdf:predicate", "aigovsh:LinkPredicate"),
            ("aid:china", "aigov:iso3166Alpha2", "aigovsh:VerifiedIdentifierShape"),
            ("aid:china", "rdfs:label", "aigovsh:LabelLanguages"),
        },
    ),
    (
        "link-predicate-twice",
        {"add": f"{LINK_CN2} rdf:predicate aigov:iso3166Alpha3 ."},
        {
            ("link:iso3166/china/iso3166Alpha2", "rdf:predicate", "aigovsh:LinkPredicate"),
            ("link:iso3166/china/iso3166Alpha2", "rdf:object", "aigovsh:IdentifierLinkShape"),
        },
    ),
    (
        "link-object-twice",
        {"add": f'{LINK_CN3} rdf:object "CN" .'},
        {
            ("link:iso3166/china/iso3166Alpha3", "rdf:object", "aigovsh:LinkObject"),
            ("link:iso3166/china/iso3166Alpha3", "rdf:object", "aigovsh:IdentifierLinkShape"),
        },
    ),
    (
        "link-source-missing",
        {"drop": f"{LINK_CN2} prov:wasDerivedFrom dataset:iso3166 ."},
        {
            ("link:iso3166/china/iso3166Alpha2", "prov:wasDerivedFrom", "aigovsh:LinkSource"),
        },
    ),
    (
        "link-source-not-a-dataset",
        replace(LINK_CN2, "prov:wasDerivedFrom", "dataset:iso3166", "paper:lei-yu-2025"),
        {
            ("link:iso3166/china/iso3166Alpha2", "prov:wasDerivedFrom", "aigovsh:LinkSource"),
        },
    ),
    (
        "link-verification-missing",
        {"drop": f"{LINK_CN2} dcterms:description {CN2_HOW} ."},
        {
            ("link:iso3166/china/iso3166Alpha2", "dcterms:description", "aigovsh:LinkVerification"),
        },
    ),
    (
        "link-verification-empty",
        replace(LINK_CN2, "dcterms:description", CN2_HOW, '""'),
        {
            ("link:iso3166/china/iso3166Alpha2", "dcterms:description", "aigovsh:LinkVerification"),
        },
    ),
    (
        "dataset-title-missing",
        {"drop": 'dataset:wikidata dcterms:title "Wikidata (test fixture)"@en .'},
        {
            ("dataset:wikidata", "dcterms:title", "aigovsh:DatasetTitle"),
        },
    ),
    (
        "dataset-title-not-en",
        replace("dataset:wikidata", "dcterms:title", '"Wikidata (test fixture)"@en', '"维基数据"@zh'),
        {
            ("dataset:wikidata", "dcterms:title", "aigovsh:DatasetTitle"),
        },
    ),
    (
        "dataset-version-missing",
        {"drop": 'dataset:iso3166 schema:version "26.2.16" .'},
        {
            ("dataset:iso3166", "schema:version", "aigovsh:DatasetVersion"),
        },
    ),
    (
        "dataset-version-twice",
        {"add": 'dataset:iso3166 schema:version "24.6.1" .'},
        {
            ("dataset:iso3166", "schema:version", "aigovsh:DatasetVersion"),
        },
    ),
    (
        "dataset-url-literal",
        replace(
            "dataset:iso3166",
            "schema:url",
            "<https://pypi.org/project/pycountry/26.2.16/>",
            '"https://pypi.org/project/pycountry/26.2.16/"',
        ),
        {("dataset:iso3166", "schema:url", "aigovsh:DatasetUrl")},
    ),
    ("paper-identifier-needs-no-link", {"add": 'aid:eu-ai-act aigov:celexNumber "32016R0679" .'}, set()),
]

# 3. every date property, with a value that is no typed date at all
DATE_VALUES = [
    ("aid:ai-safety-summit", "date", '"2023-11-01"^^xsd:date', "DateValue"),
    ("aid:stargate-project", "startDate", '"2025-01"^^xsd:gYearMonth', "StartDateValue"),
    ("aid:stargate-project", "endDate", '"2029"^^xsd:gYear', "EndDateValue"),
    ("aid:eo-14117", "dateIssued", '"2024-02"^^xsd:gYearMonth', "DateIssuedValue"),
    ("aid:eo-14117", "dateSigned", '"2024-02-28"^^xsd:date', "DateSignedValue"),
    ("aid:eu-ai-act", "dateProposed", '"2021-04-21"^^xsd:date', "DateProposedValue"),
    ("aid:eu-ai-act", "datePassed", '"2024-03-13"^^xsd:date', "DatePassedValue"),
    ("aid:eo-14117", "dateInForce", '"2024-04-08"^^xsd:date', "DateInForceValue"),
    ("paper:lei-yu-2025", "publicationYear", '"2025"^^xsd:gYear', "PublicationYearValue"),
    ("paper:lei-yu-2025", "datePublishedOnline", '"2025-03-10"^^xsd:date', "DatePublishedOnlineValue"),
]
CASES += [
    (
        f"date-{prop}-plain-string",
        replace(subject, f"aigov:{prop}", value, '"2024年2月"'),
        {(subject, f"aigov:{prop}", f"aigovsh:{shape}")},
    )
    for subject, prop, value, shape in DATE_VALUES
]

# 12. every identifier property, with a value that breaks its pattern
IDENTIFIERS = [
    ("paper:lei-yu-2025", "doi", '"10.12345/jpa.2025.03.157"', '"https://doi.org/10.12345/jpa.2025.03.157"', "DoiPattern"),
    ("aid:eo-14117", "executiveOrderNumber", '"14117"', '"EO 14117"', "ExecutiveOrderNumberPattern"),
    ("aid:eu-ai-act", "celexNumber", '"32024R1689"', '"Regulation (EU) 2024/1689"', "CelexNumberPattern"),
    ("aid:un-resolution-78-265", "unDocumentSymbol", '"A/RES/78/265"', '"A/RES/78 265"', "UnDocumentSymbolPattern"),
    ("aid:eo-14117", "federalRegisterCitation", '"89 FR 15421"', '"89 Fed. Reg. 15421"', "FederalRegisterCitationPattern"),
    ("aid:china", "wikidata", '"Q148"', '"Q0148"', "WikidataPattern"),
    ("aid:china", "iso3166Alpha2", '"CN"', '"cn"', "Iso3166Alpha2Pattern"),
    ("aid:china", "iso3166Alpha3", '"CHN"', '"CN"', "Iso3166Alpha3Pattern"),
]
# Wikidata QIDs and ISO codes come with a link record (section 14): the malformed value is put in both.
LINK_OF = {
    ("aid:china", "wikidata"): LINK_CNQ,
    ("aid:china", "iso3166Alpha2"): LINK_CN2,
    ("aid:china", "iso3166Alpha3"): LINK_CN3,
}
CASES += [
    (
        f"identifier-{prop}-malformed",
        linked(replace(subject, f"aigov:{prop}", good_value, bad_value), LINK_OF.get((subject, prop)), good_value, bad_value),
        {(subject, f"aigov:{prop}", f"aigovsh:{shape}")},
    )
    for subject, prop, good_value, bad_value, shape in IDENTIFIERS
]


def test_case_ids_are_unique() -> None:
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("mutation", "expected"), [pytest.param(m, e, id=i) for i, m, e in CASES])
def test_case(mutation: dict[str, str], expected: Expected, good: Graph, ontology: Graph, shapes: Graph) -> None:
    assert results(mutate(good, **mutation), ontology, shapes) == expected


def test_every_property_shape_has_a_failing_case(shapes: Graph) -> None:
    """Each property shape of a targeted node shape, and each node shape with a SPARQL constraint (reported
    as the source shape of its results), is the source of a violation in some case."""
    checked = {compact(p) for s in targeted_node_shapes(shapes) for p in shapes.objects(s, SH.property)}
    checked |= {compact(s) for s in targeted_node_shapes(shapes) if (s, SH.sparql, None) in shapes}
    failing = {shape for _, _, expected in CASES for _, _, shape in expected}
    assert checked - failing == set()
    assert failing - checked == set()


# 1. every class whose instances need labels, through one instance of it (or of a subclass) in good.ttl
NAMED_ENTITY_CLASSES = {
    "Actor",
    "Instrument",
    "Event",
    "Project",
    "Belief",
    "BeliefDimension",
    "Architecture",
    "Layer",
    "GovernanceApproach",
    "Mechanism",
    "Proposal",
    "Risk",
    "Issue",
    "Concept",
    "Theory",
    "Technology",
    "TechnologyProduct",
    "Place",
    "Statistic",
    "Period",
    "Journal",
}
NAMED_ENTITIES = [
    ("aid:china", "中国"),
    ("aid:us-white-house", "白宫"),
    ("aid:european-union", "欧盟"),
    ("aid:strong-regulation-coalition", "强监管联盟"),
    ("aid:internet-governance-forum", "互联网治理论坛"),
    ("aid:lei-xiaokang", "雷晓康"),
    ("aid:eo-14117", "第14117号行政命令"),
    ("aid:ai-safety-summit", "人工智能安全峰会"),
    ("aid:stargate-project", "星际之门计划"),
    ("aid:b-human-rights-first", "人权至上"),
    ("aid:value-orientation", "价值取向"),
    ("aid:three-layer-architecture", "三层治理架构"),
    ("aid:core-layer", "核心层"),
    ("aid:agile-governance", "敏捷治理"),
    ("aid:un-scientific-panel", "联合国人工智能独立国际科学小组"),
    ("aid:rec-strengthen-un", "加强联合国主渠道作用"),
    ("aid:deepfake-risk", "深度伪造风险"),
    ("aid:digital-trade-rules", "数字贸易规则"),
    ("aid:digital-sovereignty", "数字主权"),
    ("aid:advocacy-coalition-framework", "倡议联盟框架"),
    ("aid:deep-learning", "深度学习"),
    ("aid:gpt-4", "GPT-4"),
    ("aid:tiktok", "抖音国际版"),
    ("aid:bletchley-park", "布莱切利园"),
    ("aid:stat-china-bills", "涉华科技法案数量"),
    ("aid:biden-administration", "拜登政府时期"),
    ("aid:journal-of-public-administration", "公共行政评论"),
]


def test_named_entity_shape_targets(shapes: Graph) -> None:
    targets = {compact(c) for c in shapes.objects(AIGOVSH.NamedEntityShape, SH.targetClass)}
    assert targets == {f"aigov:{name}" for name in NAMED_ENTITY_CLASSES}


def test_every_named_entity_class_has_a_case(good: Graph, ontology: Graph) -> None:
    data = good + ontology
    covered = set()
    for entity, _ in NAMED_ENTITIES:
        for cls in data.objects(URIRef(NAMESPACES["aid"] + entity[4:]), RDF.type):
            covered |= {compact(c) for c in data.transitive_objects(cls, RDFS.subClassOf)}
    assert {f"aigov:{name}" for name in NAMED_ENTITY_CLASSES} - covered == set()


@pytest.mark.parametrize(("entity", "zh"), NAMED_ENTITIES, ids=[e for e, _ in NAMED_ENTITIES])
def test_named_entity_needs_zh_label(entity: str, zh: str, good: Graph, ontology: Graph, shapes: Graph) -> None:
    data = mutate(good, drop=f'{entity} rdfs:label "{zh}"@zh .')
    assert results(data, ontology, shapes) == {(entity, "rdfs:label", "aigovsh:LabelZh")}


# -- the shapes graph itself ---------------------------------------------------------------------

SHAPE_REFERENCES = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)


def all_shapes(shapes: Graph) -> set[object]:
    """Every node the SHACL spec treats as a shape, however it is reached."""
    found: set[object] = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    found |= set(shapes.subjects(SH.path, None))
    for pred in SHAPE_REFERENCES:
        found |= set(shapes.objects(None, pred))
    for pred in SHAPE_LISTS:
        for head in shapes.objects(None, pred):
            found |= set(Collection(shapes, head))
    return found


def test_every_shape_is_named_labelled_and_has_a_message(shapes: Graph) -> None:
    problems = []
    for shape in all_shapes(shapes):
        if not (isinstance(shape, URIRef) and str(shape).startswith(str(AIGOVSH))):
            problems.append(f"{shape}: not an IRI in aigovsh:")
            continue
        if (shape, RDF.type, SH.NodeShape) not in shapes and (shape, RDF.type, SH.PropertyShape) not in shapes:
            problems.append(f"{compact(shape)}: not typed sh:NodeShape or sh:PropertyShape")
        labels = {lit.language for lit in shapes.objects(shape, RDFS.label) if isinstance(lit, Literal)}
        if labels != {"en", "zh"}:
            problems.append(f"{compact(shape)}: rdfs:label languages {labels}")
        messages = [lit for lit in shapes.objects(shape, SH.message) if isinstance(lit, Literal)]
        if [m.language for m in messages] != ["en"]:
            problems.append(f"{compact(shape)}: sh:message must be one @en literal, got {messages}")
    assert problems == []


def test_shapes_graph_passes_shacl_shacl(shapes: Graph) -> None:
    conforms, _, text = validate(Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True, inference="none")
    assert conforms, text


def test_shacl_shacl_rejects_a_broken_shapes_graph(shapes: Graph) -> None:
    broken = Graph()
    for triple in shapes:
        broken.add(triple)
    broken.add((AIGOVSH.LayerRank, SH.minCount, Literal("one")))  # sh:minCount must be an xsd:integer
    broken.add((AIGOVSH.PositionStart, SH.path, URIRef(NAMESPACES["oa"] + "end")))  # one sh:path at most
    with pytest.raises(ReportableRuntimeError, match="MetaSHACL") as failure:
        validate(Graph(), shacl_graph=broken, meta_shacl=True, advanced=True, inference="none")
    assert str(AIGOVSH.LayerRank) in str(failure.value)
    assert str(AIGOVSH.PositionStart) in str(failure.value)


def in_list(shapes: Graph, shape: URIRef) -> set[object]:
    head = shapes.value(shape, SH["in"])
    assert head is not None, f"{shape} has no sh:in"
    return set(Collection(shapes, head))


@pytest.mark.parametrize(
    ("shape", "scheme"),
    [
        ("ClaimBasis", "claim-basis"),
        ("BeliefAttributionStance", "stance"),
        ("MembershipRole", "membership-role"),
        ("InstrumentType", "instrument-type"),
        ("InstrumentBindingness", "bindingness"),
        ("BeliefTier", "acf-tier"),
    ],
)
def test_value_list_matches_scheme(shape: str, scheme: str, shapes: Graph, ontology: Graph) -> None:
    concepts = set(ontology.subjects(SKOS.inScheme, URIRef(VOCAB + scheme)))
    assert concepts, f"no concept in scheme {scheme}"
    assert in_list(shapes, AIGOVSH[shape]) == concepts


def paths_of(shapes: Graph, node_shape: URIRef) -> set[object]:
    return {shapes.value(p, SH.path) for p in shapes.objects(node_shape, SH.property)}


def test_date_shapes_cover_every_date_property(shapes: Graph, ontology: Graph) -> None:
    dates = set(ontology.transitive_subjects(RDFS.subPropertyOf, AIGOV.date))
    dates |= {AIGOV.publicationYear, AIGOV.datePublishedOnline}
    assert set(shapes.objects(AIGOVSH.DatedShape, SH.targetSubjectsOf)) == dates
    assert paths_of(shapes, AIGOVSH.DatedShape) == dates
    assert {f"aigov:{prop}" for _, prop, _, _ in DATE_VALUES} == {compact(d) for d in dates}


def test_identifier_shapes_cover_every_identifier_property(shapes: Graph, ontology: Graph) -> None:
    identifiers = {p for p in ontology.subjects(RDFS.subPropertyOf, DCTERMS.identifier) if str(p).startswith(str(AIGOV))}
    assert set(shapes.objects(AIGOVSH.IdentifiedShape, SH.targetSubjectsOf)) == identifiers
    assert paths_of(shapes, AIGOVSH.IdentifiedShape) == identifiers
    assert {f"aigov:{prop}" for _, prop, _, _, _ in IDENTIFIERS} == {compact(i) for i in identifiers}


# -- through the build's entry point -------------------------------------------------------------


def test_run_shapes_reports_node_path_and_shape(good: Graph, ontology: Graph, shapes: Graph) -> None:
    data = mutate(good, drop="aid:eo-14117 aigov:bindingness binding:hard-law .")
    violations, _ = run_shapes(data, ontology, shapes, {NAMESPACES["aid"] + "eo-14117": "instances/entities/x.yaml:3:3"})
    assert len(violations) == 1
    v = violations[0]
    assert (v.where, v.node, v.path, v.check) == (
        "instances/entities/x.yaml:3:3",
        NAMESPACES["aid"] + "eo-14117",
        str(AIGOV.bindingness),
        "shacl",
    )
    assert v.message == (
        "An instrument must have exactly one aigov:bindingness: vocab/bindingness/hard-law or soft-law."
        f" (shape <{AIGOVSH.InstrumentBindingness}>)"
    )
