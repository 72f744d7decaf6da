"""Conversations, notices, mail and saved-search alerts at scale (issue #7).

Generates a marketplace (listings, clubs, buyers and credentials from bench/search_data.py) with a
year of conversations and everything around them (bench/messaging_data.py: a supermarket with
2,000 threads with 200 clubs and 20,000 messages, a small club with 20 threads, 50,000 more
messages among other organisations, 20,000 threads in all, read marks, 100,000 contact taps, notices,
5,000 users due for a digest, sent mail, up to 5,000 saved searches) in a fresh SQLite file, and
with --database-url also in a private schema of that PostgreSQL database (dropped after). Times:

1. the header and the inbox, as a page computes them in a new session: `unread_threads` (the inbox
   badge, on every page for a signed-in user), `unread_count` (the bell), `threads_for` (the inbox),
   for a buyer of the supermarket and for a member of the small club;
2. `post_message` with its notices and queued mail (the other side has five members who all take
   mail at once), both ways between the supermarket and its clubs; its commit apart;
3. mail: `deliver_due` rounds over 5,000 queued notices with the MemoryMailer (mails per second),
   `send_digests` for 5,000 users due a digest (about five unread notices each), then their delivery;
4. saved-search alerts: `alert_new` for a batch of 1, 50 and 500 changed listings against 100, 1,000
   and 5,000 saved searches (rolled back after each run), the part that does not depend on the
   saved searches (reading the documents, building the in-memory index) timed apart, and where the
   time goes under cProfile;
5. `contact_stats` for the last 30 days and the last year.

Prints the tables and refreshes the generated parts of the "Conversations, mail and alerts"
section of docs/performance.md (one per database measured; not with --quick or --no-doc).

    .venv/bin/python bench/bench_messaging.py            # SQLite, about 5 minutes (half of it in send_digests
                                                         # and the 500-listing alerts: see docs/performance.md)
    .venv/bin/python bench/bench_messaging.py --database-url postgresql://postgres@127.0.0.1:5432/test
                                                         # then PostgreSQL too: 11-12 minutes in all
    .venv/bin/python bench/bench_messaging.py --quick    # a tenth of everything, under a minute, no doc
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import logging
import os
import pstats
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import messaging_data  # noqa: E402  (the generators beside this file)
import search_data  # noqa: E402
from bench_search import Timing  # noqa: E402
from machine import processor  # noqa: E402  # bench/ is on the path from here

from marketplace import create_app, db, schema  # noqa: E402
from marketplace.accounts.models import User  # noqa: E402
from marketplace.alerts import services as alerts  # noqa: E402
from marketplace.dates import today_in_vietnam  # noqa: E402
from marketplace.listings.models import Listing  # noqa: E402
from marketplace.messaging import conversations, leads, reading  # noqa: E402
from marketplace.messaging.models import Conversation  # noqa: E402
from marketplace.notifications import delivery  # noqa: E402
from marketplace.notifications import services as notifications  # noqa: E402
from marketplace.notifications.models import Notification, OutgoingMail  # noqa: E402
from marketplace.search.backend import WhooshBackend  # noqa: E402
from marketplace.search.documents import documents_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Conversations, mail and alerts"
BATCHES = (1, 50, 500)
REPLY = "Dạ em gửi báo giá tuần này: 28.000 đồng/kg, giao thứ Ba tại kho Thủ Đức. Anh chị xác nhận giúp em."
SEARCHES = (100, 1_000, 5_000)
PROFILE_GROUPS = (  # (label, file suffix, function name): cumulative time under cProfile
    ("reading the changed documents (`documents_for`)", "search/documents.py", "documents_for"),
    ("building the in-memory index (`WhooshBackend.rebuild`)", "search/store.py", "rebuild"),
    ("loading the saved searches and their owners", "alerts/services.py", "alert_new:select"),
    ("parsing each saved query (`request_of`)", "alerts/services.py", "request_of"),
    ("searching the batch (`WhooshBackend.search`)", "search/backend.py", "search"),
    ("… of which “did you mean” for searches that found nothing", "search/backend.py", "_did_you_mean"),
    ("… of which highlighting the hits", "search/highlight.py", "highlight"),
    ("attributes of the rows, with the owners' memberships (a query per owner)", "alerts/services.py",
     "alert_new:memberships"),
    ("remembering each hit (`SAVEPOINT`, insert, `RELEASE`)", "alerts/services.py", "alert_new:savepoint"),
    ("notices and mail (`notify`)", "notifications/services.py", "notify"),
)


# -- databases ----------------------------------------------------------------------------------

@dataclass
class Database:
    label: str  # SQLite, PostgreSQL
    url: str
    version: str = ""


def _schema_name() -> str:
    return f"chq_benchmessaging_{os.getpid()}"


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory(prefix="bench-messaging-") as folder:
        yield Database("SQLite", f"sqlite:///{Path(folder) / 'marketplace.db'}", f"SQLite {sqlite3.sqlite_version}")


@contextmanager
def postgres_database(url: str) -> Iterator[Database]:
    """A private schema of the given database, first on the search path; dropped afterwards
    (tests/database.py does the same; its name ends in this process's id, like the tests')."""
    name = _schema_name()
    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {name}"))
        version = connection.scalar(text("SHOW server_version"))
    separator = "&" if "?" in url else "?"
    try:
        yield Database("PostgreSQL", f"{url}{separator}options=-csearch_path%3D{name}",
                       f"PostgreSQL {version.split()[0]}")
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        engine.dispose()


# -- the report ---------------------------------------------------------------------------------

@dataclass
class Report:
    database: str
    sizes: messaging_data.Sizes
    world: messaging_data.World | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    timings: dict[str, Timing] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)
    alerts: dict[tuple[int, int], dict] = field(default_factory=dict)  # (searches, batch) -> figures
    fixed: dict[int, Timing] = field(default_factory=dict)  # batch -> documents_for + rebuild, ms
    profiles: dict[int, dict[str, float]] = field(default_factory=dict)  # batch -> part -> seconds
    profile_searches: int = 0
    profile_top: dict[int, list[tuple[str, float, float, int]]] = field(default_factory=dict)
    load: list[float] = field(default_factory=list)
    version: str = ""  # the code measured

    def timing(self, name: str) -> Timing:
        return self.timings.setdefault(name, Timing())


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def fresh(session, user_id: int) -> User:
    """A new request: an empty session, the signed-in user and their memberships loaded (Flask-Login
    and the header's other parts do that before the measured call)."""
    session.close()
    user = session.get(User, user_id)
    _ = [m.organization_id for m in user.memberships]
    return user


# -- 1. the header and the inbox -------------------------------------------------------------------

def measure_header(report: Report, session, reps: int) -> None:
    """As on a GET page: the transaction only reads (on SQLite it begins DEFERRED)."""
    with db.reading():
        _measure_header(report, session, reps)


def _measure_header(report: Report, session, reps: int) -> None:
    world = report.world
    for who, user_id in (("busy", world.supermarket_users[0]), ("small", world.small_user)):
        for name, call in (("unread_threads", reading.unread_threads), ("unread_count", notifications.unread_count),
                           ("threads_for", reading.threads_for)):
            for i in range(reps + 3):  # three warm-up calls
                user = fresh(session, user_id)
                start = time.perf_counter()
                result = call(session, user)
                elapsed = _ms(start)
                if i >= 3:
                    report.timing(f"{who}:{name}").samples.append(elapsed)
            report.values[f"{who}:{name}"] = len(result) if isinstance(result, list) else result
        user = fresh(session, user_id)
        report.values[f"{who}:threads"] = session.scalar(
            select(func.count()).select_from(Conversation).where(reading._party_filter(user)))
        print(f"  header, {who}: unread_threads p50 {report.timing(f'{who}:unread_threads').p50:.1f} ms, "
              f"unread_count {report.timing(f'{who}:unread_count').p50:.1f} ms, "
              f"threads_for {report.timing(f'{who}:threads_for').p50:.1f} ms", flush=True)
    session.close()


# -- 2. posting --------------------------------------------------------------------------------------

def measure_posting(report: Report, session, reps: int, rng: random.Random) -> None:
    world = report.world
    threads = rng.sample(world.busy_threads, min(len(world.busy_threads), 2 * reps))
    cases = (("to the club", threads[:reps], lambda c: world.supermarket_users[0]),
             ("to the supermarket", threads[reps:], lambda c: world.club_users[c.seller_org_id][0]))
    for label, chosen, author in cases:
        notices_before = session.scalar(select(func.count()).select_from(Notification))
        mail_before = session.scalar(select(func.count()).select_from(OutgoingMail))
        for thread_id in chosen:
            session.close()
            conversation = session.get(Conversation, thread_id)
            user = fresh(session, author(conversation))
            conversation = session.get(Conversation, thread_id)
            start = time.perf_counter()
            conversations.post_message(session, user, conversation, REPLY)
            report.timing(f"post:{label}").samples.append(_ms(start))
            start = time.perf_counter()
            session.commit()
            report.timing(f"post commit:{label}").samples.append(_ms(start))
        n = max(1, len(chosen))
        report.values[f"post notices:{label}"] = (session.scalar(select(func.count()).select_from(Notification))
                                                  - notices_before) / n
        report.values[f"post mails:{label}"] = (session.scalar(select(func.count()).select_from(OutgoingMail))
                                                - mail_before) / n
        print(f"  post_message {label}: p50 {report.timing(f'post:{label}').p50:.1f} ms, "
              f"p95 {report.timing(f'post:{label}').p95:.1f} ms", flush=True)
    session.execute(OutgoingMail.__table__.update().where(OutgoingMail.sent_at.is_(None))
                    .values(sent_at=datetime.now(UTC)))  # out of the way of the delivery figures
    session.commit()


# -- 3. mail ----------------------------------------------------------------------------------------

def deliver_all(report: Report, session, name: str, app) -> None:
    """deliver_due calls (one per worker round; each sends what it may) until the queue is empty."""
    mailer = app.extensions["mailer"]
    mailer.outbox.clear()
    now = datetime.now(UTC) + timedelta(seconds=1)
    sent, start = 0, time.perf_counter()
    while True:
        round_start = time.perf_counter()
        result = delivery.deliver_due(session, now, commit=session.commit)
        if not result.sent:
            break
        report.timing(f"{name} round").samples.append(_ms(round_start))
        sent += result.sent
    report.seconds[name] = time.perf_counter() - start
    report.values[f"{name} sent"] = sent
    assert len(mailer.outbox) == sent, (len(mailer.outbox), sent)
    mailer.outbox.clear()
    session.close()


def measure_mail(report: Report, session, app, rng: random.Random) -> None:
    sizes = report.sizes
    messaging_data.queue_notice_mail(session, report.world, sizes.queued_mail, rng)
    session.commit()
    session.close()
    deliver_all(report, session, "deliver", app)
    print(f"  deliver_due: {report.values['deliver sent']:,.0f} mails in {report.seconds['deliver']:.1f} s "
          f"({report.values['deliver sent'] / report.seconds['deliver']:,.0f} per second)", flush=True)
    now = datetime.now(UTC)
    start = time.perf_counter()
    report.values["digests"] = delivery.send_digests(session, now)
    report.seconds["send_digests"] = time.perf_counter() - start
    start = time.perf_counter()
    session.commit()
    report.seconds["send_digests commit"] = time.perf_counter() - start
    session.close()
    print(f"  send_digests: {report.values['digests']:,.0f} digests queued in {report.seconds['send_digests']:.1f} s",
          flush=True)
    deliver_all(report, session, "deliver digests", app)
    print(f"  deliver_due (digests): {report.values['deliver digests sent']:,.0f} mails in "
          f"{report.seconds['deliver digests']:.1f} s", flush=True)


# -- 4. saved-search alerts ----------------------------------------------------------------------

def _batch(rng: random.Random, size: int, pool: list[int]) -> set[tuple[str, int]]:
    """`size` changed listings, as the search outbox hands them to alerts.follow."""
    return {("listing", listing_id) for listing_id in rng.sample(pool, size)}


def measure_alerts(report: Report, session, reps: dict[int, dict[int, int]], searches: tuple[int, ...],
                   rng: random.Random, profile: int) -> None:
    today = today_in_vietnam()
    now = datetime.now(UTC)
    pool = list(session.scalars(select(Listing.id).where(Listing.status == "published").order_by(Listing.id)))
    for batch in BATCHES:  # the part that does not depend on the saved searches
        for _ in range(reps[searches[0]][batch]):
            keys = _batch(rng, batch, pool)
            session.close()
            start = time.perf_counter()
            documents = {d: doc for d, doc in documents_for(session, keys).items() if doc is not None}
            WhooshBackend(None).rebuild(documents.values())
            report.fixed.setdefault(batch, Timing()).samples.append(_ms(start))
    saved, first = 0, True
    for count in searches:
        saved += messaging_data.add_saved_searches(session, report.world, report.sizes, count, rng, now,
                                                    already=saved)
        session.commit()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE saved_searches"))
            session.commit()
        for batch in BATCHES:
            figures = report.alerts.setdefault((count, batch), {"timing": Timing(), "alerts": [], "gc": 0.0})
            warm_up = 1 if first else 0
            first = False
            for i in range(reps[count][batch] + warm_up):
                keys = _batch(rng, batch, pool)
                session.close()
                start = time.perf_counter()
                sent = alerts.alert_new(session, keys, today)
                elapsed = _ms(start)
                session.rollback()
                if i < warm_up:
                    continue
                figures["timing"].samples.append(elapsed)
                figures["alerts"].append(sent)
            print(f"  alert_new, {count:,} saved searches, batch of {batch}: p50 {figures['timing'].p50:,.0f} ms "
                  f"({statistics.fmean(figures['alerts']):,.0f} alerts)", flush=True)
        if count == profile:
            for batch in (1, 50):
                profile_alerts(report, session, count, batch, pool, rng, today)
    session.close()


def profile_alerts(report: Report, session, searches: int, batch: int, pool: list[int], rng: random.Random,
                   today) -> None:
    keys = _batch(rng, batch, pool)
    session.close()
    profiler = cProfile.Profile()
    profiler.enable()
    alerts.alert_new(session, keys, today)
    profiler.disable()
    session.rollback()
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    total = sum(v[2] for v in stats.values())

    def cumulative(suffix: str, name: str) -> float:
        return sum(v[3] for (path, _, fn), v in stats.items() if fn == name and path.endswith(suffix))

    def called_from(suffix: str, caller: str, callee: str) -> float:
        """Cumulative time of `callee` when called directly from `caller` (in `suffix`)."""
        seconds = 0.0
        for (_path, _, fn), v in stats.items():
            if fn != callee:
                continue
            for (cpath, _, cfn), cv in v[4].items():
                if cfn == caller and cpath.endswith(suffix):
                    seconds += cv[3]
        return seconds

    for label, suffix, name in PROFILE_GROUPS:
        if name == "alert_new:select":  # the query of saved searches and owners, and its rows
            value = called_from(suffix, "alert_new", "execute") + called_from(suffix, "alert_new", "all")
        elif name == "alert_new:memberships":  # owner.memberships: a lazy load the first time
            value = called_from(suffix, "alert_new", "__get__")
        elif name == "alert_new:savepoint":  # `with db.begin_nested()`: opened, then flushed and released
            value = called_from(suffix, "alert_new", "begin_nested") + called_from(suffix, "alert_new", "__exit__")
        else:
            value = cumulative(suffix, name)
        report.profiles.setdefault(batch, {})[label] = value
    report.profiles[batch]["in all (`alert_new`)"] = cumulative("alerts/services.py", "alert_new") or total
    report.profile_searches = searches
    top = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:10]
    report.profile_top[batch] = [(f"{Path(path).parent.name}/{Path(path).name}:{fn}" if path != "~" else fn,
                           v[2], v[3], v[1]) for (path, _, fn), v in top]


