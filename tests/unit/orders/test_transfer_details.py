"""What a buyer is asked to transfer for an order: the amount due now, to the seller's account, or
nothing at all (no QR code) when nothing is due or the seller has no account."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marketplace.orders.payments.vietqr import details

ACCOUNT = SimpleNamespace(bank_bin="970436", account_number="0011004455667", account_holder="HOI QUAN XOAI")


def _order(status: str, *, amount: int = 1_000_000, paid: int = 0, option: str = "full"):
    return SimpleNamespace(id=123, status=status, amount_vnd=amount, amount_paid_vnd=paid, payment_option=option)


def test_the_deposit_due_is_what_the_code_asks_for():
    transfer = details(ACCOUNT, _order("confirmed", option="deposit"))
    assert transfer is not None
    assert (transfer.amount_vnd, transfer.bank_name, transfer.message) == (300_000, "Vietcombank", "CHQ 123 DH")
    assert "300000" in transfer.payload and "0011004455667" in transfer.payload


@pytest.mark.parametrize("order", [
    _order("requested"),  # the seller has not confirmed: nothing to pay yet
    _order("confirmed", paid=1_000_000),  # paid in full already
    _order("cancelled"),
    _order("completed", paid=300_000),  # settled between the two sides
], ids=["requested", "paid in full", "cancelled", "completed"])
def test_nothing_due_means_no_transfer_details(order):
    assert details(ACCOUNT, order) is None


def test_no_bank_account_means_no_transfer_details():
    assert details(None, _order("confirmed")) is None
