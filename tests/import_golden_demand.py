"""A deterministic, large demand sheet (buyers' requests written the way buyers write them) with bad
rows of every kind the demand handler knows, and a stable text record of what the import made of
it: every row's outcome, problem and warning, and every request in the session afterwards.

The golden record (tests/data/import_golden_demand.txt.gz) was written by the import as it was
before the demand sheet was batched (issue #21); tests/integration/imports/test_golden.py imports
the same sheet with the code of today and compares the two line by line. Dates are written
relative to today (`D+12`), so the record holds on any day.

    PYTHONPATH=$PWD .venv/bin/python -m tests.import_golden_demand --write   # re-record (old code only!)
"""

from __future__ import annotations

import gzip
import random
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from marketplace.demand.models import DemandPost
from tests.import_golden import ORG_HEADER, _number, _plain, as_json_document, relative

GOLDEN = Path(__file__).parent / "data" / "import_golden_demand.txt.gz"
ROWS = 5_000
SEED = 2127
ORGS = 120

DEMAND_HEADER = ["ref", "org_ref", "product", "variety", "category", "quantity", "unit", "frequency", "needed_from",
                 "needed_to", "price_min_vnd", "price_max_vnd", "required_certificates", "min_ocop_stars",
                 "needs_planting_code", "export_market", "commune_code", "description"]

# Buyers as the organisations sheet names them: every buying kind, in Vietnamese or English, and
# one agency (which does not buy).
KINDS = ["siêu thị", "supermarket", "thương lái", "trader", "doanh nghiệp", "exporter",
         "doanh nghiep xuat khau", "hội quán", "htx", "co quan"]
COMMUNES = ["30076", "29905", "30244", "29869", "28261"]
GOODS = [
    ("xoài", "cát Chu"), ("Xoài cát Chu", ""), ("xoai cat chu", ""), ("xoai", "cat hoa loc"), ("xoai", ""),
    ("quýt", "hồng Lai Vung"), ("quyt hong", ""), ("quyt duong", ""), ("sầu riêng", "Ri6"),
    ("sau rieng", "Monthong"), ("nhan", "xuong com vang"), ("nhãn", ""), ("khom", ""), ("dứa", ""),
    ("buoi", "da xanh"), ("buoi da xanh", ""), ("lua", "ST25"), ("gao ST25", ""), ("ca tra", ""),
    ("cá tra", "phi lê"), ("sen", ""), ("hoa kieng", ""), ("mắm cá", ""), ("ot", "chi thien"),
    ("thanh long", "ruot do"), ("chuoi", "gia"), ("mit", "Thai"), ("xoai loai 1", ""),
    ("trai coc", ""), ("sầu đâu", ""), ("rau ma", ""),  # not in the catalogue: kept as typed
]
UNITS = ["kg", "kg", "tấn", "tan", "tạ", "ta", "yến", "trái", "thùng 10 kg", "bao", "Kg", "TẤN", "con"]
FREQUENCIES = ["", "", "once", "mot lan", "hằng tuần", "hang tuan", "moi tuan", "Weekly", "hằng tháng",
               "hang thang", "monthly", "theo mùa", "theo vu", "seasonal"]
CATEGORIES = ["", "", "", "fruit", "trai cay", "Trái cây", "rice", "vegetable", "khong co"]
PRICES = [None, None, 30000, "30k", "30.000", "25,5k", 12000, "12.000"]
CERTIFICATES = ["", "", "", "VietGAP", "vietgap", "VietGAP; hữu cơ", "huu co", "Global GAP", "globalgap;vietgap",
                "OCOP", "ocop; vietgap", "VietGAP\nGlobalGAP"]
YES_NO = [None, None, "không", "khong", "có", "co", "yes", "no", "1", "0"]
MARKETS = ["", "", "", "", "cn", "Trung Quoc", "TQ", "china", "EU", "Nhat", "US", "CN, US", "Xứ Wakanda"]