# -- 5. contact statistics ------------------------------------------------------------------------

def measure_contacts(report: Report, session, reps: int) -> None:
    with db.reading():  # the staff page is a GET
        _measure_contacts(report, session, reps)


def _measure_contacts(report: Report, session, reps: int) -> None:
    now = datetime.now(UTC)
    for label, days in (("30 days", 30), ("1 year", 365)):
        for i in range(reps + 1):
            session.close()
            start = time.perf_counter()
            stats = leads.contact_stats(session, now - timedelta(days=days), now)
            if i:
                report.timing(f"contacts:{label}").samples.append(_ms(start))
        report.values[f"contacts:{label}"] = stats
        print(f"  contact_stats, {label}: p50 {report.timing(f'contacts:{label}').p50:.0f} ms", flush=True)
    session.close()


# -- the run ------------------------------------------------------------------------------------------

@dataclass
class Plan:
    sizes: messaging_data.Sizes
    header_reps: int = 50
    post_reps: int = 50
    contact_reps: int = 10
    # runs of alert_new per (saved searches, batch); the first size also gets one warm-up run
    alert_reps: dict[int, dict[int, int]] = field(default_factory=lambda: {
        100: {1: 10, 50: 5, 500: 3}, 1_000: {1: 3, 50: 2, 500: 1}, 5_000: {1: 3, 50: 2, 500: 1}})
    searches: tuple[int, ...] = SEARCHES
    profile: int = 1_000  # saved searches when alert_new runs under cProfile (batches of 1 and 50)


