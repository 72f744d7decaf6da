"""Commands for accounts: users create, tokens create."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from marketplace import db
from marketplace.accounts import rules
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.cli.common import fail
from marketplace.errors import DomainError

PLATFORM_AGENCY_REF = "platform"


@click.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, help="Use --password - to read it from standard input.")
@click.option("--role", required=True, type=click.Choice(rules.ROLES))
@click.option("--org", "org_ref", default=None, help="Ref of the organisation the user acts for.")
@click.option("--name", default=None)
@click.option("--board", is_flag=True, help="On the organisation's board (invites and removes its members).")
@with_appcontext
def users_create_command(email: str, password: str, role: str, org_ref: str | None, name: str | None,
                         board: bool) -> None:
    """Create a user with a role (in --org, or for staff/admin in the platform agency); --board puts
    them on the organisation's board."""
    if password == "-":  # noqa: S105  # nosec B105  # "-" means: read it from standard input
        password = sys.stdin.readline().rstrip("\n")
    org = None
    if org_ref:
        org = db.session.scalar(select(Organization).where(Organization.ref == org_ref))
        if org is None:
            fail(f"no organisation with ref {org_ref!r}")
    elif role in ("staff", "admin"):
        org = db.session.scalar(select(Organization).where(Organization.ref == PLATFORM_AGENCY_REF))
        if org is None:
            org = accounts.create_organization(db.session, kind="agency", name="Chợ Hội Quán",
                                               ref=PLATFORM_AGENCY_REF)
    try:
        user = accounts.create_user(db.session, name=name or email.split("@")[0], password=password,
                                    email=email)
        if org is not None:
            accounts.add_member(db.session, org, user, role, board=board)
    except DomainError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.fields.items())
        fail(f"{error.message} {details}".strip())
    db.session.commit()
    click.echo(f"created user {user.id} <{user.email}> as {role}" + (f" of {org.ref}" if org else "")
               + (" (board)" if board and org is not None else ""))


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
        fail(f"no user with e-mail {email!r}")
    token = accounts.create_api_token(db.session, user, name)
    db.session.commit()
    click.echo(f"token for {user.email} (stored hashed; copy it now):")
    click.echo(token)
