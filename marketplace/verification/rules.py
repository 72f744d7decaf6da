"""Pure rules of an organisation's verification: its statuses, the moves staff make between them,
who is checked against what, and when a change by the organisation sends it back to staff."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

STATUSES: tuple[str, ...] = ("pending", "active", "suspended", "rejected")
# Clubs and cooperatives are checked against their founding decision; buyers against their tax code.
DECISION_KINDS = frozenset({"club", "cooperative", "coop_group"})
BUYER_KINDS = frozenset({"business", "supermarket", "trader", "exporter"})

# Staff actions and the statuses they move between (the same words as credentials': verify,
# suspend, reject; a suspended organisation verified again is "reinstated" in its log).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "verify": (frozenset({"pending", "suspended"}), "active"),
    "suspend": (frozenset({"active"}), "suspended"),
    "reject": (frozenset({"pending", "suspended"}), "rejected"),
}
ACTIONS_NEEDING_REASON = frozenset({"suspend", "reject"})
MAX_REASON = 1000
MAX_NUMBER = 60


class VerificationProblem(ValueError):
    """What cannot be accepted; `key` names the problem for a translated message."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def next_status(current: str, action: str, reason: str) -> tuple[str, str]:
    """(new status, the action as logged) for a staff decision, or VerificationProblem."""
    if action not in TRANSITIONS:
        raise VerificationProblem("transition_not_allowed")
    if action in ACTIONS_NEEDING_REASON and not reason.strip():
        raise VerificationProblem("reason_required")
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        raise VerificationProblem("transition_not_allowed")
    logged = "reinstate" if action == "verify" and current == "suspended" else action
    return target, logged


def badge_on(status: str) -> bool:
    """`Organization.verified`: true exactly while staff's verification stands."""
    return status == "active"


@dataclass(frozen=True)
class Decision:
    """A founding decision as the board entered it (already read from the form)."""

    number: str
    decided_on: date | None
    commune_code: str | None
    issuer: str = ""


def normalize_number(text: str) -> str:
    """"125 / QĐ-UBND " → "125/QĐ-UBND": spaces around slashes and dashes dropped, runs of spaces one."""
    number = " ".join((text or "").split())
    for mark in ("/", "-"):
        number = mark.join(part.strip() for part in number.split(mark))
    return number


def decision_problems(decision: Decision, today: date) -> dict[str, str]:
    """Problem keys by field: every rule the decision breaks, at once."""
    problems: dict[str, str] = {}
    if not decision.number:
        problems["number"] = "number_empty"
    elif len(decision.number) > MAX_NUMBER:
        problems["number"] = "number_too_long"
    if decision.decided_on is None:
        problems["decided_on"] = "date_empty"
    elif decision.decided_on > today:
        problems["decided_on"] = "date_future"
    if not decision.commune_code:
        problems["commune_query"] = "commune_empty"
    return problems


def decision_changed(before: Decision, after: Decision) -> bool:
    return (before.number, before.decided_on, before.commune_code, before.issuer.strip()) != (
        after.number, after.decided_on, after.commune_code, after.issuer.strip())


def missing(kind: str, status: str | None, has_decision: bool, has_scan: bool) -> list[str]:
    """What an organisation still has to do before staff can verify it (keys for the page)."""
    if kind not in DECISION_KINDS or status == "active":
        return []
    needed = []
    if not has_decision:
        needed.append("decision")
    if not has_scan:
        needed.append("scan")
    return needed


def seen_version(*what_staff_see: object) -> str:
    """A short fingerprint of what staff had on screen (name, kind, the decision, its scan, the
    status): their decision is refused if it differs when they press the button, so nobody verifies
    a number, scan or name the board changed after the page was opened."""
    return hashlib.sha256(repr(what_staff_see).encode()).hexdigest()[:20]


RECHECK_PREFIX = "renamed:"  # a recheck's reason: this, then the changes as JSON, worded by the page


def recheck_reason(changed: dict[str, tuple]) -> str:
    """What a rename (or change of kind) changed, stored as data so each reader's page words it."""
    return RECHECK_PREFIX + json.dumps({field: [str(before), str(after)] for field, (before, after) in changed.items()},
                                       ensure_ascii=False)


def recheck_changes(reason: str) -> dict[str, tuple[str, str]] | None:
    """The changes recheck_reason stored, or None for any other reason (a person's words, or a
    recheck logged before it was stored as data: shown as written)."""
    if not (reason or "").startswith(RECHECK_PREFIX):
        return None
    try:
        data = json.loads(reason[len(RECHECK_PREFIX):])
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {str(field): (str(pair[0]), str(pair[1])) for field, pair in data.items()
            if isinstance(pair, list) and len(pair) == 2}
