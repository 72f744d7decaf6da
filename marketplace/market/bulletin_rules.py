"""The weekly market bulletin of a club, cooperative or cooperative group, as pure rules: which
demand posts count, what buyers ask for summed per product, variety and kind of buyer, and the
short text a chair forwards to the members' Zalo group (Vietnamese, numbers as Vietnamese write
them: "40 tấn", "35–42 nghìn đồng/kg"). No Flask, no database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from marketplace.markets import market_name
from marketplace.products.units import UNITS

WINDOW_DAYS = 30  # a request counts when its window touches the next 30 days (this month included)
NEW_FAIR_DAYS = 7  # a fair created in the last week is news
LISTING_MONTHS = 12  # the organisation's products: what it listed in the last 12 months
ZALO_LIMIT = 900  # characters: one message a phone shows without "read more" twice over
SELLER_KINDS = ("club", "cooperative", "coop_group")

# Who asks, as the Zalo text says it (the page uses the site's labels, in the reader's language).
BUYER_WORDS = {
    "supermarket": "Siêu thị", "trader": "Thương lái", "exporter": "Doanh nghiệp xuất khẩu",
    "business": "Doanh nghiệp", "cooperative": "Hợp tác xã", "coop_group": "Tổ hợp tác",
    "club": "Hội quán", "agency": "Đơn vị",
}
CERTIFICATE_WORDS = {"vietgap": "VietGAP", "globalgap": "GlobalGAP", "organic": "hữu cơ"}
FREQUENCY_WORDS = {"weekly": "mỗi tuần", "monthly": "mỗi tháng", "seasonal": "mỗi vụ"}  # "once": nothing
MARKET_WORDS = {"farm_gate": "tại vườn", "wholesale": "chợ đầu mối", "supermarket": "siêu thị",
                "export": "xuất khẩu"}


# -- dates --------------------------------------------------------------------------------------

def month_end(day: date) -> date:
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


def in_window(needed_from: date, needed_to: date, today: date) -> bool:
    """A request still needed (not over) and needed from within the next 30 days."""
    return needed_to >= today and needed_from <= today + timedelta(days=WINDOW_DAYS)


def is_new_fair(created_on: date, apply_by: date, status: str, today: date) -> bool:
    """A published fair created in the last week, or still taking booth applications."""
    if status != "published":
        return False
    return today - timedelta(days=NEW_FAIR_DAYS) <= created_on <= today or apply_by >= today


# -- what buyers ask for ------------------------------------------------------------------------

@dataclass(frozen=True)
class PostFacts:
    """One open request as the bulletin reads it."""

    id: int
    product_id: int
    title: str  # "xoài cát Chu"
    title_en: str
    variety: str  # "cát Chu", "" without one
    buyer_id: int
    buyer_kind: str
    quantity: float
    unit: str
    frequency: str
    needed_from: date
    needed_to: date
    price_min_vnd: int | None = None
    price_max_vnd: int | None = None
    certificates: tuple[str, ...] = ()
    min_ocop_stars: int | None = None
    needs_planting_code: bool = False
    export_market: str = ""
    buyer_name: str = ""  # shown on the page to its signed-in readers, as /demand/<id> shows it; never in the Zalo text

    @property
    def kg(self) -> float | None:
        unit = UNITS.get(self.unit)
        return self.quantity * unit.kg if unit is not None and unit.kg is not None else None


@dataclass(frozen=True)
class Ask:
    """What the buyers of one kind ask for in one product (and variety): summed."""

    product_id: int
    title: str
    title_en: str
    buyer_kind: str
    frequency: str  # "once", or how often each buyer wants `quantity` ("weekly": every week)
    quantity: float  # in `unit`: tấn from 1,000 kg, else kg, else the posts' own unit
    unit: str
    kg: float | None
    buyers: int
    posts: tuple[PostFacts, ...]
    certificates: tuple[str, ...]
    min_ocop_stars: int | None
    needs_planting_code: bool
    export_markets: tuple[str, ...]
    price_min_vnd: int | None
    price_max_vnd: int | None
    needed_from: date
    needed_to: date


def _key(post: PostFacts) -> tuple:
    weighed = post.kg is not None
    return (post.product_id, post.variety.casefold(), post.buyer_kind, post.frequency,
            "kg" if weighed else post.unit)


def _amount(posts: Sequence[PostFacts]) -> tuple[float, str, float | None]:
    """The posts' total in a unit people say: "40 tấn" from 40,000 kg, "800 kg", "3.000 hộp"."""
    if all(p.kg is not None for p in posts):
        kg = sum(p.kg for p in posts)
        return (kg / 1000, "tấn", kg) if kg >= 1000 else (kg, "kg", kg)
    return sum(p.quantity for p in posts), posts[0].unit, None


