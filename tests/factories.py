"""Small builders for test data, through the same services the app uses."""

from __future__ import annotations

import itertools
import re

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)

ROLE_ORG_KIND = {"seller": "club", "buyer": "supermarket", "staff": "agency", "admin": "agency"}


def make_org(kind: str = "club", name: str | None = None, commune_code: str | None = "30244",
             **fields) -> Organization:
    n = next(_counter)
    return accounts.create_organization(db.session, kind=kind, name=name or f"Tổ chức thử {n}",
                                        commune_code=commune_code, **fields)


def make_user(role: str | None = "seller", org: Organization | None = None, *, email: str | None = None,
              phone: str | None = None, name: str = "Người thử", password: str = PASSWORD) -> User:
    n = next(_counter)
    user = accounts.create_user(db.session, name=name, password=password,
                                email=email or (None if phone else f"user{n}@example.test"), phone=phone)
    if role is not None:
        org = org or make_org(ROLE_ORG_KIND[role])
        accounts.add_member(db.session, org, user, role)
    db.session.commit()
    return user


def csrf_token(client) -> str:
    """The session's CSRF token, read from the meta tag every page carries."""
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the home page"
    return match.group(1)


def post(client, path: str, data: dict | None = None, **kwargs):
    """POST a form the way a browser does: with the session's CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def login(client, user: User, password: str = PASSWORD):
    return post(client, "/login", {"identifier": user.email or user.phone, "password": password})


__all__ = ["PASSWORD", "csrf_token", "login", "make_org", "make_user", "post"]
