"""The IRIs of the project: one place that says where every kind of node lives."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/aigov/"
AIGOV = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = BASE + "ontology"
ID = Namespace(BASE + "id/")
PAPER = Namespace(BASE + "id/paper/")
CLAIM = Namespace(BASE + "id/claim/")
EVIDENCE = Namespace(BASE + "id/evidence/")
FILE = Namespace(BASE + "id/file/")
LINK = Namespace(BASE + "id/link/")  # one verification record per identifier link: link/<scheme>/<entity>/<property>
REFERENCE = Namespace(BASE + "id/dataset/")  # the reference dataset a links file was verified against
VOCAB = BASE + "vocab/"
GRAPH = Namespace(BASE + "graph/")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
TIME = Namespace("http://www.w3.org/2006/time#")
VANN = Namespace("http://purl.org/vocab/vann/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")

# Identifier properties whose value also names an IRI of the external dataset: a link file's identifier
# is then published, besides the identifier literal, as ``skos:exactMatch <prefix + identifier>`` (the one
# linking property of the graph; skos:exactMatch rather than owl:sameAs, which would merge the papers'
# portrayal of an actor with everything the external dataset says of it).
LINKED_IRIS = {AIGOV.wikidata: WD}

# Named graphs of the dataset. Each paper's claims live in a graph named by the paper's IRI.
ONTOLOGY_GRAPH = GRAPH["ontology"]
ENTITIES_GRAPH = GRAPH["entities"]
SOURCES_GRAPH = GRAPH["sources"]
LINKS_GRAPH = GRAPH["links"]
INFERRED_GRAPH = GRAPH["inferred"]

# Prefixes used by the compact instance sources (CURIEs) and by every serialisation.
PREFIXES: dict[str, str] = {
    "aigov": str(AIGOV),
    "aid": str(ID),
    "paper": str(PAPER),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "oa": str(OA),
    "eli": str(ELI),
    "time": str(TIME),
    "vann": str(VANN),
    "foaf": str(FOAF),
    "sh": str(SH),
}


def vocab_scheme(scheme: str) -> str:
    """IRI of a SKOS concept scheme of the ontology, e.g. ``vocab_scheme("stance")``."""
    return VOCAB + scheme


def paper_iri(key: str) -> str:
    """IRI of a paper (and of its named graph).

    >>> paper_iri("lei-yu-2025")
    'https://w3id.org/aigov/id/paper/lei-yu-2025'
    """
    return str(PAPER[key])


def file_iri(name: str) -> str:
    """IRI of a corpus source file, from its file name without extension.

    >>> file_iri("000_a2c525d67c15980e.txt")
    'https://w3id.org/aigov/id/file/000_a2c525d67c15980e'
    """
    return str(FILE[name.rsplit(".", 1)[0]])


def curie(iri: object) -> str:
    """The shortest prefixed form of an IRI, or the IRI itself.

    >>> curie("https://w3id.org/aigov/ontology#Actor"), curie("http://example.org/x")
    ('aigov:Actor', 'http://example.org/x')
    """
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return text
