"""The `marketplace` command: thin commands over services (also `flask --app marketplace …`)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from marketplace import create_app, db, schema
from marketplace.accounts import rules
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.catalogue import services as catalogue
from marketplace.errors import DomainError
from marketplace.supervisor import Supervisor, default_workers, web_and_worker

PLATFORM_AGENCY_REF = "platform"


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


log = logging.getLogger(__name__)

UNWRITABLE_REMINDER = 300.0  # seconds between two log lines saying the index folder still cannot be written


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the schema, then load places and the product taxonomy."""
    engine = db.get_engine(current_app)
    schema.upgrade(engine)
    loaded = schema.load_reference_data(db.session)
    retired = catalogue.retire_obsolete_varieties(db.session)
    db.session.commit()
    click.echo(f"schema at {schema.current_revision(engine)}; "
               f"communes loaded: {loaded['communes']}; taxonomy changes: {loaded['taxonomy_changes']}"
               + (f"; varieties retired: {retired}" if retired else ""))


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no organisation yet.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo data set (idempotent)."""
    from marketplace.demo import load_demo

    if current_app.config["APP_ENV"] == "production":
        _fail("the demo data set is not loaded in production")
    if if_empty and db.session.scalar(select(func.count()).select_from(Organization)):
        click.echo("database already has organisations; demo data not loaded")
        return
    created = load_demo(db.session, current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo(f"demo data: {created['organizations']} new organisations, {created['users']} new users, "
               f"{created['listings']} new listings, {created['demand']} new demand posts, "
               f"{created.get('orders', 0)} new orders")


@click.command("import")
@click.argument("path", type=click.Path(path_type=str))
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the summary and of the problems.")
@with_appcontext
def import_command(path: str, lang: str) -> None:
    """Import a workbook (.xlsx), a JSON document, a .zip of CSV files or a folder of CSV files.

    All or nothing: every problem is printed (sheet, row, column, value, reason) and nothing is
    stored (exit status 1), or everything is stored and a summary printed. Warnings (a row stored
    with an adjustment, e.g. a listing whose window is over stored as ended) never stop an import;
    each is printed on a line of its own starting "Warning:".
    """
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from marketplace.dates import today_in_vietnam
    from marketplace.imports import readers
    from marketplace.imports import services as imports

    with force_locale(lang):
        try:
            sheets = readers.read_path(path)
        except readers.ReaderError as error:
            _fail(error.message)
        report = imports.import_data(db.session, sheets, None, today_in_vietnam())
        if not report.ok:
            db.session.rollback()
            for problem in report.problems:
                click.echo(_('%(sheet)s row %(row)d, column %(column)s, value "%(value)s": %(reason)s',
                             sheet=problem.sheet, row=problem.row, column=problem.column,
                             value=problem.value, reason=problem.reason))
            if report.warnings:
                click.echo(_("Warnings: %(n)d. Once the problems are fixed, these rows will be stored with "
                             "an adjustment:", n=len(report.warnings)))
                _echo_import_warnings(report.warnings)
            for notice in report.notices:
                click.echo(notice)
            _fail(_("Problems found: %(n)d. Nothing was stored: fix them in the file, then import the whole "
                    "file again.", n=len(report.problems)))
        db.session.commit()
        _sync_search_after_import()
        for sheet, counts in report.counts.items():
            click.echo(_("%(sheet)s: %(created)d created, %(updated)d updated",
                         sheet=sheet, created=counts.created, updated=counts.updated))
        if report.warnings:
            click.echo(_("Warnings: %(n)d. These rows were stored with an adjustment:", n=len(report.warnings)))
            _echo_import_warnings(report.warnings)
        for notice in report.notices:
            click.echo(notice)
        click.echo(_("Imported: everything is stored."))


def _echo_import_warnings(warnings) -> None:
    from flask_babel import gettext as _

    for warning in warnings:
        click.echo(_('Warning: %(sheet)s row %(row)d, column %(column)s, value "%(value)s": %(reason)s',
                     sheet=warning.sheet, row=warning.row, column=warning.column, value=warning.value,
                     reason=warning.reason))


def _sync_search_after_import() -> None:
    """What was imported is searchable when the command returns (or as soon as the running
    indexer gets to it, if one holds the index)."""
    from flask_babel import gettext as _

    from marketplace.search import services as search

    try:
        search.sync(db.session, search.backend())
    except search.IndexBusy:
        click.echo(_("Search: the running indexer will add what was imported in a moment."))
    except (search.IndexUnwritable, OSError) as error:
        db.session.rollback()  # what was imported is committed; the worker indexes it once the folder can be written
        click.echo(_("Search index not updated (%(error)s): run “marketplace search sync”.", error=error))


@click.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, help="Use --password - to read it from standard input.")
@click.option("--role", required=True, type=click.Choice(rules.ROLES))
@click.option("--org", "org_ref", default=None, help="Ref of the organisation the user acts for.")
@click.option("--name", default=None)
@with_appcontext
def users_create_command(email: str, password: str, role: str, org_ref: str | None, name: str | None) -> None:
    """Create a user with a role (in --org, or for staff/admin in the platform agency)."""
    if password == "-":  # noqa: S105  # nosec B105 - "-" means: read it from standard input
        password = sys.stdin.readline().rstrip("\n")
    org = None
    if org_ref:
        org = db.session.scalar(select(Organization).where(Organization.ref == org_ref))
        if org is None:
            _fail(f"no organisation with ref {org_ref!r}")
    elif role in ("staff", "admin"):
        org = db.session.scalar(select(Organization).where(Organization.ref == PLATFORM_AGENCY_REF))
        if org is None:
            org = accounts.create_organization(db.session, kind="agency", name="Chợ Hội Quán",
                                               ref=PLATFORM_AGENCY_REF)
    try:
        user = accounts.create_user(db.session, name=name or email.split("@")[0], password=password,
                                    email=email)
        if org is not None:
            accounts.add_member(db.session, org, user, role)
    except DomainError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.fields.items())
        _fail(f"{error.message} {details}".strip())
    db.session.commit()
    click.echo(f"created user {user.id} <{user.email}> as {role}" + (f" of {org.ref}" if org else ""))


@click.group("tokens")
def tokens_group() -> None:
    """Manage API tokens."""


@tokens_group.command("create")
@click.option("--email", required=True)
@click.option("--name", default="cli")
@with_appcontext
def tokens_create_command(email: str, name: str) -> None:
    """Create an API bearer token; it is printed once, on the last line."""
    user = accounts.find_user(db.session, email)
    if user is None:
        _fail(f"no user with e-mail {email!r}")
    token = accounts.create_api_token(db.session, user, name)
    db.session.commit()
    click.echo(f"token for {user.email} (stored hashed; copy it now):")
    click.echo(token)


@click.group("search")
def search_group() -> None:
    """Build and check the search index."""


@search_group.command("reindex")
@with_appcontext
def search_reindex_command() -> None:
    """Rebuild the index from the database into a new folder and swap it in."""
    from marketplace.search import services as search

    try:
        count = search.reindex(db.session, search.backend())
    except search.IndexUnwritable as error:
        db.session.rollback()
        _fail(f"{error}. The index in use is left as it was and nothing in the database is lost; "
              "free some space or make the folder writable, then run “marketplace search reindex” again.")
    click.echo(f"indexed {count} documents")


@search_group.command("sync")
@click.option("--follow", is_flag=True, help="Keep running: apply changes as they are committed.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between looks at the outbox.")
@with_appcontext
def search_sync_command(follow: bool, interval: float) -> None:
    """Apply committed changes (the search outbox) to the index; the one process that writes it."""
    from marketplace.search import services as search

    while True:
        try:
            report = search.sync(db.session, search.backend())
        except search.IndexBusy:
            if not follow:
                _fail("another process is writing the index; it will apply these changes")
            report = None
        except search.IndexUnwritable as error:
            db.session.rollback()
            message = _unwritable_message(error)
            if not follow:
                _fail(message)
            click.echo(f"error: {message}", err=True)
            report = None
        finally:
            db.get_registry(current_app).remove()  # a fresh session (and snapshot) each round
        if report is not None and (report.rows or report.rebuilt is not None or not follow):
            _echo_sync(report)
        if not follow:
            return
        time.sleep(interval)


def _unwritable_message(error) -> str:
    """What an operator needs to know when the index folder cannot be written (and that nothing is lost)."""
    from marketplace.search import services as search

    try:
        waiting = f"{search.pending(db.session, search.backend())} changes wait"
        db.session.rollback()
    except Exception:  # the database may be what is failing; the message must still come out
        db.session.rollback()
        waiting = "the changes wait"
    return (f"{error}. Nothing is lost: {waiting} in the change log and are applied once the folder "
            "can be written again; free some space or make it writable.")


def _echo_sync(report) -> None:
    applied = report.applied
    if report.rebuilt is not None:
        click.echo(f"built a new index: {report.rebuilt} documents")
    click.echo(f"outbox rows: {report.rows}; documents updated {applied.updated}, deleted {applied.deleted}, "
               f"unchanged {applied.unchanged}")


@search_group.command("check")
@with_appcontext
def search_check_command() -> None:
    """Compare the index with the database. Changes still waiting in the change log (the outbox)
    are reported as pending; exit 1 only on a difference no pending change explains."""
    from marketplace.search import services as search

    differences = search.check(db.session, search.backend())
    real = differences.unexplained()
    behind = (len(set(differences.missing + differences.extra + differences.stale))
              - len(real.missing + real.extra + real.stale))
    if differences.pending:
        click.echo(f"pending: {differences.pending}, the worker has not applied them yet"
                   + (f" ({behind} documents differ until it does)" if behind else ""))
    if real.clean:
        click.echo("index matches the database" if not differences.pending
                   else "no other difference: the index matches the database once they are applied")
        return
    for label, ids in (("missing", real.missing), ("extra", real.extra), ("stale", real.stale)):
        if ids:
            click.echo(f"{label}: {len(ids)} ({', '.join(ids[:10])}{' …' if len(ids) > 10 else ''})")
    sys.exit(1)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=lambda: int(os.environ.get("PORT", "8000")),
              show_default="PORT, else 8000")
@click.option("--workers", type=click.IntRange(min=1), default=default_workers,
              show_default="WEB_CONCURRENCY, else 2", help="Web worker processes.")
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve the site with gunicorn and run the background worker beside it; either one that dies
    is started again (logged). Ctrl-C or SIGTERM stops both."""
    sys.exit(Supervisor.of(web_and_worker(host=host, port=port, workers=workers)).run())


