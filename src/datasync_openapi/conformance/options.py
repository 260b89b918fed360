"""What ``datasync conformance`` needs before a run starts: the run's defaults (its options show them) and
``ConformanceError``. Nothing here imports schemathesis, requests or httpx, so that the ``datasync`` command
line, which builds every command's parser, does not pay for them (about 1 s) unless the conformance suite runs.
"""

from __future__ import annotations

PHASES = ("examples", "coverage", "fuzzing", "stateful")
DEFAULT_SEED = 20261122
DEFAULT_MAX_EXAMPLES = 10
DEFAULT_RATE = 5.0  # requests/s against a target that is not the embedded mock
# The checks of schemathesis 4.32.5 (``schemathesis.checks.CHECKS``; a test keeps this list equal to it).
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
)


class ConformanceError(RuntimeError):
    """The run could not be set up or could not run (bad options, unreachable target, rejected credentials).

    The message is one line that names what to fix; the CLI prints it and exits 2."""


__all__ = ["CHECK_NAMES", "DEFAULT_MAX_EXAMPLES", "DEFAULT_RATE", "DEFAULT_SEED", "PHASES", "ConformanceError"]
