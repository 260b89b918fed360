"""Faults on demand, for testing clients: errors and latency, per request or queued.

Per request, a header: ``X-Mock-Fault: 503``, ``X-Mock-Fault: 429; retry-after=2``,
``X-Mock-Fault: delay=0.25`` or combined ``X-Mock-Fault: 500; delay=0.1``.

Queued, through the control endpoint ``POST /_mock/faults`` with a JSON body
``{"status": 429, "retry_after": "1", "count": 2, "delay": 0, "method": "GET", "path": "/v2/grades/exchanges"}``:
the next ``count`` requests whose method and path (a prefix) match get the fault. ``DELETE /_mock/faults``
clears the queue; ``POST /_mock/reset`` clears it too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .http import MockError, bad_request

FAULT_STATUSES = (429, 500, 502, 503, 504)
MAX_DELAY = 30.0


@dataclass
class Fault:
    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    count: int = 1
    method: str | None = None
    path: str | None = None

    def error(self) -> MockError | None:
        if self.status is None:
            return None
        headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
        message = {429: "Too many requests", 500: "Internal error (injected)"}.get(
            self.status, "Service unavailable (injected)"
        )
        return MockError(self.status, message, "fault injected by the mock", headers)

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        if not isinstance(data, dict):
            raise bad_request("a fault is a JSON object")
        unknown = set(data) - {"status", "retry_after", "delay", "count", "method", "path"}
        if unknown:
            raise bad_request(f"unknown fault fields: {sorted(unknown)}")
        fault = cls(
            status=data.get("status"),
            retry_after=None if data.get("retry_after") is None else str(data["retry_after"]),
            delay=data.get("delay", 0.0),
            count=data.get("count", 1),
            method=data.get("method"),
            path=data.get("path"),
        )
        fault.check()
        return fault

    @classmethod
    def from_header(cls, value: str) -> Fault:
        fault = cls()
        for part in (p.strip() for p in value.split(";")):
            if not part:
                continue
            key, sep, arg = part.partition("=")
            key = key.strip().lower()
            try:
                if not sep and key.isdigit():
                    fault.status = int(key)
                elif key == "status":
                    fault.status = int(arg)
                elif key == "retry-after":
                    fault.retry_after = arg.strip()
                elif key == "delay":
                    fault.delay = float(arg)
                else:
                    raise bad_request(f"X-Mock-Fault: unknown part {part!r}")
            except ValueError:
                raise bad_request(f"X-Mock-Fault: bad value in {part!r}") from None
        fault.check()
        return fault

    def check(self) -> None:
        if self.status is not None and (not isinstance(self.status, int) or self.status not in FAULT_STATUSES):
            raise bad_request(f"fault status must be one of {list(FAULT_STATUSES)}")
        if not isinstance(self.delay, int | float) or not 0 <= self.delay <= MAX_DELAY:
            raise bad_request(f"fault delay must be between 0 and {MAX_DELAY} seconds")
        if not isinstance(self.count, int) or self.count < 1:
            raise bad_request("fault count must be a positive integer")
        if self.status is None and not self.delay:
            raise bad_request("a fault needs a status or a delay")
        if self.status == 429 and self.retry_after is None:
            self.retry_after = "1"

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path is None or path.startswith(self.path)
        )


class FaultQueue:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [vars(f).copy() for f in self._faults]
