"""Where sign-in sessions live: Flask's signed cookie (the default) or Redis (SESSION_REDIS_URL).

A signed cookie needs nothing shared between hosts but the SECRET_KEY, and signing out everywhere
already works through the user's `session_generation` in the database. Redis sessions are offered
for sites with several hosts that want the session's content on the server: a cookie that carries
only a random id, a session that can be ended by deleting its key, and nothing readable in the
browser. The id is renewed at every sign-in, so an id planted before it (session fixation) is worth
nothing afterwards.
"""

from __future__ import annotations

from flask import Flask, current_app, session
from flask_login import user_logged_in
from flask_session import Session
from redis import Redis

KEY_PREFIX = "chq:session:"


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
    Session(app)
    user_logged_in.connect(_new_id_at_sign_in, app)


def _new_id_at_sign_in(sender: Flask, user, **_extra) -> None:
    current_app.session_interface.regenerate(session)
