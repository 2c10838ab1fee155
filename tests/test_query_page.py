"""The query page at ``/``: served with local assets only, and working in headless Chromium.

The browser tests drive Debian's chromium and chromium-driver through Selenium, with both paths given
so that Selenium never downloads a driver or a browser. Missing either is a failure, not a skip.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from aigovkg.queries import CannedQuery, Parameter
from aigovkg.querypage import render_page

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 60  # seconds for anything the browser waits on
RESULTS_JSON = "application/sparql-results+json"
RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


class Page(HTMLParser):
    """The tags of a page with their attributes, and the text of its JSON script blocks."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.json_blocks: dict[str, str] = {}
        self._json_id: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "script" and attributes.get("type") == "application/json":
            self._json_id = attributes.get("id", "")
            self.json_blocks[self._json_id] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._json_id = None

    def handle_data(self, data: str) -> None:
        if self._json_id is not None:
            self.json_blocks[self._json_id] += data

    def references(self) -> list[str]:
        """Every URL the page loads by itself: script src, link href, img/iframe/source src."""
        refs = [a["src"] for t, a in self.tags if t in ("script", "img", "iframe", "source", "audio", "video") and "src" in a]
        return refs + [a["href"] for t, a in self.tags if t == "link" and "href" in a]


def canned_list(server: str) -> list[dict[str, Any]]:
    response = httpx.get(server + "/queries", timeout=60)
    assert response.status_code == 200, response.text
    return list(response.json())


