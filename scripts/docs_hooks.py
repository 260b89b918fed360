"""mkdocs hook (mkdocs.yml `hooks:`): the API reference pages, rendered from the specs at every build.

Both specs go through the pinned Redocly CLI (`node_modules/.bin/redocly build-docs --inlineBundle`), which
writes one self-contained HTML page per spec (the Redoc bundle inlined, not loaded from a CDN). The pages are
added to the site as generated files (`reference/grades.html`, `reference/interop.html`), so `docs/reference/
index.md` links to them and `mkdocs build --strict` checks those links like any other.

Redoc's page still reaches out when it is viewed: its sidebar shows a logo from Redocly's CDN and its UI sends
telemetry. `disableTelemetry` turns the second off, and a Content-Security-Policy in the page's head forbids any
request beyond the page itself, so a reader's browser loads nothing from the internet (tests/e2e/test_site.py
renders the page with every network request counted). The CLI's own usage telemetry is off too
(`REDOCLY_TELEMETRY=off`), so the build sends nothing either.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
SPECS = {"grades": "Grades Exchange API", "interop": "Interop API"}
TIMEOUT_SECONDS = 120
# Inline scripts and styles (the inlined bundle), data: and blob: URLs (its icons and workers); nothing else.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' blob:; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; worker-src blob:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'


def render(api: str, out_dir: Path) -> Path:
    """One spec as one self-contained Redoc page; a Redocly failure fails the build with its output."""
    out = out_dir / f"{api}.html"
    command = [str(REDOCLY), "build-docs", str(ROOT / "openapi" / f"{api}.yaml"), "--inlineBundle", "-o", str(out)]
    command += ["--title", f"{SPECS[api]} reference", "--openapi.disableTelemetry=true"]
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"redocly build-docs {api} failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return out


def offline(page: str) -> str:
    """The page with the policy as the first element of its head, before any script can run."""
    head = re.search(r"<head[^>]*>", page)
    if head is None:
        raise RuntimeError("redocly build-docs wrote a page without <head>")
    return page[: head.end()] + CSP_META + page[head.end() :]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if not REDOCLY.is_file():
        raise RuntimeError(f"{REDOCLY} is missing: `make install` installs the pinned Redocly CLI")
    with tempfile.TemporaryDirectory(prefix="datasync-reference-") as tmp:
        for api in SPECS:
            content = offline(render(api, Path(tmp)).read_text(encoding="utf-8"))
            files.append(File.generated(config, f"reference/{api}.html", content=content))
    return files
