"""Imports with a preview: the staff page shows what a file will do and stores nothing until
"Confirm import", which imports the very bytes previewed (and refuses a changed, expired, reused
or foreign confirmation); the template's example rows are never imported; credentials from a sheet
arrive pending unless staff tick that they checked them, then they carry a verify event naming the
file. The CLI keeps importing, and previews with --dry-run."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import func, select, update

from marketplace.changes.models import SearchOutbox
from marketplace.credentials import services as credentials
from marketplace.credentials.models import Certificate, CredentialEvent, PlantingCode
from marketplace.dates import today_in_vietnam
from marketplace.imports import readers, services
from marketplace.imports.models import PendingImport
from marketplace.imports.pending import sha256_of
from marketplace.imports.run import SourceFile
from marketplace.imports.template import template_workbook
from marketplace.listings.models import Listing
from marketplace.search import services as search
from marketplace.search.query import read_request
from tests.clients import app_session, post, signed_in
from tests.factories import make_club, make_org, make_user
from tests.integration.imports.test_import import (
    CLUB,
    CODE,
    GGN,
    VIETGAP,
    _confirm,
    _upload,
    by_ref,
    confirm_token,
    counts,
    good_sheets,
    read,
)
from tests.sheets import xlsx_bytes


def _outcome_rows(html: str, sheet: str) -> list[tuple[str, ...]]:
    """The rows of one sheet's "What will be stored" / "Stored rows" table: row, key, action, stored as."""
    table = re.search(rf'data-testid="import-outcomes-{sheet}">(.*?)</table>', html, re.S)
    assert table, html
    return re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table.group(1))


def _hits(app, text: str) -> set[str]:
    """What the site's search finds for text, once the index has caught up with the database."""
    with app_session(app) as session:
        backend = search.backend()
        search.sync(session, backend, commit=session.commit)
        request, _problems = read_request({"q": text})
        return {hit.doc_id for hit in backend.search(request, today_in_vietnam()).hits}


def _staff(app, name: str = "staff"):
    with app_session(app):
        staff = make_user("staff", email=f"{name}@example.vn")
    return staff, signed_in(app, staff)


# The preview, then the confirmation -------------------------------------------------------

def test_the_preview_stores_nothing_and_the_confirmation_stores_what_it_showed(app):
    _staff_user, client = _staff(app)
    hits_before = _hits(app, "xoai cat chu")
    with app_session(app) as session:
        before = counts(session)
        outbox_before = session.scalar(select(func.count()).select_from(SearchOutbox))

    preview = _upload(client, xlsx_bytes(good_sheets()), name="mua-xoai.xlsx")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Preview: nothing is stored yet" in html and "mua-xoai.xlsx" in html
    assert "To create: 1" in html  # the listings sheet
    shown = {sheet: _outcome_rows(html, sheet) for sheet in ("organizations", "certificates", "planting_codes",
                                                             "listings")}
    (listing_row,) = shown["listings"]
    assert listing_row[:3] == ("2", "imp-xoai-1", "create")
    assert "Xoài cát Chu" in listing_row[3] and "5,000 kg" in listing_row[3]
    assert "38,000 ₫" in listing_row[3] and "on sale" in listing_row[3]
    # The sheet says active; nobody has checked it: it arrives pending, and the preview says so.
    assert any("pending (not verified): the sheet says active" in row[3] for row in shown["certificates"])
    with app_session(app) as session:
        assert counts(session) == before  # not one row
        assert session.scalar(select(func.count()).select_from(SearchOutbox)) == outbox_before
        assert session.scalar(select(func.count()).select_from(PendingImport)) == 1  # the file, kept
    assert _hits(app, "xoai cat chu") == hits_before  # nor the search index

    done = _confirm(client, preview)
    assert done.status_code == 200
    stored = done.get_data(as_text=True)
    assert "Imported: everything is stored." in stored
    assert {sheet: [row[:3] for row in _outcome_rows(stored, sheet)] for sheet in shown} == {
        sheet: [row[:3] for row in rows] for sheet, rows in shown.items()}
    with app_session(app) as session:
        listing = session.scalar(select(Listing).where(Listing.ref == "imp-xoai-1"))
        assert listing.status == "published"
        assert session.scalar(select(func.count()).select_from(PendingImport)) == 0  # forgotten once used
        assert {c.status for c in session.scalars(select(Certificate))} == {"pending"}
        assert session.scalar(select(PlantingCode).where(PlantingCode.code == CODE)).status == "pending"
    assert f"listing:{listing.id}" in _hits(app, "xoai cat chu")

    again = _confirm(client, preview)  # the same confirmation twice: the file is gone
    assert again.status_code == 409
    assert "expired or was already imported" in again.get_data(as_text=True)


