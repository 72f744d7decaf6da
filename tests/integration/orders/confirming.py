"""Placing an order the way a browser does: the form shows the confirmation page, whose "Place
the order" button sends what the page carries (the total shown, the page's key)."""

from __future__ import annotations

import html
import re

from marketplace.dates import today_in_vietnam
from marketplace.orders import lifecycle as orders
from tests.clients import app_session, post


def carried(page: str) -> dict[str, str]:
    """The hidden values a confirmation page sends with "Place the order"."""
    form = page[page.index('data-testid="order-summary"'):]
    found = re.findall(r'<input[^>]*name="(quantity|note|expected_amount_vnd|placing_key)"[^>]*value="([^"]*)"', form)
    values = {name: html.unescape(value) for name, value in found}
    note = re.search(r'<textarea[^>]*name="note"[^>]*>([^<]*)</textarea>', form)
    if note:
        values["note"] = html.unescape(note.group(1)).removeprefix("\n")
    return values


def confirm(client, path: str, data: dict | None = None):
    """The confirmation page for an order form sent to `path` (nothing is placed)."""
    response = post(client, path, data)
    assert response.status_code == 200, response.status_code
    assert 'data-testid="place-order"' in response.get_data(as_text=True)
    return response


def place_confirmed(client, path: str, data: dict | None = None, **kwargs):
    """Send the form, then press "Place the order" on the page it shows."""
    page = confirm(client, path, data).get_data(as_text=True)
    return post(client, path, {**carried(page), "step": "place"}, **kwargs)


def confirmed_order(app, listing_id: int, buyer_org, buyer, seller, quantity: str):
    """An order placed through the service and confirmed by the seller; committed."""
    with app_session(app) as session:
        today = today_in_vietnam()
        order = orders.place_order(session, listing_id, session.merge(buyer_org), session.merge(buyer), quantity,
                                   today=today)
        orders.change(session, order, "confirm", actor="seller", user=session.merge(seller), today=today)
        session.commit()
        return order
