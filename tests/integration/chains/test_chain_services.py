"""Proposing a chain, each side's answer, orders delivered against it, and its figures equal to
counts computed independently here."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.chains import services
from marketplace.chains.models import Chain, ChainDelivery, ChainOrder, ChainParty
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.notifications.models import Notification
from marketplace.traceability.models import Lot
from tests.integration.chains.scene import active_chain, chain_input, delivered_order, lot_for, make_scene


@pytest.fixture
def scene(session):
    return make_scene()


def _user(user) -> User:
    return db.session.get(User, user.id)


def test_a_proposal_reads_what_people_type_and_plans_the_deliveries(scene) -> None:
    chain = services.propose(db.session, scene.buyer_org, _user(scene.buyer), chain_input(scene), today=scene.today)
    assert (chain.total_quantity, chain.per_delivery_quantity, chain.unit) == (60, 20, "tấn")
    assert chain.product.slug.startswith("xoai") or "xoài" in chain.product.name_vi.lower()
    assert chain.status == "proposed" and chain.buyer_accepted_at is not None
    assert [(d.due_on - scene.today).days for d in chain.deliveries] == [-20, -10, 10]
    assert [float(d.quantity) for d in chain.deliveries] == [20, 20, 20]
    assert chain.required_certificate_list == ["vietgap"]
    notified = db.session.query(Notification).filter_by(user_id=scene.seller.id, kind="chain_proposed").count()
    assert notified == 1


def test_weekly_schedule_within_the_season(scene) -> None:
    data = chain_input(scene, schedule_kind="every", every_days="10", first_delivery="", last_delivery="",
                       per_delivery_quantity="")
    chain = services.propose(db.session, scene.buyer_org, _user(scene.buyer), data, today=scene.today)
    assert len(chain.deliveries) == 10  # 90 days, every 10 days, both ends included
    assert round(sum(float(d.quantity) for d in chain.deliveries), 3) == 60


def test_every_problem_at_once_and_nothing_stored(scene) -> None:
    data = chain_input(scene, total_quantity="sáu mươi", season_to="31/02/2027", price_vnd="", party_ids=[],
                       dates="")
    with pytest.raises(ValidationError) as error:
        services.propose(db.session, scene.buyer_org, _user(scene.buyer), data, today=scene.today)
    assert {"total_quantity", "season_to", "price_vnd", "party_ids"} <= set(error.value.fields)
    assert db.session.query(Chain).count() == 0


def test_only_clubs_and_cooperatives_are_parties(scene) -> None:
    data = chain_input(scene, party_ids=[scene.buyer_org.id])
    with pytest.raises(ValidationError) as error:
        services.propose(db.session, scene.buyer_org, _user(scene.buyer), data, today=scene.today)
    assert "party_ids" in error.value.fields


def test_a_seller_cannot_propose(scene) -> None:
    with pytest.raises(PermissionDenied):
        services.propose(db.session, scene.buyer_org, _user(scene.seller), chain_input(scene), today=scene.today)


def test_acceptance_flow(scene) -> None:
    data = chain_input(scene, party_ids=[scene.coop.id, scene.other_club.id])
    chain = services.propose(db.session, scene.buyer_org, _user(scene.buyer), data, today=scene.today)
    with pytest.raises(PermissionDenied):
        services.answer(db.session, chain, _user(scene.other_buyer), accept=True)
    services.answer(db.session, chain, _user(scene.seller), accept=True)
    assert chain.status == "proposed"
    with pytest.raises(Conflict):
        services.answer(db.session, chain, _user(scene.seller), accept=True)
    services.answer(db.session, chain, _user(scene.other_seller), accept=True)
    assert chain.status == "active"
    kinds = {n.kind for n in db.session.query(Notification).filter_by(user_id=scene.buyer.id)}
    assert {"chain_accepted", "chain_active"} <= kinds


def test_a_decline_needs_a_reason_and_closes_the_proposal(scene) -> None:
    chain = services.propose(db.session, scene.buyer_org, _user(scene.buyer), chain_input(scene), today=scene.today)
    with pytest.raises(ValidationError):
        services.answer(db.session, chain, _user(scene.seller), accept=False, reason=" ")
    services.answer(db.session, chain, _user(scene.seller), accept=False, reason="Vụ này đã bán hết")
    assert chain.status == "declined"
    party = db.session.query(ChainParty).filter_by(chain_id=chain.id).one()
    assert party.decline_reason == "Vụ này đã bán hết"


def test_cancel_before_any_delivery_end_after(scene) -> None:
    chain = active_chain(scene)
    order = delivered_order(scene, on=scene.today)
    services.attach(db.session, chain, order.id, _user(scene.seller))
    with pytest.raises(Conflict):
        services.close(db.session, chain, _user(scene.buyer), action="cancel")
    services.close(db.session, chain, _user(scene.seller), action="end", reason="Hết vụ")
    assert chain.status == "ended"


def test_cancel_by_the_buyer(scene) -> None:
    chain = active_chain(scene)
    with pytest.raises(PermissionDenied):
        services.close(db.session, chain, _user(scene.other_seller), action="cancel")
    services.close(db.session, chain, _user(scene.buyer), action="cancel")
    assert chain.status == "cancelled"


def test_a_foreign_order_is_refused_with_a_clear_message(scene) -> None:
    chain = active_chain(scene)
    order = delivered_order(scene, on=scene.today)
    order.buyer_org_id = db.session.get(User, scene.other_buyer.id).memberships[0].organization_id
    db.session.flush()
    with pytest.raises(ValidationError) as error:
        services.attach(db.session, chain, order.id, _user(scene.seller))
    assert "buyer" in error.value.message or "mua" in error.value.message
    # Not one of the person's orders at all: told it does not exist between the two sides.
    with pytest.raises(ValidationError):
        services.attach(db.session, chain, order.id, _user(scene.buyer))
    other = delivered_order(scene, on=scene.today)
    other.seller_org_id = scene.other_club.id
    db.session.flush()
    with pytest.raises(ValidationError):
        services.attach(db.session, chain, other.id, _user(scene.buyer))
    good = delivered_order(scene, on=scene.today)
    services.attach(db.session, chain, good.id, _user(scene.buyer))
    with pytest.raises(ValidationError):  # one chain per order
        services.attach(db.session, chain, good.id, _user(scene.buyer))
    assert db.session.query(ChainOrder).count() == 1


def test_figures_equal_counts_computed_independently(scene) -> None:
    chain = active_chain(scene)
    due = {d.id: d.due_on for d in chain.deliveries}
    first, second, third = chain.deliveries
    plan = [  # (delivery, delivered on, lot has a code)
        (first, first.due_on - timedelta(days=1), True),  # on time, traceable
        (second, second.due_on + timedelta(days=5), True),  # late, traceable
        (third, scene.today - timedelta(days=1), False),  # on time, a lot without a code
    ]
    orders = []
    for n, (delivery, on, coded) in enumerate(plan):
        order = delivered_order(scene, on=on)
        lot_for(scene, order, f"XMX-{n}", with_code=coded)
        services.attach(db.session, chain, order.id, _user(scene.buyer), delivery_id=delivery.id)
        orders.append(order)
    pending = delivered_order(scene, on=scene.today, status="paid")  # not delivered: not counted
    services.attach(db.session, chain, pending.id, _user(scene.buyer), delivery_id=third.id)

    shown = services.view(db.session, chain, today=scene.today)
    expected_on_time = sum(1 for d, on, _c in plan if on <= due[d.id])
    expected_traceable = sum(1 for _d, _on, coded in plan if coded)
    figures = shown.figures
    assert (figures.delivered_orders, figures.on_time_orders, figures.traceable_orders) == (
        len(plan), expected_on_time, expected_traceable) == (3, 2, 2)
    assert figures.delivered_quantity == sum(20000 for _ in plan) / 1000
    assert figures.planned_total == 60
    assert figures.planned_to_date == sum(float(d.quantity) for d in chain.deliveries if d.due_on <= scene.today)
    assert (figures.on_time_percent, figures.traceable_percent) == (67, 67)
    assert not figures.with_codes_and_traceability
    third_row = shown.deliveries[2]
    reasons = [v.reason for v in third_row.orders if v.delivered_on]
    assert reasons == ["no_code"]

    # All good: the lot gets its code, the late delivery is counted for the last planned one.
    db.session.query(ChainOrder).filter_by(order_id=orders[1].id).update({"delivery_id": third.id})
    db.session.query(Lot).filter_by(code="XMX-2").update({"growing_area_id": scene.code_id})
    db.session.flush()
    db.session.expire_all()
    figures = services.view(db.session, db.session.get(Chain, chain.id), today=scene.today).figures
    assert (figures.on_time_percent, figures.traceable_percent, figures.delivered_percent) == (100, 100, 100)
    assert figures.with_codes_and_traceability
    assert services.count_with_codes_and_traceability(db.session, today=scene.today) == 1


def test_an_order_with_no_lots_is_not_traceable(scene) -> None:
    chain = active_chain(scene)
    order = delivered_order(scene, on=scene.today)
    services.attach(db.session, chain, order.id, _user(scene.buyer))
    shown = services.view(db.session, chain, today=scene.today)
    assert [v.reason for v in shown.untied] == ["no_lots"]
    assert shown.figures.traceable_orders == 0 and shown.figures.on_time_orders == 1


def test_the_buyer_places_an_order_for_a_planned_delivery(scene) -> None:
    chain = active_chain(scene)
    delivery = chain.deliveries[2]
    order = services.place(db.session, chain, delivery.id, scene.listing.id, _user(scene.buyer), "2000",
                           today=scene.today)
    assert order.seller_org_id == scene.coop.id and order.status == "requested"
    link = db.session.query(ChainOrder).filter_by(order_id=order.id).one()
    assert link.delivery_id == delivery.id
    with pytest.raises(PermissionDenied):
        services.place(db.session, chain, delivery.id, scene.listing.id, _user(scene.seller), "10", today=scene.today)
    assert db.session.get(ChainDelivery, delivery.id) is not None
    assert db.session.get(Organization, scene.coop.id) is not None
