"""What an answer depends on besides its object: the day it is given for, and who asks.

The day is read once per request, so every field of an answer (a listing's status, each
credential's validity) and the services the view called agree even across midnight.
"""

from __future__ import annotations

from datetime import date

from flask import request
from flask_login import current_user

from marketplace.dates import today_in_vietnam

_TODAY = "marketplace.api.today"


def today() -> date:
    # Kept in the request's environ, not `g`: a test may hold one app context over many requests.
    if _TODAY not in request.environ:
        request.environ[_TODAY] = today_in_vietnam()
    return request.environ[_TODAY]


def is_signed_in() -> bool:
    return bool(current_user.is_authenticated)
