"""Reports a person (and a CI tool) reads: plain text, Markdown, JUnit XML, JSON and one self-contained HTML page.

Every report starts with the run's parameters (target, API, seed, phases, checks, budget, rate, versions;
never a secret), groups findings by class, marks each one new or known to the baseline, and gives the
coverage truth: which operations reached a 2xx and which were never exercised, and why.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from . import neutral
from .model import CLASS_DESCRIPTIONS, Finding, Result, result_from_dict

# The JSON report's layout: raised when a key changes meaning or goes away (tools reading reports check it).
FORMAT_VERSION = 1


def first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else ""


def _tag(result: Result, finding: Finding) -> str:
    if not result.is_new(finding):
        return "known"
    return "NEW" if finding.cls in result.fail_on else "new, reported only"


# -- text ------------------------------------------------------------------------------------------------------
def summary(result: Result) -> str:
    """What stdout shows: coverage per operation, findings by class (each new one with its hint and curl)."""
    lines = [
        f"## {result.api}: {result.verdict()}  {result.target}",
        f"   {result.cases} cases in {result.elapsed:.1f} s; {result.reached()} of {len(result.operations)} "
        f"operations reached a 2xx; {len(result.findings)} distinct findings "
        f"({len(result.failing())} failing the run)",
    ]
    width = max((len(label) for label in result.operations), default=10)
    for label, op in sorted(result.operations.items()):
        reason = op.not_exercised_reason()
        mark = f"NOT EXERCISED ({reason})" if reason else "ok"
        lines.append(f"   {label:<{width}}  {op.cases:>5} cases  statuses {op.status_text():<28} {mark}")
    lines.extend(f"   skipped {s}" for s in result.skipped)
    for cls, findings in result.by_class().items():
        lines.append(f"   {cls}: {len(findings)} ({CLASS_DESCRIPTIONS[cls]})")
        for finding in findings:
            lines.append(f"     [{_tag(result, finding)}] {finding.operation}: {finding.title} ({finding.location})")
            if result.is_new(finding):
                if finding.hint:
                    lines.append(f"        hint: {finding.hint}")
                if finding.reproduce:
                    lines.append(f"        {first_line(finding.reproduce)}")
    lines.extend(f"   fixed (in the baseline, not seen): {e['key']}" for e in result.fixed)
    lines.extend(f"   ERROR {e}" for e in result.errors)
    lines.extend(f"   note: {n}" for n in result.notes)
    lines.extend(f"   left behind: {item}" for item in result.left_behind)
    # Each line holds what servers sent (values, keys, ids, messages): printed as text, never as control.
    return "\n".join(neutral.terminal(line) for line in lines)


def _parameter_rows(result: Result) -> list[tuple[str, str]]:
    return [("target", result.target), ("api", result.api), *sorted(result.parameters.items())]


# -- Markdown --------------------------------------------------------------------------------------------------
def write_markdown(results: Sequence[Result], path: Path, title: str = "Conformance report") -> None:
    """Every text that may come from a server goes through ``neutral``: no raw HTML, link or image in the page."""
    md, code = neutral.markdown, neutral.markdown_code
    out = [f"# {md(title)}", ""]
    for result in results:
        out += [f"## {md(result.api)}: {result.verdict()}", "", "| Parameter | Value |", "|---|---|"]
        out += [f"| {md(name, table=True)} | {code(value, table=True)} |" for name, value in _parameter_rows(result)]
        out += [
            "",
            f"{result.cases} cases in {result.elapsed:.1f} s. **{result.reached()} of {len(result.operations)} "
            f"operations reached a 2xx.** {len(result.findings)} distinct findings, "
            f"{len(result.failing())} failing the run.",
            "",
            "| Operation | Cases | Statuses received | Documented statuses seen | 2xx |",
            "|---|---:|---|---|---|",
        ]
        for label, op in sorted(result.operations.items()):
            reason = op.not_exercised_reason()
            documented = ", ".join(op.observed_documented()) or "-"
            reached = "yes" if not reason else "NOT EXERCISED: " + md(reason, table=True)
            out.append(
                f"| {code(label, table=True)} | {op.cases} | {md(op.status_text(), table=True)} | "
                f"{md(documented, table=True)} | {reached} |"
            )
        out.append("")
        if result.skipped:
            out += ["Skipped:", ""] + [f"- {md(s)}" for s in result.skipped] + [""]
        for cls, findings in result.by_class().items():
            out += [f"### {cls} ({len(findings)}): {CLASS_DESCRIPTIONS[cls]}", ""]
            for finding in findings:
                out += [
                    f"#### [{_tag(result, finding)}] {md(finding.operation)}: {md(finding.title)}",
                    "",
                    f"- key: {code(finding.key)}",
                    f"- check: {code(finding.check)}, seen {finding.occurrences}x",
                ]
                if finding.hint:
                    out.append(f"- hint: {md(finding.hint)}")
                out += ["", *neutral.markdown_block(finding.message.strip()[:2000]), ""]
                if finding.reproduce:
                    out += ["Reproduce:", "", *neutral.markdown_block(finding.reproduce.strip(), "sh"), ""]
        if result.fixed:
            out += ["### Fixed (in the baseline, not seen this run)", ""]
            out += [f"- {code(e['key'])}" for e in result.fixed] + [""]
        for title, items in (("Errors", result.errors), ("Notes", result.notes), ("Left behind", result.left_behind)):
            if items:
                out += [f"### {title}", ""] + [f"- {md(item)}" for item in items] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# -- JUnit -----------------------------------------------------------------------------------------------------
def write_junit(result: Result, path: Path, prefix: str = "conformance") -> None:
    """One test case per operation (a <failure> per failing finding, the coverage as system-out), one per class.
    The test suite is named ``<prefix>-<api>``."""
    failing = result.failing()
    suite = ET.Element(
        "testsuite",
        name=f"{prefix}-{result.api}",
        tests=str(len(result.operations)),
        failures=str(len(failing) + (0 if result.allow_not_exercised else len(result.not_exercised()))),
        errors=str(len(result.errors)),
        time=f"{result.elapsed:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in _parameter_rows(result):
        ET.SubElement(properties, "property", name=name, value=value)
    for label, op in sorted(result.operations.items()):
        case = ET.SubElement(suite, "testcase", classname=result.api, name=label)
        ET.SubElement(
            case, "system-out"
        ).text = (
            f"{op.cases} cases; statuses {op.status_text()}; documented seen: {', '.join(op.observed_documented())}"
        )
        reason = op.not_exercised_reason()
        if reason and not result.allow_not_exercised:
            ET.SubElement(case, "failure", type="not-exercised", message=f"never reached a 2xx: {reason}")
        for finding in (f for f in failing if f.operation == label):
            failure = ET.SubElement(
                case, "failure", type=str(finding.cls), message=f"{finding.title} ({finding.location})"
            )
            failure.text = "\n\n".join(
                part for part in (finding.hint or "", finding.message, "Reproduce with:\n" + finding.reproduce) if part
            )
    for error in result.errors:
        case = ET.SubElement(suite, "testcase", classname=result.api, name="errors")
        ET.SubElement(case, "error", message=error[:200]).text = error
    for skipped in result.skipped:
        case = ET.SubElement(suite, "testcase", classname=result.api, name=skipped.split(":")[0])
        ET.SubElement(case, "skipped", message=skipped)
    # Server text (ids, media types, JSON keys, messages) may hold characters XML cannot: replace them.
    for element in suite.iter():
        if element.text is not None:
            element.text = neutral.xml(element.text)
        element.attrib = {name: neutral.xml(value) for name, value in element.attrib.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


# -- JSON ------------------------------------------------------------------------------------------------------
def write_json(result: Result, path: Path) -> None:
    """``format_version`` first: what a tool reading the report checks before it reads anything else."""
    document = {"format_version": FORMAT_VERSION, **result.to_dict()}
    text = json.dumps(document, indent=2, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(neutral.json_text(text) + "\n", encoding="utf-8")


# -- HTML ------------------------------------------------------------------------------------------------------
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#1b1b1b;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0 1.2em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f3f3f3}.PASS{color:#0a6b2d}.FAIL{color:#b00020}.bad{background:#fde8ea}
code,pre{font-family:ui-monospace,monospace;font-size:12.5px}pre{background:#f6f6f6;padding:.6em;overflow-x:auto}
.tag{display:inline-block;padding:0 .4em;border-radius:3px;font-size:12px;background:#eee}
.tag.NEW{background:#b00020;color:#fff}.hint{background:#eef6ff;padding:.3em .6em;border-left:3px solid #3a7bd5}
details{margin:.4em 0 .8em}
"""


