"""Reading the app's pages and filling its forms in integration tests: the messages beside fields,
the verified badges, dates as the forms take them."""

from __future__ import annotations

import re

from tests.clients import post, text_of


def dmy(day) -> str:
    """day as the forms take it: day/month/year."""
    return day.strftime("%d/%m/%Y")


def error_beside(text: str, field: str) -> str | None:
    """The message in the error paragraph tied to field (id="<field>-error"), or None when there is none."""
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', text)
    return match.group(1).strip() if match else None


def refused_beside(response, field: str, message: str = "") -> str:
    """The text of a form page refused (422) with a message beside field that holds message, in the
    app's own words (never WTForms' English default)."""
    assert response.status_code == 422
    text = text_of(response)
    error = error_beside(text, field)
    assert error, f"no message beside {field}"
    assert message in error
    assert "valid choice" not in error
    return text


def verified_badges(text: str) -> list[str]:
    """The text of every green "verified" badge on a page."""
    return [b.strip() for b in re.findall(r'<span class="badge verified">([^<]*)</span>', text)]


def staff_decides(client, org_id: int, action: str, reason: str = ""):
    """Staff open an organisation's verification page and press a button: the form carries back the
    version of what the page showed."""
    page = client.get(f"/staff/verification/{org_id}").get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="seen"[^>]*>', page)
    seen = re.search(r'value="([^"]*)"', tag.group(0)).group(1) if tag else ""
    return post(client, f"/staff/verification/{org_id}", {"action": action, "reason": reason, "seen": seen})
