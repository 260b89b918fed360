"""What the API commands (``exchanges``, ``artifacts``) share: a Grades client from the environment, their
help's epilog, and one mapping of errors to exit statuses (1 the API answered with an error, 2 bad
configuration or the server cannot be reached), each one line, never a traceback."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from typing import Any
from urllib.parse import urlsplit

from datasync_openapi.findings import neutral

from ._command import Parser, Run, add_command, fail

DEFAULT_URL = "https://api.us2.kimonocloud.com"
# The APIs' paths on a server: the commands add /v2/grades themselves, so DATASYNC_URL ending in one is doubled.
API_PATHS = ("/v2/grades", "/v2/interop")
ENVIRONMENT = f"""environment:
  DATASYNC_URL           the server (default: {DEFAULT_URL}; the mock: http://127.0.0.1:8000)
  DATASYNC_TOKEN         a ready bearer token, or:
  DATASYNC_CLIENT_ID     OAuth2 client credentials ...
  DATASYNC_CLIENT_SECRET ... (never printed)
  DATASYNC_TOKEN_URL     their token endpoint (default: $DATASYNC_URL/oauth/token)

exit status: 0 done, 1 the API answered with an error, 2 bad configuration or the server cannot be reached"""


class ConfigError(Exception):
    """Bad configuration (environment, options): one line on stderr, exit status 2."""


def add_api_command(sub: Any, name: str, run: Run | None, help_text: str, description: str) -> Parser:
    """An API command's parser: the environment and the exit statuses in its help."""
    return add_command(sub, name, run, help=help_text, description=description, epilog=ENVIRONMENT)


def transport_problem(exc: Exception) -> str:
    """One line for an httpx transport error: what was asked of whom, and what went wrong."""
    import httpx

    try:
        request: httpx.Request | None = exc.request if isinstance(exc, httpx.RequestError) else None
    except RuntimeError:  # an httpx error raised without a request
        request = None
    target = ""
    if request is not None:
        target = f" {request.method} {request.url.copy_with(query=None, fragment=None, userinfo=b'')}"
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        what = f"timed out ({type(exc).__name__}) on{target}"
    elif isinstance(exc, httpx.ConnectError):
        what = f"cannot connect for{target}: {reason}"
    elif isinstance(exc, httpx.UnsupportedProtocol):
        what = f"cannot send{target}: {reason}"
    else:
        what = f"request failed{target}: {type(exc).__name__}: {reason}"
    return f"{what} (check DATASYNC_URL and that the server is running)"


def api_command(run: Run) -> Run:
    """An API command: an API error is one line and exit status 1; a transport error (nothing listening, DNS,
    timeout), bad configuration or an argument no URL can hold is one line and exit status 2. Never a
    traceback."""

    @functools.wraps(run)
    def command(args: argparse.Namespace) -> int:
        import httpx
        from datasync_grades.runtime import ApiError

        try:
            return run(args)
        except ConfigError as exc:
            return fail(str(exc))
        except ApiError as exc:
            return fail(str(exc), 1)
        except httpx.TransportError as exc:
            return fail(transport_problem(exc))
        except httpx.InvalidURL as exc:  # e.g. an EXCHANGE_ID with control characters, put into an artifact's URL
            return fail(f"cannot build the request: {exc}")

    return command


def _say_retry(event: Any) -> None:
    print(f"datasync: {neutral.terminal(event)}", file=sys.stderr, flush=True)


def _server_url() -> str:
    """DATASYNC_URL without a trailing slash: an absolute http(s) URL of the server, without an API's path."""
    from datasync_grades.runtime import token_url_for

    url = os.environ.get("DATASYNC_URL", DEFAULT_URL).rstrip("/")
    shown = url if "@" not in url else "(a URL with user info)"
    try:
        token_url_for(f"{url}/v2/grades")  # an absolute http(s) URL, or a clear error
    except ValueError:
        raise ConfigError(f"DATASYNC_URL must be an http(s) URL such as {DEFAULT_URL}, got {shown!r}") from None
    path = urlsplit(url).path.rstrip("/")
    doubled = next((api for api in API_PATHS if path.endswith(api)), None)
    if doubled is not None:
        fix = f"set DATASYNC_URL={url.removesuffix(doubled)}" if url.endswith(doubled) and "@" not in url else None
        raise ConfigError(
            f"DATASYNC_URL ends in {doubled}, an API's path: it names the server alone, the commands add "
            f"/v2/grades themselves ({fix or 'remove the path'})"
        )
    return url


def grades_client() -> Any:
    """A Grades client from the environment: DATASYNC_URL, DATASYNC_TOKEN or DATASYNC_CLIENT_ID and
    DATASYNC_CLIENT_SECRET (DATASYNC_TOKEN_URL, default: $DATASYNC_URL/oauth/token)."""
    import httpx
    from datasync_grades.runtime import RetryPolicy, connect

    url = _server_url()
    base_url = f"{url}/v2/grades"
    # Retry what is worth retrying (429, 503, a dropped connection) and say so; fail fast when nothing listens.
    retry = RetryPolicy(errors=(httpx.RemoteProtocolError,), on_retry=_say_retry)
    token = os.environ.get("DATASYNC_TOKEN")
    if token:
        return connect(base_url, token=token, retry=retry)
    client_id, secret = os.environ.get("DATASYNC_CLIENT_ID"), os.environ.get("DATASYNC_CLIENT_SECRET")
    if not (client_id and secret):
        missing = "DATASYNC_CLIENT_SECRET" if client_id else "DATASYNC_CLIENT_ID" if secret else None
        hint = f" ({missing} is not set)" if missing else ""
        raise ConfigError(f"set DATASYNC_TOKEN, or DATASYNC_CLIENT_ID and DATASYNC_CLIENT_SECRET{hint}")
    token_url = os.environ.get("DATASYNC_TOKEN_URL") or f"{url}/oauth/token"
    return connect(base_url, client_id=client_id, client_secret=secret, token_url=token_url, retry=retry)


__all__ = [
    "API_PATHS",
    "DEFAULT_URL",
    "ENVIRONMENT",
    "ConfigError",
    "add_api_command",
    "api_command",
    "grades_client",
    "transport_problem",
]
