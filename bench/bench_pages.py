"""Pages under the production server (issue #21): requests a second and p50/p99 of the home,
search, listing, demand and organisation pages served by gunicorn as `marketplace serve` runs it
(2 workers), against a bare Flask page (bench/bare_app.py) under the same settings in the same run;
and each page's server time in-process (the app's test client, no network, no server).

1. A throwaway instance (check/throwaway.py): a temporary SQLite file (or, with --database-url, a
   new database on that PostgreSQL server, dropped after), its index and photos in a temporary
   folder, set up with the product's own commands (`init-db`, `demo`, `search reindex`).
2. gunicorn with the argv of `marketplace serve` (marketplace.supervisor.web_and_worker) without
   the background worker: the worker has nothing to do on a quiet site and would only share the
   cores; then the bare app with the same gunicorn argv.
3. wrk (Debian's package; installed with apt-get when missing, if this user may) with 16
   connections and 2 threads, asking for br/gzip as a browser does; without wrk, a Python client
   with 16 threads on keep-alive connections (slower: it shares the 2 cores under the GIL; the
   JSON says which client measured).

    .venv/bin/python bench/bench_pages.py            # 15 s a page, about 3 minutes; rewrites the doc
    .venv/bin/python bench/bench_pages.py --quick    # 3 s a page, under a minute; no doc

Writes bench/results/pages.json (the shared shape; bench/report.py makes the summary table) and,
without --quick, the generated part of "Pages" in docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from machine import processor  # noqa: E402  # bench/ is on the path from here

from check.throwaway import BIN, free_port, serving, site_environment, throwaway_database  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench_pages:begin -->", "<!-- bench_pages:end -->"
CONNECTIONS, WRK_THREADS, WORKERS = 16, 2, 2
GOAL_RPS = 200  # issue #21: home and search at least 200 requests a second
ACCEPT_ENCODING = "br, gzip"


def _marketplace(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(BIN / "marketplace"), *args], env=env, cwd=ROOT, check=False,  # noqa: S603
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"marketplace {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _gunicorn(app_spec: str, port: int) -> list[str]:
    """`marketplace serve`'s gunicorn argv, for `app_spec`."""
    from marketplace.supervisor import web_and_worker

    argv = web_and_worker(host="127.0.0.1", port=port, workers=WORKERS, python=sys.executable)["web"]
    return [*argv[:-1], app_spec]


def _pages(base_url: str) -> dict[str, str]:
    """The paths measured: the first listing, request and organisation the home page links to."""
    connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=30)
    connection.request("GET", "/")
    html = connection.getresponse().read().decode()
    connection.close()

    def first(pattern: str) -> str:
        found = re.search(pattern, html)
        if not found:
            raise RuntimeError(f"the home page links to no {pattern}")
        return found.group(0)

    return {"home": "/", "search": "/search?q=xoai", "listing": first(r"/listings/\d+"),
            "demand": first(r"/demand/\d+"), "organisation": first(r"/orgs/\d+")}


# Load generators ---------------------------------------------------------------------------

def _wrk() -> str | None:
    found = shutil.which("wrk")
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False,  # noqa: S607
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found = shutil.which("wrk")
    return found


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_with_wrk(wrk: str, url: str, seconds: int) -> dict:
    done = subprocess.run([wrk, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",  # noqa: S603
                           "-H", f"Accept-Encoding: {ACCEPT_ENCODING}", url],
                          capture_output=True, text=True, check=True)
    out = done.stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1)),
            "p99": _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)),
            "errors": int(errors.group(1)) if errors else 0}