def run(database: Database, plan: Plan) -> Report:
    report = Report(database=database.version, sizes=plan.sizes, version=code_version())
    report.load.append(os.getloadavg()[0])
    rng = random.Random(messaging_data.SEED + 1)
    today = today_in_vietnam()
    app = create_app({"APP_ENV": "testing", "SECRET_KEY": "bench" * 8, "DATABASE_URL": database.url,
                      "SEARCH_INDEX_DIR": "memory://", "MAIL_URL": "memory://",
                      "PUBLIC_URL": "https://chohoiquan.vn"})
    engine = db.get_engine(app)
    try:
        schema.upgrade(engine)
        with app.app_context():
            session = db.session
            schema.load_reference_data(session)
            session.commit()
            start = time.perf_counter()
            search_data.generate(session, plan.sizes.listings, today)
            report.world = messaging_data.generate(session, plan.sizes, today)
            session.commit()
            if engine.dialect.name == "postgresql":  # what autovacuum does soon after such a load
                session.execute(text("ANALYZE"))
                session.commit()  # (SQLite: the app never runs ANALYZE, so neither does this)
            report.seconds["generate"] = time.perf_counter() - start
            c = report.world.counts
            print(f"{database.label}: generated {plan.sizes.listings:,} listings, {c['organizations']:,} "
                  f"organisations, {c['users']:,} users, {c['conversations']:,} threads, {c['messages']:,} "
                  f"messages, {c['notifications']:,} notices, {c['contact_events']:,} contact taps in "
                  f"{report.seconds['generate']:.1f} s", flush=True)
            gc.collect()
            measure_header(report, session, plan.header_reps)
            measure_posting(report, session, plan.post_reps, rng)
            measure_contacts(report, session, plan.contact_reps)
            measure_mail(report, session, app, rng)
            measure_alerts(report, session, plan.alert_reps, plan.searches, rng, plan.profile)
            session.close()
    finally:
        engine.dispose()
    report.load.append(os.getloadavg()[0])
    return report


