"""The tooling package, built as a wheel and installed alone into a fresh virtual environment, gives pytest the
``datasync_mock`` fixture; with the generated client wheels installed beside it, its ready clients work too.
Without its ``conformance`` extra it brings no schemathesis (nor pytest: a fixture user has it), and
``datasync conformance`` says in one line how to install the extra.

Everything installs from ``.tools/wheelhouse`` (``make install``: the tooling's runtime dependencies and its
build backend, pinned and hashed by uv.lock) with no index and an empty uv cache, as on a fresh machine. Nothing
from this checkout is importable in that environment: the mock reads the specs the wheel carries.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UV = str(Path(sys.executable).parent / "uv")
WHEELHOUSE = ROOT / ".tools" / "wheelhouse"

# A user's tests with only the tooling package installed: the mock over HTTP and in-process, faults, and the
# clear error of the client helpers.
ALONE = """
import asyncio

import pytest
from datasync_openapi.testing import ClientPackageMissing


def test_the_mock_over_a_socket(datasync_mock):
    http = datasync_mock.http_client(headers={"Authorization": f"Bearer {datasync_mock.credentials.token}"})
    assert http.get("/v2/grades/exchanges/count").json() == 5
    datasync_mock.faults.add(status=503, path="/v2/grades/exchanges")
    assert http.get("/v2/grades/exchanges").status_code == 503
    assert http.get(f"/v2/grades/exchanges/{datasync_mock.ids.exchange_completed}").json()["data"]["state"] == (
        "completed"
    )


def test_the_mock_in_process(datasync_mock):
    async def main():
        headers = {"Authorization": f"Bearer {datasync_mock.credentials.token}"}
        async with datasync_mock.async_http_client(headers=headers) as http:
            return (await http.get("/v2/interop/tenant/scoping/schools")).json()

    assert [school["name"] for school in asyncio.run(main())["data"]] == ["School 1", "School 2", "School 3"]


def test_the_ready_clients_need_their_packages(datasync_mock):
    with pytest.raises(ClientPackageMissing, match="needs the generated package datasync_grades"):
        datasync_mock.grades_client()
    with pytest.raises(ClientPackageMissing, match="needs the generated package datasync_interop"):
        datasync_mock.interop_client()
"""

# The same environment once the generated client wheels are installed too.
WITH_CLIENTS = """
import asyncio

from datasync_grades.api.exchanges import list_exchanges
from datasync_grades.runtime import RetryPolicy, call
from datasync_interop.api.scoping_schools import list_scoping_schools
from datasync_interop.runtime import acall


def test_the_grades_client(datasync_mock):
    events = []
    client = datasync_mock.grades_client(retry=RetryPolicy(backoff=0.0, on_retry=events.append))
    assert len(call(list_exchanges, client=client).data) == 5
    datasync_mock.expire_tokens()
    datasync_mock.faults.add(status=503, path="/v2/grades/exchanges")
    assert len(call(list_exchanges, client=client).data) == 5
    assert [event.status for event in events] == [503]
    assert client.get_httpx_client().auth.fetches == 2


def test_the_interop_client_in_process(datasync_mock):
    client = datasync_mock.interop_client(in_process=True)

    async def main():
        async with client:
            return await acall(list_scoping_schools, client=client)

    assert [school.name for school in asyncio.run(main()).data] == ["School 1", "School 2", "School 3"]
