"""Links to external identifiers: what the build reports as NOT linked, and the ISO 3166-1 generator.

A link is an identifier of an entity in an external scheme (ISO 3166-1, Wikidata...), written in
``instances/links/<scheme>.yaml`` and compiled into ``graph/links`` with a record of how it was
verified (see docs/data-model.md). Nothing is guessed: an entity whose identifier could not be verified
is left out, and :func:`link_summary` lists it, so a gap is never mistaken for a fact.

``aigov links iso3166 [--write]`` generates ``instances/links/iso3166.yaml`` from pycountry, which ships
ISO 3166-1 (from Debian's iso-codes) with Chinese translations: each State is matched by its labels to
exactly one country; a State whose labels match no country, or more than one, is listed as unlinked.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .namespaces import AIGOV, ENTITIES_GRAPH, ID, LINK, LINKS_GRAPH, REFERENCE
from .paths import data_dir

if TYPE_CHECKING:
    from .compiler import Compilation, Quad
    from .dataset import Build
    from .ontology import OntologyIndex


@dataclass(frozen=True)
class Expectation:
    """Which entities should have which identifiers; those without are reported as gaps."""

    name: str
    properties: tuple[URIRef, ...]  # all of them are expected
    classes: tuple[URIRef, ...]  # entities of these classes (or their subclasses)
    scheme: str  # the links file whose ``unlinked:`` reasons apply
    default_reason: str  # when the scheme has no links file
    kinds: tuple[str, ...] = ()  # if given, only instruments of these kinds (instrument-type concept slugs)

    def describe(self) -> str:
        classes = "/".join(str(c).rsplit("#", 1)[-1] for c in self.classes)
        return f"{'/'.join(self.kinds)} {classes}" if self.kinds else classes


EXPECTATIONS = (
    Expectation(
        "ISO 3166-1 alpha-2/alpha-3",
        (AIGOV.iso3166Alpha2, AIGOV.iso3166Alpha3),
        (AIGOV.State,),
        "iso3166",
        "no verified ISO 3166-1 code",
    ),
    Expectation(
        "Wikidata QID",
        (AIGOV.wikidata,),
        (AIGOV.State, AIGOV.InternationalOrganization),
        "wikidata",
        "no verified Wikidata QID (there is no instances/links/wikidata.yaml: run `aigov links wikidata --write`)",
    ),
    # No copy of these registries could be reached where the graph is built: every such instrument is a gap.
    # The identifiers a paper gives (e.g. an EO number, a resolution symbol) are that paper's claims, in its graph.
    Expectation(
        "US executive order number and Federal Register citation",
        (AIGOV.executiveOrderNumber, AIGOV.federalRegisterCitation),
        (AIGOV.Instrument,),
        "federal-register",
        "not verified: the Federal Register could not be reached (a paper's EO number is that paper's claim)",
        ("executive-order",),
    ),
    Expectation(
        "UN document symbol",
        (AIGOV.unDocumentSymbol,),
        (AIGOV.Instrument,),
        "un-documents",
        "not verified: the UN Official Document System could not be reached (a paper's symbol is that paper's claim)",
        ("un-resolution",),
    ),
)


# -- the report ------------------------------------------------------------------------------------


@dataclass
class SchemeLinks:
    scheme: str
    title: str
    entities: int
    identifiers: int


@dataclass
class Gap:
    expectation: Expectation
    expected: int  # entities of the expected classes
    missing: dict[str, str] = field(default_factory=dict)  # slug -> reason


@dataclass
class LinkReport:
    schemes: list[SchemeLinks]
    gaps: list[Gap]


def entity_classes(ontology: Graph, compilation: Compilation) -> dict[str, set[URIRef]]:
    """Each entity's class and its superclasses."""
    supers: dict[URIRef, set[URIRef]] = {}
    out = {}
    for slug, (cls, _) in compilation.entities.items():
        if cls not in supers:
            supers[cls] = {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}
        out[slug] = supers[cls]
    return out


