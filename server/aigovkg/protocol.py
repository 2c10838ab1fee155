"""The SPARQL 1.1 Protocol: turn an HTTP request into one query or update job, or a precise 4xx.

Rules (https://www.w3.org/TR/sparql11-protocol/):

* a query comes by GET (``?query=``), by POST of a form (``application/x-www-form-urlencoded``,
  field ``query``) or by POST of the query itself (``application/sparql-query``); an update only by
  POST (form field ``update``, or ``application/sparql-update``);
* exactly one ``query`` or ``update``; bodies are UTF-8;
* ``default-graph-uri`` / ``named-graph-uri`` give a query's dataset and override its FROM / FROM
  NAMED; ``using-graph-uri`` / ``using-named-graph-uri`` give an update's, and conflict with its own
  USING / WITH;
* federated ``SERVICE`` calls only to endpoints on the configured allow-list; a call to an allowed
  IRI that has an alias (``aigov serve --service-alias IRI=URL``: a mirror, a local stand-in) is sent
  to the alias URL. The check reads the IRI the query names, never the alias.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .engine import Job, Outcome
from .results import accept_for_format
from .sparqltext import add_using, has_dataset_clause, rewrite_services, service_targets

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
QUERY_DATASET = ("default-graph-uri", "named-graph-uri")
UPDATE_DATASET = ("using-graph-uri", "using-named-graph-uri")


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Limits:
    """What the endpoint accepts and allows.

    ``service_aliases`` maps an allow-listed SERVICE IRI to the URL its calls are sent to. An alias for an
    IRI that is not on the allow-list, or to a URL that is not http(s), is refused here (ValueError), so a
    server never starts with an alias no query may use.

    >>> Limits(service_aliases={"https://query.wikidata.org/sparql": "http://127.0.0.1:7001/sparql"})
    Traceback (most recent call last):
    ...
    ValueError: --service-alias https://query.wikidata.org/sparql=...: the IRI is not on the SERVICE allow-list; ...
    """

    allow_update: bool = False
    update_token: str | None = None
    service_allowlist: frozenset[str] = frozenset()
    service_aliases: Mapping[str, str] = field(default_factory=dict, hash=False)
    max_body_bytes: int = 1_000_000
    max_rows: int = 100_000
    timeout: float = 30.0

    def __post_init__(self) -> None:
        for iri, url in self.service_aliases.items():
            if iri not in self.service_allowlist:
                allowed = ", ".join(sorted(self.service_allowlist)) or "none"
                raise ValueError(
                    f"--service-alias {iri}={url}: the IRI is not on the SERVICE allow-list; "
                    f"add --service-allow {iri} (allowed: {allowed})"
                )
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"--service-alias {iri}={url}: the alias must be an http:// or https:// URL")
            try:
                ox.NamedNode(url)
            except ValueError:
                raise ValueError(f"--service-alias {iri}={url}: the alias is not a valid IRI") from None


@dataclass
class Request:
    """The parts of an HTTP request the protocol looks at."""

    method: str
    params: dict[str, list[str]]  # URL query parameters
    content_type: str | None = None  # full header value
    body: bytes = b""
    accept: str = ""
    authorization: str | None = None
    base_iri: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def parse_params(query_string: str) -> dict[str, list[str]]:
    try:
        return parse_qs(query_string, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the URL's query string is not valid UTF-8 after percent-decoding") from None


def _media_and_charset(content_type: str) -> tuple[str, str | None]:
    media, *params = (part.strip() for part in content_type.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(400, f"{len(values)} '{name}' parameters: send exactly one {name} per request")
    return values[0] if values else None


def _iris(params: Mapping[str, Sequence[str]], name: str) -> tuple[str, ...]:
    out = []
    for value in params.get(name, []):
        try:
            ox.NamedNode(value)
        except ValueError:
            raise ProtocolError(400, f"'{name}' must be an absolute IRI, got {value!r}") from None
        out.append(value)
    return tuple(out)


def is_protocol_operation(req: Request) -> bool:
    """Whether the request carries a query or an update (else a GET is a service description request)."""
    return req.method != "GET" or "query" in req.params or "update" in req.params


def parse(req: Request, limits: Limits) -> Job:
    """The job the request asks for. Raises ProtocolError with the status and message to answer."""
    if req.method == "GET":
        if "update" in req.params:
            raise ProtocolError(
                405,
                "an update must be sent by POST (form field 'update' or Content-Type application/sparql-update), not GET",
                {"Allow": "GET, POST"},
            )
        params = req.params
        operation, text = "query", _one(params, "query")
    elif req.method == "POST":
        if len(req.body) > limits.max_body_bytes:
            raise ProtocolError(
                413, f"request body of {len(req.body)} bytes exceeds this server's limit of {limits.max_body_bytes}"
            )
        if not req.content_type:
            raise ProtocolError(415, f"POST needs a Content-Type: {QUERY_TYPE}, {UPDATE_TYPE} or {FORM}")
        media, charset = _media_and_charset(req.content_type)
        if media not in (FORM, QUERY_TYPE, UPDATE_TYPE):
            raise ProtocolError(415, f"unsupported Content-Type {media!r}: POST {QUERY_TYPE}, {UPDATE_TYPE} or {FORM}")
        if charset not in (None, "utf-8", "utf8"):
            raise ProtocolError(415, f"charset {charset!r} is not supported: send the body as UTF-8")
        try:
            body = req.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, f"request body is not valid UTF-8 (byte {exc.start})") from None
        if media == FORM:
            try:
                form = parse_qs(body, keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise ProtocolError(400, "form field is not valid UTF-8 after percent-decoding") from None
            params = {k: req.params.get(k, []) + form.get(k, []) for k in set(req.params) | set(form)}
            if "query" in params and "update" in params:
                raise ProtocolError(400, "the form holds both 'query' and 'update': send one operation per request")
            operation = "update" if "update" in params else "query"
            text = _one(params, operation)
        else:
            params = req.params
            operation = "query" if media == QUERY_TYPE else "update"
            if "query" in params or "update" in params:
                raise ProtocolError(
                    400, f"a {media} body is the operation itself: do not also pass 'query' or 'update' in the URL"
                )
            text = body
    else:
        raise ProtocolError(
            405, f"method {req.method} is not allowed on the SPARQL endpoint: use GET or POST", {"Allow": "GET, POST"}
        )

    if text is None or not text.strip():
        raise ProtocolError(400, f"missing '{operation}': the request carries no SPARQL {operation}")
    text = route_services(text, limits)
    accept = req.accept
    fmt = _one(params, "format")
    if fmt:
        accept = format_accept(fmt)

    if operation == "query":
        for name in UPDATE_DATASET:
            if name in params:
                raise ProtocolError(
                    400, f"'{name}' applies to updates; a query's dataset is given by default-graph-uri and named-graph-uri"
                )
        default, named = _iris(params, "default-graph-uri"), _iris(params, "named-graph-uri")
        given = any(name in params for name in QUERY_DATASET)
        return Job(
            "query",
            text,
            accept=accept,
            default_graphs=default if given else None,
            named_graphs=named if given else None,
            base_iri=req.base_iri,
            max_rows=limits.max_rows,
        )

    _check_update_allowed(req, limits)
    for name in QUERY_DATASET:
        if name in params:
            raise ProtocolError(
                400, f"'{name}' applies to queries; an update's dataset is given by using-graph-uri and using-named-graph-uri"
            )
    using, using_named = _iris(params, "using-graph-uri"), _iris(params, "using-named-graph-uri")
    if using or using_named:
        if has_dataset_clause(text):
            raise ProtocolError(
                400,
                "dataset conflict: the update names its own dataset (USING or WITH) and the request also "
                "gives using-graph-uri/using-named-graph-uri; use one or the other",
            )
        text = add_using(text, list(using), list(using_named))
    return Job("update", text, accept=accept, base_iri=req.base_iri, max_rows=limits.max_rows)


def format_accept(fmt: str) -> str:
    try:
        return accept_for_format(fmt)
    except ValueError as exc:
        raise ProtocolError(400, str(exc)) from None


def _check_update_allowed(req: Request, limits: Limits) -> None:
    if not limits.allow_update:
        raise ProtocolError(403, "this endpoint is read-only: updates are refused (start the server with --allow-update)")
    if limits.update_token is not None:
        expected = f"Bearer {limits.update_token}"
        if req.authorization != expected:
            raise ProtocolError(
                401,
                "updates need the header 'Authorization: Bearer <token>' with this server's update token",
                {"WWW-Authenticate": 'Bearer realm="aigov-update"'},
            )


def route_services(text: str, limits: Limits) -> str:
    """Check every ``SERVICE`` call of ``text`` against the allow-list (ProtocolError 403 if one is not on
    it); return the text with the calls to aliased IRIs sent to their alias URLs.

    Applied to every query and update the protocol receives and to every canned query before it runs.
    """
    _check_services(text, limits)
    return rewrite_services(text, limits.service_aliases)


def explain_service_failure(outcome: Outcome, text: str) -> Outcome:
    """``outcome``, with a line naming the SERVICE endpoints ``text`` calls when it is a server error.

    pyoxigraph's own message for a failed SERVICE call ("Connection refused (os error 111)", "failed to
    lookup address information") does not say which endpoint failed. ``text`` is the query as written:
    the line names the IRIs it calls, never an alias URL.

    >>> failed = Outcome.error(500, "query evaluation failed: Connection refused (os error 111)")
    >>> print(explain_service_failure(failed, "SELECT * { SERVICE <http://a/sparql> { ?s ?p ?o } }").body.decode(), end="")
    query evaluation failed: Connection refused (os error 111)
    this query calls SERVICE <http://a/sparql>: the remote endpoint may be unreachable, slow or refusing; try again later
    """
    targets = sorted({t for t in service_targets(text) if t})
    if outcome.status < 500 or not targets:
        return outcome
    note = (
        f"this query calls SERVICE {', '.join(f'<{t}>' for t in targets)}: "
        "the remote endpoint may be unreachable, slow or refusing; try again later"
    )
    return Outcome(outcome.status, outcome.media_type, outcome.body.rstrip(b"\n") + b"\n" + note.encode() + b"\n")


def _check_services(text: str, limits: Limits) -> None:
    for target in service_targets(text):
        if target is None:
            raise ProtocolError(403, "SERVICE with a variable or unresolvable endpoint is refused: name an allowed endpoint IRI")
        if target not in limits.service_allowlist:
            allowed = ", ".join(sorted(limits.service_allowlist)) or "none"
            raise ProtocolError(
                403,
                f"SERVICE <{target}> is not on this server's allow-list (allowed: {allowed}); "
                "the server's operator can allow it with aigov serve --service-allow IRI",
            )