def asks(posts: Iterable[PostFacts]) -> list[Ask]:
    """Requests summed per product, variety, kind of buyer and how often (a request for 5 tấn every
    week is not added to one for 25 tấn once), and per unit for what cannot be weighed: the biggest
    first (by weight, then by the number of buyers)."""
    groups: dict[tuple, list[PostFacts]] = defaultdict(list)
    for post in posts:
        groups[_key(post)].append(post)
    found = []
    for group in groups.values():
        group.sort(key=lambda p: (p.needed_from, p.id))
        quantity, unit, kg = _amount(group)
        lows = [p.price_min_vnd for p in group if p.price_min_vnd]
        highs = [p.price_max_vnd or p.price_min_vnd for p in group if p.price_max_vnd or p.price_min_vnd]
        stars = [p.min_ocop_stars for p in group if p.min_ocop_stars]
        first = group[0]
        found.append(Ask(
            product_id=first.product_id, title=first.title, title_en=first.title_en, buyer_kind=first.buyer_kind,
            frequency=first.frequency, quantity=quantity, unit=unit, kg=kg,
            buyers=len({p.buyer_id for p in group}), posts=tuple(group),
            certificates=tuple(c for c in CERTIFICATE_WORDS if any(c in p.certificates for p in group)),
            min_ocop_stars=min(stars) if stars else None,
            needs_planting_code=any(p.needs_planting_code for p in group),
            export_markets=tuple(sorted({p.export_market for p in group if p.export_market})),
            price_min_vnd=min(lows) if lows else None, price_max_vnd=max(highs) if highs else None,
            needed_from=min(p.needed_from for p in group), needed_to=max(p.needed_to for p in group)))
    return sorted(found, key=lambda a: (-(a.kg or 0), -a.buyers, a.title, a.buyer_kind))


# -- Vietnamese words for numbers -----------------------------------------------------------------

def vi_number(value: float) -> str:
    """As Vietnamese write a number: 40 → "40", 2.5 → "2,5", 1500 → "1.500" (at most 2 decimals)."""
    rounded = round(value, 2)
    whole = int(rounded)
    text = f"{whole:,}".replace(",", ".")
    rest = f"{rounded - whole:.2f}"[2:].rstrip("0")
    return f"{text},{rest}" if rest else text


def vnd_words(amount: int) -> str:
    """An amount of đồng as said: 35000 → "35 nghìn", 42500 → "42,5 nghìn", 1200000 → "1,2 triệu"."""
    if amount >= 1_000_000:
        return f"{vi_number(amount / 1_000_000)} triệu"
    if amount >= 1000:
        return f"{vi_number(amount / 1000)} nghìn"
    return vi_number(amount)


def price_range_words(low: int | None, high: int | None, per: str = "kg") -> str:
    """"35–42 nghìn đồng/kg"; one end only: "từ 35 nghìn đồng/kg", "đến 42 nghìn đồng/kg"; "" without."""
    if not low and not high:
        return ""
    if low and high and low != high:
        low_words, high_words = vnd_words(low), vnd_words(high)
        low_number, low_scale = (low_words.split(" ", 1) + [""])[:2]
        high_number, high_scale = (high_words.split(" ", 1) + [""])[:2]
        if low_scale == high_scale:  # "35–42 nghìn", not "35 nghìn–42 nghìn"
            return f"{low_number}–{high_number} {high_scale} đồng/{per}".replace("  ", " ")
        return f"{low_words}–{high_words} đồng/{per}"
    if low and high:
        return f"{vnd_words(low)} đồng/{per}"
    return f"từ {vnd_words(low)} đồng/{per}" if low else f"đến {vnd_words(high)} đồng/{per}"


def price_per(unit: str) -> str:
    """What a request's price is per: a kilogram for weighed goods, else the unit itself."""
    found = UNITS.get(unit)
    return "kg" if found is None or found.kg is not None else unit


def when_words(needed_from: date, needed_to: date, today: date) -> str:
    """"trong tháng 12" when needed by this month's end, "từ 05/01" when it starts after it, else
    "đến 15/01"."""
    end = month_end(today)
    if needed_to <= end:
        return f"trong tháng {today.month}"
    if needed_from > end:
        return f"từ {needed_from:%d/%m}"
    return f"đến {needed_to:%d/%m}"


def standards_words(ask: Ask) -> list[str]:
    """The standards asked, as the Zalo text writes them: "VietGAP", "OCOP 3 sao", "mã số vùng
    trồng", "đi Mỹ"."""
    words = [CERTIFICATE_WORDS[c] for c in ask.certificates]
    if ask.min_ocop_stars:
        words.append(f"OCOP {ask.min_ocop_stars} sao")
    if ask.needs_planting_code:
        words.append("có mã số vùng trồng")
    words.extend(f"đi {market_name(code, 'vi')}" for code in ask.export_markets)
    return words


def in_sentence(title: str) -> str:
    """A product's name inside a sentence: "Xoài cát Chu" → "xoài cát Chu" (an acronym stays: "OCOP")."""
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