def load_with_python(url: str, seconds: int) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def one_connection() -> None:
        mine, connection = [], None
        while time.monotonic() < deadline:
            if connection is None:
                connection = http.client.HTTPConnection(parts.netloc, timeout=30)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING})
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except OSError:
                errors[0] += 1
                connection = None
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=one_connection) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {"rps": len(latencies) / seconds, "p50": latencies[len(latencies) // 2],
            "p99": latencies[int(len(latencies) * 0.99)], "errors": errors[0]}


# Server time in-process --------------------------------------------------------------------

def server_times(env: dict[str, str], pages: dict[str, str], repeat: int) -> dict[str, dict[str, float]]:
    """Median milliseconds of each page through the app's test client, as a visitor (cookies kept,
    not signed in) asking for br/gzip: "kept" as configured (the page cache answers), "rendered"
    with PAGE_CACHE_SECONDS=0 (every request renders); and of the bare page the same way."""
    os.environ.update(env)
    from bench.bare_app import app as bare
    from marketplace import create_app

    rendered = create_app({"PAGE_CACHE_SECONDS": 0})
    clients = {"kept": create_app().test_client(), "rendered": rendered.test_client()}
    clients |= {who: signed_in_client(rendered, login) for who, login in SIGNED_IN.items()}
    times: dict[str, dict[str, float]] = {"bare": {"kept": 0.0, "rendered": 0.0}}
    for mode, client in [("bare", bare.test_client()), *clients.items()]:
        shown = {"bare": "/"} if mode == "bare" else pages
        if mode in SIGNED_IN:  # signed-in people always get rendered pages
            shown = {page: path for page, path in pages.items() if page in SIGNED_IN_PAGES}
        for page, path in shown.items():
            headers = {"Accept-Encoding": ACCEPT_ENCODING}
            for _ in range(3):
                client.get(path, headers=headers)
            spent = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                spent.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            if mode == "bare":
                times["bare"] = {"kept": statistics.median(spent), "rendered": statistics.median(spent)}
            else:
                times.setdefault(page, {})[mode] = statistics.median(spent)
    return times


# A buyer and a club's chair of the demo data (marketplace/demo.py), signed in with its password.
SIGNED_IN = {"buyer": "muahang.sieuthi", "chair": "chunhiem.myxuong"}
SIGNED_IN_PAGES = ("home", "search", "organisation")
SIGNED_IN_GOAL_MS = 4  # issue #21: signed-in pages in a few milliseconds of server time


def signed_in_client(app, login: str):
    from marketplace.demo import demo_email

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"csrf_token": token, "identifier": demo_email(login),
                                         "password": app.config["DEMO_PASSWORD"]})
    assert answer.status_code == 302, f"sign-in of {login} failed: {answer.status_code}"
    return client


# The run -----------------------------------------------------------------------------------

def run(args) -> dict:
    seconds = 3 if args.quick else args.seconds
    wrk = None if args.python_client else _wrk()
    def load(url: str, seconds: int = seconds) -> dict:
        return load_with_wrk(wrk, url, seconds) if wrk else load_with_python(url, seconds)

    loadavg_start = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="chq-bench-pages-"))
    measured: dict[str, dict] = {}
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, True)
        database = stack.enter_context(throwaway_database(folder, args.database_url, "chq_bench_pages"))
        env = site_environment(folder, database.url) | {"PYTHONPATH": str(ROOT)}
        for command in (("init-db",), ("demo",), ("search", "reindex")):
            _marketplace(env, *command)
        log = stack.enter_context(open(folder / "server.log", "w"))
        port = free_port()
        with serving(_gunicorn("marketplace:create_app()", port), env, log, port, "/", 20) as base_url:
            pages = _pages(base_url)
            for name, path in pages.items():
                load(base_url + path, 2)  # a short first round: index searchers, template caches, pools
                measured[name] = load(base_url + path)
        port = free_port()
        with serving(_gunicorn("bench.bare_app:app", port), env, log, port, "/", 20) as base_url:
            load(base_url + "/", 2)
            measured["bare"] = load(base_url + "/")
        times = server_times(env, pages, 20 if args.quick else 100)
    return {"measured": measured, "times": times, "pages": pages, "client": "wrk" if wrk else "python",
            "page_cache": os.environ.get("PAGE_CACHE_SECONDS", "1 (default)"),
            "database": database.kind, "loadavg": [round(x, 2) for x in (*loadavg_start, *os.getloadavg())]}


LABELS = {"home": "Home page", "search": "Search page (q=xoai)", "listing": "A listing's page",
          "demand": "A request's page", "organisation": "An organisation's page"}


