"""The all-or-nothing import: a good file stores everything (and again updates, never duplicates);
a file with bad rows stores nothing and names every bad row; buyers' requests (the demand sheet);
rows that take effect as given with a warning (an ended season, a category that disagrees, `ocop`
required, a variety asked for); the CLI and the staff page."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select

from marketplace.accounts.models import Organization
from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate, CodeClaimFlag, CredentialEvent, PlantingCode
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_services
from marketplace.demand.models import DemandPost
from marketplace.imports import readers, services
from marketplace.imports.handlers import goods
from marketplace.imports.run import SourceFile
from marketplace.imports.sheets import SHEETS
from marketplace.listings import services as listing_services
from marketplace.listings.models import Listing
from marketplace.matching import services as matching
from marketplace.products.services import find_product
from marketplace.verification.models import OrganizationEvent
from tests.clients import app_session, post, signed_in
from tests.factories import make_org, make_user, verify_org
from tests.sheets import xlsx_bytes

CLUB, COOP = "hq-imp-xoai", "htx-imp-xoai"
VIETGAP = "VietGAP-TT-99-01-82-0001"
GGN = "4049929999999"
CODE = "VN-DTOR-9001"

ORG_HEADER = ["ref", "kind", "name", "commune_code", "address", "phone", "members", "founded_on",
              "founded_from_ref", "tourism", "description"]
CERT_HEADER = ["org_ref", "type", "number", "product", "stars", "issued_on", "expires_on", "issuer", "status"]
CODE_HEADER = ["org_ref", "code", "kind", "crop", "area_ha", "commune_code", "markets", "issued_on",
               "valid_until", "status"]
LISTING_HEADER = ["ref", "org_ref", "product", "variety", "category", "quantity", "unit", "min_order",
                  "price_vnd", "available_from", "available_to", "certificates", "planting_codes",
                  "description"]


def good_sheets(club_name: str = "Hội quán Xoài Nhập Thử") -> dict[str, list[list]]:
    issued = today_in_vietnam() - timedelta(days=30)
    return {
        "organizations": [
            ORG_HEADER,
            # The cooperative comes first: its club is further down the same sheet.
            [COOP, "cooperative", "HTX Xoài Nhập Thử", "30076", "", "0912 345 678", 120, date(2024, 1, 10),
             CLUB, "không", "HTX thành lập từ hội quán"],
            [CLUB, "club", club_name, 30076, "Ấp 3", None, 45, "15/03/2019", None, "có", "45 hộ trồng xoài"],
        ],
        "certificates": [
            CERT_HEADER,
            [CLUB, "VietGAP", VIETGAP, "xoài", None, issued, issued + timedelta(days=600), "QUACERT",
             "active"],
            [CLUB, "globalgap", int(GGN), "xoài", None, issued, issued + timedelta(days=365), "", None],
        ],
        "planting_codes": [
            CODE_HEADER,
            [CLUB, CODE, "growing_area", "Xoài cát Chu", "12,5", None, "CN; US", issued,
             issued + timedelta(days=700), "active"],
        ],
        "listings": [
            LISTING_HEADER,
            ["imp-xoai-1", CLUB, "xoài", "cát Chu", "fruit", 5000, "kg", 500, "38k",
             today_in_vietnam() + timedelta(days=1), (today_in_vietnam() + timedelta(days=60)).strftime("%d/%m/%Y"),
             f"{VIETGAP}; {GGN}", CODE, "Xoài loại 1"],
        ],
    }


def read(sheets: dict[str, list[list]]) -> readers.Sheets:
    return readers.read_upload("import.xlsx", io.BytesIO(xlsx_bytes(sheets)))


def counts(session) -> dict[str, int]:
    models = (Organization, Certificate, PlantingCode, Listing, CredentialEvent, CodeClaimFlag, DemandPost)
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in models}


def by_ref(session, ref: str) -> Organization:
    return session.scalar(select(Organization).where(Organization.ref == ref))


# The service ------------------------------------------------------------------------------

SOURCE = SourceFile("mua-xoai.xlsx", "ab" * 32)


def test_a_good_workbook_stores_everything(session):
    staff = make_user("staff")
    report = services.import_data(session, read(good_sheets()), staff, today_in_vietnam(), verified_from=SOURCE)
    assert report.ok, report.problems
    session.commit()
    assert {s: (c.created, c.updated) for s, c in report.counts.items()} == {
        "organizations": (2, 0), "certificates": (2, 0), "planting_codes": (1, 0), "listings": (1, 0)}

    club, coop = by_ref(session, CLUB), by_ref(session, COOP)
    assert (club.kind, club.commune_code, club.members_count, club.tourism) == ("club", "30076", 45, True)
    assert club.founded_on == date(2019, 3, 15)
    assert coop.founded_from == club and coop.phone == "0912345678" and coop.tourism is False

    certificates = {c.type: c for c in credentials.certificates_of(session, club)}
    assert certificates["vietgap"].number == VIETGAP.upper()
    assert certificates["vietgap"].status == "active"
    assert certificates["vietgap"].verified_by_id == staff.id
    # Ticked "I have checked these documents": every credential of the file is verified by staff.
    assert certificates["globalgap"].number == GGN and certificates["globalgap"].status == "active"
    (code,) = credentials.codes_of(session, club)
    assert (code.code, code.area_ha, code.markets, code.status) == (CODE, 12.5, "CN;US", "active")
    assert code.commune_code == "30076"  # the organisation's commune when the row has none

    listing = session.scalar(select(Listing).where(Listing.ref == "imp-xoai-1"))
    assert listing.organization == club
    assert listing.status == "published" and listing.published_at is not None
    assert (listing.quantity, listing.min_order, listing.price_vnd, listing.unit) == (5000, 500, 38000, "kg")
    assert listing.variety is not None and listing.variety.name == "cát Chu"
    assert listing.available_to == today_in_vietnam() + timedelta(days=60)
    assert {c.type for c in listing.certificates} == {"vietgap", "globalgap"}
    assert [c.code for c in listing.planting_codes] == [CODE]


def test_importing_twice_updates_and_never_duplicates(session):
    assert services.import_data(session, read(good_sheets()), None, today_in_vietnam()).ok
    session.commit()
    before = counts(session)

    report = services.import_data(session, read(good_sheets(club_name="Hội quán Xoài Đổi Tên")), None, today_in_vietnam())
    assert report.ok, report.problems
    session.commit()
    assert counts(session) == before
    assert {s: (c.created, c.updated) for s, c in report.counts.items()} == {
        "organizations": (0, 2), "certificates": (0, 2), "planting_codes": (0, 1), "listings": (0, 1)}
    assert by_ref(session, CLUB).name == "Hội quán Xoài Đổi Tên"
    assert by_ref(session, COOP).founded_from == by_ref(session, CLUB)


def test_a_verified_club_reimported_as_another_kind_loses_its_badge(session):
    assert services.import_data(session, read(good_sheets()), None, today_in_vietnam()).ok
    verify_org(session, by_ref(session, CLUB), make_user("staff"))
    session.commit()
    assert by_ref(session, CLUB).verified
    sheets = good_sheets()
    sheets["organizations"][2][1] = "cooperative"  # what staff checked was a club's decision
    sheets["organizations"][1][8] = None  # a cooperative grows from a club, not from another one
    report = services.import_data(session, read(sheets), None, today_in_vietnam())
    assert report.ok, report.problems
    session.commit()
    club = by_ref(session, CLUB)
    assert club.kind == "cooperative" and not club.verified
    event = session.scalars(select(OrganizationEvent).where(OrganizationEvent.organization_id == club.id)
                            .order_by(OrganizationEvent.id.desc())).first()
    assert event.action == "recheck" and '"kind": ["club", "cooperative"]' in event.reason


def test_json_and_csv_files_import_the_same_way(session, tmp_path):
    issued = today_in_vietnam() - timedelta(days=10)
    document = {
        "organizations": [{"ref": CLUB, "kind": "club", "name": "Hội quán JSON", "commune_code": "29869",
                           "tourism": True},
                          {"ref": "tl-imp-json", "kind": "thương lái", "name": "Vựa JSON"}],
        "certificates": [{"org_ref": CLUB, "type": "ocop", "number": "OCOP-82-2026-001", "stars": 4,
                          "issued_on": issued.isoformat(), "status": "active"}],
        "listings": [{"ref": "imp-json-1", "org_ref": CLUB, "product": "khóm", "quantity": 2.5, "unit": "tấn",
                      "price_vnd": None, "available_from": today_in_vietnam().isoformat(),
                      "available_to": (today_in_vietnam() + timedelta(days=30)).isoformat(),
                      "certificates": ["OCOP-82-2026-001"]}],
        "demand": [{"ref": "d-1", "org_ref": "tl-imp-json", "product": "khóm", "quantity": 2, "unit": "tan",
                    "frequency": "một lần", "needed_from": today_in_vietnam().isoformat(),
                    "needed_to": (today_in_vietnam() + timedelta(days=20)).isoformat(),
                    "required_certificates": ["GlobalGAP", "VietGAP"], "needs_planting_code": True}],
    }
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    report = services.import_data(session, readers.read_path(path), None, today_in_vietnam())
    assert report.ok, report.problems
    assert report.notices == []
    request = session.scalar(select(DemandPost).where(DemandPost.ref == "d-1"))
    assert (request.organization.kind, request.unit, request.frequency) == ("trader", "tấn", "once")
    assert request.required_certificates == "globalgap;vietgap" and request.needs_planting_code
    listing = session.scalar(select(Listing).where(Listing.ref == "imp-json-1"))
    assert listing.quantity == 2.5 and listing.unit == "tấn" and listing.price_negotiable
    assert listing.product.slug == "thom"
    (certificate,) = listing.certificates
    assert certificate.stars == 4 and certificate.expires_on is not None  # OCOP: 36 months by default

    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        "\ufeffRef,Kind,Name,Commune Code\n" f"{CLUB},club,Hội quán CSV,29869\n", encoding="utf-8")
    report = services.import_data(session, readers.read_path(folder), None, today_in_vietnam())
    assert report.ok and report.counts["organizations"].updated == 1
    assert by_ref(session, CLUB).name == "Hội quán CSV"


def bad_sheets() -> dict[str, list[list]]:
    sheets = good_sheets()
    sheets["organizations"].append(["hq-imp-bad-commune", "club", "Hội quán sai xã", "99999"] + [None] * 7)
    sheets["organizations"].append(["hq-imp-bad-kind", "farm", "Trang trại", "30076"] + [None] * 7)
    issued = today_in_vietnam() - timedelta(days=30)
    sheets["certificates"].append([CLUB, "globalgap", "404992999999", "xoài", None, issued, None, "", ""])
    sheets["certificates"].append([CLUB, "vietgap", "VietGAP-HELD-0001", "xoài", None, issued,
                                   issued + timedelta(days=300), "", ""])
    sheets["listings"].append(["imp-bad-window", CLUB, "xoài", "", "", 100, "kg", None, 30000,
                               today_in_vietnam() + timedelta(days=20), today_in_vietnam() + timedelta(days=5), None, None, ""])
    sheets["listings"].append(["imp-bad-quantity", CLUB, "xoài", "", "", "nhiều", "kg", None, 30000,
                               today_in_vietnam(), today_in_vietnam() + timedelta(days=5), None, None, ""])
    sheets["listings"].append(["imp-bad-org", "khong-co-to-chuc-nay", "xoài", "", "", 100, "kg", None, 30000,
                               today_in_vietnam(), today_in_vietnam() + timedelta(days=5), None, None, ""])
    return sheets


# (sheet, row, column) of every problem bad_sheets() holds
BAD_ROWS = {
    ("organizations", 4, "commune_code"),
    ("organizations", 5, "kind"),
    ("certificates", 4, "number"),  # a GGN of 12 digits
    ("certificates", 5, "number"),  # held by another organisation
    ("listings", 3, "available_to"),  # ends before it starts
    ("listings", 4, "quantity"),
    ("listings", 5, "org_ref"),
}


@pytest.fixture
def holder(session):
    """Another organisation that already holds the certificate number a bad row claims."""
    other = make_org("cooperative", name="HTX Giữ Chứng Nhận", ref="htx-imp-holder")
    credentials.save_certificate(session, other, credentials.CertificateInput(
        type="vietgap", number="VietGAP-HELD-0001", issued_on=today_in_vietnam() - timedelta(days=60),
        expires_on=today_in_vietnam() + timedelta(days=400)), None)
    session.commit()
    return other


def test_a_workbook_with_bad_rows_stores_nothing(session, holder):
    before = counts(session)
    report = services.import_data(session, read(bad_sheets()), None, today_in_vietnam())
    assert not report.ok
    assert {(p.sheet, p.row, p.column) for p in report.problems} == BAD_ROWS
    session.rollback()  # what the CLI and the page do: not one row is kept
    assert counts(session) == before
    assert by_ref(session, CLUB) is None

    reasons = {(p.sheet, p.row, p.column): p for p in report.problems}
    assert reasons[("organizations", 4, "commune_code")].value == "99999"
    assert reasons[("organizations", 5, "kind")].value == "farm"
    assert "club, cooperative" in reasons[("organizations", 5, "kind")].reason
    assert reasons[("certificates", 4, "number")].value == "404992999999"
    assert "13" in reasons[("certificates", 4, "number")].reason
    assert "htx-imp-holder" in reasons[("certificates", 5, "number")].reason
    assert reasons[("listings", 5, "org_ref")].value == "khong-co-to-chuc-nay"
    assert [(p.sheet, p.row) for p in report.problems] == sorted(
        [(p.sheet, p.row) for p in report.problems],
        key=lambda item: ([s.name for s in SHEETS].index(item[0]), item[1]))
    assert session.scalar(select(func.count()).select_from(CodeClaimFlag)) == 0  # nothing flagged either


def test_every_problem_of_a_row_is_reported(session):
    sheets = good_sheets()
    # Unknown organisation, and the rest of the row checked all the same (a product or unit the
    # catalogue lacks is not a problem: it is kept as typed).
    sheets["listings"].append(["imp-many", "khong-co", "sản phẩm lạ xyz", "", "", "nhiều", "thùng", None,
                               "rẻ", "31/02/2027", today_in_vietnam(), None, None, ""])
    sheets["certificates"].append([CLUB, "haccp", "X-1", "", "năm", "hôm qua", None, "", "approved"])
    report = services.import_data(session, read(sheets), None, today_in_vietnam())
    problems = {(p.sheet, p.row, p.column) for p in report.problems}
    assert problems == {
        ("listings", 3, "org_ref"), ("listings", 3, "quantity"), ("listings", 3, "price_vnd"),
        ("listings", 3, "available_from"),
        ("certificates", 4, "type"), ("certificates", 4, "stars"), ("certificates", 4, "issued_on"),
        ("certificates", 4, "status"),
    }
    session.rollback()


def test_references_and_duplicates(session):
    sheets = good_sheets()
    sheets["organizations"][1][8] = "htx-imp-xoai"  # a cooperative founded from itself
    sheets["organizations"].append([CLUB, "club", "Hai lần"] + [None] * 8)  # the same ref twice
    sheets["organizations"].append(["hq-imp-2", "club", "Từ HTX", None] + [None] * 4 + ["htx-imp-holder"]
                                   + [None] * 2)  # not in the file or the database
    sheets["listings"][1][11] = "KHONG-CO-SO-NAY"  # a certificate this club does not have
    sheets["listings"][1][12] = f"{CODE};VN-DTOR-0000"
    report = services.import_data(session, read(sheets), None, today_in_vietnam())
    problems = {(p.sheet, p.row, p.column): p for p in report.problems}
    assert set(problems) == {("organizations", 2, "founded_from_ref"), ("organizations", 4, "ref"),
                             ("organizations", 5, "founded_from_ref"), ("listings", 2, "certificates"),
                             ("listings", 2, "planting_codes")}
    assert problems[("organizations", 4, "ref")].reason.endswith("3.") or "3" in problems[
        ("organizations", 4, "ref")].reason
    assert problems[("listings", 2, "planting_codes")].value == "VN-DTOR-0000"
    session.rollback()


def test_a_sheet_without_its_key_column(session):
    sheets = {"organizations": [["kind", "name"], ["club", "Không có ref"]],
              "huong_dan": [["ghi chú"], ["x"]], "Sheet1": [["a"], ["b"]]}
    report = services.import_data(session, read(sheets), None, today_in_vietnam())
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("organizations", 1, "ref")]
    assert any("sheet1" in n for n in report.notices)  # an unknown sheet is named; the help sheet is not
    assert not any("huong_dan" in n for n in report.notices)
    session.rollback()


def test_a_listing_ref_of_another_organisation(session, holder):
    assert services.import_data(session, read(good_sheets()), None, today_in_vietnam()).ok
    session.commit()
    sheets = {"listings": [LISTING_HEADER, ["imp-xoai-1", "htx-imp-holder", "xoài", "", "", 10, "kg", None,
                                            1000, today_in_vietnam(), today_in_vietnam() + timedelta(days=3), None, None, ""]]}
    report = services.import_data(session, read(sheets), None, today_in_vietnam())
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("listings", 2, "ref")]
    session.rollback()


# The command ------------------------------------------------------------------------------

def _write(tmp_path, sheets) -> str:
    path = tmp_path / "import.xlsx"
    path.write_bytes(xlsx_bytes(sheets))
    return str(path)


def test_cli_imports_and_prints_a_summary(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["import", _write(tmp_path, good_sheets()), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "organizations: 2 created, 0 updated" in result.output
    assert "listings: 1 created, 0 updated" in result.output
    with app_session(app) as session:
        assert by_ref(session, CLUB) is not None


def test_cli_prints_every_problem_in_vietnamese_and_stores_nothing(app, tmp_path, holder):
    path = _write(tmp_path, bad_sheets())
    with app_session(app) as session:
        before = counts(session)
    result = app.test_cli_runner().invoke(args=["import", path])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(("organizations", "certificates",
                                                                             "listings"))]
    assert len(lines) == len(BAD_ROWS)
    assert 'organizations dòng 4, cột commune_code, giá trị "99999": ' in result.output
    assert "There is no commune" not in result.output  # the reasons are Vietnamese too
    with app_session(app) as session:
        assert counts(session) == before

    english = app.test_cli_runner().invoke(args=["import", path, "--lang", "en"])
    assert english.exit_code == 1
    assert ('organizations row 4, column commune_code, value "99999": There is no commune or ward'
            in english.output)
    assert 'listings row 5, column org_ref, value "khong-co-to-chuc-nay": ' in english.output
    assert "dòng" not in english.output


def test_cli_cannot_read_the_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["import", str(tmp_path / "missing.xlsx"), "--lang", "en"])
    assert result.exit_code == 1
    assert "There is no file or folder" in result.output


# The staff page ---------------------------------------------------------------------------

@pytest.fixture
def staff_client(app):
    with app_session(app):
        staff = make_user("staff")
    client = signed_in(app, staff)
    return client


def _upload(client, data: bytes, name: str = "import.xlsx"):
    """Upload a file: its preview (nothing stored)."""
    return post(client, "/staff/import?lang=en", {"file": (io.BytesIO(data), name)},
                content_type="multipart/form-data")


def confirm_token(preview) -> str:
    found = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.get_data(as_text=True))
    assert found, preview.get_data(as_text=True)
    return found.group(1)


def _confirm(client, preview, verified: bool = False):
    """Press "Confirm import" on a preview page (ticking the verification box when asked)."""
    data = {"token": confirm_token(preview)}
    if verified:
        data["verified"] = "y"
    return post(client, "/staff/import/confirm?lang=en", data)


def _import(client, data: bytes, name: str = "import.xlsx", verified: bool = False):
    """Upload, read the preview, confirm: the staff page's whole import."""
    preview = _upload(client, data, name)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    return _confirm(client, preview, verified)


