"""Result formats of the SPARQL protocol: content negotiation and serialisation.

pyoxigraph serialises every result. SELECT solutions go through a writer that counts the rows in the
bytes as they come (an exact rule per format), so that the endpoint can stop at its row limit without
materialising the solutions in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, cast

import pyoxigraph as ox

from .namespaces import PREFIXES

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


class TooManyRows(Exception):
    """More solutions than the row limit: raised while serialising, as soon as the limit is passed."""


class _RowCounter:
    """Counts the rows of one results format as its bytes arrive, in chunks cut anywhere.

    ``rows`` counts the rows seen so far in the bytes fed (begun, in JSON and XML; ended, in CSV and
    TSV): never more than the result has, and all of them once the last byte is fed. Each format has one
    exact rule, which holds whatever the literals contain (see the subclasses).
    """

    rows = 0

    def feed(self, chunk: bytes) -> None:
        raise NotImplementedError


class _XmlRows(_RowCounter):
    """One ``<result>`` tag per row: a ``<`` in a value is always written ``&lt;``, so the tag never
    occurs inside one. The last 7 bytes are carried over, for a tag cut between two chunks."""

    TAG = b"<result>"

    def __init__(self) -> None:
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        data = self.tail + chunk
        self.rows += data.count(self.TAG)
        self.tail = data[-(len(self.TAG) - 1) :]


class _TsvRows(_RowCounter):
    """One line feed per line, the header's included: TSV writes literals in N-Triples syntax, where
    line breaks are escaped."""

    def __init__(self) -> None:
        self.lines = 0

    def feed(self, chunk: bytes) -> None:
        self.lines += chunk.count(b"\n")
        self.rows = max(0, self.lines - 1)


class _CsvRows(_RowCounter):
    """One line feed per line outside quotes, the header's included. A value holding a quote, comma or line break
    is quoted, and its quotes are doubled: a byte is inside a quoted value exactly when an odd number
    of ``"`` precede it, so the count of quotes so far is all the state there is."""

    def __init__(self) -> None:
        self.lines = 0
        self.quoted = False

    def feed(self, chunk: bytes) -> None:
        parts = chunk.split(b'"')
        self.lines += b"".join(parts[1 if self.quoted else 0 :: 2]).count(b"\n")
        self.quoted ^= bool((len(parts) - 1) % 2)
        self.rows = max(0, self.lines - 1)


class _JsonRows(_RowCounter):
    r"""One ``[{`` or ``,{`` per row in the text outside JSON strings (the first row opens the bindings
    array, each later one follows a comma; every other object is a member value, after a colon).

    To find what is outside strings, escapes are removed first: backslashes occur only inside strings,
    a run of them pairs off from its start (``\\`` is one escaped backslash), and after the pairs are
    gone ``\"`` is an escaped quote; every ``"`` left delimits a string. An escape cut between two chunks
    (a lone backslash at the end of one) drops the first byte of the next.
    """

    def __init__(self) -> None:
        self.in_string = False
        self.escape = False  # the next byte is escaped by a backslash that ended the previous chunk
        self.last = b""  # the last byte outside strings so far

    def feed(self, chunk: bytes) -> None:
        if not chunk:  # nothing to consume a pending escape with
            return
        if self.escape:
            chunk, self.escape = chunk[1:], False
        chunk = chunk.replace(b"\\\\", b"").replace(b'\\"', b"")
        if chunk.endswith(b"\\"):
            chunk, self.escape = chunk[:-1], True
        parts = chunk.split(b'"')
        outside = self.last + b"".join(parts[1 if self.in_string else 0 :: 2])
        self.in_string ^= bool((len(parts) - 1) % 2)
        self.rows += outside.count(b"[{") + outside.count(b",{")
        self.last = outside[-1:]


_COUNTERS: dict[ox.QueryResultsFormat, type[_RowCounter]] = {
    ox.QueryResultsFormat.JSON: _JsonRows,
    ox.QueryResultsFormat.XML: _XmlRows,
    ox.QueryResultsFormat.CSV: _CsvRows,
    ox.QueryResultsFormat.TSV: _TsvRows,
}


def count_rows(body: bytes, media: str) -> int:
    """The rows of a whole SELECT result as pyoxigraph serialises it in ``media``.

    >>> body = b'{"head":{"vars":["x"]},"results":{"bindings":[{},{"x":{"type":"literal","value":",{"}}]}}'
    >>> count_rows(body, "application/json")
    2
    """
    counter = _COUNTERS[RESULT_FORMATS[media]]()
    counter.feed(body)
    return counter.rows


# A byte found at least once in every row of a format: counting it bounds the rows from above at the
# cost of one fast scan (each row holds one object, one <result> tag, one line).
_BOUNDS: dict[ox.QueryResultsFormat, bytes] = {
    ox.QueryResultsFormat.JSON: b"{",
    ox.QueryResultsFormat.XML: b"<",
    ox.QueryResultsFormat.CSV: b"\n",
    ox.QueryResultsFormat.TSV: b"\n",
}


class _CappedBuffer:
    """A binary writer for pyoxigraph's serialisers that keeps what it is given and raises TooManyRows
    as soon as the rows written pass ``max_rows``, so a huge result never sits whole in memory.

    While a cheap upper bound of the rows (``_BOUNDS``) stays within the limit, nothing more is needed;
    once it passes the limit, the exact count takes over, from the first byte.
    """

    def __init__(self, fmt: ox.QueryResultsFormat, max_rows: int):
        self.fmt, self.max_rows = fmt, max_rows
        self.chunks: list[bytes] = []
        self.bound = 0
        self.exact: _RowCounter | None = None

    def write(self, chunk: bytes) -> int:
        self.chunks.append(chunk)
        if self.exact is None:
            self.bound += chunk.count(_BOUNDS[self.fmt])
            if self.bound <= self.max_rows:
                return len(chunk)
            self.exact = _COUNTERS[self.fmt]()
            for seen in self.chunks:
                self.exact.feed(seen)
        else:
            self.exact.feed(chunk)
        if self.exact.rows > self.max_rows:
            raise TooManyRows
        return len(chunk)

    def flush(self) -> None:
        pass


def serialize_solutions(solutions: ox.QuerySolutions, media: str, max_rows: int) -> bytes:
    """SELECT results in the SPARQL 1.1 JSON, XML, CSV or TSV results format, serialised by pyoxigraph.

    Raises TooManyRows when there are more than ``max_rows`` solutions.
    """
    buffer = _CappedBuffer(RESULT_FORMATS[media], max_rows)
    solutions.serialize(cast(IO[bytes], buffer), format=RESULT_FORMATS[media])  # it needs write and flush only
    return b"".join(buffer.chunks)


def serialize_boolean(value: ox.QueryBoolean, media: str) -> bytes:
    return value.serialize(format=RESULT_FORMATS[media]) or b""


def serialize_graph(statements: Iterable[ox.Triple] | Iterable[ox.Quad], media: str) -> bytes:
    return ox.serialize(statements, format=GRAPH_FORMATS[media], prefixes=PREFIXES) or b""