def figures(outcome: dict) -> list[dict]:
    bare, times = outcome["measured"]["bare"], outcome["times"]
    rows = []
    for name, label in LABELS.items():
        got = outcome["measured"][name]
        goal = name in ("home", "search")
        rows.append({"key": f"{name}_rps", "label": f"{label}, requests/s (gunicorn ×{WORKERS}, {CONNECTIONS} conn.)",
                     "value": round(got["rps"], 1), "unit": "req/s", "anchor_label": "bare Flask page, same server",
                     "anchor_value": round(bare["rps"], 1), "ratio": round(got["rps"] / bare["rps"], 3),
                     "goal": f"≥ {GOAL_RPS} req/s" if goal else "", "met": got["rps"] >= GOAL_RPS if goal else None})
        rows.append({"key": f"{name}_p50", "label": f"{label}, p50 / p99 under load", "value": round(got["p50"], 1),
                     "unit": "ms", "p99": round(got["p99"], 1), "anchor_label": "bare Flask page p50",
                     "anchor_value": round(bare["p50"], 2), "ratio": round(got["p50"] / bare["p50"], 1),
                     "goal": "", "met": None})
        for mode, how in (("rendered", "rendered"), ("kept", "from the page cache")):
            spent = times[name][mode]
            rows.append({"key": f"{name}_server_ms_{mode}", "label": f"{label}, server time in-process, {how}",
                         "value": round(spent, 2), "unit": "ms", "anchor_label": "bare Flask page in-process",
                         "anchor_value": round(times["bare"][mode], 3),
                         "ratio": round(spent / times["bare"][mode], 1),
                         "goal": "a few ms" if mode == "rendered" else "",
                         "met": spent <= 5 if mode == "rendered" else None})
        for who in SIGNED_IN if name in SIGNED_IN_PAGES else ():
            spent = times[name][who]
            rows.append({"key": f"{name}_server_ms_{who}",
                         "label": f"{label}, server time in-process, a {who} signed in",
                         "value": round(spent, 2), "unit": "ms", "anchor_label": "bare Flask page in-process",
                         "anchor_value": round(times["bare"]["rendered"], 3),
                         "ratio": round(spent / times["bare"]["rendered"], 1),
                         "goal": f"≈ {SIGNED_IN_GOAL_MS} ms (quiet machine)", "met": spent <= SIGNED_IN_GOAL_MS})
    return rows


def machine() -> str:
    return processor()


def doc_block(result: dict, outcome: dict) -> str:
    measured, bare = outcome["measured"], outcome["measured"]["bare"]
    lines = [BEGIN,
             f"_Generated by `bench/bench_pages.py` on {result['date']}; {result['machine']}; {outcome['database']}, "
             f"demo data; PAGE_CACHE_SECONDS={outcome['page_cache']}; load generator {outcome['client']}, "
             f"{CONNECTIONS} connections; load average "
             f"{outcome['loadavg'][0]} at the start and {outcome['loadavg'][3]} at the end._", "",
             "| Page | Requests/s | Ratio to bare | p50 ms | p99 ms | Rendered in-process, ms "
             "| From the page cache, ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, label in LABELS.items():
        got = measured[name]
        spent = outcome["times"][name]
        lines.append(f"| {label} | {got['rps']:,.0f} | {got['rps'] / bare['rps']:.2f} | {got['p50']:.1f} | "
                     f"{got['p99']:.1f} | {spent['rendered']:.1f} | {spent['kept']:.1f} |")
    lines.append(f"| Bare Flask page (anchor) | {bare['rps']:,.0f} | 1.00 | {bare['p50']:.1f} | {bare['p99']:.1f} | "
                 f"{outcome['times']['bare']['rendered']:.2f} | |")
    lines += ["", "Signed in (always rendered), server time in-process, median ms:", "",
              "| Page | " + " | ".join(f"A {who}" for who in SIGNED_IN) + " |",
              "|---|" + "---:|" * len(SIGNED_IN)]
    for name in SIGNED_IN_PAGES:
        spent = " | ".join(f"{outcome['times'][name][who]:.1f}" for who in SIGNED_IN)
        lines.append(f"| {LABELS[name]} | {spent} |")
    lines.append(END)
    return "\n".join(lines)


def write_doc(block: str) -> None:
    text = DOC.read_text()
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s a page; writes the JSON, not the doc")
    parser.add_argument("--seconds", type=int, default=15, help="seconds of load a page (default 15)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="a PostgreSQL server (a new database is made there and dropped); default SQLite")
    parser.add_argument("--python-client", action="store_true", help="the Python client even when wrk is there")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    args = parser.parse_args()
    outcome = run(args)
    result = {"bench": "pages", "quick": args.quick, "date": datetime.date.today().isoformat(), "machine": machine(),
              "loadavg": outcome["loadavg"], "client": outcome["client"], "database": outcome["database"],
              "pages": outcome["pages"], "figures": figures(outcome)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    block = doc_block(result, outcome)
    print(block)
    failed = {name: got["errors"] for name, got in outcome["measured"].items() if got["errors"]}
    if failed:
        print(f"failed requests: {failed}", file=sys.stderr)
    if not args.quick and not args.no_doc:
        write_doc(block)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
