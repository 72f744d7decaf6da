"""The soft score of a match, 0–100, and the reasons behind it. Pure functions.

WEIGHTS (they add up to 100):

| criterion       | weight | full marks                                   | nothing                     |
|-----------------|-------:|----------------------------------------------|-----------------------------|
| quantity        | 30 | the listing covers all that is still wanted  | covers nothing               |
| price           | 20 | inside the buyer's range (or no range given) | 30 % or more outside it      |
| distance        | 20 | communes 20 km apart or less                 | 300 km or more               |
| freshness       | 10 | listing updated in the last 3 days           | not touched for 60 days      |
| responsiveness  | 10 | the seller answers buyers' questions quickly | questions left unanswered    |
| text similarity | 10 | the words of both posts are the same         | no word in common            |

An unknown criterion (no price, no coordinates, units that cannot be compared) scores half, so
that missing data neither hides a listing nor pushes it to the top.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from marketplace.matching.rules import DemandFacts, ListingFacts, Reason, convert

WEIGHTS: dict[str, int] = {"quantity": 30, "price": 20, "distance": 20, "freshness": 10,
                           "responsiveness": 10, "text": 10}
UNKNOWN = 0.5
NEAR_KM, FAR_KM = 20.0, 300.0
FRESH_DAYS, STALE_DAYS = 3, 60
PRICE_TOLERANCE = 0.30  # a price this far outside the range scores nothing
TEXT_REASON_THRESHOLD = 0.3


@dataclass
class Score:
    total: int = 0
    parts: dict[str, float] = field(default_factory=dict)  # criterion → 0–1
    reasons: list[Reason] = field(default_factory=list)


def quantity_share(demand: DemandFacts, listing: ListingFacts) -> float | None:
    """The share of what is still wanted that this listing can supply, 0–1."""
    wanted = convert(demand.quantity, demand, listing)
    if wanted is None:
        return None
    if wanted <= 0:
        return 1.0
    return min(1.0, listing.quantity / wanted)


def price_fit(demand: DemandFacts, listing: ListingFacts) -> float | None:
    if listing.price_vnd is None:
        return None
    low, high = demand.price_min, demand.price_max
    if low is None and high is None:
        return None
    price = listing.price_vnd
    if (low is None or price >= low) and (high is None or price <= high):
        return 1.0
    edge = high if high is not None and price > high else low
    off = abs(price - edge) / edge if edge else 1.0
    return max(0.0, 1.0 - off / PRICE_TOLERANCE)


def distance_km(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float | None:
    """Great-circle distance between two points (haversine), in km."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def distance_fit(km: float | None) -> float | None:
    if km is None:
        return None
    if km <= NEAR_KM:
        return 1.0
    return max(0.0, 1.0 - (km - NEAR_KM) / (FAR_KM - NEAR_KM))


def freshness_fit(updated_on: date | None, today: date) -> float | None:
    if updated_on is None:
        return None
    age = (today - updated_on).days
    if age <= FRESH_DAYS:
        return 1.0
    return max(0.0, 1.0 - (age - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS))


def text_similarity(a: frozenset[str], b: frozenset[str]) -> float | None:
    """Jaccard similarity of two sets of folded words."""
    if not a or not b:
        return None
    return len(a & b) / len(a | b)


def _measure(demand: DemandFacts, listing: ListingFacts, today: date
             ) -> tuple[dict[str, float | None], float | None, float | None, float | None, int]:
    """Each criterion's fit (None: unknown), the quantity share, price fit and distance, and the total."""
    share = quantity_share(demand, listing)
    price = price_fit(demand, listing)
    km = distance_km(demand.latitude, demand.longitude, listing.latitude, listing.longitude)
    parts = {
        "quantity": share,
        "price": price if price is not None or demand.price_min or demand.price_max else 1.0,
        "distance": distance_fit(km),
        "freshness": freshness_fit(listing.updated_on, today),
        "responsiveness": listing.responsiveness,
        "text": text_similarity(demand.words, listing.words),
    }
    if listing.price_vnd is None and (demand.price_min or demand.price_max):
        parts["price"] = None  # negotiable: unknown
    points = round(sum(WEIGHTS[k] * (UNKNOWN if v is None else v) for k, v in parts.items()))
    return parts, share, price, km, points


def total(demand: DemandFacts, listing: ListingFacts, today: date) -> int:
    """score(...).total without building the reasons (ranking needs only the number; reasons are
    put into words for the cards shown)."""
    return _measure(demand, listing, today)[4]


def score(demand: DemandFacts, listing: ListingFacts, today: date) -> Score:
    parts, share, price, km, result_total = _measure(demand, listing, today)
    result = Score(total=result_total, parts={k: (UNKNOWN if v is None else v) for k, v in parts.items()})
    if share is not None:
        result.reasons.append(Reason.of("quantity", percent=math.floor(share * 100),
                                        available=listing.quantity, unit=listing.unit))
    if listing.price_vnd is not None and (demand.price_min is not None or demand.price_max is not None):
        inside = price == 1.0
        result.reasons.append(Reason.of("price_in_range" if inside else "price_outside", price=listing.price_vnd,
                                        low=demand.price_min, high=demand.price_max))
    if km is not None:
        result.reasons.append(Reason.of("distance", km=round(km)))
    similarity = parts["text"]
    if similarity is not None and similarity >= TEXT_REASON_THRESHOLD:
        result.reasons.append(Reason.of("similar_text"))
    return result


REPLY_WINDOW = timedelta(hours=24)  # a question younger than this is not yet unanswered


def reply_score(waits: list[timedelta | None], asked_ago: list[timedelta]) -> float | None:
    """How well a seller answers buyers' questions: per question asked, 1 for an answer within a
    day, 0.6 within three days, 0.3 later, 0 for none after a day; the mean. `waits[i]` is how long
    question i waited for the seller's first answer (None: no answer yet), `asked_ago[i]` how long
    ago it was asked. None when there is no question to judge by."""
    scores = []
    for wait, ago in zip(waits, asked_ago, strict=True):
        if wait is None:
            if ago >= REPLY_WINDOW:
                scores.append(0.0)
            continue  # still within a day: not judged yet
        scores.append(1.0 if wait <= REPLY_WINDOW else 0.6 if wait <= 3 * REPLY_WINDOW else 0.3)
    return sum(scores) / len(scores) if scores else None
