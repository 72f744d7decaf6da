"""What a notice of a new offer says, in the reader's language (registered with
marketplace.notifications when the demand blueprint is registered)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.notifications.wording import one_sentence

describe_notice = one_sentence("offer", _l("%(seller)s offers %(quantity)s for your request “%(demand)s”"))
