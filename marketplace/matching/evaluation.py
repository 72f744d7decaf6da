"""How well the matcher does on the labelled set (evaluation_set.py).

`build` makes the set in a database through the same services people use (accounts, credentials,
listings, demand); `evaluate` asks the matcher (services.matches_for_demand) and compares:

- precision: the share of full matches found that the labels call correct;
- recall: the share of the labelled full matches that were found;
- constraint violations: full matches that `recheck` — the hard constraints written again here,
  independently of rules.py, over the set's own data — says break a constraint.

`marketplace match evaluate` runs it in a throwaway SQLite database and fails (exit 1) when
precision is below 1 or any violation is found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.credentials import services as credentials
from marketplace.demand import services as demand_service
from marketplace.listings import services as listings
from marketplace.matching import services as matching
from marketplace.matching.evaluation_set import BEN_THANH, NEEDS, SUPPLY, Cert, Code, Need, Supply
from marketplace.matching.presentation import describe
from marketplace.vietnamese import fold

KG_PER_UNIT = {"kg": 1.0, "tạ": 100.0, "tấn": 1000.0}


# -- the independent re-check -------------------------------------------------------------------

def _in_unit(quantity: float, unit: str, target: str) -> float | None:
    if unit == target:
        return quantity
    if unit in KG_PER_UNIT and target in KG_PER_UNIT:
        return quantity * KG_PER_UNIT[unit] / KG_PER_UNIT[target]
    return None


def _good(credential: Cert | Code, start: int, end: int) -> bool:
    """Verified, and valid on every day from start to end."""
    return credential.status == "active" and (credential.until is None or credential.until >= max(start, end))


def recheck(need: Need, supply: Supply) -> list[str]:
    """The hard constraints a full match must meet, over the set's own data; what is broken."""
    broken = []
    if need.product_is != supply.product_is:
        broken.append("another product")
    if need.variety_is and fold(need.variety_is) != fold(supply.variety_is):
        broken.append("another variety")
    if supply.state != "published" or supply.days[1] < 0 or supply.quantity <= 0:
        broken.append("not on sale")
    start, end = max(need.days[0], supply.days[0], 0), min(need.days[1], supply.days[1])
    if start > end:
        broken.append("windows do not overlap (from today on)")
        start, end = max(need.days[0], 0), need.days[1]
    wanted = _in_unit(need.quantity, need.unit, supply.unit)
    if supply.min_order and wanted is not None and wanted < supply.min_order:
        broken.append("below the minimum order")
    held = supply.credentials
    for kind in need.certificates:
        if not any(isinstance(c, Cert) and c.kind == kind and _good(c, start, end) for c in held):
            broken.append(f"no {kind} valid over the window")
    if need.ocop_stars and not any(isinstance(c, Cert) and c.kind == "ocop" and _good(c, start, end)
                                   and (c.stars or 0) >= max(3, need.ocop_stars) for c in held):
        broken.append(f"no OCOP rating of {need.ocop_stars}+ stars valid over the window")
    kinds = (["growing_area"] if need.planting_code or need.market else []) + (["packing_house"] if need.market
                                                                               else [])
    for kind in kinds:
        if not any(isinstance(c, Code) and c.kind == kind and _good(c, start, end)
                   and (not need.market or need.market in c.markets.split(";")) for c in held):
            broken.append(f"no {kind} code valid{' for ' + need.market if need.market else ''} over the window")
    return broken


# -- building the set in a database ------------------------------------------------------------------

@dataclass
class Built:
    listing_ids: dict[str, int] = field(default_factory=dict)
    demand_ids: dict[str, int] = field(default_factory=dict)


