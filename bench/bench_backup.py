"""Backup and restore at size: how long `marketplace backup` and `marketplace restore` take and
how large the archive is, on a generated marketplace (bench/search_data.py) with photo files.

    .venv/bin/python bench/bench_backup.py                 # 20,000 listings, 1,000 photos, SQLite
    .venv/bin/python bench/bench_backup.py --quick         # 2,000 listings, 100 photos
    .venv/bin/python bench/bench_backup.py --database-url 'postgresql://postgres@127.0.0.1/test?options=-csearch_path%3Dchq_bench'
        (an existing, empty schema: it is filled, backed up, restored over with --force)

Photos are random bytes in the photo store's layout (two files per photo, 40 KB and 120 KB: WebP
does not compress further, and neither do random bytes). The restore is timed with --force over
the same database, then the search index rebuilt, as the command does.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_data  # noqa: E402  (the helper beside this file)

from marketplace import create_app, db, schema  # noqa: E402
from marketplace.backup import services as backups  # noqa: E402
from marketplace.dates import today_in_vietnam  # noqa: E402
from marketplace.search import services as search  # noqa: E402

# search_data prices only the products the taxonomy had when it was written; newer ones (e.g.
# cu-sen) get a middling price here rather than a KeyError.
search_data.BASE_PRICES = defaultdict(lambda: 30_000, search_data.BASE_PRICES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--listings", type=int, default=None)
    parser.add_argument("--photos", type=int, default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--tar", action="store_true", help="An uncompressed .tar archive (default: .tar.gz).")
    parser.add_argument("--no-reindex", action="store_true", help="Skip timing the search index rebuild.")
    options = parser.parse_args()
    listings = options.listings or (2_000 if options.quick else 20_000)
    photo_count = options.photos if options.photos is not None else (100 if options.quick else 1_000)
    logging.getLogger("alembic").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="chq-bench-backup-") as work:
        folder = Path(work)
        url = options.database_url or f"sqlite:///{folder / 'bench.db'}"
        app = create_app({"APP_ENV": "testing", "TESTING": True, "DATABASE_URL": url, "MAIL_URL": "memory://",
                          "UPLOAD_DIR": str(folder / "uploads"), "SEARCH_INDEX_DIR": str(folder / "index")})
        engine = db.get_engine(app)
        started = time.perf_counter()
        schema.upgrade(engine)
        with app.app_context():
            schema.load_reference_data(db.session)
            search_data.generate(db.session, listings, today_in_vietnam())
            db.session.commit()
        for _ in range(photo_count):
            key = secrets.token_urlsafe(16)
            (folder / "uploads" / key[:2]).mkdir(parents=True, exist_ok=True)
            (folder / "uploads" / key[:2] / f"{key}-card.webp").write_bytes(os.urandom(40_000))
            (folder / "uploads" / key[:2] / f"{key}-detail.webp").write_bytes(os.urandom(120_000))
        print(f"generated in {time.perf_counter() - started:.1f} s: {listings} listings, {photo_count} photos "
              f"({engine.dialect.name})")

        archive = folder / ("bench.tar" if options.tar else "bench.tar.gz")
        started = time.perf_counter()
        made = backups.create_backup(engine, app.config["UPLOAD_DIR"], archive)
        backup_seconds = time.perf_counter() - started
        rows = sum(t.rows for t in made.tables.values())

        started = time.perf_counter()
        restored = backups.restore_backup(engine, app.config["UPLOAD_DIR"], archive, force=True)
        restore_seconds = time.perf_counter() - started
        documents, reindex_seconds = 0, 0.0
        if not options.no_reindex:
            with app.app_context():
                started = time.perf_counter()
                documents = search.reindex(db.session, search.backend(), commit=db.session.commit)
                reindex_seconds = time.perf_counter() - started
        engine.dispose()

    photo_mb = sum(p.size for p in made.photos) / 2**20
    print("| database | rows | photo files | archive | backup | restore (checked) | index rebuild |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {made.backend}, {archive.name.split('.', 1)[1]} | {rows:,} | {len(made.photos):,} ({photo_mb:.0f} MB) | "
          f"{made.archive_bytes / 2**20:.1f} MB | {backup_seconds:.1f} s | {restore_seconds:.1f} s | "
          + (f"{reindex_seconds:.1f} s ({documents:,} documents) |" if documents else "– |"))
    assert restored.tables == made.tables


if __name__ == "__main__":
    main()
