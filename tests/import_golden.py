"""A deterministic, large listings sheet with bad rows of every kind, and a stable text record of
what the import made of it: every row's outcome, problem and warning, and every organisation,
credential and listing in the session afterwards.

The golden record (tests/data/import_golden.txt.gz) was written by the import as it was before
issue #21 made it fast; tests/integration/imports/test_golden.py imports the same sheet with the
code of today and compares the two line by line. Dates are written relative to today (`D+12`), so
the record holds on any day.

    PYTHONPATH=$PWD .venv/bin/python -m tests.import_golden --write   # re-record (old code only!)
"""

from __future__ import annotations

import gzip
import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from marketplace.accounts.models import Organization
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.listings.models import Listing

GOLDEN = Path(__file__).parent / "data" / "import_golden.txt.gz"
ROWS = 20_000
SEED = 2126

ORG_HEADER = ["ref", "kind", "name", "commune_code", "address", "phone", "members", "founded_on",
              "founded_from_ref", "tourism", "description"]
CERT_HEADER = ["org_ref", "type", "number", "product", "stars", "issued_on", "expires_on", "issuer", "status"]
CODE_HEADER = ["org_ref", "code", "kind", "crop", "area_ha", "commune_code", "markets", "issued_on",
               "valid_until", "status"]
LISTING_HEADER = ["ref", "org_ref", "product", "variety", "category", "quantity", "unit", "min_order",
                  "price_vnd", "available_from", "available_to", "certificates", "planting_codes",
                  "description"]

COMMUNES = ["30076", "29905", "30244", "29869", "28261"]
# (product, variety) as people write them: with and without accents, variety in the product cell
GOODS = [
    ("xoài", "cát Chu"), ("Xoài cát Chu", ""), ("xoai cat chu", ""), ("xoai", "cat hoa loc"),
    ("Xoài", "Đài Loan"), ("quýt", "hồng Lai Vung"), ("quyt hong", ""), ("quýt đường", ""),
    ("sầu riêng", "Ri6"), ("sau rieng", "Monthong"), ("nhãn", "xuồng cơm vàng"), ("nhan", ""),
    ("khóm", ""), ("dứa", ""), ("bưởi", "da xanh"), ("buoi da xanh", ""), ("lúa", "ST25"),
    ("gạo ST25", ""), ("cá tra", ""), ("ca tra", ""), ("sen", ""), ("hoa kiểng", ""), ("mắm cá", ""),
    ("ớt", "chỉ thiên"), ("thanh long", "ruột đỏ"), ("chuối", "già"), ("mít", "Thái"),
    ("trái cóc", ""), ("sầu đâu", ""), ("rau má", ""),  # not in the catalogue: kept as typed
]
UNITS = ["kg", "kg", "kg", "tấn", "tạ", "túi", "trái", "thùng 10 kg", "bao", "yến", "Kg", "tan"]
CATEGORIES = ["", "", "", "fruit", "trái cây", "rice", "vegetable", "khong co"]
PRICES = [38000, "38k", "38.000", "25,5k", None, 12000, "1.200.000", 7200000]


def _organizations(rng: random.Random, n: int) -> list[list]:
    rows = [ORG_HEADER]
    for i in range(n):
        kind = "cooperative" if i % 7 == 0 else "club"
        commune = COMMUNES[i % len(COMMUNES)]
        if i % 53 == 52:
            commune = "99999"  # no such commune: the org has problems, its listings are told so
        rows.append([f"gold-org-{i}", kind, f"Hội quán Vàng {i}", commune, f"Ấp {i % 9}", "",
                     rng.randint(5, 200), "15/03/2019", "", "không", ""])
    return rows


def _certificates(today: date, n: int) -> list[list]:
    issued = today - timedelta(days=30)
    rows = [CERT_HEADER]
    for i in range(0, n, 2):
        rows.append([f"gold-org-{i}", "vietgap", f"VietGAP-GOLD-{i:04d}", "xoài", None, issued,
                     issued + timedelta(days=600), "QUACERT", "active" if i % 4 == 0 else "pending"])
    return rows


def _codes(today: date, n: int) -> list[list]:
    issued = today - timedelta(days=30)
    rows = [CODE_HEADER]
    for i in range(0, n, 3):
        rows.append([f"gold-org-{i}", f"VN-GOLD-{i:04d}", "growing_area", "xoài", "2,5", None, "CN",
                     issued, issued + timedelta(days=700), "active"])
    return rows


