"""Reading the specs through ``contract`` (what the ``datasync`` parser does) imports neither jsonschema-rs nor
Starlette; asking for a validating or answering name imports them then."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
from datasync_openapi.contract import load_spec, operations
operations("grades")
heavy = ("jsonschema_rs", "starlette")
print([name for name in heavy if name in sys.modules])
from datasync_openapi.contract import Router, error_body
print([name for name in heavy if name in sys.modules])
"""


def test_the_specs_are_read_without_the_validators_and_the_answers() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.splitlines() == ["[]", "['jsonschema_rs', 'starlette']"]
