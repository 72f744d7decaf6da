"""The fake Stripe server: localstripe's aiohttp application plus Checkout Sessions, in-process.

localstripe (PyPI) fakes customers, PaymentMethods, PaymentIntents, charges, refunds, events and
webhook delivery; its command line listens on every interface and reloads a pickle from /tmp, so
it is not used. Instead a new aiohttp Application is built here from localstripe's routes and
its error middleware, with:

- localstripe's store made memory-only (its `dump_to_disk`/`try_load_from_disk` do nothing), so
  nothing is read from or written to /tmp;
- no save-to-disk middleware;
- strict authentication: only `Authorization: Bearer <this server's secret key>` (or Basic with
  the key as user name) is accepted, with Stripe's 401 error shape otherwise;
- Idempotency-Key handling for the endpoints added here, as Stripe documents it: the same key
  with the same parameters replays the first response (`Idempotent-Replayed: true`); with other
  parameters or another endpoint it is a 400 `idempotency_error`;
- the Checkout Session endpoints (tests/fakestripe/checkout.py) and a stand-in hosted page.

The server listens on 127.0.0.1 on a free port, in a daemon thread with its own event loop.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import secrets
import socket
import threading
import warnings
from collections.abc import Callable
from typing import Any

from aiohttp import web
from localstripe import resources
from localstripe.errors import UserError

from tests.fakestripe.checkout import CheckoutSession, event_payload, stripe_error

with warnings.catch_warnings():
    # localstripe builds its own application on import, from plain functions (deprecated by aiohttp);
    # its routes are copied into ours as coroutines below.
    warnings.filterwarnings("ignore", "Bare functions are deprecated", DeprecationWarning)
    from localstripe import server as localstripe_server


class _MemoryStore(resources.Store):
    """localstripe's store without its pickle in /tmp."""

    def try_load_from_disk(self) -> None:
        return None

    def dump_to_disk(self) -> None:
        return None


# The store object is shared by every localstripe module; changing its class (not replacing it)
# keeps every reference to it memory-only.
resources.store.__class__ = _MemoryStore


def _json(body: Any, status: int = 200, headers: dict | None = None) -> web.Response:
    return web.json_response(body, status=status, headers=headers,
                             dumps=lambda x: json.dumps(x, indent=2, sort_keys=True) + "\n")


def _as_coroutine(handler):
    """localstripe's plain-function handlers, made coroutines (aiohttp deprecates plain ones)."""
    if asyncio.iscoroutinefunction(handler):
        return handler

    async def wrapped(request: web.Request):
        return handler(request)

    return wrapped


