"""The mock's model of the consumer: a run of an enabled schedule creates pending exchanges, one per course app
(a query each, as the docs' examples show), so a producer loop can be tested end to end; ``/_mock/exchanges``
creates them directly."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import httpx
from datasync_grades.api.exchanges import get_exchange
from datasync_grades.api.schedules import run_schedule
from datasync_grades.runtime import call
from datasync_grades.workflows import answer_pending

from datasync_openapi.mock import DEMO_TOKEN, MockApp, create_app
from datasync_openapi.mock.seed import EXCHANGE_CREATED, SCHEDULE_DISABLED, SCHEDULE_ENABLED, T1
from datasync_openapi.testing import DatasyncMock

G = "/v2/grades"
BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}


def send(app: MockApp, method: str, url: str, body: Any = None) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            return await client.request(method, url, json=body, headers=BEARER)

    return asyncio.run(go())


def pending(app: MockApp) -> list[dict[str, Any]]:
    return list(send(app, "GET", G + "/exchanges?state=created&posted_by=lms").json()["data"])


def test_a_run_of_an_enabled_schedule_creates_an_exchange_per_course_app() -> None:
    app = create_app()
    assert [e["id"] for e in pending(app)] == [EXCHANGE_CREATED]
    assert send(app, "POST", f"{G}/schedules/{SCHEDULE_ENABLED}/run").status_code == 204
    created = pending(app)[1:]
    assert [e["course_app_id"] for e in created] == ["course-app-101", "course-app-202"]
    for exchange in created:
        assert exchange["state"] == "created"
        assert exchange["metadata"] == {"source": "schedule", "schedule_id": SCHEDULE_ENABLED}
        (condition,) = exchange["query"]["conditions"]
        assert exchange["query"]["type"] == "assignment_scores"
        assert (condition["scope"], condition["scope_by"]) == ("course", "id")
        assert condition["scope_id"]["name"] == exchange["course_app_id"]
        assert condition["graded_after"] == T1  # the schedule's last execution before this run
    assert send(app, "GET", G + "/exchanges/count").json() == 7


def test_a_run_of_a_disabled_schedule_creates_nothing() -> None:
    app = create_app()
    assert send(app, "POST", f"{G}/schedules/{SCHEDULE_DISABLED}/run").status_code == 204
    assert send(app, "GET", G + "/exchanges/count").json() == 5


def test_the_control_creates_pending_exchanges_directly() -> None:
    app = create_app()
    made = send(app, "POST", "/_mock/exchanges", {"course_app_ids": ["course-app-7", "course-app-8"]})
    assert made.status_code == 200
    data = made.json()["data"]
    assert [(e["course_app_id"], e["state"], e["metadata"]) for e in data] == [
        ("course-app-7", "created", {"source": "mock-control"}),
        ("course-app-8", "created", {"source": "mock-control"}),
    ]
    assert [e["id"] for e in pending(app)[1:]] == [e["id"] for e in data]
    refused = send(app, "POST", "/_mock/exchanges", {"course_app_ids": []})
    assert refused.status_code == 400
    assert "course_app_ids" in refused.json()["error"]["details"]
    assert send(app, "POST", "/_mock/exchanges", {"courses": ["x"]}).status_code == 400
    assert send(app, "GET", G + "/exchanges/count").json() == 7


def answer(exchange: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    course = exchange["course_app_id"]
    ada = {"name": "Ada Lovelace", "$sys": {"source_id": {"sis": "s-1001"}}}
    score = {"$person": ada, "score": 9.5}
    return [{"$section": {"name": course}, "name": "Quiz 1", "points_possible": 10, "scores": [score]}], []


def test_schedule_run_then_answer_pending_completes_every_exchange(datasync_mock: DatasyncMock) -> None:
    """End to end over a real socket with the generated client: the consumer's run, the producer's loop."""
    client = datasync_mock.grades_client()
    assert run_schedule.sync_detailed(UUID(datasync_mock.ids.schedule_enabled), client=client).status_code == 204
    extra = datasync_mock.create_pending("course-app-303")

    report = answer_pending(client, answer, posted_by="lms")

    assert report.complete
    answered = [o.exchange_id for o in report.outcomes if o.chunks == 1]
    assert len(answered) == 4  # the seeded pending one, two from the run, one from the control
    assert datasync_mock.ids.exchange_created in answered
    assert extra[0] in answered
    for exchange_id in answered:
        assert call(get_exchange, UUID(exchange_id), client=client).data.state == "completed"
    posted = datasync_mock.requests("createExchangeData")
    assert sorted(e["path"].split("/")[-2] for e in posted) == sorted(answered)
    assert all(e["body"]["final"] is True for e in posted)