_e = neutral.html


def render_html(results: Sequence[Result], title: str = "Conformance report") -> str:
    """One self-contained page: inline CSS, no scripts, no network assets."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
    ]
    for result in results:
        parts.append(f'<section id="{_e(result.api)}">')
        parts.append(f'<h2>{_e(result.api)}: <span class="{result.verdict()}">{result.verdict()}</span></h2>')
        parts.append("<table><tr><th>Parameter</th><th>Value</th></tr>")
        parts += [f"<tr><td>{_e(n)}</td><td><code>{_e(v)}</code></td></tr>" for n, v in _parameter_rows(result)]
        parts.append("</table>")
        parts.append(
            f"<p>{result.cases} cases in {result.elapsed:.1f} s. <strong>{result.reached()} of "
            f"{len(result.operations)} operations reached a 2xx.</strong> {len(result.findings)} distinct findings, "
            f"{len(result.failing())} failing the run.</p>"
        )
        parts.append(
            "<table><tr><th>Operation</th><th>Cases</th><th>Statuses received</th>"
            "<th>Documented statuses seen</th><th>Reached 2xx</th><th>Findings</th></tr>"
        )
        for label, op in sorted(result.operations.items()):
            reason = op.not_exercised_reason()
            count = sum(1 for f in result.findings if f.operation == label)
            parts.append(
                f'<tr class="{"bad" if reason else ""}"><td><code>{_e(label)}</code></td><td>{op.cases}</td>'
                f"<td>{_e(op.status_text())}</td><td>{_e(', '.join(op.observed_documented()) or '-')}</td>"
                f"<td>{'yes' if not reason else 'NOT EXERCISED: ' + _e(reason)}</td><td>{count}</td></tr>"
            )
        parts.append("</table>")
        for cls, findings in result.by_class().items():
            parts.append(f"<h3>{_e(cls)} ({len(findings)})</h3><p>{_e(CLASS_DESCRIPTIONS[cls])}</p>")
            for finding in findings:
                tag = _tag(result, finding)
                parts.append(
                    f'<h4><span class="tag {"NEW" if tag == "NEW" else ""}">{_e(tag)}</span> '
                    f"{_e(finding.operation)}: {_e(finding.title)}</h4>"
                    f"<p>key <code>{_e(finding.key)}</code>; check <code>{_e(finding.check)}</code>; "
                    f"seen {finding.occurrences}x</p>"
                )
                if finding.hint:
                    parts.append(f'<p class="hint">{_e(finding.hint)}</p>')
                if finding.reproduce:
                    parts.append(f"<pre>{_e(finding.reproduce.strip())}</pre>")
                if finding.message.strip():
                    parts.append(
                        f"<details><summary>details</summary><pre>{_e(finding.message.strip()[:4000])}</pre></details>"
                    )
        if result.baseline_used:
            parts.append("<h3>Baseline</h3><ul>")
            parts.append(f"<li>{len(result.known)} known findings (not failing the run)</li>")
            parts.append(f"<li>{sum(1 for f in result.findings if result.is_new(f))} new findings</li>")
            parts += [f"<li>fixed: <code>{_e(e['key'])}</code></li>" for e in result.fixed]
            parts.append("</ul>")
        for title, items in (
            ("Skipped", result.skipped),
            ("Errors", result.errors),
            ("Notes", result.notes),
            ("Left behind", result.left_behind),
        ):
            if items:
                parts.append(f"<h3>{title}</h3><ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(results: Sequence[Result], path: Path, title: str = "Conformance report") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(results, title), encoding="utf-8")


# -- reading a JSON report back (``datasync report merge``) ------------------------------------------------------
MAX_JSON_REPORT = 64 * 1024 * 1024


class ReportError(ValueError):
    """A file that is not a readable JSON report of one API's run."""


def read_json(path: Path) -> Result:
    """The result a JSON report (``write_json``) holds; ``ReportError`` (one line) when it cannot be read."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_JSON_REPORT + 1)
        if len(raw) > MAX_JSON_REPORT:
            raise ReportError(f"{path} is larger than a report can be")
        data = json.loads(raw)
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ReportError(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ReportError(f"{path} is not a conformance JSON report")
    try:
        return result_from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportError(f"{path} is not a conformance JSON report ({type(exc).__name__}: {exc})") from None


__all__ = [
    "FORMAT_VERSION",
    "ReportError",
    "first_line",
    "read_json",
    "render_html",
    "summary",
    "write_html",
    "write_json",
    "write_junit",
    "write_markdown",
]
