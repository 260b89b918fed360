"""Your integration's own tests, against the mock, with the ``datasync_mock`` pytest fixture.

The fixture comes with the tooling package (``datasync-openapi``, a pytest plugin): wherever it is installed, a
test can ask for ``datasync_mock`` and gets a fresh, seeded mock of both APIs. Run this file with

    .venv/bin/pytest examples/test_my_integration.py

(tests/e2e/test_example_scripts.py does, with this project's strict settings).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from datasync_grades.api.exchanges import get_exchange
from datasync_grades.client import Client as GradesClient
from datasync_grades.runtime import RetryEvent, RetryPolicy, call
from datasync_grades.workflows import PendingReport, answer_pending
from datasync_interop.api.scoping_schools import list_scoping_schools
from datasync_interop.client import Client as InteropClient
from datasync_interop.runtime import apaginate

from datasync_openapi.testing import DatasyncMock


# -- the code under test: yours (here, the SIS side of the Grades Exchange and a scoping report) -----------------
def answer(exchange: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One exchange's query answered from the gradebook: (assignments, summaries)."""
    ada = {"name": "Ada Lovelace", "$sys": {"source_id": {"sis": "s-1001"}}}
    section = {"name": "Math 101"}
    score = {"$person": ada, "score": 9.5, "grade": "A"}
    assignment = {"$section": section, "name": "Quiz 1", "points_possible": 10, "scores": [score]}
    summary = {"$section": section, "$person": ada, "summary_type": "final", "score": 95.0}
    return [assignment], [summary]


def sync_grades(client: GradesClient) -> PendingReport:
    """The nightly job: answer every pending exchange."""
    return answer_pending(client, answer)


async def selected_schools(client: InteropClient) -> list[str]:
    """The names of the schools that scope the tenant's repository."""
    return [school.name async for school in apaginate(list_scoping_schools, client) if school.selected]


# -- its tests -----------------------------------------------------------------------------------------------------
def test_the_job_answers_the_pending_exchange(datasync_mock: DatasyncMock) -> None:
    client = datasync_mock.grades_client()  # the generated client, connect(): OAuth2 tokens and retries

    report = sync_grades(client)

    assert [(o.exchange_id, o.chunks) for o in report.outcomes] == [(datasync_mock.ids.exchange_created, 1)]
    assert report.complete
    assert call(get_exchange, datasync_mock.ids.exchange_created, client=client).data.state == "completed"


# A pending exchange whose bodies may be at most 300 bytes: the job's answer (an assignment and a summary, about
# 180 and 140 bytes as JSON) has to be sent in two chunks. The marker seeds it (no demo data: it is the only one).
SMALL_EXCHANGE = "a1000000-0000-4000-8000-000000000001"
SMALL = {"exchanges": [{"id": SMALL_EXCHANGE, "state": "created", "max_data_content_length": 300}]}


@pytest.mark.datasync_mock(seed=SMALL, demo_data=False)
def test_the_job_posts_two_chunks_the_last_one_final(datasync_mock: DatasyncMock) -> None:
    sync_grades(datasync_mock.grades_client())

    # the mock's journal: what the job sent, as the mock parsed it
    posted = datasync_mock.requests("createExchangeData", method="POST")
    assert [p["path"] for p in posted] == [f"{datasync_mock.grades_path}/exchanges/{SMALL_EXCHANGE}/data"] * 2
    assert [p["body"]["final"] for p in posted] == [False, True]
    assert [(len(p["body"]["assignments"]), len(p["body"]["summaries"])) for p in posted] == [(1, 0), (0, 1)]
    assert all(p["status"] == 200 and p["body_size"] <= 300 for p in posted)
    assert len(datasync_mock.requests(path="/oauth/token")) == 1  # one token for the whole job


def test_the_job_rides_out_503s_and_an_expired_token(datasync_mock: DatasyncMock) -> None:
    retries: list[RetryEvent] = []
    client = datasync_mock.grades_client(retry=RetryPolicy(backoff=0.01, on_retry=retries.append))
    call(get_exchange, datasync_mock.ids.exchange_completed, client=client)  # the client now holds a token
    datasync_mock.expire_tokens()  # the next call is refused once, and the client fetches a new token
    datasync_mock.faults.add(status=503, count=2, method="GET", path=f"{datasync_mock.grades_path}/exchanges")

    report = sync_grades(client)

    assert [o.chunks for o in report.outcomes] == [1]
    assert [event.status for event in retries] == [503, 503]


def test_the_report_lists_selected_schools(datasync_mock: DatasyncMock) -> None:
    client = datasync_mock.interop_client(in_process=True)  # async, through ASGI: no socket

    async def main() -> list[str]:
        async with client:
            return await selected_schools(client)

    assert asyncio.run(main()) == ["School 1", "School 2"]


def test_each_test_starts_from_the_seed(datasync_mock: DatasyncMock) -> None:
    client = datasync_mock.grades_client()  # the exchange answered by the tests above is pending again
    assert call(get_exchange, datasync_mock.ids.exchange_created, client=client).data.state == "created"