def _organizations(n: int) -> list[list]:
    rows = [ORG_HEADER]
    for i in range(n):
        commune = COMMUNES[i % len(COMMUNES)]
        if i % 41 == 40:
            commune = "99999"  # no such commune: the buyer has problems, its requests are told so
        rows.append([f"gold-buyer-{i}", KINDS[i % len(KINDS)], f"Người Mua Vàng {i}", commune, "", "", None,
                     None, "", "không", ""])
    return rows


def _request(rng: random.Random, today: date, i: int, seeded: list[str]) -> list:
    org_ref = f"gold-buyer-{rng.randrange(ORGS)}"
    product, variety = GOODS[rng.randrange(len(GOODS))]
    start = today + timedelta(days=rng.randint(-10, 40))
    end = start + timedelta(days=rng.randint(0, 150))
    price_min = rng.choice(PRICES)
    price_max = rng.choice([None, 45000, "45k", "50.000", "1.500.000"]) if price_min is not None else None
    stars = rng.choice([None, None, None, None, 3, "4", 5])
    row = [f"gold-d-{i}", org_ref, product, variety, rng.choice(CATEGORIES),
           rng.choice([10, 200, "2,5", "1.500", 30, 5000, "0,5"]), rng.choice(UNITS), rng.choice(FREQUENCIES),
           start if rng.random() < 0.5 else start.strftime("%d/%m/%Y"),
           end if rng.random() < 0.7 else end.strftime("%d/%m/%Y"),
           price_min, price_max, rng.choice(CERTIFICATES), stars, rng.choice(YES_NO), rng.choice(MARKETS),
           rng.choice([None, None, 29869, "30076", "28261"]),
           rng.choice(["", "", "Loại 1, giao tại kho.", "Trái đẹp, không dập", "hang xuat khau"])]
    # About one row in five is bad, or adjusted, in one of these ways.
    kind = rng.randrange(120)
    if kind == 0:
        row[0] = ""  # no ref
    elif kind == 1:
        row[0] = f"gold-d-{max(i - 1, 0)}"  # the ref of the row above
    elif kind == 2:
        row[1] = rng.choice(["gold-buyer-nobody", ""])
    elif kind == 3:
        row[5] = rng.choice(["nhiều", "-5", "0", "", "1e12"])
    elif kind == 4:
        row[10] = rng.choice(["abc", "-1000", "30kk"])
    elif kind == 5:
        row[10], row[11] = 50000, rng.choice(["40k", 40000])  # lowest above highest
    elif kind == 6:
        row[8], row[9] = end + timedelta(days=5), start  # window backwards
    elif kind == 7:
        row[9] = rng.choice(["32/13/2026", "mai", ""])
    elif kind == 8:
        row[7] = rng.choice(["daily", "hang ngay", "2 lan"])
    elif kind == 9:
        row[12] = rng.choice(["vietgap;HACCP", "ISO 22000", "Fairtrade"])
    elif kind == 10:
        row[13] = rng.choice([0, 6, "nam", "-1"])
    elif kind == 11 and seeded:
        row[0] = rng.choice(seeded)  # a request already stored, of its own or of another buyer
    elif kind == 12:
        row[2] = rng.choice(["", "123"])  # no product, or none a product can be
    elif kind == 13:
        row[6] = rng.choice(["", "bao tải lớn", "giỏ"])
    elif kind == 14:
        row[8] = today - timedelta(days=200)
        row[9] = today - timedelta(days=rng.randint(1, 100))  # over: stored as ended
    elif kind == 15:
        row[16] = rng.choice(["99999", "abc"])  # no such commune
    elif kind == 16:
        row[17] = "x" * rng.choice([100, 4001, 5000])
    elif kind == 17:
        row[15] = "x" * 41  # an export market longer than its column
    elif kind == 18:
        row[3] = "v" * 121  # a variety longer than its column
    elif kind == 19:
        row[1] = rng.choice(["gold-buyer-pre-0", "gold-buyer-pre-1"])  # stored, not in the file
    elif kind == 20:
        row[0] = "r" * 61  # a ref longer than its column
    elif kind == 21:
        row[10], row[11] = "20.000.000.000", None  # above 10 billion
    elif kind == 22:
        row[14] = "có lẽ"  # neither yes nor no
    elif kind == 23:
        row[9] = today  # ends today: still open
    elif kind in (24, 25, 26) and seeded:
        number = rng.randrange(len(seeded))  # a stored request updated by its own buyer
        row[0], row[1] = seeded[number], f"gold-buyer-pre-{number % 2}"
        if kind == 25:
            row[8], row[9] = today - timedelta(days=90), today - timedelta(days=3)  # and ended
    return row


