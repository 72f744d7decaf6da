"""A booth fee paid by card through the fake Stripe server (webhook-only, idempotent, checked
against the session we opened) and by a bank transfer staff record."""

from __future__ import annotations

import json

from sqlalchemy import select

from marketplace.fairs import applications as booths
from marketplace.fairs import editing
from marketplace.fairs.models import BoothApplication, BoothCheckout
from marketplace.notifications.models import Notification
from marketplace.orders.payments.models import StripeEvent
from marketplace.orders.payments.stripe import StripeCheckout
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.integration.fairs.helpers import (
    STANDARD_FEE,
    apply_for,
    make_exhibitor,
    make_fair,
    make_organiser,
    make_staff,
    reload,
)
from tests.integration.payments.helpers import deliver, variant


def _approved(app, n: int):
    """An approved application with the standard fee due, its chair and staff."""
    with app_session(app) as session:
        fair = make_fair(organiser=make_organiser())
        club, chair = make_exhibitor(n)
        staff = make_staff()
        application = apply_for(fair, club, chair)
        booths.decide(session, session.get(BoothApplication, application.id), "approve", staff)
        session.commit()
    return application, chair, staff


def _open_session(app, chair, application) -> str:
    client = signed_in(app, chair)
    response = client.post(f"/fairs/applications/{application.id}/pay/card", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303, text_of(response)
    with app_session(app) as session:
        [checkout] = session.scalars(select(BoothCheckout).where(BoothCheckout.application_id == application.id))
        assert response.headers["Location"] == checkout.url
        # A second click goes to the same open session
        again = client.post(f"/fairs/applications/{application.id}/pay/card", data={"csrf_token": csrf_token(client)})
        assert again.headers["Location"] == checkout.url
        assert checkout.amount_vnd == STANDARD_FEE
        return checkout.session_id


def _kinds(app, user) -> list[str]:
    with app_session(app) as session:
        return [n.kind for n in session.scalars(select(Notification).where(Notification.user_id == user.id))]


def test_a_card_payment_confirms_the_booth_once(stripe_app, fake_stripe):
    application, chair, _staff = _approved(stripe_app, 40)
    session_id = _open_session(stripe_app, chair, application)
    assert fake_stripe.session(session_id)["amount_total"] == STANDARD_FEE
    payload = fake_stripe.complete(session_id)
    client = stripe_app.test_client()
    response = deliver(client, payload, fake_stripe.webhook_secret)
    assert response.get_json()["outcome"] == "recorded"
    paid = reload(stripe_app, BoothApplication, application.id)
    assert (paid.status, paid.payment_method, paid.payment_reference) == ("confirmed", "card", session_id)
    assert _kinds(stripe_app, chair) == ["booth_approved", "booth_confirmed"]
    # The same event again, and another event about the same session: nothing more
    assert deliver(client, payload, fake_stripe.webhook_secret).get_json()["outcome"] == "duplicate"
    other = variant(payload, type="checkout.session.async_payment_succeeded")
    assert deliver(client, other, fake_stripe.webhook_secret).get_json()["outcome"] == "already_recorded"
    assert _kinds(stripe_app, chair) == ["booth_approved", "booth_confirmed"]
    page = signed_in(stripe_app, chair).get(f"/fairs/applications/{application.id}/paid?session_id={session_id}")
    assert 'data-testid="card-confirmed"' in page.get_data(as_text=True)


def test_a_fair_cancelled_after_the_session_opened_takes_no_fee(stripe_app, fake_stripe):
    """Paid anyway: the money is not applied (the worker refunds it) and the booth stays unconfirmed."""
    application, chair, _staff = _approved(stripe_app, 43)
    session_id = _open_session(stripe_app, chair, application)
    with app_session(stripe_app) as session:
        editing.cancel(session, session.get(BoothApplication, application.id).fair)
        session.commit()
    response = deliver(stripe_app.test_client(), fake_stripe.complete(session_id), fake_stripe.webhook_secret)
    assert response.get_json()["outcome"] == "not_payable"
    assert reload(stripe_app, BoothApplication, application.id).status == "approved"
    client = signed_in(stripe_app, chair)
    again = client.post(f"/fairs/applications/{application.id}/pay/card", data={"csrf_token": csrf_token(client)})
    assert again.status_code != 303  # no new session: nothing is due


def test_another_amount_is_not_applied(stripe_app, fake_stripe):
    application, chair, _staff = _approved(stripe_app, 41)
    session_id = _open_session(stripe_app, chair, application)
    payload = variant(fake_stripe.complete(session_id), amount_total=STANDARD_FEE - 1)
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.get_json()["outcome"] == "amount_mismatch"
    assert reload(stripe_app, BoothApplication, application.id).status == "approved"
    with app_session(stripe_app) as session:
        [event] = session.scalars(select(StripeEvent))
        assert event.refund_status == "pending"  # the worker gives the money back


def test_a_session_we_did_not_open_is_not_applied(stripe_app, fake_stripe):
    application, _chair, _staff = _approved(stripe_app, 42)
    other_site = StripeCheckout(fake_stripe.api_key, api_base=fake_stripe.base_url, site="https://other.example")
    opened = other_site.create_session(order_id=application.id, order_ref="GH", title="x", amount_vnd=STANDARD_FEE,
                                       attempt=1, success_url="https://other.example/ok",
                                       cancel_url="https://other.example/no", subject="booth")
    payload = fake_stripe.complete(opened.id)
    assert json.loads(payload)["data"]["object"]["metadata"]["booth_id"] == str(application.id)
    response = deliver(stripe_app.test_client(), payload, fake_stripe.webhook_secret)
    assert response.get_json()["outcome"] == "unknown_session"
    assert reload(stripe_app, BoothApplication, application.id).status == "approved"


def test_a_transfer_recorded_by_staff_confirms_the_booth(app):
    application, chair, staff = _approved(app, 43)
    page = signed_in(app, chair).get(f"/fairs/applications/{application.id}")
    html = page.get_data(as_text=True)
    assert 'data-testid="vietqr"' in html and f"CHQ GH {application.id}" in html and "1234567890123" in html
    client = signed_in(app, chair)
    assert client.post(f"/staff/fairs/applications/{application.id}/received",
                       data={"csrf_token": csrf_token(client)}).status_code == 403
    client = signed_in(app, staff)
    staff_page = client.get(f"/staff/fairs/{application.fair_id}/applications?status=approved")
    assert f"CHQ GH {application.id}" in text_of(staff_page)
    response = client.post(f"/staff/fairs/applications/{application.id}/received",
                           data={"csrf_token": csrf_token(client), "reference": "FT2612345"})
    assert response.status_code == 302
    paid = reload(app, BoothApplication, application.id)
    assert (paid.status, paid.payment_method, paid.payment_reference) == ("confirmed", "transfer", "FT2612345")
    assert _kinds(app, chair) == ["booth_approved", "booth_confirmed"]
    # Recorded twice: told, nothing changes
    client.post(f"/staff/fairs/applications/{application.id}/received",
                data={"csrf_token": csrf_token(client), "reference": "again"})
    assert reload(app, BoothApplication, application.id).payment_reference == "FT2612345"
