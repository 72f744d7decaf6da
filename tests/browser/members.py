"""People the browser tests sign in as: a committed user acting for a new organisation."""

from __future__ import annotations

import itertools
from typing import NamedTuple

from flask import Flask

from marketplace import db
from marketplace.accounts import services as accounts
from tests.factories import PASSWORD

# One counter for every browser test file: the live server's database is shared by the session,
# so names and e-mails must not repeat across files.
_serial = itertools.count(1)


class Member(NamedTuple):
    email: str
    org_id: int
    org_name: str


def make_member(app: Flask, role: str, org_kind: str, org_name: str, *, board: bool = False,
                **org_fields) -> Member:
    """A new organisation named `org_name` (plus a serial number) in Phú Hựu, and a user with
    PASSWORD acting for it in `role`; a seller is its chair ("Chủ nhiệm"); `board`: on its board."""
    n = next(_serial)
    with app.app_context():
        org = accounts.create_organization(db.session, kind=org_kind, name=f"{org_name} {n}", commune_code="30244",
                                           **org_fields)
        user = accounts.create_user(db.session, name=f"Người thử {n}", password=PASSWORD,
                                    email=f"browser{n}-{role}-{org.id}@example.test")
        accounts.add_member(db.session, org, user, role, "Chủ nhiệm" if role == "seller" else "", board=board)
        db.session.commit()
        return Member(user.email, org.id, org.name)
