"""Extract an inventory of what the vendor's docs pages document: operations, methods, paths, parameters.

The inventory is our own data (``openapi/inventory/<api>.yaml``), re-extracted from saved copies of the
docs pages (``openapi/inventory/sources/``) by ``scripts/extract_inventory.py``. A test proves the specs
and the inventory agree both ways, so when the vendor changes a page, re-saving it and re-running the
script gives one diff that shows what moved.

Two renderings of the pages are understood:

* the GitBook text rendering (``*.txt``): each operation is ``Title`` / ``get`` / description /
  ``Authorizations`` / ``Path parameters`` / ``Query parameters`` / ``Body`` / ``Responses``, followed by an
  example request line ``GET /v2/grades/exchanges HTTP/1.1`` that gives the method and path;
* the Markdown rendering (``*.md``): operations start at the ``OAuth2clientCredentialsRequired`` line, most
  have a ``### Title`` heading, there are no section headings, no request lines and underscores are
  escaped. A segment without a heading is the operation that follows the previous segment in the
  reference (GitBook) page's order.

Paths the pages do not show are taken from ``openapi/inventory/decisions.yaml`` and marked
``path_source: decided``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")
INVENTORY_DIR = Path(__file__).resolve().parents[2] / "openapi" / "inventory"

_REQUEST_LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/\S*) HTTP/1\.1$")
_TYPES = ("string", "integer", "number", "boolean", "object", "array")
# "page_sizeinteger · int32Optional", "accountsstring · uuid[] · min: 1Optional", "idstring · uuidRead-onlyRequired"
_FIELD = re.compile(
    r"^(?P<name>[A-Za-z_$][A-Za-z0-9_$]*?)(?P<type>" + "|".join(_TYPES) + r")(?P<rest>[^A-Za-z].*?|)"
    r"(?P<readonly>Read-only)?(?P<req>Required|Optional)(?:Possible values:)?$"
)
_TOC_LINE = re.compile(r"^\s*• (GET|POST|PUT|PATCH|DELETE)(\S.*)$")
_SECTIONS = {"Path parameters": "path", "Query parameters": "query", "Body": "body"}
_HEADER_PARAMS = {"Authorization"}


class InventoryError(ValueError):
    """A docs page could not be read as expected (the page layout changed)."""


@dataclass
class Field:
    """A documented parameter or top-level body field."""

    name: str
    location: str  # path | query | body
    type: str
    format: str | None
    array: bool
    required: bool
    read_only: bool = False
    enum: bool = False

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "in": self.location, "type": self.type}
        if self.format:
            out["format"] = self.format
        if self.array:
            out["array"] = True
        out["required"] = self.required
        if self.enum:
            out["enum"] = True
        if self.read_only:
            out["read_only"] = True
        return out


@dataclass
class DocOperation:
    """One operation as a docs page documents it."""

    title: str
    method: str | None
    path: str | None
    sources: list[str]
    fields: list[Field] = field(default_factory=list)
    path_source: str = "docs"

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "method": self.method,
            "path": self.path,
            "path_source": self.path_source,
            "sources": self.sources,
            "parameters": [f.as_dict() for f in self.fields if f.location != "body"],
            "body_fields": [f.as_dict() for f in self.fields if f.location == "body"],
        }


def parse_field(line: str, location: str) -> Field | None:
    """Parse one ``name<type>...Required|Optional`` line; ``None`` when the line is not a field."""
    text = line.strip().replace("\\_", "_").replace("\\[", "[").replace("\\]", "]")
    match = _FIELD.match(text)
    if match is None or match["name"] in _HEADER_PARAMS:
        return None
    rest = match["rest"]
    array = "[]" in rest
    fmt = None
    fmt_match = re.match(r"^\s*·\s*([a-z0-9-]+)", rest)
    if fmt_match and fmt_match[1] not in ("nullable", "min", "max", "enum"):
        fmt = fmt_match[1]
    return Field(
        name=match["name"],
        location=location,
        type=match["type"],
        format=fmt,
        array=array,
        required=match["req"] == "Required",
        read_only=match["readonly"] is not None,
        # "Possible values:" follows, but the captured pages lost the values: an open enum.
        enum=re.search(r"·\s*enum\b", rest) is not None,
    )


def _next_nonblank(lines: Sequence[str], start: int) -> str:
    for line in lines[start:]:
        if line.strip():
            return line.strip()
    return ""


def _prev_nonblank(lines: Sequence[str], start: int) -> str:
    for line in reversed(lines[:start]):
        if line.strip():
            return line.strip()
    return ""


def parse_gitbook(text: str, base_path: str, source: str) -> list[DocOperation]:
    """Operations of a GitBook text rendering, in page order."""
    lines = text.splitlines()
    starts = [
        i
        for i, line in enumerate(lines)
        if line.strip() in METHODS and not _REQUEST_LINE.match(_next_nonblank(lines, i + 1))
    ]
    operations: list[DocOperation] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] - 1 if n + 1 < len(starts) else len(lines)
        title = _prev_nonblank(lines, start)
        op = DocOperation(title=title, method=None, path=None, sources=[source])
        location: str | None = None
        for line in lines[start + 1 : end]:
            stripped = line.strip()
            request = _REQUEST_LINE.match(stripped)
            if request and op.path is None:
                op.method = request[1]
                if not request[2].startswith(base_path + "/"):
                    raise InventoryError(f"{source}: {title!r} request path {request[2]} is not under {base_path}")
                op.path = request[2][len(base_path) :]
                continue
            if stripped in _SECTIONS:
                location = _SECTIONS[stripped]
            elif stripped == "Responses":
                location = None
            elif location is not None:
                parsed = parse_field(stripped, location)
                if parsed is not None:
                    op.fields.append(parsed)
        if op.method is None or op.path is None:
            raise InventoryError(f"{source}: operation {title!r} has no example request line")
        if op.method.lower() != lines[start].strip():
            raise InventoryError(f"{source}: {title!r} is labelled {lines[start].strip()} but requests {op.method}")
        operations.append(op)
    if not operations:
        raise InventoryError(f"{source}: no operations found")
    # The page's table of contents lists every operation as "• GETTitle", in the order the docs present
    # them; it must agree with the operation blocks, and it gives the order.
    toc = [(m[2].strip(), m[1]) for m in map(_TOC_LINE.match, lines) if m]
    if toc:
        blocks = {op.title: op for op in operations}
        if sorted(toc) != sorted((op.title, op.method or "") for op in operations):
            raise InventoryError(f"{source}: table of contents {toc} does not match the operations {list(blocks)}")
        operations = [blocks[title] for title, _ in toc]
    return operations


def parse_markdown(text: str, reference: Sequence[DocOperation], source: str) -> list[DocOperation]:
    """Operations of a Markdown rendering; headless segments are named after ``reference``'s order."""
    lines = text.splitlines()
    order = [op.title for op in reference]
    starts = [i for i, line in enumerate(lines) if line.strip() == "OAuth2clientCredentialsRequired"]
    operations: list[DocOperation] = []
    previous_start = 0
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        headings = [line[4:].strip() for line in lines[previous_start:start] if line.startswith("### ")]
        previous_start = start
        if headings:
            title = headings[-1]
        elif not operations:
            title = order[0]
        else:
            last = operations[-1].title
            if last not in order or order.index(last) + 1 >= len(order):
                raise InventoryError(f"{source}: cannot name the segment after {last!r}")
            title = order[order.index(last) + 1]
        known = next((op for op in reference if op.title == title), None)
        method = known.method if known else ("GET" if title.split()[0] in ("List", "Get", "Find") else "POST")
        op = DocOperation(title=title, method=method, path=known.path if known else None, sources=[source])
        known_locations = {f.name: f.location for f in known.fields} if known else {}
        for line in lines[start + 1 : end]:
            if line.startswith("### "):
                break
            # The field's location is not rendered: a required ``id`` is the path id, else GET takes query
            # parameters and the other methods a body.
            parsed = parse_field(line, "query")
            if parsed is None:
                continue
            if parsed.name in known_locations:
                parsed.location = known_locations[parsed.name]
            elif parsed.name == "id" and parsed.required:
                parsed.location = "path"
            elif method != "GET":
                parsed.location = "body"
            op.fields.append(parsed)
        operations.append(op)
    return operations


