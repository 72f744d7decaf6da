"""How long another writer waits on SQLite while a chair uploads photos (issue #14).

On SQLite a POST begins `BEGIN IMMEDIATE` at its first query and holds the write lock to its end;
issue #14 saw an order fail after 30 s during an 8-photo upload. This bench makes an app on a
fresh SQLite file, signs a chair in, and uploads 8 × 12 MP HEIC photos to a listing through the
edit form (a test client in a thread); 0.3 s after the upload starts it times another connection's
`BEGIN IMMEDIATE` (timeout 120 s), as an order would. Three rounds; prints the upload's time and
the writer's wait.

    .venv/bin/python bench/bench_photo_lock.py       # about a minute (the HEIC files are cached)
"""

from __future__ import annotations

import io
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_photos import SETS  # noqa: E402

from marketplace import create_app, db, schema  # noqa: E402
from marketplace.accounts import services as accounts  # noqa: E402
from marketplace.dates import today_in_vietnam  # noqa: E402
from marketplace.listings import services as listings  # noqa: E402

PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway account in a temporary database
ROUNDS = 3


def heic_photos(cache: Path) -> list[bytes]:
    folder = cache / "heic-12mp"
    if not folder.exists():
        folder.mkdir(parents=True)
        for index, data in enumerate(SETS["heic-12mp"][1]()):
            (folder / f"{index:02d}").write_bytes(data)
    return [path.read_bytes() for path in sorted(folder.iterdir())]


def make_app(folder: Path):
    app = create_app({
        "APP_ENV": "testing", "TESTING": True, "SECRET_KEY": "bench-secret-key-long-enough-0123456789",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "SEARCH_INDEX_DIR": "memory://",
        "UPLOAD_DIR": str(folder / "uploads"), "MAIL_URL": "memory://", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "PHOTO_UPLOADS_PER_HOUR": 1000, "SERVER_NAME": "localhost",
    })
    schema.upgrade(db.get_engine(app))
    with app.app_context():
        schema.load_reference_data(db.session)
        club = accounts.create_organization(db.session, kind="club", name="Hội quán đo", commune_code="30244")
        chair = accounts.create_user(db.session, name="Chủ nhiệm", password=PASSWORD, email="chair@example.test")
        accounts.add_member(db.session, club, chair, "seller")
        today = today_in_vietnam()
        ids = [listings.save_listing(db.session, club, listings.ListingInput(
            product="xoài", quantity="1000", unit="kg", price_vnd="38000", available_from=today,
            available_to=today + timedelta(days=30)), chair, today=today, publish=True).id for _ in range(ROUNDS)]
        db.session.commit()
    return app, ids


def one_round(app, listing_id: int, photos: list[bytes], database: str) -> tuple[float, float, int]:
    client = app.test_client()
    assert client.post("/login", data={"identifier": "chair@example.test", "password": PASSWORD}).status_code == 302
    today = today_in_vietnam()
    outcome: dict = {}

    def upload() -> None:
        started = time.perf_counter()
        response = client.post(f"/listings/{listing_id}/edit", data={
            "product": "xoài", "quantity": "1000", "unit": "kg", "price_vnd": "38000",
            "available_from": today.isoformat(), "available_to": (today + timedelta(days=30)).isoformat(),
            "photos": [(io.BytesIO(data), f"{n}.heic") for n, data in enumerate(photos)],
        }, content_type="multipart/form-data")
        outcome["status"], outcome["seconds"] = response.status_code, time.perf_counter() - started

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(0.3)
    writer = sqlite3.connect(database, timeout=120, isolation_level=None)
    started = time.perf_counter()
    writer.execute("BEGIN IMMEDIATE")
    waited = time.perf_counter() - started
    writer.execute("COMMIT")
    writer.close()
    thread.join()
    return outcome["seconds"], waited, outcome["status"]


def main() -> None:
    photos = heic_photos(Path(tempfile.gettempdir()) / "chq-bench-photos")
    with tempfile.TemporaryDirectory() as folder:
        app, ids = make_app(Path(folder))
        uploads, waits = [], []
        for listing_id in ids:
            seconds, waited, status = one_round(app, listing_id, photos, str(Path(folder) / "bench.db"))
            print(f"upload {seconds:5.2f} s (HTTP {status}); another writer waited {waited:5.2f} s", flush=True)
            uploads.append(seconds)
            waits.append(waited)
        db.get_engine(app).dispose()
    print(f"median: upload {statistics.median(uploads):.2f} s, writer waited {statistics.median(waits):.2f} s")


if __name__ == "__main__":
    main()