def test_staff_uploads_a_workbook(app, staff_client):
    page = staff_client.get("/staff/import?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html
    assert "/staff/import/template.xlsx" in html

    with app_session(app) as session:
        before = counts(session)
    preview = _upload(staff_client, xlsx_bytes(good_sheets()))
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert 'data-testid="import-preview"' in html and 'data-testid="import-summary"' not in html
    assert 'data-testid="import-outcomes-listings"' in html and "imp-xoai-1" in html
    with app_session(app) as session:
        assert counts(session) == before  # the preview stores nothing

    response = _confirm(staff_client, preview)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="import-summary"' in html
    with app_session(app) as session:
        assert by_ref(session, CLUB).name == "Hội quán Xoài Nhập Thử"
        assert session.scalar(select(Listing).where(Listing.ref == "imp-xoai-1")).status == "published"


def test_staff_sees_every_problem_and_nothing_is_stored(app, staff_client):
    with app_session(app) as session:
        before = counts(session)
    response = _upload(staff_client, xlsx_bytes(bad_sheets()))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="table-wrap"' in html and 'data-testid="import-problem-table"' in html
    assert '<th scope="col">Reason</th>' in html
    for sheet, row, column in BAD_ROWS - {("certificates", 5, "number")}:
        assert f"<tr><td>{sheet}</td><td>{row}</td><td>{column}</td>" in html
    with app_session(app) as session:
        assert counts(session) == before


def test_the_page_in_vietnamese_and_a_file_it_cannot_read(app, staff_client):
    html = staff_client.get("/staff/import?lang=vi").get_data(as_text=True)
    assert "Nhập dữ liệu" in html
    response = _upload(staff_client, b"not a workbook")
    assert response.status_code == 422
    assert "This is not an Excel workbook" in response.get_data(as_text=True)
    response = _upload(staff_client, b"{}", name="data.txt")
    assert response.status_code == 422


def test_a_seller_may_not_import(app):
    with app_session(app):
        seller = make_user("seller")
    client = signed_in(app, seller)
    assert client.get("/staff/import").status_code == 403
    assert client.get("/staff/import/template.xlsx").status_code == 403
    assert _upload(client, xlsx_bytes(good_sheets())).status_code == 403
    with app_session(app) as session:
        assert by_ref(session, CLUB) is None


def test_the_template_downloads_and_imports_after_clearing_the_example_marks(app, staff_client):
    response = staff_client.get("/staff/import/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["huong_dan", "organizations", "certificates", "planting_codes", "listings",
                                   "demand", "prices"]
    for spec in SHEETS:
        sheet = workbook[spec.name]
        assert [c.value for c in sheet[1]] == ["vi_du", *spec.column_names]
        assert sheet["A2"].value == "Ví dụ" and any(c.value is not None for c in sheet[2][1:])  # the example
    assert workbook["organizations"].max_row == 3  # the club, and the buyer whose request is the demand row
    guide = [[c.value for c in row] for row in workbook["huong_dan"].iter_rows()]
    explained = {(row[0], row[1]) for row in guide if row and len(row) > 1 and row[1]}
    assert ("organizations", "commune_code") in explained and ("listings", "planting_codes") in explained
    assert {("demand", name) for name in SHEETS[-2].column_names} <= explained
    assert {("prices", name) for name in SHEETS[-1].column_names} <= explained
    assert ("(mọi trang)", "vi_du") in explained
    assert any("demand (nhu cầu mua)" in (row[0] or "") for row in guide if row)

    for spec in SHEETS:  # turn the examples into real rows: clear their marks
        sheet = workbook[spec.name]
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, 1).value = None
    workbook["organizations"]["D2"] = "Hội quán Xoài Từ Mẫu"  # and fill a row in
    buffer = io.BytesIO()
    workbook.save(buffer)
    imported = _import(staff_client, buffer.getvalue(), verified=True)
    assert imported.status_code == 200, imported.get_data(as_text=True)
    with app_session(app) as session:
        org = by_ref(session, "hq-xoai-my-tho")
        assert org.name == "Hội quán Xoài Từ Mẫu"
        (listing,) = session.scalars(select(Listing).where(Listing.organization_id == org.id)).all()
        assert listing.status == "published" and listing.certificates and listing.planting_codes
        buyer = by_ref(session, "st-nong-san-cao-lanh")
        (request,) = session.scalars(select(DemandPost).where(DemandPost.organization_id == buyer.id)).all()
        assert (request.status, request.frequency, request.unit) == ("open", "weekly", "tấn")
        assert request.required_certificates == "vietgap" and request.needs_planting_code
        before = counts(session)

    again = _import(staff_client, buffer.getvalue())  # the same file again: updates only
    assert again.status_code == 200, again.get_data(as_text=True)
    with app_session(app) as session:
        assert counts(session) == before


