"""The check every API test's responses go through (conftest.py) is real: the served document is
valid OpenAPI, a true response passes, and a response the document does not promise is caught."""

from __future__ import annotations

import json

import pytest
from flask import Response
from openapi_core.validation.response.exceptions import ResponseValidationError
from openapi_spec_validator import validate as validate_document

from tests.clients import app_session
from tests.factories import make_listing, make_org
from tests.integration.api.openapi_check import DOCUMENT_PATH, check_response
from tests.integration.fairs.catalog_support import make_world


def test_the_served_document_is_valid_openapi(client):
    document = client.get(DOCUMENT_PATH).get_json()
    validate_document(document)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/listings/{listing_id}" in document["paths"]
    assert {"/api/v1/fairs", "/api/v1/fairs/{fair_id}/catalog"} <= set(document["paths"])


@pytest.fixture
def listing_id(app) -> int:
    with app_session(app) as session:
        listing = make_listing(make_org("club"), "xoài", variety="cát Chu")
        session.commit()
        return listing.id


def _answered(client, listing_id: int):
    sent = client.get(f"/api/v1/listings/{listing_id}")
    assert sent.status_code == 200
    return sent


def _changed(sent, body=None, *, status: int | None = None, mimetype: str = "application/json") -> Response:
    """The response the app sent, with one thing made wrong."""
    text = sent.get_data(as_text=True) if body is None else json.dumps(body)
    return Response(text, status=status or sent.status_code, mimetype=mimetype)


def test_a_true_response_passes(client, openapi_document, listing_id):
    sent = _answered(client, listing_id)
    check_response(openapi_document, sent.request, sent)


@pytest.mark.parametrize("change", [
    pytest.param(lambda body: body | {"id": "12"}, id="a number sent as text"),
    pytest.param(lambda body: body | {"quantity": None}, id="null where the document says never"),
    pytest.param(lambda body: body | {"org": {**body["org"], "id": [1]}}, id="a nested field of the wrong type"),
    pytest.param(lambda body: body | {"certificates": {}}, id="an object where a list is promised"),
    pytest.param(lambda body: body | {"available_from": "31/12/2026"}, id="a date not in ISO form"),
])
def test_a_body_the_document_does_not_promise_is_caught(client, openapi_document, listing_id, change):
    sent = _answered(client, listing_id)
    with pytest.raises(ResponseValidationError):
        check_response(openapi_document, sent.request, _changed(sent, change(sent.get_json())))


def test_a_wrong_content_type_is_caught(client, openapi_document, listing_id):
    sent = _answered(client, listing_id)
    with pytest.raises(ResponseValidationError):
        check_response(openapi_document, sent.request, _changed(sent, mimetype="text/html"))


def test_an_error_body_in_another_shape_is_caught(client, openapi_document):
    sent = client.get("/api/v1/listings/999999999")
    assert sent.status_code == 404
    check_response(openapi_document, sent.request, sent)
    with pytest.raises(ResponseValidationError):
        check_response(openapi_document, sent.request, _changed(sent, {"message": "not found"}))


def test_a_status_the_operation_does_not_declare_is_caught(client, openapi_document, listing_id):
    """An undeclared status is held to the operation's `default` answer, the error shape: a
    listing sent with status 299 fails it."""
    sent = _answered(client, listing_id)
    with pytest.raises(ResponseValidationError):
        check_response(openapi_document, sent.request, _changed(sent, status=299))


def test_the_fairs_endpoints_answer_as_the_document_says(app, client, openapi_document):
    """A fair's list and its catalog (sections, entries with the listing's shape) pass the check;
    a catalog entry sent with a booth number as a number does not."""
    with app_session(app) as session:
        world = make_world()
        session.commit()
    for path in ("/api/v1/fairs", f"/api/v1/fairs/{world.fair.id}/catalog", "/api/v1/fairs/999999/catalog"):
        sent = client.get(path)
        check_response(openapi_document, sent.request, sent)
    sent = client.get(f"/api/v1/fairs/{world.fair.id}/catalog")
    body = sent.get_json()
    body["sections"][0]["entries"][0]["booth_number"] = 7
    with pytest.raises(ResponseValidationError):
        check_response(openapi_document, sent.request, _changed(sent, body))
