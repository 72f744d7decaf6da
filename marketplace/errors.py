"""Domain errors, and how they and HTTP errors become pages or JSON.

Services raise DomainError subclasses with a translatable message; views and the API turn
them into a flash message or a JSON error without try/except boilerplate in every view. A view
that finds nothing, or finds the person may not look, raises NotFound() or PermissionDenied()
(or uses or_404) and gets the same 404/403 page as abort(404)/abort(403).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from marketplace import db

log = logging.getLogger(__name__)
T = TypeVar("T")


class DomainError(Exception):
    """A rule was broken; message is for the person, already translated."""

    status_code = 400

    def __init__(self, message: str = "", *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(DomainError):
    status_code = 422


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


def or_404(value: T | None, message: str = "") -> T:
    """The value, or NotFound when there is none (a row db.get did not find): in a view, the
    not-found page; in a service's get_…, with its words for the API."""
    if value is None:
        raise NotFound(message)
    return value


def get_or_404(lookup: Callable[..., T], *args, **kwargs) -> T:
    """lookup(*args, **kwargs), a service's get_…, or the plain not-found page: the service's own
    wording ("We could not find that listing.") is for the API, and a page that named the thing
    would tell a missing row from one the person may not see."""
    try:
        return lookup(*args, **kwargs)
    except NotFound as error:
        raise NotFound() from error


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, fields: dict | None = None):
    return jsonify({"error": message, "fields": fields or {}}), status


def _default_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in first."),
        403: _("You do not have permission to do that."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        409: _("That conflicts with the current state."),
        413: _("The upload is too large."),
        422: _("Some fields need attention."),
        429: _("Too many attempts. Please wait a moment and try again."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again."))


def error_page(status: int, message: str = ""):
    """The HTML page for an error status (404 has its own template); the status's own words
    unless a message is given."""
    template = "errors/404.html" if status == 404 else "errors/error.html"
    return make_response(render_template(template, status=status, message=message or _default_message(status)),
                         status)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        status = error.status_code
        if wants_json():
            return json_error(status, error.message or _default_message(status), error.fields)
        # Without words of its own, the very page abort(404)/abort(403) gives.
        return error_page(status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if wants_json():
            fields: dict = {}
            data = getattr(error, "data", None) or {}
            messages = data.get("messages") if isinstance(data, dict) else None
            if isinstance(messages, dict):
                # webargs groups messages by location ("json", "query"); fields are what matter
                for location_messages in messages.values():
                    if isinstance(location_messages, dict):
                        fields.update(location_messages)
            response = make_response(json_error(status, _default_message(status), fields))
        else:
            response = error_page(status)
        if status == 405 and "Allow" in dict(error.get_headers()):
            response.headers["Allow"] = dict(error.get_headers())["Allow"]
        return response

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return http_error(error)
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return json_error(500, _default_message(500))
        return render_template("errors/error.html", status=500, message=_default_message(500)), 500
