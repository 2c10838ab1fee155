"""Bilingual HTML documentation of the ontology and its SKOS vocabularies, with SVG diagrams.

``write_docs(out_dir)`` reads the ontology files (``ontology/*.ttl``) and writes ``index.html`` (one
self-contained page: every class, object, datatype and annotation property of the aigov namespace
with its @zh and @en labels and definitions, super- and sub-terms, domain, range and alignments; the
concept schemes and their concepts; a table of contents), ``class-hierarchy.svg`` and
``object-properties.svg`` (also inlined in the page, nodes linking to the terms), and a copy of the
Turtle sources. Nothing is fetched at view time: no script, style sheet, font or image from the web.

Anchors are the terms' fragments, so ``https://w3id.org/aigov/ontology#Actor`` is ``index.html#Actor``;
a concept ``https://w3id.org/aigov/vocab/stance/for`` is ``index.html#vocab/stance/for``.

``check_docs(out_dir, graph)`` reads the written page back and lists what is missing from it; the
``aigov docs`` command runs it after writing and exits 1 when it finds anything.

The diagrams are laid out here, in Python (a left-to-right tree for the classes; three columns,
domain -> property -> range, for the object properties), so no Graphviz is needed and the output is
the same byte for byte on every machine.
"""

from __future__ import annotations

import html
import re
import shutil
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from .errors import SourceError
from .namespaces import AIGOV, ONTOLOGY_IRI, PREFIXES, VOCAB

LANGS = ("en", "zh")
HTML_FILE = "index.html"
CLASS_DIAGRAM = "class-hierarchy.svg"
PROPERTY_DIAGRAM = "object-properties.svg"

KINDS = {  # kind -> (heading en, heading zh, rdf:types, badge)
    "class": ("Classes", "类", (OWL.Class, RDFS.Class), "c"),
    "object-property": ("Object properties", "对象属性", (OWL.ObjectProperty,), "op"),
    "datatype-property": ("Datatype properties", "数据属性", (OWL.DatatypeProperty,), "dp"),
    "annotation-property": ("Annotation properties", "注释属性", (OWL.AnnotationProperty,), "ap"),
}
MATCHES = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    OWL.equivalentClass,
    OWL.equivalentProperty,
)
SHOWN = {  # predicates every term section shows in its own row; any other one goes under "other annotations"
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.definition,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.disjointWith,
    SKOS.inScheme,
    SKOS.topConceptOf,
    SKOS.hasTopConcept,
    SKOS.broader,
    SKOS.narrower,
    *MATCHES,
}
CHARACTERISTICS = {
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}


# ------------------------------------------------------------------------------------------------
# Reading the ontology
# ------------------------------------------------------------------------------------------------


def load_graph(paths: Sequence[Path] | None = None) -> Graph:
    """The ontology files (default: the shipped ``ontology/*.ttl``) in one graph."""
    from .ontology import ontology_files

    graph = Graph(bind_namespaces="core")
    for path in paths if paths is not None else ontology_files():
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several parser exception types
            raise SourceError(path, f"Turtle syntax error: {exc}") from None
    return graph


def anchor(iri: Node) -> str:
    """The HTML id of a term: its fragment in the aigov namespace, ``vocab/...`` for a concept.

    >>> anchor(URIRef("https://w3id.org/aigov/ontology#Actor"))
    'Actor'
    >>> anchor(URIRef("https://w3id.org/aigov/vocab/stance/for"))
    'vocab/stance/for'
    """
    text = str(iri)
    if text.startswith(str(AIGOV)):
        return text[len(str(AIGOV)) :]
    if text.startswith(VOCAB):
        return "vocab/" + text[len(VOCAB) :]
    return "t-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", text)


def in_namespace(iri: Node | None) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(str(AIGOV)) and len(str(iri)) > len(str(AIGOV))


@dataclass
class Term:
    """One documented resource: an ontology term, a concept scheme or a concept."""

    iri: URIRef
    kind: str
    labels: dict[str, list[str]]
    definitions: dict[str, list[str]]

    def label(self, lang: str) -> str:
        values = self.labels.get(lang) or []
        return " / ".join(values)

    @property
    def name(self) -> str:
        """The English label, else the anchor: what a diagram or a link shows first."""
        return self.label("en") or anchor(self.iri)


def _by_lang(graph: Graph, subject: Node, *predicates: URIRef) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for predicate in predicates:
        for value in graph.objects(subject, predicate):
            if isinstance(value, Literal):
                lang = (value.language or "").lower().split("-")[0]
                if str(value) not in found[lang]:
                    found[lang].append(str(value))
        if found:
            break  # rdfs:label first; skos:prefLabel only where there is no rdfs:label
    return {lang: sorted(values) for lang, values in found.items()}


def _term(graph: Graph, iri: URIRef, kind: str) -> Term:
    return Term(
        iri=iri,
        kind=kind,
        labels=_by_lang(graph, iri, RDFS.label, SKOS.prefLabel),
        definitions=_by_lang(graph, iri, SKOS.definition, RDFS.comment),
    )


@dataclass
class Model:
    """What the documentation shows, read from the graph once."""

    graph: Graph
    terms: dict[str, list[Term]]  # kind -> terms, sorted
    schemes: list[Term]
    concepts: dict[URIRef, list[Term]]  # scheme -> its concepts, top concepts first, then depth-first
    index: dict[URIRef, Term] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for terms in [*self.terms.values(), self.schemes, *self.concepts.values()]:
            for term in terms:
                self.index.setdefault(term.iri, term)

    @property
    def classes(self) -> list[Term]:
        return self.terms["class"]

    def counts(self) -> dict[str, int]:
        counts = {kind: len(terms) for kind, terms in self.terms.items()}
        counts["concept-scheme"] = len(self.schemes)
        counts["concept"] = len({c.iri for cs in self.concepts.values() for c in cs})
        return counts


def _sort_key(iri: Node) -> tuple[str, str]:
    return (anchor(iri).lower(), str(iri))


def _concept_order(graph: Graph, members: set[URIRef]) -> list[URIRef]:
    """Top concepts first (by skos:notation, then IRI), each followed by its narrower concepts, depth-first."""
    narrower: dict[URIRef | None, list[URIRef]] = defaultdict(list)
    for concept in members:
        broader = [b for b in graph.objects(concept, SKOS.broader) if b in members]
        broader += [b for b in graph.subjects(SKOS.narrower, concept) if b in members]
        narrower[sorted(broader, key=str)[0] if broader else None].append(concept)  # type: ignore[index]
    ordered: list[URIRef] = []

    def key(concept: URIRef) -> tuple[str, str]:
        return (str(graph.value(concept, SKOS.notation) or ""), str(concept))

    def walk(parent: URIRef | None) -> None:
        for child in sorted(narrower.get(parent, []), key=key):
            if child not in ordered:
                ordered.append(child)
                walk(child)

    walk(None)
    return ordered + sorted(members - set(ordered), key=str)  # concepts caught in a skos:broader cycle


