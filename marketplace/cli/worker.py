"""The long-running commands: serve (gunicorn and the worker) and worker (the jobs packages register)."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace import worker
from marketplace.cli.common import fail
from marketplace.supervisor import Supervisor, default_workers, web_and_worker


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=lambda: int(os.environ.get("PORT", "8000")),
              show_default="PORT, else 8000")
@click.option("--workers", type=click.IntRange(min=1), default=default_workers,
              show_default="WEB_CONCURRENCY, else 2", help="Web worker processes.")
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve the site with gunicorn and run the background worker beside it; either one that dies
    is started again (logged). Ctrl-C or SIGTERM stops both."""
    sys.exit(Supervisor.of(web_and_worker(host=host, port=port, workers=workers)).run())


@click.command("worker")
@click.option("--once", is_flag=True, help="One round, then exit (for cron or tests); a failing step fails it.")
@click.option("--rounds", type=click.IntRange(min=1), default=None,
              help="Stop after this many rounds (a failing step is logged and retried, as when running for good).")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between rounds.")
@with_appcontext
def worker_command(once: bool, rounds: int | None, interval: float) -> None:
    """The background worker: follows committed changes to keep the search index, the matches and
    the saved-search alerts current, reminds and expires orders, and sends queued mail (retrying
    failures) and the daily digests. Run one beside the web server (`make run` does). SIGTERM
    stops it cleanly between two steps."""
    try:
        worker.Worker(current_app._get_current_object(), once=once).run(rounds=rounds, interval=interval)
    except worker.Unavailable as problem:
        fail(str(problem))
