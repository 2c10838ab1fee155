"""Links to external identifiers (instances/links/, graph/links): each verified, none guessed, gaps reported.

The ISO 3166-1 links are re-verified here against pycountry, independently of the generator: the code
exists, its alpha-3 is the linked one, and one of the country's names (or their zh_CN translations) is a
label of the entity.
"""

from __future__ import annotations

import gettext
import re
import textwrap
import unicodedata
from collections import Counter
from pathlib import Path

import pycountry
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from aigovkg.compiler import Compiler, Quad
from aigovkg.dataset import Build
from aigovkg.export import serialize
from aigovkg.links import CountryIndex, iso3166_yaml, link_report, link_summary, match_states, render_link_report
from aigovkg.namespaces import AIGOV, ENTITIES_GRAPH, ID, LINK, LINKS_GRAPH, SH
from aigovkg.ontology import OntologyIndex, load_ontology_graph
from aigovkg.shacl import load_shapes, run_shapes, union_graph

AIGOVSH = "https://w3id.org/aigov/shapes#"
ISO = (AIGOV.iso3166Alpha2, AIGOV.iso3166Alpha3)


@pytest.fixture(scope="module")
def links(compiled: Build) -> list[Quad]:
    return [q for q in compiled.quads if q[3] == LINKS_GRAPH]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def slug(node: object) -> str:
    return str(node)[len(str(ID)) :]


def identifier_properties(ontology: Graph) -> set[URIRef]:
    return {p for p in ontology.subjects(RDFS.subPropertyOf, DCTERMS.identifier) if str(p).startswith(str(AIGOV))}


def states(build_: Build) -> set[str]:
    return {s for s, (cls, _) in build_.compilation.entities.items() if cls == AIGOV.State}


def labels_of(build_: Build) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s, p, o, g in build_.quads:
        if g == ENTITIES_GRAPH and p in (RDFS.label, SKOS.altLabel):
            out.setdefault(slug(s), set()).add(str(o))
    return out


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


# -- what the shipped links say ----------------------------------------------------------------------


def test_links_are_identifiers_of_states(links: list[Quad], compiled: Build) -> None:
    linked = {slug(s) for s, p, o, g in links if p == AIGOV.iso3166Alpha2}
    assert len(linked) >= 40
    assert linked <= states(compiled)


def test_every_identifier_matches_its_scheme_pattern(links: list[Quad], shapes: Graph, compiled: Build) -> None:
    patterns = {}
    for shape in shapes.objects(URIRef(AIGOVSH + "IdentifiedShape"), SH.property):
        patterns[shapes.value(shape, SH.path)] = str(shapes.value(shape, SH.pattern))
    assert set(patterns) == identifier_properties(compiled.ontology)
    checked = 0
    for s, p, o, _ in links:
        if p in patterns:
            assert isinstance(o, Literal) and o.datatype is None and o.language is None, (s, p, o)
            assert re.search(patterns[p], str(o)), f"{slug(s)} {p}: {o!r} does not match {patterns[p]}"
            checked += 1
    assert checked >= 80


@pytest.fixture(scope="module")
def ontology_identifiers(compiled: Build) -> set[URIRef]:
    return identifier_properties(compiled.ontology)


def test_no_two_entities_share_an_identifier(compiled: Build, ontology_identifiers: set[URIRef]) -> None:
    """In any graph (links, or a paper's claims): one value of one identifier property names one entity."""
    holders: dict[tuple[object, object], set[str]] = {}
    for s, p, o, _ in compiled.quads:
        if p in ontology_identifiers:
            holders.setdefault((p, o), set()).add(slug(s))
    assert sum(1 for p, _ in holders if p in ISO) >= 80
    shared = {f"{p} {o}": sorted(who) for (p, o), who in holders.items() if len(who) > 1}
    assert shared == {}


