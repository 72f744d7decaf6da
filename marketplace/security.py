"""Request-level security: response headers, CSRF with API tokens in mind, who is signed in."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.extensions import csrf, login_manager

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Paths that third parties POST to and that prove themselves another way.
CSRF_EXEMPT_PREFIXES = ("/payments/stripe/webhook",)
# Posted by mail programs (RFC 8058 one-click unsubscribe): the signed token in the URL is the proof.
CSRF_EXEMPT_ENDPOINTS = frozenset({"messaging.mail_off"})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def init_app(app: Flask) -> None:
    @login_manager.user_loader
    def load_user(session_id: str):
        return accounts.load_user_from_session_id(db.session, session_id)

    @login_manager.request_loader
    def load_user_from_request(req):
        token = bearer_token()
        if token and req.path.startswith("/api/"):
            user = accounts.user_for_api_token(db.session, token)
            if user is not None:
                g.authenticated_by_token = True
            return user
        return None

    @app.before_request
    def check_csrf():
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return
        if request.path.startswith(CSRF_EXEMPT_PREFIXES) or request.endpoint in CSRF_EXEMPT_ENDPOINTS:
            return
        # A bearer token is not sent by browsers on their own, so it cannot be forged
        # cross-site; requests that rely on the session cookie must carry the CSRF token.
        # A caller with neither has no authority to abuse: the view answers 401, not a CSRF 400.
        if request.path.startswith("/api/"):
            user = current_user._get_current_object()  # runs the loaders: session first, then token
            if g.get("authenticated_by_token") or not user.is_authenticated:
                return
        csrf.protect()

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["APP_ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Public files are the same for everyone: looking up the user would add "Vary: Cookie".
        if request.endpoint in ("static", "media.photo"):
            return response
        if current_user.is_authenticated and "Cache-Control" not in headers:
            headers["Cache-Control"] = "private, no-store"
        return response
