"""What every integration needs around the generated functions: auth, retries, typed errors, pagination.

Built on httpx's own extension points: ``httpx.Auth`` flows for credentials and transports for retries, so
it works with the generated ``Client`` (pass them through ``httpx_args``) and with any httpx client. Needs
only httpx and the standard library; it travels inside each generated package.

    from datasync_grades.runtime import connect, paginate
    from datasync_grades.api.exchanges import list_exchanges

    client = connect("https://api.us2.kimonocloud.com/v2/grades", client_id="...", client_secret="...")
    for exchange in paginate(list_exchanges, client, state="created"):
        print(exchange.id)

With client credentials, ``connect`` fetches tokens from the base URL's origin + ``/oauth/token``
(``https://api.us2.kimonocloud.com/oauth/token`` above, ``http://127.0.0.1:8000/oauth/token`` for the mock
at ``http://127.0.0.1:8000/v2/grades``), so one call works against the vendor, the mock and a proxy alike;
pass ``token_url=`` when the token endpoint lives elsewhere. Retries are silent unless you give
``RetryPolicy(on_retry=...)`` a callback: it receives a ``RetryEvent`` before each wait.

Credentials only ever go to the base URL's origin: a link in a response to anywhere else is refused
(``ForeignLinkError``), redirects are not followed, and user info in the base URL never reaches a log line
or an error. ``RetryPolicy(max_total=...)`` is a deadline for a request with all its retries. A 2xx body of
the wrong shape is a ``ResponseParseError`` naming the field and the value, never a half-parsed dict.

What a server sends is bounded where the runtime reads it whole or follows it: ``download`` and ``streamed``
cap a body (``BodyTooLarge``), ``gunzip`` caps what a gzip body inflates to (``DecompressedTooLarge``), and
``paginate``/``paginate_json`` stop a list that repeats itself or never ends (``PaginationLoop``). Every error
the runtime raises on purpose is a ``DataSyncError``.

The runtime's modules are private (``_auth``, ``_retry``, ``_connect``, ``_call``, ``_pagination``, ``_bodies``,
``_codecs``, ``_errors``, ``_urls``); what is public is imported here and listed in ``__all__``.
"""

import types as _types

from ._auth import DEFAULT_TOKEN_URL, ApiKeyAuth, BearerAuth, ClientCredentialsAuth
from ._bodies import DEFAULT_MAX_DOWNLOAD, download, streamed
from ._call import acall, call
from ._codecs import DEFAULT_MAX_DECOMPRESSED, MiB, gunzip
from ._connect import DEFAULT_TIMEOUT, TOKEN_PATH, connect, token_url_for
from ._errors import (
    ARTIFACT_OPERATIONS,
    MISSING,
    ApiError,
    ArtifactNotAvailable,
    BodyTooLarge,
    DataSyncError,
    DecompressedTooLarge,
    ForeignLinkError,
    LimitExceeded,
    PaginationLoop,
    ResponseParseError,
    error_for,
)
from ._pagination import DEFAULT_MAX_PAGES, apaginate, paginate, paginate_json
from ._retry import (
    RETRY_ERRORS,
    RETRY_STATUSES,
    SAFE_METHODS,
    AsyncRetryTransport,
    RetryEvent,
    RetryPolicy,
    RetryTransport,
    retry_after_seconds,
)

__all__ = [
    "ARTIFACT_OPERATIONS",
    "DEFAULT_MAX_DECOMPRESSED",
    "DEFAULT_MAX_DOWNLOAD",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOKEN_URL",
    "MISSING",
    "RETRY_ERRORS",
    "RETRY_STATUSES",
    "SAFE_METHODS",
    "TOKEN_PATH",
    "ApiError",
    "ApiKeyAuth",
    "ArtifactNotAvailable",
    "AsyncRetryTransport",
    "BearerAuth",
    "BodyTooLarge",
    "ClientCredentialsAuth",
    "DataSyncError",
    "DecompressedTooLarge",
    "ForeignLinkError",
    "LimitExceeded",
    "MiB",
    "PaginationLoop",
    "ResponseParseError",
    "RetryEvent",
    "RetryPolicy",
    "RetryTransport",
    "acall",
    "apaginate",
    "call",
    "connect",
    "download",
    "error_for",
    "gunzip",
    "paginate",
    "paginate_json",
    "retry_after_seconds",
    "streamed",
    "token_url_for",
]

# Shown as they are imported (``datasync_grades.runtime.ApiError`` in a traceback, help() and pickles), as httpx does.
for _name in __all__:
    _public = globals()[_name]
    if isinstance(_public, type | _types.FunctionType):
        _public.__module__ = __name__
