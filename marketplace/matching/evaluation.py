"""A labelled evaluation set for matching, and how well the matcher does on it.

The set is data: demand posts (NEEDS), listings with their club's credentials (SUPPLY), and for
each demand post the labels of the listings that are correct full matches. It is full of the traps
of issue #6: an expired certificate, one that lapses before delivery, suspended and pending codes,
a code for the wrong export market, a missing packing-house code, another variety, windows that
have passed or do not overlap, a paused listing, look-alike names (dừa, dứa, dưa hấu), minimum
orders in other units and OCOP ratings with too few stars, expired or below 3 stars.

`build` makes it in a database through the same services people use (accounts, credentials,
listings, demand); `evaluate` asks the matcher (services.matches_for_demand) and compares:

- precision: the share of full matches found that the labels call correct;
- recall: the share of the labelled full matches that were found;
- constraint violations: full matches that `recheck` — the hard constraints written again here,
  independently of rules.py, over the set's own data — says break a constraint.

`marketplace match evaluate` runs it in a throwaway SQLite database and fails (exit 1) when
precision is below 1 or any violation is found. Dates are days from the day it runs.
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
from marketplace.matching.presentation import describe
from marketplace.vietnamese import fold

PHU_HUU, SA_DEC, BEN_THANH = "30244", "29905", "26743"  # communes: Phú Hựu, Sa Đéc, Bến Thành
KG_PER_UNIT = {"kg": 1.0, "tạ": 100.0, "tấn": 1000.0}


@dataclass(frozen=True)
class Cert:
    """A certificate or OCOP rating of the listing's club. until: days from today (None: no end)."""

    kind: str  # vietgap, globalgap, organic, ocop
    status: str = "active"
    until: int | None = 365
    stars: int | None = None


@dataclass(frozen=True)
class Code:
    """A planting-area or packing-house code of the listing's club."""

    kind: str = "growing_area"  # or packing_house
    markets: str = "US"
    status: str = "active"
    until: int | None = None


@dataclass(frozen=True)
class Supply:
    """A listing, by the club that offers it. product/variety as typed; *_is: what it really is."""

    label: str
    product: str
    product_is: str  # catalogue slug
    variety: str = ""
    variety_is: str = ""
    quantity: float = 10_000
    unit: str = "kg"
    min_order: float | None = None
    price: int | None = 38_000
    days: tuple[int, int] = (0, 30)  # available from, to (days from today)
    state: str = "published"  # published or paused
    credentials: tuple[Cert | Code, ...] = ()
    commune: str = PHU_HUU
    trap: str = ""


@dataclass(frozen=True)
class Need:
    """A demand post, and the labels of the listings that are correct full matches for it."""

    label: str
    buyer_kind: str
    product: str
    product_is: str
    matches: frozenset[str]
    variety: str = ""
    variety_is: str = ""
    quantity: float = 5
    unit: str = "tấn"
    days: tuple[int, int] = (0, 30)  # needed from, to (days from today)
    certificates: tuple[str, ...] = ()
    ocop_stars: int | None = None
    planting_code: bool = False
    market: str = ""


VIETGAP = Cert("vietgap")
US_CODES = (Code("growing_area", "US"), Code("packing_house", "US"))

