"""Every response the API tests receive is checked against the OpenAPI document the app serves:
the operation (path, method), the status, the content type, the headers and the body. A response
the document does not promise fails the test that received it, so the document is kept true by
the whole API suite rather than by a few tests that look at it (tests/integration/api/openapi_check.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_core import OpenAPI

from tests.integration.api.openapi_check import DOCUMENT_PATH, check_response


@pytest.fixture(scope="session")
def openapi_document(app: Flask) -> OpenAPI:
    """The document as the app serves it (not as the code would build it); openapi-core refuses
    a document that is not valid OpenAPI."""
    served = app.test_client().get(DOCUMENT_PATH)
    assert served.status_code == 200, served.status_code
    return OpenAPI.from_dict(served.get_json())


@pytest.fixture(autouse=True)
def responses_match_the_document(openapi_document: OpenAPI, monkeypatch) -> Iterator[None]:
    """Wraps every Flask test client of the test (the `client` fixture and `app.test_client()`)."""
    original_open = FlaskClient.open

    def open_and_check(self, *args, **kwargs):
        response = original_open(self, *args, **kwargs)
        path = response.request.path
        if path.startswith("/api/") and path != DOCUMENT_PATH:
            check_response(openapi_document, response.request, response)
        return response

    monkeypatch.setattr(FlaskClient, "open", open_and_check)
    yield
