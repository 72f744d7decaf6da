"""GET /api/v1/chains/{id}: terms, parties, deliveries and figures for the chain's two sides and
staff; 404 for anyone else (every response checked against the OpenAPI document by conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from marketplace.chains.models import ChainOrder
from tests.clients import api_token, app_session
from tests.integration.chains.scene import active_chain, delivered_order, lot_for, make_scene


def _get(client, token: str, path: str):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_a_chain_with_its_deliveries_and_figures(app, client):
    with app_session(app) as session:
        scene = make_scene()
        chain = active_chain(scene)
        first, second, third = chain.deliveries
        for n, (delivery, on, coded) in enumerate([(first, first.due_on, True),
                                                   (second, second.due_on + timedelta(days=2), True),
                                                   (third, scene.today, False)]):
            order = delivered_order(scene, on=on)
            lot_for(scene, order, f"API-{n}", with_code=coded)
            session.add(ChainOrder(chain_id=chain.id, order_id=order.id, delivery_id=delivery.id))
        session.commit()
        chain_id = chain.id
    body = _get(client, api_token(app, scene.buyer), f"/api/v1/chains/{chain_id}").get_json()
    assert body["status"] == "active" and body["unit"] == "tấn" and body["total_quantity"] == 60
    assert body["buyer"]["name"] == "Siêu thị Xanh"
    assert [p["status"] for p in body["parties"]] == ["accepted"]
    assert body["required_certificates"] == ["vietgap"]
    assert [len(d["orders"]) for d in body["deliveries"]] == [1, 1, 1]
    last = body["deliveries"][2]["orders"][0]
    assert (last["traceable"], last["trace_reason"], last["lots"][0]["code"]) == (False, "no_code", "API-2")
    figures = body["figures"]
    assert (figures["delivered_orders"], figures["on_time_orders"], figures["traceable_orders"]) == (3, 2, 2)
    assert figures["delivered_quantity"] == 60 and figures["delivered_percent"] == 100
    assert figures["with_codes_and_traceability"] is False
    assert _get(client, api_token(app, scene.seller), f"/api/v1/chains/{chain_id}").status_code == 200
    assert _get(client, api_token(app, scene.staff), f"/api/v1/chains/{chain_id}").status_code == 200


def test_anyone_else_is_told_it_does_not_exist(app, client):
    with app_session(app):
        scene = make_scene()
        chain_id = active_chain(scene).id
    for outsider in (scene.other_buyer, scene.other_seller):
        assert _get(client, api_token(app, outsider), f"/api/v1/chains/{chain_id}").status_code == 404
    assert _get(client, api_token(app, scene.buyer), "/api/v1/chains/999999999").status_code == 404
    assert client.get(f"/api/v1/chains/{chain_id}").status_code == 401
