"""What a person sees: `huibao serve` as a real server, read by headless Chromium.

Each page is loaded in Chromium driven over its DevTools protocol: the test waits for the page's
load event (not for a time), reads the text a person sees, measures the main column for
horizontal overflow at 1400 pixels, and saves a screenshot in test-artifacts/. Debian's
`chromium` and `fonts-noto-cjk` are installed when missing (the test machine runs as root with
apt).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "test-artifacts"
WIDTH = 1400
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--remote-debugging-port=0",
]  # fmt: skip


def _chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "chromium", "fonts-noto-cjk"],
            check=False, capture_output=True, timeout=900,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )  # fmt: skip
        found = shutil.which("chromium")
    if not found:
        pytest.skip("Chromium is not installed and cannot be installed here")
    return found


class Browser:
    """One headless Chromium, driven over the DevTools protocol."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="huibao-chromium-")
        self.proc = subprocess.Popen(
            [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
             f"--window-size={WIDTH},1000", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.port = None
        for line in self.proc.stderr:  # Chromium names its endpoint once it listens
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                break
        if self.port is None:
            pytest.fail("Chromium did not start its DevTools endpoint")

    def page(self, url: str, height: int = 1000) -> Page:
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list"))
        target = next(t for t in targets if t["type"] == "page")
        return Page(target["webSocketDebuggerUrl"], url, height)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, ws_url: str, url: str, height: int) -> None:
        from websockets.sync.client import connect

        self.ws = connect(ws_url, max_size=None, open_timeout=60)
        self.next_id = 0
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH, height=height, deviceScaleFactor=1, mobile=False,
        )  # fmt: skip
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=120))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result", {})

    def wait_for(self, event: str) -> None:
        while json.loads(self.ws.recv(timeout=120)).get("method") != event:
            pass

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def text(self) -> str:
        return self.js("document.body.innerText")

    def overflow(self) -> int:
        """How many pixels the main column is wider than the window (0: none)."""
        return self.js(
            "(() => { const c = document.querySelector('section.content') || document.body;"
            " return Math.max(0, c.scrollWidth - c.clientWidth,"
            " document.documentElement.scrollWidth - window.innerWidth); })()"
        )

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / name
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        shot.write_bytes(base64.b64decode(data["data"]))
        self.ws.close()
        return shot


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.fixture(scope="module")
def server(samples_published):
    """`huibao serve` on a free port, serving the site `make demo` serves."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "huibao.cli", "serve", str(samples_published.path),
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def _document_id(base: str, title: str) -> int:
    url = f"{base}/huibao/documents.json?_shape=array&title={quote(title)}"
    return json.load(urllib.request.urlopen(url))[0]["id"]


def test_front_page(server, browser):
    page = browser.page(server + "/")
    text = page.text()
    assert "检索 Search" in text and "乡村振兴" in text and "报告 reports" in text
    assert page.overflow() == 0
    assert page.screenshot("front-page.png").stat().st_size > 20_000


def test_search_page(server, browser):
    page = browser.page(f"{server}/-/search?q={quote('乡村振兴')}", height=1400)
    text = page.text()
    assert "桃源镇" in text and "个章节" in text
    for facet in ("地方", "年份", "层级", "角色", "主题"):
        assert facet in text
    assert page.js("document.querySelectorAll('.hit mark').length") > 0
    assert page.overflow() == 0
    assert page.screenshot("search-page.png").stat().st_size > 30_000


def test_search_box_of_a_table_highlights_and_labels(server, browser):
    page = browser.page(f"{server}/huibao/section_details?_search={quote('营商环境')}")
    table = page.js("document.querySelector('table.rows-and-columns').innerText")
    assert "报告" in table and "角色" in table and "工作进展" in table and "progress" not in table
    assert page.js("document.querySelectorAll('details dl.column-descriptions').length") == 1
    assert page.js("document.querySelectorAll('mark.huibao').length") > 0
    assert page.overflow() == 0
    assert page.screenshot("section-details-search.png").stat().st_size > 30_000


def test_canned_query_offers_chinese_choices(server, browser):
    page = browser.page(f"{server}/huibao/sections_by_topic_and_role")
    choices = page.js(
        "Array.from(document.querySelectorAll('select[name=topic] option')).map(o => o.text)"
    )
    assert "党的建设与作风" in choices and "工业与产业" in choices
    labels = page.js("Array.from(document.querySelectorAll('form label')).map(l => l.textContent)")
    assert "主题 topic" in labels and "角色 role" in labels
    assert "select s.id" not in page.text()  # the SQL is one click away, not in the way
    assert page.overflow() == 0
    page.screenshot("canned-query.png")


def test_report_page(server, browser):
    doc_id = _document_id(server, "桃源镇2024年上半年工作总结和下半年工作计划")
    page = browser.page(f"{server}/-/document/{doc_id}", height=2200)
    text = page.text()
    assert "目录 Outline" in text and "（一）聚焦产业发展，经济运行稳中有进" in text
    assert "乡镇" in text and "上半年" in text and "工作进展" in text
    assert "经济指标 Indicators" in text and "打码" in text
    assert page.overflow() == 0
    assert page.screenshot("document-page.png").stat().st_size > 50_000


def test_charts(server, browser):
    page = browser.page(f"{server}/-/charts", height=1600)
    assert page.js("document.querySelectorAll('svg').length") >= 2
    assert "乡镇" in page.text()
    assert page.overflow() == 0
    assert page.screenshot("charts.png").stat().st_size > 20_000


def test_shared_passages_side_by_side(server, browser):
    a = _document_id(server, "青山县发展和改革局2024年工作汇报")
    b = _document_id(server, "绿水县发展和改革局2024年工作总结")
    report = browser.page(f"{server}/-/document/{b}")
    assert "文本复用 Text reuse" in report.text() and "青山县发展和改革局" in report.text()
    link = report.js("document.querySelector('a[href^=\"/-/reuse/\"]').getAttribute('href')")
    assert link in (f"/-/reuse/{a}/{b}", f"/-/reuse/{b}/{a}")
    page = browser.page(server + link, height=1400)
    text = page.text()
    assert "同级 peers" in text and "356.8" in text and "212.4" in text
    marked = page.js(
        "Array.from(document.querySelectorAll('table.pair mark')).map(m => m.textContent)"
    )
    assert "356.8" in marked and "212.4" in marked  # the figures the copy changed
    assert page.overflow() == 0
    assert page.screenshot("reuse-side-by-side.png").stat().st_size > 30_000
