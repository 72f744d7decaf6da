"""Bank transfer by VietQR: the EMVCo payload every Vietnamese banking app scans, and its image.

vietnam-qr-pay builds the payload (and counts field lengths in characters while the CRC runs
over UTF-8 bytes), so everything put in it here is ASCII: the message is folded (no accents,
đ→d), upper case and short, and carries the order reference for the bank statement.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import segno
from flask import Flask
from vietnam_qr_pay import QRPay

from marketplace.orders import rules
from marketplace.orders.payments.bank_accounts import bank_account_of
from marketplace.orders.payments.banks import ascii_upper, bank_by_bin

MAX_MESSAGE = 25  # what most banking apps keep of a transfer message


@dataclass(frozen=True)
class TransferDetails:
    bank_bin: str
    bank_name: str
    account_number: str
    account_holder: str
    amount_vnd: int
    message: str
    payload: str


def transfer_message(order_id: int, extra: str = "DH") -> str:
    """"CHQ 123 DH": the order reference as banks keep it (letters, digits, spaces), ASCII,
    at most 25 characters. refs_in finds the order again in the statement line."""
    text = ascii_upper(f"{rules.REF_PREFIX} {order_id} {extra}")
    text = re.sub(r"[^A-Z0-9 ]", "", text)
    return text[:MAX_MESSAGE].strip()


def build_payload(bank_bin: str, account_number: str, amount_vnd: int, message: str) -> str:
    """The VietQR string (EMVCo TLV with CRC-16/CCITT-FALSE), dynamic with the amount."""
    text = ascii_upper(message)[:MAX_MESSAGE]
    if not text.isascii():  # pragma: no cover - ascii_upper guarantees it
        raise ValueError("VietQR fields must be ASCII")
    qr = QRPay.init_viet_qr(bank_bin=bank_bin, bank_number=account_number,
                            amount=str(int(amount_vnd)) if amount_vnd else None, purpose=text or None)
    return qr.build()


def details(account, order) -> TransferDetails | None:
    """What the buyer transfers for this order now, or None when nothing is due."""
    amount = rules.amount_due_vnd(order)
    if account is None or amount <= 0:
        return None
    bank = bank_by_bin(account.bank_bin)
    message = transfer_message(order.id)
    return TransferDetails(bank_bin=account.bank_bin, bank_name=bank.short_name if bank else account.bank_bin,
                           account_number=account.account_number, account_holder=account.account_holder,
                           amount_vnd=amount, message=message,
                           payload=build_payload(account.bank_bin, account.account_number, amount, message))


def qr_svg(payload: str, title: str) -> str:
    """An inline SVG of the QR code (no external image, the CSP allows it), with a title for
    screen readers."""
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True,
                                         title=title, svgclass="vietqr-code", omitsize=True, encoding="utf-8")
    # role="img" with its <title>: one image with an accessible name (SVG-AAM), not a group.
    return out.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" ', 1)


class BankTransfer:
    name = "vietqr"

    def available(self, app: Flask) -> bool:
        return True

    def offered_for(self, db, order) -> bool:
        return rules.amount_due_vnd(order) > 0 and bank_account_of(db, order.seller_org_id) is not None
