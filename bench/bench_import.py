"""Import speed (issue #21): rows a second through `marketplace import`, against the goal of
1,000 rows a second and against the time to merely read the same workbook with openpyxl.

Generates a season workbook the way people fill one in — product names without accents
("xoai cat chu"), the variety inside the product cell, units such as túi, tạ, thùng 10 kg,
prices such as 38k — with `--rows` listings for 1 organisation per 50 rows, and a second
workbook of buyers' requests (demand, a quarter as many rows). Both are imported with the
`marketplace import` command into a fresh database (SQLite by default, or `--database-url`),
optionally holding `--db-listings` listings made by bench/search_data.py beforehand.

    PYTHONPATH=$PWD .venv/bin/python bench/bench_import.py --quick     # 2,000 rows
    PYTHONPATH=$PWD .venv/bin/python bench/bench_import.py             # 50,000 rows, 100,000 in the DB
    ... --profile                                                      # cProfile of the listings import

Writes bench/results/import.json (the shared contract, see bench/report.py); measures, asserts
nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import pstats
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_data  # noqa: E402  (the helper beside this file)
from machine import processor  # noqa: E402  # bench/ is on the path from here

from marketplace import create_app, db, schema  # noqa: E402
from marketplace.dates import today_in_vietnam  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "import.json"
GOAL_ROWS_PER_SECOND = 1000
SEED = 21

# Names as people type them: without accents, variety inside the product cell, a synonym.
GOODS = [
    ("xoai cat chu", ""), ("Xoài cát Chu", ""), ("xoai", "cat hoa loc"), ("Xoài", "Đài Loan"),
    ("quyt hong lai vung", ""), ("quýt đường", ""), ("sau rieng", "Ri6"), ("sầu riêng Monthong", ""),
    ("nhan xuong com vang", ""), ("khom", ""), ("dứa", ""), ("buoi da xanh", ""), ("lua ST25", ""),
    ("gao", "ST25"), ("ca tra", ""), ("tom cang xanh", ""), ("sen", ""), ("hoa kieng", ""),
    ("ot chi thien", ""), ("thanh long ruot do", ""), ("chuoi gia", ""), ("mit thai", ""),
    ("trai coc", ""), ("rau ma", ""),  # not in the catalogue: kept as typed
]
UNITS = ["kg", "kg", "tấn", "tạ", "túi", "trái", "thùng 10 kg", "yến", "Kg"]
PRICES = [38000, "38k", "38.000", "25,5k", None, 12000]
COMMUNES = ["30076", "29905", "30244", "29869", "28261"]


def machine() -> str:
    return f"{processor()}, SQLite {sqlite3.sqlite_version}"


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def _save(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def season_workbook(path: Path, rows: int, today: date, seed: int = SEED) -> Path:
    """Organisations (one per 50 rows) and `rows` listings of theirs."""
    rng = random.Random(seed)
    orgs = max(rows // 50, 1)
    organizations = [["ref", "kind", "name", "commune_code", "members", "tourism"]] + [
        [f"bench-org-{i}", "cooperative" if i % 5 == 0 else "club", f"Hội quán Thử {i}",
         COMMUNES[i % len(COMMUNES)], rng.randint(10, 150), "không"] for i in range(orgs)]
    listings = [["ref", "org_ref", "product", "variety", "quantity", "unit", "min_order", "price_vnd",
                 "available_from", "available_to", "description"]]
    for i in range(rows):
        product, variety = GOODS[rng.randrange(len(GOODS))]
        start = today + timedelta(days=rng.randint(-10, 30))
        listings.append([f"bench-l-{i}", f"bench-org-{rng.randrange(orgs)}", product, variety,
                         rng.choice([5000, 200, "2,5", 1200]), rng.choice(UNITS), rng.choice([None, 1]),
                         rng.choice(PRICES), start.strftime("%d/%m/%Y"),
                         (start + timedelta(days=rng.randint(20, 120))).strftime("%d/%m/%Y"),
                         rng.choice(["", "Hàng loại 1, giao tại vườn."])])
    return _save(path, {"organizations": organizations, "listings": listings})


def demand_workbook(path: Path, rows: int, today: date, seed: int = SEED) -> Path:
    """Buyers (one per 50 rows) and `rows` requests of theirs."""
    rng = random.Random(seed + 1)
    orgs = max(rows // 50, 1)
    organizations = [["ref", "kind", "name", "commune_code"]] + [
        [f"bench-buyer-{i}", "supermarket" if i % 2 else "trader", f"Người mua Thử {i}",
         COMMUNES[i % len(COMMUNES)]] for i in range(orgs)]
    demand = [["ref", "org_ref", "product", "variety", "quantity", "unit", "frequency", "needed_from",
               "needed_to", "price_max_vnd", "required_certificates"]]
    for i in range(rows):
        product, variety = GOODS[rng.randrange(len(GOODS))]
        start = today + timedelta(days=rng.randint(0, 30))
        demand.append([f"bench-d-{i}", f"bench-buyer-{rng.randrange(orgs)}", product, variety,
                       rng.choice([500, 2000, "1,5"]), rng.choice(UNITS), rng.choice(["once", "weekly", ""]),
                       start.strftime("%d/%m/%Y"), (start + timedelta(days=60)).strftime("%d/%m/%Y"),
                       rng.choice([None, 40000, "35k"]), rng.choice(["", "vietgap", ""])])
    return _save(path, {"organizations": organizations, "demand": demand})


def read_only_seconds(path: Path) -> float:
    """The anchor: read every cell of the workbook with openpyxl, and nothing else."""
    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            pass
    workbook.close()
    return time.perf_counter() - started


def import_seconds(app, path: Path, profile: Path | None = None, *, dry_run: bool = False) -> tuple[float, str]:
    runner = app.test_cli_runner()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = runner.invoke(args=["import", str(path), "--lang", "en", *(["--dry-run"] if dry_run else [])],
                           catch_exceptions=False)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"import of {path.name} failed:\n{result.output[-3000:]}")
    return seconds, result.output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 rows, no listings beforehand")
    parser.add_argument("--rows", type=int, help="listings rows (default 50,000; 2,000 with --quick)")
    parser.add_argument("--db-listings", type=int,
                        help="listings in the database beforehand (default 100,000; 0 with --quick)")
    parser.add_argument("--database-url", help="an empty database to use instead of a fresh SQLite file")
    parser.add_argument("--profile", action="store_true", help="write a cProfile of the listings import")
    parser.add_argument("--demand-only", action="store_true",
                        help="only the demand workbook (develop the demand import; the listings figures are left out)")
    args = parser.parse_args()
    rows = args.rows or (2000 if args.quick else 50_000)
    db_listings = args.db_listings if args.db_listings is not None else (0 if args.quick else 100_000)
    logging.disable(logging.INFO)
    today = today_in_vietnam()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    app = create_app({"APP_ENV": "testing", "SECRET_KEY": "bench" * 8, "MAIL_URL": "memory://",
                      "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'marketplace.db'}",
                      "SEARCH_INDEX_DIR": str(folder / "index"), "UPLOAD_DIR": str(folder / "uploads")})
    schema.upgrade(db.get_engine(app))
    with app.app_context():
        schema.load_reference_data(db.session)
        if db_listings:
            started = time.perf_counter()
            search_data.generate(db.session, db_listings, today)
            print(f"{db_listings} listings generated in {time.perf_counter() - started:.0f} s", flush=True)
        db.session.commit()
    if db_listings:
        # What is in the database is searchable before the import, as on a running site.
        app.test_cli_runner().invoke(args=["search", "reindex"], catch_exceptions=False)

    season = season_workbook(folder / "season.xlsx", rows, today)
    demand_rows = max(rows // 4, 1)
    requests = demand_workbook(folder / "demand.xlsx", demand_rows, today)
    season_rows = rows + max(rows // 50, 1)
    demand_all = demand_rows + max(demand_rows // 50, 1)

    read_season = read_only_seconds(season)
    read_demand = read_only_seconds(requests)
    profile = folder / "import.prof" if args.profile else None
    # The same import rolled back (--dry-run): checks and writes without the commit and without
    # feeding the search index, which bench_search.py measures.
    if not args.demand_only:
        dry_s, _ = import_seconds(app, season, dry_run=True)
        season_s, output = import_seconds(app, season, profile)
        print(output.strip().splitlines()[-1])
    # The buyers of the demand workbook are in it: its dry run stands alone (before the real import,
    # so that its requests are created, not updated, as in the real one).
    demand_dry_s, _ = import_seconds(app, requests, dry_run=True)
    demand_s, _ = import_seconds(app, requests, profile if args.demand_only else None)
    if profile:
        pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(45)
        print(f"profile: {profile}")

    figures = []
    dry_runs = [("import_demand_dry_run_rate", f"{demand_rows:,} buyers' requests", demand_all, demand_dry_s)]
    if not args.demand_only:
        dry_runs.insert(0, ("import_listings_dry_run_rate", f"{rows:,} listings", season_rows, dry_s))
    for key, what, n, seconds in dry_runs:
        figures.append({"key": key, "label": f"Import without commit and search index (--dry-run), {what}: "
                                           "rows a second",
                        "value": round(n / seconds, 1), "unit": "rows/s", "anchor_label": "goal",
                        "anchor_value": GOAL_ROWS_PER_SECOND, "ratio": round(n / seconds / GOAL_ROWS_PER_SECOND, 3),
                        "goal": "≥ 1,000 rows/s", "met": n / seconds >= GOAL_ROWS_PER_SECOND})
    imports = [("import_demand", f"Import, {demand_rows:,} buyers' requests", demand_all, demand_s, read_demand)]
    if not args.demand_only:
        imports.insert(0, ("import_listings", f"Import, season sheet of {rows:,} listings ({db_listings:,} in the DB)",
                           season_rows, season_s, read_season))
    for key, label, n, seconds, read in imports:
        per_second = n / seconds
        figures.append({"key": f"{key}_rate", "label": f"{label}: rows a second", "value": round(per_second, 1),
                        "unit": "rows/s", "anchor_label": "goal", "anchor_value": GOAL_ROWS_PER_SECOND,
                        "ratio": round(per_second / GOAL_ROWS_PER_SECOND, 3), "goal": "≥ 1,000 rows/s",
                        "met": per_second >= GOAL_ROWS_PER_SECOND})
        figures.append({"key": f"{key}_time", "label": f"{label}: whole command", "value": round(seconds, 2),
                        "unit": "s", "anchor_label": "reading the workbook with openpyxl",
                        "anchor_value": round(read, 2), "ratio": round(seconds / read, 1),
                        "goal": "< 60 s for 50,000 rows" if key == "import_listings" else "",
                        "met": (seconds < 60) if key == "import_listings" and rows >= 50_000 else None})
    result = {"bench": "import", "quick": args.quick, "demand_only": args.demand_only, "date": today.isoformat(),
              "machine": machine(), "loadavg": loadavg(), "figures": figures}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    for figure in figures:
        print(f"{figure['label']}: {figure['value']} {figure['unit']} "
              f"({figure['anchor_label']} {figure['anchor_value']}, ratio {figure['ratio']})")
    print(f"load average {result['loadavg']}; written {RESULTS}")


if __name__ == "__main__":
    main()