def read_model(graph: Graph) -> Model:
    """The aigov terms of each kind, the concept schemes and their concepts."""
    terms: dict[str, list[Term]] = {}
    seen: set[URIRef] = set()
    for kind, (_, _, types, _) in KINDS.items():
        iris = {s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef) and in_namespace(s)} - seen
        seen |= iris  # a term typed twice is documented once, under the first kind
        found = [_term(graph, iri, kind) for iri in iris]
        terms[kind] = sorted(found, key=lambda t: (t.name.lower(), str(t.iri)))
    scheme_iris = sorted((s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)), key=str)
    concepts: dict[URIRef, list[Term]] = {}
    for scheme in scheme_iris:
        members = {c for c in graph.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)}
        members |= {c for c in graph.objects(scheme, SKOS.hasTopConcept) if isinstance(c, URIRef)}
        members |= {c for c in graph.subjects(SKOS.topConceptOf, scheme) if isinstance(c, URIRef)}
        ordered = _concept_order(graph, members)
        concepts[scheme] = [_term(graph, c, "concept") for c in ordered]
    return Model(graph, terms, [_term(graph, s, "concept-scheme") for s in scheme_iris], concepts)


def named(graph: Graph, subject: Node, predicate: URIRef) -> list[URIRef]:
    return sorted((o for o in graph.objects(subject, predicate) if isinstance(o, URIRef)), key=_sort_key)


def class_members(graph: Graph, expression: Node) -> list[URIRef]:
    """The named classes of a domain or range: the class itself, or the members of an owl:unionOf."""
    if isinstance(expression, URIRef):
        return [expression]
    union = graph.value(expression, OWL.unionOf)
    if union is None:
        return []
    return [m for m in Collection(graph, union) if isinstance(m, URIRef)]  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# Names and links
# ------------------------------------------------------------------------------------------------


class Namer:
    """Prefixed names from the graph's own prefixes (and the project's), recording which were used."""

    def __init__(self, graph: Graph) -> None:
        known = {**PREFIXES, **{p: str(n) for p, n in graph.namespaces() if p}}
        self.prefixes = sorted(known.items(), key=lambda item: -len(item[1]))
        self.used: set[str] = set()

    def curie(self, iri: Node) -> str:
        """``aigov:Actor`` for an IRI under a known prefix, else the IRI in angle brackets."""
        text = str(iri)
        for prefix, namespace in self.prefixes:
            if text.startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w.-]*", text[len(namespace) :]):
                self.used.add(prefix)
                return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _class_expression(graph: Graph, node: Node, link: Link, depth: int = 0) -> str:
    """A blank-node class expression in Manchester-like syntax (restrictions, unions, intersections)."""
    if not isinstance(node, BNode) or depth > 5:
        return link(node)
    for predicate, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and "), (OWL.oneOf, ", ")):
        items = graph.value(node, predicate)
        if items is not None:
            inner = word.join(_class_expression(graph, m, link, depth + 1) for m in Collection(graph, items))
            return "{" + inner + "}" if predicate == OWL.oneOf else f"({inner})"
    complement = graph.value(node, OWL.complementOf)
    if complement is not None:
        return "not " + _class_expression(graph, complement, link, depth + 1)
    prop = graph.value(node, OWL.onProperty)
    if prop is not None:
        for predicate, word in (
            (OWL.someValuesFrom, "some"),
            (OWL.allValuesFrom, "only"),
            (OWL.hasValue, "value"),
            (OWL.minCardinality, "min"),
            (OWL.maxCardinality, "max"),
            (OWL.cardinality, "exactly"),
            (OWL.minQualifiedCardinality, "min"),
            (OWL.maxQualifiedCardinality, "max"),
            (OWL.qualifiedCardinality, "exactly"),
        ):
            value = graph.value(node, predicate)
            if value is None:
                continue
            if isinstance(value, Literal) and predicate not in (OWL.hasValue,):
                on = graph.value(node, OWL.onClass) or graph.value(node, OWL.onDataRange)
                tail = " " + _class_expression(graph, on, link, depth + 1) if on is not None else ""
                return f"({link(prop)} {word} {esc(value)}{tail})"
            return f"({link(prop)} {word} {_class_expression(graph, value, link, depth + 1)})"
    return "<i>an anonymous class expression</i>"


class Link:
    """HTML links: to a term's section on the page, or to an external IRI under its prefixed name."""

    def __init__(self, model: Model, namer: Namer) -> None:
        self.model, self.namer = model, namer

    def __call__(self, node: Node) -> str:
        if isinstance(node, Literal):
            return _literal(node)
        if not isinstance(node, URIRef):
            return _class_expression(self.model.graph, node, self)
        term = self.model.index.get(node)
        if term is not None:
            title = " · ".join(t for t in (term.label("zh"), term.label("en")) if t)
            text = anchor(node).removeprefix("vocab/")  # Actor, issuedBy; stance/for for a concept
            return f'<a href="#{esc(anchor(node))}" title="{esc(title)}">{esc(text)}</a>'
        curie = self.namer.curie(node)
        return f'<a class="ext" href="{esc(node)}">{esc(curie if not curie.startswith("<") else node)}</a>'


def _literal(value: Literal) -> str:
    lang = value.language
    if lang:
        return f'<span lang="{esc(lang)}">{esc(value)}</span>'
    return esc(value)


# ------------------------------------------------------------------------------------------------
# SVG diagrams
# ------------------------------------------------------------------------------------------------

FONT = "font-family=\"'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','Helvetica Neue',Arial,sans-serif\""
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e", "#7f7f7f")


def text_width(text: str, size: float = 12.0) -> float:
    """An estimate of the rendered width of ``text`` in pixels: CJK characters are a full em wide.

    >>> text_width("Actor") < text_width("行为体")
    True
    """
    em = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            em += 1.0
        elif ch in "iljtf.,:;'|!()[] ":
            em += 0.34
        elif ch.isupper() or ch in "mwMW@":
            em += 0.72
        else:
            em += 0.58
    return em * size


@dataclass
class Diagram:
    svg: str
    nodes: int
    edges: int


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{esc(title)}" {FONT} font-size="12">\n<title>{esc(title)}</title>\n'
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


def _box(
    x: float, y: float, w: float, h: float, lines: Sequence[tuple[str, str]], href: str | None, tip: str, external: bool = False
) -> str:
    """A node: a rounded box with one to three lines of text (text, weight), linked when ``href``."""
    fill, stroke, dash = ("#ffffff", "#8a8a8a", ' stroke-dasharray="4 3"') if external else ("#eef4fb", "#4a78b0", "")
    parts = [f"<title>{esc(tip)}</title>", f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="5" '
             f'fill="{fill}" stroke="{stroke}"{dash}/>']  # fmt: skip
    line_height = 14.0
    top = y + h / 2 - line_height * (len(lines) - 1) / 2 + 4
    for i, (text, weight) in enumerate(lines):
        size = ' font-size="10" fill="#555555"' if weight == "small" else (' font-weight="bold"' if weight == "bold" else "")
        parts.append(f'<text x="{x + w / 2:.1f}" y="{top + i * line_height:.1f}" text-anchor="middle"{size}>{esc(text)}</text>')
    inner = "".join(parts)
    if href:
        return f'<a xlink:href="{esc(href)}">{inner}</a>'
    return f"<g>{inner}</g>"


