"""The app serves its pages in Vietnamese by default and in English when asked (the catalog
itself is checked in tests/unit/core/test_translations.py)."""

from __future__ import annotations

import pytest

# Navigation text on every page: (Vietnamese, English).
NAV = [("Đăng nhập", "Sign in"), ("Đăng ký", "Sign up"), ("Sản phẩm", "Products"),
       ("Người mua", "Buyers")]
VIETNAMESE, ENGLISH = 0, 1


@pytest.mark.parametrize(("path", "lang", "shown", "hidden"), [
    pytest.param("/", "vi", VIETNAMESE, ENGLISH, id="vietnamese_by_default"),
    pytest.param("/?lang=en", "en", ENGLISH, VIETNAMESE, id="english_when_asked"),
])
def test_home_page_is_in_one_language(client, path, lang, shown, hidden):
    html = client.get(path).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for words in NAV:
        assert words[shown] in html
        assert f">{words[hidden]}<" not in html


def test_language_can_be_switched_back_to_vietnamese(client):
    client.get("/?lang=en")
    html = client.get("/?lang=vi").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Hội quán &amp; HTX" in html or "Hội quán & HTX" in html
