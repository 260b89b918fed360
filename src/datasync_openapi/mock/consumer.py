"""The mock's own model of the consumer: what creates work for a producer (``answer_pending``).

In the real service the consumer (the LMS side of DataSync) posts Grades Exchanges for the producer (the SIS side)
to answer; the docs say no more than that a schedule "enqueues" a run. The mock models it so a producer loop can be
tested end to end:

- **a run of an enabled schedule** (``POST /schedules/{id}/run``, 204) creates one pending exchange (state
  ``created``, posted by ``lms``) per course app of the schedule: its ``_course_app_ids`` (the demo's enabled
  schedule: ``course-app-101`` and ``course-app-202``; a schedule without any: ``course-app-101``). Each asks an
  ``assignment_scores`` query with one condition scoped to the course by id, as the docs' examples show, with
  ``graded_after`` the schedule's ``last_executed_at`` before this run (when it has one). A disabled schedule's
  run is accepted (204, counted by the run limit) and creates nothing.
- **a control for tests**: ``POST /_mock/exchanges`` with ``{"course_app_ids": ["course-app-101", ...]}`` creates
  the same pending exchanges directly (no schedule, no run limit) and answers ``{"data": [exchange, ...]}``; in
  the fixture, ``datasync_mock.create_pending("course-app-101", ...)``.

The exchanges' ``metadata`` says where they came from: ``{"source": "schedule", "schedule_id": ...}`` or
``{"source": "mock-control"}``.
"""

from __future__ import annotations

import uuid
from typing import Any

from datasync_openapi.contract import check, compile_schema, decode_body

from .seed import DEFAULT_MAX_DATA_CONTENT_LENGTH, DEMO_COURSE_APP_ID, query
from .store import JSONObject, Store

MAX_COURSES = 1000  # course apps in one control request
CONTROL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["course_app_ids"],
    "properties": {
        "course_app_ids": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_COURSES,
            "items": {"type": "string", "minLength": 1, "maxLength": 200},
        }
    },
    "additionalProperties": False,
}
_CONTROL = compile_schema(CONTROL_SCHEMA)


def course_app_ids(schedule: JSONObject) -> list[str]:
    """The course apps a run of ``schedule`` asks about."""
    found = schedule.get("_course_app_ids")
    return list(found) if isinstance(found, list) and found else [DEMO_COURSE_APP_ID]


def create_pending(
    store: Store, courses: list[str], now: str, metadata: dict[str, Any], graded_after: str | None = None
) -> list[JSONObject]:
    """One pending exchange per course app (in one transaction with the caller's other writes)."""
    created = []
    for course in courses:
        key = str(uuid.uuid4())
        asked = query(course)
        if graded_after is not None:
            asked["conditions"][0]["graded_after"] = graded_after
        obj: JSONObject = {
            "id": key,
            "created_at": now,
            "updated_at": now,
            "query": asked,
            "metadata": dict(metadata),
            "state": "created",
            "max_data_content_length": DEFAULT_MAX_DATA_CONTENT_LENGTH,
            "error_count": 0,
            "course_app_id": course,
            "_posted_by": "lms",
        }
        created.append(store.put("exchanges", key, obj))
    return created


def run(store: Store, schedule: JSONObject, now: str) -> list[JSONObject]:
    """What a run of ``schedule`` creates (nothing when it is disabled)."""
    if schedule.get("enabled") is not True:
        return []
    previous = schedule.get("last_executed_at")
    metadata = {"source": "schedule", "schedule_id": schedule["id"]}
    after = previous if isinstance(previous, str) else None
    return create_pending(store, course_app_ids(schedule), now, metadata, after)


def control_body(body: bytes) -> list[str]:
    """The course apps of a ``POST /_mock/exchanges`` body (400 naming the field otherwise)."""
    data = decode_body(body or b"{}")
    check(_CONTROL, data, "body")
    return [str(course) for course in data["course_app_ids"]]


__all__ = ["CONTROL_SCHEMA", "MAX_COURSES", "control_body", "course_app_ids", "create_pending", "run"]
