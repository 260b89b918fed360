"""The producer side of the Grades workflows: generated models as data, and answering every pending exchange.

Against the mock over a real socket; the effect is read back from the mock's store (``app.store``) and from
a transport that counts the requests the client sent.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from typing import Any

import httpx
import pytest
from datasync_grades import runtime, workflows
from datasync_grades.api.exchanges import list_exchanges
from datasync_grades.models import Assignment, ObjectRef, Score, Summary, SummaryTypeKnown
from datasync_grades.runtime import paginate

from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TOKEN, MockApp
from datasync_openapi.mock.seed import EXCHANGE_CREATED

GRADES = "/v2/grades"
QUERY = {"type": "assignment_scores", "conditions": [{"scope": "course", "scope_by": "id"}]}


class Counting(httpx.BaseTransport):
    """A real HTTP transport that counts every request by method and path (thread-safe)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.seen: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.seen[(request.method, request.url.path)] += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()

    def posts(self, suffix: str) -> Counter[str]:
        """Exchange id -> number of POSTs to /exchanges/{id}/{suffix}."""
        found: Counter[str] = Counter()
        for (method, path), n in self.seen.items():
            parts = path.split("/")
            if method == "POST" and parts[-1] == suffix and parts[-3] == "exchanges":
                found[parts[-2]] += n
        return found


def create_exchanges(base: str, n: int) -> list[str]:
    with httpx.Client(base_url=base + GRADES, headers={"Authorization": f"Bearer {DEMO_TOKEN}"}) as http:
        ids = []
        for _ in range(n):
            response = http.post("/exchanges", json={"query": QUERY})
            assert response.status_code == 200, response.text
            ids.append(response.json()["data"]["id"])
        return ids


def created_ids(app: MockApp) -> set[str]:
    return {e["id"] for e in app.store.all("exchanges") if e["state"] == "created"}


def person(n: int) -> dict[str, Any]:
    return {"name": f"Student {n}", "$sys": {"source_id": {"sis": f"student-{n}"}}}