def class_hierarchy_svg(model: Model, href_prefix: str = "", namer: Namer | None = None) -> Diagram:
    """The aigov classes as a left-to-right tree under rdfs:subClassOf; external superclasses as dashed roots.

    Each class hangs under one parent: its first aigov superclass, else its external superclass that most
    classes share. Any further superclass is named on a third line (and drawn as a dashed edge when it is an
    aigov class too).
    """
    graph = model.graph
    namer = namer or Namer(graph)
    classes = {t.iri: t for t in model.classes}
    share = Counter(p for iri in classes for p in named(graph, iri, RDFS.subClassOf) if p not in classes and p != iri)
    parent: dict[URIRef, URIRef] = {}
    extra: dict[URIRef, list[URIRef]] = {}
    for iri in classes:
        supers = [p for p in named(graph, iri, RDFS.subClassOf) if p != iri]
        local = [p for p in supers if p in classes]
        external = sorted((p for p in supers if p not in classes), key=lambda p: (-share[p], namer.curie(p)))
        chosen = local[0] if local else (external[0] if external else None)
        if chosen is not None:
            parent[iri] = chosen
        extra[iri] = [p for p in local + external if p != chosen]
    # break any subclass cycle so the tree stays a tree
    for iri in list(parent):
        seen, node = {iri}, parent.get(iri)
        while node is not None and node in parent:
            if node in seen:
                del parent[iri]
                break
            seen.add(node)
            node = parent.get(node)
    children: dict[URIRef | None, list[URIRef]] = defaultdict(list)
    nodes = set(classes) | set(parent.values())
    for node in nodes:
        children[parent.get(node)].append(node)

    def size(node: URIRef) -> int:
        return 1 + sum(size(c) for c in children.get(node, []))

    def label_lines(node: URIRef) -> list[tuple[str, str]]:
        term = classes.get(node)
        if term is None:
            return [(namer.curie(node), "normal")]
        lines = [(term.label("en") or anchor(node), "bold"), (term.label("zh") or "—", "normal")]
        if extra.get(node):
            lines.append(("⊑ " + ", ".join(namer.curie(p) if p not in classes else anchor(p) for p in extra[node]), "small"))
        return lines

    order = {n: i for i, n in enumerate(sorted(nodes, key=lambda n: (n not in classes, -size(n), namer.curie(n))))}
    for kids in children.values():
        kids.sort(key=lambda n: (classes[n].name.lower() if n in classes else namer.curie(n), str(n)))
    roots = sorted(children[None], key=lambda n: (n in classes, -size(n), order[n]))
    heights = {n: 14.0 * len(label_lines(n)) + 10 for n in nodes}
    depth: dict[URIRef, int] = {}
    y_of: dict[URIRef, float] = {}
    gap, margin = 12.0, 20.0
    cursor = margin + 30

    def shift(node: URIRef, delta: float) -> None:
        y_of[node] += delta
        for kid in children.get(node, []):
            shift(kid, delta)

    def place(node: URIRef, d: int) -> None:
        """Leaves one below the other; a parent level with the middle of its children, never above its subtree."""
        nonlocal cursor
        depth[node], h, start = d, heights[node], cursor
        kids = children.get(node, [])
        if not kids:
            y_of[node] = cursor + h / 2
            cursor += h + gap
            return
        for kid in kids:
            place(kid, d + 1)
        y = (y_of[kids[0]] + y_of[kids[-1]]) / 2
        if y - h / 2 < start:
            delta = start - (y - h / 2)
            for kid in kids:
                shift(kid, delta)
            cursor, y = cursor + delta, y + delta
        y_of[node] = y
        cursor = max(cursor, y + h / 2 + gap)

    for root in roots:
        place(root, 0)
        cursor += 12  # a little air between two trees
    widths = {n: max(text_width(t, 10 if w == "small" else 12.5) for t, w in label_lines(n)) + 20 for n in nodes}
    columns = max(depth.values(), default=0) + 1
    column_width = [max([widths[n] for n in nodes if depth[n] == d], default=0) for d in range(columns)]
    x_of_column, x = [], margin
    for d in range(columns):
        x_of_column.append(x)
        x += column_width[d] + 48
    body = [
        f'<text x="{margin}" y="{margin + 6}" font-size="13" font-weight="bold">AIGov ontology: class hierarchy '
        "(rdfs:subClassOf, superclass on the left) · 类层次</text>"
    ]
    edges = 0
    for node in sorted(parent, key=str):
        p = parent[node]
        x1 = x_of_column[depth[p]] + widths[p]
        x2 = x_of_column[depth[node]]
        mid = x2 - 24
        body.append(
            f'<path d="M{x1:.1f},{y_of[p]:.1f} H{mid:.1f} V{y_of[node]:.1f} H{x2:.1f}" fill="none" stroke="#7a8da6" '
            'stroke-width="1.2"/>'
        )
        edges += 1
    for node in sorted(extra, key=str):
        for p in extra[node]:
            if p in classes and p in y_of:
                x1, y1 = x_of_column[depth[p]] + widths[p], y_of[p]
                x2, y2 = x_of_column[depth[node]] + widths[node] / 2, y_of[node] - heights[node] / 2
                body.append(
                    f'<path d="M{x1:.1f},{y1:.1f} C{x2:.1f},{y1:.1f} {x2:.1f},{y1:.1f} {x2:.1f},{y2:.1f}" fill="none" '
                    'stroke="#7a8da6" stroke-dasharray="5 4"/>'
                )
                edges += 1
    for node in sorted(nodes, key=lambda n: (depth[n], y_of[n])):
        term = classes.get(node)
        tip = f"{namer.curie(node)}" + (f" — {term.label('en')} / {term.label('zh')}" if term else " (external class)")
        href = f"{href_prefix}#{anchor(node)}" if term else str(node)
        body.append(
            _box(
                x_of_column[depth[node]],
                y_of[node] - heights[node] / 2,
                widths[node],
                heights[node],
                label_lines(node),
                href,
                tip,
                term is None,
            )
        )
    width = x - 48 + margin
    return Diagram(_svg(width, cursor + margin, "AIGov ontology class hierarchy", body), len(nodes), edges)


THING = OWL.Thing


def property_edges(model: Model) -> tuple[list[tuple[URIRef, list[URIRef], list[URIRef]]], list[URIRef]]:
    """(property, domain classes, range classes) for each aigov object property with a domain or a range
    (owl:Thing stands in for the side not declared); and the properties declaring neither."""
    graph = model.graph
    drawn, neither = [], []
    for term in model.terms["object-property"]:
        domains = [c for d in graph.objects(term.iri, RDFS.domain) for c in class_members(graph, d)]
        ranges = [c for r in graph.objects(term.iri, RDFS.range) for c in class_members(graph, r)]
        if not domains and not ranges:
            neither.append(term.iri)
            continue
        drawn.append((term.iri, sorted(set(domains) or {THING}, key=str), sorted(set(ranges) or {THING}, key=str)))
    return drawn, neither


