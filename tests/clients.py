"""Test clients: a browser's CSRF token, form posts, signing in, reading a page's text, and the
app session to set data up in between requests (data itself comes from tests/factories.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy.orm import Session

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from tests.factories import PASSWORD


def csrf_token(client) -> str:
    """The session's CSRF token, read from the meta tag every page carries."""
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the home page"
    return match.group(1)


CSRF_TOKENS = re.compile(r'(name="csrf-token" content=|name="csrf_token"[^>]*?value=)"[^"]+"')


def without_csrf_tokens(html: str | bytes):
    """A page without its CSRF tokens, which are masked anew on every page (BREACH): to compare
    two renders of one page."""
    if isinstance(html, bytes):
        return CSRF_TOKENS.sub(r"\1", html.decode()).encode()
    return CSRF_TOKENS.sub(r"\1", html)


def post(client, path: str, data: dict | None = None, **kwargs):
    """POST a form the way a browser does: with the session's CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def login(client, user: User, password: str = PASSWORD):
    return post(client, "/login", {"identifier": user.email or user.phone, "password": password})


def signed_in(app: Flask, user: User | None = None, lang: str | None = None, *, password: str = PASSWORD):
    """A new test client of app (one browser), signed in as user when given, reading pages in lang
    when given (else the site's default, Vietnamese). The sign-in must succeed.

    Make the user in an app_session block and call this outside it (see app_session).
    """
    client = app.test_client()
    if user is not None:
        assert login(client, user, password).status_code == 302, "sign-in failed"
    if lang is not None:
        client.get(f"/?lang={lang}")
    return client


def text_of(response) -> str:
    """A response's HTML with its entities unescaped, as a reader sees the text."""
    return html.unescape(response.get_data(as_text=True))


@contextmanager
def app_session(app: Flask) -> Iterator[Session]:
    """The app's session in a short app context: set up or inspect data here, request outside.

    Flask 3.1 reuses an app context that is already pushed for the requests a test client
    makes, so a test that holds one for its whole length (the `session` fixture) shares `g`
    across all its requests and clients: the signed-in user, the locale and the CSRF token
    are then remembered from one request to the next. Tests of sessions, sign-out, languages
    or several clients set up their data in this block and make their requests after it.
    Objects made here stay usable afterwards (the session does not expire them on commit).
    """
    with app.app_context():
        yield db.session


def api_token(app: Flask, user: User, name: str = "test") -> str:
    """A committed API bearer token for user."""
    with app_session(app) as session:
        token = accounts.create_api_token(session, session.get(User, user.id), name)
        session.commit()
    return token