SUPPLY: tuple[Supply, ...] = (
    # Xoài cát Chu from Đồng Tháp clubs, most of them with export codes.
    Supply("L01-catchu-us-cn", "xoài", "xoai", "cát Chu", "cát Chu", quantity=12_000,
           credentials=(VIETGAP, Code("growing_area", "US;CN"), Code("packing_house", "US;CN"))),
    Supply("L02-catchu-typed-plain", "xoai", "xoai", "cat chu", "cát Chu", quantity=9_000,
           credentials=(VIETGAP, Cert("globalgap"), *US_CODES), commune=SA_DEC,
           trap="product and variety typed without accents"),
    Supply("L03-code-suspended", "xoài", "xoai", "cát Chu", "cát Chu",
           credentials=(VIETGAP, Code("growing_area", "US", "suspended"), Code("packing_house", "US")),
           trap="growing-area code suspended"),
    Supply("L04-china-only", "xoài", "xoai", "cát Chu", "cát Chu",
           credentials=(VIETGAP, Code("growing_area", "CN"), Code("packing_house", "CN")),
           trap="codes approved for China only"),
    Supply("L05-vietgap-expired", "xoài", "xoai", "cát Chu", "cát Chu",
           credentials=(Cert("vietgap", until=-1), *US_CODES), trap="VietGAP expired yesterday"),
    Supply("L06-vietgap-lapses", "xoài", "xoai", "cát Chu", "cát Chu",
           credentials=(Cert("vietgap", until=10), *US_CODES), trap="VietGAP ends in 10 days, before delivery ends"),
    Supply("L07-hoa-loc", "xoài", "xoai", "Hòa Lộc", "cát Hòa Lộc", credentials=(VIETGAP, *US_CODES),
           trap="another variety, named by its synonym"),
    Supply("L08-past-window", "xoài", "xoai", "cát Chu", "cát Chu", days=(-40, -5),
           credentials=(VIETGAP, *US_CODES), trap="window over 5 days ago"),
    Supply("L09-later", "xoài", "xoai", "cát Chu", "cát Chu", days=(35, 70), credentials=(VIETGAP, *US_CODES),
           trap="available from day 35 only"),
    Supply("L10-min-order-30-tan", "xoài", "xoai", "cát Chu", "cát Chu", quantity=40, unit="tấn", min_order=30,
           credentials=(VIETGAP, *US_CODES), trap="minimum order 30 tấn"),
    Supply("L11-paused", "xoài", "xoai", "cát Chu", "cát Chu", state="paused", credentials=(VIETGAP, *US_CODES),
           trap="paused by the club"),
    Supply("L12-code-pending", "xoài", "xoai", "cát Chu", "cát Chu",
           credentials=(VIETGAP, Code("growing_area", "US", "pending"), Code("packing_house", "US")),
           trap="growing-area code not verified yet"),
    Supply("L13-no-packing-house", "xoài", "xoai", "cát Chu", "cát Chu",
           credentials=(VIETGAP, Code("growing_area", "US")), trap="no packing-house code"),
    Supply("L14-code-lapses", "xoài", "xoai", "cát Chu", "cát Chu",
           credentials=(VIETGAP, Code("growing_area", "US", until=12), Code("packing_house", "US")),
           trap="growing-area code ends in 12 days"),
    Supply("L15-since-last-month", "xoài", "xoai", "cát Chu", "cát Chu", days=(-40, 30), quantity=6_000,
           credentials=(VIETGAP, *US_CODES), trap="on sale since before a request's window passed"),
    # Named the way clubs write them: the variety (and a grade) inside the product phrase.
    Supply("L16-catchu-phrase", "Xoài cát Chu loại 1", "xoai", "", "cát Chu", credentials=(VIETGAP, *US_CODES),
           trap="variety and grade written in the product, no variety given"),
    Supply("L17-hoaloc-phrase", "xoai cat hoa loc", "xoai", "", "cát Hòa Lộc", credentials=(VIETGAP, *US_CODES),
           trap="the other variety, inside a product phrase typed without accents"),
    # A product the catalogue lacks: kept as typed, matched by its own name.
    Supply("L50-typed-name", "Khô cá sặc rằn Tháp Mười", "typed:kho ca sac ran", quantity=800, price=180_000,
           credentials=(VIETGAP,), trap="a product the catalogue lacks"),
    # Look-alike names: dứa (pineapple, also khóm and thơm), dừa (coconut), dưa hấu (watermelon).
    Supply("L20-khom-queen", "khóm", "thom", "Queen", "Queen", quantity=20_000, price=12_000,
           credentials=(VIETGAP,), trap="pineapple sold as khóm"),
    Supply("L21-dua-coconut", "dừa", "dua", "xiêm xanh", "xiêm xanh", quantity=5_000, unit="trái", price=9_000,
           credentials=(VIETGAP,), trap="coconut: dừa folds like dứa"),
    Supply("L22-dua-hau", "dưa hấu", "dua-hau", quantity=8_000, price=8_000, credentials=(VIETGAP,),
           trap="watermelon: dưa folds like dứa"),
    Supply("L23-thom-no-vietgap", "thơm", "thom", "MD2", "MD2", quantity=15_000, price=11_000,
           trap="pineapple sold as thơm, without VietGAP"),
    # OCOP mắm cá.
    Supply("L30-mam-4-stars", "mắm cá", "mam-ca", quantity=500, price=120_000,
           credentials=(Cert("ocop", until=700, stars=4),)),
    Supply("L31-mam-3-stars", "mắm cá", "mam-ca", quantity=500, price=110_000,
           credentials=(Cert("ocop", until=700, stars=3),), trap="OCOP 3 stars"),
    Supply("L32-mam-ocop-expired", "mắm cá", "mam-ca", quantity=500, price=130_000,
           credentials=(Cert("ocop", until=-10, stars=5),), trap="OCOP 5 stars, expired"),
    Supply("L33-mam-2-stars", "mắm cá", "mam-ca", quantity=500, price=90_000,
           credentials=(Cert("ocop", until=700, stars=2),), trap="2 stars: not OCOP-certified"),
    Supply("L34-mam-ocop-suspended", "mắm cá", "mam-ca", quantity=500, price=125_000,
           credentials=(Cert("ocop", "suspended", until=700, stars=5),), trap="OCOP suspended"),
    Supply("L35-mam-no-ocop", "mắm cá", "mam-ca", quantity=500, price=80_000, trap="no OCOP rating"),
    # Quýt hồng Lai Vung in tấn and kg, with minimum orders.
    Supply("L40-quyt-tan-min-1", "quýt", "quyt", "hồng Lai Vung", "hồng Lai Vung", quantity=3, unit="tấn",
           min_order=1, price=25_000, commune=SA_DEC),
    Supply("L41-quyt-kg-min-2000", "quýt", "quyt", "quýt hồng", "hồng Lai Vung", quantity=5_000, min_order=2_000,
           price=24_000, commune=SA_DEC, trap="minimum order 2,000 kg"),
)

