"""A report's content as plain data: what the targets dashboard shows and what the documents
(xlsx, PDF, CSV) print. `reports.compute` fills it from the database; `FiledReport.figures`
keeps it as JSON (`to_json` / `from_json`), so a filed report is printed from what was filed.

Every number carries the records behind it (`Record`: kind, id, label, an address on the site),
so the dashboard links each figure to its rows and a test can count the same rows independently.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass(frozen=True)
class Record:
    kind: str  # "organization", "planting_code", "chain", "certificate", "tourism_offer", …
    id: int
    label: str  # what a person reads: a name, a code, "Xoài cát Chu — 4 sao"
    url: str = ""  # a path on the site ("/orgs/12"), empty when there is no page
    commune_code: str | None = None
    note: str = ""  # "hết hạn 12/09/2027", "100 % truy xuất"


@dataclass(frozen=True)
class Target:
    """One target of the plan: `actual` against `goal` (None when the plan names no number, as
    for OCOP: "clubs' products in OCOP"), `by_commune` {commune code: actual}, and the records
    counted. `detail` holds breakdowns a target has besides communes (OCOP by stars: {"3": 9,
    "4": 4, "5": 1}; OCOP expiring within 6 months: {"expiring": 2}; a chain's traceable share)."""

    key: str  # cooperatives_from_clubs, growing_area_codes, traceable_chains, tourism_clubs, ocop_products
    goal: int | None
    actual: int
    by_commune: dict[str, int] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    detail: dict[str, int] = field(default_factory=dict)

    @property
    def met(self) -> bool:
        return self.actual >= (self.goal if self.goal is not None else 1)


@dataclass(frozen=True)
class Activity:
    """The marketplace's own activity in the period: listings, requests, matches, conversations,
    orders, order_value_vnd, fair_leads (the `key`), with the same by-commune split."""

    key: str
    value: int
    by_commune: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ClubEvent:
    """A meeting, training or workshop a club held in the period."""

    organization_id: int
    organization: str
    commune_code: str | None
    kind: str
    held_on: date
    topic: str
    attendees: int | None
    experts: str


@dataclass(frozen=True)
class Concern:
    """A difficulty or proposal a club raised, and how it was answered (as of the report)."""

    organization_id: int
    organization: str
    commune_code: str | None
    kind: str
    raised_on: date
    title: str
    status: str
    handler: str
    due_on: date | None
    answer: str
    answered_on: date | None
    overdue: bool


@dataclass(frozen=True)
class FairLine:
    """Trade promotion: a fair in the period, how many clubs took part and what it led to."""

    fair_id: int
    name: str
    starts_on: date
    exhibitors: int
    leads: int


@dataclass(frozen=True)
class ReportFigures:
    unit_code: str  # "82" (the province) or a commune code
    unit_name: str  # "Tỉnh Đồng Tháp", "Xã Mỹ Xương"
    period: str  # "2026-H1", "2026-H2", "2026"
    as_of: date
    targets: list[Target]
    activity: list[Activity]
    club_events: list[ClubEvent]
    concerns: list[Concern]
    fairs: list[FairLine]

    def target(self, key: str) -> Target | None:
        return next((t for t in self.targets if t.key == key), None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=_encode, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ReportFigures:
        data = json.loads(text)
        return cls(
            unit_code=data["unit_code"],
            unit_name=data["unit_name"],
            period=data["period"],
            as_of=date.fromisoformat(data["as_of"]),
            targets=[
                Target(**{**t, "records": [Record(**r) for r in t["records"]]}) for t in data["targets"]
            ],
            activity=[Activity(**a) for a in data["activity"]],
            club_events=[ClubEvent(**{**e, "held_on": date.fromisoformat(e["held_on"])}) for e in data["club_events"]],
            concerns=[Concern(**_dates(c, "raised_on", "due_on", "answered_on")) for c in data["concerns"]],
            fairs=[FairLine(**{**f, "starts_on": date.fromisoformat(f["starts_on"])}) for f in data["fairs"]],
        )


def _encode(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _dates(row: dict, *names: str) -> dict:
    return {**row, **{n: date.fromisoformat(row[n]) if row[n] else None for n in names}}


# The plan's targets in the order the dashboard and the reports show them, with their goals (None:
# the plan asks for "clubs' products in OCOP" without a number).
TARGET_GOALS: dict[str, int | None] = {
    "cooperatives_from_clubs": 1,
    "growing_area_codes": 8,
    "traceable_chains": 1,
    "tourism_clubs": 1,
    "ocop_products": None,
}
ACTIVITY_KEYS = ("listings", "requests", "matches", "conversations", "orders", "order_value_vnd", "fair_leads")
