"""The ontology documentation (``aigov docs``, ``make docs``): every aigov term and every SKOS concept with its
@zh and @en labels and definitions and an anchor, its super-terms, domain, range and alignments linked, two SVG
diagrams, nothing loaded from the network. What the page must hold is read from the ontology with rdflib here,
not taken from the generator; the generator's own checker is tested to fail on broken input."""

from __future__ import annotations

import html
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from aigovkg import ontodocs
from aigovkg.cli import main
from aigovkg.namespaces import AIGOV, VOCAB
from aigovkg.ontology import ontology_files

SVG = "{http://www.w3.org/2000/svg}"
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> ontodocs.DocsResult:
    return ontodocs.write_docs(tmp_path_factory.mktemp("docs"))


@pytest.fixture(scope="module")
def page(written: ontodocs.DocsResult) -> str:
    return (written.out_dir / "index.html").read_text(encoding="utf-8")


def aigov_terms(graph: Graph) -> list[URIRef]:
    terms = {s for kind in KINDS for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(AIGOV))}
    return sorted(terms)  # type: ignore[arg-type]


def concepts_and_schemes(graph: Graph) -> list[URIRef]:
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    members = {c for s in schemes for c in graph.subjects(SKOS.inScheme, s)}
    return sorted(schemes | members)  # type: ignore[arg-type]


def fragment(iri: URIRef) -> str:
    text = str(iri)
    return text.split("#", 1)[1] if text.startswith(str(AIGOV)) else "vocab/" + text[len(VOCAB) :]


def section(page: str, iri: URIRef) -> str:
    """The HTML of the element whose id is the term's fragment, up to the next term (or the end)."""
    match = re.search(rf'<(section|div) class="(?:term|concept|scheme)" id="{re.escape(html.escape(fragment(iri)))}">', page)
    assert match, f"no section with id {fragment(iri)!r} for {iri}"
    end = page.find('class="term"', match.end())
    concept_end = page.find('class="concept"', match.end())
    stops = [i for i in (end, concept_end) if i >= 0]
    return page[match.start() : min(stops) if stops else len(page)]


def lang_values(graph: Graph, iri: URIRef, *predicates: URIRef) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for predicate in predicates:
        for value in graph.objects(iri, predicate):
            if isinstance(value, Literal) and value.language:
                values.setdefault(value.language, []).append(str(value))
        if values:
            return values
    return values


def test_writes_the_page_diagrams_and_sources_without_problems(written: ontodocs.DocsResult) -> None:
    names = sorted(p.name for p in written.files)
    assert names == sorted(["index.html", "class-hierarchy.svg", "object-properties.svg", *(p.name for p in ontology_files())])
    assert all(p.is_file() and p.stat().st_size > 0 for p in written.files)
    assert written.problems == []


def test_the_ontology_has_terms_of_each_kind(ontology: Graph) -> None:
    """Guards the tests below against passing vacuously on an empty read."""
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        assert [t for t in aigov_terms(ontology) if (t, RDF.type, kind) in ontology], kind
    assert len(concepts_and_schemes(ontology)) > 10


def test_every_term_has_its_anchor_both_labels_and_both_definitions(ontology: Graph, page: str) -> None:
    for iri in aigov_terms(ontology) + concepts_and_schemes(ontology):
        assert ontodocs.anchor(iri) == fragment(iri)
        text = section(page, iri)
        labels = lang_values(ontology, iri, RDFS.label, SKOS.prefLabel)
        definitions = lang_values(ontology, iri, SKOS.definition)
        for lang in ("zh", "en"):
            assert labels.get(lang), f"{iri} has no @{lang} label in the ontology"
            for label in labels[lang]:
                assert f'<span lang="{lang}">{html.escape(label)}</span>' in text, f"{iri}: @{lang} label {label!r}"
            for definition in definitions.get(lang, []):
                assert f'<p lang="{lang}">{html.escape(definition)}</p>' in text, f"{iri}: @{lang} definition"
        if (iri, RDF.type, OWL.AnnotationProperty) not in ontology:
            assert set(definitions) >= {"zh", "en"}, f"{iri} lacks a definition in both languages"


