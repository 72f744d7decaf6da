"""bandit on marketplace/ and pip-audit on the installed, pinned dependencies, with their figures.

    python -m check.static

Fails on any high-severity bandit finding (medium and low are printed: fix them or annotate a
false positive with `# nosec BXXX - reason`) and on any dependency with a known vulnerability
(pip-audit asks PyPI's advisory data about every installed package, the project itself aside).
A package pip-audit could not look up counts as a failure too, since nothing was proven about
it; `--allow-unaudited` (check-quick) only reports them, for a machine whose package proxy does
not serve PyPI's advisory data.

Where pip-audit's per-release lookup fails (a proxy that serves `/pypi/NAME/json` but not
`/pypi/NAME/VERSION/json`), a package installed at its latest release is still audited: the
project document's `vulnerabilities` are those of the latest release. A package behind its latest
release stays "could not be looked up", since that document says nothing about older releases.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from importlib import metadata
from typing import Any

import requests

from check.instance import BIN, ROOT


def bandit() -> bool:
    done = subprocess.run([str(BIN / "bandit"), "-q", "-r", "marketplace", "-f", "json"],  # noqa: S603
                          cwd=ROOT, capture_output=True, text=True, check=False)
    report = json.loads(done.stdout)
    severities = Counter(result["issue_severity"].lower() for result in report["results"])
    totals = report["metrics"]["_totals"]
    print(f"check-static: bandit: {totals['loc']} lines, high {severities['high']}, medium {severities['medium']}, "
          f"low {severities['low']}; {totals.get('skipped_tests', 0)} annotated # nosec", flush=True)
    for result in report["results"]:
        print(f"check-static:   {result['issue_severity']} {result['test_id']} {result['filename']}:"
              f"{result['line_number']} {result['issue_text']}")
    return severities["high"] == 0


def latest_release_audit(package: dict[str, Any], project: dict[str, Any]) -> dict[str, Any]:
    """pip-audit's entry for a package it could not look up (it names no version then), completed
    from PyPI's project document when the installed version is the latest release."""
    version = package.get("version") or installed_version(package["name"])
    if project.get("info", {}).get("version") != version:
        return {**package, "version": version}
    vulns = [{"id": vuln["id"], "fix_versions": vuln.get("fixed_in") or []}
             for vuln in project.get("vulnerabilities") or []]
    return {"name": package["name"], "version": version, "vulns": vulns}


def installed_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def project_document(name: str) -> dict[str, Any]:
    try:
        response = requests.get(f"https://pypi.org/pypi/{name}/json", timeout=30)
        return response.json() if response.ok else {}
    except (requests.RequestException, ValueError):
        return {}


def pip_audit(allow_unaudited: bool) -> bool:
    done = subprocess.run([str(BIN / "pip-audit"), "--progress-spinner", "off", "--skip-editable",  # noqa: S603
                           "--format", "json"], cwd=ROOT, capture_output=True, text=True, check=False)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        print("check-static: pip-audit gave no report")
        return False
    editable = {"cho-hoi-quan"}  # the project itself, not a dependency
    packages = [p for p in report["dependencies"] if p["name"] not in editable]
    looked_up_by_pip_audit = sum(1 for p in packages if not p.get("skip_reason"))
    packages = [latest_release_audit(p, project_document(p["name"])) if p.get("skip_reason") else p
                for p in packages]
    unaudited = [p for p in packages if p.get("skip_reason")]
    vulnerable = [p for p in packages if p.get("vulns")]
    print(f"check-static: pip-audit: {len(packages) - len(unaudited)} of {len(packages)} installed packages "
          f"audited, {len(vulnerable)} with known vulnerabilities, {len(unaudited)} could not be looked up "
          f"({looked_up_by_pip_audit} by release, the rest at their latest release from PyPI's project data)",
          flush=True)
    if unaudited:
        print(f"check-static:   not looked up ({'reported only' if allow_unaudited else 'FAILS'}): "
              + ", ".join(f"{p['name']}=={p['version']}" for p in unaudited))
    for package in vulnerable:
        for vuln in package["vulns"]:
            print(f"check-static:   {package['name']}=={package['version']} {vuln['id']} "
                  f"fixed in {', '.join(vuln['fix_versions']) or 'no release yet'}")
    return not vulnerable and (allow_unaudited or not unaudited)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-unaudited", action="store_true",
                        help="report packages pip-audit could not look up instead of failing")
    args = parser.parse_args(argv)
    results = [bandit(), pip_audit(args.allow_unaudited)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
