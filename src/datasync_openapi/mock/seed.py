"""Deterministic demo data: the same ids and values after every reset (the ids are spec examples too)."""

from __future__ import annotations

import uuid
from typing import Any

from .store import Store

T0 = "2026-01-05T08:00:00Z"
T1 = "2026-01-05T09:30:00Z"

# Well-known ids (also the `example` of the spec's id parameters, so fuzzing reaches real objects).
EXCHANGE_COMPLETED = "e1000000-0000-4000-8000-000000000001"
EXCHANGE_CREATED = "e1000000-0000-4000-8000-000000000002"
EXCHANGE_NO_LOGS = "e1000000-0000-4000-8000-000000000003"
EXCHANGE_PROCESSING = "e1000000-0000-4000-8000-000000000004"
EXCHANGE_FAILED = "e1000000-0000-4000-8000-000000000005"
BATCH_CREATED = "b1000000-0000-4000-8000-000000000001"
BATCH_COMPLETED = "b1000000-0000-4000-8000-000000000002"
BATCH_FAILED = "b1000000-0000-4000-8000-000000000003"
SCHEDULE_ENABLED = "5c4ed000-0000-4000-8000-000000000001"
SCHEDULE_DISABLED = "5c4ed000-0000-4000-8000-000000000002"
SECTION = "section-101"
TENANT = "7e000000-0000-4000-8000-000000000001"
TENANT_2 = "7e000000-0000-4000-8000-000000000002"
ACCOUNT = "acc00000-0000-4000-8000-000000000001"
INTEGRATION = "1a000000-0000-4000-8000-000000000001"
SCHOOL = "5c000000-0000-4000-8000-000000000001"
COURSE = "c0000000-0000-4000-8000-000000000001"

DEFAULT_MAX_DATA_CONTENT_LENGTH = 1_000_000
DEMO_COURSE_APP_ID = "course-app-101"


def _ref(name: str, key: str) -> dict[str, Any]:
    return {
        "name": name,
        "$sys": {"id": key, "source_id": {"sis": name.upper().replace(" ", "-")}, "app_id": {"canvas": name}},
    }


def query(course: str) -> dict[str, Any]:
    return {
        "type": "assignment_scores",
        "conditions": [
            {
                "scope": "course",
                "scope_by": "id",
                "scope_id": _ref(course, str(uuid.uuid5(uuid.NAMESPACE_URL, f"datasync-mock:{course}"))),
            }
        ],
    }


def exchange(key: str, state: str, course_app_id: str, posted_by: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": key,
        "created_at": T0,
        "updated_at": T1,
        "query": query(course_app_id),
        "metadata": {"source": "seed"},
        "state": state,
        "max_data_content_length": DEFAULT_MAX_DATA_CONTENT_LENGTH,
        "error_count": 0,
        "course_app_id": course_app_id,
        "_posted_by": posted_by,
        **extra,
    }


def details_artifact(key: str, assignments: int, summaries: int) -> dict[str, Any]:
    return {"exchange_id": key, "assignments": assignments, "summaries": summaries, "scores_sent": assignments * 3}