class FakeStripe:
    """One fake Stripe account: an API key, a webhook secret and a server speaking Stripe's API."""

    def __init__(self) -> None:
        self.api_key = "sk_test_fake" + secrets.token_hex(12)
        self.webhook_secret = "whsec_fake" + secrets.token_hex(16)
        self.requests: list[dict] = []  # method, path, idempotency_key, params: what clients sent
        self._idempotent: dict[str, tuple[str, str, int, Any]] = {}
        self._answers: list[tuple[int, dict]] = []
        self._delay = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- life cycle -----------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._runner = web.AppRunner(self._build_app(), access_log=None)
        # The loop runs only in its own thread, and the site is set up there: the calling thread
        # may already run an event loop of its own (Playwright's, after the browser tests).
        self._thread = threading.Thread(target=loop.run_forever, name="fake-stripe", daemon=True)
        self._thread.start()

        async def serve() -> None:
            await self._runner.setup()
            await web.SockSite(self._runner, sock).start()

        asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._loop is None or self._runner is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._loop.close()
        self._loop = None

    async def _shutdown(self) -> None:
        # localstripe schedules webhook deliveries as tasks that sleep first: end them quietly.
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        assert self._runner is not None
        await self._runner.cleanup()

    def reset(self) -> None:
        """Forget every object, key and recorded request (between tests)."""
        self._call(resources.store.clear)
        self._idempotent.clear()
        self._answers.clear()
        self.requests.clear()
        self._delay = 0.0

    # -- what tests do to the account -------------------------------------------------------------

    def fail_next(self, status: int = 500, message: str = "An unknown error occurred", *,
                  type_: str = "api_error", code: str | None = None) -> None:
        """The next API request answers this error (Stripe's shape) instead of being served."""
        error = {"type": type_, "message": message} | ({"code": code} if code else {})
        self._answers.append((status, {"error": error}))

    def answer_next(self, body: dict, status: int = 200) -> None:
        """The next API request answers this body instead of being served: for answers Stripe
        could give that the fake never makes (a session for another amount, with no URL)."""
        self._answers.append((status, body))

    def delay_responses(self, seconds: float) -> None:
        """Every API response waits this long first (to make clients time out)."""
        self._delay = seconds

    def session(self, session_id: str) -> dict:
        return self._call(lambda: CheckoutSession._retrieve(session_id)._export())

    def complete(self, session_id: str, **details: Any) -> str:
        """The customer paid: the session is complete and paid. Returns the
        `checkout.session.completed` event's body as Stripe would post it."""
        return self._call(lambda: event_payload(CheckoutSession._retrieve(session_id)._complete(**details)))

    def settle_async(self, session_id: str, succeeded: bool = True) -> str:
        return self._call(lambda: event_payload(CheckoutSession._retrieve(session_id)._settle_async(succeeded)))

    def expire(self, session_id: str) -> str:
        """The session timed out unpaid: returns the `checkout.session.expired` event's body."""
        return self._call(lambda: event_payload(CheckoutSession._retrieve(session_id)._expire()))

    def events(self, type_: str | None = None) -> list[str]:
        """Bodies of the events the account has made (localstripe's own ones too, such as
        payment_intent.succeeded), oldest first."""
        def collect() -> list[str]:
            found = [obj for key, obj in resources.store.items() if key.startswith("event:")
                     and (type_ is None or obj.type == type_)]
            return [event_payload(event) for event in sorted(found, key=lambda e: e.created)]

        return self._call(collect)

    def _call(self, function: Callable[[], Any]) -> Any:
        """Run on the server's loop: the store is only ever touched from that one thread, and
        localstripe schedules webhooks with asyncio.ensure_future, which needs the running loop."""
        assert self._loop is not None, "the fake Stripe server is not running"

        async def run() -> Any:
            return function()

        try:
            return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=10)
        except UserError as error:
            raise AssertionError(f"fake Stripe refused: {error.body}") from error

    # -- the aiohttp application ------------------------------------------------------------------

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[localstripe_server.error_middleware, self._auth, self._faults])
        app.router.add_post("/v1/checkout/sessions", self._idempotent_view(self._create_session))
        app.router.add_get("/v1/checkout/sessions/{id}", self._retrieve_session)
        app.router.add_post("/v1/checkout/sessions/{id}/expire", self._idempotent_view(self._expire_session))
        app.router.add_post("/v1/refunds", self._idempotent_view(self._create_refund))
        app.router.add_get("/c/pay/{id}", self._hosted_page)
        for route in localstripe_server.app.router.routes():
            if (route.method, route.resource.canonical) == ("POST", "/v1/refunds"):
                continue  # ours above: with Stripe's idempotency, and no second refund of a payment
            app.router.add_route(route.method, route.resource.canonical, _as_coroutine(route.handler))
        app.on_response_prepare.append(localstripe_server.add_cors_headers)
        return app

    @web.middleware
    async def _auth(self, request: web.Request, handler):
        if not request.path.startswith("/v1/"):
            return await handler(request)
        header = request.headers.get("Authorization", "")
        scheme, _sep, value = header.partition(" ")
        key = value.strip()
        if scheme == "Basic":
            try:
                key = base64.b64decode(key).decode().split(":", 1)[0]
            except ValueError:
                key = ""
        if not key:
            raise stripe_error(401, "You did not provide an API key. You need to provide your API key in the "
                               "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                               "YOUR_SECRET_KEY').")
        if key != self.api_key:
            raise stripe_error(401, f"Invalid API Key provided: {key[:8]}{'*' * 8}{key[-4:]}",
                               code="api_key_invalid" if key.startswith("sk_") else None)
        return await handler(request)

    @web.middleware
    async def _faults(self, request: web.Request, handler):
        if request.path.startswith("/v1/"):
            params = await self._params(request)
            self.requests.append({"method": request.method, "path": request.path, "params": params,
                                  "idempotency_key": request.headers.get("Idempotency-Key"),
                                  "stripe_version": request.headers.get("Stripe-Version")})
            if self._delay:
                await asyncio.sleep(self._delay)
            if self._answers:
                status, body = self._answers.pop(0)
                return _json(body, status, {"Stripe-Should-Retry": "false"})
        return await handler(request)

    @staticmethod
    async def _params(request: web.Request) -> dict:
        if request.method == "POST":
            return await localstripe_server.get_post_data(request, remove_auth=False) or {}
        return localstripe_server.unflatten_data(request.query) or {}

    def _idempotent_view(self, view):
        """Stripe's idempotency: results are saved once the endpoint started executing (validation
        errors are not saved); a key is bound to its endpoint and parameters."""

        async def wrapped(request: web.Request) -> web.Response:
            key = request.headers.get("Idempotency-Key")
            params = await self._params(request)
            endpoint = f"{request.method} {request.path}"
            fingerprint = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
            if key is not None:
                if len(key) > 255:
                    raise stripe_error(400, "Idempotency keys can be up to 255 characters long.")
                saved = self._idempotent.get(key)
                if saved is not None:
                    saved_endpoint, saved_fingerprint, status, body = saved
                    if saved_endpoint != endpoint or saved_fingerprint != fingerprint:
                        raise stripe_error(
                            400, "Keys for idempotent requests can only be used with the same parameters they "
                            f"were first used with. Try using a key other than '{key}' if you meant to execute "
                            "a different request.", type_="idempotency_error")
                    return _json(body, status, {"Idempotent-Replayed": "true", "Idempotency-Key": key})
            body = view(request, params)
            if key is not None:
                self._idempotent[key] = (endpoint, fingerprint, 200, body)
            return _json(body, 200, {"Idempotency-Key": key} if key else None)

        return wrapped

    def _create_session(self, request: web.Request, params: dict) -> dict:
        expand = params.pop("expand", None)
        session = CheckoutSession(base_url=self.base_url, api_version=request.headers.get("Stripe-Version"),
                                  **params)
        return session._export(expand=expand)

    def _create_refund(self, request: web.Request, params: dict) -> dict:
        intent = params.get("payment_intent")
        if isinstance(intent, str) and self._refunded(intent) >= resources.PaymentIntent._api_retrieve(intent).amount:
            raise stripe_error(400, f"Charge for {intent} has already been refunded.", code="charge_already_refunded")
        return resources.Refund._api_create(**params)._export()

    @staticmethod
    def _refunded(payment_intent: str) -> int:
        return sum(obj.amount for key, obj in resources.store.items()
                   if key.startswith("refund:") and obj.payment_intent == payment_intent)

    def refunds(self, payment_intent: str | None = None) -> list[dict]:
        """The refunds made (of one payment intent), oldest first."""
        def collect() -> list[dict]:
            found = [obj for key, obj in resources.store.items() if key.startswith("refund:")
                     and (payment_intent is None or obj.payment_intent == payment_intent)]
            return [refund._export() for refund in sorted(found, key=lambda r: r.created)]

        return self._call(collect)

    def _expire_session(self, request: web.Request, params: dict) -> dict:
        session = CheckoutSession._retrieve(request.match_info["id"])
        session._expire()
        return session._export()

    async def _retrieve_session(self, request: web.Request) -> web.Response:
        return _json(CheckoutSession._retrieve(request.match_info["id"])._export())

    async def _hosted_page(self, request: web.Request) -> web.Response:
        """A stand-in for checkout.stripe.com: what would be paid, nothing to click."""
        session = CheckoutSession._retrieve(request.match_info["id"])
        lines = "".join(f"<li>{html.escape(line['description'])}: {line['amount_total']} {line['currency'].upper()}</li>"
                        for line in session._lines)
        return web.Response(content_type="text/html",
                            text=f"<!doctype html><title>Fake Stripe Checkout</title><h1>Fake Checkout</h1>"
                                 f"<p>{session.status}</p><ul>{lines}</ul>")