def test_every_identifier_triple_has_one_verification_record(links: list[Quad], ontology_identifiers: set[URIRef]) -> None:
    asserted = {(s, p, o) for s, p, o, _ in links if p in ontology_identifiers}
    records: dict[object, dict[object, list[object]]] = {}
    for s, p, o, _ in links:
        if str(s).startswith(str(LINK)):
            records.setdefault(s, {}).setdefault(p, []).append(o)
    reified = Counter()
    for record, body in records.items():
        assert body[RDF.type] == [AIGOV.IdentifierLink], record
        assert len(body[DCTERMS.description]) == 1 and str(body[DCTERMS.description][0]).strip(), record
        scheme = str(record)[len(str(LINK)) :].split("/", 1)[0]  # link/<scheme>/<entity>/<property>
        assert body[URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")] == [URIRef(f"https://w3id.org/aigov/id/dataset/{scheme}")]
        reified[(body[RDF.subject][0], body[RDF.predicate][0], body[RDF.object][0])] += 1
    assert set(reified) == asserted
    assert set(reified.values()) == {1}


def test_every_iso_link_is_reverified_against_pycountry(links: list[Quad], compiled: Build) -> None:
    """Independently of the generator: the code exists, alpha-2 and alpha-3 agree, a name is a label."""
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    codes: dict[str, dict[URIRef, str]] = {}
    for s, p, o, _ in links:
        if p in ISO:
            codes.setdefault(slug(s), {})[p] = str(o)
    labels = labels_of(compiled)
    problems = []
    for entity, pair in sorted(codes.items()):
        country = pycountry.countries.get(alpha_2=pair.get(AIGOV.iso3166Alpha2, "??"))
        if country is None:
            problems.append(f"{entity}: {pair} is not an ISO 3166-1 alpha-2 code in pycountry")
            continue
        if pair.get(AIGOV.iso3166Alpha3) != country.alpha_3:
            problems.append(f"{entity}: alpha-3 {pair.get(AIGOV.iso3166Alpha3)} is not {country.alpha_3}")
        names = {getattr(country, a, None) for a in ("name", "official_name", "common_name")} - {None}
        inverted = {f"{m[2]} {m[1]}" for n in names if (m := re.fullmatch(r"(.+), (.+ of)", n))}
        aliases = names | inverted | {zh.gettext(n) for n in names}
        if not {norm(a) for a in aliases} & {norm(label) for label in labels[entity]}:
            problems.append(f"{entity}: none of {sorted(labels[entity])} is a name of {country.alpha_2} {sorted(aliases)}")
    assert problems == []


@pytest.mark.parametrize(
    ("entity", "alpha_2", "alpha_3"),
    [
        ("china", "CN", "CHN"),
        ("united-states", "US", "USA"),
        ("united-kingdom", "GB", "GBR"),
        ("south-korea", "KR", "KOR"),
        ("russia", "RU", "RUS"),
        ("vietnam", "VN", "VNM"),
        ("turkey", "TR", "TUR"),
        ("tanzania", "TZ", "TZA"),
        ("united-arab-emirates", "AE", "ARE"),
        ("netherlands", "NL", "NLD"),
    ],
)
def test_tricky_names(links: list[Quad], entity: str, alpha_2: str, alpha_3: str) -> None:
    node = ID[entity]
    assert {str(o) for s, p, o, _ in links if s == node and p == AIGOV.iso3166Alpha2} == {alpha_2}
    assert {str(o) for s, p, o, _ in links if s == node and p == AIGOV.iso3166Alpha3} == {alpha_3}


def test_every_state_has_an_iso_code_or_is_a_gap_with_a_reason(links: list[Quad], compiled: Build) -> None:
    have = {(slug(s), p) for s, p, o, _ in links if p in ISO}
    gaps = compiled.compilation.link_gaps["iso3166"]
    for state in sorted(states(compiled)):
        if state in gaps:
            assert gaps[state].strip(), state
            assert not any((state, p) in have for p in ISO), f"{state} is both linked and a gap"
        else:
            assert all((state, p) in have for p in ISO), f"{state}: no ISO 3166-1 code and not listed under unlinked:"
    report = link_report(compiled.ontology, compiled.compilation, compiled.quads)
    iso_gap = next(g for g in report.gaps if g.expectation.scheme == "iso3166")
    assert set(iso_gap.missing) == set(gaps)
    assert iso_gap.expected == len(states(compiled))


def test_the_links_file_is_what_the_generator_makes(compiled: Build) -> None:
    """Regenerating from the current entities links the same codes (a new State means: run the generator)."""
    from aigovkg.links import generate_iso3166

    _, matches, _ = generate_iso3166()
    generated = {m.slug: next(iter(m.codes)) for m in matches if len(m.codes) == 1}
    shipped = {slug(s): str(o) for s, p, o, g in compiled.quads if g == LINKS_GRAPH and p == AIGOV.iso3166Alpha2}
    assert shipped == generated


def test_the_build_reports_what_is_not_linked(compiled: Build) -> None:
    text = link_summary(compiled)
    assert "links iso3166: " in text and "pycountry" in text
    assert "NOT linked" in text
    assert "links wikidata: " in text and "country-coder" in text
    gap = re.search(r"Wikidata QID: (\d+) of (\d+) State/InternationalOrganization entities\n((?:    .*\n?)*)", text)
    assert gap, text
    expected = {
        s
        for s, (cls, _) in compiled.compilation.entities.items()
        if cls in (AIGOV.State, AIGOV.InternationalOrganization, AIGOV.RegionalOrganization)
    }
    qids = {slug(s) for s, p, o, g in compiled.quads if g == LINKS_GRAPH and p == AIGOV.wikidata}
    assert int(gap[2]) == len(expected)
    assert int(gap[1]) == len(expected - qids) > 0
    listed = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", gap[3].split(":", 1)[-1]))
    assert expected - qids <= listed
    for entity in ("china", "united-nations", "european-union"):  # linked: a State, an IO, a regional organisation
        assert entity in qids and not re.search(rf"\b{entity}\b", gap[3]), entity


# -- the generator on names that are easy to get wrong ------------------------------------------------


@pytest.fixture(scope="module")
def index() -> CountryIndex:
    from aigovkg.links import country_index

    return country_index()


@pytest.mark.parametrize(
    ("labels", "codes"),
    [
        ([("韩国", "zh label"), ("Republic of Korea", "en label"), ("South Korea", "alt label")], {"KR"}),
        ([("朝鲜", "zh label"), ("North Korea", "en label")], {"KP"}),
        ([("俄罗斯", "zh label"), ("Russian Federation", "en label"), ("Russia", "alt label")], {"RU"}),
        ([("伊朗", "zh label"), ("Iran", "en label")], {"IR"}),
        ([("越南", "zh label"), ("Viet Nam", "en label"), ("Vietnam", "alt label")], {"VN"}),
        ([("英国", "zh label"), ("United Kingdom", "en label"), ("UK", "alt label")], {"GB"}),
        ([("美国", "zh label"), ("United States", "en label"), ("美方", "alt label")], {"US"}),
        ([("欧盟", "zh label"), ("European Union", "en label")], set()),
        ([("中国", "zh label"), ("Taiwan", "alt label")], {"CN", "TW"}),
    ],
    ids=["south-korea", "north-korea", "russia", "iran", "vietnam", "uk", "us", "not-a-country", "two-countries"],
)
def test_match_states(index: CountryIndex, labels: list[tuple[str, str]], codes: set[str]) -> None:
    (match,) = match_states({"x": labels}, index)
    assert set(match.codes) == codes


def test_generated_yaml_links_only_unambiguous_states(index: CountryIndex) -> None:
    matches = match_states(
        {
            "iran": [("伊朗", "zh label"), ("Iran", "en label")],
            "greater-china": [("中国", "zh label"), ("Taiwan", "alt label")],
            "atlantis": [("亚特兰蒂斯", "zh label"), ("Atlantis", "en label")],
        },
        index,
    )
    text = iso3166_yaml(matches, index)
    assert 'iso3166Alpha2: "IR"' in text and 'iso3166Alpha3: "IRN"' in text
    unlinked = text.split("\nunlinked:\n", 1)[1]
    assert "greater-china: " in unlinked and "ambiguous" in unlinked
    assert "atlantis: " in unlinked and "no ISO 3166-1 country" in unlinked
    assert "greater-china" not in text.split("\nunlinked:\n", 1)[0]


# -- the compiler ----------------------------------------------------------------------------------

ENTITIES = """\
entities:
  us: {type: State, zh: 美国, en: United States}
  uk: {type: State, zh: 英国, en: United Kingdom}
  nowhere: {type: State, zh: 无处, en: Nowhere}
  un: {type: InternationalOrganization, zh: 联合国, en: United Nations}
"""
SOURCE = """\
source:
  title: ISO 3166-1 (test)
  version: "1"
  url: https://example.org/iso
"""


def compile_links(tmp_path: Path, body: str, name: str = "iso3166.yaml"):  # type: ignore[no-untyped-def]
    (tmp_path / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / name).write_text(body, encoding="utf-8")
    return Compiler(OntologyIndex.load()).compile(sorted(tmp_path.glob("*.yaml")))


def test_a_links_file_compiles_to_the_links_graph(tmp_path: Path) -> None:
    result = compile_links(
        tmp_path,
        SOURCE
        + textwrap.dedent(
            """\
            links:
              us: {iso3166Alpha2: US, iso3166Alpha3: USA, verified: "lookup US"}
            unlinked:
              nowhere: not a country
            """
        ),
    )
    assert result.errors == []
    quads = set(result.quads)
    assert (ID["us"], AIGOV.iso3166Alpha2, Literal("US"), LINKS_GRAPH) in quads
    record = LINK["iso3166/us/iso3166Alpha2"]
    assert (record, RDF.type, AIGOV.IdentifierLink, LINKS_GRAPH) in quads
    assert (record, RDF.object, Literal("US"), LINKS_GRAPH) in quads
    assert (record, DCTERMS.description, Literal("lookup US"), LINKS_GRAPH) in quads
    assert {q[3] for q in result.quads if q[3] != ENTITIES_GRAPH} == {LINKS_GRAPH}
    assert result.link_gaps == {"iso3166": {"nowhere": "not a country"}}
    assert result.origins[str(record)].endswith("iso3166.yaml:6:8")  # the key of the identifier


@pytest.mark.parametrize(
    ("links", "line", "message"),
    [
        ("links:\n  usa: {iso3166Alpha2: US, verified: x}\n", 6, "unknown entity 'usa'"),
        ("links:\n  us: {iso3166Alpha2: US}\n", 6, "'verified' (how the identifier was checked) is required"),
        ("links:\n  us: {label: US, verified: x}\n", 6, "not an identifier property"),
        ("links:\n  un: {iso3166Alpha2: UN, verified: x}\n", 6, "applies to a aigov:State"),
        (
            "links:\n  us: {iso3166Alpha2: US, verified: x}\n  uk: {iso3166Alpha2: US, verified: y}\n",
            7,
            "already the identifier of us",
        ),
        ("links: {}\nunlinked:\n  nowhere: ''\n", 7, "give the reason"),
    ],
    ids=["unknown-entity", "unverified", "not-an-identifier", "outside-the-domain", "shared-value", "gap-without-reason"],
)
def test_links_errors_point_at_the_place(tmp_path: Path, links: str, line: int, message: str) -> None:
    result = compile_links(tmp_path, SOURCE + links)
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert error.location.path.endswith("iso3166.yaml") and error.location.line == line, str(error)
    assert message in error.message


def test_a_links_file_needs_its_source(tmp_path: Path) -> None:
    result = compile_links(tmp_path, "links:\n  us: {iso3166Alpha2: US, verified: x}\n")
    assert any("'source:'" in e.message for e in result.errors)


# -- through the build and the shapes ----------------------------------------------------------------


def test_the_links_graph_round_trips_through_the_build(compiled: Build, links: list[Quad]) -> None:
    store = ox.Store()
    store.load(serialize(compiled.quads, "nquads"), format=ox.RdfFormat.N_QUADS)
    assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(str(LINKS_GRAPH))))) == len(links)
    rows = list(
        store.query(
            """
            PREFIX aigov: <https://w3id.org/aigov/ontology#>
            PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            PREFIX dcterms: <http://purl.org/dc/terms/>
            PREFIX schema: <https://schema.org/>
            SELECT ?code ?how ?version WHERE {
                GRAPH <https://w3id.org/aigov/graph/links> {
                    <https://w3id.org/aigov/id/united-states> aigov:iso3166Alpha2 ?code .
                    ?link a aigov:IdentifierLink ; rdf:subject <https://w3id.org/aigov/id/united-states> ;
                        rdf:predicate aigov:iso3166Alpha2 ; rdf:object ?code ;
                        prov:wasDerivedFrom ?dataset ; dcterms:description ?how .
                    ?dataset schema:version ?version .
                }
            }
            """
        )
    )
    assert len(rows) == 1
    assert rows[0]["code"].value == "US"
    assert "pycountry" in rows[0]["how"].value and rows[0]["version"].value


