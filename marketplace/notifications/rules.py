"""Pure rules for telling people: when a daily digest is due, how long to wait before retrying a
mail or a Zalo/SMS notice, which topic a notice belongs to and who hears it through what, and the
words a notice makes on a phone (SMS without marks, ZNS parameters within Zalo's limits). No Flask,
no database."""

from __future__ import annotations

import unicodedata
from datetime import datetime, time, timedelta

from marketplace.dates import VIETNAM

# Mail retries: after the 1st failure wait 1 minute, then 5, 15, 60, 240; then give up.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                timedelta(hours=4))
DIGEST_HOUR = 7  # local time in Việt Nam: before the day's work starts


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try a failed mail again after `attempts` failures; None: give up."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]


def digest_slot(now: datetime, hour: int = DIGEST_HOUR) -> datetime:
    """The latest digest time (today's or yesterday's `hour` in Việt Nam) at or before `now`, in UTC."""
    local = now.astimezone(VIETNAM)
    slot = datetime.combine(local.date(), time(hour), tzinfo=VIETNAM)
    if slot > local:
        slot -= timedelta(days=1)
    return slot.astimezone(now.tzinfo)


def digest_due(now: datetime, last_sent: datetime | None, hour: int = DIGEST_HOUR) -> bool:
    """One digest a day: due when no digest went out since the latest slot."""
    return last_sent is None or last_sent < digest_slot(now, hour)


# -- topics and channels ----------------------------------------------------------------------

CHANNELS = ("bell", "mail", "zalo", "sms")  # in the order the account page shows them
PHONE_CHANNELS = ("zalo", "sms")  # sent to a confirmed phone number, through a Notifier
DEFAULT_CHANNELS = frozenset({"bell", "mail"})  # without a saved choice: as before topics existed

# Each topic gathers notice kinds by the start of their name (Notification.kind): the most specific
# start wins. Kinds that no topic names fall under "other".
TOPICS: dict[str, tuple[str, ...]] = {
    "orders": ("order_",),
    "offers": ("offer",),
    "messages": ("message",),
    "matches": ("match", "alert"),
    "members": ("member", "invitation", "household", "coop", "verification", "club"),
    "fairs": ("booth_", "meeting"),
    "tourism": ("tour_",),
    "chains": ("chain_",),
    "bulletin": ("bulletin",),  # the weekly market bulletin (market/bulletin_jobs.py): mail only
    "prices": ("price_",),
    "other": (),
}


def topic_of(kind: str) -> str:
    """The topic a notice kind belongs to ("order_new" → "orders"); "other" when none names it."""
    best, length = "other", 0
    for topic, starts in TOPICS.items():
        for start in starts:
            if kind.startswith(start) and len(start) > length:
                best, length = topic, len(start)
    return best


def parse_channels(stored: str | None) -> frozenset[str]:
    """NoticePreference.channels ("bell;zalo") as a set of known channels; unknown words are dropped."""
    return frozenset(word for word in (stored or "").split(";") if word in CHANNELS)


def format_channels(channels) -> str:
    """The stored form, in the page's order: {"zalo", "bell"} → "bell;zalo"."""
    return ";".join(channel for channel in CHANNELS if channel in set(channels))


def default_channels(mail_choice: str) -> frozenset[str]:
    """What a user hears through before choosing per topic: the bell, and mail unless they said
    no mail at all (User.mail_notifications = "off")."""
    return DEFAULT_CHANNELS if mail_choice != "off" else frozenset({"bell"})


# -- text for phones ---------------------------------------------------------------------------

SMS_LIMIT = 160  # one SMS of the GSM alphabet: Vietnamese goes without its marks to fit
_VIETNAMESE_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def unaccent(text: str) -> str:
    """Vietnamese without its marks ("Đơn hàng mới" → "Don hang moi"); quotes and dashes as ASCII,
    so that the whole SMS stays in the 7-bit alphabet (one accented letter makes it 70 characters)."""
    text = text.translate(_VIETNAMESE_LETTERS).translate(_ASCII_PUNCTUATION)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.encode("ascii", "ignore").decode("ascii")


_ASCII_PUNCTUATION = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...",
                                    "\u00a0": " ", "₫": "d"})