@click.command("worker")
@click.option("--once", is_flag=True, help="One round, then exit (for cron or tests); a failing step fails it.")
@click.option("--rounds", type=click.IntRange(min=1), default=None,
              help="Stop after this many rounds (a failing step is logged and retried, as when running for good).")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between rounds.")
@with_appcontext
def worker_command(once: bool, rounds: int | None, interval: float) -> None:
    """The background worker: follows committed changes to keep the search index, the matches and
    the saved-search alerts current, reminds and expires orders, and sends queued mail (retrying
    failures) and the daily digests. Run one beside the web server (`make run` does). SIGTERM
    stops it cleanly between two steps."""
    steps = (("saved-search alerts", _alerts_step), ("matching", _matching_step), ("orders", _orders_round),
             ("mail", _mail_step))
    done = 0
    unwritable_since = last_told = None
    with _stopped_by_sigterm() as stopping:
        while not stopping.is_set():
            unwritable_since, last_told = _worker_round(steps, once, unwritable_since, last_told, stopping)
            done += 1
            if once or (rounds is not None and done >= rounds):
                return
            stopping.wait(interval)
        log.info("worker stopped (SIGTERM) after %d rounds", done)


@contextmanager
def _stopped_by_sigterm() -> Iterator[threading.Event]:
    """SIGTERM (what `make run`, systemd and supervisors send) ends the worker between two steps,
    never inside one: each step's transaction commits or rolls back whole, and the exit is clean."""
    stopping = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stopping  # signals reach the main thread only
        return
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())
    try:
        yield stopping
    finally:
        signal.signal(signal.SIGTERM, previous)


