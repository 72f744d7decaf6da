"""The reference prices a seller sees beside their own price when listing: listings ask here, the
market package answers (it registers its provider when its blueprint is registered), so that
listings never import market. Without a provider there is nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_app_context, url_for


@dataclass(frozen=True)
class ReferenceLine:
    """One latest reference price: at a market ("farm_gate", "wholesale"), its label in the
    reader's language, min and max in whole đồng per `unit`, and the day it was seen."""

    market: str
    label: str
    price_min_vnd: int
    price_max_vnd: int
    unit: str
    observed_on: date


# (session, product id) → the latest reference prices to show beside a seller's price
Provider = Callable[..., list[ReferenceLine]]


def register(app, provider: Provider, endpoint: str | None = None) -> None:
    """`endpoint`: where a page's script asks for the lines of a product typed (?product=…)."""
    app.extensions["price_reference"] = provider
    app.extensions["price_reference_endpoint"] = endpoint


def json_url() -> str:
    """The address the listing form's script refreshes the lines from ("" without one)."""
    endpoint = current_app.extensions.get("price_reference_endpoint") if has_app_context() else None
    return url_for(endpoint) if endpoint else ""


def for_product(db, product_id: int | None) -> list[ReferenceLine]:
    """The latest reference prices of the product (farm gate and wholesale), or [] without a
    product or a provider."""
    if not product_id or not has_app_context():
        return []
    provider = current_app.extensions.get("price_reference")
    return provider(db, product_id) if provider else []