def seed(store: Store) -> None:
    """Fill an empty store with the demo data."""
    exchanges = [
        exchange(EXCHANGE_COMPLETED, "completed", "course-app-101", "sis"),
        exchange(EXCHANGE_CREATED, "created", "course-app-101", "lms"),
        exchange(EXCHANGE_NO_LOGS, "completed", "course-app-202", "sis"),
        exchange(EXCHANGE_PROCESSING, "processing", "course-app-202", "lms", batch_exchange_id=BATCH_CREATED),
        exchange(EXCHANGE_FAILED, "failed", "course-app-303", "sis"),
    ]
    for obj in exchanges:
        store.put("exchanges", obj["id"], obj)
    store.put("artifacts", f"{EXCHANGE_COMPLETED}/details", {"content": details_artifact(EXCHANGE_COMPLETED, 2, 1)})
    store.put(
        "artifacts",
        f"{EXCHANGE_COMPLETED}/consumerlogs",
        {"content": [{"at": T1, "level": "info", "message": "sent 6 scores to the SIS"}]},
    )
    store.put("artifacts", f"{EXCHANGE_NO_LOGS}/details", {"content": details_artifact(EXCHANGE_NO_LOGS, 0, 0)})
    errors = [
        (EXCHANGE_PROCESSING, "query_type_not_supported", "the SIS cannot answer this query type"),
        (EXCHANGE_PROCESSING, "producer_error", "retry after the term is set up"),
        (EXCHANGE_FAILED, "producer_failure", None),
    ]
    for n, (exchange_id, code, details) in enumerate(errors, start=1):
        key = f"e2000000-0000-4000-8000-{n:012d}"
        error = {"id": key, "created_at": T1, "updated_at": T1, "code": code, "message": error_message(code)}
        if details is not None:  # `details` is a string when present (the spec does not allow null)
            error["details"] = details
        store.put("exchange_errors", key, {**error, "_exchange_id": exchange_id})
        exchange_obj = store.get("exchanges", exchange_id)
        assert exchange_obj is not None
        store.update("exchanges", exchange_id, error_count=exchange_obj["error_count"] + 1)
    batches: list[dict[str, Any]] = [
        {"id": BATCH_CREATED, "state": "created", "course_ids": ["course-101", "course-102"], "error_code": None},
        {"id": BATCH_COMPLETED, "state": "completed", "course_ids": ["course-201"], "error_code": None},
        {"id": BATCH_FAILED, "state": "failed", "course_ids": [], "error_code": "integration_error"},
    ]
    for batch in batches:
        store.put("batch_exchanges", batch["id"], {**batch, "created_at": T0, "updated_at": T1})
    schedule_meta = {"created": T0, "updated": T1, "scheduled": None}
    store.put(
        "schedules",
        SCHEDULE_ENABLED,
        {
            "id": SCHEDULE_ENABLED,
            "type": "unspecified",
            "enabled": True,
            "hour": 2,
            "days": "MON,WED,FRI",
            "last_executed_at": T1,
            "metadata": schedule_meta,
            "_course_app_ids": ["course-app-101", "course-app-202"],  # what a run asks about (mock/consumer.py)
        },
    )
    store.put(
        "schedules",
        SCHEDULE_DISABLED,
        {
            "id": SCHEDULE_DISABLED,
            "type": "unspecified",
            "enabled": False,
            "hour": 22,
            "days": "SUN",
            "metadata": schedule_meta,
        },
    )
    store.put(
        "consumer",
        "consumer",
        {
            "id": "consumer-1",
            "connector_type": "oneroster",
            "summary_score_type": "final",
            "supported_exchange_query_type": "assignment_scores",
        },
    )
    store.put("sections", SECTION, {"consumerSourceId": "SIS-SECTION-101"})
    store.put("sections", "section-102", {"consumerSourceId": "SIS-SECTION-102"})
    for key, name in ((TENANT, "Springfield District"), (TENANT_2, "Shelbyville District")):
        store.put("tenants", key, tenant(key, name))
    for n in range(1, 4):
        school_id = f"5c000000-0000-4000-8000-{n:012d}"
        store.put(
            "scoping_schools",
            school_id,
            {
                "account_id": ACCOUNT,
                "tenant_id": TENANT,
                "school_id": school_id,
                "school_ref_id": f"SCH-{n}",
                "name": f"School {n}",
                "local_id": f"local-{n}",
                "keywords": "seed",
                "selected": n != 3,
            },
        )
        course_id = f"c0000000-0000-4000-8000-{n:012d}"
        store.put(
            "scoping_courses",
            course_id,
            {
                "account_id": ACCOUNT,
                "tenant_id": TENANT,
                "course_id": course_id,
                "course_ref_id": f"CRS-{n}",
                "school_id": SCHOOL,
                "school_ref_id": "SCH-1",
                "name": f"Course {n}",
                "local_id": f"c-local-{n}",
                "keywords": "seed",
                "selected": True,
            },
        )


# the known ExchangeError codes (openapi/grades.yaml, ExchangeErrorCodeKnown) explained in the mock's own words
_ERROR_MESSAGES = {
    "query_type_not_supported": "The consumer does not support this exchange query type",
    "query_conditions_not_supported": "The producer does not support the conditions of this exchange query",
    "producer_error": "The producer could not answer this exchange; it may try again",
    "producer_failure": "The producer failed to answer this exchange",
}


def error_message(code: str) -> str:
    return _ERROR_MESSAGES.get(code, f"Exchange error: {code}")


def tenant(key: str, name: str) -> dict[str, Any]:
    status = {"op_state": "running", "setup_state": "complete", "last_sync_at": T1}
    return {
        "id": key,
        "name": name,
        "account": {"id": ACCOUNT, "name": "Demo account", "public_id": "demo", "timezone": "UTC", "userdata": ""},
        "cloud": {
            "id": "c1000000-0000-4000-8000-000000000001",
            "name": "us2",
            "generation": 2,
            "env": {"id": "c2000000-0000-4000-8000-000000000001", "name": "production"},
        },
        "integration": {"id": INTEGRATION, "name": "Grades Exchange", "version": "2"},
        "license": {"status": "valid", "valid_from": T0, "valid_to": "2027-01-05T08:00:00Z"},
        "status": status,
        "sis_status": status,
        "auth": {"type": "oauth2", "client_id": f"client-{key[:8]}", "client_secret": "********", "updated_at": T0},
    }


__all__ = [
    "ACCOUNT",
    "BATCH_COMPLETED",
    "BATCH_CREATED",
    "BATCH_FAILED",
    "COURSE",
    "DEFAULT_MAX_DATA_CONTENT_LENGTH",
    "DEMO_COURSE_APP_ID",
    "EXCHANGE_COMPLETED",
    "EXCHANGE_CREATED",
    "EXCHANGE_FAILED",
    "EXCHANGE_NO_LOGS",
    "EXCHANGE_PROCESSING",
    "INTEGRATION",
    "SCHEDULE_DISABLED",
    "SCHEDULE_ENABLED",
    "SCHOOL",
    "SECTION",
    "T0",
    "T1",
    "TENANT",
    "TENANT_2",
    "error_message",
    "exchange",
    "query",
    "seed",
]
