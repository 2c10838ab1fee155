"""Versioned releases: one folder with the dataset in four formats, the ontology, the shapes, checksums and metadata.

``write_release`` writes ``<output>/aigov-kg-<version>/``::

    aigov-kg.nq  aigov-kg.trig          every named graph (N-Quads, TriG)
    aigov-kg.ttl aigov-kg.jsonld        their union (Turtle; JSON-LD in expanded form, needing no context)
    context.jsonld                      the published JSON-LD context (project prefixes, ontology terms)
    ontology/*.ttl  shapes/*.ttl        the sources, byte for byte
    metadata.ttl                        DCAT (dataset, one distribution per file) + VoID (statistics)
    SHA256SUMS                          ``sha256sum -c`` format, every other file, sorted by path

The bytes depend only on the quads, the shipped ontology and shapes, the version and the issued date:
no clock, no random blank node labels (the metadata's are canonicalised with RDFC-1.0), sorted output.
``verify_release`` re-reads a release folder and lists what is wrong with it.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from .compiler import Quad
from .describe import DATASET_IRI, VOID, void_description
from .export import serialize
from .namespaces import AIGOV, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES, VOCAB
from .paths import data_dir
from .rdfterms import to_ox_quads

NAME = "aigov-kg"
SUMS = "SHA256SUMS"
METADATA = "metadata.ttl"
CONTEXT = "context.jsonld"

DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCT = str(DCTERMS)
IANA = "https://www.iana.org/assignments/media-types/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "AIGov KG contributors"

# Relative IRIs (the download URLs) are written against this base, whose @base line is then dropped:
# a reader resolves them against wherever metadata.ttl is. A file: base keeps http(s) IRIs absolute.
_RELATIVE_BASE = "file:///aigov-kg-release/"

DESCRIPTION = {
    "en": "An open knowledge graph of global AI governance built from Chinese scholarship: actors, coalitions, "
    "beliefs, instruments, governance layers, mechanisms and events, and the relations between them; every "
    "claim records the paper that makes it, a verbatim quote and its character offsets.",
    "zh": "基于中文学术文献构建的全球人工智能治理开放知识图谱：行为体、联盟、信念、政策工具、治理层级、机制、事件及其相互关系；"
    "每条论断均记录其出处论文、原文引文及字符偏移。",
}

DATA_FILES: dict[str, tuple[str, str]] = {  # file -> (export format, media type)
    f"{NAME}.nq": ("nquads", "application/n-quads"),
    f"{NAME}.trig": ("trig", "application/trig"),
    f"{NAME}.ttl": ("turtle", "text/turtle"),
    f"{NAME}.jsonld": ("jsonld", "application/ld+json"),
}
FORMAT_IRIS = {"nquads": "N-Quads", "trig": "TriG", "turtle": "Turtle", "jsonld": "JSON-LD"}
TITLES = {
    f"{NAME}.nq": "The dataset, every named graph (N-Quads)",
    f"{NAME}.trig": "The dataset, every named graph (TriG)",
    f"{NAME}.ttl": "The dataset, union of the named graphs (Turtle)",
    f"{NAME}.jsonld": "The dataset, union of the named graphs (JSON-LD, expanded form)",
    CONTEXT: "JSON-LD context: the project's prefixes and ontology terms",
}
MEDIA_TYPES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nq": "application/n-quads", ".trig": "application/trig"}
RDF_PARSE = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
METADATA_PREFIXES = {
    "dcat": DCAT,
    "dcterms": DCT,
    "void": VOID,
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "spdx": SPDX,
    "foaf": FOAF,
    "owl": str(OWL),
    "rdf": str(RDF),
    "xsd": str(XSD),
    **{k: v for k, v in PREFIXES.items() if k in ("aigov", "aid", "paper", "rdfs", "skos", "prov", "org", "schema", "oa")},
}
VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ReleaseError(ValueError):
    """The release cannot be written as asked (bad version or date, folder exists, no issued date)."""


@dataclass(frozen=True)
class Release:
    folder: Path
    files: dict[str, int]  # relative path -> bytes, every file of the folder


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=_n(datatype)) if datatype else ox.Literal(value)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- defaults taken from the data -------------------------------------------------------------------


def default_issued(quads: Iterable[Quad]) -> str:
    """The ontology header's dcterms:modified, else its dcterms:created (the data's own date, never the clock)."""
    found: dict[URIRef, str] = {}
    for s, p, o, g in quads:
        if g == ONTOLOGY_GRAPH and s == URIRef(ONTOLOGY_IRI) and p in (DCTERMS.modified, DCTERMS.created):
            found[p] = max(found.get(p, ""), str(o))
    issued = found.get(DCTERMS.modified) or found.get(DCTERMS.created)
    if not issued:
        raise ReleaseError("the ontology has no dcterms:modified or dcterms:created date: pass --issued YYYY-MM-DD")
    return check_issued(issued[:10])


def check_version(version: str) -> str:
    if not VERSION_RE.match(version):
        raise ReleaseError(f"version {version!r}: use letters, digits and . + _ - (e.g. 0.1.0)")
    return version


def check_issued(issued: str) -> str:
    try:
        if not DATE_RE.match(issued):
            raise ValueError
        date.fromisoformat(issued)
    except ValueError:
        raise ReleaseError(f"issued date {issued!r}: use YYYY-MM-DD") from None
    return issued


# --- the JSON-LD context ----------------------------------------------------------------------------

# Keyword aliases and the common annotation properties, by short name.
COMMON_TERMS: dict[str, object] = {
    "id": "@id",
    "type": "@type",
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "comment": {"@id": "rdfs:comment", "@container": "@language"},
    "seeAlso": {"@id": "rdfs:seeAlso", "@type": "@id"},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "altLabel": {"@id": "skos:altLabel", "@container": "@language"},
    "definition": {"@id": "skos:definition", "@container": "@language"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "broader": {"@id": "skos:broader", "@type": "@id"},
    "title": {"@id": "dcterms:title", "@container": "@language"},
    "description": {"@id": "dcterms:description", "@container": "@language"},
}


def _curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def jsonld_context(quads: Iterable[Quad]) -> dict[str, object]:
    """The context: the project prefixes (plus ``vocab``), the common terms, and one term per ontology class
    and property (object properties coerce to IRIs, datatype properties with an XSD range to that type)."""
    kinds: dict[str, set[URIRef]] = {}
    ranges: dict[str, str] = {}
    for s, p, o, g in quads:
        if g != ONTOLOGY_GRAPH or not isinstance(s, URIRef) or not str(s).startswith(str(AIGOV)):
            continue
        if p == RDF.type and o in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
            kinds.setdefault(str(s), set()).add(o)  # type: ignore[arg-type]
        elif p == RDFS.range and isinstance(o, URIRef) and str(o).startswith(str(XSD)):
            ranges[str(s)] = str(o)
    prefixes = {**PREFIXES, "vocab": VOCAB}
    terms: dict[str, object] = {}
    for iri in sorted(kinds):
        local = iri[len(str(AIGOV)) :]
        if not local or not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", local):
            continue
        if local in COMMON_TERMS or local in prefixes or local in terms:
            raise ValueError(f"JSON-LD context: the ontology term {local!r} clashes with a term already defined")
        kind = kinds[iri]
        if OWL.ObjectProperty in kind:
            terms[local] = {"@id": _curie(iri), "@type": "@id"}
        elif OWL.DatatypeProperty in kind and iri in ranges:
            terms[local] = {"@id": _curie(iri), "@type": _curie(ranges[iri])}
        else:
            terms[local] = _curie(iri)
    context: dict[str, object] = {}
    context.update({k: COMMON_TERMS[k] for k in ("id", "type")})
    context.update(sorted(prefixes.items()))
    context.update({k: v for k, v in COMMON_TERMS.items() if k not in ("id", "type")})
    context.update(terms)
    return {"@context": context}


def _json_bytes(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- metadata ---------------------------------------------------------------------------------------


def _distribution(path: str, data: bytes) -> list[ox.Triple]:
    dist, checksum = ox.BlankNode(), ox.BlankNode()
    suffix = Path(path).suffix
    fmt: str | None
    if path in DATA_FILES:
        media, fmt = DATA_FILES[path][1], FORMAT_IRIS[DATA_FILES[path][0]]
    else:
        media, fmt = MEDIA_TYPES[suffix], ("Turtle" if suffix == ".ttl" else None)
    if path in TITLES:
        title = TITLES[path]
    elif path.startswith("ontology/"):
        title = f"Ontology source {Path(path).name} (OWL and SKOS, Turtle)"
    elif path.startswith("shapes/"):
        title = f"SHACL shapes {Path(path).name} (Turtle)"
    else:
        title = path
    out = [
        ox.Triple(_n(DATASET_IRI), _n(DCAT + "distribution"), dist),
        ox.Triple(dist, _n(str(RDF.type)), _n(DCAT + "Distribution")),
        ox.Triple(dist, _n(DCT + "title"), _lit(title, language="en")),
        ox.Triple(dist, _n(DCAT + "downloadURL"), _n(_RELATIVE_BASE + path)),
        ox.Triple(dist, _n(DCAT + "mediaType"), _n(IANA + media)),
        ox.Triple(dist, _n(DCAT + "byteSize"), _lit(str(len(data)), str(XSD.nonNegativeInteger))),
        ox.Triple(dist, _n(DCT + "license"), _n(LICENSE)),
        ox.Triple(dist, _n(SPDX + "checksum"), checksum),
        ox.Triple(checksum, _n(str(RDF.type)), _n(SPDX + "Checksum")),
        ox.Triple(checksum, _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256")),
        ox.Triple(checksum, _n(SPDX + "checksumValue"), _lit(sha256(data), str(XSD.hexBinary))),
    ]
    if fmt:
        out.append(ox.Triple(dist, _n(DCT + "format"), _n(W3C_FORMATS + fmt)))
    if path.startswith("shapes/"):
        out.append(ox.Triple(dist, _n(DCT + "conformsTo"), _n("https://www.w3.org/TR/shacl/")))
    if path == CONTEXT:
        out.append(ox.Triple(dist, _n(DCT + "conformsTo"), _n("https://www.w3.org/TR/json-ld11/")))
    return out


def metadata_triples(ox_quads: Sequence[ox.Quad], files: dict[str, bytes], version: str, issued: str) -> list[ox.Triple]:
    """DCAT and VoID, blank nodes canonicalised (RDFC-1.0) and triples sorted."""
    dataset = _n(DATASET_IRI)
    void = [t for t in void_description(ox_quads, "http://unused.invalid/sparql") if t.predicate.value != VOID + "sparqlEndpoint"]
    publisher = ox.BlankNode()
    triples = [
        *void,
        ox.Triple(dataset, _n(str(RDF.type)), _n(DCAT + "Dataset")),
        *(ox.Triple(dataset, _n(DCT + "description"), _lit(text, language=lang)) for lang, text in DESCRIPTION.items()),
        ox.Triple(dataset, _n(DCAT + "version"), _lit(version)),
        ox.Triple(dataset, _n(str(OWL.versionInfo)), _lit(version)),
        ox.Triple(dataset, _n(DCT + "issued"), _lit(issued, str(XSD.date))),
        ox.Triple(dataset, _n(DCT + "publisher"), publisher),
        ox.Triple(publisher, _n(str(RDF.type)), _n(FOAF + "Agent")),
        ox.Triple(publisher, _n(FOAF + "name"), _lit(PUBLISHER, language="en")),
        ox.Triple(dataset, _n(DCAT + "keyword"), _lit("AI governance", language="en")),
        ox.Triple(dataset, _n(DCAT + "keyword"), _lit("人工智能治理", language="zh")),
        ox.Triple(dataset, _n(DCT + "conformsTo"), _n(ONTOLOGY_IRI)),
        *(ox.Triple(dataset, _n(VOID + "dataDump"), _n(_RELATIVE_BASE + name)) for name in DATA_FILES),
    ]
    if not any(t.predicate.value == DCT + "license" and t.subject == dataset for t in triples):
        triples.append(ox.Triple(dataset, _n(DCT + "license"), _n(LICENSE)))
    for path in sorted(files):
        triples += _distribution(path, files[path])
    canonical = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    canonical.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted((q.triple for q in canonical), key=str)


def metadata_bytes(triples: Sequence[ox.Triple]) -> bytes:
    """Turtle with the download URLs relative to the file itself (no @base line)."""
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=METADATA_PREFIXES, base_iri=_RELATIVE_BASE)
    assert text is not None
    base_line = f"@base <{_RELATIVE_BASE}> .\n".encode()
    assert text.startswith(base_line), text[:200]
    data = text[len(base_line) :]
    if _RELATIVE_BASE.encode() in data or b"<//" in data:
        raise AssertionError("metadata.ttl: an IRI was not written relative to the release folder")
    reparsed = ox.Dataset(
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
        for t in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=_RELATIVE_BASE)
    )
    reparsed.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    if sorted((q.triple for q in reparsed), key=str) != list(triples):
        raise AssertionError("metadata.ttl does not read back as the metadata written")
    return data


# --- writing ----------------------------------------------------------------------------------------


def _source_files(folder: str) -> dict[str, bytes]:
    root = data_dir(folder)
    return {f"{folder}/{p.relative_to(root).as_posix()}": p.read_bytes() for p in sorted(root.rglob("*.ttl")) if p.is_file()}


def release_files(quads: Sequence[Quad], version: str, issued: str) -> dict[str, bytes]:
    """Every file of the release, relative path -> bytes (pure: no file is written)."""
    check_version(version)
    check_issued(issued)
    files: dict[str, bytes] = {name: serialize(quads, fmt) for name, (fmt, _) in DATA_FILES.items()}
    files[CONTEXT] = _json_bytes(jsonld_context(quads))
    files.update(_source_files("ontology"))
    files.update(_source_files("shapes"))
    files[METADATA] = metadata_bytes(metadata_triples(to_ox_quads(quads), files, version, issued))
    files[SUMS] = "".join(f"{sha256(files[p])}  {p}\n" for p in sorted(files)).encode("ascii")
    return dict(sorted(files.items()))


def write_release(
    quads: Sequence[Quad], output: Path, version: str, issued: str | None = None, *, force: bool = False
) -> Release:
    """Write ``output/aigov-kg-<version>/``; refuses to replace an existing folder unless ``force``."""
    version = check_version(version)
    day = check_issued(issued) if issued else default_issued(quads)
    folder = output / f"{NAME}-{version}"
    if folder.exists() and not force:
        raise ReleaseError(f"{folder} exists: remove it or pass --force to replace it")
    files = release_files(quads, version, day)
    output.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{NAME}-{version}.", dir=output))
    try:
        for path, data in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release(folder, {path: len(data) for path, data in files.items()})


# --- checking a release folder ----------------------------------------------------------------------


def _parse_problem(path: Path, rel: str) -> str | None:
    suffix = path.suffix
    try:
        if rel == CONTEXT:
            context = json.loads(path.read_bytes())
            if not isinstance(context, dict) or not isinstance(context.get("@context"), dict):
                return f'{rel}: not a JSON-LD context document ({{"@context": {{...}}}})'
            return None
        if suffix in RDF_PARSE:
            count = sum(1 for _ in ox.parse(path=path, format=RDF_PARSE[suffix], base_iri=path.resolve().as_uri()))
            if count == 0 and rel != METADATA:
                return f"{rel}: no statements"
    except (SyntaxError, ValueError, OSError) as exc:
        return f"{rel}: does not parse: {exc}"
    return None


def verify_release(folder: Path) -> list[str]:
    """What is wrong with a release folder: unparsable files, checksum mismatches, incomplete metadata."""
    problems: list[str] = []
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    for required in (*DATA_FILES, CONTEXT, METADATA, SUMS):
        if required not in files:
            problems.append(f"{required}: missing")
    for prefix in ("ontology/", "shapes/"):
        if not any(f.startswith(prefix) for f in files):
            problems.append(f"{prefix}: no files")
    for rel in files:
        if rel != SUMS and (problem := _parse_problem(folder / rel, rel)):
            problems.append(problem)

    # SHA256SUMS: one line per other file, sorted, hashes match.
    if SUMS in files:
        listed: dict[str, str] = {}
        lines = (folder / SUMS).read_text(encoding="ascii", errors="replace").splitlines()
        for line in lines:
            match = re.fullmatch(r"([0-9a-f]{64})  (\S.*)", line)
            if not match:
                problems.append(f"{SUMS}: bad line {line!r}")
                continue
            listed[match.group(2)] = match.group(1)
        if list(listed) != sorted(listed):
            problems.append(f"{SUMS}: not sorted by path")
        for rel in files:
            if rel == SUMS:
                continue
            if rel not in listed:
                problems.append(f"{SUMS}: {rel} not listed")
            elif listed[rel] != sha256((folder / rel).read_bytes()):
                problems.append(f"{SUMS}: {rel}: checksum does not match")
        problems += [f"{SUMS}: {rel} listed but missing" for rel in listed if rel not in files]

    if METADATA in files and not any(p.startswith(METADATA) for p in problems):
        problems += _metadata_problems(folder, files)
    return problems


def _metadata_problems(folder: Path, files: list[str]) -> list[str]:
    base = folder.resolve().as_uri() + "/"
    graph = list(ox.parse(path=folder / METADATA, format=ox.RdfFormat.TURTLE, base_iri=base))
    problems: list[str] = []
    by_subject: dict[object, dict[str, list[object]]] = {}
    for t in graph:
        by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    dataset = by_subject.get(_n(DATASET_IRI), {})

    def langs(values: list[object]) -> set[str]:
        return {v.language for v in values if isinstance(v, ox.Literal) and v.language}

    if _n(DCAT + "Dataset") not in dataset.get(str(RDF.type), []):
        problems.append(f"{METADATA}: <{DATASET_IRI}> is not a dcat:Dataset")
    for prop in ("title", "description"):
        if not {"en", "zh"} <= langs(dataset.get(DCT + prop, [])):
            problems.append(f"{METADATA}: dcterms:{prop} needs @en and @zh")
    for label, iri in (
        ("dcterms:license", DCT + "license"),
        ("dcat:version", DCAT + "version"),
        ("owl:versionInfo", str(OWL.versionInfo)),
        ("dcterms:issued", DCT + "issued"),
        ("dcterms:publisher", DCT + "publisher"),
        ("void:triples", VOID + "triples"),
    ):
        if len(dataset.get(iri, [])) != 1:
            problems.append(f"{METADATA}: the dataset needs exactly one {label}")
    issued = dataset.get(DCT + "issued", [])
    if issued and (not isinstance(issued[0], ox.Literal) or issued[0].datatype != _n(str(XSD.date))):
        problems.append(f"{METADATA}: dcterms:issued is not an xsd:date")

    described: set[str] = set()
    for dist in dataset.get(DCAT + "distribution", []):
        props = by_subject.get(dist, {})
        urls = props.get(DCAT + "downloadURL", [])
        if len(urls) != 1 or not isinstance(urls[0], ox.NamedNode) or not urls[0].value.startswith(base):
            problems.append(f"{METADATA}: a distribution has no dcat:downloadURL inside the release folder")
            continue
        rel = urls[0].value[len(base) :]
        described.add(rel)
        if rel not in files:
            problems.append(f"{METADATA}: {rel}: described but missing")
            continue
        data = (folder / rel).read_bytes()
        if len(props.get(DCAT + "mediaType", [])) != 1:
            problems.append(f"{METADATA}: {rel}: needs one dcat:mediaType")
        sizes = props.get(DCAT + "byteSize", [])
        if [getattr(s, "value", None) for s in sizes] != [str(len(data))]:
            problems.append(f"{METADATA}: {rel}: dcat:byteSize is not {len(data)}")
        values = [
            v.value
            for c in props.get(SPDX + "checksum", [])
            for v in by_subject.get(c, {}).get(SPDX + "checksumValue", [])
            if isinstance(v, ox.Literal)
        ]
        if values != [sha256(data)]:
            problems.append(f"{METADATA}: {rel}: spdx:checksum does not match")
    for rel in files:
        if rel not in (METADATA, SUMS) and rel not in described:
            problems.append(f"{METADATA}: {rel}: no dcat:distribution")
    return problems
