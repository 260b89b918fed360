"""``--record FILE.har``: the exchanges the proxy validated, as a HAR 1.2 file with credentials redacted.

The file's format, its framing and what happens when a write fails are ``contract``'s (``HarWriter``,
``entry_json``): written as traffic passes and completed when the proxy stops; an existing file is replaced only
with ``--overwrite-record``; ``--append-record`` adds to a recording the proxy completed (``appendable``). When a
write fails (a full disk), the proxy says so once in its log and keeps forwarding. Bodies up to the proxy's size
cap are recorded; a larger body is left out and the entry says so in its ``comment``. ``datasync mock --seed-from
FILE.har`` turns such a file into the mock's data.

What is recorded is the proxy's policy: ``redact``'s one policy applied to every header, the query, and request
and response bodies (JSON and form-encoded; the token endpoint's as credentials), then every credential seen
anywhere is scrubbed from every string of the entry. Each entry carries ``_datasync``: the API, operationId and
the keys of the findings the exchange produced.
"""

from __future__ import annotations

import importlib.metadata
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from datasync_openapi.contract import Entry, HarWriter, Mode, entry_json
from datasync_openapi.findings.redact import Redactor, printable

log = logging.getLogger("datasync_openapi.proxy")

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a credential


class HarRecorder(HarWriter):
    """A ``HarWriter`` of the proxy's exchanges, redacted by ``redactor``; a failed write is logged once."""

    def __init__(self, path: Path, redactor: Redactor, mode: Mode = "overwrite") -> None:
        self.redactor = redactor
        try:
            version = importlib.metadata.version("datasync-openapi")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        super().__init__(path, mode, {"name": "datasync proxy", "version": version})

    def add(self, entry: Entry) -> None:
        if self.writing:
            self.write(self.redactor.scrub_all(self.entry(entry)))

    def entry(self, e: Entry) -> dict[str, Any]:
        """The entry with ``redact``'s policy applied to its headers, query and bodies (not yet scrubbed)."""
        return entry_json(e, self.redactor, token=e.path == TOKEN_PATH)

    def stopped(self, completed: bool) -> None:
        log.error(
            "recording to %s stopped: %s; the proxy keeps forwarding, the file keeps its complete entries "
            "(%d of this session)%s",
            printable(str(self.path)),
            printable(self.failed),
            self.entries,
            "" if completed else " (not completed: the closing brackets did not fit)",
        )


def now() -> datetime:
    return datetime.now(UTC)


__all__ = ["TOKEN_PATH", "HarRecorder", "now"]
