"""Every state an order can reach tells someone: send_notices reads the table without a fallback,
so a status added without its notice fails here, not silently in the worker."""

from __future__ import annotations

from marketplace.orders import rules
from marketplace.orders.notices import NOTICES


def test_every_status_but_a_cancellation_has_its_notice_and_side():
    assert set(NOTICES) == set(rules.STATUSES) - {"cancelled"}
    assert {side for _kind, side in NOTICES.values()} == {"buyer", "seller"}
    targets = {target for target, _actors in rules.TRANSITIONS.values()}
    assert targets - {"cancelled"} <= set(NOTICES)
