"""The short-lived cache of public pages (marketplace/page_cache.py, issue #21): a visitor who is
not signed in gets the page kept from a moment ago, with a CSRF token of their own that works; a
signed-in person, a waiting message or another language gets a fresh page; after PAGE_CACHE_SECONDS
the page is made again. The suite's app runs without it (PAGE_CACHE_SECONDS=0)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import brotli
import pytest
from sqlalchemy import event

from marketplace import db
from tests.database import make_test_app

TOKEN = re.compile(rb'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def cached_app(app, tmp_path) -> Iterator:
    """A second app on the suite's database (its committed rows only) that keeps pages 60 s."""
    other = make_test_app(app.config["DATABASE_URL"], PAGE_CACHE_SECONDS=60, SEARCH_INDEX_DIR=str(tmp_path / "index"))
    yield other
    db.get_engine(other).dispose()


def _queries(app, client, path: str, **kwargs) -> tuple[int, object]:
    statements = []

    def count(*_):
        statements.append(1)

    engine = db.get_engine(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path, **kwargs)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), response


def _without_token(body: bytes) -> bytes:
    return TOKEN.sub(b"", body)


def test_a_visitor_gets_the_kept_page_with_a_token_of_their_own(cached_app):
    first_visitor, second_visitor = cached_app.test_client(), cached_app.test_client()
    made_count, made = _queries(cached_app, first_visitor, "/")
    kept_count, kept = _queries(cached_app, second_visitor, "/")
    assert made_count > 0 and kept_count == 0
    assert _without_token(kept.get_data()) == _without_token(made.get_data())
    assert TOKEN.search(kept.get_data()).group(1) != TOKEN.search(made.get_data()).group(1)
    assert "session=" in kept.headers["Set-Cookie"]
    assert kept.headers["Content-Security-Policy"] == made.headers["Content-Security-Policy"]
    again_count, again = _queries(cached_app, second_visitor, "/")  # with their session cookie now
    assert again_count == 0 and "Set-Cookie" not in again.headers  # the same session, the same token
    # The token works: the tap-to-call counter accepts it (a refused token would be a 400).
    token = TOKEN.search(again.get_data()).group(1).decode()
    assert second_visitor.post("/contact-events", data={"csrf_token": token, "channel": "phone",
                                                         "org_id": "1"}).status_code != 400


def test_each_answer_is_compressed_with_its_own_token(cached_app):
    client = cached_app.test_client(use_cookies=False)
    client.get("/")
    count, kept = _queries(cached_app, client, "/", headers={"Accept-Encoding": "br"})
    assert count == 0 and kept.headers["Content-Encoding"] == "br"
    assert TOKEN.search(brotli.decompress(kept.get_data()))


def test_a_signed_in_person_gets_a_fresh_page(cached_app):
    cached_app.test_client(use_cookies=False).get("/search?q=xoai")
    signed = cached_app.test_client()
    with signed.session_transaction() as browser_session:
        browser_session["_user_id"] = "999999"
    count, _ = _queries(cached_app, signed, "/search?q=xoai")
    assert count > 0


def test_a_waiting_message_or_another_language_gets_a_fresh_page(cached_app):
    client = cached_app.test_client()
    client.get("/")
    with client.session_transaction() as browser_session:
        browser_session["_flashes"] = [("info", "Đã lưu")]
    assert _queries(cached_app, client, "/")[0] > 0
    english = cached_app.test_client()
    assert _queries(cached_app, english, "/?lang=en")[0] > 0
    assert _queries(cached_app, english, "/?lang=en")[0] > 0  # ?lang= always renders
    count, page = _queries(cached_app, english, "/")  # English kept apart from Vietnamese
    assert b'lang="en"' in page.get_data()
    assert _queries(cached_app, english, "/")[0] == 0


def test_only_the_public_pages_are_kept(cached_app):
    client = cached_app.test_client(use_cookies=False)
    client.get("/prices")
    count, _ = _queries(cached_app, client, "/prices")
    assert count > 0


def test_the_page_is_made_again_after_its_seconds(app, tmp_path):
    brief = make_test_app(app.config["DATABASE_URL"], PAGE_CACHE_SECONDS=0.2, SEARCH_INDEX_DIR=str(tmp_path / "i"))
    try:
        client = brief.test_client(use_cookies=False)
        client.get("/")
        assert _queries(brief, client, "/")[0] == 0
        time.sleep(0.3)
        assert _queries(brief, client, "/")[0] > 0
    finally:
        db.get_engine(brief).dispose()


def test_the_suite_runs_without_it(app):
    assert app.config["PAGE_CACHE_SECONDS"] == 0
    assert "page_cache" not in app.extensions
