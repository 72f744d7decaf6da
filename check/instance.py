"""A throwaway instance of the marketplace on loopback, for the outside tools of `make check`.

Everything lives in a temporary folder: the SQLite database (or a new database on the PostgreSQL
server named by CHECK_DATABASE_URL, dropped afterwards), the search index and the photos. It is set up
with the product's own commands (`init-db`, `demo`, `search reindex`), API tokens are made for
demo accounts with `tokens create`, the site is served on 127.0.0.1 at a free port, and all of it
is stopped and removed afterwards. Nothing here is imported by the product.

    python -m check.instance -- COMMAND ARGS...

runs COMMAND with the instance's address and tokens in its environment:

    CHECK_BASE_URL        http://127.0.0.1:PORT
    CHECK_STAFF_TOKEN     bearer token of the trade-promotion staff demo account
    CHECK_SELLER_TOKEN    bearer token of a club chair (sells)
    CHECK_BUYER_TOKEN     bearer token of a supermarket buyer
    CHECK_STRIPE_WEBHOOK_SECRET  the instance's webhook signing secret

Rate limits are off in this instance only: the tools send thousands of requests, and the checks
are about what the site does with hostile input, not how fast it refuses it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from check.throwaway import BIN, DEMO_DOMAIN, ROOT, ServedSite, free_port, serving, site_environment, throwaway_database

# Demo accounts (marketplace/demo.py) that get a token, by the role they play.
TOKEN_ACCOUNTS = {
    "staff": f"canbo.xttm@{DEMO_DOMAIN}",
    "seller": f"chunhiem.myxuong@{DEMO_DOMAIN}",
    "buyer": f"muahang.sieuthi@{DEMO_DOMAIN}",
}


@dataclass
class Instance(ServedSite):
    tokens: dict[str, str] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        """What a tool run inside the instance is told about it."""
        extra = {"CHECK_BASE_URL": self.base_url,
                 "CHECK_STRIPE_WEBHOOK_SECRET": self.env["STRIPE_WEBHOOK_SECRET"]}
        extra |= {f"CHECK_{role.upper()}_TOKEN": token for role, token in self.tokens.items()}
        return dict(os.environ) | extra


def _marketplace(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "marketplace"), *args], env=env, cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"marketplace {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def running_instance() -> Iterator[Instance]:
    folder = Path(tempfile.mkdtemp(prefix="chq-check-"))
    try:
        with throwaway_database(folder, os.environ.get("CHECK_DATABASE_URL"), "chq_check") as database:
            port = free_port()
            env = site_environment(folder, database.url) | {
                "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(16),
                "PUBLIC_URL": f"http://127.0.0.1:{port}",
                "PORT": str(port),
            }
            for command in (("init-db",), ("demo",), ("search", "reindex")):
                _marketplace(env, *command)
            tokens = {role: _marketplace(env, "tokens", "create", "--email", email, "--name", "check")
                      .strip().splitlines()[-1] for role, email in TOKEN_ACCOUNTS.items()}
            flask = [str(BIN / "flask"), "--app", "marketplace", "run", "--host", "127.0.0.1", "--port", str(port),
                     "--no-reload", "--no-debugger", "--with-threads"]
            with (
                (folder / "server.log").open("w") as log,
                serving(flask, env, log, port, "/api/v1/", stop_within=15) as base_url,
            ):
                yield Instance(base_url=base_url, env=env, folder=folder, tokens=tokens)
    finally:
        keep = os.environ.get("CHECK_KEEP_LOG")
        if keep and (folder / "server.log").exists():
            shutil.copy(folder / "server.log", keep)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__)
        return 2
    with running_instance() as instance:
        print(f"check: instance at {instance.base_url} ({instance.env['DATABASE_URL'].split(':')[0]})", flush=True)
        return subprocess.run(argv, env=instance.environment(), check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
