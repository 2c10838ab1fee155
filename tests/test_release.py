"""``aigov release``: a versioned folder that is byte-identical across runs, parses, checks out and describes itself."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from aigovkg.dataset import Build
from aigovkg.describe import DATASET_IRI
from aigovkg.namespaces import ENTITIES_GRAPH, PREFIXES
from aigovkg.paths import data_dir
from aigovkg.rdfterms import to_ox_quads
from aigovkg.release import (
    CONTEXT,
    METADATA,
    SUMS,
    ReleaseError,
    check_issued,
    check_version,
    default_issued,
    metadata_bytes,
    metadata_triples,
    verify_release,
    write_release,
)

pytestmark = pytest.mark.reasoner

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VERSION, ISSUED = "9.8.7-test", "2030-01-02"
DATA = ("aigov-kg.nq", "aigov-kg.trig", "aigov-kg.ttl", "aigov-kg.jsonld")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def releases(built: Build, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same built quads released twice, into two separate folders."""
    first = write_release(built.quads, tmp_path_factory.mktemp("first"), VERSION, ISSUED)
    second = write_release(built.quads, tmp_path_factory.mktemp("second"), VERSION, ISSUED)
    return first.folder, second.folder


@pytest.fixture(scope="module")
def folder(releases: tuple[Path, Path]) -> Path:
    return releases[0]


@pytest.fixture(scope="module")
def metadata(folder: Path) -> Graph:
    graph = Graph()
    graph.parse(folder / METADATA, format="turtle", publicID=folder.as_uri() + "/" + METADATA)
    return graph


def canonical(quads: Any) -> set[ox.Quad]:
    """Triples (graph dropped) with blank nodes canonicalised, to compare two parses of the same graph."""
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_folder_name_and_layout(folder: Path) -> None:
    assert folder.name == f"aigov-kg-{VERSION}"
    names = set(files_of(folder))
    assert {*DATA, CONTEXT, METADATA, SUMS} <= names
    for kind in ("ontology", "shapes"):
        shipped = {f"{kind}/{p.name}": p.read_bytes() for p in sorted(data_dir(kind).glob("*.ttl"))}
        assert shipped, kind
        assert {n: files_of(folder)[n] for n in names if n.startswith(kind + "/")} == shipped
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], "a staging folder was left behind"


def test_two_runs_are_byte_identical(releases: tuple[Path, Path]) -> None:
    first, second = (files_of(r) for r in releases)
    assert list(first) == list(second)
    different = [name for name in first if first[name] != second[name]]
    assert not different, f"files differ between two runs: {different}"


def test_quad_formats_hold_the_built_quads(folder: Path, built: Build) -> None:
    expected = set(to_ox_quads(built.quads))
    for name, fmt in (("aigov-kg.nq", ox.RdfFormat.N_QUADS), ("aigov-kg.trig", ox.RdfFormat.TRIG)):
        assert set(ox.parse(path=folder / name, format=fmt)) == expected, name


def test_union_formats_agree(folder: Path, built: Build) -> None:
    """Turtle and JSON-LD (expanded, needing no context) are both the union of the graphs."""
    union = canonical(to_ox_quads(built.quads))
    turtle = canonical(ox.parse(path=folder / "aigov-kg.ttl", format=ox.RdfFormat.TURTLE))
    jsonld = canonical(ox.parse(path=folder / "aigov-kg.jsonld", format=ox.RdfFormat.JSON_LD))
    assert turtle == union
    assert jsonld == turtle


def test_context_compacts_and_expands_back(folder: Path, built: Build) -> None:
    """The published context: every project prefix, and data compacted with it reads back as the same triples."""
    document = json.loads((folder / CONTEXT).read_bytes())
    context = document["@context"]
    assert {k: context[k] for k in PREFIXES} == PREFIXES
    assert context["label"] == {"@id": "rdfs:label", "@container": "@language"}
    assert context["issuedBy"] == {"@id": "aigov:issuedBy", "@type": "@id"}
    sample = Graph()
    for s, p, o, g in built.quads:
        if g == ENTITIES_GRAPH:
            sample.add((s, p, o))
    assert len(sample) > 1000
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        compacted = json.loads(sample.serialize(format="json-ld", context=context))
        assert any("label" in node and "type" in node for node in compacted["@graph"]), "the context's terms are not used"
        back = Graph().parse(data=json.dumps({**compacted, "@context": context}), format="json-ld")
    assert set(back) == set(sample)


def test_every_rdf_file_parses_with_rdflib(folder: Path) -> None:
    """An independent parser for the small files (the data files are checked against the built quads above)."""
    for name in sorted(files_of(folder)):
        if name.endswith(".ttl") and name not in DATA:
            graph = Graph().parse(folder / name, format="turtle", publicID=folder.as_uri() + "/" + name)
            assert len(graph) > 0, name


def test_sha256sums(folder: Path) -> None:
    lines = (folder / SUMS).read_text(encoding="ascii").splitlines()
    listed = [line.split("  ", 1) for line in lines]
    paths = [path for _, path in listed]
    assert paths == sorted(paths)
    assert set(paths) == set(files_of(folder)) - {SUMS}
    for digest, path in listed:
        assert digest == hashlib.sha256((folder / path).read_bytes()).hexdigest(), path
    if shutil.which("sha256sum"):
        proc = subprocess.run(["sha256sum", "--check", "--strict", SUMS], cwd=folder, capture_output=True, check=False)
        assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


