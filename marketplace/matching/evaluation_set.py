"""The labelled evaluation set for matching, as data: demand posts (NEEDS), listings with their
club's credentials (SUPPLY), and for each demand post the labels of the listings that are correct
full matches.

It is full of the traps of issue #6: an expired certificate, one that lapses before delivery,
suspended and pending codes, a code for the wrong export market, a missing packing-house code,
another variety, windows that have passed or do not overlap, a paused listing, look-alike names
(dừa, dứa, dưa hấu), minimum orders in other units and OCOP ratings with too few stars, expired or
below 3 stars. Dates are days from the day it runs. evaluation.py builds the set, asks the matcher
and scores the answers.
"""

from __future__ import annotations

from dataclasses import dataclass

PHU_HUU, SA_DEC, BEN_THANH = "30244", "29905", "26743"  # communes: Phú Hựu, Sa Đéc, Bến Thành


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
