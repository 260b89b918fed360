"""clients/templates/ on the shapes openapi/ does not use (template_coverage.yaml): the code is mypy --strict
clean, imports despite an import cycle between two models, and parses, writes and refuses data as the real
packages do (the generator's own templates parse what ours do not know: a oneOf of two objects, a const)."""

from __future__ import annotations

import datetime
import importlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SPEC = Path(__file__).with_name("template_coverage.yaml")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """template_coverage.yaml generated with our templates and settings into a package named `coverage_pkg`."""
    output = tmp_path_factory.mktemp("templates")
    config = yaml.safe_load((ROOT / "clients" / "config.yaml").read_text(encoding="utf-8"))
    config.update(project_name_override="coverage-pkg", package_name_override="coverage_pkg")
    (output / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=True), encoding="utf-8")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(SPEC),
            "--config",
            str(output / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(output / "coverage_pkg"),
            "--custom-template-path",
            str(ROOT / "clients" / "templates"),
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=output,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(output)
        try:
            yield output
        finally:
            for module in [m for m in sys.modules if m.startswith("coverage_pkg")]:
                del sys.modules[module]


@pytest.fixture(scope="module")
def models(package: Path) -> ModuleType:
    return importlib.import_module("coverage_pkg.models")


def _parse_error(models: ModuleType, data: Any) -> tuple[str, Any]:
    errors = importlib.import_module("coverage_pkg.errors")
    with pytest.raises(errors.ModelParseError) as caught:
        models.Holder.from_dict(data)
    return caught.value.field, caught.value.value


@pytest.mark.slow
def test_the_generated_code_is_mypy_strict_clean(package: Path) -> None:
    result = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", os.devnull, "coverage_pkg"],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_models_in_an_import_cycle_parse_and_write(models: ModuleType) -> None:
    """Left and Right refer to each other (the generator's function-local imports keep that from a cycle)."""
    data = {"right": {"left": {"at": "2026-01-05T08:00:00+00:00", "right": {}}}}
    assert models.Left.from_dict(data).to_dict() == data


AN_ID = "123e4567-e89b-12d3-a456-426614174000"
HOLDER = {
    "color": "red",
    "holder": "the result variable is not this property",
    "level": 2,
    "day": "2026-01-05",
    "pet": {"barks": True},
    "version": "v1",
    "counts": [1, None, 3],
    "grid": [[{"name": "a"}], [], [{"name": "b", "children": [{"name": "c"}]}]],
    "node": {"name": "root", "children": []},
    "nodes_by_name": {"x": {"name": "x"}},
    "error": None,
    "absent": 0,
    "anything": None,
    "ids": [AN_ID],
    "owner": None,
    "extra": [1],
}


def test_well_formed_data_parses_and_writes_back(models: ModuleType) -> None:
    holder = models.Holder.from_dict(HOLDER)
    assert holder.color is models.Color.RED
    assert holder.level is models.Level.VALUE_2
    assert holder.day == datetime.date(2026, 1, 5)
    assert isinstance(holder.pet, models.Dog)
    assert holder.counts == [1, None, 3]
    assert holder.grid[2][0].children[0].name == "c"
    assert holder.nodes_by_name["x"].name == "x"
    assert (holder.error, holder.absent, holder.anything) == (None, 0, None)
    assert holder.ids == [uuid.UUID(AN_ID)]
    assert holder.owner is None
    assert models.Holder.from_dict({**HOLDER, "owner": AN_ID}).owner == uuid.UUID(AN_ID)
    assert holder.additional_properties == {"extra": [1]}
    assert holder.to_dict() == HOLDER
    assert isinstance(models.Holder.from_dict({**HOLDER, "pet": {"meows": False}}).pet, models.Cat)
    assert models.Closed.from_dict({"size": 1, "other": 2}).to_dict() == {"size": 1}


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"color": "blue"}, "color", "blue"),
        ({"color": None}, "color", None),
        ({"level": 3}, "level", 3),
        ({"level": True}, "level", True),
        ({"day": "5 Jan"}, "day", "5 Jan"),
        ({"pet": {"purrs": True}}, "pet.barks", None),
        ({"version": "v2"}, "version", "v2"),
        ({"counts": [1, "2"]}, "counts[1]", "2"),
        ({"grid": [[{"name": "a"}], [{"name": 5}]]}, "grid[1][0].name", 5),
        ({"grid": [[], {}]}, "grid[1]", {}),
        ({"nodes_by_name": {"x": {"children": [{"name": 1}]}}}, "nodes_by_name.x.children[0].name", 1),
        ({"error": 7}, "error", 7),
        ({"absent": "none"}, "absent", "none"),
        ({"ids": [AN_ID, "x"]}, "ids[1]", "x"),
        ({"owner": 5}, "owner", 5),
    ],
)
def test_malformed_data_raises_one_model_parse_error(
    models: ModuleType, change: dict[str, Any], field: str, value: Any
) -> None:
    found_field, found_value = _parse_error(models, {**HOLDER, **change})
    assert found_field == field
    if field != "pet.barks":  # a missing property's value is UNSET
        assert found_value == value


def test_optional_null_where_the_schema_does_not_allow_it_is_unset(models: ModuleType) -> None:
    types = importlib.import_module("coverage_pkg.types")
    holder = models.Holder.from_dict({"color": "green", "holder": "h", "level": None, "pet": None, "counts": None})
    assert (holder.level, holder.pet, holder.counts) == (types.UNSET, types.UNSET, types.UNSET)
    assert holder.additional_properties == {}
