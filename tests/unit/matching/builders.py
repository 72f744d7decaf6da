"""Plain facts for the pure matching tests: a demand post and a listing that make a full match
unless a test changes one field (dataclasses.replace)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from marketplace.matching.rules import Credential, DemandFacts, ListingFacts

TODAY = date(2026, 6, 15)
IN_10_DAYS = TODAY + timedelta(days=10)
IN_30_DAYS = TODAY + timedelta(days=30)
IN_A_YEAR = TODAY + timedelta(days=365)
CAT_CHU = "v1"  # the catalogue key of xoài cát Chu
HOA_LOC = "v2"


def listing(**changes) -> ListingFacts:
    base = ListingFacts(
        id=1, product_id=1, variety_key=CAT_CHU, variety_label="cát Chu", quantity=20_000, unit="kg",
        kg_per_unit=1.0, min_order=None, price_vnd=38_000, available_from=TODAY, available_to=IN_30_DAYS,
        public=True, updated_on=TODAY, responsiveness=1.0, org_id=10, ref="L-1")
    return replace(base, **changes)


def demand(**changes) -> DemandFacts:
    base = DemandFacts(
        id=1, product_id=1, variety_key=CAT_CHU, variety_label="cát Chu", quantity=20, unit="tấn",
        kg_per_unit=1000.0, needed_from=TODAY, needed_to=IN_30_DAYS, org_id=20, ref="D-1")
    return replace(base, **changes)


def certificate(kind: str = "vietgap", status: str = "active", until: date | None = IN_A_YEAR, *,
                stars: int | None = None, number: str = "VietGAP-TT-13-09-68-0001") -> Credential:
    return Credential(kind, status, until, stars, (), number)


def ocop(stars: int = 4, status: str = "active", until: date | None = IN_A_YEAR) -> Credential:
    return Credential("ocop", status, until, stars, (), "12/QD-UBND")


def code(markets: str = "US", kind: str = "growing_area", status: str = "active", until: date | None = None,
         number: str = "VN-DTOR-0017") -> Credential:
    return Credential(kind, status, until, None, tuple(m for m in markets.split(";") if m), number)


def packing(markets: str = "US", status: str = "active", until: date | None = None,
            number: str = "VN-DTPH-0001") -> Credential:
    return code(markets, "packing_house", status, until, number)