def object_property_svg(model: Model, href_prefix: str = "", namer: Namer | None = None) -> Diagram:
    """Three columns: domain classes, object properties, range classes; an edge from each domain to its
    property and from the property to each range. Columns are ordered to keep crossings few."""
    namer = namer or Namer(model.graph)
    drawn, neither = property_edges(model)
    classes = {t.iri: t for t in model.classes}
    props = {t.iri: t for t in model.terms["object-property"]}
    left = sorted({d for _, ds, _ in drawn for d in ds}, key=_sort_key)
    right = sorted({r for _, _, rs in drawn for r in rs}, key=_sort_key)
    middle = [p for p, _, _ in drawn]
    domains = {p: ds for p, ds, _ in drawn}
    ranges = {p: rs for p, _, rs in drawn}

    def reorder(items: list[URIRef], neighbours: dict[URIRef, list[URIRef]], positions: dict[URIRef, int]) -> list[URIRef]:
        def key(item: URIRef) -> tuple[float, str]:
            near = [positions[n] for n in neighbours.get(item, []) if n in positions]
            return (sum(near) / len(near) if near else 0.0, anchor(item).lower())

        return sorted(items, key=key)

    left_of: dict[URIRef, list[URIRef]] = defaultdict(list)
    right_of: dict[URIRef, list[URIRef]] = defaultdict(list)
    for p, ds, rs in drawn:
        for d in ds:
            left_of[d].append(p)
        for r in rs:
            right_of[r].append(p)
    for _ in range(6):  # barycentre sweeps
        middle = reorder(middle, domains, {n: i for i, n in enumerate(left)})
        right = reorder(right, right_of, {n: i for i, n in enumerate(middle)})
        middle = reorder(middle, {p: ranges[p] for p in middle}, {n: i for i, n in enumerate(right)})
        left = reorder(left, left_of, {n: i for i, n in enumerate(middle)})

    def class_text(iri: URIRef) -> list[tuple[str, str]]:
        term = classes.get(iri)
        if term is None:
            return [(namer.curie(iri) + (" (any)" if iri == THING else ""), "normal")]
        return [(f"{term.label('en') or anchor(iri)} · {term.label('zh')}", "bold")]

    def prop_text(iri: URIRef) -> list[tuple[str, str]]:
        term = props[iri]
        return [(f"{anchor(iri)} · {term.label('zh')}", "normal")]

    row, margin, top = 26.0, 20.0, 64.0
    height = top + max(len(left), len(middle), len(right)) * row + margin + 34
    span = height - top - margin - 34

    def ys(items: list[URIRef]) -> dict[URIRef, float]:
        step = span / max(len(items), 1)
        return {n: top + step * (i + 0.5) for i, n in enumerate(items)}

    y_left, y_mid, y_right = ys(left), ys(middle), ys(right)
    w_left = max([text_width(class_text(n)[0][0], 12.5) + 20 for n in left], default=80)
    w_mid = max([text_width(prop_text(n)[0][0]) + 20 for n in middle], default=80)
    w_right = max([text_width(class_text(n)[0][0], 12.5) + 20 for n in right], default=80)
    gap = 170.0
    x_left, x_mid = margin, margin + w_left + gap
    x_right = x_mid + w_mid + gap
    width = x_right + w_right + margin
    body = [
        '<defs><marker id="op-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>',
        f'<text x="{margin}" y="{margin + 6}" font-size="13" font-weight="bold">AIGov ontology: object properties, '
        "domain → property → range · 对象属性的定义域与值域</text>",
        f'<text x="{x_left + w_left / 2:.1f}" y="{top - 14:.1f}" text-anchor="middle" font-weight="bold">rdfs:domain</text>',
        f'<text x="{x_mid + w_mid / 2:.1f}" y="{top - 14:.1f}" text-anchor="middle" font-weight="bold">object property</text>',
        f'<text x="{x_right + w_right / 2:.1f}" y="{top - 14:.1f}" text-anchor="middle" font-weight="bold">rdfs:range</text>',
    ]

    def curve(x1: float, y1: float, x2: float, y2: float, colour: str, arrow: str = "") -> str:
        c = (x1 + x2) / 2
        return (
            f'<path d="M{x1:.1f},{y1:.1f} C{c:.1f},{y1:.1f} {c:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" fill="none" '
            f'stroke="{colour}" stroke-opacity="0.75"{arrow}/>'
        )

    edges = 0
    for i, p in enumerate(middle):
        colour = PALETTE[i % len(PALETTE)]
        for d in domains[p]:
            body.append(curve(x_left + w_left, y_left[d], x_mid, y_mid[p], colour))
            edges += 1
        for r in ranges[p]:
            body.append(curve(x_mid + w_mid, y_mid[p], x_right - 1, y_right[r], colour, ' marker-end="url(#op-arrow)"'))
            edges += 1

    def class_box(iri: URIRef, x: float, y: float, w: float) -> str:
        term = classes.get(iri)
        href = f"{href_prefix}#{anchor(iri)}" if term else (None if iri == THING else str(iri))
        tip = namer.curie(iri) + (f" — {term.label('en')} / {term.label('zh')}" if term else "")
        return _box(x, y - 10, w, 20, class_text(iri), href, tip, term is None)

    for n in left:
        body.append(class_box(n, x_left, y_left[n], w_left))
    for n in right:
        body.append(class_box(n, x_right, y_right[n], w_right))
    for p in middle:
        term = props[p]
        tip = f"aigov:{anchor(p)} — {term.label('en')} / {term.label('zh')}"
        box = _box(x_mid, y_mid[p] - 10, w_mid, 20, prop_text(p), f"{href_prefix}#{anchor(p)}", tip)
        body.append(box.replace('fill="#eef4fb" stroke="#4a78b0"', 'fill="#fdf3e6" stroke="#c48a3a"'))
    if neither:
        words = [f"{anchor(p)}," for p in neither]
        words[-1] = words[-1].rstrip(",")
        lines, line = [], "Declaring neither a domain nor a range (not drawn):"
        for word in words:
            if text_width(line + " " + word, 11) > width - 2 * margin:
                lines.append(line)
                line = word
            else:
                line += " " + word
        lines.append(line)
        for i, text in enumerate(lines):
            body.append(f'<text x="{margin}" y="{height - margin + 14 * i:.1f}" font-size="11" fill="#555555">{esc(text)}</text>')
        height += 14 * (len(lines) - 1)
    nodes = len(left) + len(middle) + len(right)
    return Diagram(_svg(width, height, "AIGov ontology object properties (domain → range)", body), nodes, edges)


# ------------------------------------------------------------------------------------------------
# HTML
# ------------------------------------------------------------------------------------------------

CSS = """
:root { --ink: #1d2733; --muted: #5b6674; --line: #d9e0e8; --accent: #2f5f98; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); line-height: 1.5;
  font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif; }
header, main, nav#toc, .langs { max-width: 1100px; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 1.5rem; }
h1 { margin-bottom: .2rem; } h1 .zh { display: block; font-size: 1.3rem; color: var(--muted); }
h2 { border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { margin: 0 0 .4rem; } h3 [lang="zh"], h4 [lang="zh"] { color: var(--muted); margin-left: .4rem; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
a.ext { color: #6b4d8f; }
code { font-size: .9em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-top: 1px solid var(--line); }
th { width: 12rem; font-weight: 600; color: var(--muted); white-space: nowrap; }
td p { margin: 0 0 .3rem; }
section.term, div.concept { border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin: 1rem 0; }
section.term:target, div.concept:target, section.scheme:target { outline: 3px solid #f0b429; }
sup.kind { font-size: .7rem; padding: 0 .3rem; border-radius: 3px; color: #fff; background: var(--accent); margin-left: .4rem; }
sup.op { background: #c48a3a; } sup.dp { background: #2c8a5a; } sup.ap { background: #7a5aa6; }
sup.concept { background: #5b6674; }
.iri { color: var(--muted); font-size: .85rem; margin: 0 0 .4rem; word-break: break-all; }
nav#toc ol { columns: 3 16rem; } nav#toc > ol { columns: auto; } nav#toc li { break-inside: avoid; }
figure { margin: 1rem 0; overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
figure svg { max-width: none; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; }
.langs { padding-top: .8rem; font-size: .9rem; color: var(--muted); }
#lang-zh:checked ~ header [lang="en"], #lang-zh:checked ~ nav [lang="en"], #lang-zh:checked ~ main [lang="en"],
#lang-en:checked ~ header [lang="zh"], #lang-en:checked ~ nav [lang="zh"], #lang-en:checked ~ main [lang="zh"] { display: none; }
input.lang { position: absolute; opacity: 0; pointer-events: none; }
.langs label { cursor: pointer; margin-left: .6rem; padding: 0 .3rem; border-radius: 3px; }
#lang-both:checked ~ .langs [for="lang-both"], #lang-zh:checked ~ .langs [for="lang-zh"],
#lang-en:checked ~ .langs [for="lang-en"] { background: var(--accent); color: #fff; }
"""


