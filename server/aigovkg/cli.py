"""The ``aigov`` command line.

Exit codes (for CI): 0 success; 1 the data has violations (or a source file does not parse);
2 the command was used wrongly or something it needs is missing (no corpus, no Java).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .corpus import Corpus
from .errors import SourceError
from .reasoner import ReasonerUnavailable

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    started = time.perf_counter()

    def say(message: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    return say


def _corpus(arg: str | None, required: bool) -> Corpus | None:
    from .paths import default_corpus_dir

    root = Path(arg) if arg else default_corpus_dir()
    if root is None:
        if required:
            raise UsageError("corpus folder not found: pass --corpus DIR, set AIGOV_CORPUS, or use --skip-evidence")
        return None
    if not root.is_dir():
        raise UsageError(f"corpus folder {root} does not exist")
    return Corpus(root)


def _print_violations(violations: Sequence[object]) -> None:
    for v in violations:
        print(v)


def cmd_build(args: argparse.Namespace) -> int:
    from .dataset import build
    from .export import serialize
    from .stats import compute, render

    corpus = _corpus(args.corpus, required=False)
    say = _progress(args.quiet)
    started = time.perf_counter()
    result = build(corpus=corpus, progress=say)
    elapsed = time.perf_counter() - started
    _print_violations(result.violations)
    if not result.quads:
        print(f"build failed: {len(result.violations)} source error(s)", file=sys.stderr)
        return EXIT_VIOLATIONS
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_bytes(serialize(result.quads, "nquads"))
        say(f"wrote {args.output}")
    stats = compute(result.quads)
    print(
        render(stats)
        if args.verbose
        else f"{stats.quads} quads in {len(stats.graphs)} graphs; "
        f"{stats.entities} entities; {sum(p.total_claims for p in stats.papers)} claims "
        f"from {len(stats.papers)} paper(s)"
    )
    from .links import link_summary

    print(link_summary(result))
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    print(f"built in {elapsed:.1f}s ({steps})")
    if corpus is None:
        print("warning: evidence NOT checked: corpus folder not found (pass --corpus DIR)", file=sys.stderr)
    if result.violations:
        print(f"{len(result.violations)} violation(s)", file=sys.stderr)
        return EXIT_VIOLATIONS
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit 0 valid, 1 violations, 2 usage, whatever the --format; the report goes to stdout or --output."""
    from .reporting import render, run_validation, summary

    for path in args.paths:
        if not Path(path).exists():
            raise UsageError(f"{path}: no such file or folder")
    corpus = None if args.skip_evidence else _corpus(args.corpus, required=True)
    say = _progress(args.quiet)
    outcome = run_validation([Path(p) for p in args.paths], corpus=corpus, reasoning=not args.no_reason, progress=say)
    report = render(outcome, args.format)
    if args.output:
        try:
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            Path(args.output).write_bytes(report)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        say(f"wrote the {args.format} report to {args.output}")
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(report)
        sys.stdout.flush()
    if outcome.violations or args.output or args.format != "text":
        print(summary(outcome), file=sys.stderr)  # the text report on stdout ends with the "valid" line itself
    return EXIT_VIOLATIONS if outcome.violations else EXIT_OK


def _built_quads(args: argparse.Namespace) -> list:  # type: ignore[type-arg]
    from .dataset import build

    result = build(shapes=False, progress=_progress(args.quiet))
    if not result.quads:
        _print_violations(result.violations)
        raise SourceError("<sources>", f"{len(result.violations)} source error(s); run `aigov validate` for details")
    return result.quads


