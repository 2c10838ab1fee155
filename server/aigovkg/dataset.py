"""The build pipeline: sources -> compile -> reason -> validate -> dataset of named graphs.

Data flows one way. Nothing here serves or exports; those modules take the ``Build`` this returns.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .compiler import Compilation, Compiler, Quad, instance_files
from .corpus import Corpus
from .errors import SourceError
from .evidence import check_evidence
from .namespaces import AIGOV, INFERRED_GRAPH, ONTOLOGY_GRAPH
from .ontology import OntologyIndex, load_ontology_graph
from .paths import data_dir
from .reasoner import ReasonResult, explain_inconsistency, reason
from .report import Violation
from .shacl import load_shapes, run_shapes, union_graph

RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}
CONTRIBUTION_GRAPH = "urn:aigov:contribution:"

Progress = Callable[[str], None]


@dataclass
class Build:
    ontology: Graph
    compilation: Compilation
    quads: list[Quad]
    violations: list[Violation] = field(default_factory=list)
    reasoning: ReasonResult | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def shipped_instance_files() -> list[Path]:
    return instance_files(data_dir("instances"))


def _key(path: Path) -> Path:
    """Identity of a source file: its path below the nearest ``instances`` folder, else its resolved path.

    A fork's ``instances/papers/x.yaml`` is thus the same source as the installed package's copy, so
    validating a checkout against an installed package replaces the shipped file instead of reading it twice.
    """
    resolved = path.resolve()
    for parent in resolved.parents:
        if parent.name == "instances":
            return Path("instances") / resolved.relative_to(parent)
    return resolved


def select_sources(extra: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """YAML sources to compile and RDF files to parse: the shipped instances plus ``extra``.

    A given file at the same place below an ``instances`` folder as a shipped file replaces it; a given
    folder contributes every YAML and RDF file below it.
    """
    shipped_root = data_dir("instances")
    yaml_files = {Path("instances") / p.resolve().relative_to(shipped_root.resolve()): p for p in shipped_instance_files()}
    rdf_files: dict[Path, Path] = {}
    for given in extra:
        candidates = sorted(q for q in given.rglob("*") if q.is_file()) if given.is_dir() else [given]
        for path in candidates:
            if path.suffix in (".yaml", ".yml"):
                yaml_files[_key(path)] = path
            elif path.suffix in RDF_SUFFIXES:
                rdf_files[path.resolve()] = path
            elif not given.is_dir():
                raise SourceError(
                    str(path), f"unknown file type {path.suffix!r} (expected .yaml, {', '.join(sorted(RDF_SUFFIXES))})"
                )
    return sorted(yaml_files.values()), sorted(rdf_files.values())


def parse_rdf_file(path: Path) -> list[Quad]:
    """Parse a contributed RDF file completely (or raise): triples go to a graph named after the file."""
    from .rdfterms import from_ox

    fmt = RDF_SUFFIXES[path.suffix]
    default_graph = URIRef(CONTRIBUTION_GRAPH + path.name)
    try:
        parsed = list(ox.parse(path=str(path), format=fmt))
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None) or 0
        col = getattr(exc, "offset", None) or 0
        reason = str(exc.msg if hasattr(exc, "msg") else exc).splitlines()[0]
        from .errors import Location

        raise SourceError(Location(str(path), line, col), f"syntax error: {reason}") from None
    except (OSError, ValueError) as exc:
        raise SourceError(str(path), str(exc).splitlines()[0]) from None
    quads: list[Quad] = []
    for q in parsed:
        g = default_graph if isinstance(q.graph_name, ox.DefaultGraph) else from_ox(q.graph_name)
        quads.append((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), g))  # type: ignore[arg-type]
    return quads


def canonical_quads(graph: Graph, name: URIRef) -> list[Quad]:
    """The graph's triples as quads, blank nodes relabelled from their content (stable across runs).

    The ontology's blank nodes are trees (OWL axioms and RDF lists), so a node's label can be a hash
    of its outgoing triples, computed bottom-up; identical subtrees get a running suffix.
    """
    labels: dict[BNode, str] = {}
    seen: dict[str, int] = {}

    def label(node: BNode, depth: int = 0) -> str:
        if node not in labels:
            if depth > 100:
                raise ValueError("blank nodes form a cycle")
            parts = sorted(
                f"{p.n3()} {label(o, depth + 1) if isinstance(o, BNode) else o.n3()}" for p, o in graph.predicate_objects(node)
            )
            digest = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]
            seen[digest] = seen.get(digest, 0) + 1
            labels[node] = f"b{digest}" + (f"x{seen[digest]}" if seen[digest] > 1 else "")
        return labels[node]

    def term(t: object) -> object:
        return BNode(label(t)) if isinstance(t, BNode) else t

    ordered = sorted(graph, key=lambda tr: tuple(x.n3() if not isinstance(x, BNode) else "" for x in tr))
    return [(term(s), p, term(o), name) for s, p, o in ordered]  # type: ignore[misc]


def domain_properties(index: OntologyIndex) -> set[URIRef]:
    """Object properties that state something about the world (not the claim and evidence machinery)."""
    from .evidence import STRUCTURAL

    return {
        p
        for p in index.object_properties
        if p not in STRUCTURAL and not str(p).startswith("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
    }


def build(
    extra: Sequence[Path] = (),
    corpus: Corpus | None = None,
    *,
    reasoning: bool = True,
    shapes: bool = True,
    progress: Progress | None = None,
) -> Build:
    """Build the dataset. Source errors (parse, compile) abort with no quads; checks add violations."""
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}

    def timed(step: str) -> Callable[[float], None]:
        def done(started: float) -> None:
            timings[step] = time.perf_counter() - started

        return done

    started = time.perf_counter()
    say("reading the ontology")
    ontology = load_ontology_graph()
    index = OntologyIndex(ontology)
    yaml_paths, rdf_paths = select_sources(extra)
    say(f"compiling {len(yaml_paths)} instance source file(s)")
    compilation = Compiler(index).compile(yaml_paths)
    errors = list(compilation.errors)
    contributed: list[Quad] = []
    for path in rdf_paths:
        try:
            contributed.extend(parse_rdf_file(path))
        except SourceError as exc:
            errors.append(exc)
    timed("compile")(started)
    if errors:
        parse_errors = [Violation(str(e.location), "", "", e.message, "parse") for e in errors]
        return Build(ontology, compilation, [], sorted(parse_errors), None, timings)

    quads = canonical_quads(ontology, ONTOLOGY_GRAPH) + compilation.quads + contributed
    violations: list[Violation] = []
    result: ReasonResult | None = None
    if reasoning:
        started = time.perf_counter()
        say("reasoning with HermiT")
        result = reason(ontology, quads, domain_properties(index))
        if not result.consistent:
            message = f"the ontology and data are inconsistent: {result.explanation}"
            violations.append(Violation("<dataset>", "", "", message, "reasoner"))
            causes = explain_inconsistency(ontology, quads, domain_properties(index))
            violations += [Violation("<dataset>", "", "", f"likely cause: {cause}", "reasoner") for cause in causes]
        for cls in result.unsatisfiable:
            violations.append(Violation("<ontology>", cls, "", "class is unsatisfiable", "reasoner"))
        asserted = {(s, p, o) for s, p, o, _ in quads}
        quads += [(s, p, o, INFERRED_GRAPH) for s, p, o in result.inferred if (s, p, o) not in asserted]
        timed("reason")(started)
    instance_quads = [q for q in quads if q[3] != ONTOLOGY_GRAPH and q[3] != INFERRED_GRAPH]
    if shapes:
        started = time.perf_counter()
        say("validating with the SHACL shapes")
        shacl_violations, _ = run_shapes(union_graph(instance_quads), ontology, load_shapes(), compilation.origins)
        violations += shacl_violations
        timed("shapes")(started)
    if corpus is not None:
        started = time.perf_counter()
        say(f"checking evidence against {corpus.root}")
        violations += check_evidence(instance_quads, corpus, compilation.origins)
        timed("evidence")(started)
    return Build(ontology, compilation, sort_quads(quads), sorted(violations), result, timings)


def sort_quads(quads: Iterable[Quad]) -> list[Quad]:
    """Deduplicated quads in a stable order: graph, subject, predicate, object (N-Triples forms)."""
    unique = {(s, p, o, g) for s, p, o, g in quads}
    return sorted(unique, key=lambda q: (q[3].n3(), q[0].n3(), q[1].n3(), q[2].n3()))


def literal_count(quads: Iterable[Quad]) -> int:
    return sum(1 for q in quads if isinstance(q[2], Literal))


__all__ = ["AIGOV", "Build", "build", "select_sources", "sort_quads", "literal_count"]