# -- reporting --------------------------------------------------------------------------------------

def code_version() -> str:
    """The commit measured, and whether the app's code differed from it (others work in this tree)."""
    git = shutil.which("git")
    try:
        if git is None:
            raise OSError("no git")
        # Fixed arguments, no input from anywhere: S603 does not apply.
        head = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT,  # noqa: S603
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run([git, "status", "--porcelain", "--", "marketplace"], cwd=ROOT,  # noqa: S603
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "code version unknown"
    return f"code at {head}" + (" with uncommitted changes in marketplace/" if dirty else "")


def machine(reports: list[Report]) -> str:
    databases = ", ".join(r.database for r in reports)
    return (f"{processor()}, SQLAlchemy {metadata.version('sqlalchemy')}, "
            f"whoosh3 {metadata.version('whoosh3')}, {databases}")


def _pp(timing: Timing, digits: int = 1) -> str:
    return f"{timing.p50:,.{digits}f} / {timing.p95:,.{digits}f}" if timing.samples else "—"


def tables(report: Report) -> str:
    w, s, v, t = report.world, report.sizes, report.values, report.timings
    c = w.counts
    lines = [
        f"Data: {s.listings:,} listings, {c['organizations']:,} organisations, {c['users']:,} users; "
        f"{c['conversations']:,} threads with {c['messages']:,} messages (the supermarket: {c['busy_threads']:,} "
        f"threads with {len(w.busy_clubs)} clubs, {c['busy_messages']:,} messages), {c['reads']:,} read marks, "
        f"{c['notifications']:,} notices ({c['unread_notifications']:,} unread), {c['contact_events']:,} contact "
        f"taps, {s.sent_mail:,} mails sent before. Generated in {report.seconds['generate']:.0f} s.",
        "",
        "| Measure (ms, p50 / p95 unless stated) | Supermarket buyer | Small-club seller |",
        "|---|---:|---:|",
        f"| Threads the user is a party to · with unread messages | {v['busy:threads']:,.0f} · "
        f"{v['busy:unread_threads']:,.0f} | {v['small:threads']:,.0f} · {v['small:unread_threads']:,.0f} |",
        f"| Inbox badge on every page (`unread_threads`) | **{_pp(t['busy:unread_threads'])}** | "
        f"{_pp(t['small:unread_threads'])} |",
        f"| Bell on every page (`unread_count`; {v['busy:unread_count']:,.0f} and {v['small:unread_count']:,.0f} "
        f"unread) | {_pp(t['busy:unread_count'])} | {_pp(t['small:unread_count'])} |",
        f"| Inbox page's list (`threads_for`, {v['busy:threads_for']:,.0f} and {v['small:threads_for']:,.0f} "
        f"threads) | **{_pp(t['busy:threads_for'])}** | {_pp(t['small:threads_for'])} |",
        "",
        f"Each call in a new session, with the user and memberships loaded; {len(t['busy:unread_threads'].samples)} "
        "calls after 3 warm-up calls.",
        "",
        "| Measure | Figure |",
        "|---|---:|",
    ]
    for label, other in (("to the club", "the club's"), ("to the supermarket", "the supermarket's")):
        lines.append(f"| `post_message` {label} (notices {v[f'post notices:{label}']:.1f}, mails "
                     f"{v[f'post mails:{label}']:.1f} per post for {other} 5 members), p50 / p95 · its commit | "
                     f"**{_pp(t[f'post:{label}'])} ms** · {_pp(t[f'post commit:{label}'])} ms |")
    d, dd = report.seconds["deliver"], report.seconds["deliver digests"]
    per_digest = report.seconds["send_digests"] / max(1, v["digests"]) * 1000
    per_round = v["deliver sent"] / max(1, len(t["deliver round"].samples))
    lines += [
        f"| `deliver_due` until the queue is empty: {v['deliver sent']:,.0f} queued notices | **{d:.1f} s, "
        f"{v['deliver sent'] / d:,.0f} mails/s** (one call, a worker round: {per_round:,.0f} mails, "
        f"{_pp(t['deliver round'], 0)} ms) |",
        f"| `send_digests` for {v['digests']:,.0f} users due a digest (≈ {s.digest_notices} unread notices each) "
        f"· its commit | **{report.seconds['send_digests']:.1f} s** ({per_digest:.1f} ms per user) · "
        f"{report.seconds['send_digests commit']:.1f} s |",
        f"| … then `deliver_due` of the {v['deliver digests sent']:,.0f} digests | {dd:.1f} s, "
        f"{v['deliver digests sent'] / dd:,.0f} mails/s |",
    ]
    for label in ("30 days", "1 year"):
        stats = v[f"contacts:{label}"]
        lines.append(f"| `contact_stats`, the last {label} ({stats.conversations:,} threads, {stats.messages:,} "
                     f"messages, {stats.phone_taps + stats.zalo_taps:,} taps, {stats.sellers_reached:,} sellers) | "
                     f"**{_pp(t[f'contacts:{label}'], 0)} ms** |")
    searches = sorted({k[0] for k in report.alerts})
    runs = "; ".join(f"{n:,} saved searches: " + ", ".join(
        str(len(report.alerts[(n, b)]["timing"].samples)) for b in BATCHES) for n in searches)
    lines += ["", "Saved-search alerts: `alert_new` for a batch of changed listings (rolled back after each run), "
              "ms p50 / p95 (alerts sent per run, mean); per saved search: (p50 − the fixed part's p50) ÷ saved "
              f"searches, µs, at the largest size. Runs per cell (batches of 1, 50, 500), after one warm-up: {runs}; "
              "with fewer than 20 runs, p95 is the slowest run.", "",
              "| Batch | Fixed part (read the documents, build the index) | "
              + " | ".join(f"{n:,} saved searches" for n in searches) + " | per saved search |",
              "|---|---:|" + "---:|" * len(searches) + "---:|"]
    for batch in BATCHES:
        cells = []
        for n in searches:
            figures = report.alerts.get((n, batch))
            if figures is None or not figures["timing"].samples:
                cells.append("—")
                continue
            cells.append(f"{_pp(figures['timing'], 0)} ({statistics.fmean(figures['alerts']):,.0f})")
        biggest = report.alerts.get((searches[-1], batch))
        per = ((biggest["timing"].p50 - report.fixed[batch].p50) / searches[-1] * 1000) if biggest else 0
        lines.append(f"| {batch} listing{'s' if batch > 1 else ''} | {_pp(report.fixed[batch], 0)} | "
                     + " | ".join(cells) + f" | {per:,.0f} |")
    if report.profiles:
        batches = sorted(report.profiles)
        lines += ["", f"Where the time of one `alert_new` goes ({report.profile_searches:,} saved searches), under "
                  "cProfile (cumulative ms; the profiler adds about half again):", "",
                  "| Part | " + " | ".join(f"batch of {b}" for b in batches) + " |",
                  "|---|" + "---:|" * len(batches)]
        for label in report.profiles[batches[0]]:
            cells = []
            for b in batches:
                seconds, total = report.profiles[b][label], report.profiles[b]["in all (`alert_new`)"] or 1
                cells.append(f"{seconds * 1000:,.0f} ({seconds / total:.0%})")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        for b in batches:
            lines += ["", f"Most internal time, batch of {b} (own / cumulative ms, calls): " + "; ".join(
                f"`{name}` {own * 1000:,.0f} / {cum * 1000:,.0f} ({calls:,})"
                for name, own, cum, calls in report.profile_top[b][:6]) + "."]
    return "\n".join(lines)


BEGIN, END = "<!-- bench_messaging:{}:begin -->", "<!-- bench_messaging:{}:end -->"


def section(report: Report, argv: list[str], reports: list[Report]) -> str:
    key = report.database.split()[0].lower()
    stamp = datetime.now().strftime("%Y-%m-%d")
    command = " ".join(["bench/bench_messaging.py", *argv]).strip()
    load = " and ".join(f"{x:.1f}" for x in report.load)
    return "\n".join([BEGIN.format(key), f"#### {report.database.split()[0]}", "",
                      f"_Generated by `{command}` on {stamp} ({report.version}); {machine([report])}; load average "
                      f"{load} at the start and the end of this database's run._", "", tables(report), END.format(key)])


def write_doc(reports: list[Report], argv: list[str]) -> None:
    text_ = DOC.read_text() if DOC.exists() else "# Performance\n"  # re-read just before writing
    for report in reports:
        key = report.database.split()[0].lower()
        begin, end = BEGIN.format(key), END.format(key)
        generated = section(report, argv, reports)
        if begin in text_ and end in text_:
            text_ = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _, g=generated: g, text_, count=1,
                           flags=re.S)
        elif SECTION in text_:  # after the section's last generated block, or at its end
            start = text_.index(SECTION)
            following = text_.find("\n## ", start + len(SECTION))
            stop = following if following != -1 else len(text_)
            text_ = text_[:stop].rstrip("\n") + "\n\n" + generated + "\n" + text_[stop:]
        else:
            text_ = text_.rstrip("\n") + "\n\n" + SECTION + "\n\n" + generated + "\n"
    DOC.write_text(text_)
    print(f"wrote the generated parts of “{SECTION[3:]}” in {DOC.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, fewer samples, no doc")
    parser.add_argument("--scale", type=float, default=None, help="share of the default sizes (default 1)")
    parser.add_argument("--database-url", default=None,
                        help="also measure on this PostgreSQL database (in a private schema, dropped after)")
    parser.add_argument("--no-sqlite", action="store_true", help="only the --database-url database")
    parser.add_argument("--reps", type=int, default=None, help="calls per measure in steps 1 and 2 (default 50)")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = parser.parse_args(argv)
    scale = args.scale if args.scale is not None else (0.1 if args.quick else 1.0)
    sizes = messaging_data.Sizes().scaled(scale) if scale != 1.0 else messaging_data.Sizes()
    reps = args.reps or (15 if args.quick else 50)
    searches = tuple(max(10, int(n * scale)) for n in SEARCHES)
    alert_reps = dict(zip(searches, Plan(sizes).alert_reps.values(), strict=True))
    if args.quick:
        alert_reps = dict.fromkeys(searches, {1: 3, 50: 2, 500: 1})
    plan = Plan(sizes=sizes, header_reps=reps, post_reps=reps, contact_reps=5 if args.quick else 10,
                alert_reps=alert_reps, searches=searches, profile=searches[1])
    reports = []
    if not args.no_sqlite:
        with sqlite_database() as database:
            reports.append(run(database, plan))
    if args.database_url:
        with postgres_database(args.database_url) as database:
            reports.append(run(database, plan))
    print()
    print(machine(reports))
    for report in reports:
        print(f"\n== {report.database}\n")
        print(tables(report))
    if not (args.quick or args.no_doc or args.scale):
        write_doc(reports, argv)


if __name__ == "__main__":
    main()
