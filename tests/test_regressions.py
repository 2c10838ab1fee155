"""One regression test per bug fixed while building the foundation."""

from __future__ import annotations

import inspect
from pathlib import Path

from rdflib import Graph, URIRef

from aigovkg import shacl
from aigovkg.dataset import Build
from aigovkg.namespaces import INFERRED_GRAPH
from aigovkg.store import OxigraphStore


def test_default_graph_counts_a_triple_once_when_two_papers_state_it() -> None:
    """pyoxigraph's use_default_graph_as_union yields one solution per graph holding a triple."""
    s, p, o = URIRef("http://x/s"), URIRef("http://x/p"), URIRef("http://x/o")
    store = OxigraphStore([(s, p, o, URIRef("http://x/g1")), (s, p, o, URIRef("http://x/g2"))])
    assert len(list(store.query("SELECT * WHERE { ?s ?p ?o }"))) == 1
    assert len(list(store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"))) == 2


def test_inferred_graph_restates_no_asserted_triple(built: Build) -> None:
    """The reasoner once re-derived the claim nodes' asserted types into graph/inferred."""
    asserted = {(s, p, o) for s, p, o, g in built.quads if g != INFERRED_GRAPH}
    inferred = [(s, p, o) for s, p, o, g in built.quads if g == INFERRED_GRAPH]
    assert inferred and not [t for t in inferred if t in asserted]


def test_shapes_run_without_pyshacl_ontology_mixing() -> None:
    """pySHACL's ont_graph mix-in deep-cloned the SKOS schemes for minutes; run_shapes must not use it."""
    assert "ont_graph" not in inspect.getsource(shacl.run_shapes).split('"""')[-1]
    conforms_graph = Graph()
    violations, _ = shacl.run_shapes(conforms_graph, Graph(), shacl.load_shapes())
    assert violations == []


def test_a_copy_of_instances_replaces_the_shipped_files(tmp_path: Path) -> None:
    """Regression: validating a fork's instances/ against an installed package read every file twice."""
    import shutil

    from aigovkg.dataset import select_sources, shipped_instance_files
    from aigovkg.paths import data_dir

    copy = tmp_path / "fork" / "instances"
    shutil.copytree(data_dir("instances"), copy)
    yaml_files, _ = select_sources([copy])
    assert len(yaml_files) == len(shipped_instance_files())
    assert all(copy in p.parents for p in yaml_files)
