"""What ``datasync mock`` and ``datasync proxy`` share about listening, defined once: the connection bounds
(``--header-timeout``, ``--max-connections``), their defaults and options, and the check that the address can be
listened on before anything starts. Kept apart from ``datasync_openapi.server`` so that building the CLI's parser
does not import the server stack."""

from __future__ import annotations

import argparse
import socket

from datasync_openapi.numbers import integer_option, positive_finite

HEADER_TIMEOUT = 10.0  # seconds from a connection's opening or its last answer to a complete request head
MAX_CONNECTIONS = 1000  # open connections per process (lowered to what the open-file limit allows)


def _header_timeout(text: str) -> float:
    seconds = positive_finite(text)
    if seconds is None:
        raise argparse.ArgumentTypeError(f"the header timeout is a positive number of seconds, not {text!r}")
    return seconds


def _max_connections(text: str) -> int:
    return integer_option(
        text,
        1,
        None,
        not_a_number="not a number of connections",
        out_of_range="the connection limit is at least 1, not {}",
    )


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """``--header-timeout`` and ``--max-connections``: pass ``args.header_timeout`` and ``args.max_connections``
    to ``datasync_openapi.server.serve``."""
    parser.add_argument(
        "--header-timeout",
        type=_header_timeout,
        default=HEADER_TIMEOUT,
        metavar="SECONDS",
        help="time a connection has, from its opening or its last answer, to send a complete request head "
        "(then: closed, or 408 if a head was under way)",
    )
    parser.add_argument(
        "--max-connections",
        type=_max_connections,
        default=MAX_CONNECTIONS,
        metavar="N",
        help="open connections at most (per worker process; at most half the open-file limit); "
        "one more is answered 503 and closed",
    )


def cannot_listen(host: str, port: int) -> str | None:
    """Why a server could not listen on ``host:port`` (port taken, unknown host), as one line, or ``None``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except OSError as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


__all__ = ["HEADER_TIMEOUT", "MAX_CONNECTIONS", "add_connection_options", "cannot_listen"]