# Demand -----------------------------------------------------------------------------------

BUYER = "st-imp-buyer"
DEMAND_HEADER = ["ref", "org_ref", "product", "variety", "category", "quantity", "unit", "frequency", "needed_from",
                 "needed_to", "price_min_vnd", "price_max_vnd", "required_certificates", "min_ocop_stars",
                 "needs_planting_code", "export_market", "commune_code", "description"]


def demand_row(ref: str = "imp-demand-1", org_ref: str | None = BUYER, **changes) -> list:
    values = {"ref": ref, "org_ref": org_ref, "product": "xoài", "variety": None, "category": "fruit", "quantity": 10,
              "unit": "tấn", "frequency": "hằng tuần", "needed_from": today_in_vietnam() + timedelta(days=14),
              "needed_to": (today_in_vietnam() + timedelta(days=90)).strftime("%d/%m/%Y"), "price_min_vnd": "30k",
              "price_max_vnd": 40000, "required_certificates": "VietGAP; hữu cơ", "min_ocop_stars": None,
              "needs_planting_code": "không", "export_market": "cn", "commune_code": 29869,
              "description": "Xoài cát Chu loại 1, giao tại kho."}
    values.update(changes)
    return [values[column] for column in DEMAND_HEADER]


def demand_sheets(*rows: list) -> dict[str, list[list]]:
    sheets = good_sheets()
    sheets["organizations"].append([BUYER, "siêu thị", "Siêu thị Nhập Thử", "29869", "", "0277 3851 234",
                                    None, None, None, "không", ""])
    sheets["demand"] = [DEMAND_HEADER, *(rows or [demand_row()])]
    return sheets


