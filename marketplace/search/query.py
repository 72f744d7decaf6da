"""What a search asks for, read from a query string without ever failing on bad input.

Shared by the /search page and GET /api/v1/search so that the two always mean the same thing.
A value that cannot be read is left out and reported as a problem, keyed by its parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from marketplace.dates import parse_date
from marketplace.numbers import parse_vnd
from marketplace.search.analysis import ParsedQuery, parse_query

TYPES = ("listing", "demand", "org")
CERTIFICATES = ("vietgap", "globalgap", "organic")
SORTS = ("relevance", "price", "newest", "harvest")
PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 500
# What a search finds (not how its results are sorted or paged): what a saved search keeps.
SAVED_PARAMETERS = ("q", "type", "category", "commune", "certificate", "min_ocop", "has_planting_code",
                    "available_from", "available_to", "price_min", "price_max")
TRUE_WORDS = {"1", "true", "yes", "on", "co", "có"}


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    type: str | None = None
    category: str | None = None
    commune: str | None = None
    certificates: tuple[str, ...] = ()
    min_ocop: int | None = None
    has_planting_code: bool = False
    available_from: date | None = None
    available_to: date | None = None
    price_min: int | None = None
    price_max: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    parsed: ParsedQuery = field(default_factory=ParsedQuery, compare=False, repr=False)

    def with_parsed(self) -> SearchRequest:
        """Certificate names and "ocop" typed in the box become filters (valid credentials only)."""
        parsed = parse_query(self.q)
        certificates = tuple(dict.fromkeys(self.certificates + tuple(parsed.certificates)))
        min_ocop = max(self.min_ocop or 0, parsed.ocop_stars or 0) or None
        return replace(self, parsed=parsed, certificates=certificates, min_ocop=min_ocop)

    @property
    def active_filters(self) -> int:
        """How many filters narrow the search (the dates and the price range count once each)."""
        return (bool(self.category) + bool(self.commune) + len(self.certificates) + bool(self.min_ocop)
                + bool(self.has_planting_code) + bool(self.available_from or self.available_to)
                + (self.price_min is not None or self.price_max is not None))

    @property
    def effective_sort(self) -> str:
        if self.sort == "relevance" and self.parsed.empty:
            return "newest"  # nothing to rank by: the freshest first
        return self.sort


def _one_of(value, allowed, problems, name):
    if value in (None, ""):
        return None
    if value in allowed:
        return value
    problems[name] = "choice"
    return None


def _int(value, problems, name, lo, hi):
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        problems[name] = "number"
        return None
    if not lo <= number <= hi:
        problems[name] = "range"
        return None
    return number


def _date(value, problems, name):
    try:
        return parse_date(value)
    except ValueError:
        problems[name] = "date"
        return None


def _price(value, problems, name):
    try:
        price = parse_vnd(value)
    except ValueError:
        problems[name] = "price"
        return None
    if price is not None and not 0 <= price < 10**13:
        problems[name] = "range"
        return None
    return price


def read_request(args, *, categories: set[str] = frozenset()) -> tuple[SearchRequest, dict[str, str]]:
    """A SearchRequest from request args (a MultiDict or a plain dict), and what could not be read."""
    problems: dict[str, str] = {}

    def get(name):
        value = args.get(name)
        return value.strip() if isinstance(value, str) else value

    def get_all(name) -> list[str]:
        values = args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]
        out = []
        for value in values:
            out += [v.strip().lower() for v in str(value or "").replace(";", ",").split(",") if v.strip()]
        return out

    certificates = []
    for value in get_all("certificate"):
        if value == "ocop":
            continue  # OCOP is the min_ocop filter
        if value in CERTIFICATES:
            certificates.append(value)
        else:
            problems["certificate"] = "choice"
    from_day, to_day = _date(get("available_from"), problems, "available_from"), _date(
        get("available_to"), problems, "available_to")
    if from_day and to_day and to_day < from_day:
        problems["available_to"] = "order"
        to_day = None
    price_min, price_max = _price(get("price_min"), problems, "price_min"), _price(
        get("price_max"), problems, "price_max")
    if price_min is not None and price_max is not None and price_max < price_min:
        problems["price_max"] = "order"
        price_max = None
    commune = get("commune") or None
    if commune is not None and not (commune.isascii() and commune.isdigit() and len(commune) == 5):
        problems["commune"] = "choice"
        commune = None
    request = SearchRequest(
        q=str(get("q") or "")[:200],
        type=_one_of(get("type"), TYPES, problems, "type"),
        category=_one_of(get("category"), categories, problems, "category") if categories else (
            get("category") or None),
        commune=commune,
        certificates=tuple(dict.fromkeys(certificates)),
        min_ocop=_int(get("min_ocop"), problems, "min_ocop", 1, 5),
        has_planting_code=str(get("has_planting_code") or "").lower() in TRUE_WORDS,
        available_from=from_day, available_to=to_day,
        price_min=price_min, price_max=price_max,
        sort=_one_of(get("sort"), SORTS, problems, "sort") or "relevance",
        page=_int(get("page"), problems, "page", 1, MAX_PAGE) or 1,
        per_page=_int(get("per_page"), problems, "per_page", 1, MAX_PER_PAGE) or PER_PAGE,
    )
    return request.with_parsed(), problems
