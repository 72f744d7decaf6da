"""GET /api/v1/fairs and /api/v1/fairs/{id}/catalog (every response checked against the OpenAPI
document by conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from marketplace.dates import today_in_vietnam
from marketplace.fairs.models import Catalog, Fair
from marketplace.listings import services as listings
from tests.clients import app_session
from tests.integration.fairs.catalog_support import make_fair, make_world


def _world(app):
    with app_session(app) as session:
        world = make_world()
        make_fair(name="Hội chợ nháp", status="draft")
        session.commit()
        return world


def test_published_fairs_with_their_catalogs(app, client):
    world = _world(app)
    body = client.get("/api/v1/fairs").get_json()
    assert body["total"] == 1
    fair = body["results"][0]
    assert fair["id"] == world.fair.id and fair["name"] == "Hội chợ Trái cây Đồng Tháp thử"
    assert fair["starts_on"] == (today_in_vietnam() + timedelta(days=20)).isoformat()
    assert fair["commune"]["code"] == "30244" and fair["kind"] == "fair"
    assert [c["slug"] for c in fair["catalogs"]] == [world.catalog.slug]
    assert fair["catalogs"][0]["pdf"].endswith(f"/catalogs/{world.catalog.slug}.pdf")


def test_a_fairs_catalog_with_sections_entries_listings_booths_and_notes(app, client):
    world = _world(app)
    with app_session(app) as session:
        listings.get_listing(session, world.pomelo.id).quantity_available = 0
        session.commit()
    sent = client.get(f"/api/v1/fairs/{world.fair.id}/catalog")
    assert sent.status_code == 200
    body = sent.get_json()
    assert body["title"] == "Catalô Hội chợ Trái cây" and body["fair_id"] == world.fair.id
    assert [s["title"] for s in body["sections"]] == ["Trái cây", "Sen"]
    mango, pomelo = body["sections"][0]["entries"]
    assert mango["listing"]["id"] == world.mango.id and mango["listing"]["variety"] == "cát Hòa Lộc"
    assert mango["booth_number"] == "A-07" and mango["note"] == "Xoài loại 1, giao tận nơi"
    assert mango["listing"]["ocop_stars"] == 4 and mango["state"] == "on_sale"
    assert mango["org"]["name"] == "Hội quán xoài Mỹ Xương"
    assert pomelo["state"] == "sold_out" and pomelo["listing"]["status"] == "sold_out"
    assert pomelo["booth_number"] is None


def test_no_catalog_for_a_draft_fair_a_draft_catalog_or_no_fair(app, client):
    world = _world(app)
    assert client.get("/api/v1/fairs/999999/catalog").status_code == 404
    with app_session(app) as session:
        session.get(Catalog, world.catalog.id).status = "draft"
        session.commit()
    assert client.get(f"/api/v1/fairs/{world.fair.id}/catalog").status_code == 404
    assert client.get("/api/v1/fairs").get_json()["results"][0]["catalogs"] == []
    with app_session(app) as session:
        session.get(Catalog, world.catalog.id).status = "published"
        session.get(Fair, world.fair.id).status = "draft"
        session.commit()
    assert client.get(f"/api/v1/fairs/{world.fair.id}/catalog").status_code == 404
    assert client.get("/api/v1/fairs").get_json() == {"total": 0, "results": []}
