"""The mock's demo data uses the known ExchangeError codes of the 2020 artefacts (issue 24) and explains each
one; a code it does not know is still taken and echoed (the enumeration is open)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import yaml

from datasync_openapi.mock import DEMO_TOKEN, MockApp, MockConfig, create_app
from datasync_openapi.mock.seed import EXCHANGE_CREATED

G = "/v2/grades"
BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}
SPEC = Path(__file__).resolve().parents[2] / "openapi" / "grades.yaml"


def call(app: MockApp, method: str, url: str, body: Any = None) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            return await client.request(method, url, json=body, headers=BEARER)

    return asyncio.run(go())


def known_codes() -> list[str]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    codes: list[str] = spec["components"]["schemas"]["ExchangeErrorCodeKnown"]["enum"]
    return codes


def test_the_seeded_errors_use_known_codes_beyond_the_docs_examples() -> None:
    app = create_app(MockConfig())
    exchanges = call(app, "GET", f"{G}/exchanges").json()["data"]
    seeded = [
        error
        for exchange in exchanges
        for error in call(app, "GET", f"{G}/exchanges/{exchange['id']}/errors").json()["data"]
    ]
    codes = {error["code"] for error in seeded}
    assert codes <= set(known_codes())
    assert {"producer_error", "producer_failure"} <= codes  # 2020 values, not in today's docs' examples


def test_each_known_code_is_explained_and_an_unknown_one_is_kept() -> None:
    app = create_app(MockConfig())
    messages = {}
    for code in [*known_codes(), "graded_by_moon_phase"]:
        posted = call(app, "POST", f"{G}/exchanges/{EXCHANGE_CREATED}/errors", {"code": code})
        assert posted.status_code == 200, posted.text
        data = posted.json()["data"]
        assert data["code"] == code
        messages[code] = data["message"]
    assert messages["graded_by_moon_phase"] == "Exchange error: graded_by_moon_phase"
    explained = {code: message for code, message in messages.items() if code != "graded_by_moon_phase"}
    assert all(not message.startswith("Exchange error:") for message in explained.values()), explained
    assert len(set(explained.values())) == len(explained)
