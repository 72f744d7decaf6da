"""sqlmap against every form and query parameter of a throwaway instance, with a positive control.

    python -m check.sqlmap_run [--quick] [--jobs N] [--database-url URL]

What it tries, signed out and signed in as a seller, a buyer and staff (check/web_instance.py):
- every form on the pages each role reaches from a list of entry pages and the links on them
  (POST forms with a CSRF token of the signed-in session, filled with values the form accepts so that
  each injected field reaches the service; GET forms such as search), and every query parameter in
  those links;
- every query parameter of the JSON API's GET operations, from its OpenAPI document;
- the control `/check-only/injectable?ref=` (check/control_app.py), which MUST be flagged.

The run fails (exit 1) when the control is not caught, when sqlmap flags any real page, or when a
form could not be replayed (a CSRF refusal would make sqlmap test nothing and pass). `--quick`
keeps one form and one list per kind of page (for CI).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from check.control_app import CONTROL_PARAMETER, CONTROL_PATH, CONTROL_SAMPLE
from check.web_instance import ACCOUNTS, BIN, Browser, Instance, throwaway_instance

SQLMAP_OPTIONS = ["--batch", "--level=1", "--risk=1", "--flush-session", "--disable-coloring",
                  "--drop-set-cookie", "--timeout=30", "--retries=1"]
LOGS = Path(__file__).resolve().parent.parent / "test-results" / "sqlmap"  # git-ignored: each target's output
FOUND = "identified the following injection point"

# Forms whose success would end the session the run signs in with, or lock the account.
SKIPPED_ACTIONS = re.compile(r"^/(logout|account/password)$")
# Links not worth following: files, photos, the language switch, the control.
SKIPPED_LINKS = re.compile(r"^/(static|media|check-only)/|\.(xlsx|csv|pdf|webp|png|svg)$|/receipt$")


def entry_pages(instance: Instance, role: str) -> list[str]:
    ids = instance.ids
    pages = ["/", "/search?q=xo%C3%A0i", "/search?q=zzzz", "/demand", "/orgs", "/products", "/login",
             "/register", "/password/forgot", f"/listings/{ids['any_listing']}", f"/demand/{ids['demand']}",
             f"/orgs/{ids['seller_org']}", f"/orgs/{ids['buyer_org']}"]
    if role == "seller":
        pages += ["/account", "/listings/new", f"/orgs/{ids['seller_org']}/listings",
                  f"/listings/{ids['listing']}/edit",
                  f"/orgs/{ids['seller_org']}/credentials", f"/orgs/{ids['seller_org']}/edit",
                  f"/orgs/{ids['seller_org']}/bank", f"/orgs/{ids['seller_org']}/statement", "/matches",
                  "/inbox", "/orders", "/alerts", "/notifications", f"/conversations/new?demand_id={ids['demand']}"]
    if role == "buyer":
        pages += ["/account", "/demand/new", f"/orgs/{ids['buyer_org']}/demand", f"/demand/{ids['buyer_demand']}/edit",
                  "/matches", "/inbox", "/orders", "/alerts", "/notifications",
                  f"/conversations/new?listing_id={ids['any_listing']}"]
        if "order" in ids:
            pages.append(f"/orders/{ids['order']}")
        if "conversation" in ids:
            pages.append(f"/inbox/{ids['conversation']}")
    if role == "staff":
        pages += ["/staff", "/staff/catalogue", "/staff/credentials", "/staff/import", "/admin/contacts",
                  "/admin/reports", "/staff/payments/unapplied", f"/staff/orgs/{ids['buyer_org']}/verify"]
    return pages


@dataclass(frozen=True)
class Target:
    role: str
    method: str
    url: str  # path and, for GET, the query
    data: str = ""  # POST body, urlencoded
    form_page: str = ""  # where a fresh CSRF token is read

    @property
    def parameters(self) -> list[str]:
        pairs = parse_qsl(self.data if self.method == "POST" else urlsplit(self.url).query, keep_blank_values=True)
        return [name for name, _value in pairs if name != "csrf_token"]

    @property
    def shape(self) -> tuple:
        """Targets of the same shape test the same code: /listings/3/edit and /listings/4/edit."""
        path = re.sub(r"/\d+", "/<id>", urlsplit(self.url).path)
        return (self.role, self.method, path, tuple(sorted(self.parameters)))

    def label(self) -> str:
        return f"{self.role:9} {self.method:4} {urlsplit(self.url).path} [{', '.join(self.parameters)}]"


class FormParser(HTMLParser):
    """Forms (method, action, fields with their first value) and links of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {"method": (attrs.get("method") or "get").upper(), "action": attrs.get("action") or "",
                          "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                if kind == "submit" and attrs.get("value") is not None:
                    self._form["fields"].setdefault(attrs["name"], attrs["value"])
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs and attrs["name"] in self._form["fields"]:
                return
            value = attrs.get("value") or ("1" if kind in {"text", "number", "search"} else "")
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                self._form["fields"].setdefault(attrs["name"], attrs.get("value") or "on")
            else:
                self._form["fields"][attrs["name"]] = value
        elif tag == "select":
            self._select = attrs["name"]
            self._form["fields"].setdefault(self._select, "")
        elif tag == "option" and self._select:
            if not self._form["fields"][self._select] or "selected" in attrs:
                self._form["fields"][self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form["fields"][self._textarea] = "1"

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea and data.strip():
            self._form["fields"][self._textarea] = data.strip()


def _local(base_url: str, page: str, href: str) -> str | None:
    absolute = urljoin(base_url + page, href)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != base_url:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def discover(instance: Instance, role: str, client: Browser) -> list[Target]:
    """Targets from the entry pages of a role and the pages they link to (one step)."""
    targets: list[Target] = []
    seen_pages: set[str] = set()
    seen_shapes: set[str] = set()
    queue = [(page, 0) for page in entry_pages(instance, role)]
    while queue:
        page, depth = queue.pop(0)
        shape = re.sub(r"/\d+", "/<id>", page.split("?")[0]) + ("?" + ",".join(sorted(
            k for k, _ in parse_qsl(urlsplit(page).query))) if "?" in page else "")
        if page in seen_pages or (depth and shape in seen_shapes):
            continue
        seen_pages.add(page)
        seen_shapes.add(shape)
        status, html = client.get(page)
        if status != 200:
            continue
        parser = FormParser()
        parser.feed(html)
        for form in parser.forms:
            action = _local(instance.base_url, page, form["action"] or page)
            if action is None or SKIPPED_ACTIONS.match(urlsplit(action).path) or not form["fields"]:
                continue
            fields = {name: (FORM_SAMPLES[name] if name in FORM_SAMPLES and value in {"", "1"} else value)
                      for name, value in form["fields"].items()}
            if form["method"] == "POST":
                if "csrf_token" not in fields:
                    continue  # nothing accepts a POST without one; the API has its own run
                targets.append(Target(role, "POST", action, urlencode(fields), page))
            else:
                query = {name: value or "1" for name, value in fields.items()}
                targets.append(Target(role, "GET", urlsplit(action).path + "?" + urlencode(query)))
        for href in parser.links:
            link = _local(instance.base_url, page, href)
            if link is None or SKIPPED_LINKS.search(urlsplit(link).path) or "lang=" in link:
                continue
            if "?" in link:
                targets.append(Target(role, "GET", link))
            if depth == 0:
                queue.append((link, 1))
    return targets


# Values the forms accept, so that each injected field reaches the service with the others valid
# (a form refused for its other fields may never touch the database).
FORM_SAMPLES = {
    "product": "xoài cát Chu", "quantity": "100", "unit": "kg", "min_order": "10", "price_vnd": "30000",
    "available_from": date.today().isoformat(), "available_to": (date.today() + timedelta(days=30)).isoformat(),
    "needed_from": date.today().isoformat(), "needed_to": (date.today() + timedelta(days=30)).isoformat(),
    "delivery_date": (date.today() + timedelta(days=7)).isoformat(), "price_min_vnd": "20000",
    "price_max_vnd": "40000", "description": "Hàng loại 1", "note": "Giao tại vườn", "body": "Còn hàng không?",
    "commune_code": "29869", "name": "Nguyễn Văn Thử", "org_name": "Hội quán Thử", "phone": "0912345678",
    "email": "thu@example.test", "password": "mat-khau-thu-2026", "password_again": "mat-khau-thu-2026",
    "account_number": "0123456789", "account_holder": "NGUYEN VAN TU", "tax_code": "0312345678",
    "identifier": "thu@example.test", "reason": "Giấy tờ chưa rõ", "members_count": "30",
}

# Values the API accepts, so that sqlmap starts from a normal answer rather than a 422.
API_SAMPLES = {
    "q": "xoài", "type": "listing", "category": "fruit", "commune": "29869", "certificate": "vietgap",
    "min_ocop": "3", "has_planting_code": "true", "available_from": date.today().isoformat(),
    "available_to": (date.today() + timedelta(days=60)).isoformat(), "price_min": "1000", "price_max": "100000",
    "sort": "relevance", "page": "1", "per_page": "20", "limit": "5", "kind": "club",
    "ref": "demo-hq-xoai-my-xuong", "side": "sellers",
}


def api_targets(instance: Instance, role: str, client: Browser) -> list[Target]:
    """Every query parameter of the API's GET operations, from its OpenAPI document."""
    _status, text = client.get("/api/v1/openapi.json")
    document = json.loads(text)
    samples = {"listing_id": instance.ids["listing"], "demand_id": instance.ids["demand"],
               "org_id": instance.ids["seller_org"], "order_id": instance.ids.get("order", 1),
               "conversation_id": instance.ids.get("conversation", 1)}
    targets = []
    for path, operations in document.get("paths", {}).items():
        get = operations.get("get")
        if not get:
            continue
        parameters = [p for p in get.get("parameters", []) + operations.get("parameters", [])
                      if p.get("in") == "query"]
        if not parameters:
            continue
        concrete = re.sub(r"\{(\w+)\}", lambda m: str(samples.get(m.group(1), 1)), path)
        query = {}
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if parameter["name"] in API_SAMPLES:
                value = API_SAMPLES[parameter["name"]]
            elif schema.get("enum"):
                value = schema["enum"][0]
            elif schema.get("type") in {"integer", "number"}:
                value = 1
            else:
                value = "xoai"
            query[parameter["name"]] = value
        prefix = "/api/v1" if not concrete.startswith("/api/") else ""
        targets.append(Target(role, "GET", prefix + concrete + "?" + urlencode(query)))
    return targets


def replay_status(instance: Instance, client: Browser, target: Target) -> int:
    """The target sent once as sqlmap will send it: proves the CSRF token and cookie work."""
    if target.method == "GET":
        return client.get(target.url)[0]
    data = dict(parse_qsl(target.data, keep_blank_values=True))
    data["csrf_token"] = client.csrf_token(target.form_page)
    status, html = client.post(target.url, data)
    if status == 400 and "CSRF" in html:
        return -1
    return status


def sqlmap(instance: Instance, target: Target, cookie: str, output_dir: Path,
           csrf_token: str = "") -> tuple[bool, str]:
    command = [str(BIN / "sqlmap"), *SQLMAP_OPTIONS, f"--output-dir={output_dir}", "-u", instance.url(target.url)]
    if cookie:
        command.append(f"--cookie={cookie}")
    if target.method == "POST":
        # A form's token holds for the whole session (WTF_CSRF_TIME_LIMIT is None), so one read
        # just before is as good as sqlmap's --csrf-url refresh, at half the requests.
        data = dict(parse_qsl(target.data, keep_blank_values=True))
        data["csrf_token"] = csrf_token
        command += [f"--data={urlencode(data)}", "--skip=csrf_token"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    return FOUND in result.stdout, result.stdout


def unique(targets: list[Target], quick: bool) -> list[Target]:
    chosen: dict[tuple, Target] = {}
    for target in targets:
        if not target.parameters:
            continue
        key = target.shape
        if quick:  # one target per method and kind of page, whatever its role and parameters
            key = key[1:3]
        chosen.setdefault(key, target)
    return list(chosen.values())


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--quick", action="store_true", help="one target per kind of page (CI)")
    options.add_argument("--jobs", type=int, default=2, help="sqlmap processes at once")
    options.add_argument("--roles", default="anonymous,seller,buyer,staff")
    options.add_argument("--only", default="", help="a regular expression: targets whose label matches")
    options.add_argument("--database-url", default=None, help="a fresh PostgreSQL database (default: SQLite)")
    args = options.parse_args(argv)
    started = time.monotonic()
    roles = args.roles.split(",")
    if args.quick:
        roles = [role for role in roles if role in {"anonymous", "seller", "buyer"}]

    with throwaway_instance(args.database_url) as instance, tempfile.TemporaryDirectory() as output:
        output_dir = Path(output)
        LOGS.mkdir(parents=True, exist_ok=True)
        print(f"check instance: {instance.base_url}", flush=True)
        control_cookie = ""
        control = Target("anonymous", "GET", f"{CONTROL_PATH}?{CONTROL_PARAMETER}={CONTROL_SAMPLE}")
        control_caught, control_log = sqlmap(instance, control, control_cookie, output_dir)
        print(f"control {CONTROL_PATH}: {'caught' if control_caught else 'NOT CAUGHT'}", flush=True)

        plan: list[tuple[Target, str]] = []
        broken: list[str] = []
        tried_shapes: set[tuple] = set()
        for role in roles:
            client = Browser(instance.base_url)
            if role != "anonymous":
                client.sign_in(ACCOUNTS[role])
            targets = discover(instance, role, client)
            if role in {"anonymous", "seller", "buyer"}:
                targets += api_targets(instance, role, client)
            for target in unique(targets, args.quick):
                if args.only and not re.search(args.only, target.label()):
                    continue
                if args.quick and target.shape[1:3] in tried_shapes:
                    continue  # quick: a kind of page already tried by another role
                tried_shapes.add(target.shape[1:3])
                status = replay_status(instance, client, target)
                if status == -1 or status >= 500:
                    broken.append(f"{target.label()} -> {'CSRF refused' if status == -1 else status}")
                    continue
                token = client.csrf_token(target.form_page) if target.method == "POST" else ""
                plan.append((target, client.cookie_header(), token))

        parameters = sum(len(target.parameters) for target, _cookie, _token in plan)
        print(f"targets: {len(plan)} ({parameters} parameters) across {', '.join(roles)}", flush=True)
        findings: list[str] = []

        def run(item):
            target, cookie, token = item
            found, log = sqlmap(instance, target, cookie, output_dir, token)
            name = re.sub(r"[^A-Za-z0-9]+", "_", f"{target.role}_{target.method}_{urlsplit(target.url).path}")
            (LOGS / f"{name}_{abs(hash(target)) % 10**6}.log").write_text(log)
            print(f"  {'FOUND' if found else 'clean'}  {target.label()}", flush=True)
            if found:
                findings.append(target.label() + "\n" + log[log.find(FOUND):][:1500])

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            list(pool.map(run, plan))

    minutes = (time.monotonic() - started) / 60
    print("\n== sqlmap summary")
    print(f"targets tried: {len(plan)} (+1 control), parameters: {parameters}, roles: {', '.join(roles)}")
    print(f"findings on real pages: {len(findings)}")
    for finding in findings:
        print("  " + finding)
    print(f"targets that could not be replayed: {len(broken)}")
    for line in broken:
        print("  " + line)
    print(f"control caught: {'yes' if control_caught else 'no'}")
    print(f"time: {minutes:.1f} min")
    if not control_caught:
        print(control_log[-3000:])
    return 0 if control_caught and not findings and not broken else 1


if __name__ == "__main__":
    sys.exit(main())
