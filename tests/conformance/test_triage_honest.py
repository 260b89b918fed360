"""Honest triage and text: classes, keys, pointers and curl lines say what happened; server text stays data.

End to end against realistic_server.py changed by ``Rewriting`` (a 405 without ``Allow``, UUID path ids
checked like Prism does, hostile text in ids, keys and a Content-Type), and on constructed schemathesis-like
recordings where a server would be overkill.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from markdown_it import MarkdownIt
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from starlette.types import ASGIApp, Receive, Scope, Send

from datasync_openapi import cli, conformance
from datasync_openapi.conformance.triage import Triage
from datasync_openapi.contract import operations
from datasync_openapi.findings import Finding, FindingClass, OperationCoverage, Result, classify, neutral, report
from datasync_openapi.findings.hints import contract_errors
from datasync_openapi.findings.model import normalise_pointer
from datasync_openapi.server import running
from tests.apps.realistic_server import RealisticServer
from tests.apps.rewriting import Headers, Rewriting

TOKEN = "live-token"
EVIL = "\x01\x1b[2J\x1b]0;pwned\x07<script>alert(1)</script><img src=x onerror=alert(2)>\ud800"
EVIL_TYPE = "text/x-<script>alert(3)</script>\x9b2J"
UUID_PATH = re.compile(r"^/v2/grades/batch/([^/]+)/")
RENDER = MarkdownIt("commonmark", {"html": True}).enable("table")  # raw HTML on, as common renderers have it


def _tags(rendered: str) -> list[str]:
    return re.findall(r"<\s*(script|img|a)\b", rendered, flags=re.IGNORECASE)


# -- a server that checks UUID path ids, answers 405 without Allow, and hands out a plain-string batch id -------
class StrictIds:
    """400 for a /batch/{id} that is not a UUID (as a validating server, or Prism, answers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = UUID_PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match is not None:
            try:
                uuid.UUID(match.group(1))
            except ValueError:
                body = json.dumps({"error": {"status": 400, "code": "bad_request", "message": "id: not a UUID"}})
                headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                await send({"type": "http.response.start", "status": 400, "headers": headers})
                await send({"type": "http.response.body", "body": body.encode()})
                return
        await self.app(scope, receive, send)


def _plain_batch_ids(scope: Scope, status: int, body: bytes) -> bytes:
    return re.sub(rb'"batch_exchange_id": ?(null|"[^"]*")', b'"batch_exchange_id": "text"', body)


def _no_allow(scope: Scope, status: int, headers: Headers) -> Headers:
    return [(k, v) for k, v in headers if not (status == 405 and k.lower() == b"allow")]


@pytest.fixture
def prism_like() -> Iterator[str]:
    app = StrictIds(Rewriting(RealisticServer(), body=_plain_batch_ids, headers=_no_allow))
    with running(app) as base:
        yield base


def _prism_like_run(base: str, only: list[str], budget: conformance.Budget) -> conformance.Result:
    url = f"{base}/v2/grades"
    credentials = conformance.Credentials(token=TOKEN)
    preflight = conformance.run_preflight("grades", url, credentials)
    return conformance.run(
        "grades",
        base_url=url,
        credentials=credentials,
        bearer=preflight.bearer,
        ids=preflight.ids,
        writes=True,
        only=only,
        budget=budget,
        manners=conformance.Manners(rate=1000),
    )


@pytest.mark.slow
def test_a_405_without_allow_is_a_response_contract_finding(prism_like: str) -> None:
    budget = conformance.Budget(max_examples=2, phases=("coverage",))
    result = _prism_like_run(prism_like, ["listExchanges", "getExchange"], budget)
    unsupported = [f for f in result.findings if f.check == "unsupported_method"]
    assert unsupported, "no undeclared method was probed: the test proves nothing"
    assert {f.cls for f in unsupported} == {FindingClass.RESPONSE_CONTRACT}
    assert {f.location for f in unsupported} == {"status 405 without Allow"}
    assert {f.operation for f in unsupported} == {"GET /exchanges", "GET /exchanges/{id}"}
    assert all("`Allow` header" in (f.hint or "") for f in unsupported)
    assert {f.key for f in unsupported} <= {f.key for f in result.failing()}


@pytest.mark.slow
def test_a_refused_value_schemathesis_carried_across_resources_is_not_rejects_valid(prism_like: str) -> None:
    only = [
        *("listExchanges", "getExchange", "createExchange", "createBatchExchangeError"),
        *("createBatchExchangeContextData", "getBatchExchangeCourseIds", "listBatchExchanges"),
    ]
    result = _prism_like_run(prism_like, only, conformance.Budget(max_examples=8, phases=("stateful",)))
    # schemathesis fed Exchange.batch_exchange_id ("text") into /batch/{id} (a UUID): the server was right
    refused = [f.key for f in result.findings if f.cls is FindingClass.REJECTS_VALID and "/batch/" in f.operation]
    assert refused == []
    notes = [n for n in result.notes if "values the spec's own types forbid" in n]
    assert notes, ("no case fed a forbidden value: the test proves nothing", result.notes)


# -- auth findings reproduce with the credential the check sent ---------------------------------------------------
def test_auth_curl_lines_send_the_bad_credential_not_the_token() -> None:
    app = RealisticServer(defects={"consumer_ignores_auth"})
    with running(app) as base:
        result = conformance.run(
            "grades",
            base_url=f"{base}/v2/grades",
            credentials=conformance.Credentials(token=TOKEN),
            only=["getConsumer"],
            budget=conformance.Budget(max_examples=3, phases=("coverage", "fuzzing")),
            manners=conformance.Manners(rate=1000),
        )
    auth = {f.location: f for f in result.findings if f.cls is FindingClass.AUTH}
    invalid = auth["api accepts invalid authentication"]
    assert "$TOKEN" not in invalid.reproduce
    assert "[Filtered]" not in invalid.reproduce
    sent = re.search(r"-H '?\"?Authorization: ([^'\"]*)", invalid.reproduce)
    assert sent is not None, invalid.reproduce
    assert sent.group(1) not in ("", TOKEN, f"Bearer {TOKEN}")
    missing = auth["api accepts requests without authentication"]
    assert "Authorization" not in missing.reproduce
    assert all(TOKEN not in f.reproduce for f in result.findings)


# -- one key per finding across phases; pointers in the spec's terms ------------------------------------------------
class _Recorder:
    """The parts of a schemathesis ScenarioRecorder that triage reads."""

    def __init__(self, label: str = "coverage") -> None:
        self.label = label
        self.cases: dict[str, Any] = {}
        self.interactions: dict[str, Any] = {}
        self.checks: dict[str, list[Any]] = {}

    def add(self, case: Any, status: int, check: str, failure: Any, content: bytes = b"{}") -> None:
        case_id = f"c{len(self.cases)}"
        self.cases[case_id] = SimpleNamespace(value=case, parent_id=None)
        response = SimpleNamespace(status_code=status, content=content, headers={})
        self.interactions[case_id] = SimpleNamespace(response=response)
        info = SimpleNamespace(failure=failure, code_sample="curl -X POST -H 'Authorization: [Filtered]' http://h/x")
        self.checks[case_id] = [SimpleNamespace(name=check, status="failure", failure_info=info)]


def _case(label: str, data: Any, components: dict[Any, Any] | None = None, **sent: Any) -> Any:
    operation = SimpleNamespace(label=label)
    meta = SimpleNamespace(phase=SimpleNamespace(name="x", data=data), components=components or {})
    inputs: dict[str, Any] = {"headers": {}, "query": {}, "path_parameters": {}, **sent}
    return SimpleNamespace(operation=operation, meta=meta, **inputs)


def _failure(title: str) -> Any:
    return SimpleNamespace(title=title, message="accepted", case_id=None, operation="")


def test_an_accepted_body_is_one_key_whatever_the_phase() -> None:
    recorder = _Recorder()
    coverage = SimpleNamespace(parameter="application/json", parameter_location=ParameterLocation.BODY)
    fuzzing = SimpleNamespace(parameter=None, parameter_location=None)
    negative = {ParameterLocation.BODY: SimpleNamespace(mode=GenerationMode.NEGATIVE)}
    failure = _failure("Schema-violating request accepted")
    recorder.add(_case("POST /exchanges", coverage), 200, "negative_data_rejection", failure)
    recorder.add(_case("POST /exchanges", fuzzing, negative), 200, "negative_data_rejection", failure)
    triage = Triage("grades")
    triage.scenario(recorder)
    assert list(triage.findings) == ["grades POST /exchanges negative_data_rejection body"]
    assert triage.findings["grades POST /exchanges negative_data_rejection body"].occurrences == 2


def test_a_refusal_of_a_value_the_spec_forbids_is_not_rejects_valid() -> None:
    recorder = _Recorder("Stateful tests")
    failure = _failure("Schema-valid request rejected")
    data = SimpleNamespace(parameter=None, parameter_location=None)
    text_id = _case("GET /batch/{id}/courses", data, path_parameters={"id": "text"})
    real_id = _case("GET /batch/{id}/courses", data, path_parameters={"id": str(uuid.uuid4())})
    recorder.add(text_id, 400, "positive_data_acceptance", failure)
    recorder.add(real_id, 400, "positive_data_acceptance", failure)
    triage = Triage("grades")
    triage.scenario(recorder)
    assert triage.refused_forbidden == 1
    (finding,) = triage.findings.values()
    assert finding.cls is FindingClass.REJECTS_VALID  # a UUID the spec allows, refused: still reported
    assert finding.occurrences == 1


def test_pointers_carry_no_schemathesis_internals() -> None:
    (op,) = [o for o in operations("grades") if o.operation_id == "getExchange"]
    exchange = {
        "id": str(uuid.uuid4()),
        "query": {
            "type": "assignment_scores",
            "conditions": [{"scope_id": {"$sys": {"app_id": {"x-schemathesis-additional": {}}}}}],
        },
    }
    locations = [e.location for e in contract_errors(op, 200, {"data": exchange})]
    assert "/data/query/conditions/*/scope_id/$sys/app_id/* type" in locations
    assert not [loc for loc in locations if "x-schemathesis" in loc]
    assert normalise_pointer("/data/x-schemathesis-unknown-property") == "/data/*"
    assert normalise_pointer("/data/3/x-schemathesis-additional-1/name") == "/data/*/*/name"


def test_unsupported_method_is_a_response_contract_finding() -> None:
    assert classify("unsupported_method") is FindingClass.RESPONSE_CONTRACT


# -- hostile server text: every output keeps it as data ---------------------------------------------------------
def _hostile_body(scope: Scope, status: int, body: bytes) -> bytes:
    if scope["path"] != "/v2/grades/exchanges" or status != 200:
        return body
    document = json.loads(body)
    if document.get("data"):
        document["data"][0]["id"] = "e1" + EVIL[:-1]  # an id preflight discovers
        for exchange in document["data"]:  # a JSON key, in a map whose value drifts
            exchange["query"]["conditions"][0]["scope_id"]["$sys"]["app_id"] = {EVIL[:-1]: 5}
    return json.dumps(document).encode()


def _hostile_type(scope: Scope, status: int, headers: Headers) -> Headers:
    if not scope["path"].endswith("/exchanges/count"):
        return headers
    return [(k, v) for k, v in headers if k != b"content-type"] + [(b"content-type", EVIL_TYPE.encode("latin-1"))]


@pytest.mark.slow
def test_hostile_server_text_is_neutralised_in_every_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = Rewriting(RealisticServer(), body=_hostile_body, headers=_hostile_type)
    with running(app) as base:
        status = cli.main(
            [
                *("conformance", "--api", "grades", "--base-url", f"{base}/v2/grades", "--token", TOKEN),
                *("--rate", "1000", "--phases", "examples,coverage", "--max-examples", "1"),
                *("--include", "listExchanges,countExchanges", "--reports", str(tmp_path)),
            ]
        )
    out = capsys.readouterr().out
    assert status == 1
    _assert_neutral(tmp_path, out, api="grades")
    data = json.loads((tmp_path / "conformance-grades.json").read_text(encoding="utf-8"))
    # the data is kept, as data: the discovered id and the media type are in the JSON report unchanged
    assert "e1" + EVIL[:-1] in data["parameters"]["discovered ids"]
    assert any(EVIL_TYPE in f["key"] for f in data["findings"]), [f["key"] for f in data["findings"]]


def _assert_neutral(directory: Path, out: str, api: str) -> None:
    xml_path = directory / f"conformance-{api}.xml"
    tree = ET.parse(xml_path)  # well-formed, whatever the server sent
    values = " ".join(p.get("value", "") for p in tree.iter("property"))
    assert "<script>" in values, "the hostile text did not reach the JUnit report: the test proves nothing"
    rendered = RENDER.render((directory / "conformance.md").read_text(encoding="utf-8"))
    assert _tags(rendered) == [], [line for line in rendered.splitlines() if _tags(line)][:3]
    assert "&lt;script&gt;" in rendered
    page = (directory / "conformance.html").read_text(encoding="utf-8")
    assert _tags(page.split("<body>", 1)[1]) == []
    for control in ("\x1b", "\x9b", "\x07", "\x01", "\x00"):
        assert control not in out, repr(control)
    assert "<script>" in out  # shown as the text it is
    document = json.loads((directory / f"conformance-{api}.json").read_text(encoding="utf-8"))
    assert document["format_version"] == report.FORMAT_VERSION == 1
    assert next(iter(document)) == "format_version"


def test_every_writer_neutralises_every_field(tmp_path: Path) -> None:
    result = Result(api="grades", target="http://h/v2/grades" + EVIL)
    result.parameters = {"discovered ids": "/exchanges=" + EVIL}
    result.operations = {"GET /exchanges": OperationCoverage("GET /exchanges", ("200",), cases=1)}
    result.findings = [
        Finding(
            api="grades",
            operation="GET /exchanges",
            check="response_schema_conformance",
            cls=FindingClass.RESPONSE_CONTRACT,
            title="Response violates schema: " + EVIL + " ``` ![x](http://evil/p.png) | ` ",
            location="/data/" + EVIL,
            message="```\n</pre><script>alert(9)</script>\n```" + EVIL,
            hint="`x` was " + EVIL + " [link](http://evil)",
            reproduce="curl 'http://h/" + EVIL + "'\n```\n<img src=x onerror=alert(5)>",
        )
    ]
    result.errors = ["GET /x: " + EVIL]
    result.notes = [EVIL]
    result.skipped = ["GET /y: " + EVIL]
    result.left_behind = ["exchange " + EVIL]
    result.fixed = [{"key": "grades GET /z " + EVIL}]
    report.write_junit(result, tmp_path / "conformance-grades.xml")
    report.write_markdown([result], tmp_path / "conformance.md")
    report.write_json(result, tmp_path / "conformance-grades.json")
    report.write_html([result], tmp_path / "conformance.html")
    _assert_neutral(tmp_path, report.summary(result), api="grades")
    rendered = RENDER.render((tmp_path / "conformance.md").read_text(encoding="utf-8"))
    assert [url for url in re.findall(r'(?:href|src)="([^"]*)"', rendered) if "evil" in url] == []
    assert "<pre><code>```" in rendered  # the message's own fence stays inside the block
    assert len(report.summary(result).splitlines()) == len(report.summary(result).split("\n"))


def test_the_neutralising_helpers() -> None:
    every_control = "".join(chr(c) for c in range(32)) + "\x7f\ud800\ufffe"
    clean = neutral.xml(every_control)
    parsed = ET.fromstring(f"<a b={quoteattr(clean)}>{escape(clean)}</a>")
    # tab, line feed and carriage return are XML characters (a parser reads CR as LF); #x7F is allowed too
    assert parsed.text == "\ufffd" * 9 + "\t\n\ufffd\ufffd\n" + "\ufffd" * 18 + "\x7f\ufffd\ufffd"
    assert neutral.terminal("a\x1b[31mb\x1b[0m\x1b]0;t\x07c\x9b2Jd\x07\u202e\r\ne") == "abcd e"
    assert neutral.markdown_code("a``b") == "```a``b```"
    assert neutral.markdown_block("```\nx")[0] == "````"
    assert neutral.markdown("<b>|</b>", table=True) == "&lt;b&gt;\\|&lt;/b&gt;"
    assert neutral.html('"<') == "&quot;&lt;"
    assert json.loads(neutral.json_text(json.dumps("\ud800", ensure_ascii=False))) == "\ud800"