@dataclass
class Page:
    """What ``render_html`` made, and the numbers for the report."""

    html: str
    counts: dict[str, int]
    class_diagram: Diagram
    property_diagram: Diagram


def _bilingual(values: dict[str, list[str]], tag: str = "span", sep: str = " ") -> str:
    out = []
    for lang in LANGS:
        for value in values.get(lang, []):
            out.append(f'<{tag} lang="{lang}">{esc(value)}</{tag}>')
    for lang in sorted(set(values) - set(LANGS)):
        for value in values[lang]:
            attr = f' lang="{esc(lang)}"' if lang else ""
            out.append(f"<{tag}{attr}>{esc(value)}</{tag}>")
    return sep.join(out)


def _row(head_en: str, head_zh: str, cells: Iterable[str], sep: str = ", ") -> str:
    items = list(cells)
    if not items:
        return ""
    return f'<tr><th><span lang="en">{head_en}</span> <span lang="zh">{head_zh}</span></th><td>{sep.join(items)}</td></tr>'


def _heading(term: Term, level: int, badge: str, badge_title: str) -> str:
    en = esc(term.label("en") or anchor(term.iri))
    zh = esc(term.label("zh"))
    return (
        f'<h{level}><span lang="en">{en}</span><span lang="zh">{zh}</span>'
        f'<sup class="kind {badge}" title="{esc(badge_title)}">{badge}</sup></h{level}>'
    )