NEEDS: tuple[Need, ...] = (
    Need("D01-export-us", "exporter", "xoài", "xoai",
         frozenset({"L01-catchu-us-cn", "L02-catchu-typed-plain", "L15-since-last-month", "L16-catchu-phrase"}),
         "cát Chu", "cát Chu", quantity=20, certificates=("vietgap",), planting_code=True, market="US"),
    Need("D02-supermarket-vietgap", "supermarket", "xoài", "xoai",
         frozenset({"L01-catchu-us-cn", "L02-catchu-typed-plain", "L03-code-suspended", "L04-china-only",
                    "L12-code-pending", "L13-no-packing-house", "L14-code-lapses", "L15-since-last-month",
                    "L16-catchu-phrase"}),
         "cat chu", "cát Chu", quantity=5, certificates=("vietgap",)),
    Need("D03-any-mango-with-code", "trader", "trái xoài", "xoai",
         frozenset({"L01-catchu-us-cn", "L02-catchu-typed-plain", "L04-china-only", "L05-vietgap-expired",
                    "L06-vietgap-lapses", "L07-hoa-loc", "L13-no-packing-house", "L15-since-last-month",
                    "L16-catchu-phrase", "L17-hoaloc-phrase"}),
         quantity=10, days=(0, 20), planting_code=True),
    Need("D04-export-cn", "exporter", "xoài", "xoai", frozenset({"L01-catchu-us-cn", "L04-china-only"}),
         "cát Chu", "cát Chu", quantity=10, market="CN"),
    Need("D05-later-window", "supermarket", "xoài", "xoai",
         frozenset({"L01-catchu-us-cn", "L02-catchu-typed-plain", "L03-code-suspended", "L04-china-only",
                    "L09-later", "L12-code-pending", "L13-no-packing-house", "L14-code-lapses",
                    "L15-since-last-month", "L16-catchu-phrase"}),
         "cát Chu", "cát Chu", quantity=5, days=(20, 45), certificates=("vietgap",)),
    Need("D06-window-passed", "trader", "xoài", "xoai", frozenset(), quantity=5, days=(-30, -5)),
    Need("D07-pineapple-vietgap", "supermarket", "dứa", "thom", frozenset({"L20-khom-queen"}), quantity=10,
         certificates=("vietgap",)),
    Need("D08-pineapple-any", "trader", "trái thơm", "thom", frozenset({"L20-khom-queen", "L23-thom-no-vietgap"}),
         quantity=2),
    Need("D09-coconut", "business", "dừa", "dua", frozenset({"L21-dua-coconut"}), quantity=2_000, unit="trái"),
    Need("D10-watermelon", "supermarket", "dưa hấu", "dua-hau", frozenset({"L22-dua-hau"}), quantity=5),
    Need("D11-mam-4-stars", "supermarket", "mắm cá", "mam-ca", frozenset({"L30-mam-4-stars"}), quantity=200,
         unit="kg", ocop_stars=4),
    Need("D12-mam-3-stars", "business", "mắm cá", "mam-ca", frozenset({"L30-mam-4-stars", "L31-mam-3-stars"}),
         quantity=200, unit="kg", ocop_stars=3),
    Need("D13-quyt-1500-kg", "supermarket", "quýt", "quyt", frozenset({"L40-quyt-tan-min-1"}), "hồng Lai Vung",
         "hồng Lai Vung", quantity=1_500, unit="kg"),
    Need("D14-quyt-2-tan", "trader", "quýt", "quyt", frozenset({"L40-quyt-tan-min-1", "L41-quyt-kg-min-2000"}),
         "quýt hồng", "hồng Lai Vung", quantity=2, unit="tấn"),
    # Requests named by phrase: the variety in the product, no variety given.
    Need("D15-catchu-phrase", "supermarket", "xoài cát Chu", "xoai",
         frozenset({"L01-catchu-us-cn", "L02-catchu-typed-plain", "L03-code-suspended", "L04-china-only",
                    "L12-code-pending", "L13-no-packing-house", "L14-code-lapses", "L15-since-last-month",
                    "L16-catchu-phrase"}),
         variety_is="cát Chu", quantity=5, certificates=("vietgap",)),
    Need("D16-typed-name", "trader", "kho ca sac ran thap muoi", "typed:kho ca sac ran",
         frozenset({"L50-typed-name"}), quantity=100, unit="kg"),
)


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
