"""An optional config file for ``datasync conformance``: a tenant's settings, profiles per tenant, and the ids
and parameter values a live tenant needs.

Where: ``--config FILE`` (``CONFIG=``), else ``datasync.toml`` in the working directory, else the
``[tool.datasync]`` table of ``pyproject.toml`` there. The same keys in each::

    rate = 5                                   # any option of `datasync conformance`, by its long name
    reports = "reports"

    [parameters.resolveSection]                # values per operationId, added as the first example
    id = "8f0c3a4e-..."

    [profiles.district-a]                      # --profile district-a (PROFILE=district-a)
    api = "grades"
    base_url = "https://district-a.example.com/v2/{api}"
    token = "${DISTRICT_A_TOKEN}"              # ${NAME}: from the environment; never write a secret here
    baseline = "baselines/district-a-{api}.json"
    include = ["listExchanges", "getExchange"]

A profile's keys override the top level's; flags (and Make variables, which become flags) override both;
``DATASYNC_TOKEN`` and the other ``DATASYNC_*`` credential variables, when set and not empty, override the
file's credentials. ``{api}`` in a string is the run's API. An unknown key, a value of the wrong type, an
unset ``${NAME}`` or an unknown profile is one line naming it (exit 2). Nothing here imports schemathesis.
"""

from __future__ import annotations

import argparse
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datasync_openapi.contract import APIS, operations

from .options import ConformanceError

FILE_NAME = "datasync.toml"
GIVEN = "_datasync_given"  # the namespace attribute: dests given on the command line
# Options that select the file itself, or are not settings.
NOT_SETTINGS = frozenset({"help", "config", "profile", "func"})
# Credentials: the DATASYNC_* variable (what TOKEN= etc. become in make) wins over the file when not empty.
CREDENTIAL_VARIABLES = {
    "token": "DATASYNC_TOKEN",
    "client_id": "DATASYNC_CLIENT_ID",
    "client_secret": "DATASYNC_CLIENT_SECRET",
    "token_url": "DATASYNC_TOKEN_URL",
    "basic": "DATASYNC_BASIC",
}
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class Loaded:
    """What the file gave this run."""

    source: str = ""  # "datasync.toml", "pyproject.toml [tool.datasync]" or the --config path; "" none
    profile: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # dest -> value, as applied
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)  # operationId -> name -> value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        help=f"settings file (CONFIG=; default: ./{FILE_NAME}, else [tool.datasync] in ./pyproject.toml)",
    )
    parser.add_argument("--profile", help="the config file's [profiles.NAME] to use, e.g. a tenant (PROFILE=)")


def track_given(parser: argparse.ArgumentParser) -> None:
    """Make the parser record which options the command line gave (so the file only fills in the rest).

    Call after every argument is added."""
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or getattr(type(action), "_datasync_tracks", False):
            continue
        action.__class__ = _tracking(type(action))


_TRACKING: dict[type[argparse.Action], type[argparse.Action]] = {}


def _tracking(cls: type[argparse.Action]) -> type[argparse.Action]:
    if cls not in _TRACKING:

        def __call__(
            self: argparse.Action,
            parser: argparse.ArgumentParser,
            namespace: argparse.Namespace,
            values: Any,
            option_string: str | None = None,
        ) -> None:
            given = set(getattr(namespace, GIVEN, ()))
            given.add(self.dest)
            setattr(namespace, GIVEN, given)
            cls.__call__(self, parser, namespace, values, option_string)

        _TRACKING[cls] = type(cls.__name__, (cls,), {"__call__": __call__, "_datasync_tracks": True})
    return _TRACKING[cls]


