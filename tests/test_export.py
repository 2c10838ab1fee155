"""``aigov export``: every format parses back, and the bytes do not depend on the Python hash seed."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rdflib import BNode, Dataset, URIRef

from aigovkg.namespaces import ENTITIES_GRAPH, INFERRED_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, SOURCES_GRAPH, paper_iri
from aigovkg.paths import data_dir

pytestmark = pytest.mark.reasoner

FORMATS = {"nquads": "nquads", "trig": "trig", "turtle": "turtle", "jsonld": "json-ld"}  # ours -> rdflib's
SEEDS = ("1", "2")


@pytest.fixture(scope="module")
def exports(aigov: Any) -> dict[tuple[str, str], bytes]:
    """Each format exported by two separate processes with different PYTHONHASHSEED values."""
    out: dict[tuple[str, str], bytes] = {}
    for fmt in FORMATS:
        for seed in SEEDS:
            proc = aigov("export", "--quiet", "--format", fmt, env={"PYTHONHASHSEED": seed})
            assert proc.returncode == 0, proc.stderr.decode("utf-8")
            assert proc.stdout, f"export --format {fmt} printed nothing"
            out[fmt, seed] = proc.stdout
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_deterministic(exports: dict[tuple[str, str], bytes], fmt: str) -> None:
    first, second = (exports[fmt, seed] for seed in SEEDS)
    if first != second:
        a, b = first.decode("utf-8").splitlines(), second.decode("utf-8").splitlines()
        diff = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        pytest.fail(
            f"{fmt} differs between PYTHONHASHSEED={SEEDS[0]} and {SEEDS[1]} at line {diff + 1}: "
            f"{a[diff] if diff < len(a) else '<end>'!r} vs {b[diff] if diff < len(b) else '<end>'!r}"
        )


def ground(rows: Any) -> set[tuple[Any, ...]]:
    """The rows without blank nodes (a parser relabels those)."""
    return {row for row in rows if not any(isinstance(term, BNode) for term in row)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_parses_back(exports: dict[tuple[str, str], bytes], parse_rdf: Any, built: Any, fmt: str) -> None:
    """The export holds exactly the built quads (N-Quads, TriG) or their union as triples (Turtle, JSON-LD)."""
    parsed = parse_rdf(exports[fmt, SEEDS[0]], FORMATS[fmt])
    if isinstance(parsed, Dataset):
        expected = set(built.quads)
        got = list(parsed.quads((None, None, None, None)))
    else:
        expected = {(s, p, o) for s, p, o, _ in built.quads}
        got = list(parsed)
    assert len(got) == len(expected)
    assert ground(got) == ground(expected)


def test_nquads_has_every_named_graph(exports: dict[tuple[str, str], bytes], parse_rdf: Any) -> None:
    dataset = parse_rdf(exports["nquads", SEEDS[0]], "nquads")
    graphs = {g.identifier for g in dataset.graphs() if len(g)}
    papers = sorted(data_dir("instances").glob("papers/*.yaml"))
    paper_graphs = {URIRef(paper_iri(yaml.safe_load(p.read_text(encoding="utf-8"))["paper"])) for p in papers}
    expected = {ONTOLOGY_GRAPH, SOURCES_GRAPH, ENTITIES_GRAPH, LINKS_GRAPH, INFERRED_GRAPH} | paper_graphs
    assert expected <= graphs, f"missing graphs: {sorted(expected - graphs)}"
    assert graphs <= expected, f"unexpected graphs: {sorted(graphs - expected)}"


def test_trig_and_nquads_agree(exports: dict[tuple[str, str], bytes], parse_rdf: Any) -> None:
    from rdflib.compare import to_isomorphic

    nquads = parse_rdf(exports["nquads", SEEDS[0]], "nquads")
    trig = parse_rdf(exports["trig", SEEDS[0]], "trig")
    for graph in nquads.graphs():
        if len(graph):
            assert to_isomorphic(graph) == to_isomorphic(trig.graph(graph.identifier)), graph.identifier