def test_a_changed_file_is_refused_with_a_clear_message(app):
    _staff_user, client = _staff(app)
    preview = _upload(client, xlsx_bytes(good_sheets()))
    with app_session(app) as session:
        before = counts(session)
        other = xlsx_bytes(good_sheets(club_name="Hội quán Đã Sửa"))
        session.execute(update(PendingImport).values(data=other))  # the kept bytes are not the previewed ones
        session.commit()
    response = _confirm(client, preview)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The file has changed since its preview: upload it again" in html and 'role="alert"' in html
    with app_session(app) as session:
        assert counts(session) == before and by_ref(session, CLUB) is None


def test_an_expired_preview_is_refused_and_forgotten(app):
    _staff_user, client = _staff(app)
    preview = _upload(client, xlsx_bytes(good_sheets()))
    with app_session(app) as session:
        before = counts(session)
        kept = session.scalar(select(PendingImport))
        kept.created_at = kept.created_at - timedelta(hours=3)
        session.commit()
    response = _confirm(client, preview)
    assert response.status_code == 409
    assert "This preview has expired (after 2 hours): upload the file again" in response.get_data(as_text=True)
    with app_session(app) as session:
        assert counts(session) == before
        assert session.scalar(select(func.count()).select_from(PendingImport)) == 0


def test_a_forged_or_another_persons_confirmation_is_refused(app):
    _staff_user, client = _staff(app)
    preview = _upload(client, xlsx_bytes(good_sheets()))
    token = confirm_token(preview)
    forged = post(client, "/staff/import/confirm?lang=en", {"token": token[:-3] + "abc"})
    assert forged.status_code == 409 and "This confirmation is not valid" in forged.get_data(as_text=True)
    _other, other_client = _staff(app, "other-staff")
    foreign = post(other_client, "/staff/import/confirm?lang=en", {"token": token})
    assert foreign.status_code == 409
    with app_session(app) as session:
        assert by_ref(session, CLUB) is None
    with app_session(app):
        seller = make_user("seller")
    assert post(signed_in(app, seller), "/staff/import/confirm", {"token": token}).status_code == 403


def test_a_file_that_would_now_do_something_else_is_previewed_again(app):
    """Between the preview and the confirmation, someone else stores the club of the file: what
    was "create" is now "update", so nothing is stored and the new preview is shown."""
    _staff_user, client = _staff(app)
    preview = _upload(client, xlsx_bytes(good_sheets()))
    with app_session(app) as session:
        make_org(kind="club", ref=CLUB, name="Hội quán Có Trước")
        session.commit()
        before = counts(session)
    response = _confirm(client, preview)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "has changed since its preview" in html and 'data-testid="import-confirm"' in html
    assert (("3", CLUB, "update") in [row[:3] for row in _outcome_rows(html, "organizations")])
    with app_session(app) as session:
        assert counts(session) == before and by_ref(session, CLUB).name == "Hội quán Có Trước"
    assert _confirm(client, response).status_code == 200  # the new preview, confirmed
    with app_session(app) as session:
        assert by_ref(session, CLUB).name == "Hội quán Xoài Nhập Thử"


