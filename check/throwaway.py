"""What every throwaway instance of `make check*` shares: where the product's commands are, a free
loopback port, a database made for the run and dropped after it, serving a command until the run
ends; and, for the API and web-page checks, the site's settings and what a served one is.

Used by check/instance.py (API checks), check/web_instance.py (sqlmap and axe), check/load_run.py
(load) and check/faults.py (kills). Nothing here is imported by the product.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_DOMAIN = "demo.chohoiquan.vn"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Return once `url` answers 200; fail if the server ends first or does not answer in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped at start-up (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - our own loopback address
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer {url} within {seconds:.0f} s")


@contextmanager
def serving(command: list[str], env: dict[str, str], log: IO, port: int, ready_path: str,
            stop_within: float) -> Iterator[str]:
    """Start `command`, a server on 127.0.0.1:`port` writing to `log`; yield its base URL once
    `ready_path` answers 200; then end it by its own pid: terminate it, and kill it if it is not
    gone within `stop_within` seconds."""
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(base_url + ready_path, server)
        yield base_url
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=stop_within)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def site_environment(folder: Path, database_url: str) -> dict[str, str]:
    """This process's environment plus a development site on `database_url`, its search index and
    photos in `folder`, mail to the log, no Stripe, no debugger and no rate limits: the checks send
    thousands of requests and are about what the site does with them, not how fast it refuses."""
    return dict(os.environ) | {
        "APP_ENV": "development",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(folder / "search_index"),
        "UPLOAD_DIR": str(folder / "uploads"),
        "MAIL_URL": "log://",
        "RATELIMIT_ENABLED": "0",
        "STRIPE_SECRET_KEY": "",
        "FLASK_DEBUG": "0",
    }


@dataclass
class ServedSite:
    """A throwaway site being served: its address, the environment its commands run with, its folder."""

    base_url: str
    env: dict[str, str]
    folder: Path

    def url(self, path: str) -> str:
        return self.base_url + path


@dataclass(frozen=True)
class Database:
    url: str
    kind: str  # "SQLite" or "PostgreSQL <version>", for the run's report


@contextmanager
def throwaway_database(folder: Path, server_url: str | None, prefix: str) -> Iterator[Database]:
    """A SQLite file in `folder`, or a new database on the PostgreSQL server of `server_url`,
    dropped afterwards (WITH FORCE: a server the run killed may still hold connections)."""
    if not server_url:
        yield Database(f"sqlite:///{folder / (prefix + '.db')}", "SQLite")
        return
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(server_url).set(drivername="postgresql")
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = base.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        version = connection.execute("SHOW server_version").fetchone()[0]
    try:
        yield Database(base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False),
                       f"PostgreSQL {version}")
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
