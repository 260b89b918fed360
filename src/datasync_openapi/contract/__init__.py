"""The contract: the OpenAPI specs in ``openapi/`` compiled once, and everything that only needs them.

Spec loading and operations (``load_spec``, ``operations``, ``resolve``), each operation's route with its request
and response validators (``Router``, ``Route``, ``compile_schema``, ``documented_status``), validation errors in
plain words (``explain``), safe JSON (``loads``, ``dumps``), the documented error envelope (``error_body``,
``MockError``) and HAR 1.2 read and written (``HarWriter``, ``entry_json``, ``read_entries``). The mock, the
proxy, the findings, the conformance suite and the HTTP server build on it; it imports none of them
(ARCHITECTURE.md, tests/test_architecture.py).

The names of the validating, answering and HAR modules are imported on first use (PEP 562): reading the specs
(the ``datasync`` parser does) does not import jsonschema-rs or Starlette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datasync_openapi.lazy import lazy_names

from ._json import MAX_JSON_DEPTH, JSONRejected, dumps, loads
from ._specs import (
    API,
    APIS,
    Operation,
    SpecLoader,
    iter_operations,
    load_spec,
    media_examples,
    operations,
    resolve,
    spec_path,
)

if TYPE_CHECKING:
    from ._envelope import (
        ERROR_CODES,
        JSONBytes,
        MockError,
        bad_request,
        decode_body,
        error_body,
        json_response,
        not_found,
    )
    from ._explain import explain, field_name, json_type
    from ._har import (
        MAX_HAR_BODY,
        MAX_HAR_BYTES,
        MAX_HAR_ENTRIES,
        Entry,
        HarError,
        HarWriter,
        Message,
        Mode,
        Redaction,
        appendable,
        entry_json,
        har_body,
        read_entries,
    )
    from ._routing import (
        INT_RANGES,
        InvalidRequest,
        Param,
        ResponseSpec,
        Route,
        Router,
        check,
        compile_schema,
        documented_status,
        is_json_media,
        response_schema,
        router,
    )

__getattr__ = lazy_names(
    __name__,
    {
        "explain": "._explain",
        "field_name": "._explain",
        "json_type": "._explain",
        "INT_RANGES": "._routing",
        "InvalidRequest": "._routing",
        "Param": "._routing",
        "ResponseSpec": "._routing",
        "Route": "._routing",
        "Router": "._routing",
        "check": "._routing",
        "compile_schema": "._routing",
        "documented_status": "._routing",
        "is_json_media": "._routing",
        "response_schema": "._routing",
        "router": "._routing",
        "ERROR_CODES": "._envelope",
        "JSONBytes": "._envelope",
        "MockError": "._envelope",
        "bad_request": "._envelope",
        "decode_body": "._envelope",
        "error_body": "._envelope",
        "json_response": "._envelope",
        "not_found": "._envelope",
        "MAX_HAR_BODY": "._har",
        "MAX_HAR_BYTES": "._har",
        "MAX_HAR_ENTRIES": "._har",
        "Entry": "._har",
        "HarError": "._har",
        "HarWriter": "._har",
        "Message": "._har",
        "Mode": "._har",
        "Redaction": "._har",
        "appendable": "._har",
        "entry_json": "._har",
        "har_body": "._har",
        "read_entries": "._har",
    },
)

__all__ = [
    "API",
    "APIS",
    "ERROR_CODES",
    "INT_RANGES",
    "MAX_HAR_BODY",
    "MAX_HAR_BYTES",
    "MAX_HAR_ENTRIES",
    "MAX_JSON_DEPTH",
    "Entry",
    "HarError",
    "HarWriter",
    "InvalidRequest",
    "JSONBytes",
    "JSONRejected",
    "Message",
    "MockError",
    "Mode",
    "Operation",
    "Param",
    "Redaction",
    "ResponseSpec",
    "Route",
    "Router",
    "SpecLoader",
    "appendable",
    "bad_request",
    "check",
    "compile_schema",
    "decode_body",
    "documented_status",
    "dumps",
    "entry_json",
    "error_body",
    "explain",
    "field_name",
    "har_body",
    "is_json_media",
    "iter_operations",
    "json_response",
    "json_type",
    "load_spec",
    "loads",
    "media_examples",
    "not_found",
    "operations",
    "read_entries",
    "resolve",
    "response_schema",
    "router",
    "spec_path",
]
