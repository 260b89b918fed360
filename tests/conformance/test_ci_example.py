"""examples/ci/ cannot rot: the GitHub Actions workflow validates against the published workflow schema
(check-jsonschema's built-in copy, offline), a broken copy of it does not, and its tenants are profiles of the
example datasync.toml that load for every API of the matrix.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from datasync_openapi import cli
from datasync_openapi.conformance import config

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "ci" / "conformance.yml"
SETTINGS = ROOT / "examples" / "ci" / "datasync.toml"
CHECK = Path(sys.executable).with_name("check-jsonschema")


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(data, dict)
    return data


@pytest.mark.slow
def test_the_workflow_matches_the_published_schema() -> None:
    checked = _check(WORKFLOW)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ok -- validation done" in checked.stdout


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "    runs-on: ubuntu-24.04\n    timeout-minutes: 40\n",
            "    runs_on: ubuntu-24.04\n    timeout-minutes: 40\n",
        ),
        ("timeout-minutes: 40", "timeout-minutes: forty"),
        ("  contents: read\n", "  contents: readonly\n"),
    ],
)
def test_a_broken_workflow_fails_the_check(tmp_path: Path, old: str, new: str) -> None:
    text = WORKFLOW.read_text()
    assert old in text
    broken = tmp_path / "conformance.yml"
    broken.write_text(text.replace(old, new, 1))
    checked = _check(broken)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "Schema validation errors" in checked.stdout + checked.stderr


def test_the_matrix_tenants_are_profiles_of_the_example_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = _workflow()["jobs"]
    matrix = jobs["shard"]["strategy"]["matrix"]
    tenants, apis = matrix["tenant"], matrix["api"]
    assert {entry["tenant"] for entry in matrix["include"]} == set(tenants)  # each with its token secret
    assert all(entry["token_secret"] for entry in matrix["include"])
    assert jobs["merge"]["strategy"]["matrix"] == {"tenant": tenants, "api": apis}
    assert len(matrix["shard"]) == int(_workflow()["env"]["SHARDS"])
    monkeypatch.chdir(tmp_path)
    for tenant in tenants:
        for api in apis:
            args = cli.parser().parse_args(
                ["conformance", "--config", str(SETTINGS), "--profile", tenant, "--api", api]
            )
            config.apply(args, args.config_parser)
            assert args.base_url.endswith(f"/v2/{api}")
            assert args.baseline == Path(f"examples/ci/baselines/{tenant}-{api}.json")
            assert float(args.rate) > 0
            assert 0 < float(args.max_time) < 30 * 60  # stops before the step's `timeout 30m`
