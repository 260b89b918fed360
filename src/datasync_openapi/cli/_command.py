"""How every ``datasync`` command is built and run, defined once.

Each command module (``mock``, ``proxy``, ``conformance``, ``report``, ``exchanges``, ``artifacts``) has
``add_parser(sub)``, which calls ``add_command`` with its ``run(args) -> int``, and ``main`` runs what the parser
chose. Every error is one line on standard error, ``datasync: ...``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

Run = Callable[[argparse.Namespace], int]


class Parser(argparse.ArgumentParser):
    """The parser of the ``datasync`` command and of each of its subcommands."""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions as written; every option's help ends with its default (unless it already says it)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "(default" in text or not action.option_strings or action.default in (None, False, argparse.SUPPRESS):
            return text
        return f"{text} (default: %(default)s)"


def add_command(
    sub: Any,
    name: str,
    run: Run | None,
    *,
    help: str,
    description: str | None,
    formatter_class: type[argparse.HelpFormatter] = HelpFormatter,
    epilog: str | None = None,
) -> Parser:
    """A (sub)command's parser under ``sub`` (what ``add_subparsers`` returned); ``run`` is what ``main`` calls
    with the parsed options (``None`` for a group of subcommands, each with its own)."""
    parser: Parser = sub.add_parser(
        name, help=help, description=description, formatter_class=formatter_class, epilog=epilog
    )
    if run is not None:
        parser.set_defaults(func=run)
    return parser


def subcommands(parser: argparse.ArgumentParser, dest: str) -> Any:
    """The subcommands of a command (required), their parsers of class ``Parser``."""
    return parser.add_subparsers(dest=dest, required=True, parser_class=Parser)


def fail(message: str, status: int = 2) -> int:
    """One line on standard error, ``datasync: message``; returns ``status``."""
    print(f"datasync: {message}", file=sys.stderr, flush=True)
    return status


# -- option types shared by the commands -------------------------------------------------------------------------
def port(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535, not {number}")
    return number


__all__ = ["HelpFormatter", "Parser", "Run", "add_command", "fail", "port", "subcommands"]