def _listing(rng: random.Random, today: date, i: int, orgs: int, seeded: list[str]) -> list:
    org_number = rng.randrange(orgs)
    org_ref = f"gold-org-{org_number}"
    product, variety = GOODS[rng.randrange(len(GOODS))]
    start = today + timedelta(days=rng.randint(-20, 30))
    end = start + timedelta(days=rng.randint(10, 120))
    quantity = rng.choice([5000, 200, "2,5", 1200, "1.500", 30])
    certificates = f"VietGAP-GOLD-{org_number:04d}" if org_number % 2 == 0 and rng.random() < 0.5 else ""
    codes = f"VN-GOLD-{org_number:04d}" if org_number % 3 == 0 and rng.random() < 0.5 else ""
    row = [f"gold-l-{i}", org_ref, product, variety, rng.choice(CATEGORIES), quantity, rng.choice(UNITS),
           rng.choice([None, None, 10, "100"]), rng.choice(PRICES),
           start if rng.random() < 0.5 else start.strftime("%d/%m/%Y"),
           end if rng.random() < 0.7 else end.strftime("%d/%m/%Y"),
           certificates, codes, rng.choice(["", "Hàng loại 1, giao tại vườn.", "Trái đẹp"])]
    # About one row in eight is bad, or adjusted, in one of these ways.
    kind = rng.randrange(40)
    if kind == 0:
        row[0] = ""  # no ref
    elif kind == 1:
        row[0] = f"gold-l-{max(i - 1, 0)}"  # the ref of the row above
    elif kind == 2:
        row[1] = "gold-org-nobody"
    elif kind == 3:
        row[5] = rng.choice(["nhiều", "-5", "0", ""])
    elif kind == 4:
        row[8] = rng.choice(["abc", "-1000", "38kk"])
    elif kind == 5:
        row[9], row[10] = end, start  # window backwards
    elif kind == 6:
        row[10] = rng.choice(["32/13/2026", "mai", ""])
    elif kind == 7:
        row[11] = rng.choice(["VietGAP-GOLD-9999", f"VietGAP-GOLD-{(org_number + 1) % orgs:04d}"])
    elif kind == 8:
        row[12] = rng.choice(["VN-NOWHERE-1", f"VN-GOLD-{(org_number + 1) % orgs:04d}"])
    elif kind == 9 and seeded:
        row[0] = rng.choice(seeded)  # a listing already stored, of its own or of another organisation
    elif kind == 10:
        row[2] = ""  # no product
    elif kind == 11:
        row[6] = rng.choice(["", "bao tải lớn", "giỏ"])
    elif kind == 12:
        row[9] = today - timedelta(days=200)
        row[10] = today - timedelta(days=rng.randint(1, 100))  # over: stored as ended
    elif kind == 13:
        row[7] = 999_999  # minimum order above the quantity
    elif kind == 14:
        row[13] = "x" * rng.choice([100, 5001])
    elif kind == 15:
        row[1] = "gold-org-pre-0"  # an organisation already stored, not in the file
    return row


def seed_sheets(today: date) -> dict[str, list[list]]:
    """What is stored before the big sheet: two organisations and some of their listings."""
    orgs = [ORG_HEADER] + [[f"gold-org-pre-{i}", "club", f"Hội quán Có Sẵn {i}", "30076", "", "", 10,
                            "01/01/2020", "", "không", ""] for i in range(2)]
    listings = [LISTING_HEADER] + [[f"gold-pre-l-{i}", f"gold-org-pre-{i % 2}", "xoài", "cát Chu", "", 100, "kg",
                                    None, 30000, today, today + timedelta(days=30), "", "", ""] for i in range(10)]
    return {"organizations": orgs, "listings": listings}


def golden_sheets(today: date, rows: int = ROWS, seed: int = SEED) -> dict[str, list[list]]:
    """The big sheet: 200 organisations (a few with a bad commune), their credentials, and `rows`
    listings. Deterministic for a given day, `rows` and `seed`."""
    rng = random.Random(seed)
    orgs = 200
    seeded = [f"gold-pre-l-{i}" for i in range(10)]
    return {
        "organizations": _organizations(rng, orgs),
        "certificates": _certificates(today, orgs),
        "planting_codes": _codes(today, orgs),
        "listings": [LISTING_HEADER] + [_listing(rng, today, i, orgs, seeded) for i in range(rows)],
    }


def as_json_document(sheets: dict[str, list[list]]) -> dict[str, list[dict]]:
    """The sheets as the import's JSON document (an array of objects per sheet)."""
    def cell(value):
        return value.isoformat() if isinstance(value, date) else value
    return {name: [dict(zip(rows[0], map(cell, row), strict=True)) for row in rows[1:]]
            for name, rows in sheets.items()}


