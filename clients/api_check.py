"""Which version bump a change to a generated package needs, judged on its public Python API with griffe.

    python clients/api_check.py [--generated DIR]

The release of a package is the last commit that changed its version in clients/versions.toml: generated/ as
committed there is what users of that version have. For each package in DIR (default generated/, as it is in
the work tree) this compares the package with its release:

- major: griffe's breaking-change check (griffe.find_breaking_changes) finds something a user's code may use
  gone or changed (a model's field removed, a parameter made required, a type changed, ...);
- minor: nothing broken, but public names added;
- patch: the same API, other code (the files differ beyond the __version__ line);
- none: nothing changed.

It fails unless clients/versions.toml gives the package a version at least that bump above the released one
(the same version when nothing changed) and clients/changelog/<api>.md has a `## <version>` entry for it; a
test (tests/generated/test_api_versions.py) runs it. So a change to generated/ that changes what users get
comes with its version and changelog entry, in the same commit.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import griffe

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "clients"
VERSIONS = "clients/versions.toml"
APIS = ("grades", "interop")
BUMPS = ("major", "minor", "patch")
VERSION_LINE = re.compile(rb"^__version__ = .*$", re.MULTILINE)


def project_name(api: str) -> str:
    return f"datasync-{api}"


def package_name(api: str) -> str:
    return f"datasync_{api}"


def parse_version(text: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in text.split("."))
    return major, minor, patch


def bumped(version: str, bump: str | None) -> str:
    """version raised by bump (semver: a major bump resets minor and patch, a minor bump resets patch)."""
    major, minor, patch = parse_version(version)
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


def code_digest(package: Path) -> str:
    """sha256 of the package's files, without the __version__ line (which the bump itself changes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(VERSION_LINE.sub(b"", path.read_bytes()) + b"\0")
    return digest.hexdigest()


def load_api(api: str, generated: Path) -> griffe.Module:
    """The package's API as griffe sees it, from the source (nothing imported or run)."""
    loaded = griffe.load(
        package_name(api),
        search_paths=[generated / project_name(api)],
        try_relative_path=False,
        allow_inspection=False,
        resolve_aliases=True,
        resolve_external=False,
    )
    assert isinstance(loaded, griffe.Module)
    return loaded


def public_paths(obj: griffe.Object | griffe.Alias) -> set[str]:
    """The paths of the public names under obj (what a user may import or use)."""
    found = set()
    for member in obj.members.values():
        if member.is_alias or not member.is_public:
            continue
        found.add(member.path)
        if isinstance(member, griffe.Module | griffe.Class):
            found |= public_paths(member)
    return found


@dataclass
class Verdict:
    api: str
    recorded: str
    version: str
    needed: str | None
    breakages: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        head = f"{project_name(self.api)}: released {self.recorded}, now {self.version}; "
        head += f"needs a {self.needed} bump (to {bumped(self.recorded, self.needed)})" if self.needed else "no change"
        lines = [head]
        lines += [f"  breaking: {text}" for text in self.breakages[:20]]
        lines += [f"  added: {path}" for path in self.added[:20]]
        lines += [f"  PROBLEM: {problem}" for problem in self.problems]
        return "\n".join(lines)


def _git(*args: str) -> bytes:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, timeout=60).stdout


def _versions(text: str) -> dict[str, str]:
    return {name: str(entry["version"]) for name, entry in tomllib.loads(text).items()}


def versions() -> dict[str, str]:
    """The versions clients/versions.toml gives now (in the work tree)."""
    return _versions((ROOT / VERSIONS).read_text(encoding="utf-8"))


def release(api: str) -> tuple[str, str]:
    """(commit, version) of the package's release: the last commit that changed its version in versions.toml."""
    project = project_name(api)
    found: tuple[str, str] | None = None
    for commit in _git("log", "--format=%H", "--", VERSIONS).decode().split():
        version = _versions(_git("show", f"{commit}:{VERSIONS}").decode()).get(project)
        if found is not None and version != found[1]:
            break
        if version is not None:
            found = (commit, version)
    if found is None:
        raise SystemExit(f"no commit gives {project} a version in {VERSIONS}: nothing to compare with")
    return found


def extract(commit: str, api: str, into: Path) -> Path:
    """generated/<project> as committed in commit, written under into (a folder like generated/)."""
    archive = _git("archive", "--format=tar", commit, f"generated/{project_name(api)}")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "generated"


def changelog(api: str) -> str:
    return (CLIENTS / "changelog" / f"{api}.md").read_text(encoding="utf-8")


def check(
    api: str, generated: Path, released: Path, released_version: str, version: str, changelog_text: str
) -> Verdict:
    """Compare the package in generated (a folder like generated/) with the one in released; the verdict's
    problems are empty when version and changelog_text fit the change."""
    old, new = load_api(api, released), load_api(api, generated)
    breakages = [_explained(breakage) for breakage in griffe.find_breaking_changes(old, new)]
    added = sorted(public_paths(new) - public_paths(old))
    package = Path(project_name(api), package_name(api))
    changed = code_digest(generated / package) != code_digest(released / package)
    needed = "major" if breakages else "minor" if added else "patch" if changed else None
    verdict = Verdict(api, released_version, version, needed, breakages, added)
    required = bumped(released_version, needed)
    if needed is None and version != released_version:
        verdict.problems.append(f"nothing changed since {released_version}, but {VERSIONS} says {version}")
    elif parse_version(version) < parse_version(required):
        verdict.problems.append(f"{VERSIONS} gives {version}: set at least {required} ({needed} bump), make generate")
    if not re.search(rf"^## {re.escape(version)}$", changelog_text, re.MULTILINE):
        verdict.problems.append(f"clients/changelog/{api}.md has no '## {version}' entry")
    return verdict


def _explained(breakage: griffe.Breakage) -> str:
    """One line for a breakage: the name and what happened to it, without the temporary folders' paths."""
    text = f"{breakage.obj.path}: {breakage.kind.value}"
    if breakage.old_value is not None or breakage.new_value is not None:
        text += f" ({_shown(breakage.old_value)} -> {_shown(breakage.new_value)})"
    return text


def _shown(value: object) -> str:
    name = getattr(value, "name", None)
    return str(name) if isinstance(name, str) else str(value)


def check_against_release(api: str, generated: Path) -> Verdict:
    """check() of the package in generated against its release, with today's versions.toml and changelog."""
    commit, released_version = release(api)
    with tempfile.TemporaryDirectory() as tmp:
        released = extract(commit, api, Path(tmp))
        return check(api, generated, released, released_version, versions()[project_name(api)], changelog(api))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generated", type=Path, default=ROOT / "generated")
    args = parser.parse_args(argv)
    failed = False
    for api in APIS:
        verdict = check_against_release(api, args.generated.resolve())
        print(verdict)
        failed = failed or bool(verdict.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
