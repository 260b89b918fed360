"""HAR 1.2, the one module that knows the format: an exchange's entry, a file written as traffic passes, and a
file read with bounds. What is recorded (``proxy.recorder``: redaction, the token endpoint, the annotations) and
what a recording seeds (``mock.har``) live with their users; the shape of an entry, the file's framing and the
limits of reading live here.

Writing (``HarWriter``): each entry is appended and flushed (memory stays flat) and ``close()`` completes the
file; a writer killed with SIGKILL leaves a file without its closing brackets. ``mode`` ``new`` refuses an
existing file, ``overwrite`` replaces it, ``append`` adds to a file such a writer completed (``appendable``).
When a write fails (a full disk), the file is cut back to its last complete entry, completed if it can be, and
nothing more is written (``failed`` says why; ``stopped`` is called once).

An entry (``entry_json``): bodies that are JSON or text and valid UTF-8 are kept as text, anything else base64;
a body that was not held is left out and the entry says why in its ``comment``; form-encoded request bodies (and
the token request's) also as ``params``. A ``Redaction`` sees every header, the query and each body first.

Reading (``read_entries``, ``har_body``): a file of at most ``MAX_HAR_BYTES``, complete JSON, with a ``log.entries``
list of at most ``MAX_HAR_ENTRIES``; a recorded body decoded (text or base64) only up to ``MAX_HAR_BODY`` bytes.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import parse_qsl

from ._routing import is_json_media

Mode = Literal["new", "overwrite", "append"]
HEAD = b'{"log": {"version": "1.2", "creator": '
ENTRIES = b'"entries": [\n'
TAIL = b"\n]}}\n"
MAX_HAR_BYTES = 1024 * 1024 * 1024  # a larger file is refused (it is read whole)
MAX_HAR_ENTRIES = 200_000
MAX_HAR_BODY = 16 * 1024 * 1024  # bytes of one decoded body (an artifact, a list answer)


class HarError(ValueError):
    """The file is not a usable HAR file (one line saying why)."""


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


class Redaction(Protocol):
    """What an entry's headers, query and bodies pass through before they are written (``proxy.redact``)."""

    def header(self, name: str, value: str) -> str: ...

    def query_pairs(self, query: str) -> list[tuple[str, str]]: ...

    def query(self, query: str) -> str: ...

    def body(self, body: bytes, media: str, token: bool = False, answer: bool = False) -> bytes: ...


# -- one entry -------------------------------------------------------------------------------------------------
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


def _headers(redaction: Redaction, headers: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": redaction.header(name, value)} for name, value in headers]


def _url(redaction: Redaction, url: str, query: str) -> str:
    if not query:
        return url
    return url[: len(url) - len(query)] + redaction.query(query)


def entry_json(e: Entry, redaction: Redaction, token: bool = False) -> dict[str, Any]:
    """The HAR entry of ``e``, its headers, query and bodies through ``redaction`` (``token``: an exchange with
    the token endpoint, whose request is form-encoded and whose bodies are all credentials)."""
    request: dict[str, Any] = {
        "method": e.method,
        "url": _url(redaction, e.url, e.query),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(redaction, e.request.headers),
        "queryString": [{"name": name, "value": value} for name, value in redaction.query_pairs(e.query)],
        "headersSize": -1,
        "bodySize": e.request.size,
    }
    media = _header(e.request.headers, "content-type")
    if e.request.body is not None and (e.request.body or e.method not in ("GET", "HEAD", "DELETE")):
        body = redaction.body(e.request.body, media, token=token)
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
        answer = redaction.body(e.response.body, response_media, token=token, answer=True)
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
            "headers": _headers(redaction, e.response.headers),
            "content": content,
            "redirectURL": _header(e.response.headers, "location"),
            "headersSize": -1,
            "bodySize": e.response.size,
        },
        "cache": {},
        "timings": {"send": 0, "wait": round(e.wait_ms, 3), "receive": round(e.receive_ms, 3)},
        **({"_datasync": e.annotations} if e.annotations else {}),
    }


# -- writing ---------------------------------------------------------------------------------------------------
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


class HarWriter:
    """Appends entries to a HAR 1.2 file; ``close()`` completes it. Thread-safe. ``mode``: ``new`` refuses an
    existing file (``FileExistsError``), ``overwrite`` replaces it, ``append`` adds to it (see ``appendable``).
    ``creator`` is the log's ``creator`` object (a new file's)."""

    def __init__(self, path: Path, mode: Mode, creator: dict[str, str]) -> None:
        self.path = path
        self.entries = 0  # written by this writer
        self._any = False  # the file holds an entry (a comma goes before the next)
        self.failed = ""  # why writing stopped early ("" while it writes)
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
        self._append(HEAD + json.dumps(creator).encode() + b", " + ENTRIES)

    @property
    def writing(self) -> bool:
        """Whether entries are still written (not closed, no write failed)."""
        return self._fd is not None

    def _append(self, data: bytes) -> bool:
        """Write ``data`` after what is written; on failure stop writing (``False``). Under the lock."""
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
        """Cut the file back to its last complete entry, complete it if there is room, stop, tell ``stopped``."""
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
        self.stopped(completed)

    def stopped(self, completed: bool) -> None:
        """Called once when a write failed (``failed`` says why); ``completed``: the closing brackets fit."""

    def write(self, entry: dict[str, Any]) -> None:
        """Append one entry (a HAR entry object, e.g. ``entry_json``'s)."""
        if self._fd is None:
            return
        text = json.dumps(entry, ensure_ascii=False)
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


# -- reading ---------------------------------------------------------------------------------------------------
def read_entries(path: Path) -> list[Any]:
    """The ``log.entries`` of the HAR file at ``path`` (each still to be checked); ``HarError`` if it cannot be
    used: unreadable, larger than ``MAX_HAR_BYTES``, not complete JSON, no entries list, or more than
    ``MAX_HAR_ENTRIES`` of them."""
    try:
        size = path.stat().st_size
        if size > MAX_HAR_BYTES:  # HarError is a ValueError: said as it is, not as JSON that did not parse
            raise HarError(f"{path} is {size} bytes; at most {MAX_HAR_BYTES} are read")
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise HarError(f"cannot read {path}: {exc.strerror or exc}") from None
    except HarError:
        raise
    except (ValueError, RecursionError) as exc:
        raise HarError(
            f"{path} is not complete JSON ({exc}); a proxy stopped with SIGKILL leaves its HAR file unfinished"
        ) from None
    entries = data.get("log", {}).get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path} is not a HAR file (no log.entries)")
    if len(entries) > MAX_HAR_ENTRIES:
        raise HarError(f"{path} has {len(entries)} entries; at most {MAX_HAR_ENTRIES} are used")
    return entries


def har_body(content: Any) -> bytes | None:
    """The bytes of a recorded ``content`` or ``postData`` object (text, or base64 with ``encoding``); ``None``
    when there is none, it is not valid base64, or it is larger than ``MAX_HAR_BODY``."""
    if not isinstance(content, dict) or not isinstance(content.get("text"), str):
        return None
    text: str = content["text"]
    if content.get("encoding") == "base64":
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None
    else:
        raw = text.encode("utf-8")
    return raw if len(raw) <= MAX_HAR_BODY else None


__all__ = [
    "MAX_HAR_BODY",
    "MAX_HAR_BYTES",
    "MAX_HAR_ENTRIES",
    "Entry",
    "HarError",
    "HarWriter",
    "Message",
    "Mode",
    "Redaction",
    "appendable",
    "entry_json",
    "har_body",
    "read_entries",
]
