"""Kill -9 at random points, and count what survived (issue #14, "Faults with nothing lost").

For each database (SQLite always; PostgreSQL when a URL is given) a throwaway instance is set up
(its own database — a file, or a private schema — and index folder), and five processes are killed
with SIGKILL at a random moment, N times each:

  web      `flask run` under a stream of API writes (listings and orders, two clients)
  worker   `marketplace worker` while it indexes and matches a fresh batch of changes
  import   `marketplace import` of a folder of CSV files (organisations and listings)
  reindex  `marketplace search reindex`
  rematch  `marketplace match refresh` (the daily rematch)

After each kill:
  - every row committed before the process started (ids of the main tables) is still there, and
    every write the web server acknowledged (201 with an id) is in the database: else "lost";
  - an import's rows are all there or none (refs carry the attempt's number), and all there
    when the command said it finished: else "half-import";
  - `search.check` finds nothing wrong but changes still pending in the change log.
After each kind: the real worker catches up (`marketplace worker --rounds 2`) and
`marketplace search check` must say "index matches the database" with exit 0.

    .venv/bin/python check/faults.py                       # 25 kills of each, SQLite
    .venv/bin/python check/faults.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python check/faults.py --kills 2 --rows 300  # the quick version the test suite runs

Prints one line per kind and a summary ("125 kills on sqlite, 0 lost, 0 half-imports, search check
clean"); exits 1 when anything was lost, half-imported or left unclean.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from check.throwaway import free_port  # noqa: E402
from marketplace import create_app, db  # noqa: E402
from marketplace.accounts import services as accounts  # noqa: E402
from marketplace.accounts.models import Organization, User  # noqa: E402
from marketplace.changes.models import SearchOutbox  # noqa: E402
from marketplace.dates import today_in_vietnam  # noqa: E402
from marketplace.demand import services as demand_services  # noqa: E402
from marketplace.demand.models import DemandPost  # noqa: E402
from marketplace.listings import services as listing_services  # noqa: E402
from marketplace.listings.models import Listing  # noqa: E402
from marketplace.notifications.models import Notification, OutgoingMail  # noqa: E402
from marketplace.orders.models import Order, OrderEvent  # noqa: E402
from marketplace.search import services as search  # noqa: E402

BIN = Path(sys.executable).parent
KINDS = ("web", "worker", "import", "reindex", "rematch")
# Tables whose rows no process may lose: what a kill must leave as it was, at least.
KEPT = {"organizations": Organization, "users": User, "listings": Listing, "demand_posts": DemandPost,
        "orders": Order, "order_events": OrderEvent, "notifications": Notification,
        "outgoing_mail": OutgoingMail, "search_outbox": SearchOutbox}
COMMUNES = ("30244", "29869", "29905", "30076", "26743")
PRODUCTS = (("xoài", "cát Chu"), ("khóm", ""), ("sen", ""), ("dừa", "xiêm"), ("quýt", "hồng"), ("bưởi", ""))
PASSWORD = "faults-password-not-for-use-0173"  # noqa: S105 - a throwaway instance


@dataclass
class Tally:
    kills: int = 0
    lost: int = 0  # rows committed or acknowledged before a kill, missing after it
    half_imports: int = 0
    unclean: int = 0  # search check differences no pending change explains, or a failed catch-up
    problems: list[str] = field(default_factory=list)
    by_kind: dict[str, str] = field(default_factory=dict)

    def problem(self, kind: str, what: str) -> None:
        self.problems.append(f"{kind}: {what}")
        print(f"  ! {kind}: {what}", flush=True)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.half_imports or self.unclean)


class Instance:
    """A throwaway database and index: commands run as child processes, checks in this one."""

    def __init__(self, name: str, database_url: str, folder: Path) -> None:
        self.name = name
        self.folder = folder
        self.database_url = database_url
        self.index = folder / "index"
        self.env = dict(os.environ)
        self.env.update({
            "APP_ENV": "development", "SECRET_KEY": "faults-check-secret-key-0123456789abcdef",
            "DATABASE_URL": database_url, "SEARCH_INDEX_DIR": str(self.index), "MAIL_URL": "memory://",
            "UPLOAD_DIR": str(folder / "uploads"), "LOGIN_RATE_LIMIT": "100000 per minute",
            "LOGIN_IDENTIFIER_RATE_LIMIT": "100000 per minute", "PYTHONPATH": str(ROOT),
        })
        self.app = None
        self.startup = 0.0  # seconds a command takes to start (imports, app): kills fall after it

    def measure_startup(self) -> None:
        started = time.monotonic()
        self.run("--help")
        self.startup = time.monotonic() - started

    def command(self, *args: str) -> list[str]:
        return [str(BIN / "marketplace"), *args]

    def run(self, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*args), env=self.env, capture_output=True, text=True,  # noqa: S603
                              timeout=timeout, cwd=self.folder)

    def start(self, args: list[str], log: Path) -> subprocess.Popen:
        with log.open("a") as output:
            return subprocess.Popen(args, env=self.env, stdout=output, stderr=subprocess.STDOUT,  # noqa: S603
                                    cwd=self.folder, start_new_session=True)

    def setup(self, base_rows: int) -> None:
        result = self.run("init-db")
        if result.returncode:
            raise SystemExit(f"init-db failed on {self.name}:\n{result.stdout}\n{result.stderr}")
        self.app = create_app({"APP_ENV": "development", "SECRET_KEY": self.env["SECRET_KEY"],
                               "DATABASE_URL": self.database_url, "SEARCH_INDEX_DIR": str(self.index),
                               "MAIL_URL": "memory://", "UPLOAD_DIR": str(self.folder / "uploads")})
        today = today_in_vietnam()
        with self.app.app_context():
            session = db.session
            self.club = accounts.create_organization(session, kind="club", name="Hội quán Thử Sự Cố",
                                                     commune_code=COMMUNES[0], ref="faults-club")
            seller = accounts.create_user(session, name="Người bán thử", password=PASSWORD,
                                          email="seller@faults.example")
            accounts.add_member(session, self.club, seller, "seller")
            self.buyer_org = accounts.create_organization(session, kind="supermarket", name="Siêu thị Thử Sự Cố",
                                                          commune_code=COMMUNES[1], ref="faults-buyer")
            buyer = accounts.create_user(session, name="Người mua thử", password=PASSWORD,
                                         email="buyer@faults.example")
            accounts.add_member(session, self.buyer_org, buyer, "buyer")
            self.seller_token = accounts.create_api_token(session, seller, "faults")
            self.buyer_token = accounts.create_api_token(session, buyer, "faults")
            # A listing with room for every order the web stream places.
            stock = listing_services.save_listing(session, self.club, listing_services.ListingInput(
                product="xoài", variety="cát Chu", quantity="1000000", unit="kg", price_vnd="38000",
                available_from=today, available_to=today + timedelta(days=60)), seller, today=today, publish=True)
            session.commit()
            self.stock_id = stock.id
            self.seller_id, self.buyer_id = seller.id, buyer.id
        # The base data: enough listings and requests for a rebuild and a rematch to take a while.
        base = self.folder / "base"
        write_import(base, "base", base_rows, demand=max(base_rows // 10, 5))
        result = self.run("import", str(base))
        if result.returncode:
            raise SystemExit(f"the base import failed on {self.name}:\n{result.stdout}\n{result.stderr}")
        # The worker's first round follows the whole change log (matching's position starts at 0):
        # done here once, so that each kind's catch-up only carries what its kills left.
        self.run("worker", "--rounds", "1", "--interval", "0")

    # -- what is there ----------------------------------------------------------------------
    def ids(self) -> dict[str, set[int]]:
        with self.app.app_context():
            found = {name: set(db.session.scalars(select(model.id))) for name, model in KEPT.items()}
            db.session.rollback()
            return found

    def count_refs(self, prefix: str) -> dict[str, int]:
        with self.app.app_context():
            counts = {
                "organizations": db.session.scalar(select(func.count()).select_from(Organization)
                                                   .where(Organization.ref.like(f"{prefix}-%"))),
                "listings": db.session.scalar(select(func.count()).select_from(Listing)
                                              .where(Listing.ref.like(f"{prefix}-%"))),
            }
            db.session.rollback()
            return counts

    def index_consistent(self) -> tuple[bool, str]:
        """search.check: nothing wrong but changes the worker has still to apply."""
        with self.app.app_context():
            differences = search.check(db.session, search.backend())
            db.session.rollback()
        real = differences.unexplained()
        return real.clean, f"missing {real.missing[:5]}, extra {real.extra[:5]}, stale {real.stale[:5]}"

    def integrity(self) -> str:
        if not self.database_url.startswith("sqlite"):
            return "ok"
        with self.app.app_context():
            result = db.session.execute(text("PRAGMA integrity_check")).scalar()
            db.session.rollback()
            return result

    def close(self) -> None:
        if self.app is not None:
            db.get_registry(self.app).remove()
            db.get_engine(self.app).dispose()


# -- data ---------------------------------------------------------------------------------------

def _write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def write_import(folder: Path, prefix: str, listings: int, demand: int = 0) -> int:
    """A folder of CSV files: one organisation per 10 listings, and the rows; returns the row count."""
    folder.mkdir(parents=True, exist_ok=True)
    today = today_in_vietnam()
    orgs = max(listings // 10, 1)
    buyers = max(demand // 5, 1) if demand else 0
    _write_csv(folder / "organizations.csv", ["ref", "kind", "name", "commune_code"], [
        *([f"{prefix}-club-{i}", "club", f"Hội quán {prefix} số {i}", COMMUNES[i % len(COMMUNES)]]
          for i in range(orgs)),
        *([f"{prefix}-buyer-{i}", "supermarket", f"Siêu thị {prefix} số {i}", COMMUNES[(i + 2) % len(COMMUNES)]]
          for i in range(buyers)),
    ])
    _write_csv(folder / "listings.csv", ["ref", "org_ref", "product", "variety", "quantity", "unit", "price_vnd",
                                         "available_from", "available_to", "description"],
               ([f"{prefix}-listing-{i}", f"{prefix}-club-{i % orgs}", *PRODUCTS[i % len(PRODUCTS)],
                 100 + i % 900, "kg", 20000 + (i % 50) * 500, today.isoformat(),
                 (today + timedelta(days=20 + i % 40)).isoformat(), f"Lô hàng {prefix} số {i}"]
                for i in range(listings)))
    if demand:
        _write_csv(folder / "demand.csv", ["ref", "org_ref", "product", "variety", "quantity", "unit", "frequency",
                                           "needed_from", "needed_to", "price_max_vnd"],
                   ([f"{prefix}-demand-{i}", f"{prefix}-buyer-{i % buyers}", *PRODUCTS[i % len(PRODUCTS)],
                     50 + i % 200, "kg", "weekly", today.isoformat(), (today + timedelta(days=30)).isoformat(), 60000]
                    for i in range(demand)))
    return orgs + listings + demand


def add_changes(instance: Instance, rng: random.Random, batch: int) -> None:
    """New listings and requests and a renamed organisation: work for the worker to index and match."""
    today = today_in_vietnam()
    with instance.app.app_context():
        session = db.session
        club = session.get(Organization, instance.club.id)
        buyer_org = session.get(Organization, instance.buyer_org.id)
        for i in range(batch):
            product, variety = PRODUCTS[rng.randrange(len(PRODUCTS))]
            listing_services.save_listing(session, club, listing_services.ListingInput(
                product=product, variety=variety, quantity=str(rng.randint(100, 5000)), unit="kg",
                price_vnd=str(rng.randint(20, 60) * 1000), available_from=today,
                available_to=today + timedelta(days=rng.randint(10, 60))), None, today=today, publish=True)
            if i % 4 == 0:
                demand_services.save_demand(session, buyer_org, demand_services.DemandInput(
                    product=product, variety=variety, quantity=str(rng.randint(1, 50)), unit="tạ",
                    frequency="weekly", needed_from=today, needed_to=today + timedelta(days=30)), None, today=today)
        club.description = f"Đổi lần {rng.randrange(10**6)}"  # its listings' documents change too
        session.commit()


# -- killing ------------------------------------------------------------------------------------

def kill(process: subprocess.Popen) -> bool:
    """SIGKILL (the whole process group: `flask run` may have children); True if it was still running."""
    running = process.poll() is None
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    return running


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.05)


def api(port: int, path: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),  # noqa: S310
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def check_kept(instance: Instance, tally: Tally, kind: str, before: dict[str, set[int]],
               acknowledged: dict[str, set[int]] | None = None) -> None:
    after = instance.ids()
    for table, ids in before.items():
        missing = ids - after[table]
        if missing:
            tally.lost += len(missing)
            tally.problem(kind, f"{len(missing)} committed {table} rows gone: {sorted(missing)[:5]}")
    for table, ids in (acknowledged or {}).items():
        missing = ids - after[table]
        if missing:
            tally.lost += len(missing)
            tally.problem(kind, f"{len(missing)} acknowledged {table} rows gone: {sorted(missing)[:5]}")
    integrity = instance.integrity()
    if integrity != "ok":
        tally.lost += 1
        tally.problem(kind, f"integrity_check: {integrity}")
    consistent, details = instance.index_consistent()
    if not consistent:
        tally.unclean += 1
        tally.problem(kind, f"search check found a real difference after the kill: {details}")


def kill_web(instance: Instance, rng: random.Random, kills: int, tally: Tally, logs: Path) -> str:
    acknowledged_total = 0
    for attempt in range(kills):
        port = free_port()
        server = instance.start([str(BIN / "flask"), "--app", "marketplace", "run", "--host", "127.0.0.1",
                                 "--port", str(port), "--no-reload", "--no-debugger"], logs / "web.log")

        def up(port=port) -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                    return True
            except OSError:
                return False

        wait_until(up, 60, "the web server")
        before = instance.ids()
        acknowledged = {"listings": set(), "orders": set()}
        stop = threading.Event()
        today = today_in_vietnam()

        def stream(client: int, port=port, stop=stop, today=today, attempt=attempt, acknowledged=acknowledged) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    if n % 2:
                        status, body = api(port, "/api/v1/listings", instance.seller_token, {
                            "product": "khóm", "quantity": "300", "unit": "kg", "price_vnd": "12000",
                            "available_from": today.isoformat(),
                            "available_to": (today + timedelta(days=30)).isoformat(),
                            "description": f"web {attempt}-{client}-{n}"})
                        table = "listings"
                    else:
                        status, body = api(port, "/api/v1/orders", instance.buyer_token,
                                           {"listing_id": instance.stock_id, "quantity": "1"})
                        table = "orders"
                except Exception:  # noqa: BLE001 - refused, reset, a half answer: the server is gone
                    return
                if status == 201:
                    acknowledged[table].add(body["id"])

        clients = [threading.Thread(target=stream, args=(c,)) for c in range(2)]
        for client in clients:
            client.start()
        time.sleep(rng.uniform(0.5, 5.0))
        kill(server)
        stop.set()
        for client in clients:
            client.join(timeout=60)
        tally.kills += 1
        acknowledged_total += sum(len(ids) for ids in acknowledged.values())
        check_kept(instance, tally, "web", before, acknowledged)
    return f"{acknowledged_total} acknowledged writes checked"


def kill_worker(instance: Instance, rng: random.Random, kills: int, tally: Tally, logs: Path) -> str:
    for _ in range(kills):
        add_changes(instance, rng, batch=rng.randint(10, 40))
        before = instance.ids()
        worker = instance.start(instance.command("worker", "--interval", "0.1"), logs / "worker.log")
        time.sleep(instance.startup * 0.8 + rng.uniform(0, 5.0))
        kill(worker)
        tally.kills += 1
        check_kept(instance, tally, "worker", before)
    return ""


def kill_import(instance: Instance, rng: random.Random, kills: int, tally: Tally, logs: Path, rows: int) -> str:
    # How long a whole import takes here: the kills fall anywhere within it.
    folder = instance.folder / "imports"
    calibration = folder / "calibration"
    write_import(calibration, "calibration", rows)
    started = time.monotonic()
    result = instance.run("import", str(calibration))
    duration = time.monotonic() - started
    if result.returncode:
        raise SystemExit(f"the calibration import failed:\n{result.stdout}\n{result.stderr}")
    finished = interrupted = 0
    for attempt in range(kills):
        prefix = f"i{attempt}x{rng.randrange(10**6)}"
        expected = {"organizations": max(rows // 10, 1), "listings": rows}
        write_import(folder / prefix, prefix, rows)
        before = instance.ids()
        process = instance.start(instance.command("import", str(folder / prefix)), logs / "import.log")
        time.sleep(rng.uniform(instance.startup * 0.8, duration * 1.05))
        was_running = kill(process)
        tally.kills += 1
        done = not was_running and process.returncode == 0
        counts = instance.count_refs(prefix)
        if done:
            finished += 1
        else:
            interrupted += 1
        if counts not in (expected, {"organizations": 0, "listings": 0}) or (done and counts != expected):
            tally.half_imports += 1
            tally.problem("import", f"{prefix}: {counts} of {expected} visible (finished: {done})")
        check_kept(instance, tally, "import", before)
        shutil.rmtree(folder / prefix, ignore_errors=True)
    return f"{rows + max(rows // 10, 1)} rows each, ~{duration:.0f} s whole; {interrupted} killed mid-way, " \
           f"{finished} had finished"


def kill_command(args: tuple[str, ...], label: str):
    def run(instance: Instance, rng: random.Random, kills: int, tally: Tally, logs: Path) -> str:
        started = time.monotonic()
        result = instance.run(*args)
        duration = time.monotonic() - started
        if result.returncode:
            raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        for _ in range(kills):
            add_changes(instance, rng, batch=5)
            before = instance.ids()
            process = instance.start(instance.command(*args), logs / f"{label}.log")
            time.sleep(rng.uniform(instance.startup * 0.8, duration * 1.05))
            kill(process)
            tally.kills += 1
            check_kept(instance, tally, label, before)
        return f"~{duration:.1f} s whole"
    return run


def catch_up(instance: Instance, tally: Tally, kind: str) -> bool:
    """The real worker catches up, then the real `search check` must find the index clean."""
    try:
        # Matching a large backlog is slow on a loaded machine (minutes on both databases).
        worker = instance.run("worker", "--rounds", "2", "--interval", "0", timeout=3 * 3600)
    except subprocess.TimeoutExpired:
        tally.unclean += 1
        tally.problem(kind, "the worker did not catch up within 3 hours")
        return False
    check = instance.run("search", "check")
    clean = worker.returncode == 0 and check.returncode == 0 and "index matches the database" in check.stdout \
        and "pending" not in check.stdout
    if not clean:
        tally.unclean += 1
        tally.problem(kind, f"after catching up: worker {worker.returncode}, search check {check.returncode}: "
                            f"{check.stdout.strip()} {check.stderr.strip()[-500:]}")
    return clean


# -- running ------------------------------------------------------------------------------------

def postgres_schema_url(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def run_on(name: str, database_url: str | None, kills: int, rows: int, base_rows: int, kinds: tuple[str, ...],
           seed: int, keep: bool) -> Tally:
    folder = Path(tempfile.mkdtemp(prefix=f"chq-faults-{name}-"))
    schema = None
    if database_url is None:
        database_url = f"sqlite:///{folder / 'faults.db'}"
    else:
        schema = f"chq_faults_{os.getpid()}"
        engine = db.make_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        base_url, database_url = database_url, postgres_schema_url(database_url, schema)
    rng = random.Random(seed)  # noqa: S311 - kill points, not secrets
    tally = Tally()
    instance = Instance(name, database_url, folder)
    logs = folder / "logs"
    logs.mkdir()
    print(f"== {name}: {kills} kills of each of {', '.join(kinds)} (seed {seed}; work folder {folder})", flush=True)
    try:
        instance.setup(base_rows)
        runners = {
            "web": kill_web, "worker": kill_worker,
            "import": lambda *a: kill_import(*a, rows=rows),
            "reindex": kill_command(("search", "reindex"), "reindex"),
            "rematch": kill_command(("match", "refresh"), "rematch"),
        }
        for kind in kinds:
            instance.measure_startup()  # the machine's load changes: measured again for each kind
            started, kills_before, problems_before = time.monotonic(), tally.kills, len(tally.problems)
            note = runners[kind](instance, rng, kills, tally, logs)
            clean = catch_up(instance, tally, kind)
            line = (f"{kind}: {tally.kills - kills_before} kills, {len(tally.problems) - problems_before} problems, "
                    f"search check {'clean' if clean else 'NOT clean'}" + (f" ({note})" if note else "")
                    + f" [{time.monotonic() - started:.0f} s]")
            tally.by_kind[kind] = line
            print(f"  {line}", flush=True)
    finally:
        instance.close()
        if schema is not None and not keep:
            engine = db.make_engine(base_url)
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
        if not keep and tally.ok:
            shutil.rmtree(folder, ignore_errors=True)
    return tally


def summary(name: str, tally: Tally) -> str:
    return (f"{tally.kills} kills on {name}, {tally.lost} lost, {tally.half_imports} half-imports, "
            + ("search check clean" if not tally.unclean else f"search check NOT clean ({tally.unclean})"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=25, help="kills of each kind (default 25)")
    parser.add_argument("--postgres", default=os.environ.get("FAULTS_POSTGRES_URL", ""),
                        help="also run on this PostgreSQL database (a private schema is made and dropped)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--rows", type=int, default=2000, help="listings per import (plus one club per 10)")
    parser.add_argument("--base-rows", type=int, default=3000, help="listings loaded before the kills")
    parser.add_argument("--only", default=",".join(KINDS), help=f"kinds to kill, of {','.join(KINDS)}")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work folders and schemas")
    args = parser.parse_args(argv)
    kinds = tuple(k for k in args.only.split(",") if k)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    targets = [] if args.no_sqlite else [("sqlite", None)]
    if args.postgres:
        targets.append(("postgresql", args.postgres))
    lines, ok = [], True
    for name, url in targets:
        tally = run_on(name, url, args.kills, args.rows, args.base_rows, kinds, seed, args.keep)
        lines.append(summary(name, tally))
        ok = ok and tally.ok
    print(f"== faults (seed {seed})")
    for line in lines:
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