def test_a_buyer_request_is_imported_open_and_updated_on_reimport(session):
    staff = make_user("staff")
    report = services.import_data(session, read(demand_sheets()), staff, today_in_vietnam())
    assert report.ok, report.problems
    session.commit()
    assert (report.counts["demand"].created, report.counts["demand"].updated) == (1, 0)
    assert report.notices == []

    request = session.scalar(select(DemandPost).where(DemandPost.ref == "imp-demand-1"))
    assert request.organization == by_ref(session, BUYER) and request.organization.kind == "supermarket"
    assert request.status == "open" and request.created_by == staff
    assert request.product == find_product(session, "xoài") and request.product_text == "xoài"
    assert (request.quantity, request.unit, request.frequency) == (10, "tấn", "weekly")
    assert request.needed_from == today_in_vietnam() + timedelta(days=14)
    assert request.needed_to == today_in_vietnam() + timedelta(days=90)
    assert (request.price_min_vnd, request.price_max_vnd) == (30000, 40000)
    assert request.required_certificates == "vietgap;organic" and request.min_ocop_stars is None
    assert request.export_market == "CN" and request.needs_planting_code  # an export market needs codes
    assert request.delivery_commune_code == "29869"
    assert request.quality_notes == "Xoài cát Chu loại 1, giao tại kho."

    request.status = "closed"  # closed on the site meanwhile: a re-import takes effect as given
    session.commit()
    before = counts(session)
    changed = demand_row(quantity="12,5", frequency="Hằng tháng", price_min_vnd=None, price_max_vnd=None,
                         required_certificates=None, min_ocop_stars=3, export_market=None,
                         needs_planting_code="có", commune_code=None, description=None)
    report = services.import_data(session, read(demand_sheets(changed)), staff, today_in_vietnam())
    assert report.ok, report.problems
    session.commit()
    assert counts(session) == before
    assert (report.counts["demand"].created, report.counts["demand"].updated) == (0, 1)
    session.refresh(request)
    assert (request.status, request.quantity, request.frequency) == ("open", 12.5, "monthly")
    assert (request.price_min_vnd, request.price_max_vnd, request.required_certificates) == (None, None, "")
    assert (request.min_ocop_stars, request.export_market, request.needs_planting_code) == (3, "", True)
    assert request.delivery_commune_code is None and request.quality_notes == ""