def test_the_preview_page_in_vietnamese(app):
    _staff_user, client = _staff(app)
    response = post(client, "/staff/import?lang=vi", {"file": (io.BytesIO(xlsx_bytes(good_sheets())), "x.xlsx")},
                    content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Xác nhận nhập" in html and "Xem trước" in html
    assert "Confirm import" not in html


# The template's example rows ---------------------------------------------------------------

def test_the_template_imported_unedited_creates_nothing(app):
    _staff_user, client = _staff(app)
    hits_before = _hits(app, "xoai cat chu")
    with app_session(app) as session:
        before = counts(session)
    template = client.get("/staff/import/template.xlsx").data
    preview = _upload(client, template, name="mau-nhap-du-lieu-cho-hoi-quan.xlsx")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "7 example rows skipped" in html  # two organisations, and one row of each other sheet
    assert "This file stores nothing" in html
    assert 'data-testid="import-confirm"' not in html  # nothing to confirm
    assert 'data-testid="examples-skipped-organizations"' in html and "2 example rows skipped (rows 2, 3)" in html
    with app_session(app) as session:
        assert counts(session) == before
        assert by_ref(session, "hq-xoai-my-tho") is None
        assert session.scalar(select(func.count()).select_from(PendingImport)) == 0
    assert _hits(app, "xoai cat chu") == hits_before


def test_the_template_through_the_service_and_the_cli_creates_nothing(app, session, tmp_path):
    before = counts(session)
    data = template_workbook(today_in_vietnam())
    report = services.import_data(session, readers.read_upload("mau.xlsx", io.BytesIO(data)), None,
                                  today_in_vietnam())
    assert report.ok and not report.outcomes and report.counts == {}
    assert report.examples_skipped == {"organizations": [2, 3], "certificates": [2], "planting_codes": [2],
                                       "listings": [2], "demand": [2], "prices": [2]}
    session.rollback()
    path = tmp_path / "mau.xlsx"
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(args=["import", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "organizations: 2 example rows skipped (marked “Ví dụ”): 2, 3" in result.output
    assert counts(session) == before


def test_a_marked_row_is_skipped_and_an_unmarked_one_imported(session):
    sheets = good_sheets()
    sheets["listings"][0] = ["Ví dụ", *sheets["listings"][0]]  # a hand-made "Ví dụ" header: vi_du
    sheets["listings"][1] = ["ví dụ", *sheets["listings"][1]]
    sheets["listings"].append(["không", "imp-xoai-2", *sheets["listings"][1][2:]])  # "không": not an example
    report = services.import_data(session, read(sheets), make_user("staff"), today_in_vietnam())
    assert report.ok, report.problems
    assert report.examples_skipped == {"listings": [2]}
    assert [o.key for o in report.outcomes if o.sheet == "listings"] == ["imp-xoai-2"]


# Credentials from a sheet -----------------------------------------------------------------

SOURCE = SourceFile("chung-nhan-vu-xoai.xlsx", sha256_of(b"the file"))


def _events(session, action: str) -> list[CredentialEvent]:
    return list(session.scalars(select(CredentialEvent).where(CredentialEvent.action == action)))


def test_sheet_credentials_arrive_pending_for_a_chair_even_when_asked_to_verify(session):
    _club, chair = make_club()
    report = services.import_data(session, read(good_sheets()), chair, today_in_vietnam(), verified_from=SOURCE)
    assert report.ok, report.problems
    assert {c.status for c in session.scalars(select(Certificate))} == {"pending"}
    assert {c.status for c in session.scalars(select(PlantingCode))} == {"pending"}
    assert report.credentials_pending == 3 and report.credentials_verified == 0
    assert "Chỉ nhân viên mới ghi được chứng nhận là đã xác minh" in " ".join(report.notices)  # in Vietnamese
    assert _events(session, "verify") == []


def test_sheet_credentials_arrive_pending_for_staff_who_did_not_tick(session):
    report = services.import_data(session, read(good_sheets()), make_user("staff"), today_in_vietnam())
    assert report.ok
    certificate = session.scalar(select(Certificate).where(Certificate.type == "vietgap"))
    assert (certificate.status, certificate.verified_by_id) == ("pending", None)  # the sheet said "active"
    assert _events(session, "verify") == []


def test_staff_who_ticked_record_the_verification_with_the_file(session):
    staff = make_user("staff")
    report = services.import_data(session, read(good_sheets()), staff, today_in_vietnam(), verified_from=SOURCE)
    assert report.ok and report.credentials_verified == 3
    certificate = session.scalar(select(Certificate).where(Certificate.number == VIETGAP.upper()))
    assert (certificate.status, certificate.verified_by_id) == ("active", staff.id)
    verified = _events(session, "verify")
    assert len(verified) == 3
    for event in verified:  # the verification queue's own log entry, naming the file and its hash
        assert (event.actor_id, event.from_status, event.to_status) == (staff.id, "pending", "active")
        assert "chung-nhan-vu-xoai.xlsx" in event.reason and SOURCE.sha256 in event.reason
    session.commit()

    # Imported again without the tick: verified stays verified, and nothing is logged twice.
    again = services.import_data(session, read(good_sheets()), staff, today_in_vietnam())
    assert again.ok
    assert session.get(Certificate, certificate.id).status == "active"
    assert len(_events(session, "verify")) == 3


def test_on_the_page_the_tick_verifies_as_the_staff_member(app):
    staff, client = _staff(app)
    preview = _upload(client, xlsx_bytes(good_sheets()), name="vu-xoai.xlsx")
    html = preview.get_data(as_text=True)
    assert "I have checked these documents; record them as verified by me" in html
    assert 'aria-describedby="verified-hint"' in html and 'id="verified-hint"' in html  # the box says what it does
    done = _confirm(client, preview, verified=True)
    assert done.status_code == 200
    assert "Credentials recorded as verified by you: 3." in done.get_data(as_text=True)
    with app_session(app) as session:
        certificate = session.scalar(select(Certificate).where(Certificate.number == VIETGAP.upper()))
        assert (certificate.status, certificate.verified_by_id) == ("active", staff.id)
        (event,) = session.scalars(select(CredentialEvent).where(
            CredentialEvent.certificate_id == certificate.id, CredentialEvent.action == "verify"))
        assert event.actor_id == staff.id and "vu-xoai.xlsx" in event.reason
        assert re.search(r"\(SHA-256 [0-9a-f]{64}\)", event.reason)


# The command ------------------------------------------------------------------------------

def test_the_cli_keeps_the_status_in_each_row_and_previews_with_dry_run(app, tmp_path):
    """The promised interface: `marketplace import` is staff work, so credentials take the status in
    their row; one that says active is verified by the import, the command and file named."""
    path = tmp_path / "import.xlsx"
    path.write_bytes(xlsx_bytes(good_sheets()))
    with app_session(app) as session:
        before = counts(session)
    dry = app.test_cli_runner().invoke(args=["import", str(path), "--dry-run", "--lang", "en"])
    assert dry.exit_code == 0, dry.output
    assert "listings row 2: create imp-xoai-1:" in dry.output
    assert "listings: 1 to create, 0 to update" in dry.output
    assert dry.output.rstrip().endswith("Dry run: nothing was stored.")
    with app_session(app) as session:
        assert counts(session) == before

    result = app.test_cli_runner().invoke(args=["import", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    # The VietGAP row and the code say active; the GlobalGAP row leaves its status empty (pending).
    assert "recorded as verified by this import: 2." in result.output
    assert "pending verification: 1" in result.output
    with app_session(app) as session:
        assert by_ref(session, CLUB) is not None
        statuses = {c.number: c.status for c in session.scalars(select(Certificate))}
        assert statuses == {VIETGAP.upper(): "active", GGN: "pending"}
        assert session.scalar(select(PlantingCode).where(PlantingCode.code == CODE)).status == "active"
        verified = _events(session, "verify")
        assert len(verified) == 2 and {e.actor_id for e in verified} == {None}
        assert all(f"import.xlsx (SHA-256 {sha256_of(path.read_bytes())}) imported with the marketplace import "
                   "command" in e.reason for e in verified)


def test_the_cli_records_verification_only_for_a_staff_account_named(app, tmp_path):
    path = tmp_path / "chung-nhan.xlsx"
    path.write_bytes(xlsx_bytes(good_sheets()))
    with app_session(app):
        staff = make_user("staff", email="kiem-tra@example.vn")
        _club, chair = make_club()
        chair_email = chair.email
    refused = app.test_cli_runner().invoke(args=["import", str(path), "--verified-by", chair_email, "--lang", "en"])
    assert refused.exit_code == 1 and "must name a staff account" in refused.output
    with app_session(app) as session:
        assert by_ref(session, CLUB) is None

    result = app.test_cli_runner().invoke(args=["import", str(path), "--verified-by", "kiem-tra@example.vn",
                                                "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Certificates and codes recorded as verified by kiem-tra@example.vn: 3." in result.output
    with app_session(app) as session:
        verified = _events(session, "verify")
        assert len(verified) == 3 and {e.actor_id for e in verified} == {staff.id}
        assert all(f"chung-nhan.xlsx (SHA-256 {sha256_of(path.read_bytes())})" in e.reason for e in verified)


def test_a_file_with_problems_has_no_confirmation_and_is_not_kept(app):
    _staff_user, client = _staff(app)
    sheets = good_sheets()
    sheets["listings"].append(["imp-xoai-2", "khong-co-to-chuc-nay", "xoài", "", "", 10, "kg", None, None,
                               today_in_vietnam(), today_in_vietnam() + timedelta(days=5), None, None, ""])
    response = _upload(client, xlsx_bytes(sheets))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html and "Refused: 1" in html
    assert "Rows without problems (stored once the file is fixed)" in html
    assert 'data-testid="import-confirm"' not in html and 'name="token"' not in html
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(PendingImport)) == 0
        assert by_ref(session, CLUB) is None


def test_a_sheet_does_not_lift_what_staff_suspended_or_revoked(session):
    staff = make_user("staff")
    assert services.import_data(session, read(good_sheets()), staff, today_in_vietnam()).ok
    certificate = session.scalar(select(Certificate).where(Certificate.number == VIETGAP.upper()))
    code = session.scalar(select(PlantingCode).where(PlantingCode.code == CODE))
    credentials.change_status(session, certificate, "verify", staff)
    credentials.change_status(session, certificate, "suspend", staff, reason="Hết hạn kiểm tra")
    credentials.change_status(session, code, "revoke", staff, reason="Mã không đúng")
    session.commit()

    again = services.import_data(session, read(good_sheets()), staff, today_in_vietnam())  # both say "active"
    assert again.ok
    assert (certificate.status, code.status) == ("suspended", "revoked")
    session.rollback()

    ticked = services.import_data(session, read(good_sheets()), staff, today_in_vietnam(), verified_from=SOURCE)
    assert ticked.ok
    assert (session.get(Certificate, certificate.id).status, session.get(PlantingCode, code.id).status) == (
        "active", "revoked")  # checked again by staff: the suspension lifted, as in the queue