def _worker_round(steps, once: bool, unwritable_since, last_told, stopping: threading.Event):
    """One round: the index sync, then each step; returns when the index folder was first found
    unwritable and when that was last told (to say it once, not every round)."""
    from marketplace.search import services as search

    registry = db.get_registry(current_app)
    try:
        report = search.sync(db.session, search.backend())
        if report.rows or report.rebuilt is not None:
            _echo_sync(report)
        if unwritable_since is not None:
            log.warning("search index writable again after %d s: caught up with %d changes",
                        time.monotonic() - unwritable_since, report.rows)
            unwritable_since = last_told = None
    except search.IndexBusy:
        pass  # another indexer holds this index; it applies the changes
    except search.IndexUnwritable as error:
        # Read-only or full: say so plainly (no traceback), once and then every few minutes,
        # not every round; the other steps go on, and the index catches up once it can.
        db.session.rollback()
        if once:
            _fail(_unwritable_message(error))
        now = time.monotonic()
        if unwritable_since is None:
            unwritable_since = now
        if last_told is None or now - last_told >= UNWRITABLE_REMINDER:
            log.error("search sync: %s", _unwritable_message(error))
            last_told = now
    except Exception:
        # "database is locked", a full disk: the index catches up on a later round (the change
        # log keeps what it has not applied); the other steps must not stop with it.
        db.session.rollback()
        if once:
            raise
        log.exception("search sync round failed; retrying")
    finally:
        registry.remove()
    for name, step in steps:
        # Each step commits its own work; one failing does not stop the others.
        try:
            step()
        except Exception:
            db.session.rollback()
            if once:
                raise
            log.exception("%s round failed; retrying", name)
        finally:
            registry.remove()
        if stopping.is_set():
            break
    return unwritable_since, last_told


