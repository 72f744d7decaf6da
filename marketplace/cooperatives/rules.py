"""The rules of a club's steps towards a cooperative, as pure functions (no Flask, no database).

Steps are a log staff keep; the stages are an order of progress, not a state machine: staff may
record a stage again (a second guidance visit) or go back (a dossier returned). "founded" ends the
road: it names the cooperative, and a club has at most one founding.
"""

from __future__ import annotations

from datetime import date

from marketplace.problems import Problems, check_lengths

STAGES = ("interested", "qualified", "guided", "dossier", "founded")
CLUB_KINDS = frozenset({"club", "coop_group"})
COOPERATIVE_KINDS = frozenset({"cooperative"})
LIMITS = {"note": 4000, "members_joined": 4000}
MAX_HOUSEHOLDS = 100_000


def check_step(problems: Problems, *, stage: str, taken_on: date | None, today: date, cooperative_kind: str | None,
               cooperative_is_club: bool, households: int | None, already_founded: bool,
               texts: dict[str, str]) -> None:
    """A step's problems, as keys per field."""
    if stage not in STAGES:
        problems.add("stage", "choice")
    if taken_on is None:
        problems.add("taken_on", "required")
    elif taken_on > today:
        problems.add("taken_on", "future")
    if stage == "founded":
        if already_founded:
            problems.add("stage", "already_founded")
        if cooperative_kind is None:
            problems.add("cooperative_id", "required")
        elif cooperative_kind not in COOPERATIVE_KINDS or cooperative_is_club:
            problems.add("cooperative_id", "not_cooperative")
        if households is not None and not 1 <= households <= MAX_HOUSEHOLDS:
            problems.add("households_joined", "households")
    check_lengths(problems, texts, LIMITS)


def latest_stage(stages_by_date: list[tuple[date, int, str]]) -> str | None:
    """The stage of the latest step (by day, then by the order recorded)."""
    return max(stages_by_date)[2] if stages_by_date else None
