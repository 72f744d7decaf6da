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
import os
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

from check.throwaway import BIN, DEMO_DOMAIN, ROOT, free_port, throwaway_database, wait_until_up

DEMO_PASSWORD = "check-web-demo-2026"

# Demo accounts, one per role (marketplace/demo.py).
ACCOUNTS = {
    "seller": f"chunhiem.myxuong@{DEMO_DOMAIN}",
    "buyer": f"muahang.sieuthi@{DEMO_DOMAIN}",
    "staff": f"canbo.xttm@{DEMO_DOMAIN}",
    "admin": f"quantri@{DEMO_DOMAIN}",
}

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class Instance:
    """A running throwaway site: its address, its environment and the ids of its demo rows."""

    base_url: str
    env: dict[str, str]
    folder: Path
    ids: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path


def _environment(folder: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "APP_ENV": "development",
        "SECRET_KEY": "check-web-" + os.urandom(16).hex(),
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(folder / "search_index"),
        "UPLOAD_DIR": str(folder / "uploads"),
        "MAIL_URL": "log://",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "RATELIMIT_ENABLED": "0",
        "STRIPE_SECRET_KEY": "",
        "FLASK_DEBUG": "0",
    })
    return env


def _run(args: list[str], env: dict[str, str], log) -> None:
    subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=log, stderr=subprocess.STDOUT)


def _demo_ids(env: dict[str, str]) -> dict[str, int]:
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
    process = None
    cleanup = ExitStack()
    try:
        env = _environment(folder, cleanup.enter_context(throwaway_database(folder, database_url, "check_web")).url)
        marketplace = str(BIN / "marketplace")
        _run([marketplace, "init-db"], env, log)
        _run([marketplace, "demo"], env, log)
        _run([marketplace, "search", "reindex"], env, log)
        port = free_port()
        process = subprocess.Popen([str(BIN / "python"), "-m", "check.control_app", str(port)], env=env,
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(base_url + "/healthz", process)
        yield Instance(base_url=base_url, env=env, folder=folder, ids=_demo_ids(env))
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        cleanup.close()
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
