"""Template globals shared by every page."""

from __future__ import annotations

import json
from contextlib import suppress

from flask import Flask, g, request, url_for
from flask_babel import get_locale, lazy_gettext
from flask_login import current_user
from werkzeug.routing import BuildError

from marketplace import db, formatting, page_sections
from marketplace.accounts.labels import ORG_KIND_LABELS, ROLE_LABELS
from marketplace.accounts.rules import PASSWORD_MIN_LENGTH, zalo_link
from marketplace.credentials.labels import CERTIFICATE_TYPE_LABELS, CODE_KIND_LABELS, CREDENTIAL_STATUS_LABELS
from marketplace.dashboard.navigation import RoleLinks, role_links
from marketplace.demand.labels import DEMAND_STATUS_LABELS, FREQUENCY_LABELS, OFFER_STATUS_LABELS
from marketplace.extensions import login_manager
from marketplace.fairs.labels import (
    APPLICATION_STATUS_LABELS,
    FAIR_KIND_LABELS,
    FAIR_STATUS_LABELS,
    PAYMENT_METHOD_LABELS,
)
from marketplace.listings.labels import LISTING_STATUS_LABELS
from marketplace.markets import market_name
from marketplace.messaging.labels import REPORT_REASON_LABELS
from marketplace.messaging.reading import unread_threads
from marketplace.notifications.delivery import choice_label
from marketplace.notifications.presentation import describe
from marketplace.notifications.services import unread_count
from marketplace.numbers import editable_number
from marketplace.products.naming import title_en
from marketplace.products.units import price_unit
from marketplace.vietnamese import fold


def url_with_lang(lang: str) -> str:
    """The current page in another language (query string kept)."""
    view_args = request.view_args or {}
    # Query keys that clash with URL parts (?org_id=…) or url_for's own (_external…) are dropped.
    args = {k: v for k, v in request.args.items() if k not in view_args and not k.startswith("_")}
    args["lang"] = lang
    if request.endpoint and request.url_rule is not None:
        with suppress(BuildError):  # an error page may have no buildable endpoint
            return url_for(request.endpoint, **view_args, **args)
    return url_for("main.home", lang=lang)


def product_name(thing) -> str:
    """What a listing, request or order offers, in the reader's language ("Xoài cát Hòa Lộc",
    "Hoa Loc mango"); the Vietnamese stays the name in Vietnamese."""
    if thing is None:
        return ""
    return thing.title_en if formatting.language() == "en" else thing.title


def unit_per(unit_code: str) -> str:
    """What a price is per ("kg", "fruit", "visit"), in the reader's language."""
    return formatting.unit(price_unit(unit_code), 1)


def _unread_threads() -> int:
    """For the inbox link: threads with a message this user has not read."""
    if not current_user.is_authenticated:
        return 0
    return unread_threads(db.session, current_user)


def _unread_notifications() -> int:
    """For the bell: counted only when the header asks (one small query for a signed-in user)."""
    if not current_user.is_authenticated:
        return 0
    return unread_count(db.session, current_user)


def _market(code: str) -> str:
    """An export market's name in the reader's language ("CN" → "Trung Quốc" or "China")."""
    return market_name(code, str(get_locale() or "vi"))


def init_app(app: Flask) -> None:
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the lazy message, translated at flash time

    app.jinja_env.globals.update(
        org_kind_labels=ORG_KIND_LABELS,
        role_labels=ROLE_LABELS,
        url_with_lang=url_with_lang,
        zalo_link=zalo_link,
        password_min_length=PASSWORD_MIN_LENGTH,
        credential_status_labels=CREDENTIAL_STATUS_LABELS,
        listing_status_labels=LISTING_STATUS_LABELS,
        certificate_type_labels=CERTIFICATE_TYPE_LABELS,
        code_kind_labels=CODE_KIND_LABELS,
        demand_status_labels=DEMAND_STATUS_LABELS,
        offer_status_labels=OFFER_STATUS_LABELS,
        frequency_labels=FREQUENCY_LABELS,
        report_reason_labels=REPORT_REASON_LABELS,
        fair_kind_labels=FAIR_KIND_LABELS,
        fair_status_labels=FAIR_STATUS_LABELS,
        application_status_labels=APPLICATION_STATUS_LABELS,
        payment_method_labels=PAYMENT_METHOD_LABELS,
        choice_label=choice_label,
        describe_notice=describe,
        page_sections=page_sections.render,
        english_title=title_en,  # a product with a variety, in English: english_title(product, "cát Chu")
    )
    # Every number, amount, unit and date on a page is written by formatting.py. The filter
    # names Flask-Babel gives (dateformat, datetimeformat) are taken over, so that no template
    # can print a month-first "11/29/26".
    app.jinja_env.filters.update(
        vnd=formatting.money,
        qty=formatting.number,
        unit=formatting.unit,  # {{ listing.unit|unit(listing.quantity) }}: "tấn" / "tonnes"
        quantity=formatting.quantity,  # {{ value|quantity(code) }}: "5.000 kg" / "5,000 kg"
        price_unit=unit_per,
        dateformat=formatting.day,
        datetimeformat=formatting.moment,
        ago=formatting.ago,
        product_name=product_name,
    )
    app.jinja_env.filters["editable"] = editable_number  # in form fields: reads back as the same number

    app.jinja_env.filters["fromjson"] = json.loads
    app.jinja_env.filters["fold"] = fold
    app.jinja_env.filters["market"] = _market

    @app.context_processor
    def user_context():
        # Once per request and person: a page renders its sections (page_sections) as templates of
        # their own, and each render runs the context processors again.
        # Keyed by the request too: an app context (so g) can outlive a request (Flask 3.1 reuses a
        # pushed one for test-client requests).
        user_id = current_user.get_id() if current_user.is_authenticated else None
        this_request = request._get_current_object()
        kept = g.get("user_context")
        if kept is not None and kept[0] is this_request and kept[1] == user_id:
            return kept[2]
        signed = user_id is not None
        org = current_user.organization if signed else None
        context = {"current_org": org, "role_links": role_links(current_user) if signed else RoleLinks(),
                   "unread_notifications": _unread_notifications, "unread_threads": _unread_threads}
        g.user_context = (this_request, user_id, context)
        return context
