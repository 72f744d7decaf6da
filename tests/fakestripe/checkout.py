"""Checkout Sessions for the fake Stripe server: what localstripe does not fake.

The session is a localstripe resource (a StripeObject kept in localstripe's store, exported the
way localstripe exports everything), so events about it are localstripe `Event`s and completing
one makes a real localstripe PaymentIntent. Shapes follow Stripe's API reference for
`POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/{id}` and
`POST /v1/checkout/sessions/{id}/expire`; only `mode=payment` with `price_data` line items is
modelled, and parameters the fake does not know are refused the way Stripe refuses them.
"""

from __future__ import annotations

import json
import time
from typing import Any

from localstripe.errors import UserError
from localstripe.resources import Event, PaymentIntent, PaymentMethod, StripeObject, random_id, store

# Stripe's documented limits: metadata keys and values, client_reference_id, and amounts of
# eight digits for every currency but IDR (twelve).
MAX_METADATA_KEYS, MAX_METADATA_KEY, MAX_METADATA_VALUE = 50, 40, 500
MAX_CLIENT_REFERENCE_ID = 200
MAX_AMOUNT_DIGITS = {"idr": 12}
DEFAULT_MAX_AMOUNT_DIGITS = 8
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
                "xaf", "xof", "xpf"}
MIN_EXPIRY, MAX_EXPIRY, DEFAULT_EXPIRY = 30 * 60, 24 * 3600, 24 * 3600
CREATE_PARAMS = {"mode", "line_items", "success_url", "cancel_url", "client_reference_id", "metadata",
                 "customer_email", "payment_intent_data", "payment_method_types", "locale", "expires_at",
                 "submit_type", "expand"}
# A new session's fields that Stripe sends as null until something fills them in (completing the
# payment sets customer_details and payment_intent; the rest stay null for what the fake models).
NULL_WHEN_CREATED = ("after_expiration", "allow_promotion_codes", "billing_address_collection", "client_secret",
                     "consent", "consent_collection", "customer", "customer_details", "invoice", "payment_intent",
                     "payment_link", "recovered_from", "setup_intent", "shipping_address_collection",
                     "shipping_cost", "shipping_details", "subscription")
EVENT_API_VERSION = "2017-08-15"  # localstripe's, when the client sent no Stripe-Version


