"""The specs are read with PyYAML's C loader where the installed PyYAML has libyaml, and it reads the same
documents as the pure-Python loader."""

from __future__ import annotations

import pytest
import yaml

from datasync_openapi import contract as specs


def test_the_c_loader_is_used_where_libyaml_is_there() -> None:
    assert yaml.__with_libyaml__, "PyYAML without libyaml: the wheels of uv.lock have it"
    assert specs.SpecLoader is yaml.CSafeLoader


def test_both_loaders_read_the_same_documents() -> None:
    for api in specs.APIS:
        text = specs.spec_path(api).read_text(encoding="utf-8")
        pure = yaml.load(text, Loader=yaml.SafeLoader)
        assert specs.load_spec(api) == pure
        assert pure["openapi"].startswith("3.1")


def test_the_c_loader_stays_safe() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="python/object/apply"):
        yaml.load("!!python/object/apply:os.system ['true']", Loader=specs.SpecLoader)  # noqa: S506 - refuses it
