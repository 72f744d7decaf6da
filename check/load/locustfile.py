"""Simulated people for `make check-load` (check/load_run.py starts locust with this file).

- Visitors (not signed in) browse the home page, the organisation directory, profiles, listings and
  the product catalogue, and search with and without Vietnamese accents.
- Buyers do the same signed in, ask sellers about listings (a new conversation, then messages in
  it), and order: the listing's seller confirms (a Seller user), then the buyer pays by card
  (Stripe Checkout on the fake Stripe server; the signed `checkout.session.completed` event is
  posted to the webhook, sometimes twice at once, as Stripe's retries do) or by bank transfer
  (the VietQR page, then the seller records the transfer). Some buyers pay both ways at once and
  some sellers record one transfer twice: the database count afterwards must show each order paid
  once. A quarter of the orders go to two listings with 5 units each, so most of those are refused.
- Sellers (one per selling organisation) confirm the orders they are sent and record transfers.

Every request is named by its kind (ids replaced by [id]) and checked for the status the scenario
expects; anything else is a failure named by its status ("HTTP 500 …"). The site runs behind a
pretend HTTPS proxy: X-Forwarded-Proto/-For are sent (TRUSTED_PROXIES=1), so each user has its own
client address for the rate limits, and the Secure session cookie is kept over loopback HTTP.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import time
from pathlib import Path

import gevent
import requests
from gevent.event import AsyncResult, Event
from gevent.queue import Empty, Queue
from locust import HttpUser, between, constant, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
STRIPE_CONTROL = os.environ["LOAD_STRIPE_CONTROL"]
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

ACCENT_FREE = ["xoai cat chu", "xoai", "quyt hong lai vung", "sau rieng ri6", "tra sen", "dua xiem", "lua om 18",
               "ca tra", "khom queen", "nhan ido", "hat sen", "cuc mam xoi", "vietgap xoai", "du lich vuon"]
ACCENTED = ["xoài cát Chu", "xoài", "quýt hồng Lai Vung", "sầu riêng Ri6", "trà tim sen", "dừa xiêm xanh",
            "lúa OM 18", "cá tra", "khóm Queen", "nhãn Ido", "hạt sen tươi", "cúc mâm xôi", "xoài cát Hòa Lộc",
            "hoài cát chu"]  # the last: a slip of the tone mark
QUESTIONS = ["Chào anh chị, bên em cần giao hàng tuần, hội quán có xe giao không ạ?",
             "Cho em hỏi giá sỉ nếu lấy số lượng lớn?", "Hàng có chứng nhận VietGAP không ạ?",
             "Tuần sau có hàng không anh?", "Đóng thùng 10 kg được không chị?"]

# Work sent to a selling organisation's Seller user: (kind, order id, amount, result to set).
SELLER_QUEUES: dict[str, Queue] = {org_id: Queue() for org_id in PLAN["sellers"]}
_seller_logins = itertools.cycle(sorted(PLAN["sellers"].items()))
_buyer_logins = itertools.cycle(PLAN["buyers"])
_addresses = itertools.count(1)
STOPPING = Event()  # set when the run's time is up: flows waiting on a seller end quietly


@events.test_stopping.add_listener
def _stopping(**_kwargs) -> None:
    STOPPING.set()


def _wait(result: AsyncResult, what: str, seconds: float = 120):
    """A seller's answer (None: not done); a wait longer than `seconds` is a failure, unless the
    run is ending, in which case the flow stays where it is (the count afterwards covers it)."""
    deadline = time.monotonic() + seconds
    while not STOPPING.is_set():
        try:
            return result.get(timeout=1)
        except gevent.Timeout:
            if time.monotonic() > deadline:
                events.request.fire(request_type="WAIT", name=what, response_time=seconds * 1000, response_length=0,
                                    exception=RuntimeError(f"no answer in {seconds:.0f} s"))
                return None
    return None


# Seconds a person pauses between two things they do (--think of check/load_run.py).
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "1,4").split(","))


class Person(HttpUser):
    abstract = True
    wait_time = between(*THINK)

    def on_start(self) -> None:
        n = next(_addresses)
        self.client.headers.update({
            "X-Forwarded-Proto": "https", "X-Forwarded-For": f"10.{n // 250}.{n % 250}.{random.randint(1, 250)}",
            "Referer": self.host.replace("http://", "https://", 1) + "/", "Accept-Language": "vi"})
        self.csrf = ""

    # -- requests with an expected answer -------------------------------------------------------------

    def call(self, method: str, path: str, name: str, expect=(200,), refused=(), **kwargs):
        """One request, a failure unless its status is expected; an expected refusal (a status in
        `refused`, such as 409 for a sold-out listing) is counted apart, as "<name> (refused)"."""
        kwargs.setdefault("allow_redirects", False)
        with self.client.request(method, path, name=name, catch_response=True, **kwargs) as response:
            _keep_secure_cookies_on_loopback(self.client.cookies)
            if response.status_code in refused:
                response.request_meta["name"] = f"{name} (refused)"
                response.success()
            elif response.status_code in expect:
                response.success()
                html = "text/html" in response.headers.get("Content-Type", "")
                match = CSRF.search(response.text or "") if html else None
                if match:
                    self.csrf = match.group(1)
            else:
                where = response.headers.get("Location", "")
                response.failure(f"HTTP {response.status_code} (expected {'/'.join(map(str, expect))})"
                                 + (f" → {where}" if where else ""))
            return response

    def post_form(self, path: str, name: str, data: dict, expect=(302, 303), refused=()):
        return self.call("POST", path, name, expect=expect, refused=refused, data={"csrf_token": self.csrf, **data})

    def login(self, email: str) -> bool:
        self.call("GET", "/login", "GET /login")
        response = self.post_form("/login", "POST /login", {"identifier": email, "password": PLAN["password"]})
        return response.status_code == 302

    # -- what visitors and buyers both do ---------------------------------------------------------------

    def browse(self) -> None:
        self.call("GET", "/", "GET /")
        self.call("GET", "/orgs", "GET /orgs")
        self.call("GET", f"/orgs/{random.choice(PLAN['org_ids'])}", "GET /orgs/[id]")
        self.call("GET", f"/listings/{random.choice(PLAN['listing_ids'])}", "GET /listings/[id]")
        if random.random() < 0.3:
            self.call("GET", "/products", "GET /products")

    def search(self) -> None:
        accented = random.random() < 0.5
        query = random.choice(ACCENTED if accented else ACCENT_FREE)
        kind = "accented" if accented else "accent-free"
        self.call("GET", "/search", f"GET /search ({kind})", params={"q": query})
        if random.random() < 0.3:
            self.call("GET", "/api/v1/search", f"GET /api/v1/search ({kind})", params={"q": query, "type": "listing"})


class Visitor(Person):
    weight = 1
    tasks = {Person.browse: 3, Person.search: 2}


class Buyer(Person):
    weight = 3
    tasks = {Person.browse: 4, Person.search: 3}  # beside the @task methods below

    def on_start(self) -> None:
        super().on_start()
        self.email = next(_buyer_logins)
        self.signed_in = self.login(self.email)
        self.threads: dict[int, str] = {}  # listing id → the conversation's messages address

    @task(1)
    def asking(self) -> None:
        listing = random.choice(PLAN["listings"])
        thread = self.threads.get(listing["id"])
        if thread is None:
            self.call("GET", f"/conversations/new?listing_id={listing['id']}", "GET /conversations/new")
            response = self.post_form("/conversations/new", "POST /conversations/new",
                                      {"listing_id": listing["id"], "body": random.choice(QUESTIONS)})
            found = re.search(r"/inbox/(\d+)", response.headers.get("Location", ""))
            if found:
                self.threads[listing["id"]] = f"/inbox/{found.group(1)}"
            return
        self.call("GET", thread, "GET /inbox/[id]")
        self.post_form(f"{thread}/messages", "POST /inbox/[id]/messages", {"body": random.choice(QUESTIONS)})

    @task(2)
    def ordering_and_paying(self) -> None:
        listing = random.choice([lst for lst in PLAN["listings"] if lst["hot"]] if random.random() < 0.25
                                else [lst for lst in PLAN["listings"] if not lst["hot"]])
        self.call("GET", f"/listings/{listing['id']}", "GET /listings/[id]")
        name = "POST /listings/[id]/order" + (" (scarce)" if listing["hot"] else "")
        # A scarce listing that sold out answers 409 (less available) or 422 (no longer on sale).
        response = self.post_form(f"/listings/{listing['id']}/order", name,
                                  {"quantity": f"{listing['quantity']:g}", "note": "Giao buổi sáng"},
                                  expect=(302,), refused=(409, 422) if listing["hot"] else ())
        found = re.search(r"/orders/(\d+)$", response.headers.get("Location", ""))
        if response.status_code != 302 or not found:
            return
        order_id = int(found.group(1))
        queue = SELLER_QUEUES[str(listing["org_id"])]
        confirmed = AsyncResult()
        queue.put(("confirm", order_id, None, confirmed))
        amount = _wait(confirmed, "seller confirms")  # what is due, as the seller's page says
        if amount is None:
            return
        self.call("GET", f"/orders/{order_id}", "GET /orders/[id]")
        if random.random() < 0.6:
            self.pay_by_card(order_id, queue, amount)
        else:
            self.pay_by_transfer(order_id, queue, amount)

    def pay_by_card(self, order_id: int, seller_queue: Queue, amount: int) -> None:
        response = self.post_form(f"/orders/{order_id}/pay/card", "POST /orders/[id]/pay/card", {}, expect=(303,))
        session_id = response.headers.get("Location", "").rstrip("/").rsplit("/", 1)[-1]
        if response.status_code != 303 or not session_id.startswith("cs_"):
            return
        paid = requests.post(f"{STRIPE_CONTROL}/complete/{session_id}", timeout=30)
        if paid.status_code != 200:
            events.request.fire(request_type="FAKE", name="fake Stripe: pay", response_time=0, response_length=0,
                                exception=RuntimeError(f"fake Stripe answered {paid.status_code}"))
            return
        event = paid.json()
        deliveries = 2 if random.random() < 0.3 else 1  # Stripe delivers twice at the same time
        also_transfer = random.random() < 0.15  # the buyer paid by transfer too
        jobs = [gevent.spawn(self.deliver_webhook, event) for _ in range(deliveries)]
        if also_transfer:
            recorded = AsyncResult()
            seller_queue.put(("received", order_id, amount, recorded))
            jobs.append(gevent.spawn(_wait, recorded, "seller records transfer"))
        gevent.joinall(jobs, timeout=150)
        self.call("GET", f"/orders/{order_id}/paid?session_id={session_id}", "GET /orders/[id]/paid")

    def deliver_webhook(self, event: dict) -> None:
        # Not the user's session: Stripe posts without cookies, with its own signature.
        with self.client.post("/payments/stripe/webhook", data=event["payload"].encode(),
                              name="POST /payments/stripe/webhook",
                              headers={"Stripe-Signature": event["signature"], "Cookie": "",
                                       "Content-Type": "application/json; charset=utf-8"},
                              catch_response=True, allow_redirects=False) as response:
            if response.status_code == 200:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code} (expected 200)")

    def pay_by_transfer(self, order_id: int, seller_queue: Queue, amount: int) -> None:
        self.call("GET", f"/orders/{order_id}", "GET /orders/[id]")  # the VietQR code, scanned in a bank app
        recorded = AsyncResult()
        seller_queue.put(("received", order_id, amount, recorded))
        if random.random() < 0.15:  # the seller records the same transfer twice (two tabs)
            seller_queue.put(("received", order_id, amount, AsyncResult()))
        _wait(recorded, "seller records transfer")


class Seller(Person):
    fixed_count = len(PLAN["sellers"])
    wait_time = constant(0)

    def on_start(self) -> None:
        super().on_start()
        self.org_id, self.email = next(_seller_logins)
        self.queue = SELLER_QUEUES[self.org_id]
        self.login(self.email)

    @task
    def working(self) -> None:
        try:
            kind, order_id, amount, result = self.queue.get(timeout=5)
        except Empty:
            self.call("GET", "/orders", "GET /orders")
            gevent.sleep(random.uniform(1, 4))
            return
        try:
            self.call("GET", f"/orders/{order_id}", "GET /orders/[id]")
            if kind == "confirm":
                response = self.post_form(f"/orders/{order_id}/confirm", "POST /orders/[id]/confirm", {})
                if response.status_code != 302:
                    result.set(None)
                    return
                page = self.call("GET", f"/orders/{order_id}", "GET /orders/[id]")
                found = DUE.search(page.text or "")
                if not found:
                    events.request.fire(request_type="PAGE", name="amount due on the seller's order page",
                                        response_time=0, response_length=0,
                                        exception=RuntimeError("no amount in the received form"))
                result.set(int(found.group(1) or found.group(2)) if found else None)
            else:
                # 302: recorded; 422: refused because the order was already paid (the other payment won).
                response = self.post_form(f"/orders/{order_id}/received", "POST /orders/[id]/received",
                                          {"amount_vnd": str(amount), "token": secrets.token_urlsafe(16)},
                                          refused=(422,))
                result.set(response.status_code)
        except Exception as error:  # never leave a buyer waiting on a crashed seller
            result.set_exception(error)
            raise


def _keep_secure_cookies_on_loopback(jar) -> None:
    """The site marks its cookies Secure (it believes it is behind HTTPS); requests would not send
    them back over plain HTTP, so the flag is dropped on this side."""
    for cookie in jar:
        cookie.secure = False


# The seller's "amount received" field, filled in with what is due.
DUE = re.compile(r'name="amount_vnd"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="amount_vnd"')
