"""The order transition table (every allowed and forbidden move), amounts and references."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import pytest

from marketplace.orders import rules

# Every move the table allows, by the status it starts from: {action: (the status it leads to, who may
# take it)}. Every other move is refused.
MOVES = {
    "requested": {"confirm": ("confirmed", {"seller"}), "decline": ("declined", {"seller"}),
                  "cancel": ("cancelled", {"buyer"}), "expire": ("expired", {"system"})},
    "confirmed": {"cancel": ("cancelled", {"buyer", "seller"}), "pay": ("paid", {"seller", "staff", "system"})},
    "paid": {"deliver": ("delivered", {"seller"})},
    "delivered": {"complete": ("completed", {"buyer", "system"})},
}
ALLOWED = {(status, action, actor): target for status, moves in MOVES.items()
           for action, (target, actors) in moves.items() for actor in actors}
ACTIONS = ("confirm", "decline", "cancel", "expire", "pay", "deliver", "complete", "refund", "")


@pytest.mark.parametrize(("status", "action", "actor"), list(product(rules.STATUSES, ACTIONS, rules.ACTORS)))
def test_every_move_of_the_table(status, action, actor):
    assert rules.next_status(status, action, actor) == ALLOWED.get((status, action, actor))


def test_final_statuses_have_no_way_out():
    for status in rules.FINAL:
        assert all(not rules.actions_for(status, actor) for actor in rules.ACTORS)


def test_unknown_status_goes_nowhere():
    assert rules.next_status("shipped", "confirm", "seller") is None


def test_actions_for_each_side():
    assert rules.actions_for("requested", "seller") == ["confirm", "decline"]
    assert rules.actions_for("requested", "buyer") == ["cancel"]
    assert rules.actions_for("confirmed", "buyer") == ["cancel"]
    assert rules.actions_for("paid", "buyer") == []
    assert rules.actions_for("delivered", "buyer") == ["complete"]


def test_releasing_statuses_are_the_ends_before_payment():
    assert rules.RELEASING == {"declined", "cancelled", "expired"}


@pytest.mark.parametrize(("status", "paid", "expected"), [
    ("requested", 0, True), ("confirmed", 0, True), ("confirmed", 1, False), ("paid", 0, False),
    ("delivered", 0, False)])
def test_cancel_only_before_money(status, paid, expected):
    assert rules.can_cancel(status, paid) is expected


@pytest.mark.parametrize(("quantity", "price", "kg", "expected"), [
    (10, 30_000, 1.0, 300_000),               # 10 kg at 30.000 ₫/kg
    (2.5, 38_000, 1000.0, 95_000_000),        # 2,5 tấn priced per kg
    (1.5, 100, 100.0, 15_000),                # 1,5 tạ at 100 ₫/kg
    (3, 120_000, None, 360_000),              # pots priced per pot
    (0.333, 10_001, 1.0, 3_330),              # 3.330,333 → 3.330
    (0.5, 3, 1.0, 2),                         # 1,5 đồng → 2 (half up)
    (0.1, 5, 1.0, 1),                         # 0,5 đồng → 1, not 0 (banker's rounding would say 0)
    (9_999_999.999, 10_000_000_000, 1000.0, 99_999_999_990_000_000_000),  # large: exact in decimal
])
def test_order_amount_in_whole_dong(quantity, price, kg, expected):
    amount = rules.order_amount(quantity, price, kg)
    assert isinstance(amount, int)
    assert amount == expected


@pytest.mark.parametrize(("amount", "deposit"), [(300_000, 90_000), (100, 30), (101, 31), (1, 1), (0, 0),
                                                 (333_333, 100_000)])
def test_deposit_is_thirty_percent_rounded_up(amount, deposit):
    assert rules.deposit_amount(amount) == deposit
    assert rules.deposit_amount(amount) * 100 >= amount * rules.DEPOSIT_PERCENT


@dataclass
class Ord:
    status: str
    amount_vnd: int
    payment_option: str = "full"
    amount_paid_vnd: int = 0


@pytest.mark.parametrize(("order", "due"), [
    (Ord("requested", 300_000), 0),
    (Ord("confirmed", 300_000), 300_000),
    (Ord("confirmed", 300_000, "deposit"), 90_000),
    (Ord("confirmed", 300_000, "deposit", 40_000), 50_000),
    (Ord("confirmed", 300_000, "full", 100_000), 200_000),
    (Ord("paid", 300_000, "deposit", 90_000), 210_000),      # the balance after a deposit
    (Ord("delivered", 300_000, "deposit", 90_000), 210_000),
    (Ord("paid", 300_000, "full", 300_000), 0),
    (Ord("completed", 300_000, "deposit", 90_000), 0),
    (Ord("cancelled", 300_000), 0),
    (Ord("declined", 300_000), 0),
    (Ord("expired", 300_000), 0),
])
def test_amount_due(order, due):
    assert rules.amount_due_vnd(order) == due


def test_paid_enough():
    assert rules.is_paid_enough(300_000, "deposit", 90_000)
    assert not rules.is_paid_enough(300_000, "deposit", 89_999)
    assert not rules.is_paid_enough(300_000, "full", 299_999)
    assert rules.is_paid_enough(300_000, "full", 300_001)


def test_reference_and_finding_it_again():
    assert rules.order_ref(123) == "CHQ-000123"
    assert rules.order_ref(1234567) == "CHQ-1234567"
    assert rules.order_ref(123).isascii()
    assert rules.refs_in("CHQ 123 DH") == [123]
    assert rules.refs_in("NGUYEN VAN A chuyen tien CHQ-000123 DH") == [123]
    assert rules.refs_in("chq000045 and CHQ 46, again CHQ-000045") == [45, 46]
    assert rules.refs_in("MBVCB.123.CHQ.77.DH") == [77]
    assert rules.refs_in("tien hang 123") == []
    assert rules.refs_in("XCHQ 12") == []
    assert rules.refs_in("CHQ 0") == []


def test_quantity_checks():
    assert rules.check_quantity(None, available=10, min_order=None).fields == {"quantity": ["required"]}
    assert rules.check_quantity(0, available=10, min_order=None).fields == {"quantity": ["positive"]}
    assert rules.check_quantity(-1, available=10, min_order=None).fields == {"quantity": ["positive"]}
    assert rules.check_quantity(2, available=10, min_order=5).fields == {"quantity": ["below_min_order"]}
    assert not rules.check_quantity(5, available=10, min_order=5)


def test_valid_ids_fit_the_database_integer():
    from marketplace.orders.rules import MAX_ID, valid_id

    assert valid_id(1) and valid_id(MAX_ID)
    assert not valid_id(0) and not valid_id(-1) and not valid_id(MAX_ID + 1) and not valid_id(10**20)
    assert not valid_id(True) and not valid_id(None) and not valid_id("5")


def test_clean_text_drops_control_characters_but_newlines_and_tabs():
    from marketplace.orders.rules import clean_text

    assert clean_text(" a\x00b\r\nc\td\x1b\x7f\x85e ") == "ab\nc\tde"
    assert clean_text(None) == "" and clean_text("Xoài cát Chu") == "Xoài cát Chu"


@dataclass
class Claimable(Ord):
    payment_claimed_at: object = None


@pytest.mark.parametrize(("order", "may"), [
    (Claimable("requested", 300_000), False),                                  # nothing to pay before confirmation
    (Claimable("confirmed", 300_000), True),
    (Claimable("confirmed", 300_000, payment_claimed_at="hôm qua"), False),    # already said, not yet answered
    (Claimable("paid", 300_000, "deposit", 90_000), True),                     # the balance after a deposit
    (Claimable("paid", 300_000, "full", 300_000), False),
    (Claimable("cancelled", 300_000), False),
])
def test_the_buyer_may_say_they_paid_while_money_is_due_and_no_claim_is_open(order, may):
    assert rules.can_claim_payment(order) is may


@pytest.mark.parametrize(("typed", "due", "differs"), [
    (22_500_000, 22_500_000, False), (2_250_000, 22_500_000, True), (300_000, 90_000, True)])
def test_an_amount_received_other_than_the_one_due_is_asked_about(typed, due, differs):
    assert rules.received_differs(typed, due) is differs
