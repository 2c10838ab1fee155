"""Wikidata QIDs of the graph's entities, verified against two published mirrors of Wikidata data.

Wikidata itself may be unreachable where the graph is built, so the QIDs are checked against two open
datasets that ship Wikidata identifiers with names, each fetched from the npm registry at a pinned
version and checked against its integrity hash (:mod:`aigovkg.npmdata`):

* **country-coder** (``@rapideditor/country-coder``, ``src/data/borders.json``): every ISO 3166-1
  country with its alpha-2, alpha-3 and Wikidata QID. A State is linked through the ISO 3166-1 code
  already verified for it (``instances/links/iso3166.yaml``): the feature must carry the same alpha-2
  *and* alpha-3 code.
* **name-suggestion-index** (``dist/wikidata/wikidata.json``): about 27,000 Wikidata items (brands,
  operators, organisations, countries) with their English label and description, as fetched from
  Wikidata by that project. An entity of another actor class is linked when one of its non-Chinese
  labels equals (case, width and spacing aside) the label of exactly one item, *and* that item's
  description fits the entity's class (a Company's item must be described as a company, a
  corporation...): the description is what keeps "G20" the group of twenty from the French
  convenience store chain of the same name. A few matches that differ only by spelling were made by
  hand; they are listed in :data:`MATCHED_BY_HAND` with the reason, and are checked the same way.

``aigov links wikidata [--write]`` writes ``instances/links/wikidata.yaml``; every entity that is
expected to have a QID (States and international organisations) and has none is listed there under
``unlinked:`` with the reason, as is every label match that was refused.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from .links import entity_classes, normalise
from .namespaces import AIGOV, ENTITIES_GRAPH, ID, LINKS_GRAPH
from .npmdata import NpmFile, read_npm_file

if TYPE_CHECKING:
    from .compiler import Compilation

SCHEME = "wikidata"

COUNTRY_CODER = NpmFile(
    "@rapideditor/country-coder",
    "5.6.1",
    "sha512-/3xCpRIyhGv0lKxk26qNJgBWU6UnvE6SmOvE2GWE1CKu6pxcUVukECg6XVJLfmesYWyKHmaj1ZXtNOpz3lJkWg==",
    "package/src/data/borders.json",
)
NSI = NpmFile(
    "name-suggestion-index",
    "8.0.20260918",
    "sha512-g09kxye3aswAETIa//gA56MjonmjcyXCzdIwlDhpBVAwLKXOUJA1QZL5eE4ZRstTFFx9I2o9eARONUXVC72SAw==",
    "package/dist/wikidata/wikidata.json",
)

# Which entities are matched by label, and the words one of which the item's description must contain.
# The first rule whose class the entity is (or is a subclass of) applies; States are matched by ISO code.
_ORG = r"organi[sz]ation"
DESCRIPTION_RULES: tuple[tuple[URIRef, str], ...] = (
    (AIGOV.InternationalOrganization, rf"\b({_ORG}|alliance|union)\b"),
    (AIGOV.InternationalOrganizationBody, rf"\b({_ORG}|agency|programme|program|fund|committee|council)\b"),
    (AIGOV.Grouping, rf"\b({_ORG}|group|forum|alliance|bloc)\b"),
    (AIGOV.GovernmentBody, rf"\b({_ORG}|agency|department|ministry|branch|office|commission|council)\b"),
    (AIGOV.Company, r"\b(company|corporation|conglomerate|enterprise|firm|group|bank)\b"),
    (AIGOV.ResearchOrganization, r"\b(university|institute|research|college|laboratory|academy)\b"),
    (AIGOV.CivilSocietyOrganization, rf"\b({_ORG}|foundation|association|nonprofit|non-profit)\b"),
    (AIGOV.StandardsOrganization, rf"\b({_ORG}|standards)\b"),
    (AIGOV.Forum, rf"\b({_ORG}|forum|summit|conference)\b"),
)

# entity slug -> (QID, why the match was made by hand). The item must still be in the dataset with a
# description that fits the entity's class.
MATCHED_BY_HAND: dict[str, tuple[str, str]] = {
    "oecd": (
        "Q41550",
        "matched by hand: the item's label 'Organization for Economic Cooperation and Development' is the US "
        "spelling of the entity's en label 'Organisation for Economic Co-operation and Development'",
    ),
}


@dataclass(frozen=True)
class Country:
    qid: str
    alpha_2: str
    alpha_3: str
    name: str


@dataclass(frozen=True)
class Item:
    qid: str
    label: str
    description: str


@dataclass
class ReferenceData:
    countries: dict[str, Country]  # ISO alpha-2 -> country-coder feature
    items: dict[str, Item]  # QID -> name-suggestion-index item
    by_label: dict[str, set[str]] = field(default_factory=dict)  # normalised label -> QIDs

    def __post_init__(self) -> None:
        index: dict[str, set[str]] = defaultdict(set)
        for item in self.items.values():
            index[normalise(item.label)].add(item.qid)
        self.by_label = dict(index)


def parse_country_coder(data: bytes) -> dict[str, Country]:
    out = {}
    for feature in json.loads(data)["features"]:
        p = feature["properties"]
        if p.get("iso1A2") and p.get("iso1A3") and p.get("wikidata"):
            out[p["iso1A2"]] = Country(p["wikidata"], p["iso1A2"], p["iso1A3"], p.get("nameEn", ""))
    return out


def parse_nsi(data: bytes) -> dict[str, Item]:
    return {
        qid: Item(qid, str(v.get("label") or ""), str(v.get("description") or ""))
        for qid, v in json.loads(data)["wikidata"].items()
        if v.get("label")
    }


def reference_data() -> ReferenceData:
    """Both datasets, downloaded (once, then cached) and verified against their pinned integrity."""
    return ReferenceData(parse_country_coder(read_npm_file(COUNTRY_CODER)), parse_nsi(read_npm_file(NSI)))


# -- matching ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    slug: str
    classes: frozenset[URIRef]  # its class and superclasses
    labels: tuple[tuple[str, str], ...]  # (label, kind: "en label", "zh label", "alt label")
    iso: tuple[str, str] | None = None  # verified (alpha-2, alpha-3), for a State


@dataclass(frozen=True)
class Decision:
    slug: str
    qid: str | None
    why: str  # the verification record when linked, else the reason it is not


def _q(text: str) -> str:
    return repr(text)


def description_rule(entity: Entity) -> str | None:
    return next((pattern for cls, pattern in DESCRIPTION_RULES if cls in entity.classes), None)


def match_state(entity: Entity, data: ReferenceData) -> Decision:
    if entity.iso is None:
        return Decision(entity.slug, None, "no verified ISO 3166-1 code (see iso3166.yaml), which the country-coder match needs")
    alpha_2, alpha_3 = entity.iso
    country = data.countries.get(alpha_2)
    if country is None:
        return Decision(entity.slug, None, f"country-coder {COUNTRY_CODER.version} has no country with alpha-2 {alpha_2}")
    if country.alpha_3 != alpha_3:
        return Decision(
            entity.slug, None, f"country-coder's {alpha_2} has alpha-3 {country.alpha_3}, the verified code is {alpha_3}"
        )
    why = (
        f"{COUNTRY_CODER.label} {COUNTRY_CODER.path.removeprefix('package/')}: iso1A2 {alpha_2}, iso1A3 {alpha_3}, "
        f"wikidata {country.qid}, nameEn {_q(country.name)}; the entity's verified ISO 3166-1 codes are {alpha_2}/{alpha_3}"
    )
    item = data.items.get(country.qid)
    if item is not None:
        why += f"; {NSI.label}: {country.qid} label {_q(item.label)}, description {_q(item.description)}"
    return Decision(entity.slug, country.qid, why)


def _item_record(item: Item) -> str:
    where = f"{NSI.label} {NSI.path.removeprefix('package/')}"
    return f"{where}: {item.qid} label {_q(item.label)}, description {_q(item.description)}"


def match_by_label(entity: Entity, data: ReferenceData) -> Decision | None:
    """The decision for a non-State entity, or None when no label names any item (nothing to report)."""
    rule = description_rule(entity)
    if rule is None:
        return None
    fits = lambda item: re.search(rule, item.description, re.IGNORECASE) is not None  # noqa: E731
    if entity.slug in MATCHED_BY_HAND:
        qid, how = MATCHED_BY_HAND[entity.slug]
        item = data.items.get(qid)
        if item is None:
            return Decision(entity.slug, None, f"{NSI.label} no longer has {qid} ({how})")
        if not fits(item):
            return Decision(entity.slug, None, f"{_item_record(item)}: the description does not fit the class ({how})")
        return Decision(entity.slug, qid, f"{_item_record(item)}; {how}")
    found: dict[str, list[str]] = defaultdict(list)
    for label, kind in entity.labels:
        if kind == "zh label":
            continue
        for qid in sorted(data.by_label.get(normalise(label), ())):
            found[qid].append(f"{kind} {_q(label)}")
    if not found:
        return None
    fitting = {qid: how for qid, how in found.items() if fits(data.items[qid])}
    if len(fitting) == 1:
        ((qid, kinds),) = fitting.items()
        return Decision(entity.slug, qid, f"{_item_record(data.items[qid])}; {'; '.join(kinds)} = the item's label")
    items = "; ".join(f"{qid} {_q(data.items[qid].label)} ({_q(data.items[qid].description)})" for qid in sorted(found))
    if not fitting:
        return Decision(entity.slug, None, f"refused: the only label matches are not of this kind of entity: {items}")
    return Decision(entity.slug, None, f"ambiguous: the labels name {len(fitting)} items that fit: {items}")


def decide(entities: Iterable[Entity], data: ReferenceData, expected: set[str]) -> list[Decision]:
    """One decision per State, per expected entity and per entity a label of which names an item."""
    out = []
    for entity in entities:
        if AIGOV.State in entity.classes:
            out.append(match_state(entity, data))
            continue
        decision = match_by_label(entity, data)
        if decision is None and entity.slug in expected:
            decision = Decision(
                entity.slug,
                None,
                f"no item of {NSI.label} or {COUNTRY_CODER.label} has one of its labels "
                "(Wikidata itself was not reachable to look it up)",
            )
        if decision is not None:
            out.append(decision)
    # one QID, one entity: a QID two entities claim links neither
    claimed: dict[str, list[str]] = defaultdict(list)
    for d in out:
        if d.qid:
            claimed[d.qid].append(d.slug)
    return [
        Decision(d.slug, None, f"refused: {d.qid} would also be the QID of {', '.join(s for s in claimed[d.qid] if s != d.slug)}")
        if d.qid and len(claimed[d.qid]) > 1
        else d
        for d in out
    ]


# -- from the compiled instances ------------------------------------------------------------------------


def entities_of(ontology: Graph, compilation: Compilation) -> list[Entity]:
    classes = entity_classes(ontology, compilation)
    labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    iso: dict[str, dict[URIRef, str]] = defaultdict(dict)
    for s, p, o, g in compilation.quads:
        if not isinstance(o, Literal) or not str(s).startswith(str(ID)):
            continue
        slug = str(s)[len(str(ID)) :]
        if g == ENTITIES_GRAPH and p in (RDFS.label, SKOS.altLabel):
            labels[slug].append((str(o), f"{o.language} label" if p == RDFS.label else "alt label"))
        elif g == LINKS_GRAPH and p in (AIGOV.iso3166Alpha2, AIGOV.iso3166Alpha3):
            iso[slug][p] = str(o)
    out = []
    for slug, sup in sorted(classes.items()):
        codes = iso.get(slug, {})
        pair = (codes[AIGOV.iso3166Alpha2], codes[AIGOV.iso3166Alpha3]) if len(codes) == 2 else None
        out.append(Entity(slug, frozenset(sup), tuple(labels.get(slug, ())), pair))
    return out


def wikidata_yaml(decisions: Iterable[Decision]) -> str:
    """The text of instances/links/wikidata.yaml."""
    q = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731  (a JSON string is a YAML double-quoted scalar)
    decisions = sorted(decisions, key=lambda d: d.slug)
    lines = [
        "# Wikidata QIDs. Generated by `aigov links wikidata --write`: do not edit by hand (see",
        "# server/aigovkg/wikidata_links.py for the rules). A State is linked through its verified ISO 3166-1",
        "# code to country-coder's QID; another actor through a label equal to the label of exactly one",
        "# name-suggestion-index item whose description fits its class. Each link is also published as",
        "# skos:exactMatch <http://www.wikidata.org/entity/QID>. What could not be verified is under `unlinked:`.",
        "source:",
        f"  title: {q(f'Wikidata items as published in {COUNTRY_CODER.label} and {NSI.label} (npm)')}",
        f"  version: {q(f'{COUNTRY_CODER.label}; {NSI.label}')}",
        "  url: https://www.wikidata.org/",
        "  description: "
        + q(
            f"Wikidata QIDs with names: country-coder's borders.json ({COUNTRY_CODER.page}, ISC) and "
            f"name-suggestion-index's wikidata.json ({NSI.page}, BSD-3-Clause; Wikidata content is CC0), "
            "each downloaded from the npm registry and checked against the integrity hash the registry "
            "published for the version."
        ),
    ]
    linked = [d for d in decisions if d.qid]
    unlinked = [d for d in decisions if not d.qid]
    lines.append("links:" + ("" if linked else " {}"))
    for d in linked:
        lines += [f"  {d.slug}:", f"    wikidata: {q(str(d.qid))}", f"    verified: {q(d.why)}"]
    lines.append("unlinked:" + ("" if unlinked else " {}"))
    lines += [f"  {d.slug}: {q(d.why)}" for d in unlinked]
    return "\n".join(lines) + "\n"


def expected_slugs(entities: Iterable[Entity]) -> set[str]:
    """The entities the build reports as gaps when they have no QID (see links.EXPECTATIONS)."""
    from .links import EXPECTATIONS

    classes = next(set(e.classes) for e in EXPECTATIONS if e.scheme == SCHEME)
    return {e.slug for e in entities if e.classes & classes}


def generate(data: ReferenceData | None = None) -> tuple[str, list[Decision]]:
    """(YAML text, decisions) for the shipped instances (their entities and ISO 3166-1 links)."""
    from .links import compile_for_links

    onto, compilation = compile_for_links(exclude={SCHEME})
    entities = entities_of(onto.graph, compilation)
    expected = expected_slugs(entities)
    decisions = decide(entities, data or reference_data(), expected)
    return wikidata_yaml(decisions), decisions
