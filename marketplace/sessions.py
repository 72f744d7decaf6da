"""Where sign-in sessions live: Flask's signed cookie (the default) or Redis (SESSION_REDIS_URL).

A signed cookie needs nothing shared between hosts but the SECRET_KEY, and signing out everywhere
already works through the user's `session_generation` in the database. Redis sessions are offered
for sites with several hosts that want the session's content on the server: a cookie that carries
only a random id, a session that can be ended by deleting its key, and nothing readable in the
browser. The id is renewed at every sign-in — the form's, and the one a "keep me signed in" cookie
makes when a browser comes back — so an id planted before it (session fixation) is worth nothing
afterwards. A visitor's session (it holds the CSRF token every page carries) lives
12 hours in Redis (PERMANENT_SESSION_LIFETIME), so that visitors and crawlers cannot
fill the Redis the rate limits share; the "keep me signed in" cookie covers longer sign-ins.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, session
from flask_login import user_loaded_from_cookie, user_logged_in
from flask_session import Session
from redis import Redis

KEY_PREFIX = "chq:session:"
REDIS_SESSION_LIFETIME = timedelta(hours=12)


def init_app(app: Flask) -> None:
    url = app.config.get("SESSION_REDIS_URL")
    if not url:
        return
    app.config.update(
        SESSION_TYPE="redis",
        SESSION_REDIS=Redis.from_url(url),
        SESSION_KEY_PREFIX=KEY_PREFIX,
        # As with the cookie: the browser forgets the session when it closes (the "remember me"
        # cookie is Flask-Login's own); Redis forgets it after PERMANENT_SESSION_LIFETIME.
        SESSION_PERMANENT=False,
    )
    app.config["PERMANENT_SESSION_LIFETIME"] = REDIS_SESSION_LIFETIME
    Session(app)
    user_logged_in.connect(_new_id_at_sign_in, app)
    user_loaded_from_cookie.connect(_new_id_at_sign_in, app)


def _new_id_at_sign_in(sender: Flask, user, **_extra) -> None:
    current_app.session_interface.regenerate(session)