def test_bad_demand_rows_store_nothing_and_each_is_named(session):
    before = counts(session)
    sheets = demand_sheets(
        demand_row(),  # row 2: fine
        demand_row("imp-d-club", CLUB),  # row 3: fine too, a club posts requests as well (issue #19)
        demand_row("imp-d-quantity", quantity="nhiều"),  # row 4
        demand_row("imp-d-price", price_min_vnd=50000, price_max_vnd="40k"),  # row 5
        demand_row("imp-d-window", needed_from=today_in_vietnam() + timedelta(days=30),
                   needed_to=today_in_vietnam() + timedelta(days=10)),  # row 6
        demand_row("imp-d-cert", required_certificates="vietgap;HACCP"),  # row 7
        demand_row("imp-d-daily", frequency="daily"),  # row 8
        demand_row("imp-d-no-org", None),  # row 9
        # Row 10: an unknown buyer, and the rest of the row checked all the same.
        demand_row("imp-d-unknown", "khong-co-nguoi-mua", quantity="nhiều", category="vegetable"),
    )
    with force_locale("en"):
        report = services.import_data(session, read(sheets), None, today_in_vietnam())
    assert not report.ok
    problems = {(p.sheet, p.row, p.column): p for p in report.problems}
    assert set(problems) == {
        ("demand", 4, "quantity"), ("demand", 5, "price_max_vnd"),
        ("demand", 6, "needed_to"), ("demand", 7, "required_certificates"), ("demand", 8, "frequency"),
        ("demand", 9, "org_ref"), ("demand", 10, "org_ref"), ("demand", 10, "quantity"),
    }
    # Row 10's category is only a warning, and a row that is not stored has none: its errors say it all.
    assert report.warnings == []
    assert problems[("demand", 4, "quantity")].value == "nhiều"
    assert problems[("demand", 5, "price_max_vnd")].value == "40k"
    assert "start date" in problems[("demand", 6, "needed_to")].reason
    assert problems[("demand", 7, "required_certificates")].value == "vietgap;HACCP"
    assert problems[("demand", 8, "frequency")].value == "daily"
    assert "once, weekly, monthly, seasonal" in problems[("demand", 8, "frequency")].reason
    assert problems[("demand", 9, "org_ref")].value == ""
    assert problems[("demand", 10, "org_ref")].value == "khong-co-nguoi-mua"
    session.rollback()
    assert counts(session) == before  # not the good request, nor the organisations