def stripe_error(status: int, message: str, *, type_: str = "invalid_request_error", code: str | None = None,
                 param: str | None = None) -> UserError:
    """A UserError whose body is Stripe's error object: {"error": {"type", "message", "code", "param"}}."""
    contents: dict[str, Any] = {"message": message}
    if code:
        contents["code"] = code
        contents["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    if param:
        contents["param"] = param
    error = UserError(status, message, contents)
    error.body["error"]["type"] = type_
    return error


def _missing(param: str) -> UserError:
    return stripe_error(400, f"Missing required param: {param}.", code="parameter_missing", param=param)


def _invalid(param: str, message: str, code: str = "parameter_invalid_integer") -> UserError:
    return stripe_error(400, message, code=code, param=param)


def _integer(value: Any, param: str, minimum: int = 0) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.lstrip("-").isdigit():
        number = int(value)
    else:
        raise _invalid(param, f"Invalid integer: {value}")
    if number < minimum:
        raise _invalid(param, f"This value must be greater than or equal to {minimum}.")
    return number


def _url(value: Any, param: str) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")) or len(value) > 5000:
        raise stripe_error(400, "Not a valid URL", code="url_invalid", param=param)
    return value


def _metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise stripe_error(400, "Invalid object", param=param)
    if len(value) > MAX_METADATA_KEYS:
        raise stripe_error(400, f"Metadata can have up to {MAX_METADATA_KEYS} keys.", param=param)
    for key, item in value.items():
        if len(key) > MAX_METADATA_KEY:
            raise stripe_error(400, f"Metadata keys can have up to {MAX_METADATA_KEY} characters.",
                               param=f"{param}[{key}]")
        if not isinstance(item, str) or len(item) > MAX_METADATA_VALUE:
            raise stripe_error(400, f"Metadata values can have up to {MAX_METADATA_VALUE} characters.",
                               param=f"{param}[{key}]")
    return dict(value)


def _line_items(items: Any) -> tuple[str, int, list[dict]]:
    """(currency, total, line items as Stripe lists them) from `line_items[n][price_data]…`."""
    if not items:
        raise _missing("line_items")
    if not isinstance(items, list):
        raise stripe_error(400, "Invalid array", param="line_items")
    currency, total, lines = None, 0, []
    for n, item in enumerate(items):
        param = f"line_items[{n}]"
        if not isinstance(item, dict):
            raise stripe_error(400, "Invalid object", param=param)
        unknown = set(item) - {"price_data", "quantity"}
        if "price" in unknown:
            raise stripe_error(400, "The fake Stripe server models price_data only, not saved prices.",
                               param=f"{param}[price]")
        if unknown:
            raise stripe_error(400, f"Received unknown parameter: {param}[{sorted(unknown)[0]}]",
                               code="parameter_unknown", param=f"{param}[{sorted(unknown)[0]}]")
        price = item.get("price_data")
        if not isinstance(price, dict):
            raise _missing(f"{param}[price_data]")
        item_currency = price.get("currency")
        if not isinstance(item_currency, str) or item_currency != item_currency.lower() or len(item_currency) != 3:
            raise stripe_error(400, f"Invalid currency: {item_currency}. Stripe currently supports these "
                               "currencies: lowercase three-letter ISO codes.", param=f"{param}[price_data][currency]")
        if currency is not None and item_currency != currency:
            raise stripe_error(400, "All line items must use the same currency.", param=f"{param}[price_data][currency]")
        currency = item_currency
        if "unit_amount" not in price:
            raise _missing(f"{param}[price_data][unit_amount]")
        unit_amount = _integer(price["unit_amount"], f"{param}[price_data][unit_amount]")
        product = price.get("product_data")
        if not isinstance(product, dict) or not str(product.get("name") or "").strip():
            raise _missing(f"{param}[price_data][product_data][name]")
        if "quantity" not in item:
            raise _missing(f"{param}[quantity]")
        quantity = _integer(item["quantity"], f"{param}[quantity]", minimum=1)
        amount = unit_amount * quantity
        total += amount
        lines.append({"id": "li_" + random_id(24), "object": "item", "amount_discount": 0,
                      "amount_subtotal": amount, "amount_tax": 0, "amount_total": amount, "currency": currency,
                      "description": product["name"], "quantity": quantity,
                      "price": {"object": "price", "currency": currency, "unit_amount": unit_amount,
                                "type": "one_time", "product_data": dict(product)}})
    digits = MAX_AMOUNT_DIGITS.get(currency or "", DEFAULT_MAX_AMOUNT_DIGITS)
    if total > 10 ** digits - 1:
        raise stripe_error(400, f"The Checkout Session's total amount due must be no more than "
                           f"{10 ** digits - 1} {currency}.", code="amount_too_large", param="line_items")
    return currency or "", total, lines


class CheckoutSession(StripeObject):
    """A Checkout Session in payment mode, with the fields of Stripe's documented object."""

    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(self, *, base_url: str, api_version: str | None = None, **params: Any) -> None:
        unknown = set(params) - CREATE_PARAMS
        if unknown:
            name = sorted(unknown)[0]
            raise stripe_error(400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name)
        mode = params.get("mode")
        if not mode:
            raise _missing("mode")
        if mode != "payment":
            raise stripe_error(400, f"The fake Stripe server models mode=payment only, not {mode}.", param="mode")
        currency, total, lines = _line_items(params.get("line_items"))
        success_url = _url(params["success_url"], "success_url") if params.get("success_url") else None
        cancel_url = _url(params["cancel_url"], "cancel_url") if params.get("cancel_url") else None
        reference = params.get("client_reference_id")
        if reference is not None and (not isinstance(reference, str) or len(reference) > MAX_CLIENT_REFERENCE_ID):
            raise stripe_error(400, f"client_reference_id can have up to {MAX_CLIENT_REFERENCE_ID} characters.",
                               param="client_reference_id")
        metadata = _metadata(params.get("metadata"))
        intent_data = params.get("payment_intent_data") or {}
        if not isinstance(intent_data, dict) or set(intent_data) - {"metadata", "description"}:
            raise stripe_error(400, "The fake Stripe server models payment_intent_data[metadata|description] only.",
                               param="payment_intent_data")
        intent_metadata = _metadata(intent_data.get("metadata"), "payment_intent_data[metadata]")
        now = int(time.time())
        expires_at = now + DEFAULT_EXPIRY
        if params.get("expires_at") is not None:
            expires_at = _integer(params["expires_at"], "expires_at")
            if not now + MIN_EXPIRY <= expires_at <= now + MAX_EXPIRY:
                raise stripe_error(400, "The `expires_at` timestamp must be between 30 minutes and 24 hours "
                                   "from Checkout Session creation.", param="expires_at")
        methods = params.get("payment_method_types") or ["card"]
        if not isinstance(methods, list) or any(m != "card" for m in methods):
            raise stripe_error(400, "The fake Stripe server models card payments only.",
                               param="payment_method_types")

        # All exceptions must be raised before this point (the parent stores the object).
        super().__init__(id="cs_test_" + random_id(58))
        self._lines = lines
        self._intent_metadata = intent_metadata
        self._intent_description = intent_data.get("description")
        self._api_version = api_version or EVENT_API_VERSION
        for name in NULL_WHEN_CREATED:
            setattr(self, name, None)
        self.amount_subtotal = total
        self.amount_total = total
        self.automatic_tax = {"enabled": False, "liability": None, "status": None}
        self.cancel_url = cancel_url
        self.client_reference_id = reference
        self.currency = currency
        self.custom_fields = []
        self.custom_text = {"after_submit": None, "shipping_address": None, "submit": None,
                            "terms_of_service_acceptance": None}
        self.customer_creation = "if_required"
        self.customer_email = params.get("customer_email")
        self.expires_at = expires_at
        self.locale = params.get("locale")
        self.metadata = metadata
        self.mode = mode
        self.payment_method_collection = "if_required"
        self.payment_method_options = {}
        self.payment_method_types = methods
        self.payment_status = "unpaid"
        self.phone_number_collection = {"enabled": False}
        self.shipping_options = []
        self.status = "open"
        self.submit_type = params.get("submit_type")
        self.success_url = success_url
        self.total_details = {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0}
        self.ui_mode = "hosted"
        # Stripe's hosted page lives on checkout.stripe.com; the fake serves a stand-in page itself.
        self.url = f"{base_url}/c/pay/{self.id}"

    @classmethod
    def _retrieve(cls, session_id: str) -> CheckoutSession:
        found = store.get(f"{cls.object}:{session_id}")
        if found is None:
            raise stripe_error(404, f"No such checkout.session: '{session_id}'", code="resource_missing",
                               param="session")
        return found

    def _expire(self) -> Event:
        if self.status != "open":
            raise stripe_error(400, f'Only Checkout Sessions with a status in ["open"] can be expired. This '
                               f'Checkout Session has a status of "{self.status}".')
        self.status = "expired"
        self.url = None
        return self._event("checkout.session.expired")

    def _complete(self, *, email: str = "buyer@example.test", name: str = "Export Buyer",
                  asynchronous: bool = False) -> Event:
        """The customer paid with a card: a succeeded localstripe PaymentIntent, the session complete.

        asynchronous: a delayed payment method; the session completes unpaid, and
        `_settle_async` sends checkout.session.async_payment_succeeded later.
        """
        if self.status != "open":
            raise stripe_error(400, f"This Checkout Session is {self.status}; only open sessions can be paid.")
        method = PaymentMethod(type="card", card={"number": "4242424242424242", "exp_month": 12, "exp_year": 2034,
                                                  "cvc": "123"},
                               billing_details={"email": email, "name": name})
        intent = PaymentIntent._api_create(amount=self.amount_total, currency=self.currency,
                                           payment_method=method.id, metadata=dict(self._intent_metadata),
                                           confirm=not asynchronous)
        self.payment_intent = intent.id
        self.status = "complete"
        self.payment_status = "unpaid" if asynchronous else "paid"
        self.url = None
        self.customer_details = {"address": None, "email": email, "name": name, "phone": None,
                                 "tax_exempt": "none", "tax_ids": []}
        return self._event("checkout.session.completed")

    def _settle_async(self, succeeded: bool = True) -> Event:
        if self.status != "complete" or self.payment_status != "unpaid":
            raise stripe_error(400, "Only a completed, unpaid session settles later.")
        self.payment_status = "paid" if succeeded else "unpaid"
        kind = "succeeded" if succeeded else "failed"
        return self._event(f"checkout.session.async_payment_{kind}")

    def _event(self, type_: str) -> Event:
        event = Event(type_, self)
        event.api_version = self._api_version
        event.pending_webhooks = 1
        event.request = {"id": None, "idempotency_key": None}
        return event


def event_payload(event: Event) -> str:
    """The body Stripe posts: the event as JSON, pretty-printed (localstripe's webhooks do the same)."""
    return json.dumps(event._export(), indent=2, sort_keys=True)
