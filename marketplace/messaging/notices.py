"""What a notice of a new message says, in the reader's language (registered with
marketplace.notifications when the messaging blueprint is registered)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.notifications.wording import one_sentence

describe_notice = one_sentence("message", _l("%(org)s wrote about “%(subject)s”: %(excerpt)s"))