def _alerts_step() -> None:
    from marketplace.alerts import services as alerts
    from marketplace.dates import today_in_vietnam

    alerted = alerts.follow(db.session, today_in_vietnam())
    db.session.commit()
    if alerted:
        click.echo(f"saved searches: {alerted} alerts")


def _matching_step() -> None:
    from marketplace.dates import today_in_vietnam
    from marketplace.matching import services as matching

    matched = matching.follow(db.session, today_in_vietnam())
    db.session.commit()
    if matched.listings or matched.demand_posts:
        click.echo(f"matches: {matched.demand_posts} requests and {matched.listings} listings refreshed, "
                   f"{matched.full} full matches, {matched.notified} notifications")


def _orders_round():
    """Order reminders (24 h), expiry (72 h) and the notices of order changes; commits."""
    from marketplace.db import utcnow
    from marketplace.orders import lifecycle as orders

    report = orders.remind_and_expire(db.session, utcnow())
    db.session.commit()
    if report.reminded or report.expired:
        click.echo(f"orders: {report.reminded} reminders, {report.expired} expired")
    # After the commit: card sessions of orders that stopped waiting for money are expired at Stripe.
    from marketplace.orders.payments import stripe_services

    checkout = stripe_services.configured_checkout()
    stripe_services.expire_retired_checkouts(db.session, utcnow(), checkout)
    db.session.commit()
    # Card money that no order could take goes back to the card.
    refunds = stripe_services.refund_unapplied(db.session, utcnow(), checkout)
    db.session.commit()
    if refunds.refunded or refunds.given_up:
        click.echo(f"card refunds: {refunds.refunded} refunded, {refunds.given_up} left to staff")
    return report


def _mail_step() -> None:
    """Daily digests that are due, then every queued mail that is due (runs last, so the notices of
    this round's other steps leave at once)."""
    from marketplace.db import utcnow
    from marketplace.notifications import delivery

    now = utcnow()
    digests = delivery.send_digests(db.session, now)
    db.session.commit()
    # The real clock for each claim, not `now`: the digests just queued are due a moment after it.
    sent = delivery.deliver_due(db.session)
    if sent.sent or sent.failed or sent.given_up or digests:
        click.echo(f"mail: {digests} digests queued, {sent.sent} sent, {sent.failed} to retry, "
                   f"{sent.given_up} given up")


@click.group("match")
def match_group() -> None:
    """Matching demand with supply."""


@match_group.command("refresh")
@with_appcontext
def match_refresh_command() -> None:
    """Rematch every open request now (the worker does this once a day by itself)."""
    from marketplace.dates import today_in_vietnam
    from marketplace.matching import services as matching

    report = matching.rematch_in_chunks(db.session, today_in_vietnam())
    click.echo(f"{report.demand_posts} requests rematched, {report.full} full matches, "
               f"{report.notified} notifications")


@match_group.command("evaluate")
def match_evaluate_command() -> None:
    """Run the labelled evaluation set (matching/evaluation.py) in a throwaway SQLite database and
    print precision, recall and constraint violations; exit 1 when precision is below 1 or a full
    match breaks a hard constraint. The configured database is not touched."""
    import tempfile
    from pathlib import Path

    from marketplace.dates import today_in_vietnam
    from marketplace.matching import evaluation

    alembic_log = logging.getLogger("alembic")
    with tempfile.TemporaryDirectory(prefix="chq-evaluate-") as folder:
        app = create_app({"APP_ENV": "testing", "TESTING": True,
                          "DATABASE_URL": f"sqlite:///{Path(folder) / 'evaluate.db'}",
                          "SEARCH_INDEX_DIR": "memory://", "UPLOAD_DIR": "memory://", "MAIL_URL": "memory://"})
        engine = db.get_engine(app)
        level = alembic_log.level
        alembic_log.setLevel(logging.WARNING)  # the migrations' progress is not the evaluation's output
        try:
            schema.upgrade(engine)
            with app.app_context():
                schema.load_reference_data(db.session)
                db.session.commit()
                result = evaluation.run(db.session, today_in_vietnam())
                db.session.rollback()
        finally:
            alembic_log.setLevel(level)
            engine.dispose()
    for line in result.lines():
        click.echo(line)
    if not result.passed:
        sys.exit(1)


