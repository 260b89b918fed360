"""``make diff``: what changed between two versions of a spec, in the API's terms, each change breaking or not.

The comparison is the pinned Redocly CLI's ``redocly diff`` (its ``diff-recommended`` rules: operations, paths,
parameters, request bodies, statuses, response headers, media types, required properties, types,
constraints, enum values, security requirements and schemes), run offline on the two versions of
``openapi/<api>.yaml``. Redocly knows nothing of this project's open enumerations (``anyOf: [XKnown, string]``
with ``x-open-enum: true``, see ``openapi/README.md``): it calls a value added to ``XKnown`` breaking when a
response carries it, and sees a value removed only where a request carries it. So its verdicts on a
``...Known`` enum are replaced by this module's own comparison of the known values: a value added is not
breaking (the generated client gains a typed member, the field stays open); a value removed is breaking
for a client of the generated package (its typed member goes, although the server may still send the
value as a plain string).

"Breaking" means for a client: a request it sends today may be refused, a response it reads today may
not parse, or the generated package loses a name its code may use.

This is a maintainer's tool of a checkout (it needs git and ``node_modules/.bin/redocly``); its place once
``datasync_openapi.contract`` exists is ``contract/diff.py``. Spec text reaches the terminal through
``findings.neutral.printable`` only. Exit status: 0 no breaking change, 1 breaking changes, 2 could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from datasync_openapi.findings.neutral import printable

__all__ = [
    "APIS",
    "Change",
    "CouldNotRun",
    "classify",
    "compare",
    "known_enums",
    "known_value_changes",
    "main",
    "read_spec",
    "redocly_report",
]

APIS = ("grades", "interop")
SPEC_DIR = "openapi"
# bounds on what is read: a spec at a ref, Redocly's JSON report, and each subprocess's time
MAX_SPEC_BYTES = 8 * 1024 * 1024
MAX_REPORT_BYTES = 64 * 1024 * 1024
GIT_TIMEOUT = 30.0
REDOCLY_TIMEOUT = 180.0
CHECKOUT = Path(__file__).resolve().parents[2]
REDOCLY_CONFIG = "extends:\n  - diff-recommended\ntelemetry: off\n"
ENUM_RULES = frozenset({"enum-values-added", "enum-values-removed"})
METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"})
KNOWN_RULE = "known-enum-values"


class CouldNotRun(Exception):
    """The comparison could not be made (a ref, a spec or Redocly failed): exit status 2."""


@dataclass(frozen=True)
class Change:
    """One change between two versions of a spec, as a client sees it."""

    breaking: bool
    where: str
    what: str
    rule: str

    def line(self) -> str:
        mark = "BREAKING" if self.breaking else "ok      "
        return printable(f"  {mark}  {self.where}: {self.what} [{self.rule}]")


def read_spec(repo: Path, ref: str | None, api: str) -> str:
    """The text of ``openapi/<api>.yaml`` at ``ref`` (None: the working tree of ``repo``)."""
    relative = f"{SPEC_DIR}/{api}.yaml"
    if ref is None:
        path = repo / relative
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_SPEC_BYTES + 1)
        except OSError as error:
            raise CouldNotRun(f"cannot read {relative} in the working tree: {error.strerror}") from None
    else:
        if not ref or ref.startswith("-"):
            raise CouldNotRun(f"not a git ref: {ref!r}")
        try:
            commit = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        except CouldNotRun:
            raise CouldNotRun(f"no commit {ref!r} in {repo}") from None
        blob = f"{commit.strip()}:{relative}"
        size = _git(repo, "cat-file", "-s", blob).strip()  # before reading it: the blob's size is bounded
        if not size.isdigit() or int(size) > MAX_SPEC_BYTES:
            raise CouldNotRun(f"{relative} at {ref} is larger than {MAX_SPEC_BYTES} bytes")
        data = _git_bytes(repo, "cat-file", "blob", blob)
    if len(data) > MAX_SPEC_BYTES:
        raise CouldNotRun(f"{relative} is larger than {MAX_SPEC_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CouldNotRun(f"{relative} is not UTF-8") from None


def _git(repo: Path, *args: str) -> str:
    return _git_bytes(repo, *args).decode("utf-8", "replace")


def _git_bytes(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CouldNotRun(f"git {args[0]} failed: {error}") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CouldNotRun(f"git {args[0]} failed: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done.stdout


def load(text: str, label: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CouldNotRun(f"{label} is not YAML: {error}") from None
    if not isinstance(loaded, dict) or not isinstance(loaded.get("paths", {}), dict):
        raise CouldNotRun(f"{label} is not an OpenAPI document")
    return loaded


def redocly_report(redocly: Path, api: str, old_text: str, new_text: str) -> dict[str, Any]:
    """Redocly's JSON diff report of the two texts (written to a temporary directory)."""
    if not redocly.is_file():
        raise CouldNotRun(f"{redocly} is missing: run `make install`")
    with tempfile.TemporaryDirectory(prefix="specdiff-") as temp:
        root = Path(temp)
        for side, text in (("base", old_text), ("revision", new_text)):
            (root / side).mkdir()
            (root / side / f"{api}.yaml").write_text(text, encoding="utf-8")
        (root / "redocly.yaml").write_text(REDOCLY_CONFIG, encoding="utf-8")
        report = root / "report.json"
        command = [str(redocly.resolve()), "diff", "--config", "redocly.yaml", "--format", "json", "--fail-on", "none"]
        command += ["--output", str(report), f"base/{api}.yaml", f"revision/{api}.yaml"]
        env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_NOTIFICATIONS": "true", "NO_COLOR": "1"}
        try:
            done = subprocess.run(command, cwd=root, capture_output=True, timeout=REDOCLY_TIMEOUT, check=False, env=env)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise CouldNotRun(f"redocly diff failed: {error}") from None
        if done.returncode != 0 or not report.is_file():
            lines = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
            raise CouldNotRun(f"redocly diff failed (exit {done.returncode}): {lines[-1] if lines else ''}")
        if report.stat().st_size > MAX_REPORT_BYTES:
            raise CouldNotRun(f"redocly's report is larger than {MAX_REPORT_BYTES} bytes")
        try:
            parsed = json.loads(report.read_text(encoding="utf-8"))
        except ValueError as error:
            raise CouldNotRun(f"redocly's report is not JSON: {error}") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("changes"), list):
        raise CouldNotRun("redocly's report has no list of changes")
    return parsed


