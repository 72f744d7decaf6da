"""The app serves its pages in Vietnamese by default and in English when asked (the catalog
itself is checked in tests/unit/core/test_translations.py)."""

from __future__ import annotations

# Navigation text on every page: (Vietnamese, English).
NAV = [("Đăng nhập", "Sign in"), ("Đăng ký", "Sign up"), ("Sản phẩm", "Products"),
       ("Người mua", "Buyers")]


def test_home_page_is_in_vietnamese_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    for vietnamese, english in NAV:
        assert vietnamese in html
        assert f">{english}<" not in html


def test_home_page_in_english_when_asked(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    for vietnamese, english in NAV:
        assert english in html
        assert f">{vietnamese}<" not in html


def test_language_can_be_switched_back_to_vietnamese(client):
    client.get("/?lang=en")
    html = client.get("/?lang=vi").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Hội quán &amp; HTX" in html or "Hội quán & HTX" in html
