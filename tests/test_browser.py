"""What a person sees: `huibao serve` as a real server, read by headless Chromium.

Debian's `chromium` and `fonts-noto-cjk` are installed when missing (the test machine runs as
root with apt); screenshots are kept in test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
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


@pytest.fixture(scope="module")
def server(published_site):
    """`huibao serve` on a free port, serving the file published by test_site's fixture."""
    published, _ = published_site
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "huibao.cli", "serve", str(published.path), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(proc.stderr.read().decode()[-2000:])
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def chromium(*args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"huibao-chromium-{os.getpid()}"
    return subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _document_id(base: str, title: str) -> int:
    import json

    url = f"{base}/huibao/documents.json?_shape=array&title={quote(title)}"
    return json.load(urllib.request.urlopen(url))[0]["id"]


def test_search_for_zhaoshang_yinzi_in_the_browser(server):
    url = f"{server}/huibao/section_details?_search={quote('招商引资')}"
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", url).stdout
    assert "招商引资" in dom
    assert '<mark class="huibao">招商引资</mark>' in dom  # highlighted by the page's script
    assert "0 rows" not in dom
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "search-zhaoshang-yinzi.png"
    chromium("--window-size=1280,1400", f"--screenshot={shot}", url)
    assert shot.exists() and shot.stat().st_size > 20_000


def test_report_page_in_the_browser(server):
    doc_id = _document_id(server, "林业局2023年上半年工作总结")
    url = f"{server}/-/document/{doc_id}"
    dom = chromium("--dump-dom", url).stdout
    assert "目录 Outline" in dom and "（一）严格按要求深入开展主题教育" in dom
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "document-page.png"
    chromium("--window-size=1200,2200", f"--screenshot={shot}", url)
    assert shot.exists() and shot.stat().st_size > 50_000


def test_charts_in_the_browser(server):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "charts.png"
    chromium("--window-size=1200,1600", f"--screenshot={shot}", f"{server}/-/charts")
    assert shot.exists() and shot.stat().st_size > 20_000