class Renderer:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.graph = model.graph
        self.namer = Namer(model.graph)
        self.link = Link(model, self.namer)

    def iri_line(self, iri: URIRef) -> str:
        curie = self.namer.curie(iri)
        shown = f" · <code>{esc(curie)}</code>" if not curie.startswith("<") else ""
        return f'<p class="iri"><code>{esc(iri)}</code>{shown}</p>'

    def other_annotations(self, iri: URIRef) -> str:
        rows: dict[URIRef, list[str]] = defaultdict(list)
        comment_is_definition = (iri, SKOS.definition, None) not in self.graph  # as _term reads it
        for p, o in sorted(self.graph.predicate_objects(iri), key=lambda po: (str(po[0]), str(po[1]))):
            if p in SHOWN or (p == RDFS.comment and comment_is_definition):
                continue
            rows[p].append(self.link(o))  # type: ignore[index]
        return "".join(
            f"<tr><th>{self.link(p)}</th><td>{', '.join(values)}</td></tr>" for p, values in sorted(rows.items(), key=str)
        )

    def alignments(self, iri: URIRef) -> list[str]:
        g = self.graph
        out = []
        for predicate in (RDFS.subClassOf, RDFS.subPropertyOf, *MATCHES):
            for target in named(g, iri, predicate):
                if not in_namespace(target) and target != iri:
                    out.append(f"{self.link(predicate)} {self.link(target)}")
        return out

    def term_section(self, term: Term) -> str:
        g, link, iri = self.graph, self.link, term.iri
        head_en, head_zh, _, badge = KINDS[term.kind]
        rows = [
            _row("Label", "标签", [_bilingual(term.labels, sep="<br>")]),
            _row("Definition", "定义", [_bilingual(term.definitions, tag="p", sep="")] if term.definitions else []),
            _row("Type", "类型", [link(t) for t in named(g, iri, RDF.type)]),
        ]
        if term.kind == "class":
            rows += [
                _row("Superclasses", "上位类", [link(o) for o in g.objects(iri, RDFS.subClassOf)]),
                _row("Subclasses", "下位类", [link(s) for s in sorted(g.subjects(RDFS.subClassOf, iri), key=_sort_key)]),
                _row("Equivalent to", "等价于", [link(o) for o in g.objects(iri, OWL.equivalentClass)]),
                _row("Disjoint with", "互斥于", [link(c) for c in self.disjoint(iri)]),
                _row("Domain of", "作为定义域", [link(p) for p in self.properties_with(RDFS.domain, iri)]),
                _row("Range of", "作为值域", [link(p) for p in self.properties_with(RDFS.range, iri)]),
                _row("Members", "成员概念", [link(c) for c in sorted(g.subjects(RDF.type, iri), key=_sort_key)]),
            ]
        else:
            characteristics = [CHARACTERISTICS[t] for t in named(g, iri, RDF.type) if t in CHARACTERISTICS]
            rows += [
                _row("Characteristics", "特性", sorted(characteristics)),
                _row("Superproperties", "上位属性", [link(o) for o in named(g, iri, RDFS.subPropertyOf)]),
                _row("Subproperties", "下位属性", [link(s) for s in sorted(g.subjects(RDFS.subPropertyOf, iri), key=_sort_key)]),
                _row("Inverse of", "逆属性", [link(o) for o in g.objects(iri, OWL.inverseOf)]),
                _row("Domain", "定义域", [link(o) for o in g.objects(iri, RDFS.domain)]),
                _row("Range", "值域", [link(o) for o in g.objects(iri, RDFS.range)]),
            ]
        rows.append(_row("Aligned to", "对齐外部术语", self.alignments(iri), sep="<br>"))
        rows.append(self.other_annotations(iri))
        return (
            f'<section class="term" id="{esc(anchor(iri))}">{_heading(term, 3, badge, head_en)}{self.iri_line(iri)}'
            f"<table>{''.join(rows)}</table></section>"
        )

    def disjoint(self, iri: URIRef) -> list[URIRef]:
        g = self.graph
        found = set(g.objects(iri, OWL.disjointWith)) | set(g.subjects(OWL.disjointWith, iri))
        for group in g.subjects(RDF.type, OWL.AllDisjointClasses):
            members_list = g.value(group, OWL.members)
            if members_list is None:
                continue
            members = list(Collection(g, members_list))  # type: ignore[arg-type]
            if iri in members:
                found |= set(members)
        return sorted((c for c in found if isinstance(c, URIRef) and c != iri), key=_sort_key)

    def properties_with(self, predicate: URIRef, cls: URIRef) -> list[URIRef]:
        g = self.graph
        return sorted(
            (p for p, value in g.subject_objects(predicate) if isinstance(p, URIRef) and cls in class_members(g, value)),
            key=_sort_key,
        )

    def concept_block(self, term: Term, level: int) -> str:
        g, link, iri = self.graph, self.link, term.iri
        badge = "scheme" if term.kind == "concept-scheme" else "concept"
        rows = [
            _row("Label", "标签", [_bilingual(term.labels, sep="<br>")]),
            _row("Definition", "定义", [_bilingual(term.definitions, tag="p", sep="")] if term.definitions else []),
            _row("Type", "类型", [link(t) for t in named(g, iri, RDF.type)]),
            _row("Broader", "上位概念", [link(o) for o in named(g, iri, SKOS.broader)]),
            _row("Narrower", "下位概念", [link(s) for s in sorted(g.subjects(SKOS.broader, iri), key=_sort_key)]),
            _row("Top concept of", "顶层概念所属", [link(o) for o in named(g, iri, SKOS.topConceptOf)]),
            _row("Matches", "对应外部概念", self.alignments(iri), sep="<br>"),
            self.other_annotations(iri),
        ]
        head = _heading(term, level, "concept", "SKOS concept" if badge == "concept" else "SKOS concept scheme")
        return f'<div class="concept" id="{esc(anchor(iri))}">{head}{self.iri_line(iri)}<table>{"".join(rows)}</table></div>'

    def scheme_section(self, scheme: Term) -> str:
        concepts = self.model.concepts.get(scheme.iri, [])
        g, iri = self.graph, scheme.iri
        rows = [
            _row("Label", "标签", [_bilingual(scheme.labels, sep="<br>")]),
            _row("Definition", "定义", [_bilingual(scheme.definitions, tag="p", sep="")] if scheme.definitions else []),
            _row("Top concepts", "顶层概念", [self.link(c) for c in named(g, iri, SKOS.hasTopConcept)]),
            _row("Concepts", "概念数", [str(len(concepts))]),
            self.other_annotations(iri),
        ]
        blocks = "".join(self.concept_block(c, 4) for c in concepts)
        return (
            f'<section class="scheme" id="{esc(anchor(iri))}">{_heading(scheme, 3, "scheme", "SKOS concept scheme")}'
            f"{self.iri_line(iri)}<table>{''.join(rows)}</table>{blocks}</section>"
        )

    def ontology_header(self) -> str:
        g, iri = self.graph, URIRef(ONTOLOGY_IRI)
        if (iri, RDF.type, OWL.Ontology) not in g:
            iri = next((o for o in g.subjects(RDF.type, OWL.Ontology) if isinstance(o, URIRef)), iri)
        titles = _by_lang(g, iri, DCTERMS.title, RDFS.label)
        descriptions = _by_lang(g, iri, DCTERMS.description, RDFS.comment)
        meta = [
            _row("IRI", "本体 IRI", [f"<code>{esc(iri)}</code>"]),
            _row("Version IRI", "版本 IRI", [f"<code>{esc(v)}</code>" for v in g.objects(iri, OWL.versionIRI)]),
            _row("Version", "版本", [esc(v) for v in g.objects(iri, OWL.versionInfo)]),
        ]
        for predicate, head_en, head_zh in (
            (DCTERMS.creator, "Creator", "创建者"),
            (DCTERMS.created, "Created", "创建日期"),
            (DCTERMS.modified, "Modified", "修改日期"),
            (DCTERMS.license, "Licence", "许可"),
            (URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"), "Preferred prefix", "推荐前缀"),
            (URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"), "Namespace", "命名空间"),
            (RDFS.seeAlso, "See also", "参见"),
        ):
            meta.append(_row(head_en, head_zh, [self.link(v) for v in sorted(g.objects(iri, predicate), key=str)]))
        title_en = esc((titles.get("en") or ["AIGov ontology"])[0])
        title_zh = esc((titles.get("zh") or [""])[0])
        return (
            f'<header><h1><span lang="en">{title_en}</span> <span class="zh" lang="zh">{title_zh}</span></h1>'
            f"{_bilingual(descriptions, tag='p', sep='')}<table>{''.join(meta)}</table></header>"
        )

    def toc(self, sources: Sequence[str]) -> str:
        def entry(term: Term) -> str:
            return (
                f'<li><a href="#{esc(anchor(term.iri))}"><span lang="en">{esc(term.label("en") or anchor(term.iri))}</span>'
                f' <span lang="zh">{esc(term.label("zh"))}</span></a></li>'
            )

        parts = ['<li><a href="#diagrams"><span lang="en">Diagrams</span> <span lang="zh">图示</span></a></li>']
        for kind, (head_en, head_zh, _, _) in KINDS.items():
            terms = self.model.terms[kind]
            parts.append(
                f'<li><a href="#{kind}"><span lang="en">{head_en}</span> <span lang="zh">{head_zh}</span></a> ({len(terms)})'
                + (f"<ol>{''.join(entry(t) for t in terms)}</ol>" if terms else "")
                + "</li>"
            )
        schemes = "".join(
            entry(s)[: -len("</li>")] + f"<ol>{''.join(entry(c) for c in self.model.concepts.get(s.iri, []))}</ol></li>"
            for s in self.model.schemes
        )
        parts.append(
            '<li><a href="#vocabularies"><span lang="en">Vocabularies (SKOS)</span> <span lang="zh">受控词表</span></a>'
            f" ({len(self.model.schemes)})<ol>{schemes}</ol></li>"
        )
        parts.append('<li><a href="#alignments"><span lang="en">Alignments</span> <span lang="zh">外部对齐</span></a></li>')
        parts.append('<li><a href="#namespaces"><span lang="en">Namespaces</span> <span lang="zh">命名空间</span></a></li>')
        if sources:
            links = ", ".join(f'<a href="{esc(s)}">{esc(s)}</a>' for s in sources)
            parts.append(f'<li><span lang="en">Sources (Turtle)</span> <span lang="zh">源文件</span>: {links}</li>')
        heading = '<h2><span lang="en">Contents</span> <span lang="zh">目录</span></h2>'
        return f'<nav id="toc">{heading}<ol>{"".join(parts)}</ol></nav>'

    def alignment_table(self) -> str:
        g = self.graph
        rows = []
        for kind in KINDS:
            for term in self.model.terms[kind]:
                for predicate in (RDFS.subClassOf, RDFS.subPropertyOf, *MATCHES):
                    for target in named(g, term.iri, predicate):
                        if not in_namespace(target) and target != term.iri:
                            rows.append((self.namer.curie(target), target, predicate, term.iri))
        grouped: dict[tuple[str, URIRef, URIRef], list[URIRef]] = defaultdict(list)
        for curie, target, predicate, iri in rows:
            grouped[(curie, target, predicate)].append(iri)
        body = "".join(
            f"<tr><td>{self.link(target)}</td><td>{self.link(predicate)}</td>"
            f"<td>{', '.join(self.link(i) for i in sorted(iris, key=_sort_key))}</td></tr>"
            for (_, target, predicate), iris in sorted(grouped.items(), key=lambda item: (item[0][0], str(item[0][2])))
        )
        return (
            '<section id="alignments"><h2><span lang="en">Alignments to external vocabularies</span> '
            '<span lang="zh">与外部词表的对齐</span></h2><p><span lang="en">Every aigov term that is a subclass or '
            "subproperty of, or matches, a term of another vocabulary (declared, not imported).</span> "
            '<span lang="zh">本体对外部词表术语的子类、子属性与匹配关系（仅声明，不导入）。</span></p>'
            "<table><tr><th>external term</th><th>relation</th><th>aigov term</th></tr>" + body + "</table></section>"
        )

    def namespace_table(self) -> str:
        known = dict(self.namer.prefixes)
        rows = "".join(
            f"<tr><td><code>{esc(p)}</code></td><td><code>{esc(known[p])}</code></td></tr>" for p in sorted(self.namer.used)
        )
        return (
            '<section id="namespaces"><h2><span lang="en">Namespaces</span> <span lang="zh">命名空间</span></h2>'
            f"<table><tr><th>prefix</th><th>namespace</th></tr>{rows}</table></section>"
        )

    def render(self, sources: Sequence[str] = (), svg_prefix: str = "") -> Page:
        """The page; ``Page.class_diagram`` and ``Page.property_diagram`` link to ``svg_prefix#anchor``."""
        class_diagram = class_hierarchy_svg(self.model, namer=self.namer)
        property_diagram = object_property_svg(self.model, namer=self.namer)
        sections = []
        for kind, (head_en, head_zh, _, _) in KINDS.items():
            terms = self.model.terms[kind]
            inner = "".join(self.term_section(t) for t in terms) or (
                '<p><span lang="en">None declared in the aigov namespace.</span> <span lang="zh">本命名空间中未声明。</span></p>'
            )
            sections.append(
                f'<section id="{kind}"><h2><span lang="en">{head_en}</span> <span lang="zh">{head_zh}</span> '
                f"({len(terms)})</h2>{inner}</section>"
            )
        sections.append(
            '<section id="vocabularies"><h2><span lang="en">Vocabularies (SKOS concept schemes)</span> '
            f'<span lang="zh">受控词表</span> ({len(self.model.schemes)})</h2>'
            + "".join(self.scheme_section(s) for s in self.model.schemes)
            + "</section>"
        )
        sections.append(self.alignment_table())
        diagrams = (
            '<section id="diagrams"><h2><span lang="en">Diagrams</span> <span lang="zh">图示</span></h2>'
            f'<figure id="class-hierarchy">{class_diagram.svg}'
            '<figcaption><span lang="en">Class hierarchy (rdfs:subClassOf): each class to the right of its superclass; '
            "dashed boxes are the external classes it aligns to; ⊑ names further superclasses. Click a class to see it.</span> "
            '<span lang="zh">类层次：子类位于其上位类右侧；虚线框为对齐的外部类；⊑ 列出其他上位类。点击类名查看其说明。</span> '
            f'<a href="{CLASS_DIAGRAM}">{CLASS_DIAGRAM}</a></figcaption></figure>'
            f'<figure id="object-properties">{property_diagram.svg}'
            '<figcaption><span lang="en">Object properties between classes: domain (left) → property (middle) → '
            "range (right); owl:Thing stands for a side the property does not declare.</span> "
            '<span lang="zh">类之间的对象属性：定义域（左）→ 属性（中）→ 值域（右）；未声明的一侧以 owl:Thing 表示。</span> '
            f'<a href="{PROPERTY_DIAGRAM}">{PROPERTY_DIAGRAM}</a></figcaption></figure></section>'
        )
        main = "<main>" + diagrams + "".join(sections) + self.namespace_table() + "</main>"
        header = self.ontology_header()  # after the sections, so the namespace table lists every prefix they used
        toc = self.toc(sources)
        title = esc((_by_lang(self.graph, URIRef(ONTOLOGY_IRI), DCTERMS.title).get("en") or ["AIGov KG ontology"])[0])
        page = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title} · 本体文档</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            # the radio buttons are siblings of header, nav and main: the CSS language filter needs that
            '<input type="radio" class="lang" name="lang" id="lang-both" checked>'
            '<input type="radio" class="lang" name="lang" id="lang-zh">'
            '<input type="radio" class="lang" name="lang" id="lang-en">\n'
            '<div class="langs">Language 语言: <label for="lang-both">both 双语</label> '
            '<label for="lang-zh">中文</label> <label for="lang-en">English</label></div>\n'
            f"{header}\n{toc}\n{main}\n</body>\n</html>\n"
        )
        standalone = Page(page, self.model.counts(), class_diagram, property_diagram)
        if svg_prefix:
            standalone.class_diagram = class_hierarchy_svg(self.model, svg_prefix, self.namer)
            standalone.property_diagram = object_property_svg(self.model, svg_prefix, self.namer)
        return standalone


