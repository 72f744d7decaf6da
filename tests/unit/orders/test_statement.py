"""Bank statement CSV: Vietnamese or English headers, BOM or not, commas or semicolons; bad
files refused with a reason."""

from __future__ import annotations

import pytest

from marketplace.orders.statement import StatementError, parse_statement


def test_vietnamese_headers_with_bom_and_semicolons():
    data = ("\ufeffNgày giao dịch;Số tiền;Nội dung giao dịch;Số bút toán\n"
            "29/11/2026;1.500.000;NGUYEN VAN A CHQ 12 DH;FT2633\n"
            "29/11/2026;-200.000;Phi dich vu;FT2634\n"
            "30/11/2026 08:15:00;90.000;CHQ-000013;FT2635\n").encode("utf-8")
    lines = parse_statement(data)
    assert [(x.number, x.day, x.amount_vnd, x.description, x.reference) for x in lines] == [
        (2, "2026-11-29", 1_500_000, "NGUYEN VAN A CHQ 12 DH", "FT2633"),
        (4, "2026-11-30", 90_000, "CHQ-000013", "FT2635"),
    ]


def test_english_headers_without_bom_and_commas():
    data = b'Date,Description,Amount\n2026-11-29,"CHQ 12 DH, payment","1,500,000"\n2026-11-29,fee,\n'
    lines = parse_statement(data)
    assert len(lines) == 1
    assert lines[0].amount_vnd == 1_500_000
    assert lines[0].description == "CHQ 12 DH, payment"
    assert lines[0].reference == ""


def test_headers_without_accents_and_credit_column():
    data = b"Ngay,Dien giai,Ghi co\n01/12/2026,CHQ 7,2000000\n"
    assert parse_statement(data)[0].amount_vnd == 2_000_000


def test_fingerprint_is_stable_and_differs_per_line():
    one = parse_statement(b"Date,Amount,Description\n2026-11-29,1000,CHQ 1\n2026-11-29,1000,CHQ 2\n")
    again = parse_statement(b"Date,Amount,Description\n2026-11-29,1000,CHQ  1\n")
    assert one[0].fingerprint == again[0].fingerprint  # white space does not matter
    assert one[0].fingerprint != one[1].fingerprint
    with_ref = parse_statement(b"Date,Amount,Description,Reference\n2026-11-29,1000,CHQ 1,FT1\n")
    assert with_ref[0].fingerprint != one[0].fingerprint


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    ("Ngày,Số tiền\n29/11/2026,1000\n".encode(), "missing_columns"),
    (b"foo,bar,baz\n1,2,3\n", "missing_columns"),
    ("Ngày,Số tiền,Nội dung\n29/11/2026,một triệu,CHQ 1\n".encode(), "bad_amount"),
    ("Ngày,Số tiền,Nội dung\n31/02/2026,1000,CHQ 1\n".encode(), "bad_date"),
    ("Ngày,Số tiền,Nội dung\n,1000,CHQ 1\n".encode(), "bad_date"),
    ("Ngày,Số tiền,Nội dung\n29/11/2026,1000,CHQ 1\n".encode("utf-16"), "not_utf8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not_utf8"),
    (b"Date,Amount,Description\n2026-11-29,1000,a\x00b\n", "not_csv"),
])
def test_bad_files_are_refused_with_a_reason(data, code):
    with pytest.raises(StatementError) as caught:
        parse_statement(data)
    assert caught.value.code == code


def test_bad_line_is_named():
    with pytest.raises(StatementError) as caught:
        parse_statement("Ngày,Số tiền,Nội dung\n29/11/2026,1000,ok\n29/11/2026,abc,CHQ 1\n".encode())
    assert caught.value.params == {"line": 3, "value": "abc"}


def test_missing_columns_are_named():
    with pytest.raises(StatementError) as caught:
        parse_statement(b"Date,Something\n2026-11-29,1\n")
    assert caught.value.params["columns"] == "amount, description"


def test_too_large_and_too_many_lines():
    with pytest.raises(StatementError) as caught:
        parse_statement(b"Date,Amount,Description\n" + b"2026-11-29,1,x\n" * 200_000)
    assert caught.value.code == "too_large"
    with pytest.raises(StatementError) as caught:
        parse_statement(b"Date,Amount,Description\n" + b"2026-11-29,1,x\n" * 5001)
    assert caught.value.code == "too_many_lines"


@pytest.mark.parametrize("amount", ["1e30", "1000000000000000000000000000000", "100000000000001"])
def test_an_amount_no_bank_line_has_is_a_bad_amount(amount):
    """Above a hundred trillion đồng: a typo, or a number the database's BIGINT cannot hold."""
    with pytest.raises(StatementError) as caught:
        parse_statement(f"Date,Amount,Description\n2026-11-29,{amount},CHQ 1\n".encode())
    assert caught.value.code == "bad_amount" and caught.value.params["line"] == 2


def test_the_largest_amount_is_read():
    [line] = parse_statement(b"Date,Amount,Description\n2026-11-29,100000000000000,CHQ 1\n")
    assert line.amount_vnd == 100_000_000_000_000


def test_a_cell_longer_than_csvs_limit_is_not_csv():
    data = b'Date,Amount,Description\n2026-11-29,1000,"' + b"x" * 200_000 + b'"\n'
    with pytest.raises(StatementError) as caught:
        parse_statement(data)
    assert caught.value.code == "not_csv"
