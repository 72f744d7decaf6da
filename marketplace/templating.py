"""Template globals shared by every page."""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_babel import lazy_gettext
from flask_login import current_user

from marketplace.accounts.rules import zalo_link

ORG_KIND_LABELS = {
    "club": lazy_gettext("Farmer club"),
    "cooperative": lazy_gettext("Cooperative"),
    "coop_group": lazy_gettext("Cooperative group"),
    "business": lazy_gettext("Business"),
    "supermarket": lazy_gettext("Supermarket"),
    "trader": lazy_gettext("Trader"),
    "exporter": lazy_gettext("Exporter"),
    "agency": lazy_gettext("Government agency"),
}
ROLE_LABELS = {
    "seller": lazy_gettext("Seller"),
    "buyer": lazy_gettext("Buyer"),
    "staff": lazy_gettext("Staff"),
    "admin": lazy_gettext("Administrator"),
}


def url_with_lang(lang: str) -> str:
    """The current page in another language (query string kept)."""
    args = request.args.to_dict()
    args["lang"] = lang
    if request.endpoint and request.url_rule is not None:
        try:
            return url_for(request.endpoint, **(request.view_args or {}), **args)
        except Exception:  # noqa: BLE001 - an error page may have no buildable endpoint
            pass
    return url_for("main.home", lang=lang)


def init_app(app: Flask) -> None:
    from marketplace.extensions import login_manager

    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the lazy message, translated at flash time

    app.jinja_env.globals.update(
        org_kind_labels=ORG_KIND_LABELS,
        role_labels=ROLE_LABELS,
        url_with_lang=url_with_lang,
        zalo_link=zalo_link,
    )

    @app.context_processor
    def user_context():
        org = current_user.organization if current_user.is_authenticated else None
        return {"current_org": org}