def seed_sheets(today: date) -> dict[str, list[list]]:
    """What is stored before the big sheet: two buyers and some of their requests."""
    orgs = [ORG_HEADER] + [[f"gold-buyer-pre-{i}", "trader", f"Vựa Có Sẵn {i}", "30076", "", "", None,
                            None, "", "không", ""] for i in range(2)]
    requests = [DEMAND_HEADER] + [[f"gold-pre-d-{i}", f"gold-buyer-pre-{i % 2}", "xoài", "cát Chu", "", 10, "tấn",
                                   "weekly", today, today + timedelta(days=30), 30000, 40000, "vietgap", None,
                                   "không", "", "30076", ""] for i in range(10)]
    return {"organizations": orgs, "demand": requests}


def golden_sheets(today: date, rows: int = ROWS, seed: int = SEED) -> dict[str, list[list]]:
    """The big sheet: ORGS buyers (a few with a bad commune, a few that do not buy) and `rows`
    requests. Deterministic for a given day, `rows` and `seed`."""
    rng = random.Random(seed)
    seeded = [f"gold-pre-d-{i}" for i in range(10)]
    return {"organizations": _organizations(ORGS),
            "demand": [DEMAND_HEADER] + [_request(rng, today, i, seeded) for i in range(rows)]}


def record(db, report, today: date) -> list[str]:
    """The report and the stored requests as lines of text, in a stable order."""
    lines = [f"ok {report.ok}"]
    lines += [f"count {sheet} created={c.created} updated={c.updated}" for sheet, c in report.counts.items()]
    lines += [f"outcome {o.sheet} {o.row} {o.key} {'create' if o.created else 'update'}: {o.summary}"
              for o in report.outcomes]
    lines += [f"problem {p.sheet} {p.row} {p.column} {p.value!s}: {p.reason}" for p in report.problems]
    lines += [f"warning {w.sheet} {w.row} {w.column} {w.value!s}: {w.reason}" for w in report.warnings]
    lines += [f"notice {n}" for n in report.notices]
    db.flush()
    db.expire_all()  # what the database holds, not what the objects were given
    # Sorted here, not by the database: PostgreSQL's collation orders refs unlike SQLite.
    for request in sorted(db.scalars(select(DemandPost).where(DemandPost.ref.like("gold-%"))), key=lambda x: x.ref):
        lines.append(" | ".join(str(v) for v in (
            "demand", request.ref, request.organization.ref, request.product.slug, request.product_text,
            request.variety.name if request.variety else None, request.variety_text, request.grade,
            _number(request.quantity), request.unit, request.frequency, request.needed_from, request.needed_to,
            request.delivery_commune_code, _number(request.price_min_vnd), _number(request.price_max_vnd),
            request.required_certificates, request.min_ocop_stars, request.needs_planting_code,
            request.export_market, request.export_market_as_written, len(request.quality_notes), request.status,
            request.created_by_id, request.product.in_catalogue, request.product.name_vi)))
    return [relative(_plain(line), today) for line in lines]


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

    folder = tempfile.mkdtemp(prefix="golden-demand-")
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