"""


def _test_names(source: str) -> list[str]:
    return re.findall(r"^def (test_\w+)\(", source, re.MULTILINE)


@pytest.mark.slow
def test_the_tooling_wheel_installs_alone_and_its_plugin_works(tmp_path: Path) -> None:
    assert (WHEELHOUSE / ".done").exists(), f"{WHEELHOUSE} is missing: run `make install`"
    offline = ("--offline", "--no-index", "--find-links", str(WHEELHOUSE))
    # A fresh, empty cache: nothing an earlier install left behind can make this pass.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV", "PYTHON"))}
    env["UV_CACHE_DIR"] = str(tmp_path / "uv-cache")

    def run(*cmd: str, cwd: Path = tmp_path) -> str:
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
        assert done.returncode == 0, f"{' '.join(cmd)}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    dist = tmp_path / "dist"
    # sdist, then the wheel from the sdist (as `make dist` does): the sdist must hold what the wheel needs
    run(UV, "build", *offline, "--quiet", "--out-dir", str(dist), str(ROOT))
    for package in ("datasync-grades", "datasync-interop"):
        run(UV, "build", *offline, "--quiet", "--wheel", "--out-dir", str(dist), str(ROOT / "generated" / package))
    (tooling,) = dist.glob("datasync_openapi-*.whl")
    assert len(list(dist.glob("datasync_openapi-*.tar.gz"))) == 1
    venv = tmp_path / "venv"
    run(UV, "venv", "--quiet", "--python", sys.executable, str(venv))
    python = str(venv / "bin" / "python")

    def installed() -> set[str]:
        return {p["name"] for p in json.loads(run(UV, "pip", "list", "--python", python, "--format", "json"))}

    run(UV, "pip", "install", *offline, "--quiet", "--python", python, str(tooling))
    names = installed()
    assert {"datasync-openapi", "starlette", "uvicorn"} <= names
    assert not names & {"datasync-grades", "datasync-interop"}, names
    # the conformance suite's engine is the `conformance` extra: none of it comes with the mock
    assert not names & {"schemathesis", "hypothesis", "requests", "rich", "pytest"}, names
    done = subprocess.run(
        [str(venv / "bin" / "datasync"), "conformance"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr.splitlines() == [
        "datasync: error: datasync conformance needs the conformance extra: pip install 'datasync-openapi[conformance]'"
    ]
    run(UV, "pip", "install", *offline, "--quiet", "--python", python, "pytest")  # what a fixture user has
    assert {"datasync-openapi", "pytest", "starlette", "uvicorn"} <= installed()
    where = "from datasync_openapi.contract import spec_path; print(spec_path('grades'))"
    spec = Path(run(python, "-I", "-c", where).strip())
    assert spec.is_file(), spec
    assert spec.parent.parent.name == "datasync_openapi", spec  # the specs inside the package, not the checkout's
    assert spec.is_relative_to(venv), spec
    assert "{mock,conformance,report,proxy,exchanges,artifacts}" in run(str(venv / "bin" / "datasync"), "--help")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert run(str(venv / "bin" / "datasync"), "--version") == f"datasync-openapi {version}\n"
    assert "{mock,conformance,report,proxy,exchanges,artifacts}" in run(python, "-I", "-m", "datasync_openapi", "-h")

    user = tmp_path / "user"
    user.mkdir()
    (user / "test_alone.py").write_text(ALONE, encoding="utf-8")
    (user / "test_with_clients.py").write_text(WITH_CLIENTS, encoding="utf-8")
    pytest_cmd = (python, "-I", "-m", "pytest", "-p", "no:cacheprovider", "-W", "error", "--strict-markers", "-v")
    out = run(*pytest_cmd, "test_alone.py", cwd=user)
    assert re.findall(r"::(test_\w+) PASSED", out) == _test_names(ALONE)

    clients = sorted(str(wheel) for wheel in dist.glob("datasync_*.whl") if wheel != tooling)
    assert len(clients) == 2
    run(UV, "pip", "install", *offline, "--quiet", "--python", python, *clients)
    out = run(*pytest_cmd, "test_with_clients.py", cwd=user)
    assert re.findall(r"::(test_\w+) PASSED", out) == _test_names(WITH_CLIENTS)

    run(
        UV,
        "pip",
        "install",
        *offline,
        "--quiet",
        "--python",
        python,
        f"datasync-openapi[conformance] @ {tooling.as_uri()}",
    )
    assert {"schemathesis", "requests", "rich"} <= installed()
    assert "schemathesis" in run(python, "-I", "-c", "import schemathesis; print(schemathesis.__name__)")
