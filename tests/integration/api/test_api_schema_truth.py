"""What Schemathesis found the OpenAPI document promising falsely (make check-api, #14), each
pinned: errors documented in the shape they are sent in, timestamps with their offset, a staff
reader's `side` documented as nullable."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.clients import api_token
from tests.integration.messaging.support import bearer, make_people, start_thread


@pytest.fixture
def people(app):
    return make_people(app)


def _document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = document["components"][kind][name]
    return node


def _error_schema(document: dict, path: str, method: str, status: str) -> dict:
    responses = document["paths"][path][method]["responses"]
    response = _resolve(document, responses.get(status) or responses["default"])
    return _resolve(document, response["content"]["application/json"]["schema"])


@pytest.mark.parametrize("path, method, status", [
    ("/api/v1/me", "get", "401"), ("/api/v1/listings", "get", "422"), ("/api/v1/orders", "post", "403"),
    ("/api/v1/orgs/{org_id}", "get", "404"), ("/api/v1/listings", "post", "422")])
def test_errors_are_documented_as_they_are_sent(client, path, method, status):
    schema = _error_schema(_document(client), path, method, status)
    assert set(schema["properties"]) == {"error", "fields"}
    assert set(schema["required"]) == {"error", "fields"}
    assert schema["properties"]["error"]["type"] == "string"
    assert schema["properties"]["fields"]["type"] == "object"
    sent = client.get("/api/v1/me").get_json()
    assert set(sent) == {"error", "fields"}


def _has_offset(text: str) -> bool:
    return datetime.fromisoformat(text).utcoffset() is not None


def test_conversation_times_carry_their_offset(app, people):
    thread = start_thread(app, people.buyer, listing_id=people.listing.id)
    client = app.test_client()
    body = client.get(f"/api/v1/conversations/{thread.id}", headers=bearer(api_token(app, people.buyer))).get_json()
    assert _has_offset(body["last_message_at"])
    assert all(_has_offset(m["created_at"]) for m in body["messages"])
    listed = client.get("/api/v1/conversations", headers=bearer(api_token(app, people.chair))).get_json()
    assert _has_offset(listed["results"][0]["last_message"]["created_at"])
    answer = client.post(f"/api/v1/conversations/{thread.id}/messages", json={"body": "Còn ạ."},
                         headers=bearer(api_token(app, people.chair)))
    assert answer.status_code == 201 and _has_offset(answer.get_json()["created_at"])


def test_an_order_time_carries_its_offset_and_its_parties_are_org_refs(app, people):
    client = app.test_client()
    created = client.post("/api/v1/orders", json={"listing_id": people.listing.id, "quantity": 5},
                          headers=bearer(api_token(app, people.buyer)))
    assert created.status_code == 201
    body = created.get_json()
    assert _has_offset(body["created_at"])
    assert set(body["buyer"]) == set(body["seller"]) == {"id", "ref", "name", "kind"}
    order_schema = _resolve(_document(client), _document(client)["paths"]["/api/v1/orders"]["post"]
                            ["responses"]["201"]["content"]["application/json"]["schema"])
    assert _resolve(_document(client), order_schema["properties"]["buyer"])["properties"].keys() == \
        {"id", "ref", "name", "kind"}


def test_a_staff_reader_has_no_side_and_the_document_allows_it(app, client, people):
    thread = start_thread(app, people.buyer, listing_id=people.listing.id)
    body = client.get(f"/api/v1/conversations/{thread.id}", headers=bearer(api_token(app, people.staff))).get_json()
    assert body["side"] is None
    conversation = _document(client)["components"]["schemas"]["Conversation"]
    assert conversation["properties"]["side"]["nullable"] is True
