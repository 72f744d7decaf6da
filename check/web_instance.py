"""A throwaway instance of the site for the outside checks of the web pages (sqlmap and axe).

Everything lives in a temporary folder: a SQLite database (or a new database on the PostgreSQL
server named by CHECK_DATABASE_URL, dropped afterwards), the search index and the photos. The
instance is set up with the product's own commands (`init-db`, `demo`, `search reindex`) and served
on 127.0.0.1 at a free port by `check.control_app`, which is the product plus one deliberately injectable page that the
SQL injection run must catch. Nothing here is imported by the product.

Rate limits are off in this instance only: sqlmap sends thousands of sign-in attempts, and the
check is about what the pages do with hostile text, not about how fast they refuse it.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from check.throwaway import BIN, DEMO_DOMAIN, ROOT, ServedSite, free_port, serving, site_environment, throwaway_database

DEMO_PASSWORD = "check-web-demo-2026"

# Demo accounts, one per role (marketplace/demo.py).
ACCOUNTS = {
    "seller": f"chunhiem.myxuong@{DEMO_DOMAIN}",
    "director": f"giamdoc.htxmyxuong@{DEMO_DOMAIN}",  # HTX Xoài Mỹ Xương: the demo lots and chain
    "buyer": f"muahang.sieuthi@{DEMO_DOMAIN}",
    "staff": f"canbo.xttm@{DEMO_DOMAIN}",
    "admin": f"quantri@{DEMO_DOMAIN}",
}

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class Instance(ServedSite):
    """A running throwaway site: its address, its environment and the ids of its demo rows."""

    ids: dict[str, int | str] = field(default_factory=dict)  # a fair's slug and a lot's code are text


def _run(args: list[str], env: dict[str, str], log) -> None:
    subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=log, stderr=subprocess.STDOUT)


def _demo_ids(env: dict[str, str]) -> dict[str, int | str]:
    """Ids of a few demo rows the checks visit, read by the control app with the product's models."""
    out = subprocess.run([str(BIN / "python"), "-m", "check.control_app", "--ids"], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return {key: value for key, value in json.loads(out.strip().splitlines()[-1]).items() if value is not None}


@contextmanager
def throwaway_instance(database_url: str | None = None, keep: bool = False) -> Iterator[Instance]:
    """Set up, serve, yield, then stop the server (by its own pid) and remove the folder."""
    # A plain `kill` ends the run through the finally below, so the server does not outlive it.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    folder = Path(tempfile.mkdtemp(prefix="check-web-"))
    log = open(folder / "setup.log", "w")  # noqa: SIM115 - kept open for the server's lifetime
    cleanup = ExitStack()
    try:
        database = cleanup.enter_context(throwaway_database(folder, database_url, "check_web"))
        env = site_environment(folder, database.url) | {"DEMO_PASSWORD": DEMO_PASSWORD}
        marketplace = str(BIN / "marketplace")
        _run([marketplace, "init-db"], env, log)
        _run([marketplace, "demo"], env, log)
        _run([marketplace, "search", "reindex"], env, log)
        port = free_port()
        control_app = [str(BIN / "python"), "-m", "check.control_app", str(port)]
        base_url = cleanup.enter_context(serving(control_app, env, log, port, "/healthz", stop_within=10))
        yield Instance(base_url=base_url, env=env, folder=folder, ids=_demo_ids(env))
    finally:
        cleanup.close()  # the server stops before its database is dropped
        log.close()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


class Browser:
    """A tiny cookie-keeping HTTP client (standard library only) for signing in and reading forms."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urlencode(data).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def csrf_token(self, path: str) -> str:
        _status, html = self.get(path)
        found = CSRF_INPUT.search(html)
        if not found:
            raise RuntimeError(f"no CSRF token in the form at {path}")
        return found.group(1) or found.group(2)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def sign_in(self, email: str) -> None:
        token = self.csrf_token("/login")
        status, html = self.post("/login", {"csrf_token": token, "identifier": email, "password": DEMO_PASSWORD})
        if status != 200 or 'action="/logout"' not in html and "/logout" not in html:
            raise RuntimeError(f"could not sign in as {email} (status {status})")


if __name__ == "__main__":
    # `python -m check.web_instance`: serve a throwaway instance until Ctrl-C (for poking by hand).
    with throwaway_instance() as instance:
        print(instance.base_url, instance.ids, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