def link_report(ontology: Graph, compilation: Compilation, quads: Iterable[Quad]) -> LinkReport:
    links = [(s, p, o) for s, p, o, g in quads if g == LINKS_GRAPH]
    have: set[tuple[str, URIRef]] = {
        (str(s)[len(str(ID)) :], p) for s, p, _ in links if isinstance(s, URIRef) and str(s).startswith(str(ID))
    }
    records = {s for s, p, o in links if p == RDF.type and o == AIGOV.IdentifierLink}
    subject_of = {s: o for s, p, o in links if p == RDF.subject}
    titles = {s: str(o) for s, p, o in links if p == DCTERMS.title}
    by_scheme: dict[str, tuple[set[object], int]] = {}
    for record in records:
        scheme = str(record)[len(str(LINK)) :].split("/", 1)[0]
        subjects, count = by_scheme.get(scheme, (set(), 0))
        subjects.add(subject_of.get(record))
        by_scheme[scheme] = (subjects, count + 1)
    schemes = [
        SchemeLinks(scheme, titles.get(REFERENCE[scheme], ""), len(subjects), count)
        for scheme, (subjects, count) in sorted(by_scheme.items())
    ]
    for scheme in sorted(set(compilation.link_gaps) - set(by_scheme)):
        schemes.append(SchemeLinks(scheme, titles.get(REFERENCE[scheme], ""), 0, 0))
    classes = entity_classes(ontology, compilation)
    kind_of = {
        str(s)[len(str(ID)) :]: str(o).rsplit("/", 1)[-1]
        for s, p, o, g in compilation.quads
        if g == ENTITIES_GRAPH and p == AIGOV.instrumentType
    }
    gaps = []
    for exp in EXPECTATIONS:
        expected = sorted(
            slug for slug, sup in classes.items() if sup & set(exp.classes) and (not exp.kinds or kind_of.get(slug) in exp.kinds)
        )
        reasons = compilation.link_gaps.get(exp.scheme, {})
        default = (
            f"neither linked nor listed as unlinked in instances/links/{exp.scheme}.yaml (regenerate it)"
            if exp.scheme in compilation.link_gaps
            else exp.default_reason
        )
        missing = {
            slug: reasons.get(slug, default) for slug in expected if not all((slug, prop) in have for prop in exp.properties)
        }
        gaps.append(Gap(exp, len(expected), missing))
    return LinkReport(schemes, gaps)


def render_link_report(report: LinkReport, width: int = 110) -> str:
    lines = []
    for s in report.schemes:
        lines.append(f"links {s.scheme}: {s.identifiers} identifier(s) of {s.entities} entities, verified against {s.title}")
    if not report.schemes:
        lines.append("links: none (instances/links/ has no links file)")
    lines.append("NOT linked (gaps, not facts: no identifier is guessed):")
    for gap in report.gaps:
        lines.append(f"  {gap.expectation.name}: {len(gap.missing)} of {gap.expected} {gap.expectation.describe()} entities")
        by_reason: dict[str, list[str]] = defaultdict(list)
        for slug, reason in sorted(gap.missing.items()):
            by_reason[reason].append(slug)
        for reason, slugs in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            lines += textwrap.wrap(
                f"{reason}: {', '.join(slugs)}",
                width=width,
                initial_indent="    - ",
                subsequent_indent="      ",
                break_on_hyphens=False,
            )
    return "\n".join(lines)


def link_summary(build: Build) -> str:
    """What `aigov build` prints about links: counts per scheme and every expected identifier that is missing."""
    return render_link_report(link_report(build.ontology, build.compilation, build.quads))


# -- ISO 3166-1 from pycountry ---------------------------------------------------------------------

ISO_SCHEME = "iso3166"
ZH_DOMAIN, ZH_LOCALE = "iso3166-1", "zh_CN"


