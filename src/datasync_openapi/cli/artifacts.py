"""``datasync artifacts details|consumerlogs EXCHANGE_ID [-o FILE] [--max-size MIB]``: an exchange's artifact
downloaded and decoded, to standard output or streamed to a file."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from datasync_openapi.numbers import integer_option

from ._api import add_api_command, api_command, grades_client
from ._command import fail


def _mebibytes(text: str) -> int:
    return integer_option(
        text,
        1,
        1 << 20,
        not_a_number="not a number of MiB",
        out_of_range=f"a size is between 1 and {1 << 20} MiB, not {{}}",
    )


def add_parser(sub: Any) -> None:
    artifacts = add_api_command(
        sub,
        "artifacts",
        run,
        "download and decode an exchange's artifact",
        "Download an exchange's details or consumer-logs artifact (gzip JSON) and decode it.\n\n"
        "An artifact over the caps (--max-size decoded; compressed: the runtime's DEFAULT_MAX_DOWNLOAD), a\n"
        "gzip bomb among them, is refused: one line, exit status 1, and FILE is left as it was.",
    )
    artifacts.add_argument("kind", choices=["details", "consumerlogs"], help="which artifact")
    artifacts.add_argument("id", metavar="EXCHANGE_ID", help="the exchange's id (a UUID)")
    artifacts.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="stream the decoded JSON, as the artifact holds it, to FILE (default: standard output, indented)",
    )
    artifacts.add_argument(
        "--max-size",
        type=_mebibytes,
        metavar="MIB",
        help="refuse an artifact that decodes to more than MIB mebibytes, a gzip bomb among them "
        "(default: the runtime's DEFAULT_MAX_DECOMPRESSED)",
    )


def _size_cap(args: argparse.Namespace) -> dict[str, int]:
    """``max_size=`` for the runtime when ``--max-size`` was given (else the runtime's own default)."""
    return {} if args.max_size is None else {"max_size": args.max_size << 20}


def _stream_artifact(args: argparse.Namespace, target: Path) -> tuple[int, int]:
    """Stream the artifact's decoded JSON to a temporary file beside ``target`` (made before anything is
    downloaded), renamed over ``target`` once all of it is written: a refused or failed download leaves
    ``target`` as it was. Returns (bytes downloaded, bytes written)."""
    from datasync_grades.workflows import save_artifact

    handle, part = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out, grades_client() as client:
            sizes = save_artifact(client, args.id, args.kind, out, **_size_cap(args))
        os.replace(part, target)
        return sizes
    finally:
        Path(part).unlink(missing_ok=True)


@api_command
def run(args: argparse.Namespace) -> int:
    from datasync_grades.runtime import LimitExceeded
    from datasync_grades.workflows import decode_artifact, download_consumer_logs, download_details

    what = f"the {args.kind} artifact of {args.id}"
    try:
        if args.output in (None, "-"):
            download = download_details if args.kind == "details" else download_consumer_logs
            with grades_client() as client:
                data = download(client, args.id)
            print(json.dumps(decode_artifact(data, **_size_cap(args)), indent=2))
            return 0
        try:
            downloaded, written = _stream_artifact(args, Path(args.output))
        except OSError as exc:
            return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    except LimitExceeded as exc:
        return fail(f"{what} is refused: {exc}", 1)
    except ValueError as exc:
        return fail(f"{what} is not what the API documents: {exc}", 1)
    print(f"wrote {args.output} ({downloaded} bytes compressed, {written} decoded)")
    return 0


__all__ = ["add_parser", "run"]
