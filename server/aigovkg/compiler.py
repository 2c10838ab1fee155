"""Compile the compact YAML instance sources into quads of named graphs.

Four kinds of source file, told apart by their top-level keys (see docs/data-model.md):

* ``sources.yaml`` (``files:`` and ``papers:``): the corpus files and the bibliographic record of
  every paper -> graph ``graph/sources``;
* entity files (``entities:``): shared real-world entities with type and labels -> ``graph/entities``;
* paper files (``paper:``, ``define:``, ``passages:``): what one paper says. Each passage is a verbatim
  quote with its offset and the claims it supports -> the paper's own named graph (the paper's IRI),
  as direct triples plus one claim node per assertion carrying its evidence;
* links files (``instances/links/<scheme>.yaml``: ``source:``, ``links:``, ``unlinked:``): external
  identifiers of entities, each verified against the reference dataset named under ``source:`` ->
  ``graph/links``, as the identifier triple plus one ``aigov:IdentifierLink`` record (reified) saying
  how it was verified. ``unlinked:`` entities (with the reason) are reported by the build as gaps.

The compiler checks what it needs to produce RDF (known keys, terms, references, literal forms) and
reports every problem with file, line and column. Everything else (labels present, instruments
typed, evidence matching the corpus) is checked later by the SHACL shapes and the evidence check.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .errors import Location, SourceError
from .namespaces import (
    AIGOV,
    CLAIM,
    ENTITIES_GRAPH,
    EVIDENCE,
    ID,
    LINK,
    LINKED_IRIS,
    LINKS_GRAPH,
    OA,
    ORG,
    PAPER,
    REFERENCE,
    SCHEMA,
    SOURCES_GRAPH,
    curie,
    file_iri,
    paper_iri,
    vocab_scheme,
)
from .ontology import OntologyIndex
from .yamlsource import Map, Seq, Str, load_yaml, where

Term = URIRef | Literal | BNode
Quad = tuple[Term, URIRef, Term, URIRef]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
DATE_FORMS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
)
INTEGER = re.compile(r"^-?\d+$")
DECIMAL = re.compile(r"^-?\d+\.\d+$")

ENTITY_KEYS = {"type", "zh", "en", "alt", "kind", "binding", "description"}
PASSAGE_KEYS = {"q", "at", "mentions", "facts", "beliefs", "members", "basis"}
PAPER_FILE_KEYS = {"paper", "define", "passages"}
FILE_KEYS = {"sha256"}
LINKS_FILE_KEYS = {"source", "links", "unlinked"}
LINK_SOURCE_KEYS = {"title", "version", "url", "description"}
PAPER_RECORD_KEYS = {
    "file",
    "lines",
    "title",
    "authors",
    "author_names",
    "journal",
    "year",
    "issue",
    "pages",
    "doi",
    "online",
    "abstract_only",
    "label_en",
}
BINDINGNESS = {"hard": "hard-law", "soft": "soft-law", "hard-law": "hard-law", "soft-law": "soft-law"}


def lang_of(text: str) -> str:
    """Language tag for a label: ``zh`` when it holds CJK characters, else ``en``.

    >>> lang_of("AI 高级别咨询机构"), lang_of("GPT-4")
    ('zh', 'en')
    """
    return "zh" if CJK.search(text) else "en"


def typed_date(text: str) -> Literal | None:
    """An xsd:date, xsd:gYearMonth or xsd:gYear literal, by the precision of ``text``.

    >>> typed_date("2023-10").datatype == XSD.gYearMonth
    True
    >>> typed_date("Oct 2023") is None
    True
    """
    for pattern, datatype in DATE_FORMS:
        if pattern.match(text):
            return Literal(text, datatype=datatype)
    return None


@dataclass
class PaperInfo:
    key: str
    file: str
    first_line: int
    last_line: int
    loc: Location


@dataclass
class ClaimRecord:
    iri: URIRef
    kind: URIRef
    body: list[tuple[URIRef, Term]]
    direct: tuple[Term, URIRef, Term] | None
    evidence: set[URIRef] = field(default_factory=set)
    loc: Location | None = None


@dataclass
class Compilation:
    """The result of compiling a set of sources."""

    quads: list[Quad] = field(default_factory=list)
    entities: dict[str, tuple[URIRef, Location]] = field(default_factory=dict)
    papers: dict[str, PaperInfo] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    paper_files: dict[str, Path] = field(default_factory=dict)  # paper key -> its source file
    errors: list[SourceError] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)  # node IRI -> "file:line:col" that produced it
    link_gaps: dict[str, dict[str, str]] = field(default_factory=dict)  # links scheme -> entity slug -> why unlinked


def classify(data: Any, path: str) -> str:
    if not isinstance(data, Map):
        raise SourceError(path, "expected a mapping at the top of the file")
    if "paper" in data:
        return "paper"
    if "entities" in data:
        return "entities"
    if "links" in data:
        return "links"
    if "papers" in data or "files" in data:
        return "sources"
    raise SourceError(
        data.loc, "cannot tell the kind of file: expected a top-level 'paper:', 'entities:', 'links:' or 'papers:' key"
    )


class Compiler:
    def __init__(self, ontology: OntologyIndex, require_offsets: bool = True):
        self.onto = ontology
        self.require_offsets = require_offsets
        self.result = Compilation()
        self._link_values: dict[tuple[URIRef, str], tuple[str, Location]] = {}  # (property, value) -> first entity
        self._linked: dict[tuple[str, URIRef], Location] = {}  # (entity, property) -> where it was linked

    # -- entry point -----------------------------------------------------------------------------

    def compile(self, paths: Iterable[Path], display: dict[Path, str] | None = None) -> Compilation:
        loaded: list[tuple[str, str, Any]] = []
        for path in paths:
            name = (display or {}).get(path, str(path))
            try:
                data = load_yaml(path, name)
                loaded.append((classify(data, name), name, data))
            except SourceError as exc:
                self.result.errors.append(exc)
        order = {"sources": 0, "entities": 1, "links": 2, "paper": 3}
        loaded.sort(key=lambda item: (order[item[0]], item[1]))
        # First pass: register every entity, paper and file so references can be resolved.
        for kind, name, data in loaded:
            self._guard(self._register, kind, name, data)
        for kind, name, data in loaded:
            if kind == "paper":
                self.result.paper_files.setdefault(str(data.get("paper", "")), Path(name))
            self._guard(self._emit, kind, name, data)
        return self.result

    def _guard(self, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except SourceError as exc:
            self.result.errors.append(exc)

    def _error(self, value: Any, fallback: Location, message: str) -> None:
        self.result.errors.append(SourceError(where(value, fallback), message))

    # -- registration --------------------------------------------------------------------------

    def _register(self, kind: str, name: str, data: Map) -> None:
        if kind == "sources":
            self._register_sources(name, data)
        elif kind == "entities":
            self._check_keys(data, {"entities"}, name)
            self._register_entities(data.get("entities"), name)
        elif kind == "links":
            self._check_keys(data, LINKS_FILE_KEYS, name)
        else:
            self._check_keys(data, PAPER_FILE_KEYS, name)
            if "define" in data:
                self._register_entities(data["define"], name)

    def _register_sources(self, name: str, data: Map) -> None:
        self._check_keys(data, {"files", "papers"}, name)
        for fname, record in self._mapping(data.get("files", Map()), data.loc).items():
            self._check_keys(record, FILE_KEYS, name)
            sha = record.get("sha256", "")
            if not re.fullmatch(r"[0-9a-f]{64}", str(sha)):
                self._error(sha, record.loc, f"file {fname}: sha256 must be 64 lowercase hex digits")
            self.result.files[str(fname)] = str(sha)
            self.result.origins[file_iri(str(fname))] = str(record.loc)
        for key, record in self._mapping(data.get("papers", Map()), data.loc).items():
            if not SLUG.match(key):
                self._error(key, data.loc, f"paper key {key!r} is not a lowercase-hyphen slug")
                continue
            self._check_keys(record, PAPER_RECORD_KEYS, name)
            lines = record.get("lines")
            if not (isinstance(lines, Seq) and len(lines) == 2 and all(INTEGER.match(x) for x in lines)):
                self._error(lines, record.loc, f"paper {key}: 'lines' must be [first, last]")
                continue
            first, last = int(lines[0]), int(lines[1])
            if not 1 <= first <= last:
                self._error(lines, record.loc, f"paper {key}: line range {first}-{last} is empty")
            if key in self.result.papers:
                self._error(key, record.loc, f"paper {key} is defined twice")
            self.result.papers[key] = PaperInfo(key, str(record.get("file", "")), first, last, record.loc)
            self.result.origins[paper_iri(key)] = str(record.loc)

    def _register_entities(self, entities: Any, name: str) -> None:
        for slug, spec in self._mapping(entities, Location(name)).items():
            if not SLUG.match(slug):
                self._error(slug, Location(name), f"entity slug {slug!r} must be lowercase ASCII words joined by hyphens")
                continue
            if not isinstance(spec, Map):
                self._error(spec, Location(name), f"entity {slug}: expected a mapping")
                continue
            type_name = spec.get("type")
            cls = self.onto.aigov_class(str(type_name)) if type_name else None
            if cls is None:
                self._error(type_name or spec, spec.loc, f"entity {slug}: unknown or missing type {type_name!r}")
                continue
            if slug in self.result.entities:
                first = self.result.entities[slug][1]
                self._error(slug, spec.loc, f"entity {slug} is already defined at {first}")
                continue
            self.result.entities[slug] = (cls, where(slug, spec.loc))
            self.result.origins[str(ID[slug])] = str(where(slug, spec.loc))

    # -- emission ------------------------------------------------------------------------------

    def _emit(self, kind: str, name: str, data: Map) -> None:
        if kind == "sources":
            self._emit_sources(data)
        elif kind == "entities":
            self._emit_entities(data.get("entities"), name)
        elif kind == "links":
            self._emit_links(name, data)
        else:
            self._emit_paper(name, data)

    def _add(self, s: Term, p: URIRef, o: Term, g: URIRef) -> None:
        self.result.quads.append((s, p, o, g))

    def _emit_sources(self, data: Map) -> None:
        g = SOURCES_GRAPH
        for fname, sha in sorted(self.result.files.items()):
            f = URIRef(file_iri(fname))
            self._add(f, RDF.type, AIGOV.SourceFile, g)
            self._add(f, AIGOV.fileName, Literal(fname), g)
            self._add(f, AIGOV.sha256, Literal(sha), g)
            self._add(f, RDFS.label, Literal(fname), g)
        for key, record in self._mapping(data.get("papers", Map()), data.loc).items():
            info = self.result.papers.get(str(key))
            if info is None:
                continue
            p = URIRef(paper_iri(key))
            self._add(p, RDF.type, AIGOV.Paper, g)
            self._add(p, AIGOV.paperKey, Literal(str(key)), g)
            if info.file not in self.result.files:
                self._error(record.get("file"), record.loc, f"paper {key}: file {info.file!r} is not listed under 'files'")
            self._add(p, AIGOV.sourceFile, URIRef(file_iri(info.file)), g)
            self._add(p, AIGOV.lineStart, Literal(info.first_line, datatype=XSD.positiveInteger), g)
            self._add(p, AIGOV.lineEnd, Literal(info.last_line, datatype=XSD.positiveInteger), g)
            for lang, text in self._lang_map(record.get("title"), record.loc, f"paper {key}: title"):
                self._add(p, DCTERMS.title, Literal(text, lang=lang), g)
                self._add(p, RDFS.label, Literal(text, lang=lang), g)
            if "label_en" in record:
                self._add(p, RDFS.label, Literal(str(record["label_en"]), lang="en"), g)
            for author in record.get("authors", Seq()) or Seq():
                self._add(p, AIGOV.author, self._entity_ref(author, record.loc), g)
            if "author_names" in record:
                names = record["author_names"]
                self._add(p, AIGOV.authorNames, Literal("; ".join(names) if isinstance(names, Seq) else str(names)), g)
            if "journal" in record:
                self._add(p, AIGOV.journal, self._entity_ref(record["journal"], record.loc), g)
            if "year" in record:
                self._add(p, AIGOV.publicationYear, self._date(record["year"], record.loc), g)
            if "online" in record:
                self._add(p, AIGOV.datePublishedOnline, self._date(record["online"], record.loc), g)
            for field_name, prop in (("issue", AIGOV.issueNumber), ("pages", AIGOV.pages), ("doi", AIGOV.doi)):
                if field_name in record:
                    self._add(p, prop, Literal(str(record[field_name])), g)
            abstract_only = str(record.get("abstract_only", "false")).lower()
            if abstract_only not in ("true", "false"):
                self._error(record.get("abstract_only"), record.loc, "abstract_only must be true or false")
            self._add(p, AIGOV.abstractOnly, Literal(abstract_only == "true"), g)

    def _emit_entities(self, entities: Any, name: str) -> None:
        g = ENTITIES_GRAPH
        for slug, spec in self._mapping(entities, Location(name)).items():
            if slug not in self.result.entities or not isinstance(spec, Map):
                continue
            self._check_keys(spec, ENTITY_KEYS, name)
            node = ID[slug]
            cls = self.result.entities[slug][0]
            self._add(node, RDF.type, cls, g)
            for lang in ("zh", "en"):
                if lang in spec:
                    self._add(node, RDFS.label, Literal(str(spec[lang]), lang=lang), g)
            alts = spec.get("alt", Seq())
            for alt in alts if isinstance(alts, Seq) else [alts]:
                self._add(node, SKOS.altLabel, Literal(str(alt), lang=lang_of(str(alt))), g)
            if "description" in spec:
                for lang, text in self._lang_map(spec["description"], spec.loc, f"entity {slug}: description"):
                    self._add(node, DCTERMS.description, Literal(text, lang=lang), g)
            if "kind" in spec:
                concept = self.onto.concept(AIGOV.InstrumentType, str(spec["kind"]))
                if concept is None:
                    known = ", ".join(sorted(self.onto.concepts_by_class.get(AIGOV.InstrumentType, {})))
                    self._error(
                        spec["kind"], spec.loc, f"entity {slug}: unknown instrument kind {spec['kind']!r} (known: {known})"
                    )
                else:
                    self._add(node, AIGOV.instrumentType, concept, g)
            if "binding" in spec:
                slug_b = BINDINGNESS.get(str(spec["binding"]))
                if slug_b is None:
                    self._error(spec["binding"], spec.loc, f"entity {slug}: binding must be 'hard' or 'soft'")
                else:
                    self._add(node, AIGOV.bindingness, URIRef(vocab_scheme("bindingness") + "/" + slug_b), g)

    # -- links ---------------------------------------------------------------------------------

    def _emit_links(self, name: str, data: Map) -> None:
        """A links file: the reference dataset, then per entity its identifiers and their verification records."""
        g = LINKS_GRAPH
        scheme = Path(name).stem
        if not SLUG.match(scheme):
            raise SourceError(data.loc, f"links file name {scheme!r} must be a lowercase-hyphen slug (the scheme)")
        if scheme in self.result.link_gaps:
            raise SourceError(data.loc, f"a second links file for scheme {scheme!r}")
        gaps = self.result.link_gaps.setdefault(scheme, {})
        source = data.get("source")
        if not isinstance(source, Map):
            raise SourceError(where(source, data.loc), "a links file needs a 'source:' mapping: title, version, url")
        self._check_keys(source, LINK_SOURCE_KEYS, name)
        for required in ("title", "version"):
            if not str(source.get(required, "")).strip():
                self._error(source, source.loc, f"source: '{required}' is required")
        dataset = REFERENCE[scheme]
        self.result.origins[str(dataset)] = str(source.loc)
        self._add(dataset, RDF.type, AIGOV.ReferenceDataset, g)
        self._add(dataset, DCTERMS.title, Literal(str(source.get("title", "")), lang="en"), g)
        self._add(dataset, SCHEMA.version, Literal(str(source.get("version", ""))), g)
        if "url" in source:
            self._add(dataset, SCHEMA.url, URIRef(str(source["url"])), g)
        if "description" in source:
            self._add(dataset, DCTERMS.description, Literal(str(source["description"]), lang="en"), g)
        seen, linked = self._link_values, self._linked  # across links files: one value per entity and property
        links = self._mapping(data.get("links"), data.loc)
        for slug, spec in links.items():
            if str(slug) not in self.result.entities:
                self._error(slug, data.loc, f"unknown entity {slug!r} (define it in instances/entities/)")
                continue
            subject = ID[str(slug)]
            if not isinstance(spec, Map):
                self._error(spec, data.loc, f"link {slug}: expected a mapping of identifier properties and 'verified'")
                continue
            verified = str(spec.get("verified", "")).strip()
            if not verified:
                self._error(spec, spec.loc, f"link {slug}: 'verified' (how the identifier was checked) is required")
                continue
            identifiers = [(k, v) for k, v in spec.items() if k != "verified"]
            if not identifiers:
                self._error(spec, spec.loc, f"link {slug}: no identifier")
            for key, value in identifiers:
                loc = where(key, spec.loc)
                prop = self._identifier_property(key, slug, spec.loc)
                if prop is None:
                    continue
                text = str(value)
                if (slug, prop) in linked:
                    self._error(key, spec.loc, f"link {slug}: a second {key} (the first is at {linked[slug, prop]})")
                    continue
                if (prop, text) in seen and seen[prop, text][0] != slug:
                    other, first = seen[prop, text]
                    self._error(value, spec.loc, f"link {slug}: {key} {text} is already the identifier of {other} ({first})")
                    continue
                linked[slug, prop] = loc
                seen[prop, text] = (slug, loc)
                record = LINK[f"{scheme}/{slug}/{str(prop).rsplit('#', 1)[-1]}"]
                self.result.origins[str(record)] = str(loc)
                self._add(subject, prop, Literal(text), g)
                if prop in LINKED_IRIS:
                    self._add(subject, SKOS.exactMatch, LINKED_IRIS[prop][text], g)
                self._add(record, RDF.type, AIGOV.IdentifierLink, g)
                for p, o in self._reified(subject, prop, Literal(text)):
                    self._add(record, p, o, g)
                self._add(record, PROV.wasDerivedFrom, dataset, g)
                self._add(record, DCTERMS.description, Literal(verified), g)
        for slug, reason in self._mapping(data.get("unlinked"), data.loc).items():
            if str(slug) not in self.result.entities:
                self._error(slug, data.loc, f"unknown entity {slug!r} (define it in instances/entities/)")
            elif str(slug) in links:
                self._error(slug, data.loc, f"{slug} is both linked and unlinked")
            elif not str(reason or "").strip():
                self._error(slug, data.loc, f"unlinked {slug}: give the reason")
            else:
                gaps[str(slug)] = str(reason)

    def _identifier_property(self, key: Any, slug: str, fallback: Location) -> URIRef | None:
        """The identifier property named ``key``, if the entity ``slug`` is in its domain; else report and None."""
        try:
            prop = self.onto.expand(str(key))
        except KeyError as exc:
            self._error(key, fallback, str(exc.args[0]))
            return None
        if prop not in self.onto.datatype_properties or DCTERMS.identifier not in set(
            self.onto.graph.transitive_objects(prop, RDFS.subPropertyOf)
        ):
            self._error(
                key, fallback, f"link {slug}: {key!r} is not an identifier property (a subproperty of dcterms:identifier)"
            )
            return None
        domain = self.onto.graph.value(prop, RDFS.domain)
        cls = self.result.entities[slug][0]
        if isinstance(domain, URIRef) and cls != domain and not self.onto.is_subclass(cls, domain):
            self._error(key, fallback, f"link {slug}: {key} applies to a {curie(domain)}, and {slug} is a {curie(cls)}")
            return None
        return prop

    # -- papers ----------------------------------------------------------------------------------

    def _emit_paper(self, name: str, data: Map) -> None:
        key = str(data.get("paper", ""))
        info = self.result.papers.get(key)
        if info is None:
            raise SourceError(where(data.get("paper"), data.loc), f"paper {key!r} has no record in sources.yaml")
        if "define" in data:
            self._emit_entities(data["define"], name)
        graph = URIRef(paper_iri(key))
        claims: dict[URIRef, ClaimRecord] = {}
        passages = data.get("passages", Seq())
        if not isinstance(passages, Seq):
            raise SourceError(where(passages, data.loc), "'passages' must be a list")
        for passage in passages:
            if not isinstance(passage, Map):
                self._error(passage, passages.loc, "each passage must be a mapping with q, at and claims")
                continue
            self._guard(self._emit_passage, key, info, graph, passage, claims, name)
        for claim in sorted(claims.values(), key=lambda c: str(c.iri)):
            self._add(claim.iri, RDF.type, claim.kind, graph)
            self._add(claim.iri, AIGOV.statedIn, graph, graph)
            for p, o in claim.body:
                self._add(claim.iri, p, o, graph)
            for ev in sorted(claim.evidence):
                self._add(claim.iri, AIGOV.hasEvidence, ev, graph)
            if claim.direct is not None:
                s, p, o = claim.direct
                self._add(s, p, o, graph)

    def _emit_passage(
        self, key: str, info: PaperInfo, graph: URIRef, passage: Map, claims: dict[URIRef, ClaimRecord], name: str
    ) -> None:
        self._check_keys(passage, PASSAGE_KEYS, name)
        quote = passage.get("q")
        if not isinstance(quote, Str) or not quote:
            raise SourceError(passage.loc, "passage has no quote 'q'")
        at = passage.get("at")
        if at is None:
            if self.require_offsets:
                raise SourceError(quote.loc, "passage has no offset 'at' (run `aigov anchor` on this file)")
            start = 0
        elif not INTEGER.match(str(at)) or int(at) < 0:
            raise SourceError(where(at, passage.loc), "'at' must be a non-negative character offset")
        else:
            start = int(at)
        ev = self._evidence(info, graph, str(quote), start)
        self.result.origins.setdefault(str(ev), str(quote.loc))
        basis = str(passage.get("basis", "explicit"))
        paper = URIRef(paper_iri(key))

        def record(
            kind: URIRef,
            body: Sequence[tuple[URIRef, Term]],
            direct: tuple[Term, URIRef, Term] | None,
            qualifiers: Map | None,
            loc: Location,
        ) -> None:
            body = list(body)
            claim_basis = basis
            if qualifiers:
                for qkey, qvalue in qualifiers.items():
                    if qkey == "basis":
                        claim_basis = str(qvalue)
                        continue
                    prop = self._property(qkey, qualifiers.loc)
                    body.append((prop, self._object(prop, qvalue, qualifiers.loc)))
            concept = self.onto.concept(AIGOV.ClaimBasis, claim_basis)
            if concept is None:
                raise SourceError(loc, f"basis must be 'explicit' or 'coded', not {claim_basis!r}")
            body.append((AIGOV.basis, concept))
            digest = hashlib.sha1("|".join([str(kind)] + sorted(f"{p} {o.n3()}" for p, o in body)).encode("utf-8")).hexdigest()[
                :16
            ]
            iri = CLAIM[f"{key}/{digest}"]
            claim = claims.setdefault(iri, ClaimRecord(iri, kind, body, direct, loc=loc))
            self.result.origins.setdefault(str(iri), str(loc))
            claim.evidence.add(ev)

        for slug in self._seq(passage.get("mentions"), passage.loc):
            target = self._entity_ref(slug, passage.loc)
            record(
                AIGOV.StatementClaim,
                self._reified(paper, SCHEMA.mentions, target),
                (paper, SCHEMA.mentions, target),
                None,
                where(slug, passage.loc),
            )
        for fact in self._seq(passage.get("facts"), passage.loc):
            items, qualifiers = self._split(fact, 3, 3, passage.loc, "fact [subject, predicate, object]", literal_object=True)
            subject = self._entity_ref(items[0], passage.loc)
            prop = self._property(items[1], passage.loc)
            obj = self._object(prop, items[2], passage.loc)
            record(AIGOV.StatementClaim, self._reified(subject, prop, obj), (subject, prop, obj), qualifiers, fact.loc)
        for belief in self._seq(passage.get("beliefs"), passage.loc):
            items, qualifiers = self._split(belief, 3, 3, passage.loc, "belief [holder, stance, belief]")
            stance = self.onto.concept(AIGOV.Stance, str(items[1]))
            if stance is None:
                raise SourceError(where(items[1], belief.loc), f"stance must be for, against or neutral, not {items[1]!r}")
            body = [
                (AIGOV.holder, self._entity_ref(items[0], belief.loc)),
                (AIGOV.stance, stance),
                (AIGOV.belief, self._entity_ref(items[2], belief.loc)),
            ]
            record(AIGOV.BeliefAttribution, body, None, qualifiers, belief.loc)
        for member in self._seq(passage.get("members"), passage.loc):
            items, qualifiers = self._split(member, 2, 3, passage.loc, "member [member, grouping, role?]")
            who = self._entity_ref(items[0], member.loc)
            group = self._entity_ref(items[1], member.loc)
            body = [(ORG.member, who), (ORG.organization, group)]
            if len(items) == 3:
                role = self.onto.concept(AIGOV.MembershipRole, str(items[2]))
                if role is None:
                    raise SourceError(where(items[2], member.loc), f"unknown membership role {items[2]!r}")
                body.append((ORG.role, role))
            record(AIGOV.MembershipAttribution, body, (who, ORG.memberOf, group), qualifiers, member.loc)

    def _evidence(self, info: PaperInfo, graph: URIRef, quote: str, start: int) -> URIRef:
        end = start + len(quote)
        stem = info.file.rsplit(".", 1)[0]
        ev = EVIDENCE[f"{stem}/{start}-{end}"]
        quote_sel = URIRef(f"{ev}#quote")
        pos_sel = URIRef(f"{ev}#position")
        self._add(ev, RDF.type, AIGOV.Evidence, graph)
        self._add(ev, OA.hasSource, URIRef(file_iri(info.file)), graph)
        self._add(ev, OA.hasSelector, quote_sel, graph)
        self._add(ev, OA.hasSelector, pos_sel, graph)
        self._add(quote_sel, RDF.type, OA.TextQuoteSelector, graph)
        self._add(quote_sel, OA.exact, Literal(quote), graph)
        self._add(pos_sel, RDF.type, OA.TextPositionSelector, graph)
        self._add(pos_sel, OA.start, Literal(start, datatype=XSD.nonNegativeInteger), graph)
        self._add(pos_sel, OA.end, Literal(end, datatype=XSD.nonNegativeInteger), graph)
        return ev

    @staticmethod
    def _reified(s: Term, p: URIRef, o: Term) -> list[tuple[URIRef, Term]]:
        return [(RDF.subject, s), (RDF.predicate, p), (RDF.object, o)]

    # -- value helpers ---------------------------------------------------------------------------

    def _check_keys(self, mapping: Any, allowed: set[str], name: str) -> None:
        if not isinstance(mapping, Map):
            self._error(mapping, Location(name), "expected a mapping")
            return
        for k in mapping:
            if k not in allowed:
                self._error(k, mapping.loc, f"unknown key {k!r} (expected one of: {', '.join(sorted(allowed))})")

    def _mapping(self, value: Any, fallback: Location) -> Map:
        if value is None or value == "":
            return Map()
        if not isinstance(value, Map):
            raise SourceError(where(value, fallback), "expected a mapping")
        return value

    def _seq(self, value: Any, fallback: Location) -> Iterator[Any]:
        if value is None:
            return iter(())
        if not isinstance(value, Seq):
            raise SourceError(where(value, fallback), "expected a list")
        return iter(value)

    def _split(
        self, value: Any, least: int, most: int, fallback: Location, what: str, literal_object: bool = False
    ) -> tuple[list[Any], Map | None]:
        """Items and trailing qualifiers of a claim list.

        A trailing mapping is the qualifiers; for a fact (``literal_object``) a mapping in third place is
        a language-tagged object instead, so ``[s, p, {zh: text}]`` is a literal and
        ``[s, p, {zh: text}, {regarding: x}]`` a literal with qualifiers.
        """
        if not isinstance(value, Seq):
            raise SourceError(where(value, fallback), f"expected a list: {what}")
        items = list(value)
        qualifiers = None
        if items and isinstance(items[-1], Map) and (len(items) > most or not literal_object):
            qualifiers = items.pop()
        well_formed = all(isinstance(i, Str) or (literal_object and n == 2 and isinstance(i, Map)) for n, i in enumerate(items))
        if not least <= len(items) <= most or not well_formed:
            raise SourceError(value.loc, f"expected {what}, got {len(items)} item(s)")
        return items, qualifiers

    def _lang_map(self, value: Any, fallback: Location, what: str) -> list[tuple[str, str]]:
        if not isinstance(value, Map):
            raise SourceError(where(value, fallback), f"{what}: expected a mapping of language to text")
        return [(str(lang), str(text)) for lang, text in value.items()]

    def _date(self, value: Any, fallback: Location) -> Literal:
        literal = typed_date(str(value))
        if literal is None:
            raise SourceError(where(value, fallback), f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return literal

    def _entity_ref(self, value: Any, fallback: Location) -> URIRef:
        text = str(value)
        if text.startswith("paper:"):
            key = text.split(":", 1)[1]
            if key not in self.result.papers:
                raise SourceError(where(value, fallback), f"unknown paper {key!r}")
            return PAPER[key]
        if text not in self.result.entities:
            raise SourceError(
                where(value, fallback), f"unknown entity {text!r} (define it in instances/entities/ or the paper's 'define:')"
            )
        return ID[text]

    def _property(self, value: Any, fallback: Location) -> URIRef:
        try:
            prop = self.onto.expand(str(value))
        except KeyError as exc:
            raise SourceError(where(value, fallback), str(exc.args[0])) from None
        if prop not in self.onto.object_properties and prop not in self.onto.datatype_properties:
            raise SourceError(where(value, fallback), f"{value!r} is not a property of the ontology")
        return prop

    def _object(self, prop: URIRef, value: Any, fallback: Location) -> Term:
        loc = where(value, fallback)
        if prop in self.onto.object_properties:
            if not isinstance(value, Str):
                raise SourceError(loc, f"{prop} takes an entity slug")
            range_cls = self.onto.object_range(prop)
            if range_cls is not None and range_cls in self.onto.concepts_by_class:
                concept = self.onto.concept(range_cls, str(value))
                if concept is None:
                    known = ", ".join(sorted(self.onto.concepts_by_class[range_cls]))
                    raise SourceError(loc, f"{value!r} is not a concept of {range_cls} (known: {known})")
                return concept
            return self._entity_ref(value, fallback)
        if isinstance(value, Map):
            pairs = self._lang_map(value, fallback, str(prop))
            if len(pairs) != 1:
                raise SourceError(loc, "a language-tagged literal takes exactly one language key")
            return Literal(pairs[0][1], lang=pairs[0][0])
        text = str(value)
        if prop in self.onto.date_properties:
            return self._date(value, fallback)
        datatype = self.onto.datatype_range(prop)
        if datatype in (XSD.integer, XSD.positiveInteger, XSD.nonNegativeInteger):
            if not INTEGER.match(text):
                raise SourceError(loc, f"{prop} takes an integer, not {text!r}")
            return Literal(int(text), datatype=datatype)
        if datatype == XSD.string:
            return Literal(text)
        if datatype is None:
            if INTEGER.match(text):
                return Literal(int(text), datatype=XSD.integer)
            if DECIMAL.match(text):
                return Literal(text, datatype=XSD.decimal)
            return Literal(text)
        return Literal(text, datatype=datatype)


def instance_files(root: Path) -> list[Path]:
    """Every YAML source under an instances folder, in a stable order."""
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())
