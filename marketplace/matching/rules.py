"""Hard constraints of a match: whether a listing can serve a demand post at all, and why not.

Pure functions over plain facts (no Flask, no database), so that the same rules serve the pages,
the API, the evaluation set and the benchmark. A listing that fails a constraint is never a full
match; with the same product it may be shown as a near miss that says what is unmet.

Every reason and unmet item is a `Reason(code, params)`: data, put into words in the reader's
language only when shown (matching/presentation.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from marketplace.credentials.rules import valid_throughout

CERTIFICATE_KINDS = ("vietgap", "globalgap", "organic")


@dataclass(frozen=True)
class Reason:
    code: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, **params) -> Reason:
        return cls(code, tuple(sorted(params.items())))

    @property
    def args(self) -> dict:
        return dict(self.params)

    def as_json(self) -> dict:
        return {"code": self.code, **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.params}}


@dataclass(frozen=True)
class Credential:
    """A certificate, OCOP rating or code attached to a listing, as the rules need it."""

    kind: str  # vietgap, globalgap, organic, ocop, growing_area, packing_house
    status: str
    valid_until: date | None = None
    stars: int | None = None
    markets: tuple[str, ...] = ()
    number: str = ""

    def valid_throughout(self, start: date, end: date) -> bool:
        return valid_throughout(self.status, self.valid_until, start, end, stars=self.stars,
                                cert_type="ocop" if self.kind == "ocop" else None)


@dataclass(frozen=True)
class ListingFacts:
    id: int
    product_id: int
    variety_key: str  # "v12" for a catalogue variety, else the folded text; "" for none
    variety_label: str
    quantity: float  # available now
    unit: str
    kg_per_unit: float | None
    min_order: float | None
    price_vnd: int | None  # per price unit (per kg for weighed goods)
    available_from: date
    available_to: date
    public: bool  # published, in its window, something left
    credentials: tuple[Credential, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    updated_on: date | None = None
    responsiveness: float | None = None  # 0–1, None when unknown
    words: frozenset[str] = frozenset()
    org_id: int = 0
    ref: str | None = None


@dataclass(frozen=True)
class DemandFacts:
    id: int
    product_id: int
    variety_key: str
    variety_label: str
    quantity: float  # still wanted (accepted offers deducted)
    unit: str
    kg_per_unit: float | None
    needed_from: date
    needed_to: date
    price_min: int | None = None
    price_max: int | None = None
    required_certificates: tuple[str, ...] = ()
    min_ocop_stars: int | None = None
    needs_planting_code: bool = False
    export_market: str = ""
    latitude: float | None = None
    longitude: float | None = None
    words: frozenset[str] = frozenset()
    org_id: int = 0
    ref: str | None = None


@dataclass
class Check:
    """The outcome of the hard constraints for one pair."""

    reasons: list[Reason] = field(default_factory=list)
    unmet: list[Reason] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return not self.unmet


def window(demand: DemandFacts, listing: ListingFacts, today: date) -> tuple[date, date]:
    """The days a delivery could happen: needed and available, from today on. When the two do not
    overlap, the needed window (what credentials must then cover)."""
    start = max(demand.needed_from, listing.available_from, today)
    end = min(demand.needed_to, listing.available_to)
    if start > end:
        return max(demand.needed_from, today), demand.needed_to
    return start, end


def check(demand: DemandFacts, listing: ListingFacts, today: date) -> Check:
    """Every hard constraint of issue #6; the listing must already be of the same product."""
    result = Check()
    if not listing.public:
        result.unmet.append(Reason.of("not_on_sale"))
    _check_variety(demand, listing, result)
    _check_window(demand, listing, today, result)
    start, end = window(demand, listing, today)
    _check_min_order(demand, listing, result)
    for kind in demand.required_certificates:
        _check_certificate(kind, listing, start, end, result)
    if demand.min_ocop_stars:
        _check_ocop(demand.min_ocop_stars, listing, start, end, result)
    if demand.needs_planting_code or demand.export_market:
        _check_codes(demand, listing, start, end, result)
    return result


def least_unmet(demand: DemandFacts, listing: ListingFacts, today: date) -> int:
    """A lower bound of len(check(...).unmet), from what is cheap to see (no reasons made): not on
    sale, another variety, windows apart, below the minimum order, a required certificate, OCOP
    rating or code of which the listing holds none. Each counts a constraint that check() reports
    as unmet, so a pair whose bound is above what is shown can be skipped without changing a result."""
    count = 0 if listing.public else 1
    if demand.variety_key and listing.variety_key != demand.variety_key:
        count += 1
    start = max(demand.needed_from, today)
    if not (start <= demand.needed_to and listing.available_from <= demand.needed_to
            and listing.available_to >= start):
        count += 1
    if listing.min_order:
        wanted = convert(demand.quantity, demand, listing)
        if wanted is not None and wanted < listing.min_order:
            count += 1
    if demand.required_certificates or demand.min_ocop_stars or demand.needs_planting_code or demand.export_market:
        held = {c.kind for c in listing.credentials}
        count += sum(1 for kind in demand.required_certificates if kind not in held)
        if demand.min_ocop_stars and "ocop" not in held:
            count += 1
        if demand.needs_planting_code or demand.export_market:
            count += ("growing_area" not in held) + (bool(demand.export_market) and "packing_house" not in held)
    return count


def _check_variety(demand: DemandFacts, listing: ListingFacts, result: Check) -> None:
    if not demand.variety_key:
        return
    if listing.variety_key == demand.variety_key:
        result.reasons.append(Reason.of("variety", variety=demand.variety_label))
    else:
        result.unmet.append(Reason.of("variety_differs", wanted=demand.variety_label,
                                      offered=listing.variety_label))


