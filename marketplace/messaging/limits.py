"""Rate limits on talking, per user, shared by the pages and the API (one budget, two doors)."""

from __future__ import annotations

from flask import current_app, g
from flask_limiter.util import get_remote_address
from flask_login import current_user

from marketplace.extensions import limiter


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


new_conversations = limiter.shared_limit(lambda: current_app.config["CONVERSATION_RATE_LIMIT"],
                                         scope="new-conversations", key_func=_user_key, methods=["POST"])


def _started(_response) -> bool:
    return bool(g.get("conversation_started"))


def started() -> None:
    """The request did start a conversation (a booking sent): it spends the budget below."""
    g.conversation_started = True


# The same budget as new_conversations, spent only when the view says it started one (a form sent
# back with its problems spends nothing).
new_conversations_started = limiter.shared_limit(lambda: current_app.config["CONVERSATION_RATE_LIMIT"],
                                                 scope="new-conversations", key_func=_user_key, methods=["POST"],
                                                 deduct_when=_started)
messages = limiter.shared_limit(lambda: current_app.config["MESSAGE_RATE_LIMIT"], scope="messages",
                                key_func=_user_key, methods=["POST"])
contact_taps = limiter.shared_limit("60 per hour", scope="contact-taps", key_func=_user_key, methods=["POST"])