def scores_answer(exchange: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    assert exchange["query"]["type"] == "assignment_scores"
    scores = [{"$person": person(n), "score": 9.0, "grade": "A"} for n in range(2)]
    assignment = {"name": "Quiz 1", "points_possible": 10, "scores": scores}
    summary = {"$person": person(0), "$section": {"name": "Math 101"}, "summary_type": "final", "score": 90.0}
    return [assignment], [summary]


# -- models are accepted wherever data is ---------------------------------------------------------------------
def model_data() -> tuple[list[Assignment], list[Summary]]:
    submitted = datetime.datetime(2025, 6, 14, 12, 4, 45, tzinfo=datetime.UTC)
    score = Score(person=ObjectRef(name="Ada"), score=9.5, grade="A", submitted_at=submitted)
    assignment = Assignment(name="Quiz 1", points_possible=10.0, scores=[score])
    summary = Summary(
        person=ObjectRef(name="Ada"),
        section=ObjectRef(name="Math 101"),
        summary_type=SummaryTypeKnown.FINAL,
        score=95.0,
    )
    return [assignment], [summary]


def test_to_json_converts_models_at_any_depth() -> None:
    [assignment], [summary] = model_data()
    assert workflows.to_json(assignment) == {
        "name": "Quiz 1",
        "points_possible": 10.0,
        "scores": [
            {"$person": {"name": "Ada"}, "score": 9.5, "grade": "A", "submitted_at": "2025-06-14T12:04:45+00:00"}
        ],
    }
    assert workflows.to_json(summary) == {
        "$person": {"name": "Ada"},
        "$section": {"name": "Math 101"},
        "summary_type": "final",
        "score": 95.0,
    }
    # a plain dict holding models (an assignment dict with Score models) is converted too
    mixed = {"name": "Quiz 2", "scores": [Score(grade="B")], "due_at": datetime.date(2025, 6, 1)}
    assert workflows.to_json(mixed) == {"name": "Quiz 2", "scores": [{"grade": "B"}], "due_at": "2025-06-01"}


def test_chunks_hold_models_as_json() -> None:
    assignments, summaries = model_data()
    [chunk] = workflows.chunk_exchange_data(assignments, summaries, 10_000)
    assert chunk == {
        "assignments": [workflows.to_json(assignments[0])],
        "summaries": [workflows.to_json(summaries[0])],
        "final": True,
    }
    many = [Assignment(name="x" * 40, points_possible=1.0) for _ in range(20)]
    chunks = list(workflows.chunk_exchange_data(many, [], 300))
    assert len(chunks) > 1
    assert [a for c in chunks for a in c["assignments"]] == [{"name": "x" * 40, "points_possible": 1.0}] * 20


def test_produce_and_answer_accept_generated_models(server: tuple[MockApp, str]) -> None:
    app, base = server
    client = runtime.connect(base + GRADES, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)
    with client:
        assignments, summaries = model_data()
        assert workflows.produce(client, EXCHANGE_CREATED, assignments=assignments, summaries=summaries) == 1
        [other] = create_exchanges(base, 1)
        assert workflows.produce(client, other, lambda exchange: model_data()) == 1
    for key in (EXCHANGE_CREATED, other):
        stored = app.store.get("exchanges", key)
        assert stored is not None
        assert (stored["state"], stored["_assignments"], stored["_summaries"]) == ("completed", 1, 1)


# -- answering every pending exchange -------------------------------------------------------------------------
@pytest.mark.slow
def test_the_naive_loop_skips_work_which_is_why_answer_pending_exists(server: tuple[MockApp, str]) -> None:
    """The README's old loop: paging through a filter that shrinks as exchanges are answered."""
    app, base = server
    create_exchanges(base, 149)  # 150 with the seeded one
    with runtime.connect(base + GRADES, token=DEMO_TOKEN) as client:
        for exchange in paginate(list_exchanges, client, state="created"):
            workflows.produce(client, exchange.id, scores_answer)
    assert len(created_ids(app)) == 50  # a third left untouched, silently


@pytest.mark.parametrize(("pending", "page_size"), [(150, None), (25, 10)])
def test_answer_pending_answers_every_exchange_exactly_once(
    server: tuple[MockApp, str], pending: int, page_size: int | None
) -> None:
    app, base = server
    ids = {EXCHANGE_CREATED, *create_exchanges(base, pending - 1)}
    assert created_ids(app) == ids
    counting = Counting()
    client = runtime.connect(
        base + GRADES, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, transport=counting
    )
    with client:
        report = workflows.answer_pending(client, scores_answer, page_size=page_size)
    assert report.complete
    assert report.rounds == 2  # one to answer everything, one to see nothing is left
    assert [o.exchange_id for o in report.outcomes].count(EXCHANGE_CREATED) == 1
    assert {o.exchange_id for o in report.outcomes} == ids
    assert len(report.outcomes) == pending
    assert all(o.chunks == 1 and o.answered for o in report.outcomes)
    assert created_ids(app) == set()
    for key in ids:
        stored = app.store.get("exchanges", key)
        assert stored is not None
        assert (stored["state"], stored["_chunks"], stored["_assignments"], stored["_summaries"]) == (
            "completed",
            1,
            1,
            1,
        )
    assert counting.posts("data") == dict.fromkeys(ids, 1)
    assert counting.posts("errors") == {}
    assert str(report).startswith(f"{pending} exchange(s): {pending} answered with data, 0 with an exchange error")


def test_an_exchange_error_is_posted_once_though_the_exchange_stays_pending(server: tuple[MockApp, str]) -> None:
    app, base = server
    ids = {EXCHANGE_CREATED, *create_exchanges(base, 14)}
    refused = sorted(ids)[:5]

    def answer(exchange: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        if exchange["id"] in refused:
            raise workflows.QueryNotAnswerable("query_type_not_supported", "not in this SIS")
        return scores_answer(exchange)

    counting = Counting()
    seen: list[str] = []
    with runtime.connect(base + GRADES, token=DEMO_TOKEN, transport=counting) as client:
        report = workflows.answer_pending(client, answer, page_size=4, on_outcome=lambda o: seen.append(str(o)))
    assert report.complete
    assert created_ids(app) == set(refused)  # the mock keeps an exchange with errors in "created"
    assert counting.posts("errors") == dict.fromkeys(refused, 1)
    assert counting.posts("data") == dict.fromkeys(ids - set(refused), 1)
    for key in refused:
        stored = app.store.get("exchanges", key)
        assert stored is not None
        assert stored["error_count"] == 1
    assert sorted(o.exchange_id for o in report.outcomes if o.error_code == "query_type_not_supported") == refused
    assert len(seen) == 15
    assert f"{refused[0]}: posted the exchange error query_type_not_supported" in seen


def test_exchanges_created_meanwhile_are_answered_in_a_later_round(server: tuple[MockApp, str]) -> None:
    app, base = server
    late: list[str] = []

    def answer(exchange: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        if len(late) < 3:  # new work arrives while the first ones are answered
            late.extend(create_exchanges(base, 1))
        return scores_answer(exchange)

    with runtime.connect(base + GRADES, token=DEMO_TOKEN) as client:
        report = workflows.answer_pending(client, answer)
    assert report.complete
    assert {o.exchange_id for o in report.outcomes} == {EXCHANGE_CREATED, *late}
    assert len(report.outcomes) == 4
    assert created_ids(app) == set()


def test_an_exchange_that_left_the_state_is_skipped_and_failures_do_not_stop_the_rest(
    server: tuple[MockApp, str],
) -> None:
    app, base = server
    first, second, third = create_exchanges(base, 3)  # listed in this order
    app.store.delete("exchanges", EXCHANGE_CREATED)
    broken = {"status": 500, "count": 1, "method": "POST", "path": f"{GRADES}/exchanges/{third}/data"}
    assert httpx.post(f"{base}/_mock/faults", json=broken).status_code == 200

    def answer(exchange: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        if exchange["id"] == first:  # meanwhile another worker completes the second one
            app.store.update("exchanges", second, state="completed")
        return scores_answer(exchange)

    with runtime.connect(base + GRADES, token=DEMO_TOKEN) as client:
        report = workflows.answer_pending(client, answer, page_size=1)
    outcomes = {o.exchange_id: o for o in report.outcomes}
    assert outcomes[first].chunks == 1
    assert outcomes[second].skipped == "it is completed now, not created"
    assert not outcomes[second].answered
    failure = outcomes[third].failure
    assert failure is not None
    assert failure.status == 500
    assert report.failed == [outcomes[third]]
    assert report.complete  # the failed one stays "created" but is not tried twice
    assert len(report.outcomes) == 3


def test_the_bounds_stop_a_run_that_never_ends(server: tuple[MockApp, str]) -> None:
    app, base = server

    def endless(exchange: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        create_exchanges(base, 1)  # every answer creates more work
        return scores_answer(exchange)

    with runtime.connect(base + GRADES, token=DEMO_TOKEN) as client:
        report = workflows.answer_pending(client, endless, max_rounds=3)
        assert (report.rounds, len(report.outcomes), report.complete) == (3, 3, False)
        assert str(report).endswith("stopped by a limit before the list was empty")
        create_exchanges(base, 10)
        capped = workflows.answer_pending(client, scores_answer, max_exchanges=5)
        assert (len(capped.outcomes), capped.complete) == (5, False)
        with pytest.raises(ValueError, match="max_rounds"):
            workflows.answer_pending(client, scores_answer, max_rounds=0)
    assert len(created_ids(app)) == 1 + 10 - 5