def cmd_export(args: argparse.Namespace) -> int:
    from .export import serialize

    data = serialize(_built_quads(args), args.format)
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from .stats import compute, render

    print(render(compute(_built_quads(args))))
    return EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    from .dataset import build
    from .release import ReleaseError, check_issued, check_version, verify_release, write_release

    try:  # a bad version or date fails before the build, not after it
        version = check_version(args.release_version or __version__)
        issued = check_issued(args.issued) if args.issued else None
        folder = Path(args.output) / f"aigov-kg-{version}"
        if folder.exists() and not args.force:
            raise ReleaseError(f"{folder} exists: remove it or pass --force to replace it")
    except ReleaseError as exc:
        raise UsageError(str(exc)) from None
    corpus = _corpus(args.corpus, required=False)
    say = _progress(args.quiet)
    result = build(corpus=corpus, progress=say)  # a release is checked: shapes, reasoner, evidence (when the corpus is there)
    _print_violations(result.violations)
    if not result.quads or result.violations:
        print(f"release refused: {len(result.violations)} violation(s); run `aigov validate`", file=sys.stderr)
        return EXIT_VIOLATIONS
    if corpus is None:
        print("warning: evidence NOT checked: corpus folder not found (pass --corpus DIR)", file=sys.stderr)
    try:
        release = write_release(result.quads, Path(args.output), version, issued, force=args.force)
    except ReleaseError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write the release into {args.output}: {exc.strerror or exc}") from None
    say(f"wrote {release.folder}")
    problems = verify_release(release.folder)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{release.folder}: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_VIOLATIONS
    total = sum(release.files.values())
    print(f"released {release.folder}: {len(release.files)} files, {total} bytes, checksums and metadata verified")
    return EXIT_OK


def cmd_anchor(args: argparse.Namespace) -> int:
    from .anchor import anchor_file
    from .compiler import Compiler
    from .ontology import OntologyIndex
    from .paths import data_dir

    corpus = _corpus(args.corpus, required=True)
    assert corpus is not None
    compilation = Compiler(OntologyIndex.load(), require_offsets=False).compile([data_dir("instances") / "sources.yaml"])
    papers = {k: (p.file, p.first_line, p.last_line) for k, p in compilation.papers.items()}
    failed = 0
    for path in args.paths:
        try:
            res = anchor_file(Path(path), corpus, papers)
            print(f"{path}: {res.changed} passage(s) anchored, {res.unchanged} already exact")
        except SourceError as exc:
            print(exc)
            failed += 1
    return EXIT_VIOLATIONS if failed else EXIT_OK


def cmd_links(args: argparse.Namespace) -> int:
    from .links import run

    try:
        return run(args)
    except ModuleNotFoundError as exc:
        raise UsageError(f"{exc.name} is needed to verify the links: pip install {exc.name}") from None


def cmd_docs(args: argparse.Namespace) -> int:
    from .ontodocs import write_docs

    for path in args.paths:
        if not Path(path).is_file():
            raise UsageError(f"{path}: no such file")
    try:
        result = write_docs(Path(args.output), [Path(p) for p in args.paths] or None)
    except OSError as exc:
        raise UsageError(f"cannot write the documentation into {args.output}: {exc.strerror or exc}") from None
    _print_violations(result.problems)
    print(result.summary())
    if result.problems:
        print(f"{len(result.problems)} problem(s) in the documentation", file=sys.stderr)
        return EXIT_VIOLATIONS
    return EXIT_OK


def service_aliases(values: Sequence[str], allowed: Sequence[str]) -> dict[str, str]:
    """``--service-alias IRI=URL`` values as a mapping. An IRI may itself hold ``=``: a value that starts
    with an allow-listed IRI and ``=`` is cut there, any other at its first ``=``.

    >>> service_aliases(["https://query.wikidata.org/sparql=http://127.0.0.1:7001/sparql"], [])
    {'https://query.wikidata.org/sparql': 'http://127.0.0.1:7001/sparql'}
    >>> service_aliases(["http://a/sparql?x=1=http://b/"], ["http://a/sparql?x=1"])
    {'http://a/sparql?x=1': 'http://b/'}
    """
    aliases: dict[str, str] = {}
    for value in values:
        iri = next((a for a in sorted(allowed, key=len, reverse=True) if value.startswith(a + "=")), None)
        if iri is None:
            iri, sep, _ = value.partition("=")
            if not sep or not iri:
                raise UsageError(
                    f"--service-alias {value}: expected IRI=URL, e.g. https://query.wikidata.org/sparql=http://localhost:7001/sparql"
                )
        url = value[len(iri) + 1 :]
        if iri in aliases and aliases[iri] != url:
            raise UsageError(f"--service-alias: two aliases for {iri} ({aliases[iri]} and {url})")
        aliases[iri] = url
    return aliases