def normalise(text: str) -> str:
    """Compare names without case, width or spacing differences.

    >>> normalise("  Viet  Nam "), normalise("ＵＳ")
    ('viet nam', 'us')
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


@dataclass
class CountryIndex:
    """Every name of every ISO 3166-1 country in pycountry, normalised -> {alpha_2: how the name was found}."""

    version: str
    names: dict[str, dict[str, str]]
    countries: dict[str, tuple[str, str]]  # alpha_2 -> (alpha_3, name)

    def lookup(self, label: str) -> dict[str, str]:
        return self.names.get(normalise(label), {})


def pycountry_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def country_names(country: Any, zh: Any) -> list[tuple[str, str]]:
    """(name, which name) of one pycountry country: English names, the inverted form, zh_CN translations."""
    out = []
    for attr in ("name", "official_name", "common_name"):
        value = getattr(country, attr, None)
        if not value:
            continue
        out.append((value, attr))
        inverted = re.fullmatch(r"(.+), (.+ of)", value)  # "Korea, Republic of" -> "Republic of Korea"
        if inverted:
            out.append((f"{inverted[2]} {inverted[1]}", f"{attr} inverted"))
        if zh is not None:
            translated = zh.gettext(value)
            if translated != value:
                out.append((translated, f"{ZH_LOCALE} {attr}"))
    return out


def country_index() -> CountryIndex:
    import gettext

    import pycountry

    try:
        zh = gettext.translation(ZH_DOMAIN, pycountry.LOCALES_DIR, languages=[ZH_LOCALE])
    except OSError:  # a pycountry without the Chinese catalogue: English names only
        zh = None
    names: dict[str, dict[str, str]] = defaultdict(dict)
    countries = {}
    for country in pycountry.countries:
        countries[country.alpha_2] = (country.alpha_3, country.name)
        for name, which in country_names(country, zh):
            names[normalise(name)].setdefault(country.alpha_2, f"{which} {name!r}")
    return CountryIndex(pycountry_version(), dict(names), countries)


@dataclass
class StateMatch:
    slug: str
    labels: list[tuple[str, str]]  # (label, kind: "en label" | "zh label" | "alt label")
    codes: dict[str, list[str]]  # alpha_2 -> evidence ("en label 'China' = name 'China'")


def state_labels(ontology: Graph, compilation: Compilation) -> dict[str, list[tuple[str, str]]]:
    """The labels of every State entity (and subclass), from the compiled entities graph."""
    classes = entity_classes(ontology, compilation)
    states = {slug for slug, sup in classes.items() if AIGOV.State in sup}
    labels: dict[str, list[tuple[str, str]]] = {slug: [] for slug in sorted(states)}
    for s, p, o, g in compilation.quads:
        if g != ENTITIES_GRAPH or not isinstance(o, Literal) or p not in (RDFS.label, SKOS.altLabel):
            continue
        slug = str(s)[len(str(ID)) :]
        if slug in labels:
            kind = f"{o.language} label" if p == RDFS.label else "alt label"
            labels[slug].append((str(o), kind))
    return labels


def match_states(labels: dict[str, list[tuple[str, str]]], index: CountryIndex) -> list[StateMatch]:
    matches = []
    for slug, entity_labels in labels.items():
        codes: dict[str, list[str]] = defaultdict(list)
        for label, kind in entity_labels:
            for code, how in index.lookup(label).items():
                codes[code].append(f"{kind} {label!r} = {how}")
        matches.append(StateMatch(slug, entity_labels, dict(codes)))
    return matches


def iso3166_yaml(matches: Sequence[StateMatch], index: CountryIndex) -> str:
    """The text of instances/links/iso3166.yaml: one link per State matched to exactly one country."""
    version = index.version
    q = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731  (a JSON string is a YAML double-quoted scalar)
    lines = [
        "# ISO 3166-1 codes of the State entities. Generated by `aigov links iso3166 --write`: do not edit by hand.",
        "# Each State's labels (zh, en, alt) were looked up among the names, official names and common names of",
        "# pycountry's ISO 3166-1 countries and their zh_CN translations; a State is linked only when its labels",
        "# name exactly one country. The others are listed under `unlinked:` with the reason.",
        "source:",
        f"  title: {q(f'ISO 3166-1 as shipped by pycountry {version} (from Debian iso-codes)')}",
        f"  version: {q(version)}",
        f"  url: https://pypi.org/project/pycountry/{version}/",
        "  description: "
        + q("ISO 3166-1 country codes and names from Debian's iso-codes, with translations, as packaged by pycountry."),
        "links:",
    ]
    unlinked = []
    for m in matches:
        if len(m.codes) == 1:
            ((code, evidence),) = m.codes.items()
            alpha_3, name = index.countries[code]
            verified = f"pycountry {version}: alpha_2 {code}, alpha_3 {alpha_3}, name {name!r}; " + "; ".join(evidence)
            lines += [
                f"  {m.slug}:",
                f"    iso3166Alpha2: {q(code)}",
                f"    iso3166Alpha3: {q(alpha_3)}",
                f"    verified: {q(verified)}",
            ]
        elif not m.codes:
            labels = ", ".join(repr(label) for label, _ in m.labels)
            unlinked.append((m.slug, f"no ISO 3166-1 country in pycountry {version} has a name equal to a label ({labels})"))
        else:
            found = "; ".join(f"{code}: {', '.join(ev)}" for code, ev in sorted(m.codes.items()))
            unlinked.append((m.slug, f"ambiguous: the labels name {len(m.codes)} countries ({found})"))
    if not any(len(m.codes) == 1 for m in matches):
        lines[-1] = "links: {}"
    lines.append("unlinked:" + ("" if unlinked else " {}"))
    lines += [f"  {slug}: {q(reason)}" for slug, reason in unlinked]
    return "\n".join(lines) + "\n"


def links_file(scheme: str) -> Path:
    return data_dir("instances") / "links" / f"{scheme}.yaml"


def compile_for_links(exclude: set[str]) -> tuple[OntologyIndex, Compilation]:
    """The ontology and the shipped instances compiled without the links files of the ``exclude`` schemes
    (a links file being regenerated is not read)."""
    from .compiler import Compiler, instance_files
    from .errors import SourceError
    from .ontology import OntologyIndex

    onto = OntologyIndex.load()
    root = data_dir("instances")
    paths = [p for p in instance_files(root) if not ("links" in p.relative_to(root).parts[:1] and p.stem in exclude)]
    compilation = Compiler(onto, require_offsets=False).compile(paths)
    if compilation.errors:
        raise SourceError(compilation.errors[0].location, f"the instances do not compile: {compilation.errors[0].message}")
    return onto, compilation


def generate_iso3166() -> tuple[str, list[StateMatch], str]:
    """(YAML text, matches, pycountry version) for the State entities of the shipped instances."""
    onto, compilation = compile_for_links(exclude={ISO_SCHEME})
    index = country_index()
    matches = match_states(state_labels(onto.graph, compilation), index)
    return iso3166_yaml(matches, index), matches, index.version


def main(argv: Sequence[str] | None = None, prog: str = "aigov links") -> int:
    p = argparse.ArgumentParser(prog=prog, description="Generate a links file of verified external identifiers.")
    add_arguments(p)
    return run(p.parse_args(argv))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scheme",
        choices=[ISO_SCHEME, "wikidata"],
        help="iso3166: ISO 3166-1 alpha-2/alpha-3 codes of the State entities (from pycountry); "
        "wikidata: Wikidata QIDs (from country-coder and name-suggestion-index, fetched from the npm registry)",
    )
    p.add_argument(
        "--write", action="store_true", help="write instances/links/<scheme>.yaml (default: print what would be linked)"
    )


def run(args: argparse.Namespace) -> int:
    text = run_iso3166() if args.scheme == ISO_SCHEME else run_wikidata()
    if args.write:
        path = links_file(args.scheme)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


def run_iso3166() -> str:
    text, matches, version = generate_iso3166()
    for m in matches:
        if len(m.codes) == 1:
            code, evidence = next(iter(m.codes.items()))
            print(f"  linked    {m.slug:<24} {code}  {'; '.join(evidence)}")
    for m in matches:
        if len(m.codes) != 1:
            why = "ambiguous: " + ", ".join(sorted(m.codes)) if m.codes else "no country has one of its labels"
            print(f"  unlinked  {m.slug:<24} {why}")
    linked = sum(1 for m in matches if len(m.codes) == 1)
    print(f"{linked} of {len(matches)} State entities linked to ISO 3166-1 (pycountry {version})")
    return text


def run_wikidata() -> str:
    from .wikidata_links import generate

    text, decisions = generate()
    for d in sorted(decisions, key=lambda d: (d.qid is None, d.slug)):
        print(f"  {'linked' if d.qid else 'unlinked':<9} {d.slug:<32} {d.qid or '':<10} {d.why}")
    print(f"{sum(1 for d in decisions if d.qid)} entities linked to Wikidata, {sum(1 for d in decisions if not d.qid)} not")
    return text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
