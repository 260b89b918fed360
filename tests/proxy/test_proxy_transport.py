"""How the proxy forwards: upstream failures, redirects, bodies larger than its cap, content codings, requests
the spec forbids or allows, paths the specs do not document.

A small scripted upstream (``Upstream``) answers what each test needs and keeps what it received.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from datasync_openapi.mock import DEMO_TOKEN, create_app
from datasync_openapi.server import free_port, running
from tests.apps.proxy_helpers import findings, proxied, report

AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}"}
CAP = 64 * 1024
EXCHANGE = "e1000000-0000-4000-8000-000000000001"


def _exchange(n: int) -> dict[str, Any]:
    return {
        "id": f"e1000000-0000-4000-8000-{n:012d}",
        "state": "created",
        "error_count": 0,
        "metadata": {"n": "x" * 40},
    }


BIG_LIST = json.dumps({"data": [_exchange(n) for n in range(2000)], "paging": {"next": None}}).encode()
DRIFTING_SCHEDULES = json.dumps(
    {"data": [{"id": "5c4ed000-0000-4000-8000-000000000001", "enabled": "true"}], "paging": {"next": None}}
).encode()


class Upstream:
    """Answers by method and path; keeps (method, path, body) of every request it received."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, bytes]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        parts = []
        while True:
            message = await receive()
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(parts)
        self.received.append((scope["method"], scope["path"], body))
        status, headers, payload = self.answer(scope["method"], scope["path"], body)
        headers = [(b"content-length", str(len(payload)).encode()), *headers]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    @staticmethod
    def answer(method: str, path: str, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        as_json = [(b"content-type", b"application/json")]
        if path == "/v2/grades/consumer":
            return 302, [(b"location", b"https://login.example/next?return=/v2/grades/consumer")], b""
        if path == "/v2/grades/exchanges":
            return 200, as_json, BIG_LIST
        if path == "/v2/grades/schedules":
            return 200, [*as_json, (b"content-encoding", b"gzip")], gzip.compress(DRIFTING_SCHEDULES, mtime=0)
        if path.endswith("/data"):
            return 200, as_json, json.dumps({"data": _exchange(1)}).encode()
        if path == "/v2/grades/batch":
            return 200, as_json, b'{"data":[],"paging":{"next":null}}'
        if path == "/v2/grades/batch/count":
            error = {"status": 400, "code": "invalid", "message": "no", "ext_message": None, "details": None}
            return 400, as_json, json.dumps({"error": error}).encode()
        return 404, [(b"content-type", b"text/plain")], b"404 page not found\n"


@pytest.fixture
def upstream() -> Iterator[tuple[Upstream, str]]:
    app = Upstream()
    with running(app) as base:
        yield app, base


def test_an_upstream_that_is_down_is_a_clear_502() -> None:
    with proxied(f"http://127.0.0.1:{free_port()}") as (_, base):
        answer = httpx.get(f"{base}/v2/grades/exchanges", headers=AUTH)
        found = findings(base)
    assert answer.status_code == 502
    error = answer.json()["error"]
    assert (error["status"], error["code"], error["message"]) == (502, "upstream_unreachable", "Bad gateway")
    assert error["details"].startswith("cannot connect to http://127.0.0.1:")
    transport = found["grades GET /exchanges transport connection failed"]
    assert transport["class"] == "transport"


@pytest.mark.slow
def test_an_upstream_that_does_not_answer_in_time_is_a_clear_504() -> None:
    with running(create_app()) as mock, proxied(mock, timeout=0.3) as (_, base):
        slow = {**AUTH, "X-Mock-Fault": "delay=3"}  # the mock's fault header, passed through like any header
        answer = httpx.get(f"{base}/v2/grades/exchanges", headers=slow)
        after = httpx.get(f"{base}/v2/grades/exchanges", headers=AUTH)  # the proxy is fine afterwards
        found = findings(base)
    assert answer.status_code == 504
    error = answer.json()["error"]
    assert (error["status"], error["code"], error["message"]) == (504, "upstream_timeout", "Gateway timeout")
    assert "within 0.3 s (ReadTimeout)" in error["details"]
    assert after.status_code == 200
    assert found["grades GET /exchanges transport request timed out"]["class"] == "transport"


def test_a_redirect_is_passed_on_not_followed(upstream: tuple[Upstream, str]) -> None:
    app, origin = upstream
    with proxied(origin) as (_, base):
        answer = httpx.get(f"{base}/v2/grades/consumer", headers=AUTH)
        found = findings(base)
    assert answer.status_code == 302
    assert answer.headers["location"] == "https://login.example/next?return=/v2/grades/consumer"
    assert [(m, p) for m, p, _ in app.received] == [("GET", "/v2/grades/consumer")]
    assert "grades GET /consumer status_code_conformance status 302" in found


def test_bodies_larger_than_the_cap_stream_through_unchecked(upstream: tuple[Upstream, str], tmp_path: Any) -> None:
    app, origin = upstream
    big = json.dumps({"assignments": [{"name": "x" * 100}] * 1000, "final": True}).encode()
    assert len(big) > CAP
    har = tmp_path / "big.har"
    with proxied(origin, max_body=CAP, record=har) as (_, base):
        listed = httpx.get(f"{base}/v2/grades/exchanges", headers=AUTH)
        posted = httpx.post(
            f"{base}/v2/grades/exchanges/{EXCHANGE}/data",
            content=big,
            headers={**AUTH, "content-type": "application/json"},
        )
        data = report(base)
    assert listed.content == BIG_LIST  # every byte, unchanged
    assert posted.status_code == 200
    assert app.received[-1][2] == big
    grades = next(r for r in data["results"] if r["api"] == "grades")
    assert grades["findings"] == []
    assert grades["notes"] == [
        f"request bodies larger than {CAP} bytes streamed through; parameters checked",
        f"responses larger than {CAP} bytes streamed through unchecked",
    ]
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    assert entries[0]["response"]["content"]["comment"].startswith(f"not recorded: larger than {CAP} bytes")
    assert entries[1]["request"]["postData"]["comment"] == f"not recorded: larger than {CAP} bytes"


def test_a_gzip_encoded_answer_is_checked_and_passed_on_encoded(upstream: tuple[Upstream, str]) -> None:
    _, origin = upstream
    with proxied(origin) as (_, base):
        with httpx.Client() as http:
            request = http.build_request("GET", f"{base}/v2/grades/schedules", headers=AUTH)
            answer = http.send(request, stream=True)
            raw = b"".join(answer.iter_raw())
            answer.close()
        found = findings(base)
    assert answer.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == DRIFTING_SCHEDULES
    assert "grades GET /schedules response_schema_conformance /data/*/enabled type" in found


def test_requests_are_checked_against_the_spec(upstream: tuple[Upstream, str]) -> None:
    _, origin = upstream
    with proxied(origin) as (_, base):
        accepted = httpx.get(f"{base}/v2/grades/batch", params={"page": "abc"}, headers=AUTH)
        refused = httpx.get(f"{base}/v2/grades/batch/count", headers=AUTH)
        unknown = httpx.get(f"{base}/v2/grades/not-an-operation", headers=AUTH)
        data = report(base)
    assert (accepted.status_code, refused.status_code, unknown.status_code) == (200, 400, 404)
    grades = next(r for r in data["results"] if r["api"] == "grades")
    found = {f["key"]: f for f in grades["findings"]}
    lenient = found["grades GET /batch negative_data_rejection query.page"]
    assert lenient["class"] == "accepts-invalid"
    assert lenient["message"] == "query parameter 'page' must be an integer, got 'abc'"
    assert lenient["fails_run"] is False  # reported, but by default it fails nothing (a foreign server)
    assert found["grades GET /batch/count positive_data_acceptance status 400"]["class"] == "rejects-valid"
    assert grades["notes"] == ["requests to paths or methods the specs do not document, passed through unchecked"]
    assert "GET /not-an-operation" not in grades["coverage"]["per_operation"]


def test_proxy_controls(upstream: tuple[Upstream, str]) -> None:
    _, origin = upstream
    with proxied(origin) as (_, base):
        assert httpx.get(f"{base}/_proxy/health").json() == {"status": "ok"}
        missing = httpx.get(f"{base}/_proxy/nothing")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


class LinkingUpstream:
    """Answers list pages whose ``paging.next`` is an absolute link into itself (as the vendor's API does), a
    redirect into itself, and a page linking elsewhere; gzip-encoded when asked with ``?gzip=1``."""

    def __init__(self) -> None:
        self.origin = ""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        query = scope["query_string"].decode()
        if scope["path"] == "/v2/grades/consumer":
            status, headers, body = 302, [(b"location", f"{self.origin}/v2/grades/exchanges?page=1".encode())], b""
        elif scope["method"] == "POST":
            status, headers, body = 201, [(b"location", f"{self.origin}/v2/grades/things/1".encode())], b""
        else:
            page = 1 if "page=1" in query else 0
            link = None if page else f"{self.origin}/v2/grades/exchanges?page=1"
            if "elsewhere" in query:
                link = "https://elsewhere.example/v2/grades/exchanges?page=1"
            item = {**_exchange(page), "error_count": "3"} if "drift" in query else _exchange(page)
            if "twice" in query:  # the link's bytes twice in the body: the rewrite encodes the whole body again
                item["metadata"] = {"n": link or ""}
            status, body = 200, json.dumps({"data": [item], "paging": {"next": link}}).encode()
            headers = [(b"content-type", b"application/json")]
            if "gzip=1" in query:
                body = gzip.compress(body, mtime=0)
                headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_paging_links_into_the_upstream_point_at_the_proxy(encoding: str) -> None:
    linking = LinkingUpstream()
    with running(linking) as origin:
        linking.origin = origin
        with proxied(origin) as (_, base):
            query = "?gzip=1" if encoding == "gzip" else ""
            first = httpx.get(f"{base}/v2/grades/exchanges{query}", headers=AUTH)
            second = httpx.get(first.json()["paging"]["next"], headers=AUTH)
            redirect = httpx.get(f"{base}/v2/grades/consumer", headers=AUTH)
            elsewhere = httpx.get(f"{base}/v2/grades/exchanges?elsewhere=1", headers=AUTH)
            created = httpx.post(f"{base}/v2/grades/things", headers=AUTH)
            found = findings(base)
    assert first.json()["paging"]["next"] == f"{base}/v2/grades/exchanges?page=1"
    assert first.headers["content-length"] == str(len(first.content))
    assert "content-encoding" not in first.headers  # a rewritten answer is sent decoded
    assert second.json() == {"data": [_exchange(1)], "paging": {"next": None}}
    assert redirect.status_code == 302
    assert redirect.headers["location"] == f"{base}/v2/grades/exchanges?page=1"
    assert elsewhere.json()["paging"]["next"] == "https://elsewhere.example/v2/grades/exchanges?page=1"
    assert created.headers["location"] == f"{base}/v2/grades/things/1"
    assert [key for key in found if "exchanges" in key] == []  # checked as the upstream sent it: conforming


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("shape", ["drift", "drift&twice"])
def test_a_paged_answer_is_parsed_once_and_checked_as_the_upstream_sent_it(
    strict: bool, shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datasync_openapi.proxy import app as proxy_app
    from datasync_openapi.proxy import checks

    parsed: list[bytes] = []
    loads = checks.loads_json

    def counting(raw: bytes) -> Any:
        parsed.append(raw)
        return loads(raw)

    monkeypatch.setattr(proxy_app, "loads_json", counting)
    monkeypatch.setattr(checks, "loads_json", counting)
    linking = LinkingUpstream()
    with running(linking) as origin:
        linking.origin = origin
        with proxied(origin, strict=strict) as (_, base):
            page = httpx.get(f"{base}/v2/grades/exchanges?{shape}", headers=AUTH)
            found = findings(base)
    assert page.status_code == (502 if strict else 200)
    if not strict:
        assert page.json()["paging"]["next"] == f"{base}/v2/grades/exchanges?page=1"
    pages = [raw for raw in parsed if b'"paging"' in raw]
    assert len(pages) == 1, "the page was parsed more than once"
    assert origin.encode() in pages[0]  # the check saw the upstream's own link, not the rewritten one
    drift = [f for f in found.values() if f["operation"] == "GET /exchanges"]
    assert [f["location"] for f in drift] == ["/data/*/error_count type"]


def test_a_generated_client_pages_through_the_proxy() -> None:
    """The generated clients follow paging links only on the origin they were given: without the rewrite the
    second page was a ForeignLinkError (and any other client left the proxy after the first page)."""
    from datasync_grades.runtime import connect, paginate_json

    with running(create_app()) as mock, proxied(mock) as (_, base):
        with connect(f"{base}/v2/grades", token=DEMO_TOKEN) as client:
            items = list(paginate_json(client, "/exchanges", page_size=2))
        direct = httpx.get(f"{mock}/v2/grades/exchanges", headers=AUTH).json()["data"]
        data = report(base)
    assert [item["id"] for item in items] == [item["id"] for item in direct]
    grades = next(r for r in data["results"] if r["api"] == "grades")
    listed = next(op for op in grades["coverage"]["per_operation"] if op["operation"] == "GET /exchanges")
    assert listed["cases"] == 3  # every page went through the proxy
    assert grades["findings"] == []


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("sniffio") is not None, reason="sniffio is installed here")
def test_sniffio_is_marked_absent_only_when_the_httpx_transport_is_used() -> None:
    """Importing or starting the proxy leaves sys.modules alone; its httpx fallback (an environment proxy
    applies to the upstream) marks sniffio absent, which saves httpcore a failed import per request."""
    code = """
import sys
from datasync_openapi.proxy import ProxyApp, ProxyConfig
app = ProxyApp(ProxyConfig(upstream="http://127.0.0.1:9"))
app.start()
print(type(app.transport).__name__, "sniffio" in sys.modules)
"""
    seen = []
    for proxy in ("", "http://127.0.0.1:9"):
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env.update({"HTTP_PROXY": proxy} if proxy else {})
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        seen.append(done.stdout.strip())
    assert seen == ["UpstreamPool False", "_HttpxUpstream True"]