def fit(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` on one line, cut at a word within `limit` characters (with `ellipsis` when cut)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    room = max(limit - len(ellipsis), 0)
    cut = text[:room]
    if " " in cut[room // 2:]:  # end at a word when one ends in the second half
        cut = cut[:cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,.;:-") + ellipsis if room else text[:limit]


def sms_text(text: str, link: str = "", limit: int = SMS_LIMIT) -> str:
    """One SMS: the text without marks, cut to leave room for the link, which is never cut."""
    link = unaccent(link).strip()
    plain = unaccent(text)
    if not link:
        return fit(plain, limit, "...")
    if len(link) + 1 >= limit:  # a link too long for an SMS helps nobody
        return fit(plain, limit, "...")
    return f"{fit(plain, limit - len(link) - 1, '...')} {link}"


def international_phone(national: str) -> str:
    """The national form 0912345678 as Zalo takes it: 84912345678."""
    return "84" + national[1:] if national.startswith("0") else national


def mask_phone(phone: str) -> str:
    """For logs and error text: never a whole phone number (0912345678 → 091****678)."""
    return phone[:3] + "*" * max(len(phone) - 6, 0) + phone[-3:] if len(phone) > 6 else "***"


# -- ZNS templates -----------------------------------------------------------------------------

# The templates an operator registers with Zalo (docs/operations.md): each parameter with the
# longest value Zalo accepts for its type (customer name 30, code 30, product 200, amount 20,
# status 30, label 30). Values are cut to fit before sending; a longer one is refused by Zalo.
ZNS_TEMPLATES: dict[str, dict[str, int]] = {
    "order": {"customer_name": 30, "order_code": 30, "product": 200, "quantity": 20, "amount": 20,
              "status": 30},
    "notice": {"customer_name": 30, "topic": 30, "content": 200},
    "code": {"otp": 30},
}
ORDER_STATUS_WORDS = {  # the "status" parameter of the order template, in Vietnamese (30 at most)
    "order_new": "Đơn hàng mới", "order_reminder": "Chờ bạn trả lời", "order_confirmed": "Đã xác nhận",
    "order_declined": "Bị từ chối", "order_expired": "Đã hết hạn", "order_paid": "Đã thanh toán",
    "order_delivered": "Đã giao hàng", "order_completed": "Đã nhận hàng", "order_claim_paid": "Báo đã chuyển khoản",
    "order_cancelled": "Đã hủy", "order_refunded": "Đã hoàn tiền", "order_unapplied": "Thanh toán chưa khớp",
}
TOPIC_WORDS = {  # the "topic" parameter of the notice template
    "orders": "Đơn hàng", "offers": "Chào bán", "messages": "Tin nhắn", "matches": "Nguồn hàng phù hợp",
    "members": "Thành viên", "fairs": "Hội chợ", "tourism": "Du lịch", "chains": "Chuỗi liên kết",
    "bulletin": "Bản tin thị trường",
    "prices": "Cảnh báo giá",
    "other": "Thông báo",
}


def zns_template_for(kind: str) -> str:
    if kind == "phone_code":
        return "code"
    return "order" if kind.startswith("order_") else "notice"


def zns_params(template: str, values: dict) -> dict[str, str]:
    """The template's parameters from `values`, each cut to Zalo's limit for it; missing ones empty."""
    return {name: fit(str(values.get(name, "") or ""), limit) for name, limit in ZNS_TEMPLATES[template].items()}


def order_line(kind: str, params: dict, quantity: str, unit: str) -> str:
    """The Vietnamese sentence an order notice makes on a phone (the SMS and the ZNS content):
    "Đơn hàng mới #123: 2 tấn xoài cát Chu từ HTX Mỹ Xương." Quantity and unit come formatted."""
    number = f"#{params.get('order_id')}" if params.get("order_id") else str(params.get("ref") or "")
    title = str(params.get("title") or "").strip()
    if title[1:2].islower():  # "Xoài cát Chu" reads "xoài cát Chu" mid-sentence; "VietGAP …" stays
        title = title[:1].lower() + title[1:]
    what = " ".join(part for part in (quantity, unit, title) if part)
    buyer, seller = str(params.get("buyer") or ""), str(params.get("seller") or "")
    status = ORDER_STATUS_WORDS.get(kind, "Đơn hàng")
    if kind in ("order_new", "order_reminder", "order_paid", "order_completed", "order_claim_paid"):
        return f"{status} {number}: {what} từ {buyer}.".replace(":  từ", ": từ")
    return f"{status} {number}: {what} của {seller}."
