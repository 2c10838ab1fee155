"""The evidence check: every claim's quote is in the corpus, verbatim, at its offsets, in its paper.

It works on RDF (quads), so it checks a contribution written directly in Turtle or TriG as well as
one compiled from the YAML sources. What it verifies:

* each source file exists in the corpus and its SHA-256 matches the recorded one;
* each evidence span's ``oa:exact`` equals the file's text between ``oa:start`` and ``oa:end``;
* the span lies inside the line range of the paper that states the claim;
* each claim lives in its paper's named graph and has at least one evidence span;
* each ``schema:mentions`` claim quotes the entity by one of its labels (whitespace ignored);
* each triple of a paper graph is backed by a claim (nothing is asserted without evidence).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .compiler import Quad
from .corpus import Corpus, squash
from .namespaces import AIGOV, OA, ORG, SCHEMA
from .report import Violation

CLAIM_KINDS = {AIGOV.StatementClaim, AIGOV.BeliefAttribution, AIGOV.MembershipAttribution}
# Properties that belong to the claim and evidence machinery of a paper graph, not to the world.
STRUCTURAL = {
    RDF.subject,
    RDF.predicate,
    RDF.object,
    AIGOV.statedIn,
    AIGOV.hasEvidence,
    AIGOV.basis,
    AIGOV.holder,
    AIGOV.belief,
    AIGOV.stance,
    AIGOV.regarding,
    ORG.member,
    ORG.organization,
    ORG.role,
    OA.hasSource,
    OA.hasSelector,
    OA.exact,
    OA.start,
    OA.end,
}


class QuadIndex:
    """Just enough indexing over a list of quads for the checks."""

    def __init__(self, quads: Iterable[Quad]):
        self.quads = list(quads)
        self.by_sp: dict[tuple[object, object], list[object]] = defaultdict(list)
        self.graphs_of: dict[object, set[object]] = defaultdict(set)
        for s, p, o, g in self.quads:
            self.by_sp[(s, p)].append(o)
            self.graphs_of[s].add(g)

    def objects(self, s: object, p: object) -> list[object]:
        return self.by_sp.get((s, p), [])

    def value(self, s: object, p: object) -> object | None:
        values = self.objects(s, p)
        return values[0] if values else None

    def subjects_of_type(self, cls: object) -> list[object]:
        return sorted({s for s, p, o, _ in self.quads if p == RDF.type and o == cls}, key=str)


def check_evidence(quads: Iterable[Quad], corpus: Corpus, origins: dict[str, str] | None = None) -> list[Violation]:
    index = QuadIndex(quads)
    origins = origins or {}
    found: list[Violation] = []

    def report(node: object, path: object, message: str) -> None:
        where = origins.get(str(node), "")
        found.append(Violation(where or "<dataset>", str(node), str(path or ""), message, "evidence"))

    # Source files: present and unchanged.
    usable_files: dict[object, str] = {}
    for f in index.subjects_of_type(AIGOV.SourceFile):
        name = str(index.value(f, AIGOV.fileName) or "")
        recorded = str(index.value(f, AIGOV.sha256) or "")
        if not corpus.exists(name):
            report(f, AIGOV.fileName, f"source file {name!r} is not in the corpus folder {corpus.root}")
            continue
        actual = corpus.sha256(name)
        if actual != recorded:
            report(f, AIGOV.sha256, f"{name} has SHA-256 {actual}, the record says {recorded}: the file changed")
            continue
        usable_files[f] = name

    # Paper line ranges as character spans.
    paper_spans: dict[object, tuple[object, int, int]] = {}
    for paper in index.subjects_of_type(AIGOV.Paper):
        f = index.value(paper, AIGOV.sourceFile)
        first, last = index.value(paper, AIGOV.lineStart), index.value(paper, AIGOV.lineEnd)
        if f in usable_files and isinstance(first, Literal) and isinstance(last, Literal):
            span_start, span_end = corpus.span_of_lines(usable_files[f], int(first.toPython()), int(last.toPython()))
            paper_spans[paper] = (f, span_start, span_end)

    # Evidence spans: the quote is the text at the offsets.
    quotes: dict[object, str] = {}
    spans: dict[object, tuple[object, int, int]] = {}
    for ev in index.subjects_of_type(AIGOV.Evidence):
        source = index.value(ev, OA.hasSource)
        exact: object = None
        start: object = None
        end: object = None
        for sel in index.objects(ev, OA.hasSelector):
            exact = index.value(sel, OA.exact) if exact is None else exact
            start = index.value(sel, OA.start) if start is None else start
            end = index.value(sel, OA.end) if end is None else end
        if exact is None or start is None or end is None:
            report(
                ev, OA.hasSelector, "evidence needs a TextQuoteSelector (oa:exact) and a TextPositionSelector (oa:start, oa:end)"
            )
            continue
        if source not in usable_files:
            if source not in {f for f in index.subjects_of_type(AIGOV.SourceFile)}:
                report(ev, OA.hasSource, f"evidence points to <{source}>, which is not a registered source file")
            continue
        text = corpus.text(usable_files[source])
        lo, hi = int(str(start)), int(str(end))
        actual = text[lo:hi]
        if actual != str(exact):
            line = corpus.line_of(usable_files[source], lo)
            report(
                ev,
                OA.exact,
                f"quote does not match {usable_files[source]} at {lo}-{hi} (line {line}): "
                f"the text there is {actual[:60]!r}, the quote is {str(exact)[:60]!r}",
            )
            continue
        quotes[ev] = str(exact)
        spans[ev] = (source, lo, hi)

    # Claims: in their paper's graph, with evidence inside the paper.
    backed: set[tuple[object, object, object, object]] = set()
    for kind in CLAIM_KINDS:
        for claim in index.subjects_of_type(kind):
            paper = index.value(claim, AIGOV.statedIn)
            if paper is None:
                report(claim, AIGOV.statedIn, "claim states no paper")
                continue
            if paper not in index.graphs_of.get(claim, set()):
                report(claim, AIGOV.statedIn, f"claim is not in the named graph of its paper <{paper}>")
            evidence = index.objects(claim, AIGOV.hasEvidence)
            if not evidence:
                report(claim, AIGOV.hasEvidence, "claim has no evidence")
            for ev in evidence:
                if ev in spans and paper in paper_spans:
                    source, lo, hi = spans[ev]
                    psource, ps, pe = paper_spans[paper]
                    if source != psource or lo < ps or hi > pe:
                        report(claim, AIGOV.hasEvidence, f"evidence {ev} lies outside the lines of paper <{paper}>")
            if kind == AIGOV.StatementClaim:
                s_, p_, o_ = (index.value(claim, RDF.subject), index.value(claim, RDF.predicate), index.value(claim, RDF.object))
                backed.add((s_, p_, o_, paper))
                if p_ == SCHEMA.mentions:
                    _check_mention(index, claim, o_, evidence, quotes, report)
            elif kind == AIGOV.MembershipAttribution:
                backed.add((index.value(claim, ORG.member), ORG.memberOf, index.value(claim, ORG.organization), paper))

    # Every domain triple of a paper graph is backed by a claim of that paper.
    papers = set(index.subjects_of_type(AIGOV.Paper))
    claim_nodes = {c for kind in CLAIM_KINDS for c in index.subjects_of_type(kind)}
    evidence_nodes = set(index.subjects_of_type(AIGOV.Evidence))
    for s, p, o, g in index.quads:
        if g not in papers or s in claim_nodes or s in evidence_nodes or p in STRUCTURAL:
            continue
        if isinstance(s, URIRef) and "#" in str(s) and URIRef(str(s).split("#")[0]) in evidence_nodes:
            continue  # a selector of an evidence span
        if (s, p, o, g) not in backed:
            report(s, p, f"triple ({s}, {p}, {o}) in paper graph <{g}> has no claim with evidence")
    return sorted(found)


def _check_mention(
    index: QuadIndex, claim: object, entity: object, evidence: list[object], quotes: dict[object, str], report: object
) -> None:
    """Every evidence span of a mention must name the entity (one span naming it does not excuse another)."""
    labels = [squash(str(lbl)) for lbl in index.objects(entity, RDFS.label) + index.objects(entity, SKOS.altLabel)]
    labels = [label for label in labels if label]
    if not labels:
        return
    for ev in evidence:
        if ev in quotes and not any(label in squash(quotes[ev]) for label in labels):
            report(
                claim,
                SCHEMA.mentions,
                f"the evidence quote <{ev}> of this mention contains no label of <{entity}>; "  # type: ignore[operator]
                "quote the passage that names it, or add the name as it appears there as an 'alt' label",
            )
