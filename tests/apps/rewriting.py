"""An ASGI wrapper that rewrites another test server's answers: drifts and hostile text it did not have.

``Rewriting(app, body=fn, headers=fn)`` buffers each response, passes the status, headers and body through the
functions and sends the result with a correct Content-Length. Used to turn realistic_server.py into a server
with a defect the tests need (a 405 without ``Allow``, control characters in a header, HTML in a body).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Headers = list[tuple[bytes, bytes]]


class Rewriting:
    def __init__(
        self,
        app: ASGIApp,
        *,
        body: Callable[[Scope, int, bytes], bytes] | None = None,
        headers: Callable[[Scope, int, Headers], Headers] | None = None,
    ) -> None:
        self.app = app
        self.body = body
        self.headers = headers

    def __getattr__(self, name: str) -> Any:  # the wrapped server's own API (set_defects, requests, ...)
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = dict(message)
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._flush(scope, start, b"".join(chunks), send)
                return
            await send(message)

        await self.app(scope, receive, buffered)

    async def _flush(self, scope: Scope, start: Message, body: bytes, send: Send) -> None:
        status = int(start["status"])
        headers: Headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if self.body is not None:
            body = self.body(scope, status, body)
        if self.headers is not None:
            headers = self.headers(scope, status, headers)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
