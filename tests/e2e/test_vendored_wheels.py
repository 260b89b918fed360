"""Each generated package, built as a wheel and installed alone in a fresh virtual environment, works.

This proves the "vendor one package elsewhere" promise: nothing from this repository but the wheel is
installed, and the installed client makes a real HTTP call to a small local server.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UV = str(Path(sys.executable).parent / "uv")
# `make install` downloads the generated packages' dependencies and build backend (uv.lock's `vendored`
# group, hashed) here. Installing with --no-index from this folder alone proves the wheel needs nothing
# else, and works on a fresh machine whatever uv's cache holds (an empty cache included).
WHEELHOUSE = ROOT / ".tools" / "wheelhouse"


class _Handler(BaseHTTPRequestHandler):
    """Answers like the real service would, recording what it was asked."""

    seen: list[tuple[str, str, str | None]] = []  # noqa: RUF012 - shared record for the test

    def do_GET(self) -> None:
        _Handler.seen.append(("GET", self.path, self.headers.get("Authorization")))
        if self.path.startswith("/v2/grades/exchanges"):
            body: object = {
                "data": [{"id": "6f1c3a52-2d0e-4d8f-9a51-0c7f2b9e8d11", "state": "state_from_the_future"}],
                "paging": {"next": None},
            }
        elif self.path.startswith("/v2/interop/tenant/scoping/schools"):
            body = {"data": [{"school_id": "11111111-1111-4111-8111-111111111111", "name": "North High"}]}
        else:
            self.send_response(404)
            self.end_headers()
            return
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


SCRIPTS = {
    "grades": """
import sys
from datasync_grades.api.exchanges import list_exchanges
from datasync_grades.runtime import connect, paginate  # the runtime travels inside the package
client = connect(sys.argv[1] + "/v2/grades", token="tok")
(exchange,) = paginate(list_exchanges, client, page_size=10)
print(exchange.id, exchange.state)
""",
    "interop": """
import sys
from datasync_interop.api.scoping_schools import list_scoping_schools
from datasync_interop.runtime import call, connect
client = connect(sys.argv[1] + "/v2/interop", token="tok")
page = call(list_scoping_schools, client=client)
print(page.data[0].school_id, page.data[0].name)
""",
}
EXPECTED = {
    "grades": "6f1c3a52-2d0e-4d8f-9a51-0c7f2b9e8d11 state_from_the_future",
    "interop": "11111111-1111-4111-8111-111111111111 North High",
}


WHEEL_FACTS = """\
import importlib.metadata, datasync_{api}
metadata = importlib.metadata.metadata("datasync-{api}")
print(metadata["Version"], datasync_{api}.__version__)
print(datasync_{api}.__spec_sha256__)
print(metadata.get_payload())
"""


def _package_version(api: str) -> str:
    text = (ROOT / "generated" / f"datasync-{api}" / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'^version = "([^"]+)"$', text, re.MULTILINE)
    assert found is not None
    return found.group(1)


@pytest.mark.slow
@pytest.mark.parametrize("api", ["grades", "interop"])
def test_wheel_installs_alone_and_calls_a_server(api: str, tmp_path: Path, server: str) -> None:
    assert (WHEELHOUSE / ".done").exists(), f"{WHEELHOUSE} is missing: run `make install`"
    offline = ("--offline", "--no-index", "--find-links", str(WHEELHOUSE))
    # A fresh, empty cache: nothing an earlier install left behind can make this pass.
    env = dict(os.environ, UV_CACHE_DIR=str(tmp_path / "uv-cache"))

    def run(*cmd: str) -> str:
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env)
        assert done.returncode == 0, f"{' '.join(cmd)}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    dist = tmp_path / "dist"
    run(
        UV, "build", *offline, "--quiet", "--wheel", "--out-dir", str(dist), str(ROOT / "generated" / f"datasync-{api}")
    )
    (wheel,) = dist.glob(f"datasync_{api}-*.whl")
    venv = tmp_path / "venv"
    run(UV, "venv", "--quiet", "--python", sys.executable, str(venv))
    python = str(venv / "bin" / "python")
    run(UV, "pip", "install", *offline, "--quiet", "--python", python, str(wheel))
    installed = run(UV, "pip", "list", "--python", python, "--format", "json")
    names = {p["name"] for p in json.loads(installed)}
    assert f"datasync-{api}" in names
    assert "datasync-openapi" not in names, "the tooling package must not be needed"
    assert not names & {"pyyaml", "starlette", "schemathesis"}, names
    out = run(python, "-I", "-c", SCRIPTS[api], server)
    assert out.strip() == EXPECTED[api]
    assert _Handler.seen[-1][2] == "Bearer tok"
    # the wheel says what it is: its version, and our README (the runtime's connect, call, paginate) as its description
    shown = run(python, "-I", "-c", WHEEL_FACTS.format(api=api))
    version, spec_digest, description = shown.split("\n", 2)
    assert version == f"{_package_version(api)} {_package_version(api)}"
    assert re.fullmatch(r"[0-9a-f]{64}", spec_digest)
    for name in ("connect(", "call(", "paginate(", "ApiError"):
        assert name in description, name