def build(db: Session, today: date) -> Built:
    """Make the set's organisations, credentials, listings and demand posts (flushed, not committed)."""
    def day(offset: int | None) -> date | None:
        return None if offset is None else today + timedelta(days=offset)

    built = Built()
    for n, supply in enumerate(SUPPLY, start=1):
        club = accounts.create_organization(db, kind="club", name=f"Hội quán đánh giá {supply.label}",
                                            commune_code=supply.commune)
        certificate_ids, code_ids = [], []
        for m, credential in enumerate(supply.credentials, start=1):
            if isinstance(credential, Cert):
                number = (f"{4_063_061_000_000 + n * 10 + m}" if credential.kind == "globalgap"
                          else f"EVAL-{credential.kind.upper()}-{n:03d}-{m}")
                until = day(credential.until)
                past = until is not None and until <= today
                issued = until - timedelta(days=365) if past else today - timedelta(days=30)
                record = credentials.save_certificate(db, club, credentials.CertificateInput(
                    type=credential.kind, number=number, stars=credential.stars, issued_on=issued, expires_on=until,
                    status=credential.status), None)
                certificate_ids.append(record.id)
            else:
                infix = "OR" if credential.kind == "growing_area" else "PH"
                record = credentials.save_planting_code(db, club, credentials.PlantingCodeInput(
                    code=f"VN-EV{infix}-{n:03d}{m}", kind=credential.kind, crop=supply.product,
                    markets=credential.markets, valid_until=day(credential.until), status=credential.status), None)
                code_ids.append(record.id)
        made_on = today + timedelta(days=min(0, supply.days[0]))
        listing = listings.save_listing(db, club, listings.ListingInput(
            product=supply.product, variety=supply.variety, quantity=str(supply.quantity), unit=supply.unit,
            min_order=None if supply.min_order is None else str(supply.min_order),
            price_vnd=None if supply.price is None else str(supply.price), price_negotiable=supply.price is None,
            available_from=day(supply.days[0]), available_to=day(supply.days[1]), certificate_ids=certificate_ids,
            planting_code_ids=code_ids, ref=f"EVAL-{supply.label}"), None, today=made_on, publish=True)
        if supply.state == "paused":
            listings.change_status(db, listing, "pause", today=today)
        built.listing_ids[supply.label] = listing.id
    for need in NEEDS:
        buyer = accounts.create_organization(db, kind=need.buyer_kind, name=f"Người mua đánh giá {need.label}",
                                             commune_code=BEN_THANH)
        made_on = today + timedelta(days=min(0, need.days[0]))
        post = demand_service.save_demand(db, buyer, demand_service.DemandInput(
            product=need.product, variety=need.variety, quantity=str(need.quantity), unit=need.unit,
            needed_from=day(need.days[0]), needed_to=day(need.days[1]), frequency="once",
            required_certificates=";".join(need.certificates),
            min_ocop_stars=None if need.ocop_stars is None else str(need.ocop_stars),
            needs_planting_code=need.planting_code, export_market=need.market, ref=f"EVAL-{need.label}"),
            None, today=made_on)
        built.demand_ids[need.label] = post.id
    db.flush()
    return built


# -- evaluating ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class WrongPair:
    need: str
    supply: str
    kind: str  # "false match" (found, not labelled), "missed" (labelled, not found)
    why: str  # the trap, the unmet items, or what the re-check says


@dataclass
class Evaluation:
    demand_posts: int = 0
    listings: int = 0
    labelled: int = 0  # labelled full matches
    found: int = 0  # full matches found
    correct: int = 0
    near_misses: int = 0
    wrong: list[WrongPair] = field(default_factory=list)
    violations: list[WrongPair] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.labelled if self.labelled else 1.0

    @property
    def passed(self) -> bool:
        return self.precision == 1.0 and not self.violations

    def lines(self) -> list[str]:
        lines = [f"evaluation set: {self.demand_posts} demand posts, {self.listings} listings, "
                 f"{self.labelled} labelled full matches",
                 f"full matches found: {self.found} ({self.correct} correct); near misses shown: {self.near_misses}",
                 f"precision: {self.precision:.3f}",
                 f"recall: {self.recall:.3f}",
                 f"constraint violations: {len(self.violations)}"]
        for pair in self.violations:
            lines.append(f"  violation: {pair.need} × {pair.supply}: {pair.why}")
        for pair in self.wrong:
            lines.append(f"  {pair.kind}: {pair.need} × {pair.supply}: {pair.why}")
        return lines


def evaluate(db: Session, built: Built, today: date) -> Evaluation:
    """Ask the matcher for each demand post of the set and compare with the labels and the re-check."""
    supplies = {s.label: s for s in SUPPLY}
    label_of = {listing_id: label for label, listing_id in built.listing_ids.items()}
    result = Evaluation(demand_posts=len(NEEDS), listings=len(SUPPLY))
    for need in NEEDS:
        found = [m for m in matching.matches_for_demand(db, built.demand_ids[need.label], today)
                 if m.listing.id in label_of]
        full = {label_of[m.listing.id]: m for m in found if m.full}
        near = {label_of[m.listing.id]: m for m in found if not m.full}
        result.labelled += len(need.matches)
        result.found += len(full)
        result.correct += len(full.keys() & need.matches)
        result.near_misses += len(near)
        for label in sorted(full):
            broken = recheck(need, supplies[label])
            if broken:
                result.violations.append(WrongPair(need.label, label, "violation", "; ".join(broken)))
            if label not in need.matches:
                result.wrong.append(WrongPair(need.label, label, "false match", supplies[label].trap or "—"))
        for label in sorted(need.matches - full.keys()):
            unmet = "; ".join(describe(r) for r in near[label].unmet) if label in near else "not shown at all"
            result.wrong.append(WrongPair(need.label, label, "missed", unmet))
    return result


def run(db: Session, today: date) -> Evaluation:
    return evaluate(db, build(db, today), today)
