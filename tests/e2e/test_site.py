"""The docs site builds with `mkdocs build --strict` (as `make docs` does), carries both specs' API reference as
self-contained Redocly pages, and renders in headless Chromium without one request to the network.

Chromium runs with every request that is not for a local file sent to a proxy of ours that refuses it and writes
down where it was going, so a font, a script, an image or telemetry fetched by a page fails the test by name.
Chromium itself also calls home (its component updater, its clock and sign-in services) whatever the page is:
those hosts, and only those, are told apart.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MKDOCS = Path(sys.executable).parent / "mkdocs"
# The browser's own background services, not any page's doing (seen with the flags below on Debian's chromium).
BROWSER_OWN = {"update.googleapis.com", "accounts.google.com", "clients2.google.com"}
PAGES = ["index", "getting-started", "clients", "mock", "pytest-fixture", "conformance", "proxy", "maintaining"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr[-3000:]
    return out


@dataclass
class Refuser:
    """A proxy that answers every request 403 and keeps the host each one was for."""

    port: int = 0
    hosts: list[str] = field(default_factory=list)

    def page_hosts(self) -> list[str]:
        return [host for host in self.hosts if host not in BROWSER_OWN]


@pytest.fixture
def refuser() -> Iterator[Refuser]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    refuser = Refuser(port=listener.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    head = conn.recv(8192).split(b"\r\n", 1)[0].decode("latin-1")
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    continue
            target = head.split(" ")[1] if head.count(" ") >= 2 else head
            host = re.sub(r"^[a-z]+://", "", target).split("/", 1)[0].rsplit(":", 1)[0]
            refuser.hosts.append(host)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield refuser
    stop.set()
    thread.join(timeout=5)
    listener.close()


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError("chromium is not installed: `make install` installs it (Debian package chromium)")


def render(page: Path, refuser: Refuser, profile: Path) -> tuple[str, str]:
    """The page's DOM after its scripts ran, and the browser's console log."""
    done = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pings", "--disable-extensions",
         "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
         "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter",
         f"--proxy-server=http://127.0.0.1:{refuser.port}", "--proxy-bypass-list=<-loopback>",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
         f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


@pytest.mark.slow
def test_every_page_and_both_references_are_built(site: Path) -> None:
    for name in PAGES:
        assert (site / ("index.html" if name == "index" else f"{name}/index.html")).is_file(), name
    home = (site / "index.html").read_text(encoding="utf-8")
    for name in PAGES[1:]:
        assert f'href="{name}/"' in home, f"{name} is not in the nav"
    assert 'href="reference/"' in home
    reference = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert 'href="grades.html"' in reference
    assert 'href="interop.html"' in reference
    for api, operation in (("grades", "List exchanges"), ("interop", "List scoping schools")):
        page = (site / "reference" / f"{api}.html").read_text(encoding="utf-8")
        assert operation in page
        assert "Content-Security-Policy" in page.split("</head>")[0]
        assert not re.search(r"<script[^>]+src=", page), f"{api}.html loads a script: not self-contained"


@pytest.mark.slow
def test_no_page_names_an_external_asset(site: Path) -> None:
    for html in site.rglob("*.html"):
        if html.parent.name == "reference" and html.name != "index.html":
            continue  # the Redoc pages: their bundle names URLs in code; the render test shows none is fetched
        text = html.read_text(encoding="utf-8")
        assert not re.search(r'<(?:script|img|iframe)[^>]+src="https?://', text), html
        assert not re.search(r'<link[^>]+href="https?://', text), html
        assert "fonts.googleapis.com" not in text, html


@pytest.mark.slow
def test_a_docs_page_renders_offline(site: Path, refuser: Refuser, tmp_path: Path) -> None:
    dom, _ = render(site / "clients" / "index.html", refuser, tmp_path / "profile")

    assert "<h1" in dom
    assert "The clients" in dom
    assert "answer_pending" in dom
    assert "API reference" in dom  # the nav
    assert 'class="md-header' in dom  # Material's own markup, built by its scripts and templates
    assert refuser.page_hosts() == []


@pytest.mark.slow
def test_the_grades_reference_renders_offline_and_its_scripts_run(site: Path, refuser: Refuser, tmp_path: Path) -> None:
    dom, console = render(site / "reference" / "grades.html", refuser, tmp_path / "profile")

    assert "List exchanges" in dom
    assert "Grades Exchange API" in dom
    assert "Redoc" in console  # its start-up banner: the bundle ran
    assert "3.0.1" in console
    assert refuser.page_hosts() == []
