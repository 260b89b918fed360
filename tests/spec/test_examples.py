"""Every example attached to the specs (the vendor docs' examples) validates against its schema."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from datasync_openapi.contract import API, APIS, load_spec, media_examples

# Example objects copied from the vendor docs, per API: counted by hand from the seeds
# (grades: 19 request/response bodies incl. the bare count `1` and the run body `{}`; interop: 14).
EXPECTED_DOC_EXAMPLES = {"grades": 19, "interop": 14}


def _examples(api: API) -> list[tuple[str, dict[str, Any], Any, bool]]:
    return list(media_examples(load_spec(api)))


def _validator(spec: dict[str, Any], schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    # Local refs ('#/components/...') resolve against the root, so carry the components along.
    root = {**schema, "components": spec["components"]}
    return jsonschema.Draft202012Validator(root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("api", APIS)
def test_every_doc_example_is_attached(api: API) -> None:
    docs = [e for e in _examples(api) if "example 'docs'" in e[0]]
    assert len(docs) == EXPECTED_DOC_EXAMPLES[api], [e[0] for e in docs]


@pytest.mark.parametrize(
    ("api", "where"), [(api, ex[0]) for api in APIS for ex in _examples(api)], ids=lambda v: str(v)
)
def test_example_validates(api: API, where: str) -> None:
    spec = load_spec(api)
    (_, schema, value, _) = next(e for e in media_examples(spec) if e[0] == where)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(spec, schema).iter_errors(value)
    ]
    assert errors == []


def test_validator_rejects_a_broken_example() -> None:
    """The check above can fail: a wrong type in a documented example is reported."""
    spec = load_spec("grades")
    schema = {"$ref": "#/components/schemas/ExchangeEnvelope"}
    assert list(_validator(spec, schema).iter_errors({"data": {"error_count": "many"}}))
    assert list(_validator(spec, schema).iter_errors({"data": {"id": "not-a-uuid"}}))
    assert list(_validator(spec, schema).iter_errors({}))
