"""What a saved-search alert says, in the reader's language (registered with
marketplace.notifications when the alerts blueprint is registered)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.notifications.wording import one_sentence

describe_notice = one_sentence("alert", _l("New for your saved search “%(search)s”: %(title)s"))