def solutions(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return list(response.json()["results"]["bindings"])


# ---------------------------------------------------------------- the HTML and its assets


def test_page_lists_every_canned_query_with_local_assets_only(server: str) -> None:
    response = httpx.get(server + "/", timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    listed = canned_list(server)
    for query in listed:
        assert query["id"] in response.text
    options = [a.get("value") for t, a in page.tags if t == "option"]
    assert options == [q["id"] for q in listed]

    refs = page.references()
    assert any(r.startswith("/static/") and ".js" in r for r in refs), refs
    assert any(r.startswith("/static/") and ".css" in r for r in refs), refs
    for ref in refs:
        parts = urlsplit(ref)
        assert not parts.scheme.startswith("http") and not parts.netloc, f"the page loads {ref} from elsewhere"
        assert ref.startswith("/static/") or parts.scheme == "data", ref
    assert "/static/querypage.js" in " ".join(refs)

    config = json.loads(page.json_blocks["config"])
    by_id = {q["id"]: q for q in config["queries"]}
    assert list(by_id) == [q["id"] for q in listed]
    for query in listed:
        embedded = by_id[query["id"]]
        assert embedded["summary"] == query["summary"]
        assert embedded["parameters"] == query["parameters"]
        assert embedded["text"].startswith("#+ summary:")


@pytest.mark.parametrize("kind", ["js", "css"])
def test_every_referenced_asset_is_served_with_its_type(server: str, kind: str) -> None:
    refs = [r for r in Page(httpx.get(server + "/", timeout=60).text).references() if r.startswith("/static/")]
    expected = {"js": ("text/javascript", "application/javascript"), "css": ("text/css",)}[kind]
    assets = [r for r in refs if urlsplit(r).path.endswith("." + kind)]
    assert assets
    for ref in assets:
        response = httpx.get(server + ref, timeout=60)
        assert response.status_code == 200, ref
        assert response.headers["content-type"].split(";")[0].strip() in expected, (ref, response.headers["content-type"])
        assert response.content
        if kind == "css":  # a stylesheet can load from elsewhere too
            assert not re.search(r"(@import|url\()\s*['\"]?\s*(https?:)?//", response.text), ref


def test_vendored_codemirror_carries_its_licence(server: str) -> None:
    response = httpx.get(server + "/static/codemirror/LICENSE", timeout=60)
    assert response.status_code == 200
    assert "MIT" in response.text or "Permission is hereby granted" in response.text


def test_embedded_json_cannot_end_its_script_block() -> None:
    nasty = 'SELECT * { ?s ?p "</script><script>alert(1)</script><!-- & \u2028" }'
    query = CannedQuery(
        "nasty", "a </script> summary", "<b>&amp;</b>", (), (Parameter("x", "literal", "</script>"),), nasty, Path("x")
    )
    html = render_page({"nasty": query})
    page = Page(html)
    assert html.count("</script>") == sum(1 for t, _ in page.tags if t == "script")
    config = json.loads(page.json_blocks["config"])
    assert config["queries"][0]["text"] == nasty
    assert config["queries"][0]["parameters"] == [{"name": "x", "type": "literal", "default": "</script>"}]
    assert "<b>" not in html and "a &lt;/script&gt; summary" in html


def test_page_under_a_root_path_points_below_it() -> None:
    page = Page(render_page({}, root="/kg"))
    assert all(r.startswith("/kg/static/") or r.startswith("data:") for r in page.references())
    assert json.loads(page.json_blocks["config"])["root"] == "/kg"


# ---------------------------------------------------------------- in headless Chromium


@pytest.fixture(scope="module")
def downloads() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="aigov-downloads-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    """Headless Chromium through Selenium, with Debian's browser and driver named explicitly."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: install the Debian packages chromium and chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: pip install selenium (the test extra)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1024",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # belt and braces: Selenium Manager must not fetch anything
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()


def wait(driver: Any, condition: Any, message: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition, message)


def open_page(driver: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server + "/")
    wait(
        driver,
        lambda d: "ready" in (d.find_element(By.TAG_NAME, "body").get_attribute("class") or ""),
        "the page script did not start",
    )
    wait(driver, lambda d: d.execute_script("return !!document.querySelector('.CodeMirror')"), "no CodeMirror editor")


def settled_status(driver: Any, label: str) -> str:
    """Wait until the status line reports the run of ``label`` done (rows and milliseconds), and return it."""
    from selenium.webdriver.common.by import By

    pattern = re.compile(re.escape(label) + r"(: .* in \d+ ms\.| failed)")

    def done(d: Any) -> str | bool:
        text = d.find_element(By.ID, "status").text
        return text if pattern.search(text) else False

    return str(wait(driver, done, f"the status line never reported {label} finished"))


def table_rows(driver: Any) -> int:
    return int(driver.execute_script("return document.querySelectorAll('#results-table tbody tr').length"))


def set_query(driver: Any, text: str) -> None:
    driver.execute_script("document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0])", text)


def severe_console_entries(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_browser_runs_an_example_and_shows_its_rows(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(browser, server)
    listed = canned_list(server)
    example = next(q for q in listed if q["parameters"])
    expected = solutions(httpx.get(f"{server}/queries/{example['id']}", params={"format": "json"}, timeout=120))
    assert 0 < len(expected) <= 2000, f"{example['id']} should have rows for this test (and fit the table)"

    Select(browser.find_element(By.ID, "example")).select_by_value(example["id"])
    assert browser.find_element(By.ID, "example-summary").text == example["summary"]
    for parameter in example["parameters"]:
        field = browser.find_element(By.ID, "param-" + parameter["name"])
        assert field.get_attribute("value") == parameter["default"]
        label = browser.find_element(By.CSS_SELECTOR, f"label[for='param-{parameter['name']}']")
        assert parameter["name"] in label.text
    browser.find_element(By.ID, "run-example").click()
    status = settled_status(browser, "Example " + example["id"])
    assert f"{len(expected)} rows" in status, status
    wait(browser, lambda d: table_rows(d) > 0, "the results table has no rows")
    assert table_rows(browser) == len(expected)
    headers = browser.execute_script("return [...document.querySelectorAll('#results-table thead th')].map(th => th.textContent)")
    assert headers[1:] == [
        "?" + v
        for v in httpx.get(f"{server}/queries/{example['id']}", params={"format": "json"}, timeout=120).json()["head"]["vars"]
    ]
    # IRIs of the dataset link to this server.
    links = browser.execute_script("return [...document.querySelectorAll('#results-table a')].map(a => a.getAttribute('href'))")
    assert any(h.startswith("/id/") for h in links), links[:10]
    assert not any(h.startswith("https://w3id.org/aigov/") for h in links)

    # Nothing came from anywhere but this server, and nothing went wrong in the console.
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(r.startswith(server + "/") for r in resources), resources
    assert severe_console_entries(browser) == []

    # The example opened in the editor, its parameters bound by VALUES, gives the same rows.
    browser.find_element(By.ID, "open-example").click()
    text = browser.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert "VALUES" in text and example["parameters"][0]["default"] in text
    browser.find_element(By.ID, "run").click()
    status = settled_status(browser, "Query")
    assert f"{len(expected)} rows" in status, status
    assert table_rows(browser) == len(expected)


def test_browser_runs_a_typed_query_with_the_keyboard(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(browser, server)
    query = RDFS + "SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER (lang(?label) = 'zh') } LIMIT 7"
    set_query(browser, query)
    browser.find_element(By.CSS_SELECTOR, ".CodeMirror textarea").send_keys(Keys.CONTROL, Keys.ENTER)
    status = settled_status(browser, "Query")
    assert re.search(r"7 rows in \d+ ms", status), status
    assert table_rows(browser) == 7
    langs = browser.execute_script("return [...document.querySelectorAll('#results-table td span.literal')].map(s => s.lang)")
    assert langs == ["zh"] * 7


def test_browser_shows_ask_and_construct_results(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, server)
    set_query(browser, "ASK { ?s ?p ?o }")
    browser.find_element(By.ID, "run").click()
    settled_status(browser, "Query")
    assert browser.find_element(By.CSS_SELECTOR, "#results .boolean").text == "ASK: true"

    set_query(browser, "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3")
    browser.find_element(By.ID, "run").click()
    settled_status(browser, "Query")
    turtle = browser.find_element(By.CSS_SELECTOR, "#results pre.turtle").text
    assert turtle.strip()
    assert browser.find_element(By.ID, "download-turtle").is_enabled()
    assert not browser.find_element(By.ID, "download-csv").is_enabled()


def test_browser_shows_the_servers_error(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, server)
    bad = "SELECT ?s WHERE { ?s ?p "
    reply = httpx.post(server + "/sparql", data={"query": bad}, headers={"Accept": RESULTS_JSON}, timeout=60)
    assert reply.status_code == 400
    set_query(browser, bad)
    browser.find_element(By.ID, "run").click()
    settled_status(browser, "Query")
    error = wait(
        browser, lambda d: d.find_element(By.ID, "error").is_displayed() and d.find_element(By.ID, "error"), "no error shown"
    )
    assert "400" in error.text
    assert reply.text.strip().splitlines()[0] in error.text
    assert table_rows(browser) == 0


def test_browser_downloads_the_results_as_csv_and_json(browser: Any, server: str, downloads: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, server)
    query = RDFS + "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 5"
    set_query(browser, query)
    browser.find_element(By.ID, "run").click()
    settled_status(browser, "Query")
    for button, name in (("download-csv", "query-results.csv"), ("download-json", "query-results.json")):
        target = downloads / name
        wait(browser, lambda d, b=button: d.find_element(By.ID, b).is_enabled(), f"{button} stays disabled")
        browser.find_element(By.ID, button).click()
        wait(browser, lambda _d, t=target: t.is_file() and t.stat().st_size > 0, f"{name} was not downloaded")
    with (downloads / "query-results.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["s", "label"] and len(rows) == 6
    data = json.loads((downloads / "query-results.json").read_text(encoding="utf-8"))
    direct = solutions(httpx.post(server + "/sparql", data={"query": query}, headers={"Accept": RESULTS_JSON}, timeout=60))
    assert data["results"]["bindings"] == direct
    assert (
        list(
            csv.reader(
                io.StringIO(
                    httpx.post(server + "/sparql", data={"query": query}, headers={"Accept": "text/csv"}, timeout=60).text
                )
            )
        )
        == rows
    )
