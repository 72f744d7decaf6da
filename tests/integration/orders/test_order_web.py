"""Order pages and the API over HTTP: who may see and do what, forms that keep what was typed,
VietQR on the order page, transfers received, statements and receipts."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order, Payment
from marketplace.orders.payments import bank_accounts
from tests.clients import api_token, app_session, post, signed_in
from tests.factories import make_listing, make_org, make_user
from tests.integration.orders.confirming import place_confirmed

ROLES = ("buyer_of_order", "other_buyer", "seller_of_listing", "other_seller", "staff", "anonymous")


@pytest.fixture
def world(app):
    """Two buyers and two clubs; the first club's listing, ordered by the first buyer (requested),
    and a bank account for the first club."""
    with app_session(app) as session:
        club, other_club = make_org("club", name="Hội quán Xoài đơn hàng"), make_org("club")
        buyer_org, other_buyer_org = make_org("supermarket", name="Siêu thị đơn hàng"), make_org("trader")
        users = {"buyer_of_order": make_user("buyer", buyer_org), "other_buyer": make_user("buyer", other_buyer_org),
                 "seller_of_listing": make_user("seller", club), "other_seller": make_user("seller", other_club),
                 "staff": make_user("staff")}
        listing = make_listing(club, quantity="100", price_vnd="30000", min_order="5")
        order = orders.place_order(session, listing.id, buyer_org, users["buyer_of_order"], "10",
                                   today=today_in_vietnam())
        bank_accounts.save_bank_account(session, club, bank_bin="970405", account_number="1234567890123",
                                        account_holder="Hội quán Xoài")
        session.commit()
        return SimpleNamespace(club=club, other_club=other_club, buyer_org=buyer_org, users=users, listing=listing, order=order)


def client_for(app, world, role):
    return signed_in(app, None if role == "anonymous" else world.users[role])


def status_of(app, order_id):
    with app_session(app) as session:
        return session.get(Order, order_id).status


PARTIES = {"buyer_of_order", "seller_of_listing", "staff"}
# (method, path template, roles let in) for every order route.
ROUTES = [
    ("GET", "/orders/{order}", PARTIES),
    ("GET", "/orders/{order}/receipt", PARTIES),
    ("POST", "/orders/{order}/confirm", {"seller_of_listing"}),
    ("POST", "/orders/{order}/decline", {"seller_of_listing"}),
    ("POST", "/orders/{order}/cancel", {"buyer_of_order", "seller_of_listing"}),
    ("POST", "/orders/{order}/deliver", {"seller_of_listing"}),
    ("POST", "/orders/{order}/complete", {"buyer_of_order"}),
    ("POST", "/orders/{order}/payment-option", {"buyer_of_order"}),
    ("POST", "/orders/{order}/received", {"seller_of_listing", "staff"}),
    ("GET", "/orgs/{club}/bank", {"seller_of_listing"}),
    ("GET", "/orgs/{club}/statement", {"seller_of_listing", "staff"}),
    ("POST", "/listings/{listing}/order", {"buyer_of_order", "other_buyer"}),
    ("GET", "/api/v1/orders/{order}", PARTIES),
    ("GET", "/orders", {"buyer_of_order", "other_buyer", "seller_of_listing", "other_seller", "staff"}),
]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_order_route(app, world, role):
    """Every order route for the order's buyer, another buyer, the listing's seller, another
    seller, staff and a visitor (one client per role, routes in turn: a state change by an earlier
    route may refuse a later one with a message, never with 403)."""
    client = client_for(app, world, role)
    failures = []
    for method, path, allowed in ROUTES:
        url = path.format(order=world.order.id, club=world.club.id, listing=world.listing.id)
        response = client.get(url) if method == "GET" else post(client, url, {"quantity": "5"})
        code = response.status_code
        if role == "anonymous":
            if not (code == 401 or (code == 302 and "/login" in response.headers["Location"])):
                failures.append(f"{method} {url}: anonymous got {code}")
        elif role in allowed:
            if code in (401, 403, 404) or code >= 500:
                failures.append(f"{method} {url}: {role} should be let in, got {code}")
        elif code != 403:
            failures.append(f"{method} {url}: {role} should get 403, got {code}")
    assert not failures, "\n".join(failures)


def test_a_missing_order_is_404(app, world):
    client = client_for(app, world, "staff")
    assert client.get("/orders/999999").status_code == 404
    assert client.get("/api/v1/orders/999999").status_code == 404
    assert post(client, "/orders/999999/confirm").status_code == 404


def test_orders_list_shows_both_sides(app, world):
    buyer = client_for(app, world, "buyer_of_order")
    page = buyer.get("/orders?lang=en").get_data(as_text=True)
    assert world.order.ref in page and "Seller: Hội quán Xoài đơn hàng" in page
    seller = client_for(app, world, "seller_of_listing")
    page = seller.get("/orders?lang=en").get_data(as_text=True)
    assert world.order.ref in page and "Buyer: Siêu thị đơn hàng" in page
    other = client_for(app, world, "other_buyer")
    assert world.order.ref not in other.get("/orders").get_data(as_text=True)
    assert 'data-testid="orders-link"' in page


def test_order_form_keeps_what_was_typed_and_says_why_in_vietnamese(app, world):
    buyer = client_for(app, world, "buyer_of_order")
    page = buyer.get(f"/listings/{world.listing.id}").get_data(as_text=True)
    assert 'data-testid="order-submit"' in page
    response = post(buyer, f"/listings/{world.listing.id}/order", {"quantity": "2", "note": "giao sáng"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Số lượng đặt tối thiểu là 5 kg" in page or "tối thiểu" in page
    assert 'value="2"' in page and "giao sáng" in page
    response = post(buyer, f"/listings/{world.listing.id}/order?lang=en", {"quantity": "500"})
    assert response.status_code == 409
    assert "Only 90 kg left" in response.get_data(as_text=True)
    with app_session(app) as session:
        assert session.get(Listing, world.listing.id).quantity_available == 90  # nothing half-done


def test_the_order_form_needs_its_csrf_token(app, world):
    buyer = client_for(app, world, "buyer_of_order")
    response = buyer.post(f"/listings/{world.listing.id}/order", data={"quantity": "5"})
    assert response.status_code == 400


def test_confirm_then_the_buyer_sees_the_vietqr_code_and_bank_details(app, world):
    seller = client_for(app, world, "seller_of_listing")
    buyer = client_for(app, world, "buyer_of_order")
    assert 'data-testid="vietqr-code"' not in buyer.get(f"/orders/{world.order.id}").get_data(as_text=True)
    assert post(seller, f"/orders/{world.order.id}/confirm").status_code == 302
    assert status_of(app, world.order.id) == "confirmed"
    page = buyer.get(f"/orders/{world.order.id}?lang=en").get_data(as_text=True)
    assert '<svg role="img"' in page and "<title>VietQR code to pay CHQ-" in page
    assert "1234567890123" in page and "HOI QUAN XOAI" in page and "300,000" in page
    assert f"CHQ {world.order.id} DH" in page
    assert "_card_payment" not in page  # no card without a Stripe key
    # A second confirm (another tab) is told, not applied twice.
    response = post(seller, f"/orders/{world.order.id}/confirm?lang=en", follow_redirects=True)
    assert "not possible from the order" in response.get_data(as_text=True)


def test_deposit_changes_the_amount_in_the_code(app, world):
    seller = client_for(app, world, "seller_of_listing")
    buyer = client_for(app, world, "buyer_of_order")
    post(seller, f"/orders/{world.order.id}/confirm")
    assert post(buyer, f"/orders/{world.order.id}/payment-option", {"payment_option": "deposit"}).status_code == 302
    page = buyer.get(f"/orders/{world.order.id}").get_data(as_text=True)
    assert "90.000" in page
    with app_session(app) as session:
        assert session.get(Order, world.order.id).payment_option == "deposit"


def test_seller_records_a_transfer_once(app, world):
    seller = client_for(app, world, "seller_of_listing")
    post(seller, f"/orders/{world.order.id}/confirm")
    page = seller.get(f"/orders/{world.order.id}").get_data(as_text=True)
    assert 'data-testid="mark-received"' in page
    bad = post(seller, f"/orders/{world.order.id}/received?lang=en", {"amount_vnd": "nhiều", "token": "t1"})
    assert bad.status_code == 422 and "nhiều" in bad.get_data(as_text=True)
    assert post(seller, f"/orders/{world.order.id}/received", {"amount_vnd": "300.000", "token": "t1"}).status_code == 302
    assert status_of(app, world.order.id) == "paid"
    again = post(seller, f"/orders/{world.order.id}/received", {"amount_vnd": "300.000", "token": "t1"})
    assert again.status_code == 422  # nothing is due now
    with app_session(app) as session:
        assert len(session.scalars(select(Payment).where(Payment.order_id == world.order.id)).all()) == 1


def statement_csv(*lines: str) -> tuple[io.BytesIO, str]:
    text = "\ufeffNgày giao dịch;Số tiền;Nội dung\n" + "\n".join(lines) + "\n"
    return io.BytesIO(text.encode("utf-8")), "saoke.csv"


def test_statement_upload_marks_paid_and_never_twice(app, world):
    seller = client_for(app, world, "seller_of_listing")
    post(seller, f"/orders/{world.order.id}/confirm")
    with app_session(app) as session:
        second = orders.place_order(session, world.listing.id, world.buyer_org, world.users["buyer_of_order"], "20",
                                    today=today_in_vietnam())
        orders.change(session, second, "confirm", actor="seller", user=world.users["seller_of_listing"],
                      today=today_in_vietnam())
        session.commit()
        second_id = second.id
    lines = (f"29/11/2026;300.000;NGUYEN VAN A CHQ {world.order.id} DH",
             f"29/11/2026;100.000;CHQ {second_id} DH tra truoc",  # less than the 600.000 due
             "29/11/2026;50.000;tien dien")
    response = post(seller, f"/orgs/{world.club.id}/statement?lang=en",
                    {"statement": statement_csv(*lines)}, content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Marked paid (1)" in page and "Not matched (2)" in page
    assert "less than the 600,000 ₫ due" in page and "No order reference of yours" in page
    assert status_of(app, world.order.id) == "paid"
    assert status_of(app, second_id) == "confirmed"
    again = post(seller, f"/orgs/{world.club.id}/statement?lang=en", {"statement": statement_csv(*lines)},
                 content_type="multipart/form-data")
    assert "Marked paid (0)" in again.get_data(as_text=True)
    with app_session(app) as session:
        assert session.get(Order, world.order.id).amount_paid_vnd == 300_000


def test_statement_of_another_club_does_not_touch_our_orders(app, world):
    seller = client_for(app, world, "seller_of_listing")
    post(seller, f"/orders/{world.order.id}/confirm")
    other_club_id = world.other_club.id
    other = client_for(app, world, "other_seller")
    response = post(other, f"/orgs/{other_club_id}/statement?lang=en",
                    {"statement": statement_csv(f"29/11/2026;300.000;CHQ {world.order.id}")},
                    content_type="multipart/form-data")
    assert "Marked paid (0)" in response.get_data(as_text=True)
    assert status_of(app, world.order.id) == "confirmed"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty"),
    (b"Date,Amount\n2026-11-29,1000\n", "Columns not found: description"),
    ("Ngày,Số tiền,Nội dung\n29/11/2026,abc,CHQ 1\n".encode(), "Line 2: “abc” is not an amount"),
    ("Ngày,Số tiền,Nội dung\n29/11/2026,1000,CHQ 1\n".encode("utf-16"), "not UTF-8"),
])
def test_bad_statement_files_get_a_clear_message(app, world, content, message):
    staff = client_for(app, world, "staff")
    response = post(staff, f"/orgs/{world.club.id}/statement?lang=en",
                    {"statement": (io.BytesIO(content), "bad.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_bad_statement_in_vietnamese(app, world):
    staff = client_for(app, world, "staff")
    response = post(staff, f"/orgs/{world.club.id}/statement", {"statement": (io.BytesIO(b""), "x.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Tệp trống" in response.get_data(as_text=True) or "trống" in response.get_data(as_text=True)


def test_bank_account_form(app, world):
    seller = client_for(app, world, "seller_of_listing")
    bad = post(seller, f"/orgs/{world.club.id}/bank?lang=en",
               {"bank_bin": "970405", "account_number": "12ab", "account_holder": "Nguyễn Văn Tư"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "6 to 19 digits" in page and "Nguyễn Văn Tư" in page
    ok = post(seller, f"/orgs/{world.club.id}/bank", {"bank_bin": "970436", "account_number": "0011 0044 55",
                                                     "account_holder": "Nguyễn Văn Tư"})
    assert ok.status_code == 302
    with app_session(app) as session:
        account = bank_accounts.bank_account_of(session, world.club.id)
        assert (account.bank_bin, account.account_number, account.account_holder) == \
            ("970436", "0011004455", "NGUYEN VAN TU")


def test_receipt_has_both_parties_lines_payments_and_history(app, world):
    seller = client_for(app, world, "seller_of_listing")
    post(seller, f"/orders/{world.order.id}/confirm")
    post(seller, f"/orders/{world.order.id}/received", {"amount_vnd": "300000", "token": "r1"})
    buyer = client_for(app, world, "buyer_of_order")
    page = buyer.get(f"/orders/{world.order.id}/receipt?lang=en").get_data(as_text=True)
    for text in ("Order summary CHQ-", "Hội quán Xoài đơn hàng", "Siêu thị đơn hàng", "10 kg", "30,000 ₫ / kg",
                 "300,000 ₫", "recorded by the seller", "Waiting for the seller", "Confirmed, waiting for payment", "Paid"):
        assert text in page, text
    assert "@media print" in app.test_client().get("/static/css/site.css").get_data(as_text=True)


def test_ordering_an_accepted_offer_from_the_request_page(app, world):
    from tests.factories import make_demand, make_offer

    with app_session(app) as session:
        demand = make_demand(world.buyer_org, quantity="5", unit="tấn")
        offer = make_offer(demand, world.club, "2", price_vnd="40000")
        offer.status = "accepted"
        session.commit()
        offer_id, demand_id = offer.id, demand.id
    buyer = client_for(app, world, "buyer_of_order")
    assert f'data-testid="order-offer-{offer_id}"' in buyer.get(f"/demand/{demand_id}").get_data(as_text=True)
    response = place_confirmed(buyer, f"/offers/{offer_id}/order")
    assert response.status_code == 302 and "/orders/" in response.headers["Location"]
    again = post(buyer, f"/offers/{offer_id}/order?lang=en", follow_redirects=True)
    assert "already ordered" in again.get_data(as_text=True)
    other = client_for(app, world, "other_buyer")
    assert post(other, f"/offers/{offer_id}/order").status_code == 403


# -- API ------------------------------------------------------------------------------------------

def api(app, user):
    token = api_token(app, user)
    client = app.test_client()
    return client, {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def test_api_order_201_409_422_403_404(app, world):
    client, headers = api(app, world.users["other_buyer"])
    created = client.post("/api/v1/orders", json={"listing_id": world.listing.id, "quantity": 5}, headers=headers)
    assert created.status_code == 201
    body = created.get_json()
    assert {k: body[k] for k in ("status", "quantity", "amount_vnd", "listing_id", "unit")} == \
        {"status": "requested", "quantity": 5.0, "amount_vnd": 150_000, "listing_id": world.listing.id, "unit": "kg"}
    assert body["ref"] == f"CHQ-{body['id']:06d}" and isinstance(body["id"], int)

    too_much = client.post("/api/v1/orders?lang=en", json={"listing_id": world.listing.id, "quantity": "86"},
                           headers=headers)
    assert too_much.status_code == 409
    assert too_much.get_json() == {"error": "Only 85 kg left: order at most that.",
                                   "fields": {"quantity": ["Only 85 kg left: order at most that."]}}
    for payload, field in (({"listing_id": world.listing.id, "quantity": 2}, "quantity"),
                           ({"listing_id": world.listing.id, "quantity": "abc"}, "quantity"),
                           ({"listing_id": world.listing.id}, "quantity"),
                           ({"listing_id": "x", "quantity": 5}, "listing_id"),
                           ({"quantity": 5}, "listing_id")):
        response = client.post("/api/v1/orders?lang=en", json=payload, headers=headers)
        assert response.status_code == 422, payload
        assert field in response.get_json()["fields"], payload
    assert client.post("/api/v1/orders", json={"listing_id": 999999, "quantity": 5}, headers=headers).status_code == 404

    seller_client, seller_headers = api(app, world.users["other_seller"])
    denied = seller_client.post("/api/v1/orders", json={"listing_id": world.listing.id, "quantity": 5},
                                headers=seller_headers)
    assert denied.status_code == 403 and set(denied.get_json()) == {"error", "fields"}
    assert app.test_client().post("/api/v1/orders", json={"listing_id": world.listing.id, "quantity": 5}
                                  ).status_code == 401

    mine = client.get(f"/api/v1/orders/{body['id']}", headers=headers)
    assert mine.status_code == 200 and mine.get_json()["amount_due_vnd"] == 0
    assert client.get(f"/api/v1/orders/{world.order.id}", headers=headers).status_code == 403
    assert seller_client.get(f"/api/v1/orders/{body['id']}", headers=seller_headers).status_code == 403
    club_client, club_headers = api(app, world.users["seller_of_listing"])
    assert club_client.get(f"/api/v1/orders/{body['id']}", headers=club_headers).get_json()["id"] == body["id"]


def test_api_orders_are_in_the_openapi_document(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "post" in spec["paths"]["/api/v1/orders"]
    assert "get" in spec["paths"]["/api/v1/orders/{order_id}"]
    responses = spec["paths"]["/api/v1/orders"]["post"]["responses"]
    assert {"201", "409", "422", "403"} <= set(responses)


def test_orders_cli_expire_runs_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["orders", "expire"])
    assert result.exit_code == 0, result.output
    assert "reminders" in result.output and "expired" in result.output
    with app_session(app) as session:
        db.session.rollback()
        assert session is not None


# -- what a caller cannot break: drafts, huge ids, NUL characters, receipts, declines, statements --

def test_a_draft_listing_is_not_found_to_order(app, world):
    """A draft is visible only to its club's managers: ordering it says 404, not the draft's
    title, quantity and price in a 409."""
    with app_session(app):
        draft = make_listing(world.club, product="xoài", quantity="77", price_vnd="41000", publish=False,
                             variety="Bản nháp bí mật")
    buyer = client_for(app, world, "buyer_of_order")
    for data in ({"quantity": "5"}, {"quantity": ""}, {}):
        response = post(buyer, f"/listings/{draft.id}/order", data)
        assert response.status_code == 404, data
        assert "Bản nháp bí mật" not in response.get_data(as_text=True)
    seller = client_for(app, world, "other_seller")
    assert post(seller, f"/listings/{draft.id}/order", {"quantity": "5"}).status_code == 404
    client, headers = api(app, world.users["other_buyer"])
    response = client.post("/api/v1/orders", json={"listing_id": draft.id, "quantity": 5}, headers=headers)
    assert response.status_code == 404
    assert "Bản nháp" not in response.get_data(as_text=True) and "41" not in response.get_json()["error"]


HUGE = ["2147483648", "99999999999999999999"]


@pytest.mark.parametrize("number", HUGE)
def test_ids_past_the_integer_range_are_404_not_500(app, world, number):
    staff = client_for(app, world, "staff")
    for path in (f"/orders/{number}", f"/orders/{number}/receipt", f"/api/v1/orders/{number}",
                 f"/orgs/{number}/statement"):
        assert staff.get(path).status_code == 404, path
    seller = client_for(app, world, "seller_of_listing")
    assert seller.get(f"/orgs/{number}/bank").status_code == 404
    assert post(seller, f"/orders/{number}/confirm").status_code == 404
    assert post(seller, f"/orders/{number}/received", {"amount_vnd": "1"}).status_code == 404
    buyer = client_for(app, world, "buyer_of_order")
    for path in (f"/listings/{number}/order", f"/offers/{number}/order", f"/orders/{number}/payment-option",
                 f"/orders/{number}/pay/card"):
        assert post(buyer, path, {"quantity": "5"}).status_code == 404, path
    assert buyer.get(f"/orders/{number}/paid").status_code == 404


@pytest.mark.parametrize("listing_id", [10**20, str(10**20), 2_147_483_648, float("inf")],
                         ids=["int", "string", "just past", "infinity"])
def test_api_listing_ids_past_the_integer_range_are_422(app, world, listing_id):
    client, headers = api(app, world.users["other_buyer"])
    body = json.dumps({"listing_id": listing_id, "quantity": 5})  # Infinity, as Python writes it
    response = client.post("/api/v1/orders", data=body, headers=headers | {"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "listing_id" in response.get_json()["fields"]


def test_a_nul_in_the_note_is_dropped_not_a_500(app, world):
    buyer = client_for(app, world, "other_buyer")
    response = place_confirmed(buyer, f"/listings/{world.listing.id}/order", {"quantity": "5", "note": "giao\x00 sáng"})
    assert response.status_code == 302
    client, headers = api(app, world.users["other_buyer"])
    created = client.post("/api/v1/orders", json={"listing_id": world.listing.id, "quantity": 5,
                                                  "note": "cổng\u0000 sau\u0007"}, headers=headers)
    assert created.status_code == 201
    with app_session(app) as session:
        notes = session.scalars(select(Order.note).where(Order.buyer_org_id != world.buyer_org.id)).all()
    assert sorted(notes) == ["cổng sau", "giao sáng"]


def _receipt(app, world, role):
    return client_for(app, world, role).get(f"/orders/{world.order.id}/receipt").get_data(as_text=True)


def test_the_receipt_shows_the_bank_account_only_once_money_is_due(app, world):
    # Requested: nothing is due yet, so the buyer does not see where the club is paid.
    assert "1234567890123" not in _receipt(app, world, "buyer_of_order")
    assert "1234567890123" in _receipt(app, world, "seller_of_listing")
    assert "1234567890123" in _receipt(app, world, "staff")
    post(client_for(app, world, "buyer_of_order"), f"/orders/{world.order.id}/cancel")
    assert status_of(app, world.order.id) == "cancelled"
    assert "1234567890123" not in _receipt(app, world, "buyer_of_order")  # order, cancel, read: no


def test_the_receipt_shows_the_bank_account_while_due_and_after_payment(app, world):
    seller = client_for(app, world, "seller_of_listing")
    post(seller, f"/orders/{world.order.id}/confirm")
    assert "1234567890123" in _receipt(app, world, "buyer_of_order")
    post(seller, f"/orders/{world.order.id}/received", {"amount_vnd": "300000", "token": "rc"})
    assert status_of(app, world.order.id) == "paid"
    page = _receipt(app, world, "buyer_of_order")
    assert "1234567890123" in page
    assert "· bên bán ghi nhận</li>" in page  # the provider in words, as on the order page, not "manual"
    assert "manual" not in page


def test_decline_asks_first_and_carries_a_reason_the_buyer_sees(app, world):
    seller = client_for(app, world, "seller_of_listing")
    page = seller.get(f"/orders/{world.order.id}?lang=en").get_data(as_text=True)
    # The decline button is folded away with an optional reason: a second step without script.
    step = page[page.index('data-testid="decline-step"'):]
    step = step[:step.index("</details>")]
    assert "<summary" in step and 'name="note"' in step and 'data-testid="decline"' in step
    assert page.count('data-testid="decline"') == 1 and 'data-testid="confirm"' in page
    response = post(seller, f"/orders/{world.order.id}/decline", {"note": "Hết xoài loại 1\x00 tuần này"})
    assert response.status_code == 302
    assert status_of(app, world.order.id) == "declined"
    buyer_page = client_for(app, world, "buyer_of_order").get(f"/orders/{world.order.id}?lang=en")
    html = buyer_page.get_data(as_text=True)
    assert "Reason for declining" in html and "Hết xoài loại 1 tuần này" in html
    assert "Hết xoài loại 1 tuần này" in _receipt(app, world, "buyer_of_order")


def test_a_decline_reason_too_long_is_said_and_nothing_changes(app, world):
    seller = client_for(app, world, "seller_of_listing")
    response = post(seller, f"/orders/{world.order.id}/decline?lang=en", {"note": "x" * 1001},
                    follow_redirects=True)
    assert "This text is too long" in response.get_data(as_text=True)
    assert status_of(app, world.order.id) == "requested"


def test_a_reason_is_kept_only_for_a_decline(app, world):
    buyer = client_for(app, world, "buyer_of_order")
    post(buyer, f"/orders/{world.order.id}/cancel", {"note": "không phải lý do"})
    with app_session(app) as session:
        assert session.get(Order, world.order.id).events[-1].note == ""


@pytest.mark.parametrize(("content", "message"), [
    ("Ngày,Số tiền,Nội dung\n29/11/2026,1e30,CHQ 1\n".encode(), "Line 2: “1e30” is not an amount"),
    ("Ngày,Số tiền,Nội dung\n29/11/2026,1000000000000000000000000,CHQ 1\n".encode(), "is not an amount"),
    ("Ngày,Số tiền,Nội dung\n29/11/2026,1000,\"".encode() + b"x" * 200_000 + b'"\n', "This is not a CSV file"),
])
def test_statement_amounts_too_large_and_huge_cells_are_refused_not_a_500(app, world, content, message):
    seller = client_for(app, world, "seller_of_listing")
    post(seller, f"/orders/{world.order.id}/confirm")
    response = post(seller, f"/orgs/{world.club.id}/statement?lang=en",
                    {"statement": (io.BytesIO(content), "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert status_of(app, world.order.id) == "confirmed"


def test_statement_above_the_balance_says_what_was_not_recorded(app, world):
    seller = client_for(app, world, "seller_of_listing")
    post(seller, f"/orders/{world.order.id}/confirm")
    response = post(seller, f"/orgs/{world.club.id}/statement?lang=en",
                    {"statement": statement_csv(f"29/11/2026;400.000;CHQ {world.order.id} DH")},
                    content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "Marked paid (1)" in page and "100,000 ₫ more than the order's balance" in page
    with app_session(app) as session:
        assert session.get(Order, world.order.id).amount_paid_vnd == 300_000


def test_a_forged_form_token_with_a_nul_is_not_a_500(app, world):
    seller = client_for(app, world, "seller_of_listing")
    post(seller, f"/orders/{world.order.id}/confirm")
    response = post(seller, f"/orders/{world.order.id}/received", {"amount_vnd": "300000", "token": "t\x00\x07ok"})
    assert response.status_code == 302
    with app_session(app) as session:
        [payment] = session.scalars(select(Payment).where(Payment.order_id == world.order.id)).all()
    assert payment.reference == "manual:tok"