def test_demand_references_and_repeats(session):
    assert services.import_data(session, read(demand_sheets()), None, today_in_vietnam()).ok
    session.commit()
    other = make_org("trader", name="Vựa Khác", ref="tl-imp-other")
    session.commit()
    sheets = demand_sheets(
        demand_row(),
        demand_row(),  # the same ref twice
        demand_row("imp-demand-1", "tl-imp-other"),  # another buyer's request ref (and a repeat)
        demand_row("imp-d-2", "st-imp-bad"),  # a buyer whose own row has a problem
    )
    sheets["organizations"].append(["st-imp-bad", "exporter", "Xuất khẩu Sai Xã", "99999"] + [None] * 7)
    with force_locale("en"):
        report = services.import_data(session, read(sheets), None, today_in_vietnam())
    problems = {(p.sheet, p.row, p.column): p for p in report.problems}
    assert set(problems) == {("organizations", 5, "commune_code"), ("demand", 3, "ref"), ("demand", 4, "ref"),
                             ("demand", 5, "org_ref")}
    assert "row 2" in problems[("demand", 4, "ref")].reason
    assert "problems of its own" in problems[("demand", 5, "org_ref")].reason
    session.rollback()

    sheets = {"demand": [DEMAND_HEADER, demand_row("imp-demand-1", other.ref)]}
    report = services.import_data(session, read(sheets), None, today_in_vietnam())
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("demand", 2, "ref")]
    assert BUYER in report.problems[0].reason
    session.rollback()
    stored = session.scalar(select(DemandPost).where(DemandPost.ref == "imp-demand-1"))
    assert stored.organization.ref == BUYER


def test_staff_page_lists_demand_problems(app, staff_client):
    with app_session(app) as session:
        before = counts(session)
    bad = demand_sheets(demand_row(), demand_row("imp-d-daily", frequency="daily"))
    response = _upload(staff_client, xlsx_bytes(bad))
    assert response.status_code == 422
    assert "<tr><td>demand</td><td>3</td><td>frequency</td>" in response.get_data(as_text=True)
    with app_session(app) as session:
        assert counts(session) == before
    assert _import(staff_client, xlsx_bytes(demand_sheets())).status_code == 200
    with app_session(app) as session:
        assert session.scalar(select(DemandPost).where(DemandPost.ref == "imp-demand-1")).status == "open"


# Rows that take effect as given, with a warning ---------------------------------------------

OCOP_NUMBER = "OCOP-82-2026-009"


def season_sheets(*extra_demand: list) -> dict[str, list[list]]:
    """A club's season: one listing that ended last month, one whose category disagrees with the
    catalogue, one with a category that names none; a buyer asking for OCOP, for a variety, and one
    request whose dates have passed. Every row is stored."""
    sheets = demand_sheets(
        demand_row("imp-d-ocop", required_certificates="VietGAP; OCOP", min_ocop_stars=None,
                   export_market=None),  # row 2: a valid OCOP rating, 3 stars or more
        demand_row("imp-d-ocop5", required_certificates="ocop", min_ocop_stars=5, export_market=None),  # row 3
        demand_row("imp-d-variety", variety="cát Chu", required_certificates=None, export_market=None),  # row 4
        demand_row("imp-d-ended", needed_from=today_in_vietnam() - timedelta(days=40),
                   needed_to=today_in_vietnam() - timedelta(days=10)),  # row 5
        *extra_demand,
    )
    issued = today_in_vietnam() - timedelta(days=30)
    sheets["certificates"].append([CLUB, "OCOP", OCOP_NUMBER, "xoài", 4, issued, None, "Sở NN", "active"])
    sheets["listings"] += [
        ["imp-xoai-ended", CLUB, "xoài", "cát Chu", "fruit", 800, "kg", None, 35000,  # row 3
         today_in_vietnam() - timedelta(days=70), today_in_vietnam() - timedelta(days=30), VIETGAP, CODE, "Vụ trước"],
        ["imp-xoai-ocop", CLUB, "xoài", "cát Hòa Lộc", "vegetable", 1000, "kg", None, 60000,  # row 4
         today_in_vietnam(), today_in_vietnam() + timedelta(days=45), f"{VIETGAP};{OCOP_NUMBER}", None, ""],
        ["imp-xoai-hang", CLUB, "xoài", "", "hàng khô", 300, "kg", None, 30000,  # row 5
         today_in_vietnam(), today_in_vietnam() + timedelta(days=45), None, None, ""],
    ]
    return sheets


