"""The SIS side of the Grades Exchange: answer every pending exchange's query with grade data (chunked), or
report that the query cannot be answered. Each pending exchange is answered exactly once.

    DATASYNC_URL=http://127.0.0.1:8000 DATASYNC_CLIENT_ID=demo-client DATASYNC_CLIENT_SECRET=demo-secret \\
        python examples/producer_flow.py

The data follows the spec (openapi/grades.yaml): an ``Assignment`` carries its ``scores`` (each a ``Score``
of one ``$person``), a ``Summary`` is one ``$person``'s summary score in a ``$section``; ``$person``,
``$section`` and ``$grader`` are ``ObjectRef`` (a name and the object's system ids, ``$sys``).
"""

import os
import sys
from typing import Any

from datasync_grades.runtime import connect
from datasync_grades.workflows import QueryNotAnswerable, answer_pending

url = os.environ.get("DATASYNC_URL", "")
if not url:  # no default: a script run by mistake must not reach a real tenant
    print(f"{sys.argv[0]}: set DATASYNC_URL to the server, e.g. http://127.0.0.1:8000 for `make mock`", file=sys.stderr)
    raise SystemExit(2)
client = connect(  # tokens come from the same host: {DATASYNC_URL}/oauth/token
    f"{url}/v2/grades",
    client_id=os.environ["DATASYNC_CLIENT_ID"],
    client_secret=os.environ["DATASYNC_CLIENT_SECRET"],
)

# What the SIS knows (made up here): its students, and the gradebook (points possible, scores by student).
STUDENTS = {"s-1001": "Ada Lovelace", "s-1002": "Alan Turing"}
GRADEBOOK: dict[str, tuple[float, dict[str, float]]] = {
    "Quiz 1": (10.0, {"s-1001": 9.5, "s-1002": 8.0}),
    "Essay": (100.0, {"s-1001": 92.0, "s-1002": 85.0}),
}


def person(sis_id: str) -> dict[str, Any]:
    """An ObjectRef to a person: their name and their id in the SIS (``$sys.source_id``)."""
    return {"name": STUDENTS[sis_id], "$sys": {"source_id": {"sis": sis_id}}}


def letter(fraction: float) -> str:
    return "A" if fraction >= 0.9 else "B" if fraction >= 0.8 else "C"


def answer(exchange: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Look the exchange's query up in the SIS; raise QueryNotAnswerable if the SIS cannot answer it."""
    query = exchange.get("query") or {}
    if query.get("type") != "assignment_scores":
        raise QueryNotAnswerable("query_type_not_supported", f"cannot answer {query.get('type')!r}")
    conditions = query.get("conditions") or [{}]
    section = conditions[0].get("scope_id") or {"name": "unknown section"}  # an ObjectRef
    assignments = [
        {
            "$section": section,
            "name": name,
            "points_possible": points,
            "scores": [
                {"$person": person(sis_id), "score": score, "grade": letter(score / points)}
                for sis_id, score in scores.items()
            ],
        }
        for name, (points, scores) in GRADEBOOK.items()
    ]
    summaries = []
    for sis_id in STUDENTS:
        fraction = sum(scores[sis_id] / points for points, scores in GRADEBOOK.values()) / len(GRADEBOOK)
        summaries.append(
            {
                "$section": section,
                "$person": person(sis_id),
                "summary_type": "final",
                "score_type": "raw",
                "score": round(100 * fraction, 2),
                "grade": letter(fraction),
            }
        )
    return assignments, summaries


with client:
    report = answer_pending(client, answer, on_outcome=print)  # prints "<id>: posted 1 chunk(s)" per exchange
print(report)
