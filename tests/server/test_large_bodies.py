"""Large request bodies over keep-alive are bodies, not heads (src/datasync_openapi/server.py).

The raw-bytes bound of an incomplete request head (64 KiB) once counted the bytes of the read that completed a
request: a body whose last read was larger than 64 KiB was refused with a false 431, and the answer already
on its way failed ("Cannot call write() after write_eof()"). The validating proxy streams such bodies.
"""

from __future__ import annotations

import json

import httpx

from datasync_openapi.mock import DEMO_TOKEN, create_app
from datasync_openapi.mock.seed import EXCHANGE_CREATED
from datasync_openapi.server import running


def test_large_bodies_on_one_connection_are_all_answered() -> None:
    body = json.dumps({"assignments": [{"name": "x" * 100}] * 8000}).encode()  # ~0.9 MB, under the 1 MB limit
    assert 800_000 < len(body) < 1_000_000
    headers = {"Authorization": f"Bearer {DEMO_TOKEN}", "Content-Type": "application/json"}
    with running(create_app()) as base, httpx.Client(base_url=base, headers=headers) as http:
        statuses = [
            http.post(f"/v2/grades/exchanges/{EXCHANGE_CREATED}/data", content=body).status_code for _ in range(8)
        ]
    assert statuses == [200] * 8
