"""JSON API v1: index, authentication by bearer token or session, error shapes, org lookups,
contact details for signed-in callers only, and the OpenAPI document."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from marketplace.accounts.models import ApiToken
from tests.clients import api_token, app_session, login
from tests.factories import make_org, make_user


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def seller(app):
    with app_session(app):
        return make_user("seller", name="Chủ nhiệm Thử")


@pytest.fixture
def token(app, seller) -> str:
    return api_token(app, seller)


def test_index(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "Chợ Hội Quán"
    assert body["version"] == "v1"
    assert body["openapi"] == "/api/v1/openapi.json"


def test_me_without_auth_is_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.is_json
    assert response.get_json() == {"error": "Vui lòng đăng nhập trước.", "fields": {}}


def test_me_with_a_bearer_token(client, seller, token):
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == seller.id
    assert body["email"] == seller.email
    assert body["name"] == "Chủ nhiệm Thử"
    assert [m["role"] for m in body["memberships"]] == ["seller"]
    assert body["memberships"][0]["organization"]["kind"] == "club"
    assert "password_hash" not in body


def test_token_does_not_make_a_session(client, token):
    client.get("/api/v1/me", headers=bearer(token))
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/account").status_code == 302


def test_token_only_counts_under_api(client, token):
    assert client.get("/account", headers=bearer(token)).status_code == 302


def test_me_with_the_web_session(client, seller):
    login(client, seller)
    assert client.get("/api/v1/me").get_json()["id"] == seller.id


@pytest.mark.parametrize("header", [
    "Bearer chq_not-a-real-token-0000000000000000000000",
    "Bearer not-even-our-prefix",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "chq_without_scheme",
])
def test_unknown_tokens_are_401(client, token, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert set(response.get_json()) == {"error", "fields"}


def test_revoked_token_is_401(app, client, token):
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    with app_session(app) as session:
        record = session.scalars(select(ApiToken)).all()[-1]
        assert token.startswith(record.prefix)
        record.revoked_at = datetime.now(UTC)
        session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_token_of_an_inactive_user_is_401(app, client, seller, token):
    with app_session(app) as session:
        session.get(type(seller), seller.id).active = False
        session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_only_the_digest_is_stored(app, token):
    with app_session(app) as session:
        stored = [(t.token_hash, t.prefix) for t in session.scalars(select(ApiToken))]
    assert all(token not in digest for digest, _prefix in stored)
    assert any(token.startswith(prefix) for _digest, prefix in stored)


@pytest.mark.parametrize("path", ["/api/v1/orgs/999999", "/api/v1/no-such-thing"])
def test_404_is_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error", "fields"}
    assert isinstance(body["error"], str) and body["error"]
    assert body["fields"] == {}


def test_json_errors_follow_the_language(client):
    assert client.get("/api/v1/me?lang=en").get_json()["error"] == "Please sign in first."


def test_405_is_json(client, token):
    response = client.delete("/api/v1/", headers=bearer(token))
    assert response.status_code == 405
    assert set(response.get_json()) == {"error", "fields"}
    assert "GET" in response.headers["Allow"]


@pytest.fixture
def club(app):
    with app_session(app) as session:
        org = make_org("club", name="Hội quán API", ref="hq-api-thu", phone="0912003003",
                       zalo="0912003003", email="hq-api@example.vn", commune_code="30244")
        session.commit()
        return org


def test_org_lookup_by_ref(client, club):
    response = client.get("/api/v1/orgs?ref=hq-api-thu")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1
    [org] = body["results"]
    assert org["id"] == club.id
    assert org["ref"] == "hq-api-thu"
    assert org["name"] == "Hội quán API"
    assert org["kind"] == "club"
    assert org["commune"] == {"code": "30244", "name": "Xã Phú Hựu", "province": "Đồng Tháp"}


def test_org_lookup_by_unknown_ref_is_empty(client, club):
    assert client.get("/api/v1/orgs?ref=no-such-ref").get_json() == {"total": 0, "results": []}


def test_orgs_filtered_by_kind(client, club):
    body = client.get("/api/v1/orgs?kind=club").get_json()
    assert body["total"] == len(body["results"]) >= 1
    assert {org["kind"] for org in body["results"]} == {"club"}


def test_contact_fields_hidden_from_anonymous_callers(client, club):
    for org in (client.get("/api/v1/orgs?ref=hq-api-thu").get_json()["results"][0],
                client.get(f"/api/v1/orgs/{club.id}").get_json()):
        assert not {"phone", "zalo", "email"} & set(org)
        assert org["name"] == "Hội quán API"


def test_contact_fields_shown_to_token_holders(client, club, token):
    for org in (client.get("/api/v1/orgs?ref=hq-api-thu", headers=bearer(token)).get_json()["results"][0],
                client.get(f"/api/v1/orgs/{club.id}", headers=bearer(token)).get_json()):
        assert org["phone"] == "0912003003"
        assert org["zalo"] == "0912003003"
        assert org["email"] == "hq-api@example.vn"


def test_contact_fields_shown_to_signed_in_browsers(client, club, seller):
    login(client, seller)
    assert client.get(f"/api/v1/orgs/{club.id}").get_json()["phone"] == "0912003003"


def test_communes_lookup(client):
    body = client.get("/api/v1/places/communes?q=phu huu&limit=3").get_json()
    assert body["total"] == len(body["results"]) == 3
    assert body["results"][0] == {"code": "30244", "name": "Xã Phú Hựu", "province": "Đồng Tháp"}


@pytest.mark.parametrize("query", ["limit=0", "limit=51", "limit=abc", "q=xa&limit=-1"])
def test_invalid_query_is_422_with_field_messages(client, query):
    response = client.get(f"/api/v1/places/communes?{query}")
    assert response.status_code == 422
    body = response.get_json()
    assert set(body) == {"error", "fields"}
    assert body["error"] == "Một số ô chưa đúng, vui lòng xem lại."
    assert list(body["fields"]) == ["limit"]
    assert all(isinstance(m, str) for m in body["fields"]["limit"])


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.get_data(as_text=True))
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Chợ Hội Quán API"
    assert document["info"]["version"] == "v1"
    assert {"/api/v1/", "/api/v1/me", "/api/v1/orgs", "/api/v1/orgs/{org_id}",
            "/api/v1/places/communes"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    parameters = {p["name"] for p in document["paths"]["/api/v1/places/communes"]["get"]["parameters"]}
    assert {"q", "limit"} <= parameters


def test_openapi_document_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = set(document["paths"])
    routes = {rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
              for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.")}
    assert routes <= documented
