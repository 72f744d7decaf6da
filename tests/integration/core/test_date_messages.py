"""What a form says about an impossible date, in the reader's language (issue #16)."""

from __future__ import annotations

import pytest

from marketplace.dates import NotADate, parse_date
from marketplace.validation import date_message


def message_for(app, typed: str, lang: str) -> str:
    with pytest.raises(NotADate) as caught:
        parse_date(typed)
    with app.test_request_context(f"/?lang={lang}"):
        app.preprocess_request()
        return date_message(caught.value)


@pytest.mark.parametrize(("typed", "lang", "message"), [
    ("31/02/2026", "vi", "Tháng 2 năm 2026 không có ngày 31."),
    ("31/02/2026", "en", "February 2026 has no day 31."),
    ("30/2", "vi", "Tháng 2 không có ngày 30."),
    ("30/2", "en", "February has no day 30."),
    ("2026-13-01", "vi", "Không có tháng 13: tháng chỉ từ 1 đến 12."),
    ("2026-13-01", "en", "There is no month 13: months go from 1 to 12."),
    ("1/1/1800", "vi", "Kiểm tra lại năm: năm 1800 không thể đúng."),
    ("hôm qua", "vi", "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 15/06/2026."),
])
def test_an_impossible_date_is_named_precisely(app, typed, lang, message):
    assert message_for(app, typed, lang) == message


def test_a_date_without_its_year_asks_for_the_year(app):
    said = message_for(app, "15/8", "vi")
    assert said.startswith("Hãy ghi cả năm") and "15/08/" in said
