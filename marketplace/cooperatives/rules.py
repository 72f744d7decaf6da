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


# Member clubs of a cooperative ------------------------------------------------------------------

MEMBER_STATUSES = ("proposed", "active", "ended", "declined")
OPEN_STATUSES = ("proposed", "active")  # at most one of these per cooperative–club pair
MEMBER_ACTIONS = ("accept", "decline", "withdraw", "leave", "end")
END_REASON_LIMIT = 2000
SHARED_CODE_KINDS = frozenset({"growing_area", "packing_house"})


def check_pair(problems: Problems, *, cooperative_kind: str | None, club_kind: str | None, same: bool,
               already_open: bool) -> None:
    """A proposal: a cooperative and a club (two organisations), not already proposed or members."""
    if cooperative_kind not in COOPERATIVE_KINDS:
        problems.add("cooperative_id", "not_cooperative")
    if club_kind not in CLUB_KINDS or same:
        problems.add("club_id", "not_club")
    if already_open:
        problems.add("club_id", "already_open")


def may_act(action: str, *, status: str, acting_side: str, proposer_side: str) -> bool:
    """Whether the side ("cooperative", "club" or "staff") may take this action now.

    The side that did not propose accepts or declines; the proposer may withdraw a pending
    proposal; either side leaves an active membership; staff end a proposed or active one."""
    if action in ("accept", "decline"):
        return status == "proposed" and acting_side in ("cooperative", "club") and acting_side != proposer_side
    if action == "withdraw":
        return status == "proposed" and acting_side == proposer_side
    if action == "leave":
        return status == "active" and acting_side in ("cooperative", "club")
    if action == "end":
        return status in OPEN_STATUSES and acting_side == "staff"
    return False


def check_reason(problems: Problems, action: str, reason: str) -> None:
    """Leaving and ending say why (the other side reads it); a decline or withdrawal may."""
    if action in ("leave", "end") and not reason.strip():
        problems.add("reason", "required")
    check_lengths(problems, {"reason": reason}, {"reason": END_REASON_LIMIT})


def member_on(spans: list[tuple[date, date | None]], day: date) -> bool:
    """Whether a day falls within one of the memberships (from the day accepted, up to and not
    including the day it ended; None: still active)."""
    return any(start <= day and (end is None or day < end) for start, end in spans)


def shareable(kind: str, status: str, valid_until: date | None, today: date) -> bool:
    """A cooperative's code its member clubs may attach: a verified growing-area or packing-house
    code that has not expired."""
    return kind in SHARED_CODE_KINDS and status == "active" and (valid_until is None or valid_until >= today)