def shipped_links_graph(compiled: Build) -> Graph:
    """graph/links with the entities it links (their types and labels): small, and complete for the shapes."""
    links = [q for q in compiled.quads if q[3] == LINKS_GRAPH]
    linked = {q[0] for q in links}
    return union_graph(links + [q for q in compiled.quads if q[3] == ENTITIES_GRAPH and q[0] in linked])


def test_shacl_accepts_the_shipped_links(compiled: Build) -> None:
    violations, _ = run_shapes(shipped_links_graph(compiled), load_ontology_graph(), load_shapes())
    assert violations == []


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        ("malformed-code", {("china", str(AIGOV.iso3166Alpha2), "Iso3166Alpha2Pattern")}),
        ("code-without-record", {("china", str(AIGOV.iso3166Alpha2), "VerifiedIdentifierShape")}),
        ("record-without-verification", {("link/iso3166/china/iso3166Alpha2", str(DCTERMS.description), "LinkVerification")}),
    ],
)
def test_shacl_catches_a_broken_link(compiled: Build, mutation: str, expected: set[tuple[str, str, str]]) -> None:
    graph = shipped_links_graph(compiled)
    china, record = ID["china"], LINK["iso3166/china/iso3166Alpha2"]
    if mutation == "malformed-code":  # changed in the triple and its record alike: only the pattern is wrong
        for node, prop in ((china, AIGOV.iso3166Alpha2), (record, RDF.object)):
            graph.remove((node, prop, Literal("CN")))
            graph.add((node, prop, Literal("Cn")))
    elif mutation == "code-without-record":
        graph.remove((record, None, None))
    else:
        graph.remove((record, DCTERMS.description, None))
    violations, report = run_shapes(graph, load_ontology_graph(), load_shapes())
    found = {
        (
            slug(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultPath)),
            str(report.value(r, SH.sourceShape))[len(AIGOVSH) :],
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    assert found == expected
    assert len(violations) == len(expected)


def test_link_predicate_list_is_every_identifier_property(shapes: Graph, ontology_identifiers: set[URIRef]) -> None:
    head = shapes.value(URIRef(AIGOVSH + "LinkPredicate"), SH["in"])
    assert set(Collection(shapes, head)) == ontology_identifiers


def test_report_of_an_empty_compilation_lists_every_expected_entity(tmp_path: Path) -> None:
    (tmp_path / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    onto = OntologyIndex.load()
    result = Compiler(onto).compile([tmp_path / "entities.yaml"])
    text = render_link_report(link_report(onto.graph, result, result.quads))
    assert "links: none" in text
    assert "ISO 3166-1 alpha-2/alpha-3: 3 of 3 State entities" in text
    assert "Wikidata QID: 4 of 4 State/InternationalOrganization entities" in text
    assert "nowhere, uk, us" in text


def test_report_gives_each_gap_its_reason(tmp_path: Path) -> None:
    links = SOURCE + "links:\n  us: {iso3166Alpha2: US, iso3166Alpha3: USA, verified: x}\nunlinked:\n  nowhere: no such country\n"
    result = compile_links(tmp_path, links)
    assert result.errors == []
    report = link_report(OntologyIndex.load().graph, result, result.quads)
    iso = next(g for g in report.gaps if g.expectation.scheme == "iso3166")
    assert iso.missing == {
        "nowhere": "no such country",
        "uk": "neither linked nor listed as unlinked in instances/links/iso3166.yaml (regenerate it)",
    }
    assert [(s.scheme, s.entities, s.identifiers) for s in report.schemes] == [("iso3166", 1, 2)]


def test_the_report_lists_instruments_whose_registry_could_not_be_reached(compiled: Build) -> None:
    """Executive orders and UN resolutions are gaps by kind: every one is listed, and no other instrument."""
    report = link_report(compiled.ontology, compiled.compilation, compiled.quads)
    gaps = {gap.expectation.name: gap for gap in report.gaps}
    kinds = {
        slug(s): str(o).rsplit("/", 1)[-1] for s, p, o, g in compiled.quads if g == ENTITIES_GRAPH and p == AIGOV.instrumentType
    }
    eo = gaps["US executive order number and Federal Register citation"]
    un = gaps["UN document symbol"]
    assert set(eo.missing) == {s for s, k in kinds.items() if k == "executive-order"} and "eo-14110" in eo.missing
    assert set(un.missing) == {s for s, k in kinds.items() if k == "un-resolution"} and "unga-res-78-265" in un.missing
    assert "Federal Register could not be reached" in eo.missing["eo-14110"]
    assert "UN document symbol: " in render_link_report(report)
