"""Commune type-ahead latency: what a club chair waits for on each keystroke pause.

Builds a fresh SQLite database with the 3,321 communes, then times search_communes for
accent-free prefixes of every Đồng Tháp commune name. Prints median and 95th percentile.
Run with `make bench`; not a test, no pass/fail.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from marketplace import create_app, db, schema
from marketplace.places.models import Commune
from marketplace.places.services import search_communes
from marketplace.vietnamese import fold


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"APP_ENV": "testing", "SECRET_KEY": "bench" * 8,
                          "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
                          "SEARCH_INDEX_DIR": "memory://"})
        schema.upgrade(db.get_engine(app))
        with app.app_context():
            schema.load_reference_data(db.session)
            db.session.commit()
            names = db.session.scalars(select(Commune.short_name).where(Commune.province_code == "82")).all()
            queries = [fold(name)[: max(3, len(name) // 2)] for name in names] * 3
            timings = []
            for query in queries:
                start = time.perf_counter()
                search_communes(db.session, query)
                timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95)]
        print(f"commune type-ahead: {len(timings)} queries, median {statistics.median(timings):.2f} ms, "
              f"p95 {p95:.2f} ms (SQLite, 3,321 communes)")


if __name__ == "__main__":
    main()
