"""A server command (``datasync mock``, ``datasync proxy``, Prism, ...) as a subprocess on a free local port,
ready when its health URL answers: what the tests that need a real process and ``benches/http_load.py`` run.

``running_process`` is the subprocess counterpart of ``datasync_openapi.server.running`` (an app in a thread).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from datasync_openapi.server import free_port

OUTPUT_TAIL = 3000  # characters of the process's output an error shows


Argument = str | int | os.PathLike[str]


class ProcessDidNotStart(RuntimeError):
    """The process exited, or its health URL did not answer as ready in time; the message ends with its output."""


@dataclass(frozen=True)
class RunningProcess:
    process: subprocess.Popen[bytes]
    url: str  # http://127.0.0.1:<port>


def _answered(_response: httpx.Response) -> bool:
    return True


@contextmanager
def running_process(
    command: Callable[[int], Sequence[Argument]],
    health: str,
    *,
    name: str,
    ready: Callable[[httpx.Response], bool] = _answered,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    attempts: int = 1,
    log: Path | None = None,
    cwd: Path | None = None,
    stop_grace: float | None = 10.0,
) -> Iterator[RunningProcess]:
    """Start ``command(port)`` on a free port and wait until ``GET <url><health>`` gives a response for which
    ``ready`` is true (by default: any HTTP answer), polling for at most ``timeout`` seconds.

    The process's stdout and stderr are appended to ``log`` (kept), or to a temporary file when ``log`` is
    None. When it exits or is not ready in time, it is killed and, if ``attempts`` allow, started again on
    another free port (the port can be taken between ``free_port`` and the process binding it); after the last
    attempt ``ProcessDidNotStart`` says why and shows the tail of the output. On leaving the block the process
    gets SIGTERM and ``stop_grace`` seconds to exit before SIGKILL (SIGKILL at once when ``stop_grace`` is None),
    and is reaped.
    """
    problem = "it was never started"
    with log.open("a+b") if log is not None else tempfile.TemporaryFile() as sink:
        for _attempt in range(attempts):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            argv = [os.fspath(part) if isinstance(part, os.PathLike) else str(part) for part in command(port)]
            process = subprocess.Popen(argv, stdout=sink, stderr=sink, cwd=cwd)
            problem = _wait(process, url + health, ready, headers, timeout)
            if not problem:
                break
            _stop(process, None)
        else:
            sink.flush()
            sink.seek(0)
            output = sink.read().decode(errors="replace")[-OUTPUT_TAIL:]
            raise ProcessDidNotStart(f"{name} ({' '.join(argv)}) {problem}; its output:\n{output}")
        try:
            yield RunningProcess(process, url)
        finally:
            _stop(process, stop_grace)


def _wait(
    process: subprocess.Popen[bytes],
    url: str,
    ready: Callable[[httpx.Response], bool],
    headers: Mapping[str, str] | None,
    timeout: float,
) -> str:
    """Poll ``url`` until ``ready``; returns what went wrong, empty when the process is ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"exited with status {process.returncode}"
        try:
            if ready(httpx.get(url, headers=headers, timeout=2)):
                return ""
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return f"was not ready at {url} within {timeout:g} s"


def _stop(process: subprocess.Popen[bytes], grace: float | None) -> None:
    if process.poll() is None:
        if grace is not None:
            process.terminate()
            try:
                process.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                pass
        process.kill()
    process.wait(timeout=10)


__all__ = ["Argument", "ProcessDidNotStart", "RunningProcess", "running_process"]
