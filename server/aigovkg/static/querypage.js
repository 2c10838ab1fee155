/* AIGov KG query page: a SPARQL editor, the canned queries as examples, results as a table. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("config").textContent);
  var root = config.root;
  var BASE = "https://w3id.org/aigov/";
  var RESULTS_JSON = "application/sparql-results+json";
  var ACCEPT = RESULTS_JSON + ", text/turtle;q=0.9";
  var MAX_SHOWN = 2000; // rows drawn in the table; the downloads have them all
  var queries = {};
  config.queries.forEach(function (q) { queries[q.id] = q; });
  var prefixes = Object.keys(config.prefixes).map(function (p) { return [p, config.prefixes[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });

  function $(id) { return document.getElementById(id); }

  var editor = CodeMirror.fromTextArea($("query"), {
    mode: "sparql",
    lineNumbers: true,
    matchBrackets: true,
    indentUnit: 2,
    viewportMargin: Infinity,
    screenReaderLabel: "SPARQL query",
    extraKeys: {
      "Ctrl-Enter": function () { runEditor(); },
      "Cmd-Enter": function () { runEditor(); },
      // Tab moves the focus out of the editor (no keyboard trap); indent with Ctrl-] / Ctrl-[.
      "Tab": false,
      "Shift-Tab": false
    }
  });

  /* ---------- requests ---------- */

  var last = null; // how to fetch the current results again, in another format

  function sparqlRequest(query, accept) {
    return fetch(root + "/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "Accept": accept },
      body: new URLSearchParams({ query: query }).toString()
    });
  }

  function exampleRequest(id, params, accept) {
    var search = new URLSearchParams(params).toString();
    return fetch(root + "/queries/" + encodeURIComponent(id) + (search ? "?" + search : ""), {
      headers: { "Accept": accept }
    });
  }

  function refetch(accept) {
    return last.kind === "sparql" ? sparqlRequest(last.query, accept) : exampleRequest(last.id, last.params, accept);
  }

  var busy = false;

  function run(spec, label) {
    if (busy) return;
    busy = true;
    setButtons(false);
    setDownloads(null);
    $("error").hidden = true;
    $("status").textContent = "Running " + label + "…";
    var started = performance.now();
    var response;
    (spec.kind === "sparql" ? sparqlRequest(spec.query, ACCEPT) : exampleRequest(spec.id, spec.params, ACCEPT))
      .then(function (r) { response = r; return r.text(); })
      .then(function (body) {
        var elapsed = Math.round(performance.now() - started);
        if (!response.ok) {
          showError(response.status + " " + response.statusText, body);
          $("status").textContent = label + " failed after " + elapsed + " ms.";
          $("error").scrollIntoView({ block: "nearest" });
          return;
        }
        last = spec;
        var type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
        var summary = type === "text/turtle" ? showGraph(body) : showSolutions(JSON.parse(body));
        $("status").textContent = label + ": " + summary.text + " in " + elapsed + " ms.";
        setDownloads(summary.kind);
        $("status").scrollIntoView({ block: "nearest" });
      })
      .catch(function (e) {
        showError("Request failed", String(e && e.message || e));
        $("status").textContent = label + " failed.";
      })
      .then(function () { busy = false; setButtons(true); });
  }

  function runEditor() {
    run({ kind: "sparql", query: editor.getValue() }, "Query");
  }

  /* ---------- results ---------- */

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function compact(iri) {
    for (var i = 0; i < prefixes.length; i++) {
      var ns = prefixes[i][1];
      if (iri.length > ns.length && iri.lastIndexOf(ns, 0) === 0) {
        var local = iri.slice(ns.length);
        if (/^[A-Za-z0-9_.\-]*$/.test(local) && !/\.$/.test(local)) return prefixes[i][0] + ":" + local;
      }
    }
    return iri;
  }

  /** Where a link to ``iri`` goes: IRIs of this dataset resolve on this server. */
  function href(iri) {
    return iri.lastIndexOf(BASE, 0) === 0 ? root + "/" + iri.slice(BASE.length) : iri;
  }

  function termNode(term) {
    if (term.type === "uri") {
      var a = el("a", compact(term.value));
      a.href = href(term.value);
      a.title = term.value;
      return a;
    }
    if (term.type === "bnode") return el("span", "_:" + term.value, "bnode");
    if (term.type === "triple") return el("span", "<< " + JSON.stringify(term.value) + " >>");
    var span = el("span", term.value, "literal");
    var frag = document.createDocumentFragment();
    frag.appendChild(span);
    if (term["xml:lang"]) {
      span.lang = term["xml:lang"];
      frag.appendChild(el("span", "@" + term["xml:lang"], "lang"));
    } else if (term.datatype && term.datatype !== "http://www.w3.org/2001/XMLSchema#string") {
      var dt = el("span", "^^" + compact(term.datatype), "datatype");
      dt.title = term.datatype;
      frag.appendChild(dt);
    }
    return frag;
  }

  function showSolutions(data) {
    var box = $("results");
    clear(box);
    if (typeof data.boolean === "boolean") {
      box.appendChild(el("p", "ASK: " + data.boolean, "boolean"));
      return { kind: "boolean", text: "answer " + data.boolean };
    }
    var vars = data.head.vars || [];
    var rows = data.results.bindings;
    var table = el("table");
    table.id = "results-table";
    var caption = el("caption", rows.length + (rows.length === 1 ? " row" : " rows") +
      (rows.length > MAX_SHOWN ? " (the first " + MAX_SHOWN + " shown; the downloads have all)" : ""));
    table.appendChild(caption);
    var thead = el("thead");
    var tr = el("tr");
    tr.appendChild(el("th", "#", "n"));
    vars.forEach(function (v) { var th = el("th", "?" + v); th.scope = "col"; tr.appendChild(th); });
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = el("tbody");
    rows.slice(0, MAX_SHOWN).forEach(function (row, i) {
      var r = el("tr");
      r.appendChild(el("td", String(i + 1), "n"));
      vars.forEach(function (v) {
        var td = el("td");
        if (row[v]) td.appendChild(termNode(row[v]));
        r.appendChild(td);
      });
      tbody.appendChild(r);
    });
    table.appendChild(tbody);
    var wrap = el("div", null, "table-wrap");
    wrap.tabIndex = 0; // scrollable by keyboard
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "Results table");
    wrap.appendChild(table);
    box.appendChild(wrap);
    return { kind: "table", text: rows.length + (rows.length === 1 ? " row" : " rows") };
  }

  function showGraph(turtle) {
    var box = $("results");
    clear(box);
    var pre = el("pre", turtle, "turtle");
    pre.tabIndex = 0;
    pre.setAttribute("aria-label", "Result graph in Turtle");
    box.appendChild(pre);
    var triples = turtle.split("\n").filter(function (l) { return /\.\s*$/.test(l) && !/^@prefix/i.test(l); }).length;
    return { kind: "graph", text: "graph of about " + triples + " statements (Turtle)" };
  }

  function showError(title, message) {
    var box = $("error");
    clear(box);
    box.appendChild(el("strong", title));
    box.appendChild(el("pre", message));
    box.hidden = false;
    clear($("results"));
  }

  function setButtons(on) {
    ["run", "run-example", "open-example"].forEach(function (id) { $(id).disabled = !on; });
  }

  function setDownloads(kind) {
    $("download-csv").disabled = !(kind === "table" || kind === "boolean");
    $("download-json").disabled = !(kind === "table" || kind === "boolean");
    $("download-turtle").disabled = kind !== "graph";
  }

  function download(accept, extension) {
    if (!last) return;
    var name = (last.kind === "sparql" ? "query" : last.id) + "-results." + extension;
    refetch(accept)
      .then(function (r) {
        if (!r.ok) return r.text().then(function (t) { throw new Error(r.status + " " + t); });
        return r.blob();
      })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var a = el("a");
        a.href = url;
        a.download = name;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      })
      .catch(function (e) { showError("Download failed", String(e && e.message || e)); });
  }

  /* ---------- examples ---------- */

  function currentExample() { return queries[$("example").value]; }

  function showExample() {
    var q = currentExample();
    if (!q) return;
    $("example-summary").textContent = q.summary;
    $("example-description").textContent = q.description;
    var inputs = $("example-inputs");
    clear(inputs);
    q.parameters.forEach(function (p) {
      var id = "param-" + p.name;
      var row = el("div", null, "row");
      var label = el("label", "?" + p.name + (p.type === "iri" ? " (IRI)" : " (text)"));
      label.htmlFor = id;
      var input = el("input");
      input.id = id;
      input.name = p.name;
      input.type = p.type === "iri" ? "url" : "text";
      input.value = p.default;
      input.required = true;
      input.spellcheck = false;
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); runExample(); }
      });
      row.appendChild(label);
      row.appendChild(input);
      inputs.appendChild(row);
    });
    $("example-parameters").hidden = q.parameters.length === 0;
  }

  function exampleParams() {
    var params = {};
    currentExample().parameters.forEach(function (p) { params[p.name] = $("param-" + p.name).value.trim(); });
    return params;
  }

  function runExample() {
    var q = currentExample();
    run({ kind: "example", id: q.id, params: exampleParams() }, "Example " + q.id);
  }

  function sparqlTerm(p, value) {
    if (p.type === "iri") return "<" + value.replace(/[<>"{}|^`\\\s]/g, encodeURIComponent) + ">";
    return JSON.stringify(value);
  }

  /** The example's text, its parameters bound by a trailing VALUES clause (what /queries/{id} binds in place). */
  function openExample() {
    var q = currentExample();
    var text = q.text.replace(/\s+$/, "") + "\n";
    if (q.parameters.length) {
      var params = exampleParams();
      text += "\n# The parameters of /queries/" + q.id + ", bound here:\nVALUES (" +
        q.parameters.map(function (p) { return "?" + p.name; }).join(" ") + ") {\n  (" +
        q.parameters.map(function (p) { return sparqlTerm(p, params[p.name]); }).join(" ") + ")\n}\n";
    }
    editor.setValue(text);
    editor.focus();
  }

  /* ---------- wiring ---------- */

  $("example").addEventListener("change", showExample);
  $("run-example").addEventListener("click", runExample);
  $("open-example").addEventListener("click", openExample);
  $("run").addEventListener("click", runEditor);
  $("download-csv").addEventListener("click", function () { download("text/csv", "csv"); });
  $("download-json").addEventListener("click", function () { download(RESULTS_JSON, "json"); });
  $("download-turtle").addEventListener("click", function () { download("text/turtle", "ttl"); });
  showExample();
  document.body.classList.add("ready");
})();
