"""The public pages as a visitor who is not signed in sees them, kept for PAGE_CACHE_SECONDS (issue #21).

The home, search, listing, request and organisation pages are the same for every visitor who is not
signed in, but for the language and the CSRF token every page carries (for the tap-to-call counter
and the forms). Such a page is rendered once, kept per web process for a moment (1 s by default)
with its tokens taken out, and answered again with the visitor's own token put back (masked
anew in each place, marketplace/csrf_masking.py): under a crowd
the page is rendered about once a second instead of once a request, and each visitor still gets a
session and a token of their own. The answer is compressed afterwards, as any other.

Only a visitor whose session holds nothing but a CSRF token and a chosen language, and who sends
no other cookie and no Authorization header, is answered from here; a signed-in person, a waiting
message (flash), `?lang=` in the address, anything else in the session: a fresh page. So people
who just changed something see it at once; a visitor sees it at most PAGE_CACHE_SECONDS late.
A page is kept only if it went out 200 and not private or no-store. PAGE_CACHE_SECONDS=0 turns it
off (the tests do, except the ones of this module).
"""

from __future__ import annotations

import threading

from cachetools import TTLCache
from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale

from marketplace.csrf_masking import masked_csrf_token

CACHED_ENDPOINTS = frozenset({"main.home", "search.results", "listings.show", "demand.show", "main.organization"})
# What a visitor's session holds before signing in: the token, the language, Flask-Login's
# `_fresh: False` (its session protection marks any session without a sign-in so), and the
# `_permanent` flag that server-side session stores (Flask-Session) add.
ANONYMOUS_SESSION_KEYS = frozenset({"csrf_token", "lang", "_fresh", "_permanent"})
MAX_PAGES = 512  # per web process: a few MB at most
TOKEN_SLOT = b"\x00csrf-token\x00"  # where the token was: NULs a template never writes
# Set again for each answer: by the session, the compression and the security headers.
NOT_KEPT_HEADERS = frozenset({"set-cookie", "content-length", "content-encoding", "vary", "etag"})


class PageCache:
    def __init__(self, seconds: float, max_pages: int = MAX_PAGES) -> None:
        self.pages: TTLCache = TTLCache(maxsize=max_pages, ttl=seconds)
        self.lock = threading.Lock()  # TTLCache is not safe across threads (gunicorn --threads)

    def get(self, key):
        with self.lock:
            return self.pages.get(key)

    def put(self, key, page) -> None:
        with self.lock:
            self.pages[key] = page


def _key() -> tuple | None:
    """This request's key, or None when its page may differ from what another visitor gets."""
    if request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS or "lang" in request.args:
        return None
    cookie_name = current_app.config["SESSION_COOKIE_NAME"]
    if "Authorization" in request.headers or set(request.cookies) - {cookie_name}:
        return None
    if set(session) - ANONYMOUS_SESSION_KEYS or session.get("_fresh"):
        return None
    return request.host_url, request.full_path, session.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]


def _shareable(response: Response) -> bool:
    cache_control = response.headers.get("Cache-Control", "")
    return (response.status_code == 200 and not response.is_streamed and response.mimetype == "text/html"
            and "Content-Encoding" not in response.headers
            and "private" not in cache_control and "no-store" not in cache_control)


def init_app(app: Flask) -> None:
    """Register after every other hook (create_app does, last): the other before_request steps run
    for a kept page too (they may count a visit), and, as Flask runs after_request steps last
    registered first, the page is kept before it is compressed and each answer is compressed with
    its own token."""
    seconds = float(app.config.get("PAGE_CACHE_SECONDS", 0) or 0)
    if seconds <= 0:
        return
    cache = PageCache(seconds)
    app.extensions["page_cache"] = cache

    @app.before_request
    def answer_from_cache():
        key = _key()
        if key is None:
            return None
        kept = cache.get(key)
        if kept is None:
            g.page_cache_key = key
            return None
        g.page_cache_hit = True
        body, status, headers = kept
        if TOKEN_SLOT in body:  # each place gets a mask of its own, as on a rendered page
            parts = body.split(TOKEN_SLOT)
            body = b"".join(part + masked_csrf_token().encode() for part in parts[:-1]) + parts[-1]
        return Response(body, status=status, headers=headers)

    @app.after_request
    def keep_page(response: Response) -> Response:
        key = g.pop("page_cache_key", None)
        if key is None or g.get("page_cache_hit") or not _shareable(response):
            return response
        if str(get_locale() or "") != key[2]:
            return response  # the page came out in another language than the key says
        body = response.get_data()
        for token in g.get("masked_csrf_tokens", ()):  # each written with a mask of its own
            body = body.replace(token.encode(), TOKEN_SLOT)
        headers = [(name, value) for name, value in response.headers.items() if name.lower() not in NOT_KEPT_HEADERS]
        cache.put(key, (body, response.status_code, headers))
        return response
