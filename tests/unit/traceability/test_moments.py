"""When a step happened, as people type it: Vietnam's time unless it says otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from marketplace.dates import NotADate
from marketplace.traceability.lots import read_moment

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "meant"), [
    (None, NOW), ("", NOW), ("31/08/2027 07:30", datetime(2027, 8, 31, 0, 30, tzinfo=UTC)),
    ("31/08/2027 7h30", datetime(2027, 8, 31, 0, 30, tzinfo=UTC)),
    ("31/08/2027 7g", datetime(2027, 8, 31, 0, 0, tzinfo=UTC)),
    ("31/08/2027", datetime(2027, 8, 31, 5, 0, tzinfo=UTC)),  # noon in Vietnam
    ("2027-08-31T07:30:00+07:00", datetime(2027, 8, 31, 0, 30, tzinfo=UTC)),
    ("2027-08-31T07:30:00Z", datetime(2027, 8, 31, 7, 30, tzinfo=UTC)),
    (datetime(2027, 8, 31, 7, 30), datetime(2027, 8, 31, 0, 30, tzinfo=UTC))])
def test_moments(typed, meant):
    assert read_moment(typed, NOW) == meant


@pytest.mark.parametrize("typed", ["tomorrow", "31/02/2027 07:30", "31/08/2027 25:00", "31/08/2027 07:75"])
def test_not_moments(typed):
    with pytest.raises((NotADate, ValueError)):
        read_moment(typed, NOW)