@click.group("credentials")
def credentials_group() -> None:
    """Certificates, OCOP ratings and planting codes."""


@credentials_group.command("expire")
@with_appcontext
def credentials_expire_command() -> None:
    """Mark active credentials past their end date as expired (run daily; validity is by date anyway)."""
    from marketplace.credentials import services as credentials
    from marketplace.dates import today_in_vietnam

    count = credentials.expire_due(db.session, today_in_vietnam())
    db.session.commit()
    click.echo(f"expired {count} credentials")


@click.group("orders")
def orders_group() -> None:
    """Orders: reminders and expiry."""


@orders_group.command("expire")
@with_appcontext
def orders_expire_command() -> None:
    """Remind sellers of orders unanswered for 24 hours, expire those unanswered for 72 hours
    (their quantity goes back on sale) and send pending order notices. The worker does this too."""
    report = _orders_round()
    click.echo(f"{report.reminded} reminders, {report.expired} expired, {report.notices} notices")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Write a backup of the database and the photos to one archive file (e.g. chq-2026-12-05.tar.gz).

    Safe while the server and the worker run: the database is copied from one consistent snapshot.
    The archive's manifest records every table's row count and checksum and every photo's SHA-256;
    the search index is not included (`restore` rebuilds it)."""
    from marketplace.backup import services as backups

    try:
        report = backups.create_backup(db.get_engine(current_app), current_app.config["UPLOAD_DIR"], path,
                                       force=force)
    except backups.BackupFailed as error:
        _fail(f"backup not written: {error}")
    rows = sum(table.rows for table in report.tables.values())
    click.echo(f"backup written: {report.path} ({_size(report.archive_bytes)})")
    click.echo(f"database: {report.backend}, schema revision {report.revision}, {len(report.tables)} tables, "
               f"{rows} rows")
    click.echo(f"photo files: {len(report.photos)} ({_size(sum(p.size for p in report.photos))})")
    if report.vanished_photos:
        click.echo(f"photos deleted while the backup ran (not in it): {len(report.vanished_photos)}")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore a backup written by `marketplace backup`, then rebuild the search index.

    Stop the web server and the worker first. The archive is checked against its manifest before
    anything is touched; a database holding data is replaced only with --force. After loading,
    every table is compared with the manifest's count and checksum: any difference is an error."""
    from marketplace.backup import services as backups
    from marketplace.search import services as search

    engine = db.get_engine(current_app)
    db.get_registry(current_app).remove()
    try:
        report = backups.restore_backup(engine, current_app.config["UPLOAD_DIR"], path, force=force)
    except backups.BackupFailed as error:
        _fail(f"restore failed: {error}")
    rows = sum(table.rows for table in report.tables.values())
    if report.replaced_tables:
        click.echo(f"replaced the data that was there ({len(report.replaced_tables)} tables held rows)")
    click.echo(f"restored the {report.backend} database of {report.created_at}: {len(report.tables)} tables, "
               f"{rows} rows, every count and checksum as in the backup")
    for name, table in report.tables.items():
        if table.rows:
            click.echo(f"  {name}: {table.rows}")
    if report.upgraded_to:
        click.echo(f"schema upgraded from {report.revision} to {report.upgraded_to}")
    click.echo(f"photo files: {report.photos_written} written, {report.photos_unchanged} already there"
               + (f"; {report.other_files} other files in UPLOAD_DIR left as they were" if report.other_files else ""))
    try:
        count = search.reindex(db.session, search.backend())
    except Exception as error:  # noqa: BLE001 - the data is back; say what is left to do
        db.session.rollback()
        _fail(f"the database and photos are restored, but the search index was not rebuilt ({error}): "
              f"run `marketplace search reindex`")
    click.echo(f"search index rebuilt: {count} documents")


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)


def register_commands(app: Flask) -> None:
    for command in (init_db_command, demo_command, import_command, users_group, tokens_group, search_group,
                    worker_command, serve_command, match_group,
                    credentials_group, orders_group, backup_command, restore_command):
        app.cli.add_command(command)


@click.group(cls=FlaskGroup, create_app=lambda: create_app())
def main() -> None:
    """Chợ Hội Quán management commands."""
