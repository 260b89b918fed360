"""Without the `conformance` extra (schemathesis and what it brings), the mock, the proxy and the pytest fixture
still work, and `datasync conformance` says in one line how to install the extra (exit 2).

Each test runs a fresh interpreter in which the extra's packages cannot be imported (``sys.modules[name] = None``
makes ``import name`` fail and ``importlib.util.find_spec(name)`` answer None, as when it is not installed).
tests/e2e/test_tooling_wheel.py shows the same with the wheel installed without the extra.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTRA = ("schemathesis", "hypothesis", "requests", "urllib3", "rich")
BLOCK = f"import sys\nfor name in {EXTRA!r}:\n    sys.modules[name] = None\n"
MAIN = "import runpy\nsys.argv = ['datasync', {arg!r}]\nrunpy.run_module('datasync_openapi', run_name='__main__')"


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + code], capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )


def test_the_extra_holds_schemathesis_and_the_dependencies_do_not() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.startswith(EXTRA)]
    assert "schemathesis==4.32.5" in project["optional-dependencies"]["conformance"]


def test_conformance_without_the_extra_is_one_line_and_exit_2() -> None:
    done = _python(MAIN.format(arg="conformance"))
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "datasync: error: datasync conformance needs the conformance extra: pip install 'datasync-openapi[conformance]'"
    ]


def test_the_mock_proxy_and_fixture_work_without_the_extra() -> None:
    code = """
import asyncio

import httpx

from datasync_openapi import pytest_plugin  # the fixture's module
from datasync_openapi.proxy.app import ProxyConfig, create_proxy
from datasync_openapi.testing import DatasyncMock

assert callable(pytest_plugin.datasync_mock)


async def main(mock: DatasyncMock) -> list[tuple[int, object]]:
    headers = {"Authorization": f"Bearer {mock.credentials.token}"}
    async with mock.async_http_client(headers=headers) as http:  # the mock in-process
        direct = await http.get("/v2/grades/exchanges/count")
    proxy = create_proxy(ProxyConfig(upstream=mock.url))  # the proxy in-process, the mock behind it on a socket
    transport = httpx.ASGITransport(app=proxy)
    async with httpx.AsyncClient(transport=transport, base_url="http://proxy", headers=headers) as http:
        proxied = await http.get("/v2/grades/exchanges/count")
    return [(direct.status_code, direct.json()), (proxied.status_code, proxied.json())]


with DatasyncMock() as mock:
    print(asyncio.run(main(mock)))
for name in NAMES:
    assert sys.modules[name] is None, name  # nothing replaced the block: none of them was imported
""".replace("NAMES", repr(EXTRA))
    done = _python(code)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == ["[(200, 5), (200, 5)]"]


def test_the_commands_parse_without_the_extra() -> None:
    done = _python(MAIN.format(arg="--help"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "conformance" in done.stdout
    assert "mock" in done.stdout
