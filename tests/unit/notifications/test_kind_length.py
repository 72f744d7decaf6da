"""A notice kind longer than its column is refused on every database (PostgreSQL alone would refuse it
otherwise, and #20's first concern kinds, 21 characters, reached it unnoticed)."""

from __future__ import annotations

import pytest

from marketplace.notifications.models import KIND_LENGTH, Notification, OutgoingMail


def test_a_kind_longer_than_its_column_is_refused():
    assert Notification(kind="x" * KIND_LENGTH).kind == "x" * KIND_LENGTH
    with pytest.raises(ValueError, match="longer than 20"):
        Notification(kind="club_concern_answered")
    with pytest.raises(ValueError):
        OutgoingMail(kind="y" * (KIND_LENGTH + 1))
