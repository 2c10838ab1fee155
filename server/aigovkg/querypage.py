"""The query page at ``/``: a SPARQL editor, the canned queries as examples, results as a table.

Everything the page needs is served from ``static/`` (CodeMirror 5 is vendored there), so it works
with no internet access. The canned queries and the prefixes are embedded in the page as JSON.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from . import __version__
from .namespaces import PREFIXES
from .queries import CannedQuery

STATIC_DIR = Path(__file__).resolve().parent / "static"
STYLES = ("codemirror/codemirror.css", "querypage.css")
SCRIPTS = ("codemirror/codemirror.js", "codemirror/sparql.js", "codemirror/matchbrackets.js", "querypage.js")
DEFAULT_QUERY = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# The classes of the knowledge graph, with how many instances each has.
SELECT ?class ?label (COUNT(DISTINCT ?s) AS ?instances)
WHERE {
  ?s a ?class .
  OPTIONAL { ?class rdfs:label ?label FILTER (lang(?label) = "en") }
}
GROUP BY ?class ?label
ORDER BY DESC(?instances)
LIMIT 50
"""


def script_json(data: Any) -> str:
    """JSON for a ``<script type="application/json">`` block: nothing in it can end the block.

    >>> script_json({"q": "</script><!--"})
    '{"q": "\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@cache
def _asset_version(name: str) -> str:
    """A short hash of an asset's content, appended to its URL so that browsers never run a stale copy."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def _asset(root: str, name: str) -> str:
    return escape(f"{root}/static/{name}?v={_asset_version(name)}")


def _option(query: CannedQuery) -> str:
    return f'<option value="{escape(query.id)}">{escape(query.id)}: {escape(query.summary)}</option>'


def render_page(queries: dict[str, CannedQuery], root: str = "") -> str:
    """The HTML of the query page; ``root`` is the path the application is mounted at ('' at the root)."""
    config = {
        "root": root,
        "version": __version__,
        "defaultQuery": DEFAULT_QUERY,
        "prefixes": PREFIXES,
        "queries": [
            {
                "id": q.id,
                "summary": q.summary,
                "description": q.description,
                "parameters": [{"name": p.name, "type": p.kind, "default": p.default} for p in q.parameters],
                "text": q.text,
            }
            for q in queries.values()
        ],
    }
    styles = "\n".join(f'<link rel="stylesheet" href="{_asset(root, name)}">' for name in STYLES)
    scripts = "\n".join(f'<script src="{_asset(root, name)}" defer></script>' for name in SCRIPTS)
    options = "\n".join(_option(q) for q in queries.values())
    r = escape(root)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AIGov KG: SPARQL query</title>
<link rel="icon" href="data:,">
{styles}
{scripts}
</head>
<body>
<header>
<h1>AIGov KG <span class="sub">SPARQL query</span></h1>
<p>A knowledge graph of global AI governance built from Chinese scholarship.
Write a SPARQL 1.1 query or start from an example.
<a href="{r}/docs">API</a> · <a href="{r}/queries">canned queries (JSON)</a> · <a href="{r}/void">VoID</a> ·
<a href="{r}/sparql">service description</a></p>
</header>
<noscript><p class="error">This page needs JavaScript.
The endpoint itself works without it: GET or POST {r}/sparql?query=…</p></noscript>
<main>
<section id="examples" aria-labelledby="examples-heading">
<h2 id="examples-heading">Examples</h2>
<div class="row">
<label for="example">Example query</label>
<select id="example" name="example">
{options}
</select>
</div>
<p id="example-summary" class="summary"></p>
<p id="example-description" class="description"></p>
<fieldset id="example-parameters" hidden>
<legend>Parameters</legend>
<div id="example-inputs"></div>
</fieldset>
<div class="buttons">
<button type="button" id="run-example">Run example</button>
<button type="button" id="open-example">Open in editor</button>
</div>
</section>
<section id="editor" aria-labelledby="editor-heading">
<h2 id="editor-heading"><label for="query">SPARQL query</label></h2>
<textarea id="query" name="query" rows="14" spellcheck="false">{escape(DEFAULT_QUERY)}</textarea>
<div class="buttons">
<button type="button" id="run" class="primary" aria-keyshortcuts="Control+Enter Meta+Enter">Run query</button>
<span class="hint">Ctrl+Enter (⌘+Enter) runs the query; Tab leaves the editor.</span>
</div>
</section>
<section id="output" aria-labelledby="results-heading">
<h2 id="results-heading">Results</h2>
<div class="toolbar">
<p id="status" role="status" aria-live="polite">No query run yet.</p>
<div class="buttons">
<button type="button" id="download-csv" disabled>Download CSV</button>
<button type="button" id="download-json" disabled>Download JSON</button>
<button type="button" id="download-turtle" disabled>Download Turtle</button>
</div>
</div>
<div id="error" class="error" role="alert" hidden></div>
<div id="results"></div>
</section>
</main>
<script type="application/json" id="config">{script_json(config)}</script>
</body>
</html>
"""


def add_query_page(app: FastAPI, queries: dict[str, CannedQuery]) -> None:
    """Register GET ``/`` (the query page) and ``/static`` (its assets) on ``app``."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    async def query_page(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return HTMLResponse(render_page(queries, root), headers={"Cache-Control": "no-cache"})
