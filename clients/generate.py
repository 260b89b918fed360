"""Regenerate the client packages from the specs with the pinned openapi-python-client.

Usage: python clients/generate.py [--output-dir DIR]

Each spec in openapi/ becomes one pip-installable package under DIR (default: generated/):
openapi/grades.yaml -> DIR/datasync-grades (import datasync_grades), and the same for interop.
The shared generator settings live in clients/config.yaml; this script adds the names and the package's version
(clients/versions.toml), and copies clients/changelog/<api>.md to the package's CHANGELOG.md.
The templates in clients/templates/ replace the generator's own of the same name (--custom-template-path); each
says at its top what it changes from openapi-python-client's and why. build_info.jinja, which tells them what
the package was made from (the spec's sha256, the generator's version), is rendered here.
The generator's ruff post-hooks need the pinned ruff first on PATH: the venv's bin is prepended.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "clients"
APIS = ("grades", "interop")
# Hand-written code copied into the generated packages (so it travels with a vendored client), per API: a
# source in clients/ (a module, or a package folder whose .py files are copied) -> its name inside the package.
RUNTIME = {
    "grades": {"runtime": "runtime", "workflows/grades.py": "workflows.py"},
    "interop": {"runtime": "runtime"},
}
# Our versions of some of the generator's templates; the generator falls back to its own for the others.
TEMPLATES = CLIENTS / "templates"
VERSIONS = CLIENTS / "versions.toml"
CHANGELOGS = CLIENTS / "changelog"
BUILD_INFO = """{{% set spec_file = "{spec_file}" %}}
{{% set spec_sha256 = "{spec_sha256}" %}}
{{% set generator_version = "{generator_version}" %}}
"""
RUNTIME_HEADER = "# Copied from clients/{source} by clients/generate.py: edit that file, not this copy.\n"


def project_name(api: str) -> str:
    return f"datasync-{api}"


def package_name(api: str) -> str:
    return f"datasync_{api}"


def version(api: str) -> str:
    """The package's own version (clients/versions.toml)."""
    versions = tomllib.loads(VERSIONS.read_text(encoding="utf-8"))
    return str(versions[project_name(api)]["version"])


def spec_path(api: str) -> Path:
    return ROOT / "openapi" / f"{api}.yaml"


def templates(spec: Path, into: Path) -> Path:
    """clients/templates/ with build_info.jinja saying what the package is made from: a folder under into."""
    folder = into / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "build_info.jinja").write_text(
        BUILD_INFO.format(
            spec_file=spec.relative_to(ROOT).as_posix() if spec.is_relative_to(ROOT) else spec.name,
            spec_sha256=hashlib.sha256(spec.read_bytes()).hexdigest(),
            generator_version=importlib.metadata.version("openapi-python-client"),
        ),
        encoding="utf-8",
    )
    return folder


def generate(api: str, output_dir: Path, spec: Path | None = None) -> Path:
    """Generate one API's package into output_dir (from spec, by default openapi/<api>.yaml); return the package's
    project folder."""
    spec = spec or spec_path(api)
    config = yaml.safe_load((CLIENTS / "config.yaml").read_text(encoding="utf-8"))
    config["project_name_override"] = project_name(api)
    config["package_name_override"] = package_name(api)
    config["package_version_override"] = version(api)
    target = output_dir / project_name(api)
    if target.exists():
        shutil.rmtree(target)
    output_dir.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "config.yaml"
        config_path.write_text(yaml.safe_dump(config, sort_keys=True), encoding="utf-8")
        subprocess.run(
            [
                str(bindir / "openapi-python-client"),
                "generate",
                "--path",
                str(spec),
                "--config",
                str(config_path),
                "--meta",
                "uv",
                "--output-path",
                str(target),
                "--custom-template-path",
                str(templates(spec, Path(tmp))),
                "--fail-on-warning",
            ],
            check=True,
            env=env,
            cwd=output_dir,
        )
    for source, name in RUNTIME[api].items():
        copy_hand_written(source, target / package_name(api) / name)
    shutil.copyfile(CHANGELOGS / f"{api}.md", target / "CHANGELOG.md")
    return target


def copy_hand_written(source: str, destination: Path) -> None:
    """Copy clients/<source> to destination, each module headed by where to edit it: one module, or a package
    folder's modules (what is not a .py file, such as __pycache__, stays behind)."""
    origin = CLIENTS / source
    modules = sorted(origin.glob("*.py")) if origin.is_dir() else [origin]
    for module in modules:
        relative = module.relative_to(CLIENTS).as_posix()
        path = destination / module.name if origin.is_dir() else destination
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(RUNTIME_HEADER.format(source=relative) + module.read_text(encoding="utf-8"), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-dir", type=Path, default=ROOT / "generated")
    parser.add_argument("--api", choices=APIS, action="append", help="only this API (repeatable)")
    args = parser.parse_args(argv)
    for api in args.api or APIS:
        print(f"generated {generate(api, args.output_dir.resolve())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
