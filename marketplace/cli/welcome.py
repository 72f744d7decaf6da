"""`marketplace welcome`: the last thing `make run` prints — where the site answers and how to sign
in — once the server is up, below the start-up output rather than buried in it."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import User
from marketplace.demo import demo_email

# The demo accounts worth trying first, one per role (marketplace/demo.py has them all).
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("club chair (Chủ nhiệm)", "chunhiem.myxuong"),
    ("buyer (supermarket)", "muahang.sieuthi"),
    ("staff (trade promotion)", "canbo.xttm"),
    ("administrator", "quantri"),
)


def answers(url: str, timeout: float = 2.0) -> bool:
    """True when the site's health check answers 200 at url (http or https only: never a file)."""
    if not url.startswith(("http://", "https://")):
        return False
    try:
        # The scheme is checked above; the URL is the site this command was told to wait for.
        with urllib.request.urlopen(url.rstrip("/") + "/healthz", timeout=timeout) as response:  # noqa: S310  # nosec B310
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until_up(url: str, seconds: float, pause: float = 0.5) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        if answers(url):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)


def welcome_text(url: str, accounts: list[tuple[str, str]], password: str, mail: str) -> str:
    site = url.rstrip("/") + "/"
    rule = "─" * 64
    lines = [rule, f"Chợ Hội Quán is running: {site}"]
    if accounts:
        lines += [f"Sign in at {site}login with a demo account (password: {password}):"]
        lines += [f"  {role:<26}{email}" for role, email in accounts]
    else:
        lines += ["No demo account here. Create one: marketplace users create --email E --password P --role seller"]
    if mail:
        lines.append(mail)
    lines += ["Stop with Ctrl-C.", rule]
    return "\n".join(lines)


def _demo_accounts() -> list[tuple[str, str]]:
    emails = {demo_email(login): role for role, login in DEMO_LOGINS}
    found = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    return [(role, email) for email, role in emails.items() if email in found]


def _mail_line() -> str:
    if current_app.config["MAIL_URL"].startswith("log:"):
        folder = current_app.config["MAIL_LOG_DIR"]
        return f"Mail is not sent: one line per mail in this log, the whole text in {folder}/"
    return ""


@click.command("welcome")
@click.option("--url", default=None, help="Where the site answers (default: PUBLIC_URL).")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Seconds to wait for the site to answer before printing.",
)
@with_appcontext
def welcome_command(url: str | None, wait: float) -> None:
    """Wait for the site to answer, then print its address and how to sign in."""
    url = url or current_app.config["PUBLIC_URL"]
    accounts = _demo_accounts()
    db.session.rollback()  # no transaction held open while waiting on the server
    if not wait_until_up(url, wait):
        click.echo(f"The site does not answer at {url} (waited {wait:g} s).", err=True)
        sys.exit(1)
    click.echo(welcome_text(url, accounts, current_app.config["DEMO_PASSWORD"], _mail_line()))