# ------------------------------------------------------------------------------------------------
# Writing and checking
# ------------------------------------------------------------------------------------------------


@dataclass
class DocsResult:
    out_dir: Path
    files: list[Path]
    counts: dict[str, int]
    class_diagram: Diagram
    property_diagram: Diagram
    problems: list[str]

    def summary(self) -> str:
        c = self.counts
        return (
            f"wrote {self.out_dir / HTML_FILE}: {c['class']} classes, {c['object-property']} object properties, "
            f"{c['datatype-property']} datatype properties, {c['annotation-property']} annotation properties, "
            f"{c['concept-scheme']} concept schemes, {c['concept']} concepts; diagrams: {CLASS_DIAGRAM} "
            f"({self.class_diagram.nodes} nodes, {self.class_diagram.edges} edges), {PROPERTY_DIAGRAM} "
            f"({self.property_diagram.nodes} nodes, {self.property_diagram.edges} edges)"
        )


def write_docs(out_dir: Path, paths: Sequence[Path] | None = None) -> DocsResult:
    """Write index.html, the two SVG diagrams and a copy of the Turtle sources into ``out_dir``; check them."""
    from .ontology import ontology_files

    sources = list(paths) if paths is not None else ontology_files()
    graph = load_graph(sources)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = []
    for source in sources:
        shutil.copyfile(source, out_dir / source.name)
        names.append(source.name)
    page = Renderer(read_model(graph)).render(sources=names, svg_prefix=HTML_FILE)
    files = [out_dir / HTML_FILE, out_dir / CLASS_DIAGRAM, out_dir / PROPERTY_DIAGRAM]
    files[0].write_text(page.html, encoding="utf-8")
    for path, diagram in zip(files[1:], (page.class_diagram, page.property_diagram), strict=True):
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + diagram.svg, encoding="utf-8")
    return DocsResult(
        out_dir,
        files + [out_dir / n for n in names],
        page.counts,
        page.class_diagram,
        page.property_diagram,
        check_docs(out_dir, graph),
    )


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ASSET_ATTRIBUTES = {"src", "srcset", "data", "poster", "background"}
REMOTE = re.compile(r"^\s*(https?:|//)", re.IGNORECASE)
REMOTE_CSS = re.compile(r"url\(\s*['\"]?\s*(https?:|//)|@import", re.IGNORECASE)


@dataclass
class Element:
    tag: str
    text: list[str] = field(default_factory=list)
    lang_text: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    hrefs: set[str] = field(default_factory=set)


