"""Result formats of the SPARQL protocol: content negotiation and serialisation.

SELECT solutions are serialised here rather than by pyoxigraph so that the endpoint can stop reading
them at its row limit (pyoxigraph serialises a whole iterator or nothing); ASK and graph results use
pyoxigraph's serialisers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
# Graph formats that carry no graph name: what CONSTRUCT/DESCRIBE results are offered as first.
TRIPLE_FORMATS = {k: v for k, v in GRAPH_FORMATS.items() if k not in ("application/trig", "application/n-quads")}
FORMAT_ALIASES = {  # ?format= shortcuts (YASGUI, browsers, curl users)
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "trig": "application/trig",
    "nquads": "application/n-quads",
}


def accept_for_format(fmt: str) -> str:
    """The Accept value a ``format`` parameter stands for (a shortcut name or a media type).

    >>> accept_for_format("csv")
    'text/csv'
    """
    if fmt.lower() in FORMAT_ALIASES:
        return FORMAT_ALIASES[fmt.lower()]
    if "/" in fmt:
        return fmt
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMAT_ALIASES)} or a media type")


def _specificity(media_range: str, offer: str) -> int:
    """How closely ``media_range`` matches ``offer``: 2 exactly, 1 ``type/*``, 0 ``*/*``, -1 not at all."""
    if media_range == offer:
        return 2
    if media_range.endswith("/*") and offer.startswith(media_range[:-1]):
        return 1
    return 0 if media_range == "*/*" else -1


def negotiate(accept: str, offered: Mapping[str, object]) -> str | None:
    """The offered media type the Accept header rates highest (ties: the first offered), or None.

    >>> negotiate("", RESULT_FORMATS)
    'application/sparql-results+json'
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_FORMATS)
    'application/sparql-results+xml'
    >>> negotiate("text/*, text/csv;q=0", RESULT_FORMATS)
    'text/tab-separated-values'
    >>> negotiate("image/png", GRAPH_FORMATS) is None
    True
    """
    if not accept.strip():
        return next(iter(offered))
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *params = (field.strip().lower() for field in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media, q))
    best, best_q = None, 0.0
    for offer in offered:
        # The most specific range matching the offer sets its quality.
        matches = [(spec, q) for media, q in ranges if (spec := _specificity(media, offer)) >= 0]
        if matches and (q := max(matches)[1]) > best_q:
            best, best_q = offer, q
    return best


# ------------------------------------------------------------------------------ SELECT solutions

Row = Sequence[object | None]


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
        }
    raise TypeError(f"not an RDF term: {term!r}")


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        parts = "".join(f"<{k}>{_xml_term(getattr(term, k))}</{k}>" for k in ("subject", "predicate", "object"))
        return f"<triple>{parts}</triple>"
    raise TypeError(f"not an RDF term: {term!r}")


def _csv_value(term: object | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def serialize_solutions(variables: Sequence[str], rows: Iterable[Row], media: str) -> bytes:
    """SELECT results in the SPARQL 1.1 JSON, XML, CSV or TSV results format."""
    fmt = RESULT_FORMATS[media]
    if fmt == ox.QueryResultsFormat.JSON:
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    if fmt == ox.QueryResultsFormat.XML:
        out = io.StringIO()
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        out.write("".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        out.write("</head><results>")
        for row in rows:
            out.write("<result>")
            for v, t in zip(variables, row, strict=True):
                if t is not None:
                    out.write(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.write("</result>")
        out.write("</results></sparql>\n")
        return out.getvalue().encode()
    if fmt == ox.QueryResultsFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
        return out.getvalue().encode()
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def serialize_boolean(value: bool, media: str) -> bytes:
    fmt = RESULT_FORMATS[media]
    if fmt == ox.QueryResultsFormat.JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == ox.QueryResultsFormat.XML:
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    return ("true\n" if value else "false\n").encode()


def serialize_graph(statements: Iterable[ox.Triple] | Iterable[ox.Quad], media: str) -> bytes:
    return ox.serialize(statements, format=GRAPH_FORMATS[media], prefixes=PREFIXES) or b""
