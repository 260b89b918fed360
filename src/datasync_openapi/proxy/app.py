"""The validating proxy's ASGI application: forward to the upstream, check both directions against the specs.

Every request is forwarded unchanged (method, path and query as sent, the body, every header but the
hop-by-hop ones and ``Host``) through a pool of keep-alive HTTP/1.1 connections (``upstream.UpstreamPool``: no
redirects followed, no cookies kept, nothing logged per request), and the answer comes back unchanged (status,
headers but hop-by-hop, body), redirects included, except links into the upstream: a JSON answer's
``paging.next`` and a ``Location`` header are pointed at the proxy (as the client addressed it), so a
client following them stays behind the proxy; such an answer goes out decoded, with its own length, and is
checked and recorded as the upstream sent it. ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` apply to the
upstream as they would for httpx: when an environment proxy applies, requests go through httpx's transport.
Requests under ``/v2/grades`` and ``/v2/interop`` are matched to their operation with the contract's router and
checked with its request validators; answers are checked with the same routes' response validators (see
``checks``). ``/oauth/token`` is forwarded and recorded (redacted), not checked: the specs do not describe it.

Bodies and memory: a request or response body is held only up to ``max_body`` (16 MiB by default, the mock's
own request cap) and only when something needs it (request validation, a JSON response to check, the HAR).
Anything larger streams through in chunks and is counted in the report's notes as not checked; non-JSON
answers (the gzip artifacts, the CSV report) always stream. Without ``--strict`` a response is sent on as its
chunks arrive and checked once it is complete; with ``--strict`` a JSON response is held (up to the cap), and
a new response-contract finding turns it into a 502 with the error envelope instead.

Upstream failures are answered with the envelope: 504 ``upstream_timeout`` when no answer came within the
timeout, 502 ``upstream_unreachable`` when the connection failed, 502 ``upstream_error`` for a broken answer;
each is logged and, on an API operation, a transport finding. ``GET /_proxy/report`` answers the findings so
far (the JSON report); ``GET /_proxy/health`` answers ``{"status": "ok"}``. When the server stops (Ctrl-C,
SIGTERM) the HAR file is completed and the reports are written.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import sys
import time
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from urllib.request import getproxies, proxy_bypass

import httpx
from starlette.types import Receive, Scope, Send

from datasync_openapi.contract import (
    APIS,
    Entry,
    InvalidRequest,
    Message,
    Mode,
    Route,
    error_body,
    is_json_media,
    router,
)
from datasync_openapi.findings import FOREIGN_DEFAULT_FAIL_ON, BaselineError, Finding, FindingClass, Result, report
from datasync_openapi.findings import baseline as baselines
from datasync_openapi.findings.redact import REDACTED, PrintableFilter, Redactor

from .checks import UNPARSED, Collector, Observed, check, loads_json
from .options import DEFAULT_TIMEOUT, MAX_BODY
from .recorder import TOKEN_PATH, HarRecorder, now
from .upstream import (
    Body,
    ConnectError,
    Headers,
    InvalidTarget,
    ReadTimeout,
    UpstreamError,
    UpstreamPool,
    UpstreamResponse,
    UpstreamTimeout,
)

log = logging.getLogger("datasync_openapi.proxy")
log.addFilter(PrintableFilter())  # every line: what a peer sent, with its control characters escaped

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
REPORT_NAME = "proxy"
CURL_BODY_LIMIT = 1024  # request bodies up to this size are shown in a finding's curl line


@dataclass
class _Exchange:
    """One request on its way through the proxy."""

    started_at: datetime
    method: str
    path: str
    query: str
    url: str  # the upstream URL
    route: Route | None  # None: not an operation of the specs (the token endpoint, an unknown path)
    forward: list[tuple[bytes, bytes]]  # the request headers sent upstream
    request_body: bytes | None  # None: larger than the cap, streamed through
    request_size: int  # -1: unknown (streamed without Content-Length)
    request_checked: bool  # the body was validated (not only the parameters)
    has_credentials: bool
    origin: str = ""  # scheme://host[:port] as the client addressed the proxy (links to the upstream point here)
    problem: InvalidRequest | None = None
    began: float = 0.0
    waited: float = 0.0

    @property
    def token(self) -> bool:
        return self.path == TOKEN_PATH


class ClientGone(Exception):
    """The client disconnected while its request body was still being forwarded."""


def parse_upstream(url: str) -> str:
    """The upstream as ``scheme://host[:port][/prefix]`` without a trailing slash; ``ValueError`` if unusable."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--upstream must be an http(s) URL such as https://api.us2.kimonocloud.com, got {url!r}")
    if parts.username or parts.password:
        raise ValueError("--upstream must not carry credentials (user:password@); clients send their own")
    if parts.query or parts.fragment:
        raise ValueError("--upstream takes no query or fragment: requests keep their own path and query")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


