"""The four functions behind make bench's model ratios, and one of them run for valgrind to count.

    python scripts/model_runs.py LIST_BODY_FILE SIDE      (SIDE: loads, decode, dumps or encode)

bench.py times the four (best of 15). With ``--instructions`` it also runs this file under valgrind's callgrind,
once per side, with collection on only inside ``sys.call_tracing`` (which nothing else here calls): the count is
the instructions of one warm run of the side, including freeing what it built, as the timed run includes it. On a
shared virtual machine the timed ratios move by 10% from one run to the next; these counts repeat within 0.1% in
one environment, so they show a change of 1% in the generated code. Compare side by side in one environment: other
environment variables or paths moved the encode ratio of the same code from 1.751x to 1.781x. This module imports
only the generated package, so that valgrind (~50x slower) spends its time on the work measured, not on imports.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasync_grades.models import ExchangeData, ExchangeList

SIDES = ("loads", "decode", "dumps", "encode")
# The encode payload's size for a decode list of N exchanges: N * this many bytes (5 MB beside 10 000 exchanges).
PAYLOAD_BYTES_PER_EXCHANGE = 500


def exchange_data_payload(size: int) -> dict[str, Any]:
    """An exchange-data body of about `size` bytes of JSON: assignments of 25 scores, each score naming a person."""
    ref = {"name": "Jane Doe", "$sys": {"id": "123e4567-e89b-12d3-a456-426614174000", "source_id": {"sis": "S1"}}}
    score = {
        "$person": ref,
        "grade": "A",
        "score": 93.5,
        "excused": False,
        "late": False,
        "missing": False,
        "submitted_at": "2026-01-05T08:00:00Z",
        "sync_status": "pending",
    }
    assignment = {"name": "Essay 1", "points_possible": 100.0, "due_at": "2026-01-10T23:59:00Z", "scores": [score] * 25}
    return {"assignments": [assignment] * (size // len(json.dumps(assignment))), "final": True}


def sides(list_body: bytes, payload: dict[str, Any]) -> dict[str, Callable[[], object]]:
    """What each side of the two ratios runs: decode vs loads (a list response), encode vs dumps (a payload)."""
    model = ExchangeData.from_dict(payload)
    return {
        "loads": lambda: json.loads(list_body),
        "decode": lambda: ExchangeList.from_dict(json.loads(list_body)),
        "dumps": lambda: json.dumps(payload),
        "encode": lambda: json.dumps(model.to_dict()),
    }


def _run_and_drop(run: Callable[[], object]) -> None:
    run()  # what it returns is freed here, inside the counted call, as it is inside the timed one


def main(argv: list[str]) -> int:
    list_body = Path(argv[1]).read_bytes()
    exchanges = len(json.loads(list_body)["data"])
    run = sides(list_body, exchange_data_payload(exchanges * PAYLOAD_BYTES_PER_EXCHANGE))[argv[2]]
    gc.collect()
    gc.disable()  # as in the timed runs
    run()  # warm: the interpreter specialises the code on its first runs
    sys.call_tracing(_run_and_drop, (run,))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
