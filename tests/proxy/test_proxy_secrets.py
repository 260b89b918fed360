"""Every kind of credential through the validating proxy: none reaches the HAR file, a report, the log, or what
``datasync mock --seed-from`` serves from the recording.

The upstream is this file's own: it issues tokens, answers tenants with their ``client_secret`` (the spec's
``format: password``), echoes request bodies and, at the end, a token it saw first, after 300 others.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from datasync_openapi.findings.redact import (
    REDACTED,
    SECRET_WORDS,
    TEMPLATE_SECRET_NAMES,
    Redactor,
    body_hint,
    printable,
    secret_name,
    spec_secret_names,
)
from datasync_openapi.mock import DEMO_TOKEN, MockConfig, create_app
from datasync_openapi.mock import har as seed
from datasync_openapi.proxy import ProxyApp, ProxyConfig
from datasync_openapi.server import running

TENANT = "be0a6d64-54b1-4a5c-9d62-6f9e8b7a1c01"
SECRETS = {
    "bearer header": "bearer-Zq81vLmN0pXa",
    "Basic password": "basic-Pw7HkQ2sWx",
    "token request form client_secret": "form-Cs4RtY9uIo",
    "token request JSON client_secret": "json-Cs5TgB1nMk",
    "token issued (form request)": "issued-At3WeR6tYu",
    "token issued (JSON request)": "issued-At8PlK0jHg",
    "client_secret in GET /tenants": "tenants-Sec2VbN5mQ",
    "client_secret in GET /tenants/{id}": "tenant-Sec6ZxC3vB",
    "?key=": "query-Key9AsD4fG",
    "?auth=": "query-Auth1HjK2lZ",
    "?sig=": "query-Sig3XcV4bN",
    "X-Auth header": "xauth-Hdr5MnB6vC",
    "JSON password field": "json-Pw0QwE1rTy",
    "token echoed after 300 others": "first-Tok2UiO3pAs",
}
BASIC_PAIR = f"account-key:{SECRETS['Basic password']}"
BASIC_BLOB = base64.b64encode(BASIC_PAIR.encode()).decode()
OTHERS = 300


@contextmanager
def proxied(upstream: str, **options: Any) -> Iterator[str]:
    """A proxy in front of ``upstream``; leaving the block stops it (HAR completed, reports written)."""
    with running(ProxyApp(ProxyConfig(upstream=upstream, **options)), lifespan=True, own_headers=False) as base:
        yield base


class Upstream:
    """Issues a token per request, answers tenants with secrets, echoes bodies, remembers the first bearer."""

    def __init__(self) -> None:
        self.first_bearer = ""
        self.issued = [SECRETS["token issued (form request)"], SECRETS["token issued (JSON request)"]]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = dict(scope["headers"])
        authorization = headers.get(b"authorization", b"").decode()
        if authorization.startswith("Bearer ") and not self.first_bearer:
            self.first_bearer = authorization.removeprefix("Bearer ")
        path = scope["path"]
        answer: Any
        if path == "/oauth/token":
            answer = {"access_token": self.issued.pop(0), "token_type": "bearer", "expires_in": 3600}
        elif path == "/v2/interop/tenants":
            answer = {"data": [self._tenant(SECRETS["client_secret in GET /tenants"])], "paging": {}}
        elif path == f"/v2/interop/tenants/{TENANT}":
            answer = {"data": self._tenant(SECRETS["client_secret in GET /tenants/{id}"])}
        elif path == "/v2/grades/consumer":
            answer = {"id": "consumer", "name": f"first client said {self.first_bearer}"}
        else:
            answer = {"data": json.loads(body) if body else {}}
        data = json.dumps(answer).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": data})

    @staticmethod
    def _tenant(secret: str) -> dict[str, Any]:
        auth = {"type": "oauth2", "client_id": "sis-north", "client_secret": secret}
        return {"id": TENANT, "name": "North", "auth": auth}


def _session(base: str) -> None:
    """One request per kind of credential (the bearer first), 300 other bearers, then the echo of the first."""
    first = SECRETS["token echoed after 300 others"]
    with httpx.Client(base_url=base, timeout=10) as client:
        assert client.get("/v2/grades/schedules", headers={"Authorization": f"Bearer {first}"}).status_code == 200
        bearer = {"Authorization": f"Bearer {SECRETS['bearer header']}"}
        client.get("/v2/grades/exchanges", headers=bearer)
        client.get("/v2/interop/tenants", headers={"Authorization": f"Basic {BASIC_BLOB}"})
        form = {
            "grant_type": "client_credentials",
            "client_id": "me",
            "client_secret": SECRETS["token request form client_secret"],
        }
        assert client.post("/oauth/token", data=form).json()["access_token"] == SECRETS["token issued (form request)"]
        as_json = {**form, "client_secret": SECRETS["token request JSON client_secret"]}
        client.post("/oauth/token", json=as_json)
        client.get("/v2/interop/tenants", headers=bearer)
        client.get(f"/v2/interop/tenants/{TENANT}", headers=bearer)
        query = {"key": SECRETS["?key="], "auth": SECRETS["?auth="], "sig": SECRETS["?sig="], "page": "1"}
        client.get("/v2/grades/exchanges", params=query)
        client.get("/v2/grades/exchanges", headers={"X-Auth": SECRETS["X-Auth header"]})
        exchange = {"query": {"type": "assignment_scores"}, "metadata": {"password": SECRETS["JSON password field"]}}
        client.post("/v2/grades/exchanges", json=exchange, headers=bearer)
        for other in range(OTHERS):
            client.get("/v2/grades/schedules", headers={"Authorization": f"Bearer other-token-{other:04d}"})
        assert first in client.get("/v2/grades/consumer", headers=bearer).text  # the upstream echoes it


@pytest.mark.slow
def test_no_kind_of_credential_reaches_the_har_the_reports_the_log_or_the_seeded_mock(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="datasync_openapi")  # (not httpx's: it logs this test's own URLs)
    recording, reports = tmp_path / "traffic.har", tmp_path / "reports"
    with running(Upstream()) as upstream, proxied(upstream, record=recording, reports=reports) as base:
        _session(base)
        live = httpx.get(f"{base}/_proxy/report").text
    text = recording.read_text(encoding="utf-8")
    entries = json.loads(text)["log"]["entries"]
    assert len(entries) == 10 + OTHERS + 1
    log = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("datasync_openapi"))
    outputs = {"HAR": text, "log": log, "report endpoint": live}
    outputs.update({p.name: p.read_text(encoding="utf-8") for p in reports.iterdir()})
    for kind, secret in {**SECRETS, "Basic pair": BASIC_PAIR, "Basic blob": BASIC_BLOB}.items():
        for where, output in outputs.items():
            assert secret not in output, (kind, where)
    # the recording still says where each credential was, and keeps what is not secret
    tenants = json.loads(entries[5]["response"]["content"]["text"])["data"]
    assert tenants[0]["auth"] == {"type": "oauth2", "client_id": "sis-north", "client_secret": REDACTED}
    assert {q["name"]: q["value"] for q in entries[7]["request"]["queryString"]} == {
        "key": REDACTED,
        "auth": REDACTED,
        "sig": REDACTED,
        "page": "1",
    }
    token_json = json.loads(entries[4]["request"]["postData"]["text"])
    assert token_json == {"grant_type": "client_credentials", "client_id": REDACTED, "client_secret": REDACTED}
    issued = json.loads(entries[4]["response"]["content"]["text"])
    assert issued == {"access_token": REDACTED, "token_type": "bearer", "expires_in": 3600}
    assert json.loads(entries[-1]["response"]["content"]["text"])["name"] == f"first client said {REDACTED}"
    # and the mock seeded from it holds the tenant, its secret redacted
    recorded = seed.load(recording)
    assert recorded.objects["tenants"] == 1
    with running(create_app(MockConfig(seeder=seed.with_demo_data(recorded)))) as mock:
        answer = httpx.get(f"{mock}/v2/interop/tenants/{TENANT}", headers={"Authorization": f"Bearer {DEMO_TOKEN}"})
    assert answer.json()["data"]["auth"]["client_secret"] == REDACTED


def test_seeding_from_a_foreign_har_never_serves_its_secrets(tmp_path: Path) -> None:
    """A HAR of another tool (a browser's) with a secret in clear: the mock seeded from it serves it redacted."""
    secret = SECRETS["client_secret in GET /tenants/{id}"]
    entry = {
        "request": {"method": "GET", "url": f"https://staging.example/v2/interop/tenants/{TENANT}"},
        "response": {
            "status": 200,
            "content": {"mimeType": "application/json", "text": json.dumps({"data": Upstream._tenant(secret)})},
        },
    }
    path = tmp_path / "browser.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}), encoding="utf-8")
    recorded = seed.load(path)
    assert recorded.objects == {"tenants": 1}
    with running(create_app(MockConfig(seeder=seed.with_demo_data(recorded)))) as base:
        answer = httpx.get(f"{base}/v2/interop/tenants/{TENANT}", headers={"Authorization": f"Bearer {DEMO_TOKEN}"})
        listed = httpx.get(f"{base}/v2/interop/tenants", headers={"Authorization": f"Bearer {DEMO_TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["auth"]["client_secret"] == REDACTED
    assert secret not in answer.text + listed.text


def test_the_name_rules_and_the_spec_rules() -> None:
    assert "client_secret" in spec_secret_names()  # TenantAuth.client_secret: format: password
    for name in ("Authorization", "X-Auth", "X-Auth-Token", "Cookie", "key", "auth", "sig", "api_key", "apiKey"):
        assert secret_name(name), name
    for name in ("password", "client_secret", "access_token", "refresh_token", "signature", "Proxy-Authorization"):
        assert secret_name(name), name
    for name in ("author", "keywords", "client_id", "token_type", "grant_type", "page", "content-type", "monkey"):
        assert not secret_name(name), name


def test_the_templates_hide_the_same_names_and_the_body_hint_misses_no_secret_name() -> None:
    template = (Path(__file__).resolve().parents[2] / "clients" / "templates" / "model.py.jinja").read_text("utf-8")
    listed = re.search(r"\{% set SECRET_NAMES = \[([^\]]*)\] %\}", template)
    assert listed is not None
    assert tuple(re.findall(r'"([^"]+)"', listed.group(1))) == TEMPLATE_SECRET_NAMES
    # the cheap test that decides whether a body is parsed to learn its credentials: never misses a secret name
    words = sorted(SECRET_WORDS | spec_secret_names())
    names = [f"{a}{sep}{b}" for a in ("", "x", "X", "client", "1") for sep in ("", "_", "-", ".") for b in words]
    names += [f"x{w.capitalize()}" for w in words] + [f"X{w.upper()}" for w in words] + [f"{w}1" for w in words]
    secret = [name for name in names if secret_name(name)]
    assert len(secret) > len(names) // 2
    assert [name for name in secret if not body_hint(json.dumps({name: 1}).encode())] == []


def test_a_credential_is_remembered_however_many_follow_and_a_full_memory_redacts_more() -> None:
    redactor = Redactor()
    redactor.learn("first-secret-value")
    for other in range(5000):
        redactor.learn(f"other-{other:05d}-credential")
    assert redactor.scrub("echo: first-secret-value.") == f"echo: {REDACTED}."
    assert redactor.scrub("x other-04999-credential y") == f"x {REDACTED} y"
    small = Redactor(max_chars=40)
    small.learn("a-remembered-secret")  # 19 characters
    small.learn("b-remembered-secret")
    small.learn("c-forgotten-secret-longer-one")  # past the cap: not remembered, so long tokens all go
    assert small.full
    assert small.scrub("c-forgotten-secret-longer-one and short") == f"{REDACTED} and short"


def test_printable_neutralises_what_a_peer_sends_to_a_log_or_a_terminal() -> None:
    assert printable("/v2/x\x1b[2J\r\ndatasync proxy: forged") == "/v2/x\\x1b[2J\\x0d\\x0adatasync proxy: forged"
    assert printable("ok \u202eevil\x9b") == "ok \\u202eevil\\x9b"
    assert printable("plain /v2/grades?page=1") == "plain /v2/grades?page=1"