class DocParser(HTMLParser):
    """Collects, for every element with an id, its text (by language) and the links inside it;
    every link and id of the page; and the references to remote assets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, str | None]] = []  # tag, id, lang
        self.elements: dict[str, Element] = {}
        self.duplicate_ids: list[str] = []
        self.hrefs: list[str] = []
        self.remote: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for name, value in values.items():
            remote = bool(REMOTE.match(value))
            loads = name in ASSET_ATTRIBUTES or (name in ("href", "xlink:href") and tag in ("link", "image", "use", "feimage"))
            if loads and remote:
                self.remote.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and REMOTE_CSS.search(value):
                self.remote.append(f"<{tag} style={value!r}>")
        if tag == "script" and "src" in values:
            self.remote.append(f"<script src={values['src']!r}>")
        href = values.get("href") or values.get("xlink:href")
        if href:
            self.hrefs.append(href)
            for _, element_id, _ in self.stack:
                if element_id is not None:
                    self.elements[element_id].hrefs.add(href)
        element_id = values.get("id")
        if element_id is not None:
            if element_id in self.elements:
                self.duplicate_ids.append(element_id)
            self.elements[element_id] = Element(tag)
        self.in_style = tag == "style"
        if tag not in VOID:
            self.stack.append((tag, element_id, values.get("lang")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self.in_style and REMOTE_CSS.search(data):
            self.remote.append(f"<style> {REMOTE_CSS.search(data).group(0)}")  # type: ignore[union-attr]
        lang = next((frame[2] for frame in reversed(self.stack) if frame[2]), "")
        lang = lang.lower().split("-")[0]
        for _, element_id, _ in self.stack:
            if element_id is not None:
                element = self.elements[element_id]
                element.text.append(data)
                element.lang_text[lang].append(data)


def _norm(text: str) -> str:
    return " ".join(text.split())


def remote_assets(text: str) -> list[str]:
    """The remote scripts, style sheets, images or fonts an HTML or SVG text would load.

    >>> remote_assets('<img src="https://example.org/a.png"><a href="https://example.org/">a link is fine</a>')
    ["<img src='https://example.org/a.png'>"]
    """
    parser = DocParser()
    parser.feed(text)
    parser.close()
    return parser.remote


def documented(graph: Graph) -> dict[URIRef, str]:
    """What the page must document, read straight from the graph: IRI -> kind."""
    expected: dict[URIRef, str] = {}
    for kind, (_, _, types, _) in KINDS.items():
        for t in types:
            for s in graph.subjects(RDF.type, t):
                if isinstance(s, URIRef) and in_namespace(s):
                    expected.setdefault(s, kind)
    for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
        if isinstance(scheme, URIRef):
            expected[scheme] = "concept-scheme"
            members = set(graph.subjects(SKOS.inScheme, scheme)) | set(graph.objects(scheme, SKOS.hasTopConcept))
            for concept in members | set(graph.subjects(SKOS.topConceptOf, scheme)):
                if isinstance(concept, URIRef):
                    expected.setdefault(concept, "concept")
    return expected


def check_html(text: str, graph: Graph) -> list[str]:
    """What the page misses: a term without its anchor, its @zh or @en label or definition, a link to its
    superclasses, superproperties, domain, range or alignments, or a table-of-contents entry; a duplicate id,
    a broken internal link, a remote asset."""
    parser = DocParser()
    parser.feed(text)
    parser.close()
    problems = [f"remote asset: {r}" for r in parser.remote]
    problems += [f"duplicate id {i!r}" for i in sorted(set(parser.duplicate_ids))]
    problems += [f"broken link {h!r}" for h in sorted(set(parser.hrefs)) if h.startswith("#") and h[1:] not in parser.elements]
    toc = parser.elements.get("toc")
    if toc is None:
        problems.append("no table of contents (nav#toc)")
    expected = documented(graph)
    for iri, kind in sorted(expected.items(), key=lambda item: str(item[0])):
        name, element = anchor(iri), parser.elements.get(anchor(iri))
        if element is None:
            problems.append(f"{iri}: no element with id {name!r} ({kind})")
            continue
        if toc is not None and f"#{name}" not in toc.hrefs:
            problems.append(f"{iri}: not in the table of contents")
        labels = _by_lang(graph, iri, RDFS.label, SKOS.prefLabel)
        definitions = _by_lang(graph, iri, SKOS.definition)
        for lang in LANGS:
            shown = _norm(" ".join(element.lang_text.get(lang, [])))
            if not labels.get(lang):
                problems.append(f"{iri}: the ontology gives no @{lang} label")
            for value in labels.get(lang, []):
                if _norm(value) not in shown:
                    problems.append(f"{iri}: @{lang} label {value!r} missing")
            if kind != "annotation-property" and not definitions.get(lang):
                problems.append(f"{iri}: the ontology gives no @{lang} definition")
            for value in definitions.get(lang, []):
                if _norm(value) not in shown:
                    problems.append(f"{iri}: @{lang} definition missing")
        for predicate in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, *MATCHES, SKOS.broader):
            for target in graph.objects(iri, predicate):
                targets = class_members(graph, target) if predicate in (RDFS.domain, RDFS.range) else [target]
                for t in targets:
                    if not isinstance(t, URIRef) or t == iri:
                        continue
                    href = f"#{anchor(t)}" if t in expected else str(t)
                    if href not in element.hrefs:
                        problems.append(f"{iri}: no link to its {graph.qname(predicate)} {t}")
    return problems


def svg_problems(text: str, name: str, must_link: Iterable[str], must_name: Iterable[str] = ()) -> list[str]:
    """An SVG file that does not parse, is not SVG, loads a remote asset, or lacks a link or a text."""
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as exc:
        return [f"{name}: not well-formed XML: {exc}"]
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        return [f"{name}: the root element is {root.tag}, not svg"]
    hrefs = {v for e in root.iter() for k, v in e.attrib.items() if k.endswith("href")}
    texts = _norm(" ".join("".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text")))
    problems = [f"{name}: {r}" for r in remote_assets(text)]
    problems += [f"{name}: no link to {h}" for h in must_link if h not in hrefs]
    problems += [f"{name}: does not name {n!r}" for n in must_name if _norm(n) not in texts]
    return problems


def check_docs(out_dir: Path, graph: Graph) -> list[str]:
    """Everything ``check_html`` and ``svg_problems`` find in a folder ``write_docs`` wrote."""
    problems = []
    for file in (HTML_FILE, CLASS_DIAGRAM, PROPERTY_DIAGRAM):
        if not (out_dir / file).is_file():
            problems.append(f"{out_dir / file}: missing")
    if problems:
        return problems
    problems += check_html((out_dir / HTML_FILE).read_text(encoding="utf-8"), graph)
    model = read_model(graph)
    classes = model.classes
    problems += svg_problems(
        (out_dir / CLASS_DIAGRAM).read_text(encoding="utf-8"),
        CLASS_DIAGRAM,
        [f"{HTML_FILE}#{anchor(t.iri)}" for t in classes],
        [t.label("en") for t in classes if t.label("en")] + [t.label("zh") for t in classes if t.label("zh")],
    )
    drawn, neither = property_edges(model)
    ends = {c for _, ds, rs in drawn for c in ds + rs if in_namespace(c) and c in model.index}
    problems += svg_problems(
        (out_dir / PROPERTY_DIAGRAM).read_text(encoding="utf-8"),
        PROPERTY_DIAGRAM,
        [f"{HTML_FILE}#{anchor(p)}" for p, _, _ in drawn] + [f"{HTML_FILE}#{anchor(c)}" for c in ends],
        [anchor(p) for p in neither],
    )
    return problems