@dataclass
class ProxyConfig:
    upstream: str
    strict: bool = False
    timeout: float = DEFAULT_TIMEOUT
    max_body: int = MAX_BODY
    baseline: Path | None = None  # known findings (findings.baseline format)
    update_baseline: bool = False  # write the findings seen to ``baseline`` when the proxy stops
    record: Path | None = None  # HAR file
    record_mode: Mode = "overwrite"  # or "new" (refuse an existing file) or "append" (see har.appendable)
    reports: Path | None = None  # directory for the reports written when the proxy stops
    fail_on: frozenset[FindingClass] = FOREIGN_DEFAULT_FAIL_ON
    on_finish: Callable[[list[Result]], None] | None = field(default=None, repr=False)


class ProxyApp:
    """ASGI app; serve it with ``server.serve(app, lifespan=True)`` or ``server.running(app, lifespan=True)``."""

    def __init__(self, config: ProxyConfig) -> None:
        self.config = config
        self.upstream = parse_upstream(config.upstream)
        parts = urlsplit(self.upstream)
        self.origin_length = len(f"{parts.scheme}://{parts.netloc}")  # the request target follows in the URL
        self.upstream_host = parts.netloc.encode("latin-1")  # in any body that may link into the upstream
        self.upstream_prefix = self.upstream.encode("latin-1")  # how a link into the upstream starts
        self.router = router()
        self.redactor = Redactor()
        entries = None
        if config.baseline is not None and not config.update_baseline:
            entries = baselines.load(config.baseline)  # BaselineError: the command reports it
        parameters = {
            "mode": "validating proxy" + (" (--strict: contract-breaking answers become 502)" if config.strict else ""),
            "body cap": f"{config.max_body} bytes (larger bodies stream through unchecked)",
            "timeout": f"{config.timeout:g} s",
            "fail on": ",".join(sorted(str(c) for c in config.fail_on)),
        }
        if config.baseline is not None:
            parameters["baseline"] = str(config.baseline)
        if config.record is not None:
            parameters["recording"] = str(config.record)
        self.collector = Collector(self.upstream, parameters, config.fail_on, entries)
        self.recorder: HarRecorder | None = None
        self.transport: UpstreamPool | _HttpxUpstream | None = None
        self.finished = False

    # -- lifecycle -----------------------------------------------------------------------------------------
    def _transport(self) -> UpstreamPool | _HttpxUpstream:
        """The upstream client: ``upstream.UpstreamPool`` (keep-alive HTTP/1.1 on asyncio streams, httptools
        parsing: a fraction of httpx's CPU time per request, see ``make bench``); httpx's transport only when an
        environment proxy (``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``, not ``NO_PROXY``) applies to the upstream."""
        if self.transport is None:
            proxy = _environment_proxy(self.upstream)
            if proxy is None:
                self.transport = UpstreamPool(self.upstream, self.config.timeout, max_connections=256)
            else:
                self.transport = _HttpxUpstream(self.upstream, self.config.timeout, proxy)
        return self.transport

    def start(self) -> None:
        self._transport()
        if self.config.record is not None and self.recorder is None:
            self.recorder = HarRecorder(self.config.record, self.redactor, self.config.record_mode)

    async def stop(self) -> None:
        """Close the upstream connections, complete the HAR file, write the reports (and the baseline)."""
        if self.finished:
            return
        self.finished = True
        if self.transport is not None:
            await self.transport.aclose()
        if self.recorder is not None:
            self.recorder.close()
        results = self.results()
        if self.config.update_baseline and self.config.baseline is not None:
            count = baselines.write(
                self.config.baseline, [f for r in results for f in r.findings], self._unreached(results)
            )
            log.warning("wrote baseline %s (%d findings)", self.config.baseline, count)
        if self.config.reports is not None:
            try:
                self.write_reports(results, self.config.reports)
            except OSError as exc:
                log.error("cannot write the reports into %s: %s", self.config.reports, exc.strerror or exc)
        if self.config.on_finish is not None:
            self.config.on_finish(results)

    def _unreached(self, results: list[Result]) -> list[dict[str, Any]]:
        """Entries of the existing baseline for operations this traffic did not reach: an update keeps them."""
        path = self.config.baseline
        if path is None or not path.exists():
            return []
        try:
            existing = baselines.load(path)
        except BaselineError:
            return []
        seen = {(r.api, label) for r in results for label, op in r.operations.items() if op.cases}
        return [e for e in existing.values() if (e.get("api"), e.get("operation")) not in seen]

    def results(self) -> list[Result]:
        results = self.collector.results()
        for result in results:
            for finding in result.findings:
                finding.title = self.redactor.scrub(finding.title)
                finding.message = self.redactor.scrub(finding.message)
                finding.reproduce = self.redactor.scrub(finding.reproduce)
        return results

    def report_json(self) -> dict[str, Any]:
        return {"upstream": self.upstream, "results": [result.to_dict() for result in self.results()]}

    @staticmethod
    def write_reports(results: list[Result], directory: Path) -> list[Path]:
        """``proxy.md``, ``proxy.html``, ``proxy-<api>.json`` and ``proxy-<api>.xml`` (JUnit) in ``directory``."""
        written = [directory / f"{REPORT_NAME}.md", directory / f"{REPORT_NAME}.html"]
        report.write_markdown(results, written[0], title="Validating proxy report")
        report.write_html(results, written[1], title="Validating proxy report")
        for result in results:
            report.write_json(result, directory / f"{REPORT_NAME}-{result.api}.json")
            report.write_junit(result, directory / f"{REPORT_NAME}-{result.api}.xml", prefix=REPORT_NAME)
            written += [directory / f"{REPORT_NAME}-{result.api}.json", directory / f"{REPORT_NAME}-{result.api}.xml"]
        return written

    # -- ASGI ----------------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith("/_proxy/"):
            await self._control(scope, send, path)
            return
        try:
            await self._forward(scope, receive, send)
        except ClientGone:
            return

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.start()
                except OSError as exc:
                    await send({"type": "lifespan.startup.failed", "message": f"cannot record: {exc}"})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _control(self, scope: Scope, send: Send, path: str) -> None:
        if scope["method"] == "GET" and path == "/_proxy/report":
            body = self.redactor.scrub(json.dumps(self.report_json(), ensure_ascii=False)).encode()
            await _send_json(send, 200, body)
        elif scope["method"] == "GET" and path == "/_proxy/health":
            await _send_json(send, 200, b'{"status":"ok"}')
        else:
            await _send_error(send, 404, "Not found", f"no proxy control {scope['method']} {path}")

    # -- one exchange --------------------------------------------------------------------------------------
    def _route(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        match = self.router.match(path)
        if match is None:
            return None, {}
        wanted = "GET" if method == "HEAD" else method
        for route, values in match[1]:
            if route.method.upper() == wanted:
                return route, values
        return None, {}

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        started_at = now()
        method: str = scope["method"]
        path: str = scope["path"]
        raw_path: bytes = scope.get("raw_path") or path.encode()
        query = scope.get("query_string", b"").decode("latin-1")
        route, path_values = self._route(method, path)
        cap = self.config.max_body

        # the request: headers but hop-by-hop and Host; the body held up to the cap, else streamed
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        dropped = HOP_BY_HOP | _connection_named(headers)
        forward: list[tuple[bytes, bytes]] = []
        declared: int | None = None
        authorization = content_type = host = ""
        for name, value in headers:
            if name == b"host":
                host = value.decode("latin-1")
                continue
            if name in dropped:
                continue
            if name == b"content-length":
                declared = int(value) if value.isdigit() and len(value) < 19 else None
            elif name == b"authorization":
                authorization = value.decode("latin-1")
            elif name == b"content-type":
                content_type = value.decode("latin-1")
            forward.append((name, value))
        self.redactor.learn_headers(headers)  # every credential, so that nothing written shows it
        if query:
            self.redactor.query_pairs(query)
        if declared is not None and declared > cap:
            prefix, complete = b"", False
        else:
            prefix, complete = await _read(receive, cap)
        url = self.upstream + raw_path.decode("latin-1") + ("?" + query if query else "")
        exchange = _Exchange(
            started_at=started_at,
            method=method,
            path=path,
            query=query,
            url=url,
            route=route,
            forward=forward,
            request_body=prefix if complete else None,
            request_size=declared if declared is not None else (len(prefix) if complete else -1),
            request_checked=complete,
            has_credentials=bool(authorization),
            origin=_client_origin(scope, host),
        )
        if route is not None:
            if not complete:
                self.collector.note(f"request bodies larger than {cap} bytes streamed through; parameters checked")
            try:
                query_pairs = parse_qsl(query, keep_blank_values=True)
                route.validate(path_values, query_pairs, prefix, content_type, check_body=complete)
            except InvalidRequest as exc:
                exchange.problem = exc
        elif not exchange.token:
            self.collector.note("requests to paths or methods the specs do not document, passed through unchecked")

        transport = self._transport()
        exchange.began = time.perf_counter()
        try:
            content = prefix if complete else _stream(prefix, receive)
            response = await transport.request(method, url[self.origin_length :], forward, content)
        except (httpx.InvalidURL, InvalidTarget) as exc:
            await _send_error(send, 400, "The request is invalid", f"cannot forward this request target: {exc}")
            return
        except UPSTREAM_ERRORS as exc:
            await self._upstream_failed(send, exchange, exc)
            return
        exchange.waited = time.perf_counter()
        try:
            await self._answer(send, exchange, response)
        finally:
            await response.aclose()

    async def _answer(self, send: Send, exchange: _Exchange, response: UpstreamResponse | _HttpxResponse) -> None:
        """Send the upstream's answer on (or, in strict mode, a 502 instead), check it, record it."""
        cap = self.config.max_body
        route, status = exchange.route, response.status
        raw_headers = response.headers
        dropped = HOP_BY_HOP | _connection_named(raw_headers)
        out_headers: list[tuple[bytes, bytes]] = []
        content_type: str | None = None
        coding = length = ""
        for name, value in raw_headers:
            lowered = name.lower()
            if lowered not in dropped:
                out_headers.append((lowered, value))
            if lowered == b"content-type":
                content_type = (
                    value.decode("latin-1") if content_type is None else f"{content_type}, {value.decode('latin-1')}"
                )
            elif lowered == b"content-encoding":
                coding = f"{coding}, {value.decode('latin-1')}" if coding else value.decode("latin-1")
            elif lowered == b"content-length":
                length = f"{length}, {value.decode('latin-1')}" if length else value.decode("latin-1")
        coding = coding.strip().lower()
        too_large = length.isdigit() and int(length) > cap
        checkable = (
            route is not None
            and exchange.method != "HEAD"
            and status < 500
            and status != 429
            and route.response(status).validator is not None
            and is_json_media(content_type or "")
        )
        wanted = checkable or exchange.token or self.recorder is not None
        hold = exchange.method != "HEAD" and wanted and not too_large

        for index, (name, value) in enumerate(out_headers):
            if name == b"location":  # a redirect (or a created object's address) into the upstream: here instead
                out_headers[index] = (name, self._relinked_url(value, exchange.origin))

        chunks = response.aiter_body().__aiter__()
        held: list[bytes] = []
        outgoing = held  # what the client gets: what was held, unless its links were rewritten
        size = 0
        ended = False
        body: bytes | None = None  # the decoded body, once it is complete and at most the cap
        decoded = False
        relinked: bytes | None = None
        parsed: Any = UNPARSED  # the decoded body as JSON, once the link rewrite has parsed it
        findings: list[Finding] | None = None
        # A JSON answer of an operation is held (up to the cap) before it is sent: to decide what to answer in
        # strict mode, and to point its paging links at the proxy instead of the upstream.
        if route is not None and (self.config.strict or checkable):
            while hold and size <= cap:  # hold the body (up to the cap) before deciding what to answer
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    ended = True
                    break
                except UPSTREAM_ERRORS as exc:
                    await self._upstream_failed(send, exchange, exc)
                    return
                held.append(chunk)
                size += len(chunk)
            if ended:  # the whole body is held: decoded once, for the links, the check and the HAR
                body, decoded = _decoded(b"".join(held), coding, cap), True
                if checkable and body is not None:
                    relinked, parsed = self._relinked_body(body, exchange.origin)
                if relinked is not None:  # sent decoded, with its own length
                    outgoing = [relinked]
                    out_headers = [
                        (n, v) for n, v in out_headers if n not in (b"content-length", b"content-encoding")
                    ] + [(b"content-length", b"%d" % len(relinked))]
            if self.config.strict and (ended or not hold):
                findings = self._check(exchange, status, content_type, body, parsed)
                breaking = [
                    f for f in findings if f.cls is FindingClass.RESPONSE_CONTRACT and not self.collector.is_known(f)
                ]
                if breaking:
                    self._finish(exchange, response, status, findings, body, size)
                    details = "; ".join(self.redactor.scrub(f.title) for f in breaking[:3])
                    more = f" (and {len(breaking) - 3} more)" if len(breaking) > 3 else ""
                    await _send_error(
                        send,
                        502,
                        "The upstream answer does not match the spec",
                        f"{route.label} answered {status}: {details}{more}; see GET /_proxy/report",
                        code="response_contract_violation",
                    )
                    return

        await send({"type": "http.response.start", "status": status, "headers": out_headers})
        previous: bytes | None = None
        for chunk in outgoing:  # what was held: sent on
            if previous is not None:
                await send({"type": "http.response.body", "body": previous, "more_body": True})
            previous = chunk
        while not ended:
            try:
                chunk = await chunks.__anext__()
            except StopAsyncIteration:
                break
            except UPSTREAM_ERRORS as exc:  # the answer broke off: the client's connection closes unfinished
                self._broken(exchange, exc)
                return
            if hold and size + len(chunk) <= cap:
                held.append(chunk)
            size += len(chunk)
            if previous is not None:
                await send({"type": "http.response.body", "body": previous, "more_body": True})
            previous = chunk
        await send({"type": "http.response.body", "body": previous or b"", "more_body": False})

        if not decoded:
            body = _decoded(b"".join(held), coding, cap) if hold and size <= cap else None
        if checkable and body is None:
            if size > cap or too_large:
                self.collector.note(f"responses larger than {cap} bytes streamed through unchecked")
            else:
                self.collector.note(f"responses in content-encoding {coding!r} passed through unchecked")
        if findings is None:
            findings = self._check(exchange, status, content_type, body, parsed) if route is not None else []
        self._finish(exchange, response, status, findings, body, size)

    def _relinked_url(self, url: bytes, origin: str) -> bytes:
        """``url`` pointing at the proxy when it points into the upstream (its origin and path prefix)."""
        upstream = self.upstream_prefix
        if origin and url.startswith(upstream) and url[len(upstream) : len(upstream) + 1] in (b"", b"/", b"?"):
            return origin.encode("latin-1") + url[len(upstream) :]
        return url

    def _relinked_body(self, body: bytes, origin: str) -> tuple[bytes | None, Any]:
        """The body with a ``paging.next`` link into the upstream pointing at the proxy instead, so a client
        that follows it stays behind the proxy (and a client that sends credentials only to the origin it was
        given, as the generated clients do, can follow it at all); ``None`` when there is nothing to change.
        Second: the body as parsed to find the link (unchanged, for the checks), or ``UNPARSED``."""
        if not origin or self.upstream_host not in body:  # (a link may escape its slashes: "https:\\/\\/...")
            return None, UNPARSED
        try:
            data = loads_json(body)
        except (ValueError, RecursionError):
            return None, UNPARSED  # the check parses it again, to say why it is not JSON
        paging = data.get("paging") if isinstance(data, dict) else None
        if not isinstance(paging, dict) or not isinstance(paging.get("next"), str):
            return None, data
        link: str = paging["next"]
        moved = self._relinked_url(link.encode("latin-1", "replace"), origin).decode("latin-1")
        if moved == link:
            return None, data
        old, new = json.dumps(link).encode(), json.dumps(moved).encode()
        if body.count(old) == 1:  # the same bytes, but the link (no re-encoding of the rest)
            return body.replace(old, new), data
        relinked = {**data, "paging": {**paging, "next": moved}}  # copies: the checks see what the upstream sent
        return json.dumps(relinked, separators=(",", ":"), ensure_ascii=False).encode(), data

    @staticmethod
    def _check(
        exchange: _Exchange, status: int, content_type: str | None, body: bytes | None, parsed: Any
    ) -> list[Finding]:
        assert exchange.route is not None
        return check(
            Observed(
                exchange.route,
                exchange.method,
                status,
                content_type,
                body,
                exchange.problem,
                exchange.request_checked,
                exchange.has_credentials,
                parsed_body=parsed,
            )
        )

    def _finish(
        self,
        exchange: _Exchange,
        response: UpstreamResponse | _HttpxResponse,
        status: int,
        findings: list[Finding],
        body: bytes | None,
        size: int,
    ) -> None:
        """Keep the exchange's findings (logging the new ones) and record it."""
        route = exchange.route
        if exchange.request_body:
            self.redactor.learn_body(exchange.request_body, _content_type(exchange.forward))
        if body is not None:  # the credentials in the answer (a token, a tenant's client_secret)
            if exchange.token:
                self.redactor.body(body, _content_type(response.headers), token=True, answer=True)
            else:
                self.redactor.learn_body(body, _content_type(response.headers))
        if findings:
            curl = self._curl(exchange)
            for finding in findings:
                finding.reproduce = curl
                finding.message = self.redactor.scrub(finding.message)
                finding.title = self.redactor.scrub(finding.title)
        if route is not None:
            for fresh in self.collector.exchange(route, status, findings):
                known = " (known to the baseline)" if self.collector.is_known(fresh) else ""
                log.info("finding [%s] %s: %s%s", fresh.cls, fresh.key, fresh.title, known)
        if self.recorder is None:
            return
        cap = self.config.max_body
        annotations: dict[str, Any] = {}
        if route is not None:
            annotations = {"api": route.api, "operation": route.operation_id, "findings": [f.key for f in findings]}
        self.recorder.add(
            Entry(
                started=exchange.started_at,
                method=exchange.method,
                url=exchange.url,
                path=exchange.path,
                query=exchange.query,
                request=Message(
                    [(n.decode("latin-1"), v.decode("latin-1")) for n, v in exchange.forward],
                    exchange.request_body,
                    exchange.request_size,
                    "" if exchange.request_body is not None else f"not recorded: larger than {cap} bytes",
                ),
                status=status,
                response=Message(
                    [(n.decode("latin-1"), v.decode("latin-1")) for n, v in response.headers],
                    body,
                    size,
                    ""
                    if body is not None or exchange.method == "HEAD"
                    else f"not recorded: larger than {cap} bytes, or in a content coding the proxy does not decode",
                ),
                wait_ms=(exchange.waited - exchange.began) * 1000,
                receive_ms=(time.perf_counter() - exchange.waited) * 1000,
                annotations=annotations,
            )
        )

    def _curl(self, exchange: _Exchange) -> str:
        """A curl command for a finding; credentials as ``$TOKEN``/``$BASIC``, secret query values redacted."""
        url, _, query = exchange.url.partition("?")
        shown = url + ("?" + self.redactor.query(query) if query else "")
        parts = [f"curl -X {exchange.method} '{shown}'"]
        for name, value in exchange.forward:
            if name == b"authorization":
                scheme = value.split(b" ", 1)[0].lower()
                parts.append('-u "$BASIC"' if scheme == b"basic" else '-H "Authorization: Bearer $TOKEN"')
            elif name == b"content-type":
                parts.append(f"-H 'Content-Type: {value.decode('latin-1')}'")
        body = exchange.request_body
        if body:
            if len(body) <= CURL_BODY_LIMIT:
                safe = self.redactor.body(body, _content_type(exchange.forward), token=exchange.token)
                text = safe.decode("utf-8", "replace").replace("'", "'\\''")
                parts.append(f"--data-binary '{text}'")
            else:
                parts.append(f"--data-binary @request-body  # {len(body)} bytes (see the HAR file of --record)")
        elif exchange.request_size:
            parts.append(f"--data-binary @request-body  # {exchange.request_size} bytes, streamed through")
        return self.redactor.scrub(" ".join(parts))

    async def _upstream_failed(self, send: Send, exchange: _Exchange, exc: Exception) -> None:
        """No usable answer: 504 on a timeout, 502 otherwise; logged, and a transport finding on an operation."""
        if isinstance(exc, (httpx.TimeoutException, UpstreamTimeout)):
            status, code, title = 504, "upstream_timeout", "Request timed out"
            details = f"no answer from {self.upstream} within {self.config.timeout:g} s ({type(exc).__name__})"
        elif isinstance(exc, (httpx.ConnectError, ConnectError)):
            status, code, title = 502, "upstream_unreachable", "Connection failed"
            details = f"cannot connect to {self.upstream}: {_reason(exc)}"
        else:
            status, code, title = 502, "upstream_error", "Network error"
            details = f"the answer from {self.upstream} is unusable: {type(exc).__name__}: {_reason(exc)}"
        details = self.redactor.scrub(details)
        log.warning("%s %s: %s", exchange.method, exchange.path, details)
        if exchange.route is not None:
            self.collector.exchange(exchange.route, None, [self._transport_finding(exchange.route, title, details)])
        await _send_error(send, status, "Bad gateway" if status == 502 else "Gateway timeout", details, code=code)

    def _broken(self, exchange: _Exchange, exc: Exception) -> None:
        details = self.redactor.scrub(
            f"the answer from {self.upstream} broke off: {type(exc).__name__}: {_reason(exc)}"
        )
        log.warning("%s %s: %s (the client's connection is closed)", exchange.method, exchange.path, details)
        if exchange.route is not None:
            self.collector.exchange(
                exchange.route, None, [self._transport_finding(exchange.route, "Network error", details)]
            )

    @staticmethod
    def _transport_finding(route: Route, title: str, details: str) -> Finding:
        return Finding(
            api=route.api,
            operation=route.label,
            check="transport",
            cls=FindingClass.TRANSPORT,
            title=title,
            location=title.lower(),
            message=details,
        )


UPSTREAM_ERRORS = (httpx.HTTPError, UpstreamError)


class _HttpxResponse:
    """An httpx response with ``UpstreamResponse``'s surface, its body read by the exchange's deadline."""

    def __init__(self, response: httpx.Response, deadline: float, timeout: float) -> None:
        self.response = response
        self.status = response.status_code
        self.headers: Headers = response.headers.raw
        self.deadline = deadline
        self.timeout = timeout

    async def aiter_body(self) -> AsyncIterator[bytes]:
        chunks = self.response.aiter_raw()
        while True:
            try:
                async with asyncio.timeout_at(self.deadline):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise ReadTimeout(f"no complete answer from the upstream within {self.timeout:g} s") from None
            yield chunk

    async def aclose(self) -> None:
        await self.response.aclose()


class _HttpxUpstream:
    """httpx's pooled, streaming transport (used directly: no redirects followed, no cookies, no log line per URL)
    behind ``UpstreamPool``'s surface; the proxy uses it only to reach the upstream through an environment proxy
    (``UpstreamPool`` does not speak CONNECT)."""

    def __init__(self, upstream: str, timeout: float, proxy: str) -> None:
        # httpcore runs ``import sniffio`` on every async request (to tell asyncio from trio). sniffio is not
        # installed (anyio 4 no longer needs it) and a failed import is not remembered: each attempt scans
        # sys.path, measured at ~0.7 ms of CPU per proxied request (a failed import alone: ~160 us, against ~7 us
        # when marked absent). Marking it absent makes the import fail at once, with the same answer. Done here,
        # not at import: it changes sys.modules for the whole process, and only this transport uses httpcore.
        if importlib.util.find_spec("sniffio") is None:
            sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]
        parts = urlsplit(upstream)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.timeout = timeout  # one deadline for the whole exchange, as ``UpstreamPool``'s
        self.timeouts = httpx.Timeout(timeout).as_dict()
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=256, keepalive_expiry=30)
        self.transport = httpx.AsyncHTTPTransport(limits=limits, proxy=proxy)

    async def request(self, method: str, target: str, headers: Headers, body: Body) -> _HttpxResponse:
        request = httpx.Request(
            method, self.origin + target, headers=headers, content=body, extensions={"timeout": self.timeouts}
        )
        deadline = asyncio.get_running_loop().time() + self.timeout
        try:
            async with asyncio.timeout_at(deadline):
                response = await self.transport.handle_async_request(request)
        except TimeoutError:
            raise ReadTimeout(f"no answer from the upstream within {self.timeout:g} s") from None
        return _HttpxResponse(response, deadline, self.timeout)

    async def aclose(self) -> None:
        await self.transport.aclose()