def ask_line(ask: Ask, today: date) -> str:
    """"Siêu thị cần 40 tấn xoài cát Chu VietGAP trong tháng 12, giá 35–42 nghìn đồng/kg (2 bên mua)"."""
    who = BUYER_WORDS.get(ask.buyer_kind, "Bên mua")
    standards = " ".join(standards_words(ask))
    line = f"{who} cần {vi_number(ask.quantity)} {ask.unit} {in_sentence(ask.title)}"
    if ask.frequency in FREQUENCY_WORDS:
        line += f" {FREQUENCY_WORDS[ask.frequency]}"
    if standards:
        line += f" {standards}"
    line += f" {when_words(ask.needed_from, ask.needed_to, today)}"
    price = price_range_words(ask.price_min_vnd, ask.price_max_vnd, price_per(ask.posts[0].unit))
    if price:
        line += f", giá {price}"
    return line + f" ({ask.buyers} bên mua)"


# -- fairs and prices -----------------------------------------------------------------------------

@dataclass(frozen=True)
class FairFacts:
    slug: str
    name: str
    starts_on: date
    ends_on: date
    apply_by: date
    venue: str = ""


def fair_line(fair: FairFacts, today: date) -> str:
    line = f"Hội chợ {fair.name}" if not fair.name.lower().startswith(("hội chợ", "hội nghị", "hội thảo")) \
        else fair.name
    line += f", {fair.starts_on:%d/%m}"
    if fair.ends_on != fair.starts_on:
        line += f"–{fair.ends_on:%d/%m}"
    if fair.apply_by >= today:
        line += f", đăng ký gian hàng đến {fair.apply_by:%d/%m}"
    return line


@dataclass(frozen=True)
class MoveFacts:
    """A product's price move on the week at one market (from market.trends), named."""

    product_id: int
    title: str
    title_en: str
    market: str
    unit: str
    latest_vnd: int
    change_pct: float
    big: bool
    variety: str = ""  # the variety the move is of ("cát Chu"), for the link to its chart


def sorted_moves(moves: Iterable[MoveFacts]) -> list[MoveFacts]:
    """Big moves first, then by how far the price moved."""
    return sorted(moves, key=lambda m: (not m.big, -abs(m.change_pct), m.title, m.market))


def arrow(change_pct: float) -> str:
    return "↑" if change_pct > 0 else "↓" if change_pct < 0 else "→"


def move_line(move: MoveFacts) -> str:
    """"xoài cát Chu (chợ đầu mối): 38 nghìn đồng/kg ↑ 12%"."""
    where = MARKET_WORDS.get(move.market, move.market)
    pct = vi_number(round(abs(move.change_pct)))
    return (f"{in_sentence(move.title)} ({where}): {vnd_words(move.latest_vnd)} đồng/{price_per(move.unit)} "
            f"{arrow(move.change_pct)} {pct}%")


# -- the whole bulletin ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Bulletin:
    org_id: int
    org_name: str
    week_of: date
    today: date
    products: tuple[tuple[int, str, str], ...]  # (product id, name vi, name en) it grows or sells
    asks: tuple[Ask, ...]
    fairs: tuple[FairFacts, ...]
    moves: tuple[MoveFacts, ...]

    @property
    def has_news(self) -> bool:
        return bool(self.asks or self.fairs or self.moves)


def zalo_text(bulletin: Bulletin, link: str, limit: int = ZALO_LIMIT) -> str:
    """The bulletin in a few lines a chair pastes into the members' Zalo group: what buyers ask
    for, new fairs, price moves; as many lines as fit in `limit` characters with the link to
    the whole bulletin at the end (never cut)."""
    head = f"BẢN TIN THỊ TRƯỜNG tuần {bulletin.week_of:%d/%m} – {bulletin.org_name}"
    foot = f"Xem đủ: {link}"
    lines = [f"- {ask_line(a, bulletin.today)}" for a in bulletin.asks]
    lines += [f"- {fair_line(f, bulletin.today)}" for f in bulletin.fairs]
    lines += [f"- Giá {move_line(m)}" for m in bulletin.moves]
    if not lines:
        lines = ["- Tuần này chưa có tin mới về sản phẩm của hội."]
    kept: list[str] = []
    for index, line in enumerate(lines):
        left = len(lines) - index - 1
        tail = [f"- … và {left} tin khác"] if left else []
        if len("\n".join([head, *kept, line, *tail, foot])) > limit:
            break
        kept.append(line)
    dropped = len(lines) - len(kept)
    tail = [f"- … và {dropped} tin khác"] if dropped else []
    return "\n".join([head, *kept, *tail, foot])


def bulletin_path(org_id: int) -> str:
    """The bulletin page's path (the worker builds links without a request)."""
    return f"/orgs/{org_id}/bulletin"