def _check_window(demand: DemandFacts, listing: ListingFacts, today: date, result: Check) -> None:
    start = max(demand.needed_from, today)
    if start <= demand.needed_to and listing.available_from <= demand.needed_to and listing.available_to >= start:
        result.reasons.append(Reason.of("window", start=max(start, listing.available_from),
                                        end=min(demand.needed_to, listing.available_to)))
    else:  # a needed window that has passed is shown as it was asked
        result.unmet.append(Reason.of("window_differs", available_from=listing.available_from,
                                      available_to=listing.available_to,
                                      needed_from=start if start <= demand.needed_to else demand.needed_from,
                                      needed_to=demand.needed_to))


def _check_min_order(demand: DemandFacts, listing: ListingFacts, result: Check) -> None:
    if not listing.min_order:
        return
    wanted = convert(demand.quantity, demand, listing)
    if wanted is not None and wanted < listing.min_order:
        result.unmet.append(Reason.of("below_min_order", min_order=listing.min_order, unit=listing.unit))


def _check_certificate(kind: str, listing: ListingFacts, start: date, end: date, result: Check) -> None:
    held = [c for c in listing.credentials if c.kind == kind]
    good = [c for c in held if c.valid_throughout(start, end)]
    if good:
        best = max(good, key=lambda c: c.valid_until or date.max)
        result.reasons.append(Reason.of("certificate", kind=kind, until=best.valid_until))
    elif any(c.status == "active" and c.valid_until and c.valid_until >= start for c in held):
        lapsing = max(c.valid_until for c in held if c.status == "active" and c.valid_until)
        result.unmet.append(Reason.of("certificate_lapses", kind=kind, until=lapsing, end=end))
    elif held:
        result.unmet.append(Reason.of("certificate_invalid", kind=kind, status=_worst(held, start)))
    else:
        result.unmet.append(Reason.of("certificate_missing", kind=kind))


def _check_ocop(stars: int, listing: ListingFacts, start: date, end: date, result: Check) -> None:
    ratings = [c for c in listing.credentials if c.kind == "ocop"]
    good = [c for c in ratings if c.valid_throughout(start, end) and (c.stars or 0) >= stars]
    if good:
        best = max(good, key=lambda c: (c.stars or 0, c.valid_until or date.max))
        result.reasons.append(Reason.of("ocop", stars=best.stars, until=best.valid_until))
        return
    # Verified and in date on the first day, whatever the stars: not good, so too few stars, below
    # 3 stars (not a certification) or lapsing before the end.
    in_force = [c for c in ratings if valid_throughout(c.status, c.valid_until, start, start)]
    lapsing = [c for c in in_force if c.valid_throughout(start, start) and (c.stars or 0) >= stars]
    if lapsing:
        result.unmet.append(Reason.of("certificate_lapses", kind="ocop", until=max(c.valid_until for c in lapsing),
                                      end=end))
    elif in_force:
        best = max(c.stars or 0 for c in in_force)
        if best < stars:
            result.unmet.append(Reason.of("ocop_too_few_stars", stars=best, wanted=stars))
        else:
            result.unmet.append(Reason.of("ocop_invalid", status="not_certified"))
    elif ratings:
        result.unmet.append(Reason.of("ocop_invalid", status=_worst(ratings, start)))
    else:
        result.unmet.append(Reason.of("ocop_missing", wanted=stars))


def _check_codes(demand: DemandFacts, listing: ListingFacts, start: date, end: date, result: Check) -> None:
    market = demand.export_market.upper()
    kinds = ["growing_area"] + (["packing_house"] if market else [])
    for kind in kinds:
        codes = [c for c in listing.credentials if c.kind == kind]
        good = [c for c in codes if c.valid_throughout(start, end) and (not market or market in c.markets)]
        if good:
            result.reasons.append(Reason.of("code", kind=kind, number=good[0].number, market=market))
            continue
        valid = [c for c in codes if c.valid_throughout(start, start)]  # usable on the first day
        lapsing = [c for c in valid if not market or market in c.markets]  # approved, ends before the end
        if lapsing:
            result.unmet.append(Reason.of("certificate_lapses", kind=kind, until=max(c.valid_until for c in lapsing),
                                          end=end))
        elif valid:
            markets = sorted({m for c in valid for m in c.markets})
            result.unmet.append(Reason.of("code_wrong_market", kind=kind, market=market,
                                          markets=", ".join(markets) or "—"))
        elif codes:
            result.unmet.append(Reason.of("code_invalid", kind=kind, status=_worst(codes, start)))
        else:
            result.unmet.append(Reason.of("code_missing", kind=kind, market=market))


def _worst(credentials: list[Credential], day: date) -> str:
    """What is wrong with credentials none of which is usable: suspended beats expired, etc."""
    states = set()
    for c in credentials:
        if c.status == "active" and c.valid_until is not None and c.valid_until < day:
            states.add("expired")
        else:
            states.add(c.status)
    for state in ("suspended", "revoked", "expired", "pending", "rejected"):
        if state in states:
            return state
    return sorted(states)[0] if states else "missing"


def convert(quantity: float, demand: DemandFacts, listing: ListingFacts) -> float | None:
    """A demand quantity in the listing's unit, or None when the two units cannot be compared."""
    if demand.unit == listing.unit:
        return quantity
    if demand.kg_per_unit and listing.kg_per_unit:
        return quantity * demand.kg_per_unit / listing.kg_per_unit
    return None
