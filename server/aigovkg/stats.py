"""Counts per paper, per class and per property, for `aigov stats` and the build report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDF

from .compiler import Quad
from .namespaces import AIGOV, ENTITIES_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PAPER, SCHEMA, curie

CLAIM_CLASSES = (AIGOV.StatementClaim, AIGOV.BeliefAttribution, AIGOV.MembershipAttribution)


@dataclass
class PaperStats:
    key: str
    triples: int = 0
    claims: Counter[str] = field(default_factory=Counter)
    evidence: int = 0
    entities_mentioned: int = 0

    @property
    def total_claims(self) -> int:
        return sum(self.claims.values())


@dataclass
class Stats:
    quads: int
    graphs: Counter[str]
    papers: list[PaperStats]
    classes: Counter[str]
    properties: Counter[str]
    entities: int


def compute(quads: Iterable[Quad]) -> Stats:
    quads = list(quads)
    graphs: Counter[str] = Counter(curie(q[3]) for q in quads)
    papers: dict[URIRef, PaperStats] = {}
    classes: Counter[str] = Counter()
    properties: Counter[str] = Counter()
    entity_nodes: set[object] = set()
    for s, p, o, g in quads:
        if g in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
            continue
        properties[curie(p)] += 1
        if p == RDF.type:
            classes[curie(o)] += 1
            if g == ENTITIES_GRAPH:
                entity_nodes.add(s)
        if str(g).startswith(str(PAPER)):
            ps = papers.setdefault(g, PaperStats(str(g)[len(str(PAPER)) :]))  # type: ignore[arg-type]
            ps.triples += 1
            if p == RDF.type and o in CLAIM_CLASSES:
                ps.claims[curie(o)] += 1
            elif p == RDF.type and o == AIGOV.Evidence:
                ps.evidence += 1
            elif p == SCHEMA.mentions:
                ps.entities_mentioned += 1
    return Stats(len(quads), graphs, sorted(papers.values(), key=lambda x: x.key), classes, properties, len(entity_nodes))


def render(stats: Stats) -> str:
    lines = [f"quads: {stats.quads}", f"entities: {stats.entities}", "", "per graph:"]
    lines += [f"  {n:>7}  {g}" for g, n in sorted(stats.graphs.items())]
    lines += ["", "per paper:           triples   claims  (statement / belief / membership)  evidence  entities"]
    for ps in stats.papers:
        c = ps.claims
        lines.append(
            f"  {ps.key:<18} {ps.triples:>8} {ps.total_claims:>8}  ({c['aigov:StatementClaim']} / "
            f"{c['aigov:BeliefAttribution']} / {c['aigov:MembershipAttribution']})"
            f"{'':>13}{ps.evidence:>8} {ps.entities_mentioned:>9}"
        )
    lines += ["", "per class (asserted, instance graphs):"]
    lines += [f"  {n:>7}  {c}" for c, n in sorted(stats.classes.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines += ["", "per property (instance graphs):"]
    lines += [f"  {n:>7}  {p}" for p, n in sorted(stats.properties.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines)
