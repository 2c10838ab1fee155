"""Wikidata QIDs (instances/links/wikidata.yaml): re-verified against the pinned reference data.

The reference data (country-coder and name-suggestion-index, see aigovkg.wikidata_links) is downloaded
from the npm registry once and cached (``$AIGOV_CACHE`` or ``~/.cache/aigov``), checked against the
integrity hash pinned in the code.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from aigovkg import npmdata
from aigovkg.dataset import Build
from aigovkg.links import normalise
from aigovkg.namespaces import AIGOV, ID, LINKS_GRAPH, WD
from aigovkg.npmdata import NpmDataError, NpmFile, read_npm_file
from aigovkg.wikidata_links import (
    MATCHED_BY_HAND,
    Country,
    Entity,
    Item,
    ReferenceData,
    decide,
    entities_of,
    generate,
    reference_data,
)


@pytest.fixture(scope="module")
def data() -> ReferenceData:
    return reference_data()


def slug(node: object) -> str:
    return str(node)[len(str(ID)) :]


def shipped_qids(compiled: Build) -> dict[str, str]:
    return {slug(s): str(o) for s, p, o, g in compiled.quads if g == LINKS_GRAPH and p == AIGOV.wikidata}


# -- the shipped links -----------------------------------------------------------------------------------


def test_the_links_file_is_what_the_generator_makes(compiled: Build, data: ReferenceData) -> None:
    """Regenerating against the pinned reference data links the same QIDs (a new entity: run the generator)."""
    _, decisions = generate(data)
    assert shipped_qids(compiled) == {d.slug: d.qid for d in decisions if d.qid}


def test_every_link_is_reverified_against_the_reference_data(compiled: Build, data: ReferenceData) -> None:
    """Independently of the generator's rules: a State's QID is country-coder's for its ISO code; another
    entity's QID is an item whose label is one of the entity's labels (or a listed hand match)."""
    iso = {slug(s): str(o) for s, p, o, g in compiled.quads if g == LINKS_GRAPH and p == AIGOV.iso3166Alpha2}
    labels: dict[str, set[str]] = {}
    for e in entities_of(compiled.ontology, compiled.compilation):
        labels[e.slug] = {normalise(label) for label, _ in e.labels}
    qids = shipped_qids(compiled)
    states = {s for s, (cls, _) in compiled.compilation.entities.items() if cls == AIGOV.State}
    for entity, qid in qids.items():
        if entity in states:
            assert data.countries[iso[entity]].qid == qid, entity
        elif entity in MATCHED_BY_HAND:
            assert MATCHED_BY_HAND[entity][0] == qid and qid in data.items, entity
        else:
            assert normalise(data.items[qid].label) in labels[entity], (entity, qid, data.items[qid])
    assert {"china", "united-states", "united-nations", "european-union", "microsoft"} <= set(qids)
    assert states <= set(qids)


def test_each_qid_is_also_an_exact_match_to_the_wikidata_item(compiled: Build) -> None:
    links = [(s, p, o) for s, p, o, g in compiled.quads if g == LINKS_GRAPH]
    literal = {(s, URIRef(WD + str(o))) for s, p, o in links if p == AIGOV.wikidata}
    matches = {(s, o) for s, p, o in links if p == SKOS.exactMatch}
    assert literal and literal == matches
    assert all(str(o).startswith(str(WD)) for _, o in matches)


# -- the rules, on made-up reference data --------------------------------------------------------------------


REFERENCE = ReferenceData(
    countries={
        "CN": Country("Q148", "CN", "CHN", "People's Republic of China"),
        "NL": Country("Q29999", "NL", "NLD", "Kingdom of the Netherlands"),
    },
    items={
        "Q3504731": Item("Q3504731", "G20", "French convenience store chain"),
        "Q95": Item("Q95", "Google", "American multinational technology company"),
        "Q1": Item("Q1", "Acme", "American technology company"),
        "Q2": Item("Q2", "ACME", "Canadian holding company"),
        "Q41550": Item(
            "Q41550", "Organization for Economic Cooperation and Development", "intergovernmental economic organization"
        ),
    },
)


def entity(slug_: str, cls: URIRef, *labels: str, iso: tuple[str, str] | None = None) -> Entity:
    return Entity(slug_, frozenset({cls, AIGOV.Actor}), tuple((label, "en label") for label in labels), iso)


@pytest.mark.parametrize(
    ("subject", "qid", "why"),
    [
        (entity("china", AIGOV.State, "China", iso=("CN", "CHN")), "Q148", "iso1A2 CN, iso1A3 CHN, wikidata Q148"),
        (entity("nl", AIGOV.State, "Netherlands", iso=("NL", "NLX")), None, "alpha-3 NLD, the verified code is NLX"),
        (entity("taiwan", AIGOV.State, "Taiwan"), None, "no verified ISO 3166-1 code"),
        (entity("g20", AIGOV.Grouping, "G20"), None, "refused: the only label matches are not of this kind"),
        (entity("google", AIGOV.Company, "google"), "Q95", "en label 'google' = the item's label"),
        (entity("acme", AIGOV.Company, "Acme"), None, "ambiguous: the labels name 2 items"),
        (entity("oecd", AIGOV.InternationalOrganization, "OECD"), "Q41550", "matched by hand"),
        (entity("who", AIGOV.InternationalOrganization, "WHO"), None, "no item of"),
    ],
    ids=["state", "alpha-3-differs", "state-without-iso", "wrong-kind", "label", "ambiguous", "by-hand", "expected-gap"],
)
def test_decide(subject: Entity, qid: str | None, why: str) -> None:
    (decision,) = decide([subject], REFERENCE, expected={"who"})
    assert (decision.qid, why in decision.why) == (qid, True), decision.why


def test_an_unexpected_entity_no_label_names_is_not_reported() -> None:
    assert decide([entity("someone", AIGOV.Company, "Nobody Inc.")], REFERENCE, expected=set()) == []


def test_a_qid_two_entities_claim_links_neither() -> None:
    decisions = decide([entity("google", AIGOV.Company, "Google"), entity("alphabet", AIGOV.Company, "Google")], REFERENCE, set())
    assert [(d.slug, d.qid) for d in decisions] == [("google", None), ("alphabet", None)]
    assert all("would also be the QID of" in d.why for d in decisions)


def test_a_hand_match_the_dataset_lacks_is_not_linked() -> None:
    reference = ReferenceData(countries={}, items={})
    (decision,) = decide([entity("oecd", AIGOV.InternationalOrganization, "OECD")], reference, {"oecd"})
    assert decision.qid is None and "no longer has Q41550" in decision.why


# -- the pinned download ----------------------------------------------------------------------------------------


def tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return out.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


class FakeResponse(io.BytesIO):
    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def test_a_download_is_checked_against_the_pinned_integrity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tarball({"package/data.json": b"{}"})
    spec = NpmFile("@scope/pkg", "1.0.0", integrity(good), "package/data.json")
    served: list[str] = []

    def urlopen(url: str, timeout: float) -> FakeResponse:
        served.append(url)
        return FakeResponse(tarball({"package/data.json": b'{"tampered": true}'}))

    monkeypatch.setenv("AIGOV_CACHE", str(tmp_path))
    monkeypatch.setattr(npmdata.urllib.request, "urlopen", urlopen)
    with pytest.raises(NpmDataError, match="does not match the pinned integrity"):
        read_npm_file(spec)
    assert served == ["https://registry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz"]
    assert not list(tmp_path.rglob("*.tgz"))  # nothing unverified is cached


def test_a_verified_download_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tarball({"package/data.json": b'{"ok": 1}'})
    spec = NpmFile("pkg", "2.0.0", integrity(good), "package/data.json")
    calls = []

    def urlopen(url: str, timeout: float) -> FakeResponse:
        calls.append(url)
        return FakeResponse(good)

    monkeypatch.setenv("AIGOV_CACHE", str(tmp_path))
    monkeypatch.setattr(npmdata.urllib.request, "urlopen", urlopen)
    assert read_npm_file(spec) == b'{"ok": 1}'
    assert read_npm_file(spec) == b'{"ok": 1}'
    assert len(calls) == 1
    with pytest.raises(NpmDataError, match="has no file package/other.json"):
        read_npm_file(NpmFile("pkg", "2.0.0", integrity(good), "package/other.json"))


def test_void_describes_the_link_sets_with_their_counts(compiled: Build) -> None:
    import pyoxigraph as ox

    from aigovkg.describe import void_description
    from aigovkg.export import serialize

    quads = list(ox.parse(serialize(compiled.quads, "nquads"), format=ox.RdfFormat.N_QUADS))
    triples = void_description(quads, "http://localhost/sparql")
    void = "http://rdfs.org/ns/void#"
    linksets = {t.subject for t in triples if t.object == ox.NamedNode(void + "Linkset")}
    described = {}
    for linkset in linksets:
        body = {t.predicate.value: t.object for t in triples if t.subject == linkset}
        described[body[void + "linkPredicate"].value] = (body[void + "objectsTarget"].value, int(body[void + "triples"].value))
    qids = len(shipped_qids(compiled))
    iso = sum(1 for _, p, _, g in compiled.quads if g == LINKS_GRAPH and p == AIGOV.iso3166Alpha2)
    assert described[str(SKOS.exactMatch)] == ("http://www.wikidata.org/", qids)
    assert described[str(AIGOV.iso3166Alpha2)][1] == iso > 0
    assert str(AIGOV.wikidata) not in described  # the literal is the identifier; the link is skos:exactMatch
