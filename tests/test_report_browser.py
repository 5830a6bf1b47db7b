"""report.html in headless Chromium: no console errors, every section heading, every chart.

Chromium is driven through the DevTools protocol (a websocket on the loopback address, with
``websocket-client``, already installed as a Jupyter dependency). Without Chromium the test
is skipped with the reason shown, except under CI (``CI`` set), where ``.ci/run`` installs
Debian's ``chromium`` and the test must run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from helpers_report import shared_build

from reporting.report import tables

websocket = pytest.importorskip("websocket")

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("CI is set but no Chromium was found (.ci/run installs Debian's chromium)")
    pytest.skip("no Chromium here: install Debian's chromium to run the browser test (CI always runs it)")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    return shared_build(tmp_path_factory)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DevTools:
    """A minimal DevTools protocol client: commands and the events received meanwhile."""

    def __init__(self, url: str):
        self.ws = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.n = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, event: str, timeout: float = 30.0) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for e in self.events:
                if e.get("method") == event:
                    return e
            self.ws.settimeout(max(0.1, end - time.monotonic()))
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(event)

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(json.dumps(p.get("exceptionDetails", {}))[:500])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(json.dumps(p.get("args", []))[:500])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(p["entry"].get("text", "")[:500])
        return out


@pytest.fixture
def page(chromium, tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--no-default-browser-check", f"--remote-debugging-port={port}",
         f"--user-data-dir={tmp_path / 'profile'}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 30
        targets = None
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                    targets = [t for t in json.load(r) if t.get("type") == "page"]
                if targets:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        assert targets, "Chromium did not open its DevTools port"
        tools = DevTools(targets[0]["webSocketDebuggerUrl"])
        yield tools
        tools.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


PROBE = """JSON.stringify({
  sections: [...document.querySelectorAll('main > section > h2')].map(h => h.textContent),
  contents: [...document.querySelectorAll('nav a')].map(a => a.getAttribute('href')),
  charts: [...document.querySelectorAll('figure.chart svg[role="img"]')].map(s => {
    const t = document.getElementById(s.getAttribute('aria-labelledby'));
    const r = s.getBoundingClientRect();
    return {id: s.closest('figure').id, alt: t ? t.textContent : '', w: r.width, h: r.height};
  }),
  tables: [...document.querySelectorAll('table')].map(t => ({
    caption: t.caption ? t.caption.textContent : '',
    headers: t.querySelectorAll('th[scope]').length,
    rowHeaders: t.querySelectorAll('tbody th[scope="row"]').length,
    rows: t.tBodies[0].rows.length})),
  external: document.querySelectorAll('script, link, img[src], iframe').length,
  lang: document.documentElement.lang,
  title: document.title,
})"""


def test_report_opens_without_errors_with_every_section_and_chart(built, page):
    page.call("Runtime.enable")
    page.call("Log.enable")
    page.call("Page.enable")
    page.call("Page.navigate", url=(built.out / "report.html").resolve().as_uri())
    page.wait_for("Page.loadEventFired")
    found = json.loads(page.call("Runtime.evaluate", expression=PROBE, returnByValue=True)["result"]["value"])
    assert page.errors() == []
    assert found["sections"] == [f"{n}. {s.title}" for n, s in enumerate(tables.SECTIONS, start=1)]
    anchors = {a[1:] for a in found["contents"]}
    assert set(tables.SECTION_IDS) <= anchors and {f"table-{t}" for t in tables.TABLE_IDS} <= anchors
    # every chart the build wrote is in the page, in table order (benchmarking tables with nothing
    # published for the council have a line instead of a chart); every other charted table has one
    drawn = {p.stem for p in (built.out / "charts").glob("*.svg")}
    assert {t.id for t in tables.TABLES if t.chart not in ("none", "benchmark")} <= drawn
    charted = [f"figure-{t.id}" for t in tables.TABLES if t.id in drawn]
    assert [c["id"] for c in found["charts"]] == charted
    for c in found["charts"]:
        assert len(c["alt"]) > 40 and c["w"] > 200 and c["h"] > 80, c
    assert len(found["tables"]) == len(tables.TABLES)
    for t in found["tables"]:
        assert t["caption"].startswith("Table ") and t["headers"] > 1
        assert t["rowHeaders"] == t["rows"] or t["rows"] == 1
    assert found["external"] == 0 and found["lang"] == "en-GB" and "annual safeguarding report" in found["title"]
