"""The fake Stripe of the test suite (tests/fakestripe), served for the load check, with a small
control address the simulated buyers call to "pay" on the hosted page: POST /complete/<session id>
answers the `checkout.session.completed` event Stripe would post, and its signature header, for the
buyer's script to deliver to the site's webhook (signed with the webhook secret, as Stripe signs)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fakestripe import FakeStripe, signature_header


class StripeForLoad:
    def __init__(self) -> None:
        self.fake = FakeStripe()
        self._server: ThreadingHTTPServer | None = None
        self.control_url = ""

    def start(self) -> StripeForLoad:
        self.fake.start()
        fake = self.fake

        class Control(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                _, action, session_id = self.path.split("/", 2)
                if action != "complete":
                    self.send_error(404)
                    return
                try:
                    payload = fake.complete(session_id)
                except AssertionError as error:  # fake Stripe refused (unknown or finished session)
                    self.send_error(409, str(error)[:200])
                    return
                body = json.dumps({"payload": payload,
                                   "signature": signature_header(payload, fake.webhook_secret)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Control)
        self.control_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, name="stripe-control", daemon=True).start()
        return self

    def environment(self) -> dict[str, str]:
        """The site's settings that point it at this fake Stripe."""
        return {"STRIPE_SECRET_KEY": self.fake.api_key, "STRIPE_WEBHOOK_SECRET": self.fake.webhook_secret,
                "STRIPE_API_BASE": self.fake.base_url}

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        self.fake.stop()
