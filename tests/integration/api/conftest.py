"""Every response the API tests receive is checked against the OpenAPI document the app serves:
the operation (path, method), the status, the content type, the headers and the body. A response
the document does not promise fails the test that received it, so the document is kept true by
the whole API suite rather than by a few tests that look at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

DOCUMENT_PATH = "/api/v1/openapi.json"
# A route the document does not describe is answered by Flask's routing, not by an operation.
ROUTING_STATUSES = {404, 405}


@pytest.fixture(scope="session")
def openapi_document(app: Flask) -> OpenAPI:
    """The document as the app serves it (not as the code would build it), checked as valid OpenAPI."""
    served = app.test_client().get(DOCUMENT_PATH)
    assert served.status_code == 200, served.status_code
    return OpenAPI.from_dict(served.get_json())


class _AnsweredRequest(WerkzeugOpenAPIRequest):
    """The request a response answers, for finding its operation. Its body is not checked (tests
    send wrong bodies on purpose) and no longer readable: the app has consumed the stream."""

    @property
    def body(self) -> bytes | None:
        return None


def check_response(document: OpenAPI, response) -> None:
    """Raise if the document does not promise this response (openapi-core's errors say what differs)."""
    request = _AnsweredRequest(response.request)
    try:
        document.validate_response(request, WerkzeugOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        if response.status_code not in ROUTING_STATUSES:
            raise


@pytest.fixture(autouse=True)
def responses_match_the_document(openapi_document: OpenAPI, monkeypatch) -> Iterator[None]:
    """Wraps every Flask test client of the test (the `client` fixture and `app.test_client()`)."""
    original_open = FlaskClient.open

    def open_and_check(self, *args, **kwargs):
        response = original_open(self, *args, **kwargs)
        path = response.request.path
        if path.startswith("/api/") and path != DOCUMENT_PATH:
            check_response(openapi_document, response)
        return response

    monkeypatch.setattr(FlaskClient, "open", open_and_check)
    yield