def test_super_terms_domain_range_and_alignments_are_linked(ontology: Graph, page: str) -> None:
    documented = set(aigov_terms(ontology)) | set(concepts_and_schemes(ontology))
    predicates = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, SKOS.closeMatch, SKOS.exactMatch)
    checked = 0
    for iri in aigov_terms(ontology):
        text = section(page, iri)
        for predicate in predicates:
            for target in ontology.objects(iri, predicate):
                if isinstance(target, URIRef):
                    href = f"#{fragment(target)}" if target in documented else str(target)
                    assert f'href="{html.escape(href)}"' in text, f"{iri}: {predicate} {target} not linked"
                    checked += 1
    assert checked > 100


def test_alignments_name_the_external_terms(ontology: Graph, page: str) -> None:
    aligned = page[page.index('id="alignments"') :]
    for iri in aigov_terms(ontology):
        for predicate in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch, SKOS.exactMatch):
            for target in ontology.objects(iri, predicate):
                if isinstance(target, URIRef) and not str(target).startswith(str(AIGOV)):
                    assert f'href="{html.escape(str(target))}"' in aligned, target


def test_the_table_of_contents_links_every_term(ontology: Graph, page: str) -> None:
    toc = page[page.index('<nav id="toc">') : page.index("</nav>")]
    for iri in aigov_terms(ontology) + concepts_and_schemes(ontology):
        assert f'href="#{html.escape(fragment(iri))}"' in toc, iri
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids"
    for target in set(re.findall(r'href="#([^"]+)"', page)):
        assert f'id="{target}"' in page, f"broken link #{target}"


def test_diagrams_are_svg_naming_and_linking_the_classes_and_properties(
    ontology: Graph, written: ontodocs.DocsResult, page: str
) -> None:
    def parse(name: str) -> tuple[str, set[str]]:
        root = ElementTree.parse(written.out_dir / name).getroot()
        assert root.tag == f"{SVG}svg"
        texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
        hrefs = {v for e in root.iter(f"{SVG}a") for k, v in e.attrib.items() if k.endswith("href")}
        return texts, hrefs

    classes = [c for c in aigov_terms(ontology) if (c, RDF.type, OWL.Class) in ontology]
    texts, hrefs = parse("class-hierarchy.svg")
    for cls in classes:
        assert f"index.html#{fragment(cls)}" in hrefs, cls
        for label in lang_values(ontology, cls, RDFS.label).values():
            assert label[0] in texts, label
    texts, hrefs = parse("object-properties.svg")
    for prop in aigov_terms(ontology):
        if (prop, RDF.type, OWL.ObjectProperty) in ontology:
            declared = {ontology.value(prop, RDFS.domain), ontology.value(prop, RDFS.range)} - {None}
            assert f"index.html#{fragment(prop)}" in hrefs if declared else fragment(prop) in texts, prop
            for cls in declared:
                assert f"index.html#{fragment(cls)}" in hrefs, cls  # type: ignore[arg-type]
    assert page.count("<svg ") == 2, "both diagrams are inlined in the page"
    assert 'href="class-hierarchy.svg"' in page and 'href="object-properties.svg"' in page
    assert written.class_diagram.nodes >= len(classes) and written.class_diagram.edges >= len(classes) - 1


def test_nothing_is_loaded_from_the_network(written: ontodocs.DocsResult) -> None:
    for name in ("index.html", "class-hierarchy.svg", "object-properties.svg"):
        text = (written.out_dir / name).read_text(encoding="utf-8")
        assert not re.search(r"<script\b[^>]*\bsrc\s*=", text, re.IGNORECASE), name
        assert not re.search(r"<link\b", text, re.IGNORECASE), name
        assert not re.search(r"\b(src|srcset|poster)\s*=\s*[\"']?\s*(https?:)?//", text, re.IGNORECASE), name
        assert not re.search(r"url\(\s*[\"']?\s*(https?:)?//|@import", text, re.IGNORECASE), name
        assert not re.search(r"<(image|use|img|iframe)\b[^>]*href\s*=\s*[\"']?\s*(https?:)?//", text, re.IGNORECASE), name
        assert ontodocs.remote_assets(text) == []