def serve_settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The endpoint's limits from the command line (and AIGOV_UPDATE_TOKEN)."""
    import os

    from .protocol import Limits

    token = args.update_token or os.environ.get("AIGOV_UPDATE_TOKEN") or None
    local = args.host in ("127.0.0.1", "localhost", "::1")
    if args.allow_update and not local and token is None:
        raise UsageError(
            f"--allow-update on {args.host} (beyond localhost) needs a bearer token: "
            "pass --update-token or set AIGOV_UPDATE_TOKEN"
        )
    for name in ("timeout", "max_rows", "max_body", "workers"):
        if getattr(args, name) <= 0:
            raise UsageError(f"--{name.replace('_', '-')} must be positive")
    try:
        return Limits(
            allow_update=args.allow_update,
            update_token=token,
            service_allowlist=frozenset(args.service_allow),
            service_aliases=service_aliases(args.service_alias, args.service_allow),
            max_body_bytes=args.max_body,
            max_rows=args.max_rows,
            timeout=args.timeout,
        )
    except ValueError as exc:  # an alias the allow-list does not cover, or not an http(s) URL
        raise UsageError(str(exc)) from None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app
    from .engine import ProcessEngine
    from .rdfterms import to_ox_quads

    say = _progress(args.quiet)
    limits = serve_settings(args)
    if args.empty:
        quads = []
    elif args.dataset:
        from .dataset import parse_rdf_file

        quads = to_ox_quads(parse_rdf_file(Path(args.dataset)))
    else:
        quads = to_ox_quads(_built_quads(args))
    engine = ProcessEngine(quads, writable=args.allow_update, workers=args.workers, timeout=args.timeout)
    app = create_app(engine, limits, quads=quads, cors_origins=args.cors_origin or ["*"])
    mode = "read-write" if args.allow_update else "read-only"
    say(f"serving {len(engine)} quads ({mode}) at http://{args.host}:{args.port}/sparql")
    for iri, url in limits.service_aliases.items():
        say(f"SERVICE <{iri}> calls go to {url}")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="aigov", description="AIGov KG: build, validate, export and serve the knowledge graph of global AI governance."
    )
    p.add_argument("--version", action="version", version=f"aigov {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, fn) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        sp = sub.add_parser(name, help=help_text, description=help_text)
        sp.set_defaults(fn=fn)
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
        return sp

    b = add("build", "Parse ontology and instances, reason (HermiT), validate (SHACL + evidence) and report counts.", cmd_build)
    b.add_argument(
        "--corpus", metavar="DIR", help="corpus folder for the evidence check (default: $AIGOV_CORPUS or ../shared/corpus)"
    )
    b.add_argument("-o", "--output", metavar="FILE", help="also write the dataset as N-Quads to FILE")
    b.add_argument("-v", "--verbose", action="store_true", help="print the full statistics")

    v = add(
        "validate",
        "Run the SHACL shapes, the reasoner and the evidence check; print every violation; exit 1 on any.",
        cmd_validate,
    )
    v.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="instance files or folders (.yaml, .ttl, .trig, .nq, .nt, .jsonld) checked with the shipped data; "
        "default: the shipped instances",
    )
    v.add_argument(
        "--corpus", metavar="DIR", help="corpus folder the evidence points into (default: $AIGOV_CORPUS or ../shared/corpus)"
    )
    v.add_argument("--skip-evidence", action="store_true", help="do not check quotes against the corpus")
    v.add_argument("--no-reason", action="store_true", help="skip the HermiT consistency check (no Java needed)")
    v.add_argument(
        "--format",
        choices=["text", "json", "junit", "shacl"],
        default="text",
        help="report format: text (default), json, junit (JUnit XML) or shacl (the SHACL validation report, Turtle)",
    )
    v.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE (default: standard output)")

    e = add("export", "Write the whole dataset: N-Quads or TriG (all named graphs), Turtle or JSON-LD (their union).", cmd_export)
    e.add_argument("--format", required=True, choices=["nquads", "trig", "turtle", "jsonld"])
    e.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")

    add("stats", "Print counts per paper, per class and per property.", cmd_stats)

    r = add(
        "release",
        "Write a versioned release folder: the dataset (N-Quads, TriG, Turtle, JSON-LD), JSON-LD context, ontology, "
        "shapes, SHA256SUMS and DCAT/VoID metadata; byte-identical on every run.",
        cmd_release,
    )
    r.add_argument("-o", "--output", metavar="DIR", default="dist", help="where to create aigov-kg-<version>/ (default: dist)")
    r.add_argument("--version", dest="release_version", metavar="V", help=f"release version (default: {__version__})")
    r.add_argument(
        "--issued", metavar="YYYY-MM-DD", help="issue date (default: the ontology's dcterms:modified, else dcterms:created)"
    )
    r.add_argument("--force", action="store_true", help="replace an existing release folder of the same version")
    r.add_argument(
        "--corpus", metavar="DIR", help="corpus folder for the evidence check (default: $AIGOV_CORPUS or ../shared/corpus)"
    )

    a = add("anchor", "Make passage quotes verbatim and fill in their character offsets (authoring aid).", cmd_anchor)
    a.add_argument("paths", nargs="+", metavar="FILE", help="paper files (instances/papers/*.yaml)")
    a.add_argument("--corpus", metavar="DIR", help="corpus folder (default: $AIGOV_CORPUS or ../shared/corpus)")

    from .links import add_arguments as links_arguments

    links_arguments(add("links", "Generate instances/links/<scheme>.yaml: external identifiers, each verified.", cmd_links))

    d = add("docs", "Write the ontology's HTML documentation (zh and en, SVG diagrams) and check that it is complete.", cmd_docs)
    d.add_argument("paths", nargs="*", metavar="FILE", help="ontology Turtle files (default: the shipped ontology/*.ttl)")
    d.add_argument("-o", "--output", metavar="DIR", default="build/docs", help="output folder (default: build/docs)")

    s = add("serve", "Serve the graph over SPARQL at http://HOST:PORT/sparql from an embedded store.", cmd_serve)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--dataset", metavar="FILE", help="serve this N-Quads/TriG file instead of building")
    s.add_argument("--empty", action="store_true", help="start with an empty store (for conformance tests)")
    s.add_argument("--allow-update", action="store_true", help="accept SPARQL Update (off by default)")
    s.add_argument("--update-token", metavar="TOKEN", help="bearer token updates must carry (required beyond localhost)")
    s.add_argument("--workers", type=int, default=2, help="query worker processes (read-only; default 2)")
    s.add_argument("--timeout", type=float, default=30.0, help="seconds before a query is stopped (default 30)")
    s.add_argument("--max-rows", type=int, default=100_000, help="most result rows or triples (default 100000)")
    s.add_argument("--max-body", type=int, default=1_000_000, help="largest request body in bytes (default 1000000)")
    s.add_argument(
        "--service-allow", action="append", default=[], metavar="IRI", help="SPARQL endpoint SERVICE may call (repeatable)"
    )
    s.add_argument(
        "--service-alias",
        action="append",
        default=[],
        metavar="IRI=URL",
        help="send SERVICE calls to the allow-listed IRI to URL instead, e.g. a Wikidata mirror or QLever (repeatable)",
    )
    s.add_argument("--cors-origin", action="append", metavar="ORIGIN", help="origin allowed by CORS (repeatable; default *)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except UsageError as exc:
        print(f"aigov {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return EXIT_VIOLATIONS
    except ReasonerUnavailable as exc:
        print(
            f"aigov {args.command}: error: cannot reason: {exc} (install Java 17, or pass --no-reason to validate)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
