"""`make check-load`: 100 simulated people against the site served as in production, then a count
from the database that nothing was oversold and nothing paid twice.

1. A throwaway instance: a temporary SQLite database (or, with --database-url, a new database
   created on that PostgreSQL server and dropped afterwards), a temporary index and upload folder,
   the demo data made ready for load (check/load/load_instance.py: plenty of stock, two scarce
   listings, buyer and seller accounts).
2. The fake Stripe server of the test suite (check/load/stripe_control.py).
3. `marketplace serve` — gunicorn with --web-workers workers and the background worker — on a free
   loopback port, in production mode behind a pretend HTTPS proxy (TRUSTED_PROXIES=1).
4. locust, headless, with check/load/locustfile.py for --duration seconds.
5. Figures: requests per second, p50/p95/p99 per kind of request, failures; then the count.

Exits 1 on any failed request, any error in the server's log, any oversold listing, any stock
that does not add up, or any order paid twice.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

LOAD = Path(__file__).resolve().parent / "load"
sys.path[:0] = [str(LOAD.parent.parent), str(LOAD)]

from check.throwaway import BIN, free_port, throwaway_database, wait_until_up  # noqa: E402 - after the path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL server to run on (a new database is made there and dropped); "
                             "default: a temporary SQLite file")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second")
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--think", default="1,4", help="a person's pause between two actions: MIN,MAX seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, CSV, database)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="chq-load-"))
    cleanup = ExitStack()
    stripe = serve = None
    try:
        database = cleanup.enter_context(throwaway_database(folder, args.database_url, "chq_load"))
        env = {**os.environ, "DATABASE_URL": database.url, "SEARCH_INDEX_DIR": str(folder / "index"),
               "UPLOAD_DIR": str(folder / "uploads"), "MAIL_URL": "memory://", "APP_ENV": "development",
               "SECRET_KEY": secrets.token_urlsafe(48)}
        print(f"== instance in {folder} on {database.kind}", flush=True)
        for command in (["init-db"], ["demo"]):
            _quietly([str(BIN / "marketplace"), *command], env)
        plan = _prepare(env, buyers=args.users)
        plan_file = folder / "plan.json"
        plan_file.write_text(plan.to_json(), encoding="utf-8")
        _quietly([str(BIN / "marketplace"), "search", "reindex"], env)

        from stripe_control import StripeForLoad

        stripe = StripeForLoad().start()
        port = free_port()
        serve_env = {**env, **stripe.environment(), "APP_ENV": "production", "TRUSTED_PROXIES": "1",
                     "PUBLIC_URL": f"https://127.0.0.1:{port}"}
        serve_log = folder / "serve.log"
        with serve_log.open("wb") as log:
            serve = subprocess.Popen([str(BIN / "marketplace"), "serve", "--port", str(port),
                                      "--workers", str(args.web_workers)],
                                     env=serve_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        host = f"http://127.0.0.1:{port}"
        wait_until_up(f"{host}/healthz", serve, 120)

        load_before = os.getloadavg()
        print(f"== {args.users} users (pausing {args.think.replace(',', '-')} s) for {args.duration} s against {host} "
              f"(gunicorn, {args.web_workers} workers, "
              f"and the worker); load average before: {load_before[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
        started = time.monotonic()
        subprocess.run([str(BIN / "locust"), "-f", str(LOAD / "locustfile.py"), "--headless",
                        "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
                        "--host", host, "--csv", str(folder / "locust"), "--only-summary",
                        "--stop-timeout", "60", "--loglevel", "WARNING"],
                       env={**os.environ, "LOAD_PLAN": str(plan_file), "LOAD_STRIPE_CONTROL": stripe.control_url,
                            "LOAD_THINK": args.think},
                       cwd=folder, stdout=(folder / "locust.out").open("wb"), stderr=subprocess.STDOUT, check=False)
        wall = time.monotonic() - started
        load_after = os.getloadavg()
        server_cpu = _stop(serve)
        serve = None

        failures, requests = _report(folder, wall)
        print(f"CPU used by the server (gunicorn, its workers and the background worker): {server_cpu:.0f} s, "
              f"{server_cpu * 1000 / max(requests, 1):.0f} ms per request")
        print(f"load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f} "
              f"on {os.cpu_count()} CPUs shared with other work")
        server_errors = _server_errors(serve_log)
        counts = _count(env)
        _print_counts(counts)
        verdict = []
        if failures:
            verdict.append(f"{failures} failed requests")
        if server_errors:
            verdict.append(f"{server_errors} errors in the server log")
        if counts.broken:
            verdict.append("oversold, unbalanced or double-paid (above)")
        print("== " + ("FAILED: " + "; ".join(verdict) if verdict else "OK: no failed request, nothing oversold, "
                                                                           "nothing paid twice"))
        return 1 if verdict else 0
    finally:
        if serve is not None:
            _stop(serve)
        if stripe is not None:
            stripe.stop()
        cleanup.close()
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _in_app(env: dict, work):
    """Run `work(session)` in an app context of the instance (its settings come from the environment)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from marketplace import create_app, db

        app = create_app()
        with app.app_context():
            try:
                return work(db.session)
            finally:
                db.session.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _prepare(env: dict, buyers: int):
    import load_instance

    return _in_app(env, lambda session: load_instance.prepare(session, buyers))