def _find(explicit: Path | None, cwd: Path) -> tuple[str, dict[str, Any]] | None:
    if explicit is not None:
        data = _read(explicit)
        if explicit.name == "pyproject.toml":
            table = data.get("tool", {}).get("datasync")
            return f"{explicit} [tool.datasync]", table if isinstance(table, dict) else {}
        return str(explicit), data
    own = cwd / FILE_NAME
    if own.is_file():
        return FILE_NAME, _read(own)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        table = _read(pyproject).get("tool", {}).get("datasync")
        if isinstance(table, dict):
            return "pyproject.toml [tool.datasync]", table
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConformanceError(f"cannot read the config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConformanceError(f"the config file {path} is not valid TOML: {exc}") from None


def apply(args: argparse.Namespace, parser: argparse.ArgumentParser, cwd: Path | None = None) -> Loaded:
    """Fill ``args`` from the config file where the command line did not set a value; return what it gave."""
    found = _find(getattr(args, "config", None), cwd or Path.cwd())
    profile = getattr(args, "profile", None)
    if found is None:
        if profile:
            raise ConformanceError(f"PROFILE={profile}: there is no config file ({FILE_NAME} or --config FILE)")
        return Loaded()
    source, data = found
    actions = {a.dest: a for a in parser._actions if a.dest not in NOT_SETTINGS and a.dest != argparse.SUPPRESS}
    top = _table(data, source, actions, "")
    merged, parameters = top
    if profile:
        profiles = data.get("profiles", {})
        if not isinstance(profiles, dict) or profile not in profiles or not isinstance(profiles[profile], dict):
            names = ", ".join(sorted(profiles)) if isinstance(profiles, dict) and profiles else "none"
            raise ConformanceError(f"PROFILE={profile}: no [profiles.{profile}] in {source} (profiles: {names})")
        own, own_parameters = _table(profiles[profile], source, actions, f"profiles.{profile}.")
        merged = {**merged, **own}
        for operation_id, values in own_parameters.items():
            parameters[operation_id] = {**parameters.get(operation_id, {}), **values}
    given = set(getattr(args, GIVEN, ()))
    applied: dict[str, Any] = {}
    for dest, (where, raw) in merged.items():
        if dest in given:
            continue
        variable = CREDENTIAL_VARIABLES.get(dest)
        if variable and os.environ.get(variable):
            continue
        applied[dest] = (where, raw)
    api = applied["api"][1] if "api" in applied else getattr(args, "api", "both")
    settings: dict[str, Any] = {}
    for dest, (where, raw) in applied.items():
        value = _convert(actions[dest], _expand(raw, where, api if dest != "api" else None), where, source)
        setattr(args, dest, value)
        settings[dest] = value
    loaded = Loaded(source=source, profile=profile, settings=settings, parameters={})
    loaded.parameters = {
        operation_id: {name: _expand(value, f"parameters.{operation_id}.{name}", None) for name, value in names.items()}
        for operation_id, names in parameters.items()
    }
    check_parameters(loaded.parameters, source)
    return loaded


def _table(
    data: Mapping[str, Any], source: str, actions: Mapping[str, argparse.Action], prefix: str
) -> tuple[dict[str, tuple[str, Any]], dict[str, dict[str, Any]]]:
    settings: dict[str, tuple[str, Any]] = {}
    parameters: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        where = f"{prefix}{key}"
        if key == "profiles" and not prefix:
            continue
        if key == "parameters":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConformanceError(f"{source}: {where} must be tables [parameters.<operationId>] of name = value")
            parameters.update({op: dict(names) for op, names in value.items()})
            continue
        dest = key.replace("-", "_")
        if dest not in actions:
            raise ConformanceError(
                f"{source}: unknown key {where!r} (the keys are the options of "
                "`datasync conformance --help`, profiles and parameters)"
            )
        settings[dest] = (where, value)
    return settings, parameters


def _expand(value: Any, where: str, api: str | None) -> Any:
    if isinstance(value, list):
        return [_expand(item, where, api) for item in value]
    if not isinstance(value, str):
        return value

    def variable(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ConformanceError(f"{where}: the environment variable {name} is not set (${{{name}}})")
        return os.environ[name]

    text = _ENV.sub(variable, value)
    if "{api}" in text:
        if api not in APIS:
            raise ConformanceError(f"{where} uses {{api}}: give API=grades or API=interop (or api = in the profile)")
        text = text.replace("{api}", str(api))
    return text


def _convert(action: argparse.Action, value: Any, where: str, source: str) -> Any:
    def wrong(expected: str) -> ConformanceError:
        return ConformanceError(f"{source}: {where} must be {expected}, got {value!r}")

    if action.nargs == 0:  # store_true and the like
        if not isinstance(value, bool):
            raise wrong("true or false")
        return action.const if value else action.default
    if isinstance(value, list):
        if not all(isinstance(item, str | int | float) and not isinstance(item, bool) for item in value):
            raise wrong("a list of names")
        value = ",".join(str(item) for item in value)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise wrong("a string or a number")
    text = str(value)
    converter = action.type if callable(action.type) else str
    try:
        converted = converter(text)
    except (TypeError, ValueError, argparse.ArgumentTypeError) as exc:
        raise ConformanceError(f"{source}: {where}: {exc}") from None
    if action.choices is not None and converted not in action.choices:
        raise wrong("one of " + ", ".join(map(str, action.choices)))
    return converted


def check_parameters(parameters: Mapping[str, Mapping[str, Any]], source: str = "config") -> None:
    """Every operationId is one of the APIs' and every name one of its parameters."""
    known = {op.operation_id: op for api in APIS for op in operations(api)}
    for operation_id, names in parameters.items():
        op = known.get(operation_id)
        if op is None:
            raise ConformanceError(f"{source}: parameters.{operation_id}: unknown operationId")
        declared = {str(p.get("name")) for p in op.parameters}
        for name, value in names.items():
            if name not in declared:
                raise ConformanceError(
                    f"{source}: parameters.{operation_id}.{name}: {op.key} has no parameter {name!r} "
                    f"(it has {', '.join(sorted(declared)) or 'none'})"
                )
            if isinstance(value, dict | list):
                raise ConformanceError(f"{source}: parameters.{operation_id}.{name} must be a string or a number")


__all__ = ["FILE_NAME", "Loaded", "add_arguments", "apply", "check_parameters", "track_given"]
