"""`make check-rules`: download the openfisca-france wheel (no install) and compare its Action Logement
parameters with ours through tools/openfisca_correspondances.yml; exit 1 on an unexplained difference.

The wheel goes into .cache/openfisca/ with `pip download --no-deps` (nothing is installed, so no clash
with Rasa's numpy). OPENFISCA_VERSION=176.1.8 (or --version) compares one release; by default the newest.
Exit codes: 0 clean or every difference explained, 1 otherwise, 2 the registry could not be reached.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import yaml
from packaging.version import Version

from bot.rules.crosscheck import compare, read_wheel, wheel_version
from bot.rules.parameters import load_parameters

MAPPING = Path("tools/openfisca_correspondances.yml")
CACHE = Path(".cache/openfisca")
PACKAGE = "openfisca-france"
UNREACHABLE = 2


class RegistryUnreachable(RuntimeError):
    """pip could not download the wheel (no network, registry down, unknown version)."""


def download_wheel(version: Optional[str], cache: Path = CACHE) -> Path:
    """The openfisca-france wheel in `cache` (downloaded unless that version is already there)."""
    cache.mkdir(parents=True, exist_ok=True)
    if version:
        cached = cache / f"openfisca_france-{version}-py3-none-any.whl"
        if cached.exists():
            return cached
    spec = f"{PACKAGE}=={version}" if version else PACKAGE
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
               "--retries", "1", "--timeout", "20", "--dest", str(cache), spec]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired as exc:
        raise RegistryUnreachable(f"pip download {spec} n'a pas répondu en {exc.timeout} s") from exc
    if done.returncode != 0:
        raise RegistryUnreachable(f"pip download {spec} a échoué : {(done.stderr or done.stdout).strip()[-600:]}")
    wheels = sorted(cache.glob("openfisca_france-*.whl"), key=lambda path: Version(wheel_version(path)))
    if version:
        wheels = [path for path in wheels if wheel_version(path) == version]
    if not wheels:
        raise RegistryUnreachable(f"pip download {spec} n'a laissé aucune wheel dans {cache}")
    return wheels[-1]


def run(version: Optional[str], knowledge: Path = Path("knowledge"), mapping_path: Path = MAPPING,
        cache: Path = CACHE, out=sys.stdout) -> int:
    """Compare and print; the exit code of the command."""
    mapping = yaml.safe_load(mapping_path.read_text(encoding="utf-8"))
    try:
        wheel = download_wheel(version, cache)
    except RegistryUnreachable as exc:
        print(f"Comparaison impossible : {exc}", file=out)
        return UNREACHABLE
    found = wheel_version(wheel)
    comparison = compare(mapping, load_parameters(knowledge), read_wheel(wheel, mapping["dossiers"]), found)
    print(f"openfisca-france {found} ({wheel}) comparé via {mapping_path} :", file=out)
    if found != str(mapping.get("version_verifiee")):
        print(f"Note : la correspondance a été relue pour la version {mapping.get('version_verifiee')}, "
              f"celle-ci est la {found}.", file=out)
    for difference in comparison.differences:
        print(difference.describe(found), file=out)
    for text in comparison.stale:
        print(f"Explication périmée : {text} (retirez-la de {mapping_path})", file=out)
    explained = len(comparison.differences) - len(comparison.unexplained)
    print(f"{len(comparison.differences)} écarts : {explained} expliqués, {len(comparison.unexplained)} non expliqués ; "
          f"{len(comparison.stale)} explications périmées.", file=out)
    return 0 if comparison.clean else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Compare nos paramètres à ceux d'openfisca-france.")
    parser.add_argument("--version", default=os.environ.get("OPENFISCA_VERSION") or None,
                        help="version d'openfisca-france (par défaut la plus récente)")
    parser.add_argument("--knowledge", default="knowledge", type=Path)
    parser.add_argument("--mapping", default=MAPPING, type=Path)
    args = parser.parse_args(argv)
    return run(args.version, args.knowledge, args.mapping)


if __name__ == "__main__":
    sys.exit(main())
