"""The labelled evaluation set (marketplace/matching/evaluation_set.py): its labels agree with the
independent re-check of the hard constraints, the matcher finds exactly the labelled full matches
(precision 1, recall 1, no constraint violation), and `marketplace match evaluate` says so — or
fails when the matcher lets a trap through."""

from __future__ import annotations

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.matching import evaluation, rules
from marketplace.matching.evaluation import recheck
from marketplace.matching.evaluation_set import NEEDS, SUPPLY


def test_the_labels_are_what_the_hard_constraints_say():
    for need in NEEDS:
        passing = {supply.label for supply in SUPPLY if not recheck(need, supply)}
        assert passing == need.matches, need.label


def test_the_set_holds_the_issues_traps():
    traps = " ".join(supply.trap for supply in SUPPLY)
    for trap in ("expired", "suspended", "China only", "another variety", "window over", "dừa folds like dứa",
                 "dưa folds like dứa", "minimum order", "OCOP 3 stars", "not OCOP-certified", "ends in 10 days"):
        assert trap in traps
    assert any(need.days[1] < 0 for need in NEEDS)  # a request whose window has passed
    assert {need.market for need in NEEDS} >= {"US", "CN"}
    labels = [s.label for s in SUPPLY] + [n.label for n in NEEDS]
    assert len(labels) == len(set(labels))
    assert all(need.matches <= {s.label for s in SUPPLY} for need in NEEDS)


def test_recheck_names_what_is_broken():
    need = next(n for n in NEEDS if n.label == "D01-export-us")
    supply = {s.label: s for s in SUPPLY}
    assert recheck(need, supply["L01-catchu-us-cn"]) == []
    assert recheck(need, supply["L03-code-suspended"]) == ["no growing_area code valid for US over the window"]
    assert recheck(need, supply["L05-vietgap-expired"]) == ["no vietgap valid over the window"]
    assert recheck(need, supply["L07-hoa-loc"]) == ["another variety"]
    assert recheck(need, supply["L10-min-order-30-tan"]) == ["below the minimum order"]
    assert recheck(need, supply["L21-dua-coconut"])[0] == "another product"


def test_the_matcher_finds_exactly_the_labelled_full_matches(session):
    result = evaluation.run(session, today_in_vietnam())
    assert result.wrong == []
    assert result.violations == []
    assert (result.precision, result.recall) == (1.0, 1.0)
    assert result.found == result.labelled == sum(len(n.matches) for n in NEEDS)
    assert result.near_misses > 0
    assert result.passed


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_match_evaluate_prints_precision_recall_and_violations(runner):
    result = runner.invoke(args=["match", "evaluate"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "precision: 1.000" in lines
    assert "recall: 1.000" in lines
    assert "constraint violations: 0" in lines
    assert lines[0].startswith(f"evaluation set: {len(NEEDS)} demand posts, {len(SUPPLY)} listings")


def test_match_evaluate_fails_when_a_trap_gets_through(runner, monkeypatch):
    monkeypatch.setattr(rules, "_check_codes", lambda *args: None)  # a matcher that forgets codes
    result = runner.invoke(args=["match", "evaluate"])
    assert result.exit_code == 1
    assert "precision: 1.000" not in result.output
    assert "violation: D01-export-us × L03-code-suspended: no growing_area code valid for US" in result.output
    assert "false match: D01-export-us × L04-china-only: codes approved for China only" in result.output