def test_the_command_writes_the_same_bytes(
    tmp_path: Path, written: ontodocs.DocsResult, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["docs", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\d+ classes, \d+ object properties, \d+ datatype properties", out), out
    for name in ("index.html", "class-hierarchy.svg", "object-properties.svg"):
        assert (tmp_path / name).read_bytes() == (written.out_dir / name).read_bytes(), f"{name} differs between runs"


# -- a small ontology with every kind of term and the constructs the shipped one does not (yet) use ------------

SMALL = """
@prefix aigov: <https://w3id.org/aigov/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://w3id.org/aigov/ontology> a owl:Ontology ; dcterms:title "小本体"@zh , "Small ontology"@en .
aigov:Actor a owl:Class ; rdfs:subClassOf prov:Agent ;
    rdfs:label "行为体"@zh , "Actor"@en ; skos:definition "行动者。"@zh , "One who acts."@en .
aigov:State a owl:Class ;
    rdfs:subClassOf aigov:Actor , [ a owl:Restriction ; owl:onProperty aigov:memberOf ; owl:someValuesFrom aigov:Group ] ;
    skos:exactMatch <http://www.wikidata.org/entity/Q7275> ;
    rdfs:label "国家"@zh , "State"@en ; skos:definition "主权国家。"@zh , "A sovereign state."@en .
aigov:Group a owl:Class ; rdfs:subClassOf aigov:Actor ;
    rdfs:label "集团"@zh , "Group <&>"@en ; skos:definition "国家集团。"@zh , "A group of \\"states\\"."@en .
aigov:memberOf a owl:ObjectProperty , owl:TransitiveProperty ;
    rdfs:domain [ a owl:Class ; owl:unionOf ( aigov:State aigov:Group ) ] ; rdfs:range aigov:Group ;
    rdfs:label "成员"@zh , "member of"@en ; skos:definition "属于某集团。"@zh , "Belongs to a group."@en .
aigov:relatedTo a owl:ObjectProperty ;
    rdfs:label "相关"@zh , "related to"@en ; skos:definition "相关。"@zh , "Related."@en .
aigov:name a owl:DatatypeProperty ; rdfs:subPropertyOf rdfs:label ; rdfs:range xsd:string ;
    rdfs:label "名称"@zh , "name"@en ; skos:definition "名称。"@zh , "A name."@en .
aigov:reviewNote a owl:AnnotationProperty ; rdfs:label "审阅备注"@zh , "review note"@en ;
    skos:scopeNote "仅供编辑。"@zh , "For editors only."@en .
<https://w3id.org/aigov/vocab/kind> a skos:ConceptScheme ; skos:prefLabel "种类"@zh , "Kinds"@en ;
    skos:definition "种类。"@zh , "Kinds."@en ; skos:hasTopConcept <https://w3id.org/aigov/vocab/kind/a> .
<https://w3id.org/aigov/vocab/kind/a> a skos:Concept ; skos:inScheme <https://w3id.org/aigov/vocab/kind> ;
    skos:topConceptOf <https://w3id.org/aigov/vocab/kind> ;
    skos:prefLabel "甲"@zh , "A"@en ; skos:definition "甲类。"@zh , "Kind A."@en .
<https://w3id.org/aigov/vocab/kind/a1> a skos:Concept ; skos:inScheme <https://w3id.org/aigov/vocab/kind> ;
    skos:broader <https://w3id.org/aigov/vocab/kind/a> ;
    skos:prefLabel "甲一"@zh , "A1"@en ; skos:definition "甲类之一。"@zh , "Kind A1."@en .
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.ttl"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_a_small_ontology_with_every_kind_of_term(small: Path, tmp_path: Path) -> None:
    result = ontodocs.write_docs(tmp_path / "out", [small])
    assert result.problems == []
    assert result.counts == {
        "class": 3,
        "object-property": 2,
        "datatype-property": 1,
        "annotation-property": 1,
        "concept-scheme": 1,
        "concept": 2,
    }
    text = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'id="reviewNote"' in text and "For editors only." in text  # other annotations are shown too
    assert "Group &lt;&amp;&gt;" in text and "Group <&>" not in text  # escaped
    state = section(text, AIGOV.State)
    assert "some" in state and 'href="#memberOf"' in state  # the restriction, in Manchester-like syntax
    member_of = section(text, AIGOV.memberOf)
    assert 'href="#State"' in member_of and " or " in member_of and "transitive" in member_of
    kinds = text[text.index('id="vocab/kind"') :]
    assert kinds.index('id="vocab/kind/a"') < kinds.index('id="vocab/kind/a1"')  # narrower after broader
    svg = (tmp_path / "out" / "object-properties.svg").read_text(encoding="utf-8")
    assert "index.html#memberOf" in svg and "relatedTo" in svg  # drawn; named as declaring neither domain nor range
    assert result.property_diagram.edges == 3  # State -> memberOf, Group -> memberOf, memberOf -> Group


# -- the checker fails on broken input ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(ontology: Graph) -> str:
    return ontodocs.Renderer(ontodocs.read_model(ontology)).render().html


def test_the_checker_passes_the_rendered_page(rendered: str, ontology: Graph) -> None:
    assert ontodocs.check_html(rendered, ontology) == []


def test_the_checker_reports_a_property_missing_from_the_page(rendered: str, ontology: Graph) -> None:
    prop = next(t for t in aigov_terms(ontology) if (t, RDF.type, OWL.ObjectProperty) in ontology)
    start = rendered.index(f'<section class="term" id="{fragment(prop)}">')
    broken = rendered[:start] + rendered[rendered.index("</section>", start) + len("</section>") :]
    problems = ontodocs.check_html(broken, ontology)
    assert f"{prop}: no element with id {fragment(prop)!r} (object-property)" in problems
    assert f"broken link '#{fragment(prop)}'" in problems


def test_the_checker_reports_a_term_the_page_does_not_show(rendered: str, ontology: Graph) -> None:
    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    added = AIGOV["addedLater"]
    graph.add((added, RDF.type, OWL.DatatypeProperty))
    graph.add((added, RDFS.label, Literal("later", lang="en")))
    problems = ontodocs.check_html(rendered, graph)
    assert f"{added}: no element with id 'addedLater' (datatype-property)" in problems


def test_the_checker_reports_a_missing_language(rendered: str, ontology: Graph) -> None:
    cls = next(t for t in aigov_terms(ontology) if (t, RDF.type, OWL.Class) in ontology)
    zh = lang_values(ontology, cls, RDFS.label)["zh"][0]
    text = section(rendered, cls)
    broken = rendered.replace(text, text.replace(f'<span lang="zh">{html.escape(zh)}</span>', "<span>?</span>"))
    assert f"{cls}: @zh label {zh!r} missing" in ontodocs.check_html(broken, ontology)


def test_the_checker_reports_remote_assets_and_a_missing_link(rendered: str, ontology: Graph) -> None:
    broken = rendered.replace("</head>", '<script src="https://cdn.example.org/x.js"></script></head>', 1)
    assert "remote asset: <script src='https://cdn.example.org/x.js'>" in ontodocs.check_html(broken, ontology)
    prop = next(t for t in aigov_terms(ontology) if ontology.value(t, RDFS.range) is not None)
    text = section(rendered, prop)
    target = ontology.value(prop, RDFS.range)
    assert target is not None
    href = f'href="#{fragment(target)}"' if str(target).startswith(str(AIGOV)) else f'href="{target}"'
    broken = rendered.replace(text, text.replace(href, 'href="#toc"'))
    assert any(p.startswith(f"{prop}: no link to its rdfs:range") for p in ontodocs.check_html(broken, ontology))


def test_the_svg_checker_fails_on_broken_diagrams() -> None:
    assert ontodocs.svg_problems("<svg", "x.svg", [])[0].startswith("x.svg: not well-formed XML")
    assert ontodocs.svg_problems("<html/>", "x.svg", []) == ["x.svg: the root element is html, not svg"]
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>Actor</text></svg>'
    assert ontodocs.svg_problems(svg, "x.svg", ["index.html#Actor"], ["Actor", "State"]) == [
        "x.svg: no link to index.html#Actor",
        "x.svg: does not name 'State'",
    ]


def test_the_command_exits_1_on_an_ontology_missing_a_language(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small.write_text(SMALL.replace('rdfs:label "行为体"@zh , "Actor"@en', 'rdfs:label "Actor"@en'), encoding="utf-8")
    assert main(["docs", "-o", str(tmp_path / "out"), str(small)]) == 1
    captured = capsys.readouterr()
    assert f"{AIGOV.Actor}: the ontology gives no @zh label" in captured.out
    assert "1 problem(s)" in captured.err


def test_the_command_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "-o", str(tmp_path), str(tmp_path / "nope.ttl")]) == 2
    assert "nope.ttl: no such file" in capsys.readouterr().err