# (sheet, row, column) of every warning season_sheets() holds
SEASON_WARNINGS = [
    ("listings", 3, "available_to"),  # ended: stored as expired
    ("listings", 4, "category"),  # xoài is fruit
    ("listings", 5, "category"),  # names no category
    ("demand", 5, "needed_to"),  # ended: stored as expired
]


def listing_by_ref(session, ref: str) -> Listing:
    return session.scalar(select(Listing).where(Listing.ref == ref))


def demand_by_ref(session, ref: str) -> DemandPost:
    return session.scalar(select(DemandPost).where(DemandPost.ref == ref))


def test_a_season_sheet_stores_every_row_and_warns_of_each_adjustment(session):
    with force_locale("en"):
        report = services.import_data(session, read(season_sheets()), None, today_in_vietnam())
    assert report.ok, report.problems
    session.commit()
    assert [(w.sheet, w.row, w.column) for w in report.warnings] == SEASON_WARNINGS
    assert {s: c.created for s, c in report.counts.items()} == {
        "organizations": 3, "certificates": 3, "planting_codes": 1, "listings": 4, "demand": 4}
    warnings = {(w.sheet, w.row, w.column): w for w in report.warnings}
    ended = warnings[("listings", 3, "available_to")]
    assert ended.value == (today_in_vietnam() - timedelta(days=30)).strftime("%d/%m/%Y")
    assert "stored as ended" in ended.reason
    assert warnings[("listings", 4, "category")].value == "vegetable"
    assert "fruit" in warnings[("listings", 4, "category")].reason
    assert warnings[("listings", 5, "category")].value == "hàng khô"
    assert "ignored" in warnings[("listings", 5, "category")].reason

    # The ended listing is kept as ended: not on sale, so not public, searchable or matchable.
    ended_listing = listing_by_ref(session, "imp-xoai-ended")
    assert ended_listing.status == "expired" and ended_listing.published_at is None
    assert ended_listing.variety.name == "cát Chu" and [c.number for c in ended_listing.certificates] == [
        VIETGAP.upper()]
    public = {listing.ref for listing in listing_services.public_listings(session, today=today_in_vietnam())}
    assert public == {"imp-xoai-1", "imp-xoai-ocop", "imp-xoai-hang"}
    for ref in ("imp-xoai-ocop", "imp-xoai-hang"):  # a category is only a check: the product's own is used
        listing = listing_by_ref(session, ref)
        assert listing.status == "published" and listing.product.category_code == "fruit"

    # Demand: ocop means a valid OCOP rating (3 stars unless given), a variety is kept, and a
    # request whose dates have passed is stored as ended.
    ocop = demand_by_ref(session, "imp-d-ocop")
    assert (ocop.status, ocop.required_certificates, ocop.min_ocop_stars) == ("open", "vietgap", 3)
    ocop5 = demand_by_ref(session, "imp-d-ocop5")
    assert (ocop5.required_certificates, ocop5.min_ocop_stars) == ("", 5)
    wanted = demand_by_ref(session, "imp-d-variety")
    assert wanted.variety is not None and wanted.variety.name == "cát Chu" and wanted.variety_text == "cát Chu"
    ended_request = demand_by_ref(session, "imp-d-ended")
    assert ended_request.status == "expired"
    assert "imp-d-ended" not in {d.ref for d in demand_services.open_demand(session, today=today_in_vietnam())}


def test_a_season_sheet_imported_again_updates_as_given(session):
    assert services.import_data(session, read(season_sheets()), None, today_in_vietnam()).ok
    session.commit()
    before = counts(session)
    # On the site meanwhile: the ended listing republished by hand, the ended request reopened.
    listing_by_ref(session, "imp-xoai-ended").status = "published"
    demand_by_ref(session, "imp-d-ended").status = "open"
    session.commit()

    report = services.import_data(session, read(season_sheets()), None, today_in_vietnam())
    assert report.ok, report.problems
    session.commit()
    assert counts(session) == before
    assert [(w.sheet, w.row, w.column) for w in report.warnings] == SEASON_WARNINGS
    assert listing_by_ref(session, "imp-xoai-ended").status == "expired"
    assert demand_by_ref(session, "imp-d-ended").status == "expired"

    # A later sheet that extends the season publishes the listing again and reopens the request.
    sheets = season_sheets()
    sheets["listings"][2][10] = today_in_vietnam() + timedelta(days=10)
    sheets["demand"][4][DEMAND_HEADER.index("needed_to")] = today_in_vietnam() + timedelta(days=10)
    report = services.import_data(session, read(sheets), None, today_in_vietnam())
    assert report.ok, report.problems
    assert ("listings", 3, "available_to") not in {(w.sheet, w.row, w.column) for w in report.warnings}
    assert listing_by_ref(session, "imp-xoai-ended").status == "published"
    assert demand_by_ref(session, "imp-d-ended").status == "open"
    session.rollback()


def test_ocop_and_a_variety_are_what_matching_then_requires(session):
    staff = make_user("staff")
    assert services.import_data(session, read(season_sheets()), staff, today_in_vietnam(), verified_from=SOURCE).ok
    session.commit()

    def matches(ref: str) -> dict[str, object]:
        found = matching.matches_for_demand(session, demand_by_ref(session, ref).id, today_in_vietnam())
        return {m.listing.ref: m for m in found}

    ocop = matches("imp-d-ocop")  # VietGAP and a valid OCOP rating of 3 stars or more
    assert ocop["imp-xoai-ocop"].full
    assert "ocop" in {r.code for r in ocop["imp-xoai-ocop"].reasons}
    assert "ocop_missing" in {r.code for r in ocop["imp-xoai-1"].unmet}
    assert "imp-xoai-ended" not in ocop  # ended: never matched

    ocop5 = matches("imp-d-ocop5")  # 4 stars are too few
    assert "ocop_too_few_stars" in {r.code for r in ocop5["imp-xoai-ocop"].unmet}

    variety = matches("imp-d-variety")  # cát Chu: a Hòa Lộc listing is not a full match
    assert variety["imp-xoai-1"].full
    assert "variety_differs" in {r.code for r in variety["imp-xoai-ocop"].unmet}


