"""The ontology: OWL 2 DL-friendly, consistent under HermiT, every term labelled and defined in zh and en."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from aigovkg.dataset import Build
from aigovkg.namespaces import AIGOV, ONTOLOGY_IRI, VANN
from aigovkg.ontology import load_ontology_graph
from aigovkg.reasoner import reason

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology_graph()


def own_terms(graph: Graph) -> list[URIRef]:
    terms = {s for t in TERM_TYPES for s in graph.subjects(RDF.type, t) if str(s).startswith(str(AIGOV))}
    terms |= {s for s in graph.subjects(RDF.type, SKOS.Concept) if str(s).startswith("https://w3id.org/aigov/vocab/")}
    terms |= {s for s in graph.subjects(RDF.type, SKOS.ConceptScheme)}
    return sorted(terms)  # type: ignore[arg-type]


def test_header(ontology: Graph) -> None:
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionIRI) is not None
    assert ontology.value(onto, URIRef("http://purl.org/dc/terms/license")) is not None
    assert str(ontology.value(onto, VANN.preferredNamespacePrefix)) == "aigov"
    titles = {t.language for t in ontology.objects(onto, URIRef("http://purl.org/dc/terms/title"))}
    assert titles == {"zh", "en"}


def test_there_are_terms(ontology: Graph) -> None:
    assert len(own_terms(ontology)) > 100


@pytest.mark.parametrize("prop", [RDFS.label, SKOS.definition], ids=["label", "definition"])
def test_every_term_has_one_zh_and_one_en(ontology: Graph, prop: URIRef) -> None:
    problems = []
    for term in own_terms(ontology):
        langs = sorted(lit.language or "" for lit in ontology.objects(term, prop))
        if langs != ["en", "zh"]:
            problems.append(f"{term}: {prop.n3()} languages {langs}")
    assert not problems, "\n".join(problems)


def test_every_property_declared_once_with_one_kind(ontology: Graph) -> None:
    kinds: dict[object, set[object]] = {}
    for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for s in ontology.subjects(RDF.type, t):
            kinds.setdefault(s, set()).add(t)
    mixed = {str(s): k for s, k in kinds.items() if len(k) > 1}
    assert not mixed, f"properties declared with two kinds (not OWL 2 DL): {mixed}"


def test_no_reserved_vocabulary_in_axioms(ontology: Graph) -> None:
    """OWL 2 DL forbids using rdf:/rdfs:/owl: terms as classes or properties in axioms."""
    reserved = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", str(OWL))
    for s, _, o in ontology.triples((None, RDFS.subClassOf, None)):
        assert not str(o).startswith(reserved), (s, o)
    for s, _, o in ontology.triples((None, RDFS.subPropertyOf, None)):
        assert not str(o).startswith(reserved), (s, o)


def test_consistent_and_no_unsatisfiable_class(ontology: Graph) -> None:
    result = reason(ontology, [], set())
    assert result.consistent, result.explanation
    assert result.unsatisfiable == []


def test_reasoner_detects_inconsistency(ontology: Graph) -> None:
    """The check can fail: an entity typed as two disjoint classes makes HermiT report inconsistency."""
    from aigovkg.namespaces import ENTITIES_GRAPH, ID

    x = ID["both-state-and-instrument"]
    quads = [(x, RDF.type, AIGOV.State, ENTITIES_GRAPH), (x, RDF.type, AIGOV.Instrument, ENTITIES_GRAPH)]
    assert not reason(ontology, quads, set()).consistent  # type: ignore[arg-type]


def test_inconsistency_is_explained(ontology: Graph) -> None:
    """A property used outside its domain makes HermiT fail; the explanation names the triple."""
    from aigovkg.dataset import domain_properties
    from aigovkg.namespaces import ENTITIES_GRAPH, ID, PAPER
    from aigovkg.ontology import OntologyIndex
    from aigovkg.reasoner import explain_inconsistency

    act, org = ID["some-act"], ID["some-org"]
    quads = [
        (act, RDF.type, AIGOV.Instrument, ENTITIES_GRAPH),
        (org, RDF.type, AIGOV.Company, ENTITIES_GRAPH),
        (act, AIGOV.supports, org, PAPER["p"]),  # aigov:supports has domain aigov:Actor
    ]
    props = domain_properties(OntologyIndex(ontology))
    assert not reason(ontology, quads, props).consistent  # type: ignore[arg-type]
    causes = explain_inconsistency(ontology, quads, props)  # type: ignore[arg-type]
    assert causes == [
        "(aid:some-act, aigov:supports, aid:some-org) in paper:p: aid:some-act is a aigov:Instrument "
        "but the rdfs:domain of aigov:supports is aigov:Actor"
    ]


def test_shipped_data_consistent_with_inferences(built: Build) -> None:
    assert built.reasoning is not None
    assert built.reasoning.consistent, built.reasoning.explanation
    assert built.reasoning.unsatisfiable == []
    # Inference really happened: superclass types were materialised (a State is an Actor).
    inferred = {(s, o) for s, p, o in built.reasoning.inferred if p == RDF.type}
    assert (URIRef("https://w3id.org/aigov/id/china"), AIGOV.Actor) in inferred
