"""The shipped data passes the shapes and the evidence check; the evidence check can fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from aigovkg.corpus import Corpus
from aigovkg.dataset import Build, build
from aigovkg.evidence import check_evidence
from aigovkg.namespaces import AIGOV, ENTITIES_GRAPH, ID, INFERRED_GRAPH, OA, ONTOLOGY_GRAPH, PAPER
from aigovkg.stats import compute


def instance_quads(built: Build) -> list:  # type: ignore[type-arg]
    return [q for q in built.quads if q[3] not in (ONTOLOGY_GRAPH, INFERRED_GRAPH)]


def test_shipped_data_has_no_violation(corpus_dir: Path) -> None:
    result = build(corpus=Corpus(corpus_dir))
    assert result.quads, "the shipped data does not compile"
    assert result.violations == [], "\n".join(map(str, result.violations))


def test_every_paper_has_a_record(sources: dict) -> None:  # type: ignore[type-arg]
    papers = sources["papers"]
    assert "lei-yu-2025" in papers
    assert sum(1 for p in papers.values() if not p.get("abstract_only")) == 9


def test_every_doi_is_printed_in_its_paper(sources: dict, corpus: Corpus) -> None:  # type: ignore[type-arg]
    """A paper's DOI is the one its own text prints (within its lines), never looked up or guessed."""
    with_doi = {key: p for key, p in sources["papers"].items() if p.get("doi")}
    assert with_doi
    for key, paper in with_doi.items():
        first, last = paper["lines"]
        lines = corpus.text(paper["file"]).splitlines()[first - 1 : last]
        assert any(str(paper["doi"]) in line and "DOI" in line for line in lines), key


def test_acf_paper_is_encoded_at_scale(built: Build) -> None:
    """The issue's bar: well over 150 distinct entities, both coalitions, Table 1 complete."""
    stats = compute(built.quads)
    paper = next(p for p in stats.papers if p.key == "lei-yu-2025")
    assert paper.entities_mentioned > 150
    attributions = [q for q in built.quads if q[1] == AIGOV.holder and str(q[3]) == str(PAPER["lei-yu-2025"])]
    holders = {str(q[2]) for q in attributions}
    assert {str(ID["strong-regulation-coalition"]), str(ID["weak-regulation-coalition"])} <= holders


def test_table_1_has_every_row_for_both_coalitions(built: Build) -> None:
    dims = {s for s, p, o, g in built.quads if p == AIGOV.dimension}
    by_belief_dim = {(s, o) for s, p, o, g in built.quads if p == AIGOV.dimension}
    holders = {}
    for s, p, o, _g in built.quads:
        if p == AIGOV.belief:
            holders.setdefault(s, {})["belief"] = o
        if p == AIGOV.holder:
            holders.setdefault(s, {})["holder"] = o
    table_rows = [
        "national-philosophy",
        "value-concept",
        "value-orientation",
        "main-value-demand",
        "interest-demand",
        "generative-ai",
        "data-and-compute",
        "global-rule-making",
    ]
    for row in table_rows:
        dim = ID[f"dim-{row}"]
        beliefs = {b for b, d in by_belief_dim if d == dim}
        coalitions = {a["holder"] for a in holders.values() if a.get("belief") in beliefs}
        assert {ID["strong-regulation-coalition"], ID["weak-regulation-coalition"]} <= coalitions, row
    assert dims


# -- the evidence check can fail -----------------------------------------------------------------


def _mutate(quads: list, pred: URIRef, change) -> list:  # type: ignore[no-untyped-def, type-arg]
    out, done = [], False
    for s, p, o, g in quads:
        if not done and p == pred:
            out.append(change(s, p, o, g))
            done = True
        else:
            out.append((s, p, o, g))
    assert done
    return out


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path) -> Corpus:
    return Corpus(corpus_dir)


def test_evidence_clean_on_shipped_data(built: Build, corpus: Corpus) -> None:
    assert check_evidence(instance_quads(built), corpus) == []


def test_evidence_catches_a_changed_quote(built: Build, corpus: Corpus) -> None:
    quads = _mutate(instance_quads(built), OA.exact, lambda s, p, o, g: (s, p, Literal(str(o) + "X"), g))
    found = check_evidence(quads, corpus)
    assert any("quote does not match" in v.message for v in found)


