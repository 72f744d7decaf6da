"""check/static.py: a package pip-audit could not look up is audited from PyPI's project document
only when the installed version is the latest release (the document's advisories are that
release's, and say nothing about older ones)."""

from __future__ import annotations

from check.static import latest_release_audit

SKIPPED = {"name": "redis", "skip_reason": "Dependency not found on PyPI and could not be audited: redis (8.2.0)"}


def project(version: str, vulnerabilities: list | None = None) -> dict:
    return {"info": {"version": version}, "vulnerabilities": vulnerabilities or []}


def test_the_latest_release_with_no_advisory_counts_as_audited_and_clean():
    assert latest_release_audit({**SKIPPED, "version": "8.2.0"}, project("8.2.0")) == {
        "name": "redis", "version": "8.2.0", "vulns": []}


def test_the_latest_release_with_an_advisory_is_reported_with_its_fix():
    entry = latest_release_audit({**SKIPPED, "version": "8.2.0"},
                                 project("8.2.0", [{"id": "GHSA-xxxx", "fixed_in": ["8.2.1"]}]))
    assert entry["vulns"] == [{"id": "GHSA-xxxx", "fix_versions": ["8.2.1"]}]


def test_a_release_behind_the_latest_stays_not_looked_up():
    entry = latest_release_audit({**SKIPPED, "version": "8.1.0"}, project("8.2.0"))
    assert entry["skip_reason"] and "vulns" not in entry and entry["version"] == "8.1.0"


def test_an_unreachable_project_document_proves_nothing():
    entry = latest_release_audit({**SKIPPED, "version": "8.2.0"}, {})
    assert entry["skip_reason"] and "vulns" not in entry