def test_metadata_describes_the_dataset(metadata: Graph, built: Build) -> None:
    dataset = URIRef(DATASET_IRI)
    assert (dataset, RDF.type, DCAT.Dataset) in metadata
    assert (dataset, RDF.type, VOID.Dataset) in metadata
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in metadata.objects(dataset, prop)} == {"en", "zh"}, prop
    assert set(metadata.objects(dataset, DCTERMS.license)) == {URIRef("https://creativecommons.org/licenses/by/4.0/")}
    assert set(metadata.objects(dataset, DCAT.version)) == {Literal(VERSION)}
    assert set(metadata.objects(dataset, OWL.versionInfo)) == {Literal(VERSION)}
    assert set(metadata.objects(dataset, DCTERMS.issued)) == {Literal(ISSUED, datatype=XSD.date)}
    publishers = list(metadata.objects(dataset, DCTERMS.publisher))
    assert len(publishers) == 1 and metadata.value(publishers[0], FOAF.name) is not None
    union = {(s, p, o) for s, p, o, _ in built.quads}
    assert metadata.value(dataset, VOID.triples) == Literal(len(union))
    assert not list(metadata.objects(dataset, VOID.sparqlEndpoint)), "a release is a dump: no endpoint to name"


def test_every_file_is_a_distribution(metadata: Graph, folder: Path) -> None:
    dataset = URIRef(DATASET_IRI)
    base = folder.as_uri() + "/"
    described: dict[str, URIRef] = {}
    for dist in metadata.objects(dataset, DCAT.distribution):
        assert (dist, RDF.type, DCAT.Distribution) in metadata
        url = metadata.value(dist, DCAT.downloadURL)
        assert isinstance(url, URIRef) and str(url).startswith(base), url
        described[str(url)[len(base) :]] = dist  # type: ignore[assignment]
    assert set(described) == set(files_of(folder)) - {METADATA, SUMS}
    for name, dist in described.items():
        data = (folder / name).read_bytes()
        assert str(metadata.value(dist, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/"), name
        assert metadata.value(dist, DCAT.byteSize) == Literal(len(data), datatype=XSD.nonNegativeInteger), name
        checksum = metadata.value(dist, SPDX.checksum)
        assert metadata.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256, name
        assert str(metadata.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest(), name
    dumps = {str(u)[len(base) :] for u in metadata.objects(dataset, VOID.dataDump)}
    assert dumps == set(DATA)
    assert b"file:///" not in (folder / METADATA).read_bytes(), "download URLs must be relative"


def test_verify_accepts_the_release_and_catches_tampering(folder: Path, tmp_path: Path) -> None:
    assert verify_release(folder) == []
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    with (copy / "shapes" / "aigov-shapes.ttl").open("ab") as f:
        f.write(b"# edited\n")
    (copy / "aigov-kg.ttl").write_bytes(b"this is not turtle")
    problems = "\n".join(verify_release(copy))
    assert "aigov-kg.ttl: does not parse" in problems
    assert "SHA256SUMS: shapes/aigov-shapes.ttl: checksum does not match" in problems
    assert "shapes/aigov-shapes.ttl: dcat:byteSize" in problems


def test_options_and_defaults(built: Build, folder: Path) -> None:
    header = Graph().parse(data_dir("ontology") / "aigov.ttl", format="turtle")
    dates = [header.value(URIRef("https://w3id.org/aigov/ontology"), p) for p in (DCTERMS.modified, DCTERMS.created)]
    assert default_issued(built.quads) == next(str(d) for d in dates if d is not None)
    for bad in ("", "../x", "1 0", "v/1"):
        with pytest.raises(ReleaseError):
            check_version(bad)
    for bad in ("2030-1-2", "2030-02-30", "today", "2030-01-02T00:00"):
        with pytest.raises(ReleaseError):
            check_issued(bad)
    with pytest.raises(ReleaseError, match="exists"):
        write_release(built.quads, folder.parent, VERSION, ISSUED)
    # The metadata alone: blank nodes canonical, so the same input gives the same bytes.
    tiny = to_ox_quads(built.quads[:50])
    one = metadata_bytes(metadata_triples(tiny, {"a.ttl": b"x"}, "1.0", "2030-05-06"))
    assert one == metadata_bytes(metadata_triples(tiny, {"a.ttl": b"x"}, "1.0", "2030-05-06"))
    assert b'"2030-05-06"^^xsd:date' in one and b'dcat:version "1.0"' in one


def test_cli_release(aigov: Any, tmp_path: Path, releases: tuple[Path, Path]) -> None:
    """`aigov release` in a fresh process (another hash seed): exit 0, and the same bytes as in-process."""
    proc = aigov("release", "--quiet", "--output", str(tmp_path), "--version", VERSION, "--issued", ISSUED)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    folder = tmp_path / f"aigov-kg-{VERSION}"
    assert "checksums and metadata verified" in proc.stdout.decode()
    assert files_of(folder) == files_of(releases[0])
    again = aigov("release", "--quiet", "--output", str(tmp_path), "--version", VERSION)
    assert again.returncode == 2 and b"--force" in again.stderr
    bad = aigov("release", "--quiet", "--output", str(tmp_path), "--issued", "yesterday")
    assert bad.returncode == 2 and b"YYYY-MM-DD" in bad.stderr