def test_evidence_catches_shifted_offsets(built: Build, corpus: Corpus) -> None:
    quads = _mutate(instance_quads(built), OA.start, lambda s, p, o, g: (s, p, Literal(int(o) + 1, datatype=o.datatype), g))
    assert any("quote does not match" in v.message for v in check_evidence(quads, corpus))


def test_evidence_catches_a_changed_file(built: Build, corpus: Corpus) -> None:
    quads = _mutate(instance_quads(built), AIGOV.sha256, lambda s, p, o, g: (s, p, Literal("0" * 64), g))
    assert any("the file changed" in v.message for v in check_evidence(quads, corpus))


def test_evidence_catches_an_unbacked_triple(built: Build, corpus: Corpus) -> None:
    extra = (ID["china"], AIGOV.opposes, ID["eu-ai-act"], PAPER["lei-yu-2025"])
    found = check_evidence(instance_quads(built) + [extra], corpus)
    assert [v.node for v in found] == [str(ID["china"])]
    assert "has no claim with evidence" in found[0].message


def test_evidence_catches_a_mention_that_does_not_name_the_entity(built: Build, corpus: Corpus) -> None:
    # Relabel China: the quotes that mention it no longer contain any of its labels.
    quads = [
        q
        for q in instance_quads(built)
        if not (
            q[0] == ID["china"] and q[3] == ENTITIES_GRAPH and q[1] != URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        )
    ]
    quads.append(
        (ID["china"], URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Cathay", lang="en"), ENTITIES_GRAPH)
    )
    found = check_evidence(quads, corpus)
    assert found and all("of this mention contains no label of" in v.message for v in found)


def test_evidence_checks_every_span_of_a_mention(built: Build, corpus: Corpus) -> None:
    """Regression: one span naming the entity used to excuse another span of the same mention that did not."""
    from aigovkg.namespaces import SCHEMA

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    quads = instance_quads(built)
    index = set(quads)
    mention, graph = next(
        (c, g)
        for c, p, o, g in quads
        if p == URIRef(rdf + "object")
        and o == ID["china"]
        and g == PAPER["lei-yu-2025"]
        and (c, URIRef(rdf + "predicate"), SCHEMA.mentions, g) in index
    )
    old = next(o for c, p, o, _g in quads if c == mention and p == AIGOV.hasEvidence)
    # Copy one of its spans to the paper's first four characters, which do not name China.
    text = corpus.text("000_a2c525d67c15980e.txt")[0:4]
    assert "中" not in text
    new = URIRef(str(old).rsplit("/", 1)[0] + "/0-4")
    values = {"exact": Literal(text), "start": Literal(0), "end": Literal(4)}
    copied = [(mention, AIGOV.hasEvidence, new, graph)]
    for s, p, o, g in quads:
        if str(s).startswith(str(old)):
            local = str(p).rsplit("#", 1)[-1]
            o2 = values.get(local, URIRef(str(o).replace(str(old), str(new))) if isinstance(o, URIRef) else o)
            copied.append((URIRef(str(s).replace(str(old), str(new))), p, o2, g))
    found = check_evidence(quads + copied, corpus)
    assert [v.node for v in found] == [str(mention)]
    assert str(new) in found[0].message


def test_no_two_entities_share_both_labels(built: Build) -> None:
    """One IRI per real-world entity: two slugs with the same zh and the same en label are one entity minted twice."""
    from collections import defaultdict

    labels: dict[object, dict[str, str]] = defaultdict(dict)
    for s, p, o, g in built.quads:
        if g == ENTITIES_GRAPH and p == URIRef("http://www.w3.org/2000/01/rdf-schema#label") and isinstance(o, Literal):
            labels[s][o.language or ""] = str(o).strip().lower()
    seen: dict[tuple[str, str], object] = {}
    twice = []
    for entity, by_lang in labels.items():
        key = (by_lang.get("zh", ""), by_lang.get("en", ""))
        if key in seen:
            twice.append((seen[key], entity, key))
        seen[key] = entity
    assert twice == []
