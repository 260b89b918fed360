"""``--record FILE.har``: the exchanges the proxy validated, as a HAR 1.2 file with credentials redacted.

Written as traffic passes (each entry appended and flushed, memory stays flat) and completed when the proxy
stops; a proxy killed with SIGKILL leaves a file without its closing brackets. Bodies up to the proxy's size
cap are recorded (JSON and text as text, anything else base64); a larger body is left out and the entry says
so in its ``comment``. ``datasync mock --seed-from FILE.har`` turns such a file into the mock's data.

Redacted (``[redacted]``): the ``Authorization``, ``Proxy-Authorization``, ``Cookie`` and ``Set-Cookie``
headers and any header or query parameter named like a credential; the token endpoint's request body (every
field but ``grant_type``/``scope``) and the tokens in its answer; and every credential seen anywhere else in
an entry (``redact.Redactor.scrub``). Each entry carries ``_datasync``: the API, operationId and the keys of
the findings the exchange produced.
"""

from __future__ import annotations

import base64
import importlib.metadata
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl

from datasync_openapi.mock.routing import is_json_media

from .redact import REDACTED, TOKEN_FIELDS, Redactor

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


class HarRecorder:
    """Appends entries to a HAR 1.2 file; ``close()`` completes it. Thread-safe."""

    def __init__(self, path: Path, redactor: Redactor) -> None:
        self.path = path
        self.redactor = redactor
        self.entries = 0
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] | None = path.open("w", encoding="utf-8")
        try:
            version = importlib.metadata.version("datasync-openapi")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        creator = {"name": "datasync proxy", "version": version}
        self._file.write('{"log": {"version": "1.2", "creator": ' + json.dumps(creator) + ', "entries": [\n')
        self._file.flush()

    def add(self, entry: Entry) -> None:
        text = self.redactor.scrub(json.dumps(self.entry(entry), ensure_ascii=False))
        with self._lock:
            if self._file is None:
                return
            self._file.write((",\n" if self.entries else "") + text)
            self._file.flush()
            self.entries += 1

    def close(self) -> None:
        with self._lock:
            if self._file is None:
                return
            self._file.write("\n]}}\n")
            self._file.close()
            self._file = None

    # -- one entry ----------------------------------------------------------------------------------------
    def entry(self, e: Entry) -> dict[str, Any]:
        token = e.path == TOKEN_PATH
        request: dict[str, Any] = {
            "method": e.method,
            "url": self._url(e.url, e.query),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": self._headers(e.request.headers),
            "queryString": [
                {"name": name, "value": self.redactor.header_value(name, value)}
                for name, value in parse_qsl(e.query, keep_blank_values=True)
            ],
            "headersSize": -1,
            "bodySize": e.request.size,
        }
        media = _header(e.request.headers, "content-type")
        if e.request.body is not None and (e.request.body or e.method not in ("GET", "HEAD", "DELETE")):
            if token:
                params = self.redactor.token_request(e.request.body)
                text = "&".join(f"{name}={value}" for name, value in params)
                request["postData"] = {
                    "mimeType": media,
                    "params": [{"name": name, "value": value} for name, value in params],
                    "text": text,
                }
            else:
                request["postData"] = {"mimeType": media, **_content(e.request.body, media)}
        elif e.request.omitted:
            request["postData"] = {"mimeType": media, "text": "", "comment": e.request.omitted}
        response_media = _header(e.response.headers, "content-type")
        content: dict[str, Any] = {"size": e.response.size, "mimeType": response_media}
        if e.response.body is not None:
            content["size"] = len(e.response.body)
            body = self._token_answer(e.response.body) if token else e.response.body
            content.update(_content(body, response_media))
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
        return [{"name": name, "value": self.redactor.header_value(name, value)} for name, value in headers]

    def _url(self, url: str, query: str) -> str:
        if not query:
            return url
        return url[: len(url) - len(query)] + self.redactor.query(query)

    def _token_answer(self, body: bytes) -> bytes:
        """The token endpoint's answer with its tokens redacted (and remembered); not JSON: all of it."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return REDACTED.encode()
        if isinstance(data, dict):
            for name in TOKEN_FIELDS:
                if isinstance(data.get(name), str):
                    self.redactor.learn(data[name])
                    data[name] = REDACTED
        return json.dumps(data).encode()


def now() -> datetime:
    return datetime.now(UTC)


__all__ = ["Entry", "HarRecorder", "Message", "now"]
