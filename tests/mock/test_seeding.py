"""Seeding: ``--no-demo-data``, ``--seed FILE`` (JSON/YAML, checked against the specs), and the invariants a seeded
store keeps whatever the source (a seed file, a recorded HAR file)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from datasync_openapi.mock import DEMO_TOKEN, MockApp, MockConfig, create_app, har, seeding
from datasync_openapi.mock.seed import EXCHANGE_CREATED
from datasync_openapi.process import running_process
from datasync_openapi.server import free_port

G = "/v2/grades"
I = "/v2/interop"  # noqa: E741 - the Interop API's base path, beside G
BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}
MINE = "a1000000-0000-4000-8000-000000000001"
ERROR = "a2000000-0000-4000-8000-000000000001"
SEED: dict[str, Any] = {
    "exchanges": [{"id": MINE, "state": "created", "course_app_id": "course-app-9", "error_count": 7}],
    "exchange_errors": [{"id": ERROR, "code": "query_type_not_supported", "_exchange_id": MINE}],
    "schedules": [{"id": "5c4ed000-0000-4000-8000-0000000000aa", "enabled": True, "_course_app_ids": ["c-1"]}],
    "sections": {"section-9": {"consumerSourceId": "SIS-9"}},
    "scoping_schools": [{"school_id": "5c000000-0000-4000-8000-0000000000aa", "name": "Mine", "selected": True}],
}


def get(app: MockApp, url: str) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            return await client.get(url, headers=BEARER)

    return asyncio.run(go())


def seeded(demo_data: bool, *seeds: seeding.Seed) -> MockApp:
    return create_app(MockConfig(seeder=seeding.seeder(demo_data, None, seeds)))


def test_a_seed_without_the_demo_data_is_all_the_mock_serves() -> None:
    app = seeded(False, seeding.parse(SEED))
    assert [e["id"] for e in get(app, G + "/exchanges").json()["data"]] == [MINE]
    assert get(app, G + "/exchanges/count").json() == 1
    assert get(app, f"{G}/sections/section-9/resolve").json() == {"consumerSourceId": "SIS-9"}
    assert [s["name"] for s in get(app, I + "/tenant/scoping/schools").json()["data"]] == ["Mine"]
    assert get(app, G + "/consumer").status_code == 400  # no consumer configured: the empty start has none
    mine = get(app, f"{G}/exchanges/{MINE}").json()["data"]
    assert mine["error_count"] == 1  # the errors listed, not the 7 the file said
    assert [e["id"] for e in get(app, f"{G}/exchanges/{MINE}/errors").json()["data"]] == [ERROR]
    assert mine["max_data_content_length"] == 1_000_000  # what the handlers need, when the file leaves it out
    app.reset()
    assert get(app, G + "/exchanges/count").json() == 1  # a reset restores the seed


def test_an_empty_start_and_the_demo_data_beside_a_seed() -> None:
    empty = seeded(False)
    assert get(empty, G + "/exchanges").json()["data"] == []
    assert get(empty, G + "/schedules").json()["data"] == []
    both = seeded(True, seeding.parse(SEED))
    ids = [e["id"] for e in get(both, G + "/exchanges").json()["data"]]
    assert EXCHANGE_CREATED in ids
    assert ids[-1] == MINE
    assert get(both, G + "/exchanges/count").json() == len(ids)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "a seed is an object whose keys are collections"),
        ({"exchangez": []}, "unknown collection 'exchangez'"),
        ({"exchanges": {}}, "exchanges is a list of Exchange objects"),
        ({"exchanges": [{"state": "created"}]}, "exchanges[0]: field 'id' is required"),
        ({"exchanges": [{"id": MINE, "stat": "created"}]}, f"exchanges[0] (id {MINE}): field 'stat' is not a field"),
        (
            {"exchanges": [{"id": MINE}, {"id": EXCHANGE_CREATED, "error_count": "two"}]},
            f"exchanges[1] (id {EXCHANGE_CREATED}): the object field 'error_count' must be an integer",
        ),
        ({"exchanges": [{"id": MINE, "_secret": 1}]}, "field '_secret' is not one of the mock's own fields"),
        ({"exchange_errors": [{"id": ERROR, "code": "x"}]}, "field '_exchange_id' is required"),
        ({"schedules": [{"id": MINE, "_course_app_ids": [1]}]}, "field '_course_app_ids' must be a list of strings"),
        ({"sections": []}, "sections is an object"),
    ],
)
def test_a_bad_seed_names_the_object_and_the_field(data: Any, problem: str) -> None:
    with pytest.raises(seeding.SeedError) as caught:
        seeding.parse(data, "seed.json")
    assert str(caught.value).startswith("seed.json: ")
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_error_of_an_unknown_exchange_is_refused_when_seeding() -> None:
    seed = seeding.parse({"exchange_errors": [{"id": ERROR, "code": "x", "_exchange_id": MINE}]}, "seed.json")
    with pytest.raises(seeding.SeedError, match=f"_exchange_id '{MINE}' names no exchange"):
        seeded(False, seed)


def test_yaml_seed_files_and_their_limits(tmp_path: Path) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(f"exchanges:\n  - id: {MINE}\n    state: processing\n", encoding="utf-8")
    app = seeded(False, seeding.read(path))
    assert get(app, f"{G}/exchanges/{MINE}").json()["data"]["state"] == "processing"
    path.write_text("a: &x [1, 2]\nexchanges: *x\n", encoding="utf-8")
    with pytest.raises(seeding.SeedError, match="aliases"):
        seeding.read(path)
    path.write_text("exchanges: [", encoding="utf-8")
    with pytest.raises(seeding.SeedError, match="not valid YAML"):
        seeding.read(path)
    with pytest.raises(seeding.SeedError, match="cannot read"):
        seeding.read(tmp_path / "missing.json")


def test_a_recording_keeps_error_count_equal_to_the_listed_errors(tmp_path: Path) -> None:
    """A HAR where the exchange was recorded before its error was posted: error_count 0 beside 1 listed error."""
    exchange = {"id": MINE, "state": "processing", "error_count": 0, "course_app_id": "course-app-9"}
    error = {"id": ERROR, "code": "query_type_not_supported", "message": "m"}

    def entry(url: str, body: Any) -> dict[str, Any]:
        return {
            "request": {"method": "GET", "url": f"https://api.example{G}{url}", "headers": []},
            "response": {"status": 200, "content": {"mimeType": "application/json", "text": json.dumps(body)}},
        }

    path = tmp_path / "traffic.har"
    entries = [entry(f"/exchanges/{MINE}", {"data": exchange}), entry(f"/exchanges/{MINE}/errors", {"data": [error]})]
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), encoding="utf-8")
    app = create_app(MockConfig(seeder=har.with_demo_data(har.load(path))))
    assert len(get(app, f"{G}/exchanges/{MINE}/errors").json()["data"]) == 1
    assert get(app, f"{G}/exchanges/{MINE}").json()["data"]["error_count"] == 1


def test_the_demo_data_keeps_its_invariants() -> None:
    app = create_app()
    for exchange in get(app, G + "/exchanges").json()["data"]:
        errors = get(app, f"{G}/exchanges/{exchange['id']}/errors").json()["data"]
        assert exchange["error_count"] == len(errors)


def test_a_bad_seed_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"exchanges": [{"id": MINE, "state": 5}]}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "datasync_openapi.cli", "mock", "--port", str(free_port()), "--seed", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"datasync: {path}: exchanges[0] (id {MINE}): the object field 'state'")


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_datasync_mock_seed_and_no_demo_data(tmp_path: Path, workers: int) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(json.dumps(SEED), encoding="utf-8")  # JSON is YAML
    command: list[str | Path] = [sys.executable, "-m", "datasync_openapi.cli", "mock", "--quiet", "--no-demo-data"]
    command += ["--seed", path]
    with (
        running_process(
            lambda port: [*command, "--port", port, "--workers", workers],
            "/_mock/health",
            name="datasync mock --seed",
            log=tmp_path / "mock.log",
            timeout=60,
            stop_grace=20,
        ) as mock,
        httpx.Client(base_url=mock.url, headers=BEARER) as client,
    ):
        for _ in range(4):  # whichever worker answers
            assert [e["id"] for e in client.get(G + "/exchanges").json()["data"]] == [MINE]
        assert client.post("/_mock/reset").status_code == 204
        assert client.get(G + "/exchanges/count").json() == 1
    banner = (tmp_path / "mock.log").read_text()
    assert "no demo data" in banner
    assert f"seeded from {path}: objects put: exchanges 1, exchange_errors 1, schedules 1, sections 1, " in banner
