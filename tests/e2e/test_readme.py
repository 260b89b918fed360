"""README.md is short, says nothing it cannot back, and every link in it resolves; `make help` is accurate."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} (.+)$", re.M)
# a measured number: "2.4x", "15%", "20 ms", "3 000 requests/s"; numbers live in `make bench` output
MEASURED = re.compile(r"\b\d[\d .,]*\s?(?:x|%|ms|us|µs|requests/s|req/s|KiB/s|MB/s)(?![\w-])")


def _prose(text: str) -> str:
    text = re.sub(r"^```.*?^```$", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)  # code spans too: `%032x` is a format, not a figure


def _slug(heading: str) -> str:
    """The anchor mkdocs' toc extension gives a heading (its default slugify: words joined by '-')."""
    text = re.sub(r"[`*]", "", heading).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[-\s]+", "-", text).strip("-")


def test_the_readme_is_at_most_150_lines() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 150


def test_every_link_of_the_readme_resolves_with_its_anchor() -> None:
    links = LINK.findall(README.read_text(encoding="utf-8"))
    assert len(links) >= 8
    for link in links:
        assert not link.startswith(("http://", "https://")), f"{link}: the README links into the checkout only"
        path, _, anchor = link.partition("#")
        target = (README.parent / path).resolve()
        assert target.is_file(), link
        if anchor:
            slugs = {_slug(h) for h in HEADING.findall(target.read_text(encoding="utf-8"))}
            assert anchor in slugs, f"{link}: no heading with that anchor ({sorted(slugs)})"


def test_the_readme_links_every_page_of_the_site() -> None:
    links = {link.partition("#")[0] for link in LINK.findall(README.read_text(encoding="utf-8"))}
    pages = {"index", "getting-started", "clients", "mock", "pytest-fixture", "conformance", "proxy", "maintaining"}
    assert {f"docs/{page}.md" for page in pages} <= links


def test_no_measured_numbers_in_the_readme_or_the_docs_prose() -> None:
    for page in [README, *sorted((ROOT / "docs").rglob("*.md"))]:
        found = MEASURED.findall(_prose(page.read_text(encoding="utf-8")))
        assert found == [], f"{page.relative_to(ROOT)}: {found} (measured numbers belong to `make bench`)"


def test_the_slug_matches_mkdocs_for_a_heading_with_code() -> None:
    assert (
        _slug("Why the runtime lives inside each generated package")
        == "why-the-runtime-lives-inside-each-generated-package"
    )
    assert _slug("Seeing what a client sent") == "seeing-what-a-client-sent"
    assert _slug("The pytest fixture: `datasync_mock`") == "the-pytest-fixture-datasync_mock"


def test_make_help_lists_every_target_with_what_it_says_and_no_unexpanded_variable() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    documented = re.findall(r"^([a-z-]+):.*## ", makefile, re.M)
    done = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[1] for line in lines] == documented
    assert "$(" not in done.stdout
    assert "$$" not in done.stdout
    by_target = {line.split()[1]: line for line in lines}
    port = re.search(r"^PORT \?= (\d+)$", makefile, re.M)
    assert port is not None
    assert f"localhost:{port.group(1)}" in by_target["mock"]
    assert "localhost:8080" in by_target["proxy"]
    assert "$(filter file,$(origin PORT)),8080" in makefile  # the proxy's own default port, as the help says
    assert "docs" in by_target
