"""JSON API v1: bearer tokens or the web session, JSON errors, a generated OpenAPI document.

flask-smorest builds /api/v1/openapi.json from the schemas and decorators on each view, and the
same schemas serialise what the views return, so the document cannot drift from the code (and
tests/integration/api validates every response of the API tests against it). Its own error
handler is not used: errors.py already answers /api/ paths with the promised {"error", "fields"}
shape.
"""

from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_smorest import Api

# The endpoint modules are imported for what they add to the blueprint.
from marketplace.api import (  # noqa: F401
    chains,
    conversations,
    demand,
    fairs,
    listings,
    lots,
    matches,
    members,
    orders,
    prices,
    search,
    trade,
    views,
)
from marketplace.api.blueprint import blp
from marketplace.api.schemas import ProblemSchema
from marketplace.extensions import login_manager


class MarketplaceApi(Api):
    # The error shape errors.py answers with; flask-smorest would document its own otherwise.
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """errors.register_error_handlers answers API errors; keep the HTML pages for the rest."""


api = MarketplaceApi()


def init_app(app: Flask) -> None:
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api.init_app(app, spec_kwargs={
        "info": {"description": "Chợ Hội Quán marketplace API. Authenticate with "
                                "`Authorization: Bearer <token>` (see `marketplace tokens create`)."},
        "servers": [{"url": "/"}],
    })
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(blp)

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return jsonify({"error": _("Please sign in first."), "fields": {}}), 401
        flash(str(login_manager.login_message), "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
