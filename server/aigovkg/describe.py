"""What the endpoint says about itself and its data: the SPARQL service description and the VoID description.

* Service description (https://www.w3.org/TR/sparql11-service-description/): returned by GET on the
  endpoint with no query; languages, result formats, features and the default dataset with its graphs.
* VoID (https://www.w3.org/TR/void/): the dataset, one subset per named graph, with triples, entities,
  distinct subjects and objects, class and property partitions, and the link sets to external datasets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .namespaces import BASE, ID

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
DATASET_IRI = BASE + "dataset"

RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
    "TriG",
    "N-Quads",
)

# Link sets: (label, predicate, target dataset IRI, IRI prefix of the objects or None for literals).
LINK_TARGETS: tuple[tuple[str, str, str], ...] = (
    # Wikidata QIDs are published as skos:exactMatch <http://www.wikidata.org/entity/Q...> (the graph's only use of
    # skos:exactMatch, see namespaces.LINKED_IRIS), besides the aigov:wikidata literal.
    ("Wikidata", "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/"),
    ("ISO 3166-1 alpha-2", "https://w3id.org/aigov/ontology#iso3166Alpha2", "https://www.iso.org/iso-3166-country-codes.html"),
    ("ISO 3166-1 alpha-3", "https://w3id.org/aigov/ontology#iso3166Alpha3", "https://www.iso.org/iso-3166-country-codes.html"),
    ("EUR-Lex CELEX", "https://w3id.org/aigov/ontology#celexNumber", "http://publications.europa.eu/resource/celex/"),
    ("UN document symbols", "https://w3id.org/aigov/ontology#unDocumentSymbol", "https://documents.un.org/"),
    ("Federal Register", "https://w3id.org/aigov/ontology#federalRegisterCitation", "https://www.federalregister.gov/"),
    ("DOI", "https://w3id.org/aigov/ontology#doi", "https://doi.org/"),
)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


@dataclass
class GraphStats:
    triples: int = 0
    subjects: set[object] = field(default_factory=set)
    objects: set[object] = field(default_factory=set)
    entities: set[object] = field(default_factory=set)
    classes: Counter[str] = field(default_factory=Counter)  # class -> instances (distinct subjects)
    properties: Counter[str] = field(default_factory=Counter)  # property -> triples
    typed: set[tuple[object, str]] = field(default_factory=set)

    def add(self, s: object, p: ox.NamedNode, o: object) -> None:
        self.triples += 1
        self.subjects.add(s)
        self.objects.add(o)
        if isinstance(s, ox.NamedNode) and s.value.startswith(str(ID)):
            self.entities.add(s)
        self.properties[p.value] += 1
        if p == RDF_TYPE and isinstance(o, ox.NamedNode) and (s, o.value) not in self.typed:
            self.typed.add((s, o.value))
            self.classes[o.value] += 1


def graph_statistics(quads: Iterable[ox.Quad]) -> tuple[GraphStats, dict[str, GraphStats]]:
    """Statistics of the RDF merge of all graphs, and of each named graph."""
    merged = GraphStats()
    seen: set[tuple[object, object, object]] = set()
    per_graph: dict[str, GraphStats] = defaultdict(GraphStats)
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):
            per_graph[q.graph_name.value].add(q.subject, q.predicate, q.object)
        key = (q.subject, q.predicate, q.object)
        if key not in seen:
            seen.add(key)
            merged.add(q.subject, q.predicate, q.object)
    return merged, dict(per_graph)


def _describe_stats(node: ox.NamedNode | ox.BlankNode, stats: GraphStats) -> list[ox.Triple]:
    out = [
        ox.Triple(node, _n(VOID + "triples"), _int(stats.triples)),
        ox.Triple(node, _n(VOID + "entities"), _int(len(stats.entities))),
        ox.Triple(node, _n(VOID + "distinctSubjects"), _int(len(stats.subjects))),
        ox.Triple(node, _n(VOID + "distinctObjects"), _int(len(stats.objects))),
        ox.Triple(node, _n(VOID + "classes"), _int(len(stats.classes))),
        ox.Triple(node, _n(VOID + "properties"), _int(len(stats.properties))),
    ]
    return out


def void_description(quads: Sequence[ox.Quad], endpoint: str) -> list[ox.Triple]:
    merged, per_graph = graph_statistics(quads)
    dataset = _n(DATASET_IRI)
    out = [
        ox.Triple(dataset, RDF_TYPE, _n(VOID + "Dataset")),
        ox.Triple(dataset, _n(DCT + "title"), ox.Literal("AIGov KG", language="en")),
        ox.Triple(dataset, _n(DCT + "title"), ox.Literal("全球人工智能治理知识图谱", language="zh")),
        ox.Triple(dataset, _n(DCT + "license"), _n("https://creativecommons.org/licenses/by/4.0/")),
        ox.Triple(dataset, _n(VOID + "sparqlEndpoint"), _n(endpoint)),
        ox.Triple(dataset, _n(VOID + "uriSpace"), ox.Literal(str(ID))),
        ox.Triple(dataset, _n(VOID + "vocabulary"), _n(BASE + "ontology#")),
        *_describe_stats(dataset, merged),
    ]
    partitions = (
        ("classPartition", "class", "entities", merged.classes),
        ("propertyPartition", "property", "triples", merged.properties),
    )
    for link, key, measure, counts in partitions:
        for term, count in sorted(counts.items()):
            part = ox.BlankNode()
            out += [
                ox.Triple(dataset, _n(VOID + link), part),
                ox.Triple(part, _n(VOID + key), _n(term)),
                ox.Triple(part, _n(VOID + measure), _int(count)),
            ]
    for graph, stats in sorted(per_graph.items()):
        subset = ox.BlankNode()
        out += [
            ox.Triple(dataset, _n(VOID + "subset"), subset),
            ox.Triple(subset, RDF_TYPE, _n(VOID + "Dataset")),
            ox.Triple(subset, _n(SD + "name"), _n(graph)),
            *_describe_stats(subset, stats),
        ]
    for label, predicate, target in LINK_TARGETS:
        count = merged.properties.get(predicate, 0)
        if not count:
            continue
        linkset = ox.BlankNode()
        out += [
            ox.Triple(dataset, _n(VOID + "subset"), linkset),
            ox.Triple(linkset, RDF_TYPE, _n(VOID + "Linkset")),
            ox.Triple(linkset, _n(DCT + "title"), ox.Literal(f"Links to {label}", language="en")),
            ox.Triple(linkset, _n(VOID + "linkPredicate"), _n(predicate)),
            ox.Triple(linkset, _n(VOID + "subjectsTarget"), dataset),
            ox.Triple(linkset, _n(VOID + "objectsTarget"), _n(target)),
            ox.Triple(linkset, _n(VOID + "triples"), _int(count)),
        ]
    return out


def service_description(
    endpoint: str,
    *,
    allow_update: bool,
    federation: bool,
    merged_default: bool,
    graphs: dict[str, int] | None,
    default_triples: int | None,
) -> list[ox.Triple]:
    service = _n(endpoint)
    sd = lambda local: _n(SD + local)  # noqa: E731
    out = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL10Query")),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, _n(DCT + "title"), ox.Literal("AIGov KG SPARQL endpoint", language="en")),
        ox.Triple(service, sd("defaultEntailmentRegime"), _n("http://www.w3.org/ns/entailment/Simple")),
    ]
    if allow_update:
        out.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    for fmt in RESULT_FORMAT_IRIS:
        out.append(ox.Triple(service, sd("resultFormat"), _n(FORMATS + fmt)))
    if merged_default:
        out.append(ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")))
    if federation:
        out.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    dataset, default = ox.BlankNode(), ox.BlankNode()
    out += [
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
    ]
    if default_triples is not None:  # statistics of a read-only store; a writable one changes
        out.append(ox.Triple(default, _n(VOID + "triples"), _int(default_triples)))
    if merged_default:
        out.append(ox.Triple(dataset, _n(VOID + "sparqlEndpoint"), service))
    for name, triples in sorted((graphs or {}).items()):
        named, graph = ox.BlankNode(), ox.BlankNode()
        out += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), _n(name)),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, _n(VOID + "triples"), _int(triples)),
        ]
    return out
