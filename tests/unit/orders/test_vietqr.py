"""VietQR payloads: built, then decoded by vietnam-qr-pay, with our own CRC check."""

from __future__ import annotations

import pytest
from vietnam_qr_pay import QRPay
from vietnam_qr_pay.constants.banks import BanksObject

from marketplace.orders.payments import banks
from marketplace.orders.payments.vietqr import MAX_MESSAGE, build_payload, qr_svg, transfer_message


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor), bit by bit:
    written here rather than taken from the package, so the package's CRC is checked."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def test_crc_reference_value():
    assert crc16_ccitt_false(b"123456789") == 0x29B1  # the catalogue check value


def tlv(payload: str) -> dict[str, str]:
    fields, rest = {}, payload
    while rest:
        tag, length = rest[:2], int(rest[2:4])
        fields[tag], rest = rest[4:4 + length], rest[4 + length:]
    return fields


@pytest.mark.parametrize(("bank_bin", "account", "amount", "order_id"), [
    ("970405", "1234567890123", 1_500_000, 123),
    ("970436", "0011004455667", 90_000, 1),
    ("970418", "123456", 95_000_000, 987654),
])
def test_payload_decodes_to_what_was_asked(bank_bin, account, amount, order_id):
    message = transfer_message(order_id)
    payload = build_payload(bank_bin, account, amount, message)
    assert payload.isascii()
    decoded = QRPay(payload)
    assert decoded.is_valid
    assert decoded.consumer.bank_bin == bank_bin
    assert decoded.consumer.bank_number == account
    assert decoded.amount == str(amount)
    assert decoded.currency == "704"  # VND
    assert decoded.nation == "VN"
    assert decoded.init_method == "12"  # dynamic: the amount is fixed
    assert decoded.additional_data.purpose == message
    assert f"CHQ {order_id}" in message
    # CRC over everything up to and including "6304", compared with the last four characters.
    assert payload[-8:-4] == "6304"
    assert payload[-4:] == f"{crc16_ccitt_false(payload[:-4].encode('ascii')):04X}"
    # Every length is right (ASCII: characters = bytes).
    assert tlv(payload)["63"] == payload[-4:]


def test_message_is_ascii_folded_and_short():
    payload = build_payload("970405", "1234567890", 1000, "Thanh toán đơn CHQ 12 — Hội quán Đồng Tháp dài lắm")
    decoded = QRPay(payload)
    purpose = decoded.additional_data.purpose
    assert purpose.isascii()
    assert purpose.startswith("THANH TOAN DON CHQ 12")
    assert len(purpose) <= MAX_MESSAGE
    assert decoded.is_valid


def test_transfer_message():
    assert transfer_message(123) == "CHQ 123 DH"
    assert len(transfer_message(10**9)) <= MAX_MESSAGE


def test_tampered_payload_fails_the_crc():
    payload = build_payload("970405", "1234567890", 1000, transfer_message(5))
    tampered = payload.replace("54041000", "54049000")
    assert tampered != payload
    assert not QRPay(tampered).is_valid


def test_svg_has_a_title_and_no_script():
    svg = qr_svg(build_payload("970405", "1234567890", 1000, "CHQ 5 DH"), "Mã VietQR <đơn>")
    assert svg.startswith("<svg") and "<title>Mã VietQR &lt;đơn&gt;</title>" in svg
    assert "<script" not in svg


def test_our_bank_list_agrees_with_napas_bins_in_the_package():
    known = {bank.bin: bank for bank in BanksObject.values()}
    for bank in banks.BANKS:
        assert bank.bin in known, bank
    assert len({b.bin for b in banks.BANKS}) == len(banks.BANKS)
    assert banks.bank_by_bin("970405").short_name == "Agribank"
    assert banks.bank_by_bin("000000") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("1234 5678 9012", "123456789012"), ("0011-0044.5566", "00110044 5566".replace(" ", "")),
    ("12345", None), ("12345678901234567890", None), ("12a456789", None), ("", None), (None, None)])
def test_account_numbers(text, expected):
    assert banks.normalize_account_number(text) == expected


def test_holder_as_banks_print_it():
    assert banks.normalize_holder("  Hội quán Xoài   Mỹ Xương ") == "HOI QUAN XOAI MY XUONG"
    assert banks.normalize_holder("Đặng Văn Liên") == "DANG VAN LIEN"
    assert banks.normalize_holder("HTX Nông nghiệp Tràm Chim") == "HTX NONG NGHIEP TRAM CHIM"
