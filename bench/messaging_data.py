"""A busy marketplace's conversations, notices, mail and saved searches for bench_messaging.py.

On top of bench/search_data.py's clubs, buyers and listings (same seed): a supermarket with five
buyers talking with 200 clubs (2,000 threads, 20,000 messages), a small club with 20 threads,
traders and buyers talking with the other clubs (the background: the rest of the 20,000 threads and
50,000 messages), how far each member has read each thread, the notices the messages left (most of
them read), contact taps on phone numbers and Zalo links, users on the daily digest with a few
unread notices each, sent and queued mail, and saved searches such as people type them.

Rows go in with SQLAlchemy Core executemany and explicit ids, messages numbered in the order they
were written (so "after the last read id" means what it means in the app); on PostgreSQL the id
sequences are moved past the rows afterwards. A fixed seed makes every run the same data.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from marketplace.accounts.models import Membership, Organization, User
from marketplace.alerts.models import SavedSearch
from marketplace.alerts.services import canonical_query, default_name
from marketplace.db import Base
from marketplace.listings.models import Listing
from marketplace.messaging.models import ContactEvent, Conversation, ConversationMessage, ConversationRead
from marketplace.notifications.delivery import queue_mail
from marketplace.notifications.models import Notification, OutgoingMail
from marketplace.places.models import Commune
from marketplace.products.models import Product, Variety
from marketplace.search.query import read_request

SEED = 20261129
NO_LOGIN = "bench-user-without-password"  # never signs in: no Argon2 hash needed
FIRST_NAMES = ("Lan", "Hùng", "Phúc", "Hoa", "Lộc", "Tài", "Mai", "Nghĩa", "Thảo", "Minh", "Dũng", "Hạnh")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi")
ASK = ("Chào anh chị, {p} bên mình còn hàng không? Siêu thị cần khoảng {q} kg mỗi tuần.",
       "Cho em hỏi giá {p} loại 1 giao tại kho Thủ Đức là bao nhiêu ạ?",
       "Bên mình có giấy VietGAP còn hạn cho lô {p} này không anh?",
       "Tuần sau bên em lấy thêm {q} kg {p} được không chị?")
ANSWER = ("Dạ còn anh, hội quán giao được {q} kg, hàng mới thu hoạch.",
          "Giá giao tận kho là {price} đồng/kg, lấy đều thì bớt thêm anh nhé.",
          "Dạ có, chứng nhận còn hạn tới cuối năm sau, em gửi hình qua Zalo.",
          "Được chị, thứ Ba xe bên em chạy, chị xác nhận số lượng giúp em.",
          "Cảm ơn anh, em báo lại các hộ trong hội quán rồi trả lời sau.")

# Saved searches as people type them: product words with and without accents, varieties.
WORDS = ("xoài", "xoai", "xoài cát chu", "xoai cat chu", "xoài cát hòa lộc", "bưởi da xanh", "buoi da xanh",
         "bưởi", "sầu riêng ri6", "sau rieng", "sầu riêng", "quýt hồng", "quyt hong lai vung", "gạo st25",
         "gao st25", "lúa", "lua om 5451", "cá tra", "ca tra giong", "sen", "hạt sen", "thanh long ruột đỏ",
         "thanh long", "dừa xiêm", "dua xiem xanh", "khóm", "thơm", "dứa", "nhãn ido", "nhan", "mít thái",
         "chanh không hạt", "vú sữa lò rèn", "vu sua", "tôm càng xanh", "cá lóc", "chuối", "ớt chỉ thiên",
         "khoai lang tím nhật", "nấm rơm", "hoa kiểng sa đéc", "dưa hấu", "cam sành")
PROCESSED_WORDS = ("mắm cá", "mam ca", "bột sen", "mật ong", "nem lai vung", "bánh phồng tôm", "xoài sấy",
                   "hủ tiếu sa đéc")


@dataclass
class Sizes:
    listings: int = 10_000
    busy_clubs: int = 200
    busy_threads: int = 2_000
    busy_messages: int = 20_000
    small_threads: int = 20
    conversations: int = 20_000  # in all: the supermarket's, the small club's and the background
    messages: int = 70_000  # in all: the supermarket's 20,000 and the background
    traders: int = 300
    contact_events: int = 100_000
    digest_users: int = 5_000
    digest_notices: int = 5  # unread since the last digest, on average
    queued_mail: int = 5_000
    sent_mail: int = 20_000
    saved_searches: int = 5_000
    search_owners: int = 1_000

    def scaled(self, factor: float) -> Sizes:
        def s(n: int, least: int = 1) -> int:
            return max(least, int(n * factor))

        return Sizes(listings=s(self.listings, 2_000), busy_clubs=s(self.busy_clubs, 20),
                     busy_threads=s(self.busy_threads, 40), busy_messages=s(self.busy_messages, 200),
                     small_threads=self.small_threads, conversations=s(self.conversations, 200),
                     messages=s(self.messages, 600), traders=s(self.traders, 20),
                     contact_events=s(self.contact_events, 1_000), digest_users=s(self.digest_users, 100),
                     digest_notices=self.digest_notices, queued_mail=s(self.queued_mail, 100),
                     sent_mail=s(self.sent_mail, 100), saved_searches=s(self.saved_searches, 100),
                     search_owners=s(self.search_owners, 20))


@dataclass
class World:
    """Who is who in the generated data (ids), and how much of everything there is."""

    supermarket: int = 0
    supermarket_users: list[int] = field(default_factory=list)
    busy_clubs: list[int] = field(default_factory=list)
    busy_threads: list[int] = field(default_factory=list)
    small_club: int = 0
    small_user: int = 0
    club_users: dict[int, list[int]] = field(default_factory=dict)  # the busy clubs' five sellers each
    digest_users: list[int] = field(default_factory=list)
    search_owners: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    org_users: dict[int, list[int]] = field(default_factory=dict)  # every organisation's users
    buyers: list[int] = field(default_factory=list)  # buyer and trader organisations (not the supermarket)
    sellers: list[int] = field(default_factory=list)  # clubs, cooperatives and cooperative groups
    notice_rows: list[dict] = field(default_factory=list)  # gathered, then written by add_notices


def _ids(db: Session, model) -> int:
    return (db.scalar(select(func.max(model.id))) or 0) + 1


def _moment(rng: random.Random, now: datetime, days: float) -> datetime:
    return now - timedelta(seconds=rng.uniform(0, days * 86_400))


def add_people(db: Session, world: World, sizes: Sizes, rng: random.Random, now: datetime) -> None:
    """The supermarket, traders, and users for every organisation; users on the daily digest."""
    communes = list(db.scalars(select(Commune.code).where(Commune.province_code.in_(("82", "79", "92")))
                               .order_by(Commune.code)))
    org_id = _ids(db, Organization)
    orgs = [{"id": org_id, "ref": "bench-supermarket", "kind": "supermarket", "name": "Siêu thị Xanh Thủ Đức",
             "commune_code": rng.choice(communes), "address": "Kho Thủ Đức", "description": "Chuỗi siêu thị.",
             "verified": True, "is_demo": False, "created_at": now - timedelta(days=800)}]
    world.supermarket = org_id
    for i in range(sizes.traders):
        orgs.append({"id": org_id + 1 + i, "ref": f"bench-trader-{i}", "kind": "trader",
                     "name": f"Vựa {rng.choice(FAMILY)} {rng.choice(FIRST_NAMES)} {i}",
                     "commune_code": rng.choice(communes), "address": "", "description": "Thu mua theo mùa.",
                     "verified": rng.random() < 0.5, "is_demo": False,
                     "created_at": now - timedelta(days=rng.randint(30, 900))})
    db.execute(insert(Organization.__table__), orgs)

    sellers = list(db.scalars(select(Organization.id).where(Organization.ref.like("bench-org-%"))
                              .order_by(Organization.id)))
    buyers = list(db.scalars(select(Organization.id).where(
        Organization.ref.like("bench-buyer-%") | Organization.ref.like("bench-trader-%")).order_by(Organization.id)))
    with_listings = dict(db.execute(select(Listing.organization_id, func.count()).group_by(Listing.organization_id))
                         .all())
    candidates = [s for s in sellers if with_listings.get(s, 0) >= 12]
    rng.shuffle(candidates)
    world.small_club = candidates.pop()
    world.busy_clubs = sorted(candidates[:sizes.busy_clubs])

    users, members = [], []
    user_id, member_id = _ids(db, User), _ids(db, Membership)

    def person(org: int | None, role: str | None, mail: str, *, digest_at: datetime | None = None) -> int:
        nonlocal user_id, member_id
        uid = user_id
        user_id += 1
        name = f"{rng.choice(FAMILY)} {rng.choice(FIRST_NAMES)}"
        users.append({"id": uid, "email": f"bench-{uid}@example.vn", "phone": None, "name": name,
                      "password_hash": NO_LOGIN, "locale": "vi" if rng.random() < 0.9 else "en", "active": True,
                      "session_generation": 0, "mail_notifications": mail, "digest_sent_at": digest_at,
                      "created_at": now - timedelta(days=rng.randint(30, 800)), "updated_at": now})
        if org is not None:
            members.append({"id": member_id, "user_id": uid, "organization_id": org, "role": role, "title": "",
                            "created_at": now, "updated_at": now})
            member_id += 1
        return uid

    def mixed() -> str:
        return rng.choices(("instant", "daily", "off"), (60, 25, 15))[0]

    # The supermarket's five buyers and the busy clubs' five sellers all mail at once ("instant"):
    # posting to them queues five mails. Everyone else has the usual mix.
    world.supermarket_users = [person(world.supermarket, "buyer", "instant") for _ in range(5)]
    busy = set(world.busy_clubs)
    org_users: dict[int, list[int]] = {world.supermarket: world.supermarket_users}
    for org in sellers:
        if org in busy:
            org_users[org] = world.club_users[org] = [person(org, "seller", "instant") for _ in range(5)]
        else:
            org_users[org] = [person(org, "seller", mixed(), digest_at=now) for _ in range(rng.randint(1, 4))]
    for org in buyers:
        org_users[org] = [person(org, "buyer", mixed(), digest_at=now) for _ in range(rng.randint(1, 3))]
    world.small_user = org_users[world.small_club][0]
    # Due for a digest: the last one went out more than a day ago.
    world.digest_users = [person(None, None, "daily", digest_at=now - timedelta(hours=25))
                          for _ in range(sizes.digest_users)]
    for start in range(0, len(users), 5_000):
        db.execute(insert(User.__table__), users[start:start + 5_000])
    db.execute(insert(Membership.__table__), members)
    world.counts["users"], world.counts["memberships"] = len(users), len(members)
    world.counts["organizations"] = db.scalar(select(func.count()).select_from(Organization))
    world.org_users, world.buyers, world.sellers = org_users, buyers, sellers


def _spread(rng: random.Random, total: int, slots: int) -> list[int]:
    """`total` split over `slots`, each at least 1, skewed: a few long threads, many short ones."""
    counts = [1] * slots
    weights = [rng.paretovariate(1.3) for _ in range(slots)]
    for i in rng.choices(range(slots), weights, k=max(0, total - slots)):
        counts[i] += 1
    return counts


def add_conversations(db: Session, world: World, sizes: Sizes, rng: random.Random, now: datetime) -> None:
    """Threads, their messages (numbered in the order written), read marks and message notices."""
    org_users = world.org_users
    names = {p: n for p, n in db.execute(select(Product.id, Product.name_vi))}
    variety_names = {v: n for v, n in db.execute(select(Variety.id, Variety.name))}
    listings: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for lid, org, product, variety in db.execute(select(Listing.id, Listing.organization_id, Listing.product_id,
                                                        Listing.variety_id).order_by(Listing.id)):
        listings[org].append((lid, f"{names[product]} {variety_names.get(variety, '')}".strip()))

    threads: list[dict] = []  # conversation rows, with the plan of their messages
    used: set[tuple[int, int, str]] = set()

    def thread(buyer: int, seller: int, messages: int, days: float) -> int | None:
        options = [item for item in listings[seller] if (buyer, seller, f"listing:{item[0]}") not in used]
        if not options:
            return None
        listing_id, subject = rng.choice(options)
        topic = f"listing:{listing_id}"
        used.add((buyer, seller, topic))
        started = _moment(rng, now, days)
        threads.append({"id": len(threads) + 1, "buyer_org_id": buyer, "seller_org_id": seller, "topic": topic,
                        "listing_id": listing_id, "subject": subject, "created_at": started,
                        "messages": messages})
        return len(threads)

    # The supermarket: busy_threads threads over busy_clubs clubs, busy_messages messages in a year.
    per_club = _spread(rng, sizes.busy_threads, len(world.busy_clubs))
    room = [len(listings[club]) for club in world.busy_clubs]  # one thread per listing at most
    excess = sum(max(0, n - r) for n, r in zip(per_club, room, strict=True))
    per_club = [min(n, r) for n, r in zip(per_club, room, strict=True)]
    while excess:
        i = rng.randrange(len(per_club))
        if per_club[i] < room[i]:
            per_club[i] += 1
            excess -= 1
    plan = [(club, n) for club, n in zip(world.busy_clubs, per_club, strict=True)]
    busy_counts = iter(_spread(rng, sizes.busy_messages, sizes.busy_threads))
    for club, n in plan:
        for _ in range(n):
            made = thread(world.supermarket, club, next(busy_counts), 365)
            if made:
                world.busy_threads.append(made)
    # The small club: a handful of messages in each of its threads, with other buyers.
    for _ in range(sizes.small_threads):
        while thread(rng.choice(world.buyers), world.small_club, rng.randint(2, 8), 365) is None:
            pass
    # The background: the other threads and messages, over a year and a half.
    rest = max(0, sizes.conversations - len(threads))
    background_messages = max(rest, sizes.messages - sizes.busy_messages - sum(t["messages"] for t in threads
                                                                                if t["seller_org_id"]
                                                                                == world.small_club))
    sellers = [s for s in world.sellers if s != world.small_club]
    popularity = [rng.paretovariate(1.2) for _ in sellers]
    counts = _spread(rng, background_messages, rest) if rest else []
    for n in counts:
        while thread(rng.choice(world.buyers), rng.choices(sellers, popularity)[0], n, 545) is None:
            pass

    # Messages: each thread's at growing times from its start, then all numbered by time.
    messages = []
    for t in threads:
        buyer_users, seller_users = org_users[t["buyer_org_id"]], org_users[t["seller_org_id"]]
        at = t["created_at"]
        buyer_turn = True
        for k in range(t["messages"]):
            if k:
                at = min(now - timedelta(seconds=rng.randint(60, 3_600)),
                         at + timedelta(minutes=rng.expovariate(1 / 600)))
                if rng.random() < 0.7:
                    buyer_turn = not buyer_turn
            author = rng.choice(buyer_users if buyer_turn else seller_users)
            template = rng.choice(ASK if buyer_turn else ANSWER)
            body = template.format(p=t["subject"].lower(), q=rng.randint(2, 50) * 100,
                                   price=f"{rng.randint(15, 90)}.000")
            messages.append((at, t["id"], author, t["buyer_org_id"] if buyer_turn else t["seller_org_id"], body))
    messages.sort(key=lambda m: m[0])
    rows, last, authored = [], {}, defaultdict(list)
    for message_id, (at, tid, author, author_org, body) in enumerate(messages, start=_ids(db, ConversationMessage)):
        rows.append({"id": message_id, "conversation_id": tid, "author_id": author, "author_org_id": author_org,
                     "body": body, "created_at": at})
        last[tid] = (message_id, at)
        authored[tid].append((message_id, author, author_org))
    conversation_rows = []
    for t in threads:
        row = {k: v for k, v in t.items() if k != "messages"}
        row.update(last_message_at=last[t["id"]][1], started_by_id=authored[t["id"]][0][1], demand_id=None,
                   offer_id=None)
        conversation_rows.append(row)
    for start in range(0, len(conversation_rows), 5_000):
        db.execute(insert(Conversation.__table__), conversation_rows[start:start + 5_000])
    for start in range(0, len(rows), 10_000):
        db.execute(insert(ConversationMessage.__table__), rows[start:start + 10_000])

    # How far each member has read, and the message notices (one per unread stretch, most read).
    reads, notices = [], []
    busy = set(world.busy_threads)
    for t in threads:
        tid = t["id"]
        items = authored[tid]
        for org in (t["buyer_org_id"], t["seller_org_id"]):
            for uid in org_users[org]:
                roll = rng.random()
                careful = tid in busy and org == world.supermarket
                if roll < (0.01 if careful else 0.05):
                    upto = 0  # never opened
                elif roll < (0.04 if careful else 0.20):
                    upto = items[rng.randrange(len(items))][0] if len(items) > 1 else 0
                else:
                    upto = items[-1][0]
                if upto:
                    reads.append({"conversation_id": tid, "user_id": uid, "last_read_message_id": upto,
                                  "read_at": last[tid][1]})
                theirs = [m for m in items if m[2] != org]
                params = {"org": "Hội quán", "subject": t["subject"], "excerpt": "Dạ còn anh.", "conversation": tid}
                notices += [_notice(uid, "message", params, f"/inbox/{tid}", last[tid][1], read=True)
                            for _ in theirs[1::2]]
                if any(m[0] > upto and m[1] != uid for m in theirs):  # the one notice of an unread stretch
                    notices.append(_notice(uid, "message", params, f"/inbox/{tid}", last[tid][1], read=False))
    for start in range(0, len(reads), 10_000):
        db.execute(insert(ConversationRead.__table__), reads[start:start + 10_000])
    world.counts.update(conversations=len(threads), messages=len(rows), reads=len(reads),
                        busy_threads=len(world.busy_threads),
                        busy_messages=sum(t["messages"] for t in threads if t["id"] in busy))
    world.notice_rows = notices  # written with the others by add_notices


def _notice(user_id: int, kind: str, params: dict, url: str, at: datetime, *, read: bool) -> dict:
    return {"user_id": user_id, "kind": kind, "params": json.dumps(params, ensure_ascii=False), "url": url,
            "created_at": at, "read_at": at + timedelta(hours=3) if read else None}


def add_notices(db: Session, world: World, sizes: Sizes, rng: random.Random, now: datetime) -> None:
    """Match and offer notices for members (read), and the digest users' notices: about five
    unread since their last digest, twenty older ones read."""
    rows = world.notice_rows
    for uid in (u for users in world.org_users.values() for u in users):
        for _ in range(rng.randint(5, 40)):
            at = _moment(rng, now, 365)
            rows.append(_notice(uid, "match", {"side": "buyer", "demand": "Xoài cát Chu", "listing": "Xoài",
                                               "seller": "Hội quán"}, f"/demand/{rng.randint(1, 999)}#matches",
                                at, read=rng.random() < 0.97))
    for uid in world.digest_users:
        for _ in range(20):
            rows.append(_notice(uid, "alert", {"search": "xoài", "title": "Xoài cát Chu"},
                                f"/listings/{rng.randint(1, sizes.listings)}", _moment(rng, now - timedelta(days=2),
                                                                                      300), read=True))
        for _ in range(max(1, round(rng.gauss(sizes.digest_notices, 2)))):
            kind = rng.choice(("alert", "match", "message", "offer"))
            params = {"search": "xoài cát chu", "title": "Xoài cát Chu", "demand": "Bưởi da xanh",
                      "listing": "Bưởi da xanh", "seller": "Hội quán Bưởi Mỹ Hòa", "buyer": "Siêu thị Xanh",
                      "org": "Hội quán Bưởi Mỹ Hòa", "subject": "Bưởi da xanh loại 1",
                      "excerpt": "Dạ còn anh, hội quán giao được 500 kg.", "quantity": "500 kg", "side": "buyer"}
            rows.append(_notice(uid, kind, params, f"/listings/{rng.randint(1, sizes.listings)}",
                                _moment(rng, now, 0.95), read=False))
    rng.shuffle(rows)
    rows.sort(key=lambda r: r["created_at"])
    for start in range(0, len(rows), 10_000):
        db.execute(insert(Notification.__table__), rows[start:start + 10_000])
    world.counts["notifications"] = len(rows)
    world.counts["unread_notifications"] = sum(1 for r in rows if r["read_at"] is None)
    world.notice_rows = []


def add_contacts(db: Session, world: World, sizes: Sizes, rng: random.Random, now: datetime) -> None:
    """Taps on sellers' phone numbers and Zalo links over a year and a half; a fifth by people
    who act for no organisation."""
    org_users = world.org_users
    askers = [(org, uid) for org in world.buyers for uid in org_users[org]]
    askers += [(world.supermarket, uid) for uid in world.supermarket_users]
    loners = world.digest_users or [u for _, u in askers]
    sellers = world.sellers
    popularity = [rng.paretovariate(1.2) for _ in sellers]
    listing_ids = defaultdict(list)
    for lid, org in db.execute(select(Listing.id, Listing.organization_id)):
        listing_ids[org].append(lid)
    rows = []
    for to_org in rng.choices(sellers, popularity, k=sizes.contact_events):
        if rng.random() < 0.2:
            org, uid = None, rng.choice(loners)
        else:
            org, uid = rng.choice(askers)
        rows.append({"channel": "phone" if rng.random() < 0.6 else "zalo", "user_id": uid, "from_org_id": org,
                     "to_org_id": to_org, "listing_id": rng.choice(listing_ids[to_org])
                     if listing_ids[to_org] and rng.random() < 0.7 else None, "demand_id": None,
                     "created_at": _moment(rng, now, 545)})
    rows.sort(key=lambda r: r["created_at"])
    for start in range(0, len(rows), 10_000):
        db.execute(insert(ContactEvent.__table__), rows[start:start + 10_000])
    world.counts["contact_events"] = len(rows)


def add_sent_mail(db: Session, world: World, sizes: Sizes, rng: random.Random, now: datetime) -> None:
    """Mail already sent (the history the queue's index walks past)."""
    users = [u for users in world.org_users.values() for u in users]
    rows = []
    for _ in range(sizes.sent_mail):
        at = _moment(rng, now, 90)
        uid = rng.choice(users)
        rows.append({"user_id": uid, "to": f"bench-{uid}@example.vn", "subject": "Tin nhắn mới", "body": "…",
                     "headers": "{}", "kind": "notice", "created_at": at, "next_attempt_at": at,
                     "claimed_until": None, "attempts": 1, "sent_at": at + timedelta(seconds=2), "failed_at": None,
                     "last_error": ""})
    for start in range(0, len(rows), 10_000):
        db.execute(insert(OutgoingMail.__table__), rows[start:start + 10_000])


def queue_notice_mail(db: Session, world: World, count: int, rng: random.Random) -> int:
    """`count` instant-notice mails in the queue, made by queue_mail as notify makes them."""
    users = {u.id: u for u in db.scalars(select(User).where(User.mail_notifications == "instant"))}
    chosen = rng.choices(list(users.values()), k=count)
    for user in chosen:
        with force_locale(user.locale or "vi"):
            queue_mail(db, user, "Tin nhắn mới từ Hội quán Xoài Mỹ Xương: Xoài cát Chu loại 1",
                       "Hội quán Xoài Mỹ Xương viết về “Xoài cát Chu loại 1”:\n\nDạ còn anh, hội quán giao được "
                       "800 kg, hàng mới thu hoạch.\n\nTrả lời ở đây:\n\nhttps://chohoiquan.vn/inbox/12")
    db.flush()
    return len(chosen)


def saved_search_queries(rng: random.Random, count: int, communes: list[str]) -> list[tuple[str, str]]:
    """(canonical query, name) pairs as people save them: mostly product words (with or without
    accents, often with a variety), some with a certificate, a commune, OCOP stars, a price cap,
    listings only or planting codes; a few with filters and no words."""
    out = []
    while len(out) < count:
        args = MultiDict()
        roll = rng.random()
        if roll < 0.12:
            args["q"] = rng.choice(PROCESSED_WORDS)
            if rng.random() < 0.6:
                args["min_ocop"] = rng.choice(("3", "3", "4"))
        elif roll < 0.95:
            args["q"] = rng.choice(WORDS)
        else:
            args["category"] = rng.choice(("fruit", "rice", "aquatic"))
        if rng.random() < 0.30:
            args["certificate"] = rng.choices(("vietgap", "globalgap", "organic"), (8, 1, 1))[0]
        if rng.random() < 0.15:
            args["commune"] = rng.choice(communes)
        if rng.random() < 0.40:
            args["type"] = "listing"
        if rng.random() < 0.08:
            args["price_max"] = str(rng.choice((20_000, 30_000, 50_000, 100_000)))
        if rng.random() < 0.05:
            args["has_planting_code"] = "1"
        query = canonical_query(args)
        request, problems = read_request(MultiDict(list(MultiDict(args).items(multi=True))))
        if not problems and (not request.parsed.empty or request.active_filters or request.type):
            out.append((query, default_name(args)))
    return out


def add_saved_searches(db: Session, world: World, sizes: Sizes, count: int, rng: random.Random, now: datetime,
                       already: int = 0) -> int:
    """Saved searches number already+1 … count, spread over sizes.search_owners buyers and
    other users (at most 20 each, alerts.MAX_PER_USER), saved in the last six months."""
    if not world.search_owners:
        org_users = world.org_users
        buyers = [u for org in [world.supermarket, *world.buyers] for u in org_users[org]]
        pool = buyers + world.digest_users
        world.search_owners = rng.sample(pool, min(len(pool), sizes.search_owners))
    if count > 20 * len(world.search_owners):
        raise ValueError(f"{count} saved searches for {len(world.search_owners)} owners, 20 at most each")
    communes = list(db.scalars(select(Commune.code).where(Commune.province_code == "82").order_by(Commune.code)))
    queries = saved_search_queries(random.Random(SEED + 7), count, communes)[already:]
    owned: dict[int, int] = defaultdict(int)
    for owner, n in db.execute(select(SavedSearch.user_id, func.count()).group_by(SavedSearch.user_id)):
        owned[owner] = n
    rows = []
    for query, name in queries:
        owner = rng.choice(world.search_owners)
        while owned[owner] >= 20:
            owner = rng.choice(world.search_owners)
        owned[owner] += 1
        rows.append({"user_id": owner, "name": name, "query": query, "created_at": _moment(rng, now, 180)})
    if rows:
        db.execute(insert(SavedSearch.__table__), rows)
    return len(rows)


def fix_sequences(db: Session) -> None:
    """PostgreSQL: move every id sequence past the rows inserted with explicit ids."""
    if db.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            db.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false) "
                            f"WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL"))


def generate(db: Session, sizes: Sizes, today: date, now: datetime | None = None) -> World:
    """Everything but the listings (search_data.generate first); the caller commits."""
    now = now or datetime.now(UTC)
    rng = random.Random(SEED)
    world = World()
    add_people(db, world, sizes, rng, now)
    add_conversations(db, world, sizes, rng, now)
    add_notices(db, world, sizes, rng, now)
    add_contacts(db, world, sizes, rng, now)
    add_sent_mail(db, world, sizes, rng, now)
    fix_sequences(db)
    return world
