"""Reasoning with HermiT (through owlready2): consistency, unsatisfiable classes, inferred facts.

The reasoner sees the ontology, the entities' types and the domain triples of every paper graph
(the claim and evidence machinery is provenance, not domain knowledge, and stays out). Literals whose
datatype is outside the OWL 2 datatype map (xsd:date, xsd:gYear, xsd:gYearMonth) are left out too:
HermiT refuses them, and the SHACL shapes check them instead.

What comes back is materialised in the ``graph/inferred`` named graph: the types HermiT infers
(from domains, ranges and subclass axioms), every named superclass of every typed individual, and the
property values HermiT infers (symmetric relations in both directions, super-properties).
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .compiler import Quad
from .namespaces import ENTITIES_GRAPH, ONTOLOGY_GRAPH, PAPER, curie

log = logging.getLogger(__name__)

# Datatypes HermiT accepts (OWL 2 datatype map, the ones this project uses).
OWL2_DATATYPES = {
    None,
    XSD.string,
    XSD.integer,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.decimal,
    XSD.boolean,
    XSD.dateTime,
    XSD.anyURI,
    RDF.langString,
    RDF.PlainLiteral,
}


class ReasonerUnavailable(RuntimeError):
    """Java or owlready2 is missing: the build cannot reason."""


@dataclass
class ReasonResult:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    inferred: list[tuple[URIRef, URIRef, URIRef]] = field(default_factory=list)
    explanation: str = ""
    seconds: float = 0.0


def reasoner_input(ontology: Graph, quads: Iterable[Quad], domain_properties: set[URIRef]) -> Graph:
    graph = Graph()
    for triple in ontology:
        if _owl2_ok(triple[2]):
            graph.add(triple)
    for s, p, o, g in quads:
        entity_type = g == ENTITIES_GRAPH and p == RDF.type
        domain_fact = str(g).startswith(str(PAPER)) and p in domain_properties and isinstance(o, URIRef)
        if entity_type or domain_fact:
            graph.add((s, p, o))
    return graph


def _owl2_ok(term: object) -> bool:
    return not isinstance(term, Literal) or term.datatype in OWL2_DATATYPES


def reason(ontology: Graph, quads: list[Quad], domain_properties: set[URIRef]) -> ReasonResult:
    try:
        import owlready2
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ReasonerUnavailable(f"owlready2 is not installed: {exc}") from None
    started = time.perf_counter()
    graph = reasoner_input(ontology, quads, domain_properties)
    asserted = {(s, o) for s, p, o in graph.triples((None, RDF.type, None))}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "input.nt")
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology("file://" + path).load(format="ntriples")
        inferred_onto = world.get_ontology("https://w3id.org/aigov/graph/inferred#")
        try:
            with inferred_onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            detail = str(exc).strip() or (
                "HermiT found no model; typical causes: an entity typed with two disjoint classes, or a property "
                "used on a subject or object outside its rdfs:domain / rdfs:range (for example aigov:supports, "
                "whose domain is aigov:Actor, on an instrument)"
            )
            return ReasonResult(False, explanation=detail, seconds=time.perf_counter() - started)
        except owlready2.OwlReadyJavaError as exc:
            message = str(exc)
            if "java" in message.lower() and "not found" in message.lower():
                raise ReasonerUnavailable(message) from None
            return ReasonResult(False, explanation=message.strip().splitlines()[-1], seconds=time.perf_counter() - started)
        except FileNotFoundError as exc:
            raise ReasonerUnavailable(f"Java was not found: {exc}") from None
        unsatisfiable = sorted(str(c.iri) for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        raw: set[tuple[URIRef, URIRef, URIRef]] = set()
        for s, p, o in inferred_onto.get_triples():
            if not (isinstance(s, int) and isinstance(p, int) and isinstance(o, int)) or s < 0 or o < 0:
                continue
            triple = tuple(URIRef(world._unabbreviate(x)) for x in (s, p, o))
            if triple[2] != OWL.Ontology and triple[1] != OWL.imports:
                raw.add(triple)  # type: ignore[arg-type]
        world.close()
    inferred = raw | _superclass_closure(ontology, asserted | {(s, o) for s, p, o in raw if p == RDF.type})
    inferred = {t for t in inferred if not (t[1] == RDF.type and (t[0], t[2]) in asserted) and t not in graph}
    return ReasonResult(True, unsatisfiable, sorted(inferred), seconds=time.perf_counter() - started)


def explain_inconsistency(ontology: Graph, quads: list[Quad], domain_properties: set[URIRef]) -> list[str]:
    """Name the triples that put a node into two disjoint classes (through its type, domains and ranges).

    HermiT only says that no model exists; this finds the usual culprits so a contributor can act:
    a property used on a subject outside its rdfs:domain, or on an object outside its rdfs:range.
    """
    disjoint: list[set[URIRef]] = []
    for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = ontology.value(axiom, OWL.members)
        disjoint.append({m for m in Collection(ontology, members) if isinstance(m, URIRef)} if members else set())

    def supers(cls: URIRef) -> set[URIRef]:
        return {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}

    def clash(a: URIRef, b: URIRef) -> bool:
        sa, sb = supers(a), supers(b)
        return any(sa & group and sb & group and not (sa & sb & group) for group in disjoint)

    asserted: dict[object, set[URIRef]] = {}
    for s, p, o, g in quads:
        if g == ENTITIES_GRAPH and p == RDF.type and isinstance(o, URIRef):
            asserted.setdefault(s, set()).add(o)
    found = []
    for s, p, o, g in quads:
        if p not in domain_properties or not str(g).startswith(str(PAPER)):
            continue
        for node, axis in ((s, RDFS.domain), (o, RDFS.range)):
            required = ontology.value(p, axis)
            if not isinstance(required, URIRef):
                continue
            for cls in asserted.get(node, ()):
                if clash(cls, required):
                    found.append(
                        f"({curie(s)}, {curie(p)}, {curie(o)}) in {curie(g)}: {curie(node)} is a {curie(cls)} "
                        f"but the {curie(axis)} of {curie(p)} is {curie(required)}"
                    )
    return sorted(set(found))


def _superclass_closure(ontology: Graph, typed: set[tuple[object, object]]) -> set[tuple[URIRef, URIRef, URIRef]]:
    supers: dict[object, set[URIRef]] = {}
    out: set[tuple[URIRef, URIRef, URIRef]] = set()
    for individual, cls in typed:
        if not isinstance(individual, URIRef) or not isinstance(cls, URIRef) or str(individual).startswith(str(OWL)):
            continue
        if cls not in supers:
            supers[cls] = {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}
        for sup in supers[cls]:
            if sup not in (OWL.Thing, OWL.Class, OWL.NamedIndividual):
                out.add((individual, RDF.type, sup))
    return out


__all__ = ["ReasonResult", "ReasonerUnavailable", "reason", "ONTOLOGY_GRAPH"]