_DMY = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def relative(text: str, today: date) -> str:
    """Dates in a text as days from today (D+3, D-20), so the record does not age."""
    def offset(day: date) -> str:
        return f"D{(day - today).days:+d}"

    def dmy(match: re.Match) -> str:
        try:
            return offset(date(int(match[3]), int(match[2]), int(match[1])))
        except ValueError:
            return match[0]

    def iso(match: re.Match) -> str:
        try:
            return offset(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]
    return _ISO.sub(iso, _DMY.sub(dmy, text))


def record(db, report, today: date) -> list[str]:
    """The report and the stored records as lines of text, in a stable order."""
    lines = [f"ok {report.ok}"]
    lines += [f"count {sheet} created={c.created} updated={c.updated}" for sheet, c in report.counts.items()]
    lines += [f"outcome {o.sheet} {o.row} {o.key} {'create' if o.created else 'update'}: {o.summary}"
              for o in report.outcomes]
    lines += [f"problem {p.sheet} {p.row} {p.column} {p.value!s}: {p.reason}" for p in report.problems]
    lines += [f"warning {w.sheet} {w.row} {w.column} {w.value!s}: {w.reason}" for w in report.warnings]
    lines += [f"notice {n}" for n in report.notices]
    db.flush()
    db.expire_all()  # what the database holds, not what the objects were given
    for org in sorted(db.scalars(select(Organization).where(Organization.ref.like("gold-%"))), key=lambda x: x.ref):
        lines.append(f"org {org.ref} {org.kind} {org.name} {org.commune_code} {org.members_count}")
    for cert in sorted(db.scalars(select(Certificate).where(Certificate.number.like("VIETGAP-GOLD-%"))),
                       key=lambda x: x.number):
        lines.append(f"certificate {cert.number} {cert.organization.ref} {cert.status} "
                     f"{cert.issued_on} {cert.expires_on}")
    for code in sorted(db.scalars(select(PlantingCode).where(PlantingCode.code.like("VN-GOLD-%"))),
                       key=lambda x: x.code):
        lines.append(f"code {code.code} {code.organization.ref} {code.status} {code.valid_until}")
    # Sorted here, not by the database: PostgreSQL's collation orders refs unlike SQLite.
    for listing in sorted(db.scalars(select(Listing).where(Listing.ref.like("gold-%"))), key=lambda x: x.ref):
        lines.append(" | ".join(str(v) for v in (
            "listing", listing.ref, listing.organization.ref, listing.product.slug, listing.product_text,
            listing.variety.name if listing.variety else None, listing.variety_text, listing.grade,
            _number(listing.quantity), _number(listing.quantity_available), listing.unit,
            _number(listing.min_order), _number(listing.price_vnd),
            listing.price_negotiable, listing.available_from, listing.available_to, listing.status,
            listing.published_at is not None, len(listing.description),
            ";".join(sorted(c.number for c in listing.certificates)),
            ";".join(sorted(c.code for c in listing.planting_codes)),
            listing.product.in_catalogue, listing.product.name_vi)))
    return [relative(_plain(line), today) for line in lines]


def _number(value) -> str:
    """A quantity or price the same way whatever the database returns (int, float or Decimal)."""
    if value is None:
        return "None"
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def _plain(value) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def run_golden(db, today: date, rows: int = ROWS) -> list[str]:
    """Seed, import the big sheet (not committed), and record what came of it."""
    from flask_babel import force_locale

    from marketplace.imports import readers, services

    with force_locale("en"):
        seed = services.import_data(db, readers.rows_from_json(as_json_document(seed_sheets(today))), None, today)
        assert seed.ok, seed.problems[:3]
        db.flush()
        sheets = readers.rows_from_json(as_json_document(golden_sheets(today, rows)))
        report = services.import_data(db, sheets, None, today)
        return record(db, report, today)


def read_golden() -> list[str]:
    return gzip.decompress(GOLDEN.read_bytes()).decode().splitlines()


def _write(rows: int) -> None:
    import tempfile

    from marketplace import db
    from marketplace.dates import today_in_vietnam
    from tests.database import make_test_app, prepare_database

    folder = tempfile.mkdtemp(prefix="golden-")
    app = make_test_app(f"sqlite:///{folder}/golden.db")
    prepare_database(app)
    with app.app_context():
        lines = run_golden(db.session, today_in_vietnam(), rows)
        db.session.rollback()
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
    print(f"{len(lines)} lines written to {GOLDEN}")


if __name__ == "__main__":
    import sys
    _write(int(sys.argv[2]) if len(sys.argv) > 2 else ROWS)
