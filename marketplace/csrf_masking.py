"""CSRF tokens masked anew each time a page writes one, against BREACH.

Pages go out compressed (Flask-Compress), and a page that echoes what the visitor typed (a search)
and also carries a secret lets an attacker who sees only the compressed sizes guess the secret a
character at a time. Flask-WTF's signed token begins with the session's secret and changes only
in its timestamp and signature, so the same bytes came back page after page. Here each token a
page writes is the signed token XOR-ed with a fresh random pad, sent as base64url(pad + masked):
no two pages (nor two places on one page) carry the same bytes, while the server unmasks and checks
it exactly as before (as Django and Rails do).

A token without a mask (the signed token itself, which has dots that base64url never has) is still
accepted: pages opened before this change keep working, and accepting it reveals nothing.
"""

from __future__ import annotations

import base64
import binascii
import os

from flask import current_app, g

# _FlaskFormCSRF is private to Flask-WTF (the CSRF class every FlaskForm uses): there is no public
# hook to unmask the form field's token before it is checked. That is why pyproject.toml pins
# Flask-WTF exactly; on an upgrade, check that it still exists and still checks the token in
# validate_csrf_token (tests/integration/core/test_csrf_masking.py fails if not).
from flask_wtf.csrf import CSRFProtect, _FlaskFormCSRF, generate_csrf
from markupsafe import Markup

# A signed token is under 100 characters and its mask about 2.7 times that; anything much longer is
# refused as it came, without decoding it (a 600 KB "token" must not cost a decode and an XOR).
MAX_MASKED_LENGTH = 512


def mask(token: str) -> str:
    plain = token.encode("ascii")
    pad = os.urandom(len(plain))
    masked = bytes(a ^ b for a, b in zip(plain, pad, strict=True))
    return base64.urlsafe_b64encode(pad + masked).rstrip(b"=").decode("ascii")


def unmask(sent: object) -> object:
    """The signed token behind a masked one; anything that is not a masked token as it came (so
    Flask-WTF refuses it with its usual reason, or accepts an unmasked token). Not only text: a
    JSON body may carry a number or a list where the token goes."""
    if not isinstance(sent, str) or not sent or "." in sent or len(sent) > MAX_MASKED_LENGTH:
        return sent
    try:
        both = base64.urlsafe_b64decode(sent + "=" * (-len(sent) % 4))
    except (binascii.Error, ValueError):
        return sent
    half, odd = divmod(len(both), 2)
    if odd or not half:
        return sent
    try:
        return bytes(a ^ b for a, b in zip(both[:half], both[half:], strict=True)).decode("ascii")
    except UnicodeDecodeError:
        return sent


def masked_csrf_token(secret_key=None, token_key=None) -> str:
    """A new mask of this session's token at each call; every one is remembered for the request
    (marketplace/page_cache.py takes them out of a page it keeps and puts fresh ones back)."""
    token = mask(generate_csrf(secret_key=secret_key, token_key=token_key))
    g.setdefault("masked_csrf_tokens", []).append(token)
    return token


def masked_csrf_meta_tag(name=None, secret_key=None, token_key=None) -> Markup:
    name = name or current_app.config.get("WTF_CSRF_META_NAME", "csrf-token")
    return Markup('<meta name="{}" content="{}">').format(name, masked_csrf_token(secret_key, token_key))


class MaskedFormCSRF(_FlaskFormCSRF):
    """The CSRF field of every FlaskForm: writes a masked token, unmasks what comes back."""

    def generate_csrf_token(self, csrf_token_field):
        return masked_csrf_token(secret_key=self.meta.csrf_secret, token_key=self.meta.csrf_field_name)

    def validate_csrf_token(self, form, field):
        # A form read from a JSON body may hold a number where the token goes: Flask-WTF would fail
        # on it with a TypeError (a 500); anything but text is refused as a missing token.
        field.data = unmask(field.data) if isinstance(field.data, str) else ""
        super().validate_csrf_token(form, field)


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's check of every post, reading the token (form field or X-CSRFToken header) unmasked;
    `csrf_token()` in templates writes a masked one."""

    def init_app(self, app):
        super().init_app(app)
        masked = {"csrf_token": masked_csrf_token, "csrf_meta_tag": masked_csrf_meta_tag}
        app.jinja_env.globals.update(masked)
        # Flask-WTF also hands them to every template through a context processor, which wins
        # over the globals: this one, registered after, wins over it.
        app.context_processor(lambda: masked)

    def _get_csrf_token(self):
        return unmask(super()._get_csrf_token())
