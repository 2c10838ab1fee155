"""A small lexer for SPARQL text: what the endpoint must know before handing a request to the engine.

pyoxigraph parses and runs SPARQL but offers no hook to refuse or redirect a federated ``SERVICE``
call, or to give an update the protocol's ``using-graph-uri`` dataset. All three need the request's
tokens: the ``SERVICE`` targets (checked against the allow-list, and sent to an alias URL where the
server has one) and the top-level ``WHERE`` of each update operation (where the protocol's ``USING``
clauses go). Strings, IRIs and comments are skipped as tokens, so a brace or a keyword inside them
changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040\u00c0-\uffff]+)
  | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00c0-\uffff]*)?:(?:[\w\-\u00c0-\uffff:%.]*[\w\-\u00c0-\uffff:%])?)
  | (?P<word>[A-Za-z_][\w\-]*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # string, iri, var, pname, word, open, close, other
    text: str
    start: int
    depth: int  # brace depth the token stands at (an opening and its closing brace share it)


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``, without white space and comments.

    >>> [(t.kind, t.text, t.depth) for t in tokens('SELECT * { ?s <p#x> "}" } # }')][2:]
    [('open', '{', 0), ('var', '?s', 1), ('iri', '<p#x>', 1), ('string', '"}"', 1), ('close', '}', 0)]
    """
    out: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "close":
            depth = max(depth - 1, 0)
        out.append(Token(kind, match.group(), match.start(), depth))
        if kind == "open":
            depth += 1
    return out


def _prefixes(toks: list[Token]) -> dict[str, str]:
    found: dict[str, str] = {}
    for i, tok in enumerate(toks[:-2]):
        if tok.depth == 0 and tok.kind == "word" and tok.text.upper() == "PREFIX":
            name, iri = toks[i + 1], toks[i + 2]
            if name.kind == "pname" and iri.kind == "iri":
                found[name.text[:-1] if name.text.endswith(":") else name.text.split(":")[0]] = iri.text[1:-1]
    return found


def _may_call_services(text: str) -> bool:
    """False when the text cannot hold a ``SERVICE`` keyword: the lexer (0.1-0.4 ms per canned query) is then
    skipped. Keywords are case-insensitive; pyoxigraph refuses a keyword written with ``\\u`` escapes."""
    return "service" in text.casefold()


def _service_calls(toks: list[Token]) -> list[tuple[Token | None, str | None]]:
    """Each ``SERVICE`` call's target token and the IRI it names (None for a variable or an unknown prefix)."""
    prefixes = _prefixes(toks)
    calls: list[tuple[Token | None, str | None]] = []
    for i, tok in enumerate(toks):
        if tok.kind != "word" or tok.text.upper() != "SERVICE":
            continue
        j = i + 1
        if j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "SILENT":
            j += 1
        target = toks[j] if j < len(toks) else None
        if target is not None and target.kind == "iri":
            calls.append((target, target.text[1:-1]))
        elif target is not None and target.kind == "pname" and target.text.split(":", 1)[0] in prefixes:
            prefix, local = target.text.split(":", 1)
            calls.append((target, prefixes[prefix] + local))
        else:
            calls.append((target, None))
    return calls


def service_targets(text: str) -> list[str | None]:
    """The IRI of every ``SERVICE`` call in a query (None where it is a variable or cannot be resolved).

    >>> service_targets('PREFIX wd: <https://query.wikidata.org/> SELECT * { SERVICE SILENT wd:sparql { ?s ?p ?o } }')
    ['https://query.wikidata.org/sparql']
    >>> service_targets('SELECT * { SERVICE ?x { ?s ?p ?o } FILTER(?s = "SERVICE <http://a/>") }')
    [None]
    """
    if not _may_call_services(text):
        return []
    return [iri for _, iri in _service_calls(tokens(text))]


def rewrite_services(text: str, aliases: Mapping[str, str]) -> str:
    """``text`` with every ``SERVICE`` call to an IRI of ``aliases`` sent to that IRI's alias URL instead.

    Only the target token of a ``SERVICE`` call changes (a prefixed name becomes a full ``<IRI>``); the
    same IRI in a string, a comment, a triple pattern or a ``PREFIX`` declaration stays as written, and
    so does every other byte of the text.

    >>> rewrite_services('SELECT * { SERVICE <http://a/s> { ?x ?p "<http://a/s>" } } # <http://a/s>', {"http://a/s": "http://b/s"})
    'SELECT * { SERVICE <http://b/s> { ?x ?p "<http://a/s>" } } # <http://a/s>'
    >>> rewrite_services('PREFIX a: <http://a/> SELECT * { SERVICE SILENT a:s { ?x a:s ?o } }', {"http://a/s": "http://b/s"})
    'PREFIX a: <http://a/> SELECT * { SERVICE SILENT <http://b/s> { ?x a:s ?o } }'
    """
    if not aliases or not _may_call_services(text):
        return text
    out, last = [], 0
    for target, iri in _service_calls(tokens(text)):
        if target is None or iri is None or iri not in aliases:
            continue
        out.append(text[last : target.start])
        out.append(f"<{aliases[iri]}>")
        last = target.start + len(target.text)
    out.append(text[last:])
    return "".join(out)


def has_dataset_clause(update: str) -> bool:
    """Whether an update names its own dataset (``USING``, ``USING NAMED`` or ``WITH``) at the top level.

    >>> has_dataset_clause("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    True
    >>> has_dataset_clause('INSERT DATA { <s> <p> "USING" }')
    False
    """
    return any(t.depth == 0 and t.kind == "word" and t.text.upper() in ("USING", "WITH") for t in tokens(update))


def add_using(update: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """The update with ``USING``/``USING NAMED`` clauses before the ``WHERE`` of every DELETE/INSERT operation.

    This is how the protocol's ``using-graph-uri`` and ``using-named-graph-uri`` parameters apply
    (SPARQL 1.1 Protocol, 2.2.3); ``DELETE WHERE`` shorthand and ``*DATA`` operations take no dataset.

    >>> add_using("INSERT { ?s a <C> } WHERE { ?s ?p ?o }", ["http://g/"], [])
    'INSERT { ?s a <C> } USING <http://g/> WHERE { ?s ?p ?o }'
    >>> add_using("DELETE WHERE { ?s ?p ?o }", ["http://g/"], [])
    'DELETE WHERE { ?s ?p ?o }'
    """
    clause = " ".join([f"USING <{g}>" for g in default_graphs] + [f"USING NAMED <{g}>" for g in named_graphs])
    toks = tokens(update)
    cut_points: list[int] = []
    for i, tok in enumerate(toks):
        if tok.depth != 0 or tok.kind != "word" or tok.text.upper() != "WHERE":
            continue
        previous = toks[i - 1] if i else None
        if previous is not None and previous.kind == "word" and previous.text.upper() == "DELETE":
            continue  # DELETE WHERE shorthand
        cut_points.append(tok.start)
    out, last = [], 0
    for cut in cut_points:
        out.append(update[last:cut])
        out.append(clause + " ")
        last = cut
    out.append(update[last:])
    return "".join(out)