def test_warnings_of_a_file_with_errors_are_shown_and_nothing_is_stored(session):
    before = counts(session)
    bad = demand_row("imp-d-daily", frequency="daily")  # row 6: an error
    with force_locale("en"):
        report = services.import_data(session, read(season_sheets(bad)), None, today_in_vietnam())
    assert not report.ok
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("demand", 6, "frequency")]
    assert [(w.sheet, w.row, w.column) for w in report.warnings] == SEASON_WARNINGS
    session.rollback()
    assert counts(session) == before


def test_a_product_or_unit_the_catalogue_lacks_is_a_warning(session, monkeypatch):
    """The hook for the open catalogue: whatever a row's product and unit were read as, one that is
    not the catalogue's is named in a warning (here every unit reads as unknown)."""
    monkeypatch.setattr(goods, "parse_unit", lambda text: None)
    with force_locale("en"):
        report = services.import_data(session, read(demand_sheets()), None, today_in_vietnam())
    assert report.ok, report.problems
    assert [(w.sheet, w.row, w.column) for w in report.warnings] == [("listings", 2, "unit"),
                                                                     ("demand", 2, "unit")]
    assert report.warnings[0].value == "kg" and "no conversion" in report.warnings[0].reason
    session.rollback()


def test_a_sheet_with_a_product_and_unit_the_catalogue_lacks_stores_them_with_warnings(session):
    sheets = demand_sheets(demand_row("imp-d-la", product="Trà mãng cầu lạ xyz", unit="gánh", category="processed"))
    sheets["listings"].append(["imp-la", CLUB, "Trà mãng cầu lạ xyz", "", "processed", 40, "gánh", None,
                               90000, today_in_vietnam(), today_in_vietnam() + timedelta(days=30), None, None, ""])
    with force_locale("en"):
        report = services.import_data(session, read(sheets), None, today_in_vietnam())
    assert report.ok, report.problems
    assert [(w.sheet, w.row, w.column) for w in report.warnings] == [
        ("listings", 3, "product"), ("listings", 3, "unit"), ("demand", 2, "product"), ("demand", 2, "unit")]
    assert "queued for staff" in report.warnings[0].reason and report.warnings[0].value == "Trà mãng cầu lạ xyz"
    listing = listing_by_ref(session, "imp-la")
    assert listing.product.in_catalogue is False and listing.unit == "gánh"
    assert listing.product.category_code == "processed"  # the category column says where it is kept
    request = demand_by_ref(session, "imp-d-la")
    assert request.product == listing.product and request.unit == "gánh"
    session.rollback()


def _season_file(tmp_path) -> str:
    return _write(tmp_path, season_sheets())


def test_cli_prints_the_warnings_and_succeeds(app, tmp_path):
    path = _season_file(tmp_path)
    result = app.test_cli_runner().invoke(args=["import", path, "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Warnings: 4. These rows were stored with an adjustment:" in lines
    warned = [line for line in lines if line.startswith("Warning: ")]
    assert len(warned) == len(SEASON_WARNINGS)
    for (sheet, row, column), line in zip(SEASON_WARNINGS, warned, strict=True):
        assert line.startswith(f"Warning: {sheet} row {row}, column {column}, value ")
    assert lines[-1] == "Imported: everything is stored."
    with app_session(app) as session:
        assert listing_by_ref(session, "imp-xoai-ended").status == "expired"

    vietnamese = app.test_cli_runner().invoke(args=["import", path])  # again: updates, same warnings
    assert vietnamese.exit_code == 0, vietnamese.output
    assert "listings: 0 created, 4 updated" not in vietnamese.output  # the summary is Vietnamese
    assert sum("available_to" in line and "listings" in line for line in vietnamese.output.splitlines()) == 1


def test_cli_with_errors_and_warnings_exits_non_zero(app, tmp_path):
    path = _write(tmp_path, season_sheets(demand_row("imp-d-daily", frequency="daily")))
    with app_session(app) as session:
        before = counts(session)
    result = app.test_cli_runner().invoke(args=["import", path, "--lang", "en"])
    assert result.exit_code == 1
    assert 'demand row 6, column frequency, value "daily": ' in result.output
    assert "Once the problems are fixed, these rows will be stored with an adjustment:" in result.output
    assert sum(line.startswith("Warning: ") for line in result.output.splitlines()) == len(SEASON_WARNINGS)
    with app_session(app) as session:
        assert counts(session) == before


def test_staff_page_separates_errors_from_warnings(app, staff_client):
    with app_session(app) as session:
        before = counts(session)
    failed = _upload(staff_client, xlsx_bytes(season_sheets(demand_row("imp-d-daily", frequency="daily"))))
    assert failed.status_code == 422
    html = failed.get_data(as_text=True)
    assert "<tr><td>demand</td><td>6</td><td>frequency</td>" in html
    assert 'data-testid="import-warning-table"' in html and "Once the problems are fixed" in html
    with app_session(app) as session:
        assert counts(session) == before

    response = _import(staff_client, xlsx_bytes(season_sheets()))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="import-summary"' in html and 'data-testid="import-problem-table"' not in html
    assert 'data-testid="import-warning-table"' in html and "What was adjusted" in html
    for sheet, row, column in SEASON_WARNINGS:
        assert f"<tr><td>{sheet}</td><td>{row}</td><td>{column}</td>" in html
    with app_session(app) as session:
        assert listing_by_ref(session, "imp-xoai-ended").status == "expired"
        assert demand_by_ref(session, "imp-d-ended").status == "expired"
