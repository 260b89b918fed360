"""How every ``datasync`` command is built and run, defined once.

Each command module (``mock``, ``proxy``, ``conformance``, ``report``, ``exchanges``, ``artifacts``) has
``add_parser(sub)``, which calls ``add_command`` with its ``run(args) -> int``, and ``main`` runs what the parser
chose. Every parser is a ``Parser``: no abbreviated options (``--stat`` is not ``--state``), and an argument no
parser knows is refused by the (sub)command that got it, with that command's own usage. Every error is one line
on standard error, ``datasync: ...``, through the terminal neutraliser (it may echo a server's or a user's text).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from datasync_openapi.findings import neutral
from datasync_openapi.numbers import integer_option

Run = Callable[[argparse.Namespace], int]


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that takes no abbreviation and refuses what it does not know itself.

    argparse hands a subcommand's unknown arguments back to the top-level parser, which then prints the top-level
    usage; here the subcommand's parser refuses them, with its own usage. ``allow_abbrev`` is not inherited by the
    parsers ``add_subparsers`` makes (Python 3.11): they are of this class, whose default is ``False``."""

    def __init__(self, *, allow_abbrev: bool = False, **kwargs: Any) -> None:
        super().__init__(allow_abbrev=allow_abbrev, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        """The usage, then one line (what the user typed, neutralised); exit status 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {neutral.terminal(message)}\n")


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
    """One line on standard error, ``datasync: message`` (neutralised for the terminal); returns ``status``."""
    print(f"datasync: {neutral.terminal(message)}", file=sys.stderr, flush=True)
    return status


# -- option types shared by the commands -------------------------------------------------------------------------
def port(text: str) -> int:
    return integer_option(
        text, 1, 65535, not_a_number="not a port number", out_of_range="a port is between 1 and 65535, not {}"
    )


__all__ = ["HelpFormatter", "Parser", "Run", "add_command", "fail", "port", "subcommands"]
