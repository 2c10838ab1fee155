"""Load the ontology and answer the compiler's questions about its terms.

The ontology files are the single source of truth for which classes and properties exist, what kind
each property is, and which SKOS concepts a concept-valued property accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from .errors import SourceError
from .namespaces import AIGOV, PREFIXES
from .paths import data_dir

DATE_PROPERTY = AIGOV["date"]


def ontology_files() -> list[Path]:
    return sorted(data_dir("ontology").glob("*.ttl"))


def load_ontology_graph() -> Graph:
    graph = Graph()
    for path in ontology_files():
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several parser exception types
            raise SourceError(path, f"Turtle syntax error: {exc}") from None
    return graph


@dataclass
class OntologyIndex:
    graph: Graph
    object_properties: set[URIRef] = field(default_factory=set)
    datatype_properties: set[URIRef] = field(default_factory=set)
    classes: set[URIRef] = field(default_factory=set)

    def __post_init__(self) -> None:
        g = self.graph
        self.object_properties = {p for p in g.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)}
        self.datatype_properties = {p for p in g.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(p, URIRef)}
        self.classes = {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}

    @classmethod
    def load(cls) -> OntologyIndex:
        return cls(load_ontology_graph())

    # -- terms -------------------------------------------------------------------------------

    def expand(self, name: str) -> URIRef:
        """``issuedBy`` -> aigov:issuedBy; ``org:memberOf`` -> the ORG IRI."""
        if ":" in name:
            prefix, local = name.split(":", 1)
            if prefix not in PREFIXES:
                raise KeyError(f"unknown prefix {prefix!r}")
            return URIRef(PREFIXES[prefix] + local)
        return AIGOV[name]

    def aigov_class(self, name: str) -> URIRef | None:
        iri = AIGOV[name]
        return iri if iri in self.classes else None

    def superclasses(self, cls: URIRef) -> set[URIRef]:
        return {c for c in self.graph.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}

    def is_subclass(self, cls: URIRef, ancestor: URIRef) -> bool:
        return ancestor in self.superclasses(cls)

    @cached_property
    def date_properties(self) -> set[URIRef]:
        return {p for p in self.graph.transitive_subjects(RDFS.subPropertyOf, DATE_PROPERTY) if isinstance(p, URIRef)}

    def datatype_range(self, prop: URIRef) -> URIRef | None:
        value = self.graph.value(prop, RDFS.range)
        return value if isinstance(value, URIRef) and str(value).startswith(str(XSD)) else None

    def object_range(self, prop: URIRef) -> URIRef | None:
        value = self.graph.value(prop, RDFS.range)
        return value if isinstance(value, URIRef) else None

    # -- SKOS concepts -------------------------------------------------------------------------

    @cached_property
    def concepts_by_class(self) -> dict[URIRef, dict[str, URIRef]]:
        """For each concept class (aigov:Stance...), its concepts by slug (``for``, ``against``)."""
        table: dict[URIRef, dict[str, URIRef]] = {}
        for concept in self.graph.subjects(RDF.type, SKOS.Concept):
            if not isinstance(concept, URIRef):
                continue
            slug = str(concept).rsplit("/", 1)[1]
            for cls in self.graph.objects(concept, RDF.type):
                if isinstance(cls, URIRef) and cls != SKOS.Concept and cls != OWL.NamedIndividual:
                    table.setdefault(cls, {})[slug] = concept
        return table

    def concept(self, cls: URIRef, slug: str) -> URIRef | None:
        return self.concepts_by_class.get(cls, {}).get(slug)
