"""Staff create and edit fairs and their booth kinds, publish and cancel them.

Services take the session, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.errors import Conflict
from marketplace.fairs import rules
from marketplace.fairs.messages import FIELD_MESSAGES, REFUSALS
from marketplace.fairs.models import BoothApplication, BoothKind, Fair
from marketplace.numbers import NotANumber, parse_vnd
from marketplace.orders.models import BankAccount
from marketplace.validation import DATE, PRICE, FieldProblems
from marketplace.vietnamese import clean, clean_message, nfc, slugify


@dataclass
class BoothKindRow:
    """One row of the booth kinds as typed; `id` names an existing kind (empty: a new one)."""

    id: str = ""
    name: str = ""
    name_en: str = ""
    count: str = ""
    fee_vnd: str = ""
    number_prefix: str = ""

    def blank(self) -> bool:
        return not any((self.name.strip(), self.name_en.strip(), self.count.strip(), self.fee_vnd.strip(),
                        self.number_prefix.strip()))


@dataclass
class FairInput:
    name: str = ""
    name_en: str = ""
    kind: str = "fair"
    starts_on: str = ""
    ends_on: str = ""
    venue: str = ""
    commune_code: str | None = None
    organiser_name: str = ""
    organiser_org_id: int | None = None
    description: str = ""
    description_en: str = ""
    apply_by: str = ""
    booths: list[BoothKindRow] = field(default_factory=list)


def _count(problems: FieldProblems, name: str, text: str) -> int | None:
    text = (text or "").strip().replace(".", "")
    if not text:
        return None
    if not text.isascii() or not text.isdecimal():
        problems.add(name, "not_a_number")
        return None
    return int(text)


def _fee(problems: FieldProblems, name: str, text: str) -> int | None:
    if not (text or "").strip():
        return 0  # no fee typed: free
    try:
        value = parse_vnd(text)
    except NotANumber:
        problems.add(name, PRICE.problem)
        return None
    return value


def save_fair(db: Session, data: FairInput, user: User | None, fair: Fair | None = None) -> Fair:
    """Create a fair (a draft) or change one, with its booth kinds, after checking everything."""
    problems = FieldProblems(FIELD_MESSAGES)
    starts_on, ends_on = problems.parse_fields(data, starts_on=DATE, ends_on=DATE)
    apply_by_day = problems.parse("apply_by", data.apply_by, DATE) if data.apply_by.strip() else None
    texts = {name: clean(getattr(data, name)) for name in ("name", "name_en", "venue", "organiser_name")}
    texts |= {name: nfc(clean_message(getattr(data, name))) for name in ("description", "description_en")}
    # As stored now: approvals move `given` by UPDATEs this session's objects do not see.
    existing = {kind.id: kind for kind in db.scalars(select(BoothKind).where(BoothKind.fair_id == fair.id)
                                                     .execution_options(populate_existing=True))} if fair else {}
    rows = [(i, row) for i, row in enumerate(data.booths) if not (row.blank() and not row.id)]
    # A booth kind someone applied for stays (removing it would remove their applications).
    applied_for = set(db.scalars(select(BoothApplication.booth_kind_id).where(
        BoothApplication.booth_kind_id.in_(list(existing))).distinct())) if existing else set()
    named = {int(row.id) for _i, row in rows if row.id.isdecimal()}
    if applied_for - named:
        problems.add("booths-0-name", "kind_in_use")  # a row of the form went missing: refuse, remove nothing
    kinds: list[tuple[int, BoothKindRow, rules.BoothKindInput]] = []
    for i, row in rows:
        kind = existing.get(int(row.id)) if row.id.isdecimal() else None
        at = f"booths-{i}-"
        if kind is not None and row.blank():
            if kind.id in applied_for:
                problems.add(at + "name", "kind_in_use")
            continue  # emptied: removed below
        count = _count(problems, at + "count", row.count)
        fee = _fee(problems, at + "fee_vnd", row.fee_vnd)
        if kind is not None and count is not None and count < kind.given:
            problems.say(at + "count", str(FIELD_MESSAGES["below_given"]) % {"given": kind.given})
        kinds.append((i, row, rules.BoothKindInput(name=clean(row.name), name_en=clean(row.name_en), count=count,
                                                   fee_vnd=fee, number_prefix=row.number_prefix.strip())))
    found = rules.check_fair(name=texts["name"], kind=data.kind, starts_on=starts_on, ends_on=ends_on,
                             apply_by_day=apply_by_day, texts=texts, booth_kinds=[k for _, _, k in kinds])
    # check_fair numbers the kinds by their place in `kinds`; the form by its rows.
    for name, keys in found.fields.items():
        if name.startswith("booths-"):
            place, rest = name.removeprefix("booths-").split("-", 1)
            name = f"booths-{kinds[int(place)][0]}-{rest}"
        if name not in problems.fields:
            for key in keys:
                problems.add(name, key)
    if not kinds:
        problems.add("booths-0-name", "no_booth_kinds")
    problems.raise_if_any()

    if fair is None:
        fair = Fair(slug=_free_slug(db, texts["name"], starts_on.year), created_by_id=user.id if user else None)
        db.add(fair)
    fair.kind, fair.starts_on, fair.ends_on, fair.apply_by = data.kind, starts_on, ends_on, apply_by_day
    for name, text in texts.items():
        setattr(fair, name, text)
    fair.commune_code = data.commune_code or None
    fair.organiser_org_id = data.organiser_org_id
    kept, recounted = set(), []
    for position, (i, row, booth) in enumerate(kinds):
        kind = existing.get(int(row.id)) if row.id.isdecimal() else None
        if kind is None:
            kind = BoothKind(given=0, count=booth.count)
            fair.booth_kinds.append(kind)
        elif booth.count != kind.count:
            recounted.append((i, kind, booth.count))
        kept.add(id(kind))
        kind.name, kind.name_en = booth.name, booth.name_en
        kind.fee_vnd, kind.number_prefix, kind.position = booth.fee_vnd or 0, booth.number_prefix, position
    for kind in list(fair.booth_kinds):
        if id(kind) not in kept:
            fair.booth_kinds.remove(kind)  # nobody applied for it (checked above): nothing goes with it
    db.flush()
    for i, kind, count in recounted:
        # Never below the booths given, even one given a moment ago by an approval in another transaction.
        done = db.execute(update(BoothKind).where(BoothKind.id == kind.id, BoothKind.given <= count)
                          .values(count=count).execution_options(synchronize_session=False)).rowcount
        db.expire(kind, ["count", "given"])
        if not done:
            problems.say(f"booths-{i}-count", str(FIELD_MESSAGES["below_given"]) % {"given": kind.given})
    problems.raise_if_any()
    return fair


def _free_slug(db: Session, name: str, year: int) -> str:
    base = slugify(name)[:100].strip("-") or "hoi-cho"
    if str(year) not in base:
        base = f"{base}-{year}"
    slug, n = base, 1
    while db.scalar(select(Fair.id).where(Fair.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def publish(db: Session, fair: Fair) -> None:
    """draft → published, by a conditional UPDATE (two clicks publish once)."""
    done = db.execute(update(Fair).where(Fair.id == fair.id, Fair.status == "draft")
                      .values(status="published").execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict(str(REFUSALS["not_publishable"]))
    db.refresh(fair)


def cancel(db: Session, fair: Fair) -> None:
    done = db.execute(update(Fair).where(Fair.id == fair.id, Fair.status != "cancelled")
                      .values(status="cancelled").execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict(str(REFUSALS["not_cancellable"]))
    db.refresh(fair)


def organiser_choices(db: Session) -> list[Organization]:
    """The organisations a fair's booth fees can be paid to: those with a bank account."""
    return list(db.scalars(select(Organization).join(BankAccount, BankAccount.organization_id == Organization.id)
                           .order_by(Organization.name)))