def merge(pages: Iterable[list[DocOperation]]) -> list[DocOperation]:
    """Union of the operations of several renderings of one page, matched by title, in first-seen order."""
    merged: dict[str, DocOperation] = {}
    for page in pages:
        for op in page:
            if op.title not in merged:
                merged[op.title] = DocOperation(op.title, op.method, op.path, list(op.sources), list(op.fields))
                continue
            target = merged[op.title]
            if op.method and target.method and op.method != target.method:
                raise InventoryError(f"{op.title!r}: {target.method} in one rendering, {op.method} in another")
            target.sources.extend(s for s in op.sources if s not in target.sources)
            names = {(f.name, f.location) for f in target.fields}
            target.fields.extend(f for f in op.fields if (f.name, f.location) not in names)
    return list(merged.values())


def apply_decisions(operations: list[DocOperation], decisions: dict[str, dict[str, str]]) -> None:
    """Give operations whose path the docs do not show the path we decided on."""
    for op in operations:
        decided = decisions.get(op.title)
        if op.path is None:
            if decided is None:
                raise InventoryError(f"{op.title!r}: the docs show no path and decisions.yaml has none")
            op.path = decided["path"]
            op.method = decided.get("method", op.method)
            op.path_source = "decided"
        elif decided is not None:
            raise InventoryError(f"{op.title!r}: the docs now show {op.path}; drop it from decisions.yaml")


def extract(api: str, base_path: str, sources: Sequence[Path], decisions: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The inventory document of one API from its saved docs pages (GitBook ``.txt`` first)."""
    pages: list[list[DocOperation]] = []
    reference: list[DocOperation] = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            if not reference:
                raise InventoryError(f"{path.name}: a Markdown rendering needs a GitBook rendering before it")
            pages.append(parse_markdown(text, reference, path.name))
        else:
            page = parse_gitbook(text, base_path, path.name)
            reference = reference or page
            pages.append(page)
    operations = merge(pages)
    apply_decisions(operations, decisions)
    return {
        "api": api,
        "base_path": base_path,
        "sources": [p.name for p in sources],
        "operations": [op.as_dict() for op in operations],
    }


__all__ = ["INVENTORY_DIR", "InventoryError", "extract", "parse_field"]