# -- helpers -------------------------------------------------------------------------------------------------
def _connection_named(headers: list[tuple[bytes, bytes]]) -> frozenset[bytes]:
    """Header names a ``Connection`` header lists: hop-by-hop too (RFC 9110 section 7.6.1)."""
    named: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            named.update(part.strip().lower() for part in value.split(b",") if part.strip())
    return frozenset(named)


async def _read(receive: Receive, cap: int) -> tuple[bytes, bool]:
    """The request body if it is at most ``cap`` bytes (``True``); else what was read so far (``False``)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        parts.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(parts), True
        if size > cap:
            return b"".join(parts), False


async def _stream(prefix: bytes, receive: Receive) -> AsyncIterator[bytes]:
    """A request body too large to hold: what was read, then the rest as it arrives."""
    if prefix:
        yield prefix
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


def _decoded(raw: bytes, coding: str, cap: int) -> bytes | None:
    """The body without its content coding (gzip and deflate, at most ``cap`` bytes out); ``None`` if another
    coding, broken, or larger than the cap once decoded."""
    if coding in ("", "identity"):
        return raw
    if coding not in ("gzip", "x-gzip", "deflate"):
        return None
    for wbits in (47, -15):  # gzip or zlib; raw deflate
        decoder = zlib.decompressobj(wbits)
        try:
            out = decoder.decompress(raw, cap + 1)
        except zlib.error:
            continue
        return out if len(out) <= cap and not decoder.unconsumed_tail else None
    return None


def _environment_proxy(upstream: str) -> str | None:
    """The proxy the environment names for the upstream (``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``, not for
    hosts in ``NO_PROXY``), as ``httpx.AsyncClient`` would use it; ``None`` for a direct connection."""
    parts = urlsplit(upstream)
    if parts.hostname is None or proxy_bypass(parts.hostname):
        return None
    proxies = getproxies()
    return proxies.get(parts.scheme) or proxies.get("all")


def _client_origin(scope: Scope, host: str) -> str:
    """``scheme://host[:port]`` as the client addressed the proxy (its ``Host`` header, else the listening
    address); empty when the Host header is unusable."""
    if not host:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else ""
    if not host or any(c in host for c in "/?#@\\ \t") or not host.isascii():
        return ""
    return f"{scope.get('scheme', 'http')}://{host}"


def _content_type(headers: Headers | list[tuple[bytes, bytes]]) -> str:
    return next((v.decode("latin-1") for n, v in headers if n.lower() == b"content-type"), "")


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


async def _send_json(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _send_error(send: Send, status: int, message: str, details: str, code: str | None = None) -> None:
    """The mock's error envelope: ``{"error": {status, code, message, ext_message, details}}``."""
    body = json.dumps(error_body(status, message, details, code), separators=(",", ":")).encode()
    await _send_json(send, status, body)


def create_proxy(config: ProxyConfig) -> ProxyApp:
    return ProxyApp(config)


__all__ = ["APIS", "MAX_BODY", "REDACTED", "REPORT_NAME", "ProxyApp", "ProxyConfig", "create_proxy", "parse_upstream"]
