"""``--record FILE.har``: the exchanges the proxy validated, as a HAR 1.2 file with credentials redacted.

Written as traffic passes (each entry appended and flushed, memory stays flat) and completed when the proxy
stops; a proxy killed with SIGKILL leaves a file without its closing brackets. An existing file is replaced
only with ``--overwrite-record``; ``--append-record`` adds to a recording the proxy completed (``appendable``).
When a write fails (a full disk), the proxy says so once in its log, cuts the file back to its last complete
entry, completes it if it can and records no more; it keeps forwarding. Bodies up to the proxy's size cap are
recorded (JSON and text as text, anything else base64); a larger body is left out and the entry says so in its
``comment``. ``datasync mock --seed-from FILE.har`` turns such a file into the mock's data.

What is redacted is ``redact``'s one policy, applied to every header, the query, and request and response
bodies (JSON and form-encoded), then every credential seen anywhere is scrubbed from every string of the
entry. Each entry carries ``_datasync``: the API, operationId and the keys of the findings the exchange
produced.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.metadata
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

from datasync_openapi.mock.routing import is_json_media

from .redact import Redactor, printable

log = logging.getLogger("datasync_openapi.proxy")

Mode = Literal["new", "overwrite", "append"]
HEAD = b'{"log": {"version": "1.2", "creator": '
ENTRIES = b'"entries": [\n'
TAIL = b"\n]}}\n"
TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a credential


@dataclass
class Message:
    """One side of an exchange as the HAR needs it. ``body`` ``None``: not held (``omitted`` says why)."""

    headers: list[tuple[str, str]]
    body: bytes | None
    size: int  # bytes on the wire (-1 unknown)
    omitted: str = ""


@dataclass
class Entry:
    started: datetime
    method: str
    url: str  # the upstream URL, query included
    path: str
    query: str
    request: Message
    status: int
    response: Message
    wait_ms: float
    receive_ms: float
    annotations: dict[str, Any] = field(default_factory=dict)


def _text_media(media: str) -> bool:
    media = media.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or is_json_media(media) or media in ("application/x-www-form-urlencoded",)


def _header(headers: list[tuple[str, str]], name: str) -> str:
    return next((value for key, value in headers if key.lower() == name), "")


def _content(body: bytes, media: str) -> dict[str, Any]:
    if _text_media(media):
        try:
            return {"text": body.decode("utf-8")}
        except UnicodeDecodeError:
            pass
    return {"text": base64.b64encode(body).decode("ascii"), "encoding": "base64"}


def appendable(path: Path) -> bool:
    """Whether the HAR file the proxy completed at ``path`` has entries; ``ValueError`` (one line) when it is
    not such a file (another tool's, or cut off by SIGKILL), which ``--append-record`` cannot extend cleanly."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
            fh.seek(max(0, size - len(TAIL)))
            tail = fh.read()
    except OSError as exc:
        raise ValueError(f"cannot read the recording {path}: {exc.strerror or exc}") from None
    start = head.find(ENTRIES)
    if not head.startswith(HEAD) or start < 0 or tail != TAIL:
        raise ValueError(
            f"--append-record: {path} is not a complete HAR file of datasync proxy (use --overwrite-record)"
        )
    return size - len(TAIL) > start + len(ENTRIES)


def _write(fd: int, data: bytes, offset: int) -> None:
    """All of ``data`` at ``offset`` (``OSError`` when the disk is full)."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


class HarRecorder:
    """Appends entries to a HAR 1.2 file; ``close()`` completes it. Thread-safe. ``mode``: ``new`` refuses an
    existing file (``FileExistsError``), ``overwrite`` replaces it, ``append`` adds to it (see ``appendable``)."""

    def __init__(self, path: Path, redactor: Redactor, mode: Mode = "overwrite") -> None:
        self.path = path
        self.redactor = redactor
        self.entries = 0  # recorded by this recorder
        self._any = False  # the file holds an entry (a comma goes before the next)
        self.failed = ""  # why recording stopped early ("" while it records)
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        if mode == "append":
            self._any = appendable(path)
            self._fd: int | None = os.open(path, os.O_WRONLY)
            self._offset = path.stat().st_size - len(TAIL)
            self._good = self._offset
            os.ftruncate(self._fd, self._offset)
            return
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if mode == "overwrite" else os.O_EXCL)
        self._fd = os.open(path, flags, 0o644)
        self._offset = self._good = 0
        try:
            version = importlib.metadata.version("datasync-openapi")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        creator = json.dumps({"name": "datasync proxy", "version": version}).encode()
        self._append(HEAD + creator + b", " + ENTRIES)

    def _append(self, data: bytes) -> bool:
        """Write ``data`` after what is written; on failure stop recording (``False``). Under the lock."""
        if self._fd is None:
            return False
        try:
            _write(self._fd, data, self._offset)
        except OSError as exc:
            self._fail(exc)
            return False
        self._offset += len(data)
        self._good = self._offset
        return True

    def _fail(self, exc: OSError) -> None:
        """Say so once, cut the file back to its last complete entry, complete it if there is room, stop."""
        fd, self._fd = self._fd, None
        self.failed = exc.strerror or str(exc)
        completed = False
        if fd is not None:
            try:
                os.ftruncate(fd, self._good)
                _write(fd, TAIL, self._good)
                completed = True
            except OSError:
                pass
            with contextlib.suppress(OSError):
                os.close(fd)
        log.error(
            "recording to %s stopped: %s; the proxy keeps forwarding, the file keeps its complete entries "
            "(%d of this session)%s",
            printable(str(self.path)),
            printable(self.failed),
            self.entries,
            "" if completed else " (not completed: the closing brackets did not fit)",
        )

    def add(self, entry: Entry) -> None:
        if self._fd is None:
            return
        text = json.dumps(self.redactor.scrub_all(self.entry(entry)), ensure_ascii=False)
        with self._lock:
            if self._append(((",\n" if self._any else "") + text).encode("utf-8")):
                self.entries += 1
                self._any = True

    def close(self) -> None:
        with self._lock:
            if self._fd is None:
                return
            if self._append(TAIL) and self._fd is not None:
                fd, self._fd = self._fd, None
                os.close(fd)

    # -- one entry ----------------------------------------------------------------------------------------
    def entry(self, e: Entry) -> dict[str, Any]:
        """The entry with ``redact``'s policy applied to its headers, query and bodies (not yet scrubbed)."""
        token = e.path == TOKEN_PATH
        redactor = self.redactor
        request: dict[str, Any] = {
            "method": e.method,
            "url": self._url(e.url, e.query),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": self._headers(e.request.headers),
            "queryString": [{"name": name, "value": value} for name, value in redactor.query_pairs(e.query)],
            "headersSize": -1,
            "bodySize": e.request.size,
        }
        media = _header(e.request.headers, "content-type")
        if e.request.body is not None and (e.request.body or e.method not in ("GET", "HEAD", "DELETE")):
            body = redactor.body(e.request.body, media, token=token)
            request["postData"] = {"mimeType": media, **_content(body, media)}
            form = media.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded"
            if form or (token and b"=" in body):
                params = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
                request["postData"]["params"] = [{"name": name, "value": value} for name, value in params]
        elif e.request.omitted:
            request["postData"] = {"mimeType": media, "text": "", "comment": e.request.omitted}
        response_media = _header(e.response.headers, "content-type")
        content: dict[str, Any] = {"size": e.response.size, "mimeType": response_media}
        if e.response.body is not None:
            content["size"] = len(e.response.body)
            answer = redactor.body(e.response.body, response_media, token=token, answer=True)
            content.update(_content(answer, response_media))
        elif e.response.omitted:
            content["comment"] = e.response.omitted
        try:
            reason = HTTPStatus(e.status).phrase
        except ValueError:
            reason = ""
        return {
            "startedDateTime": e.started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "time": round(e.wait_ms + e.receive_ms, 3),
            "request": request,
            "response": {
                "status": e.status,
                "statusText": reason,
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": self._headers(e.response.headers),
                "content": content,
                "redirectURL": _header(e.response.headers, "location"),
                "headersSize": -1,
                "bodySize": e.response.size,
            },
            "cache": {},
            "timings": {"send": 0, "wait": round(e.wait_ms, 3), "receive": round(e.receive_ms, 3)},
            **({"_datasync": e.annotations} if e.annotations else {}),
        }

    def _headers(self, headers: list[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"name": name, "value": self.redactor.header(name, value)} for name, value in headers]

    def _url(self, url: str, query: str) -> str:
        if not query:
            return url
        return url[: len(url) - len(query)] + self.redactor.query(query)


def now() -> datetime:
    return datetime.now(UTC)


__all__ = ["TOKEN_PATH", "Entry", "HarRecorder", "Message", "Mode", "appendable", "now"]