def _walk(node: object) -> Iterator[Mapping[str, Any]]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Mapping):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def known_enums(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """The ``...Known`` schemas of the spec's open enumerations, by name, with their values."""
    schemas = spec.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"
    found: dict[str, list[str]] = {}
    for node in _walk(spec):
        if node.get("x-open-enum") is not True or not isinstance(node.get("anyOf"), list):
            continue
        for branch in node["anyOf"]:
            ref = branch.get("$ref") if isinstance(branch, Mapping) else None
            if isinstance(ref, str) and ref.startswith(prefix):
                name = ref.removeprefix(prefix)
                values = schemas.get(name, {}).get("enum")
                if isinstance(values, list):
                    found[name] = [str(value) for value in values]
    return found


def known_value_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Known values of the open enumerations added (not breaking) or removed (breaking for a client)."""
    before, after = known_enums(old), known_enums(new)
    changes = []
    for name in sorted(before.keys() | after.keys()):
        old_values, new_values = before.get(name, []), after.get(name, [])
        operations = sorted(users(new if name in after else old, {"base": {"pointer": f"#/components/schemas/{name}"}}))
        place = f"schema {name}" + (f" (in {', '.join(operations)})" if operations else "")
        for value in old_values:
            if value not in new_values:
                what = (
                    f"known value `{value}` removed: the generated enum loses its member (the field stays open, "
                    "a server may still send it as a string)"
                )
                changes.append(Change(True, place, what, KNOWN_RULE))
        for value in new_values:
            if value not in old_values:
                what = f"known value `{value}` added: a new typed member (the field stays open)"
                changes.append(Change(False, place, what, KNOWN_RULE))
    return changes


def _tokens(pointer: str) -> list[str]:
    if not pointer.startswith("#/"):
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[2:].split("/")]


def _deref(spec: Mapping[str, Any], node: object) -> object:
    for _ in range(32):  # a chain of refs, bounded (a cycle ends here)
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
            break
        node = _resolve(spec, _tokens(node["$ref"]), follow=False)
    return node


def _resolve(spec: Mapping[str, Any], tokens: Sequence[str], *, follow: bool = True) -> object:
    """The node at ``tokens``, following local ``$ref``s on the way and at the end (None when absent)."""
    node: object = spec
    for token in tokens:
        node = _deref(spec, node) if follow else node
        if isinstance(node, Mapping):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return _deref(spec, node) if follow else node


def _field(tokens: Sequence[str]) -> str:
    """A schema's place as a field path: ``data[].query.conditions[].scope``."""
    out = ""
    index = 0
    while index < len(tokens):
        part = tokens[index]
        if part == "properties" and index + 1 < len(tokens):
            out += ("." if out else "") + tokens[index + 1]
            index += 2
            continue
        if part == "items":
            out += "[]"
        elif part == "additionalProperties":
            out += "{}"
        index += 1 if part not in ("anyOf", "oneOf", "allOf") else 2
    return out


def where(change: Mapping[str, Any], old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """Redocly's location of a change in the API's terms: the operation, then the parameter, body or
    status, then the field."""
    tokens = _tokens(str(change.get("path", "")))
    spec = old if change.get("kind") == "removed" else new
    if len(tokens) < 2 or tokens[0] != "paths":
        return "/".join(tokens) or "the document"
    path = tokens[1]
    if len(tokens) < 3 or tokens[2] not in METHODS:
        item = _resolve(spec, tokens[:2])
        operations = [
            f"{method.upper()} {operation.get('operationId', '?')}"
            for method, operation in (item.items() if isinstance(item, Mapping) else [])
            if method in METHODS and isinstance(operation, Mapping)
        ]
        below = f" {'/'.join(tokens[2:])}" if len(tokens) > 2 else ""
        return f"path {path}{below}" + (f" ({', '.join(operations)})" if operations and not below else "")
    method = tokens[2]
    operation = _resolve(spec, tokens[:3])
    operation_id = operation.get("operationId") if isinstance(operation, Mapping) else None
    place = f"{method.upper()} {path}" + (f" ({operation_id})" if operation_id else "")
    rest = tokens[3:]
    if rest[:1] == ["parameters"] and len(rest) >= 2:
        parameter = _resolve(spec, tokens[:5])
        if isinstance(parameter, Mapping):
            place += f", {parameter.get('in', '?')} parameter `{parameter.get('name', '?')}`"
        field = _field(rest[3:]) if rest[2:3] == ["schema"] else ""
    elif rest[:1] == ["requestBody"]:
        place += ", request body" + (f" ({rest[2]})" if len(rest) > 2 else "")
        field = _field(rest[4:])
    elif rest[:1] == ["responses"] and len(rest) >= 2:
        place += f", response {rest[1]}"
        if rest[2:3] == ["headers"] and len(rest) > 3:
            place += f" header {rest[3]}"
            field = ""
        else:
            place += f" ({rest[3]})" if len(rest) > 3 else ""
            field = _field(rest[5:])
    elif rest[:1] == ["security"]:
        place += ", security"
        field = ""
    else:
        field = "/".join(rest)
    if field:
        place += f": {field}"
    component = _component(change)
    place += f" (schema {component})" if component else ""
    others = sorted(users(spec, change) - {str(operation_id)})
    return place + (f" (also in {', '.join(others)})" if others else "")


def users(spec: Mapping[str, Any], change: Mapping[str, Any]) -> set[str]:
    """The operationIds whose parameters, bodies or responses reach the component the change is in (Redocly
    reports a change to a shared component once, at its first use)."""
    pointer = ""
    for side in ("revision", "base"):
        located = change.get(side)
        if isinstance(located, Mapping) and isinstance(located.get("pointer"), str):
            pointer = located["pointer"]
            break
    tokens = _tokens(pointer)
    if tokens[:1] != ["components"] or len(tokens) < 3:
        return set()
    target = "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in tokens[:3])
    found = set()
    for item in (spec.get("paths") or {}).values():
        for method, operation in item.items() if isinstance(item, Mapping) else []:
            if method in METHODS and isinstance(operation, Mapping) and target in _refs(spec, operation):
                found.add(str(operation.get("operationId", f"{method.upper()} ?")))
    return found


def _refs(spec: Mapping[str, Any], node: object) -> set[str]:
    """Every local ``$ref`` reachable from ``node``, through the components it names."""
    seen: set[str] = set()
    stack = [node]
    while stack:
        for current in _walk(stack.pop()):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                seen.add(ref)
                stack.append(_resolve(spec, _tokens(ref), follow=False))
    return seen


def _component(change: Mapping[str, Any]) -> str:
    for side in ("revision", "base"):
        located = change.get(side)
        pointer = located.get("pointer") if isinstance(located, Mapping) else None
        tokens = _tokens(pointer) if isinstance(pointer, str) else []
        if tokens[:2] == ["components", "schemas"] and len(tokens) > 2:
            return tokens[2] + (f".{_field(tokens[3:])}" if _field(tokens[3:]) else "")
    return ""


NODE_NAMES = {
    "PathItem": "path",
    "Operation": "operation",
    "Parameter": "parameter",
    "RequestBody": "request body",
    "Response": "response",
    "MediaType": "media type",
    "Schema": "schema",
    "SecurityRequirement": "security requirement",
    "SecurityScheme": "security scheme",
}


def _what(change: Mapping[str, Any]) -> str:
    """A change no rule judged, in words: ``parameter added``, ``schema `description` modified``."""
    kind = str(change.get("kind", "changed"))
    type_name = str(change.get("typeName", ""))
    name = NODE_NAMES.get(type_name, type_name or "element")
    prop = change.get("property")
    return f"{name} `{prop}` {kind}" if prop else f"{name} {kind}"


DOCUMENTATION = frozenset({"description", "summary", "example", "examples", "title", "externalDocs"})
DOCUMENTATION_NODES = frozenset(
    {"Example", "ExamplesMap", "Info", "Contact", "License", "Tag", "TagList", "ExternalDocs"}
)


def _documentation_only(change: Mapping[str, Any]) -> bool:
    """A change no client code sees: prose, examples, tags, the info object, an ``x-`` extension."""
    prop = str(change.get("property") or "")
    if prop in DOCUMENTATION or prop.startswith("x-"):
        return True
    tokens = _tokens(str(change.get("path", "")))
    if any(token in ("examples", "example") for token in tokens[3:]):
        return True
    return str(change.get("typeName", "")) in DOCUMENTATION_NODES and change.get("impact") != "major"


def classify(report: Mapping[str, Any], old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Redocly's changes as ``Change``s, its enum verdicts on ``...Known`` schemas replaced by ours."""
    known = known_enums(old).keys() | known_enums(new).keys()
    known_pointers = {f"#/components/schemas/{name}/enum" for name in known}
    changes: list[Change] = []
    documentation = 0
    for change in report.get("changes", []):
        if not isinstance(change, Mapping):
            continue
        pointers = {
            side.get("pointer") for side in (change.get("base"), change.get("revision")) if isinstance(side, Mapping)
        }
        on_known = change.get("property") == "enum" and bool(pointers & known_pointers)
        verdicts = [
            verdict
            for verdict in change.get("verdicts", [])
            if isinstance(verdict, Mapping)
            and not (
                verdict.get("ruleId") in ENUM_RULES
                and (on_known or verdict.get("location", {}).get("pointer") in known_pointers)
            )
        ]
        if on_known and not verdicts:
            continue
        if not verdicts and _documentation_only(change):
            documentation += 1
            continue
        place = where(change, old, new)
        if verdicts:
            for verdict in verdicts:
                breaking = verdict.get("impact") == "major"
                changes.append(Change(breaking, place, str(verdict.get("message", "")), str(verdict.get("ruleId"))))
        else:
            breaking = change.get("impact") == "major"
            changes.append(Change(breaking, place, _what(change), f"redocly {change.get('impact', '?')}"))
    if documentation:
        what = f"{documentation} change(s) of descriptions, summaries, examples or x- extensions, not listed"
        changes.append(Change(False, "documentation", what, "redocly patch"))
    return changes + known_value_changes(old, new)


def compare(
    repo: Path, api: str, old_ref: str, new_ref: str | None, redocly: Path
) -> tuple[list[Change], dict[str, Any]]:
    """The changes to ``openapi/<api>.yaml`` from ``old_ref`` to ``new_ref`` (None: the working tree)."""
    old_text = read_spec(repo, old_ref, api)
    new_text = read_spec(repo, new_ref, api)
    old, new = (
        load(old_text, f"{api}.yaml at {old_ref}"),
        load(new_text, f"{api}.yaml at {new_ref or 'the working tree'}"),
    )
    report = redocly_report(redocly, api, old_text, new_text)
    return classify(report, old, new), report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make diff",
        description="What changed between two versions of the specs, each change breaking or not for a client.",
        allow_abbrev=False,
    )
    parser.add_argument("--old", required=True, help="the git ref of the old version")
    parser.add_argument("--new", default=None, help="the git ref of the new version (default: the working tree)")
    parser.add_argument("--api", choices=APIS, action="append", help="one API (default: both)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the checkout (default: the current directory)")
    parser.add_argument("--redocly", type=Path, default=None, help="the Redocly CLI (default: the checkout's)")
    args = parser.parse_args(argv)
    repo: Path = args.repo
    redocly: Path = args.redocly or repo / "node_modules/.bin/redocly"
    if args.redocly is None and not redocly.is_file():
        redocly = CHECKOUT / "node_modules/.bin/redocly"
    status = 0
    new_label = args.new or "the working tree"
    for api in args.api or APIS:
        print(printable(f"{api}: {SPEC_DIR}/{api}.yaml, {args.old} -> {new_label}"))
        try:
            changes, _ = compare(repo, api, args.old, args.new, redocly)
        except CouldNotRun as error:
            print(printable(f"  could not compare: {error}"), file=sys.stderr)
            status = 2
            continue
        for change in sorted(changes, key=lambda change: (not change.breaking, change.where, change.what)):
            print(change.line())
        breaking = sum(change.breaking for change in changes)
        print(printable(f"{api}: {breaking} breaking, {len(changes) - breaking} not breaking"))
        if breaking and status == 0:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
