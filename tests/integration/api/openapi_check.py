"""Checking one response of the API against the OpenAPI document (openapi-core)."""

from __future__ import annotations

from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

DOCUMENT_PATH = "/api/v1/openapi.json"
# A route the document does not describe is answered by Flask's routing, not by an operation.
ROUTING_STATUSES = {404, 405}


class _AnsweredRequest(WerkzeugOpenAPIRequest):
    """The request a response answers, for finding its operation. Its body is not checked (tests
    send wrong bodies on purpose) and no longer readable: the app has consumed the stream."""

    @property
    def body(self) -> bytes | None:
        return None


def check_response(document: OpenAPI, request, response) -> None:
    """Raise if the document does not promise this response to this (werkzeug) request;
    openapi-core's error says what differs."""
    try:
        document.validate_response(_AnsweredRequest(request), WerkzeugOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        if response.status_code not in ROUTING_STATUSES:
            raise
