"""Two app hosts on one machine, as a site with more than one host runs them: each host is gunicorn
and one `marketplace worker`, with its own search index folder; both share one PostgreSQL database,
one S3-compatible bucket (moto's server on loopback) and one Redis (sessions and rate limits).

Used by tests/hosts/test_two_hosts.py and by bench/bench_hosts.py (which measures how soon an edit
on one host is found on the other). Needs MARKETPLACE_TEST_DATABASE_URL on PostgreSQL and a Redis.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess  # nosec B404  # our own programs, argument lists
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

from marketplace import db
from tests.clients import app_session
from tests.database import make_test_app, prepare_database
from tests.factories import PASSWORD, make_club, make_listing
from tests.redisserver import REDIS_URL, empty_redis
from tests.s3server import S3Server, running_s3_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "two-hosts-secret-key-shared-by-both-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Host:
    name: str
    url: str
    index_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def get(self, client: requests.Session, path: str, **kwargs) -> requests.Response:
        return client.get(self.url + path, timeout=30, **kwargs)

    def post(self, client: requests.Session, path: str, data: dict, **kwargs) -> requests.Response:
        """A form post as a browser sends it, with the session's CSRF token."""
        token = csrf_token(self.get(client, "/").text)
        return client.post(self.url + path, data={"csrf_token": token, **data}, timeout=30,
                           allow_redirects=False, **kwargs)


@dataclass
class Site:
    database_url: str
    s3: S3Server
    bucket: str
    hosts: list[Host]
    chair_email: str
    listing_id: int


def csrf_token(page: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


class FormReader(HTMLParser):
    """The fields of the page's form posted to `action` (or to the page itself, with no action),
    with the values the page filled in."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (attrs.get("method") or "").lower() == "post" and \
                (attrs.get("action") or self.action).endswith(self.action)
        if not self.inside or not attrs.get("name") and tag in ("input", "textarea", "select"):
            return
        name = attrs.get("name")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select":
            self._select, self._select_value = name, None
        elif tag == "option" and self._select and ("selected" in attrs or self._select_value is None):
            self._select_value = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            self.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(page: str, action: str) -> list[tuple[str, str]]:
    reader = FormReader(action)
    reader.feed(page)
    assert reader.fields, f"no form posting to {action}"
    return reader.fields


def _database_named(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def fresh_postgres_database(url: str) -> Iterator[str]:
    name = f"chq_hosts_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _database_named(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_serving(host: Host, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in host.processes):
            raise RuntimeError(f"{host.name} stopped while starting:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(host.url + "/", timeout=15).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or the first page still being made
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{host.name} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def two_hosts(folder: Path, *, login_rate_limit: str = "1000 per minute", worker_interval: float = 0.25,
              web_workers: int = 1) -> Iterator[Site]:
    """A fresh PostgreSQL database with a club, its chair and one published listing, and two hosts
    serving it; everything started is stopped and the database dropped afterwards."""
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_postgres_database(os.environ["MARKETPLACE_TEST_DATABASE_URL"]))
        s3 = stack.enter_context(running_s3_server())
        bucket = s3.make_bucket()
        empty_redis()

        app = make_test_app(database_url)
        prepare_database(app)
        with app_session(app):
            club, chair = make_club("Hội quán xoài Hòa An")
            listing = make_listing(club, "xoài", description="Xoài cát Hòa Lộc, vườn ven sông.")
            chair_email, listing_id = chair.email, listing.id
        db.get_engine(app).dispose()

        environment = {
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "APP_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "UPLOAD_DIR": f"s3://{bucket}/site",
            **s3.settings,
            "SESSION_REDIS_URL": REDIS_URL,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "LOGIN_RATE_LIMIT": login_rate_limit,
            "LOGIN_IDENTIFIER_RATE_LIMIT": "1000 per minute",
            "MAIL_URL": "log://",
            "MAIL_LOG_DIR": str(folder / "mail"),
        }
        hosts = []
        stack.callback(lambda: [_stop(host.processes) for host in hosts])
        for name in ("a", "b"):
            port = free_port()
            host = Host(name, f"http://127.0.0.1:{port}", folder / f"index-{name}")
            env = {**environment, "SEARCH_INDEX_DIR": str(host.index_dir), "PUBLIC_URL": host.url}
            log_path = folder / f"host-{name}.log"
            log = stack.enter_context(open(log_path, "ab"))
            flask = [sys.executable, "-m", "flask", "--app", "marketplace"]
            subprocess.run([*flask, "search", "reindex"], env=env, cwd=PROJECT_ROOT, check=True,  # noqa: S603  # nosec B603
                           stdout=log, stderr=subprocess.STDOUT, timeout=300)
            host.processes.append(subprocess.Popen(  # noqa: S603  # nosec B603
                [sys.executable, "-m", "gunicorn", "--workers", str(web_workers), "--bind", f"127.0.0.1:{port}",
                 "--no-control-socket", "marketplace:create_app()"],
                env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT))
            host.processes.append(subprocess.Popen(  # noqa: S603  # nosec B603
                [*flask, "worker", "--interval", str(worker_interval)],
                env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT))
            hosts.append(host)
        for host in hosts:
            _wait_until_serving(host, folder / f"host-{host.name}.log")
        yield Site(database_url, s3, bucket, hosts, chair_email, listing_id)


def sign_in(host: Host, email: str, password: str = PASSWORD) -> requests.Session:
    client = requests.Session()
    response = host.post(client, "/login", {"identifier": email, "password": password})
    assert response.status_code == 302, response.text[:2000]
    return client


def edit_listing(host: Host, client: requests.Session, listing_id: int, description: str,
                 photo: bytes | None = None) -> requests.Response:
    """The chair's edit form on `host`, posted with a new description (and a photo picked)."""
    action = f"/listings/{listing_id}/edit"
    page = host.get(client, action)
    assert page.status_code == 200, page.status_code
    fields = [(name, value) for name, value in form_fields(page.text, action) if name != "description"]
    fields += [("description", description), ("save", "1")]
    files = [("photos", ("mango.jpg", photo, "image/jpeg"))] if photo else None
    return client.post(host.url + action, data=fields, files=files, timeout=60, allow_redirects=False)


def search_finds(host: Host, word: str, listing_id: int) -> bool:
    response = requests.get(host.url + "/api/v1/search", params={"q": word, "type": "listing"}, timeout=30)
    return response.status_code == 200 and any(result["id"] == listing_id for result in response.json()["results"])


def wait_for(condition, timeout: float, step: float = 0.05) -> float | None:
    """Seconds until `condition()` held, or None when it did not within `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(step)
    return None