def _count(env: dict):
    import load_instance

    return _in_app(env, load_instance.count)


def _quietly(argv: list[str], env: dict) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        print(done.stdout + done.stderr)
        raise SystemExit(f"{' '.join(argv[1:])} failed")


def _stop(serve: subprocess.Popen) -> float:
    """Stop `marketplace serve`; returns the CPU seconds its whole process tree used (each process's
    time is added to its parent's when it is reaped, so the supervisor's rusage holds them all)."""
    serve.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 60
    while True:
        pid, status, usage = os.wait4(serve.pid, os.WNOHANG)
        if pid:
            serve.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            os.killpg(serve.pid, signal.SIGKILL)
            deadline = float("inf")
        time.sleep(0.2)


def _ms(value: str) -> str:
    return "-" if value in ("", "N/A") else f"{float(value):,.0f}"


def _report(folder: Path, wall: float) -> int:
    """Print locust's figures per kind of request; returns the number of failed requests."""
    stats_file = folder / "locust_stats.csv"
    if not stats_file.exists():
        print((folder / "locust.out").read_text(errors="replace")[-3000:])
        raise SystemExit("locust wrote no statistics")
    rows = list(csv.DictReader(stats_file.open(encoding="utf-8")))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    kinds = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -int(r["Request Count"]))
    print(f"\n{'request':<48} {'count':>7} {'fail':>5} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}  (ms)")
    for row in [*kinds, total]:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        print(f"{name[:48]:<48} {row['Request Count']:>7} {row['Failure Count']:>5} "
              f"{float(row['Requests/s']):>6.1f} {_ms(row['50%']):>6} {_ms(row['95%']):>6} {_ms(row['99%']):>6} "
              f"{_ms(row['Max Response Time']):>7}")
    print(f"wall time of the load {wall:.0f} s (locust's run time plus the users finishing their task)")
    failures = list(csv.DictReader((folder / "locust_failures.csv").open(encoding="utf-8")))
    if failures:
        print("\nfailures:")
        for row in sorted(failures, key=lambda r: -int(r["Occurrences"])):
            print(f"  {row['Occurrences']:>5} × {row['Method']} {row['Name']}: {row['Error'][:150]}")
    return int(total["Failure Count"]), int(total["Request Count"])


def _server_errors(serve_log: Path) -> int:
    """Errors the server or the worker logged (tracebacks, ERROR lines, worker timeouts and restarts)."""
    lines = serve_log.read_text(encoding="utf-8", errors="replace").splitlines()
    bad = [line for line in lines if re.search(r"\b(ERROR|CRITICAL|Traceback|WORKER TIMEOUT)\b|restarting it", line)]
    print(f"\nserver log: {len(lines)} lines, {len(bad)} errors")
    for line in bad[:20]:
        print("  " + line[:200])
    return len(bad)


def _print_counts(counts) -> None:
    print(f"\norders in the database: {counts.orders} {dict(sorted(counts.orders_by_status.items()))}")
    print(f"payments applied: {dict(sorted(counts.payments_by_provider.items()))}; "
          f"Stripe events: {dict(sorted(counts.stripe_outcomes.items()))}")
    print(f"oversold listings: {len(counts.oversold)}; listings whose stock does not add up: "
          f"{len(counts.stock_drift)}; orders paid twice or over their amount: {len(counts.double_paid)}")
    print("scarce listings: " + "; ".join(counts.scarce))
    for line in counts.oversold + counts.stock_drift + counts.double_paid:
        print("  " + line)


if __name__ == "__main__":
    sys.exit(main())
