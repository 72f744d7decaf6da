"""Staff create, edit and publish a fair; everyone sees the published ones; nobody else curates."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.dates import today_in_vietnam
from marketplace.errors import ValidationError
from marketplace.fairs import applications as booths
from marketplace.fairs import editing
from marketplace.fairs.models import BoothKind, Fair
from marketplace.forms import as_typed_date
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_club, make_org, make_user
from tests.integration.fairs.helpers import apply_for, make_exhibitor, make_fair, make_organiser, make_staff
from tests.pages import error_beside


def _form(**changes) -> dict:
    starts = today_in_vietnam() + timedelta(days=90)
    data = {"kind": "fair", "name": "Hội chợ Trái cây Đồng Tháp", "name_en": "Dong Thap Fruit Fair",
            "starts_on": as_typed_date(starts), "ends_on": as_typed_date(starts + timedelta(days=3)),
            "apply_by": as_typed_date(starts - timedelta(days=10)), "venue": "Quảng trường Sa Đéc",
            "commune_query": "", "commune_code": "", "organiser_name": "Trung tâm Xúc tiến", "organiser_org_id": "",
            "description": "Trái cây và đặc sản.", "description_en": "",
            "booths-0-id": "", "booths-0-name": "Gian tiêu chuẩn", "booths-0-name_en": "Standard",
            "booths-0-count": "20", "booths-0-fee_vnd": "1.500.000", "booths-0-number_prefix": "A-",
            "booths-1-id": "", "booths-1-name": "Gian miễn phí", "booths-1-name_en": "", "booths-1-count": "4",
            "booths-1-fee_vnd": "0", "booths-1-number_prefix": "F-"}
    return data | changes


def test_staff_create_edit_and_publish_a_fair(app):
    with app_session(app):
        staff = make_staff()
        organiser = make_organiser()
    client = signed_in(app, staff)
    assert client.get("/staff/fairs/new").status_code == 200
    response = client.post("/staff/fairs/new", data={"csrf_token": csrf_token(client),
                                                     **_form(organiser_org_id=str(organiser.id))})
    assert response.status_code == 302, text_of(response)
    with app_session(app) as session:
        fair = session.scalar(select(Fair))
        assert (fair.status, fair.name, fair.organiser_org_id) == ("draft", "Hội chợ Trái cây Đồng Tháp", organiser.id)
        assert [(k.name, k.count, k.fee_vnd, k.number_prefix) for k in fair.booth_kinds] == [
            ("Gian tiêu chuẩn", 20, 1_500_000, "A-"), ("Gian miễn phí", 4, 0, "F-")]
        fair_id, slug, kind_ids = fair.id, fair.slug, [k.id for k in fair.booth_kinds]
    # A draft is not public
    assert signed_in(app).get(f"/fairs/{slug}").status_code == 404
    assert slug not in signed_in(app).get("/fairs").get_data(as_text=True)
    # Edit: more standard booths, the free kind removed
    edit = client.get(f"/staff/fairs/{fair_id}/edit")
    assert "1500000" in text_of(edit) and "Gian miễn phí" in text_of(edit)
    response = client.post(f"/staff/fairs/{fair_id}/edit", data={"csrf_token": csrf_token(client), **_form(
        **{"booths-0-id": str(kind_ids[0]), "booths-0-count": "25", "booths-1-id": str(kind_ids[1]),
           "booths-1-name": "", "booths-1-count": "", "booths-1-fee_vnd": "", "booths-1-number_prefix": ""})})
    assert response.status_code == 302, text_of(response)
    with app_session(app) as session:
        assert [(k.id, k.count) for k in session.scalars(select(BoothKind))] == [(kind_ids[0], 25)]
    assert client.post(f"/staff/fairs/{fair_id}/publish", data={"csrf_token": csrf_token(client)}).status_code == 302
    page = signed_in(app).get(f"/fairs/{slug}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Hội chợ Trái cây Đồng Tháp" in text and "1.500.000" in text and "25 gian còn trống" in text or "25" in text
    assert slug in signed_in(app).get("/fairs").get_data(as_text=True)
    english = signed_in(app, lang="en").get(f"/fairs/{slug}")
    assert "Dong Thap Fruit Fair" in text_of(english)


def test_every_problem_of_the_fair_form_at_once_and_what_was_typed_stays(app):
    with app_session(app):
        staff = make_staff()
    client = signed_in(app, staff)
    response = client.post("/staff/fairs/new", data={"csrf_token": csrf_token(client), **_form(
        name="", starts_on="31/02/2027", ends_on="x", venue="Nhà văn hoá Cao Lãnh",
        **{"booths-0-count": "hai mươi", "booths-0-fee_vnd": "abc", "booths-1-number_prefix": "A-"})})
    assert response.status_code == 422
    text = text_of(response)
    assert "Nhà văn hoá Cao Lãnh" in text and "hai mươi" in text  # kept as typed
    expected = {"name": "Vui lòng điền ô này.", "starts_on": "Tháng 2 năm 2027 không có ngày 31",
                "ends_on": "Nhập ngày theo dạng ngày/tháng/năm", "booths-0-count": "Nhập số nguyên",
                "booths-0-fee_vnd": "1.500.000", "booths-1-number_prefix": "đã dùng tiền tố này"}
    beside = {field: error_beside(text, field) or "" for field in expected}
    assert all(want in beside[field] for field, want in expected.items()), beside
    with app_session(app) as session:
        assert session.scalar(select(Fair)) is None


def test_clubs_and_buyers_cannot_curate_fairs(app):
    with app_session(app):
        fair = make_fair(publish=False)
        club, chair = make_club()
        buyer = make_user("buyer")
    for user in (chair, buyer):
        client = signed_in(app, user)
        token = csrf_token(client)
        assert client.get("/staff/fairs").status_code == 403
        assert client.get("/staff/fairs/new").status_code == 403
        assert client.get(f"/staff/fairs/{fair.id}/edit").status_code == 403
        assert client.post(f"/staff/fairs/{fair.id}/publish", data={"csrf_token": token}).status_code == 403
        assert client.get(f"/staff/fairs/{fair.id}/applications").status_code == 403
        assert client.get(f"/fairs/{fair.slug}").status_code == 404  # a draft
    with app_session(app) as session:
        assert session.get(Fair, fair.id).status == "draft"


def test_the_public_list_shows_coming_and_past_published_fairs(app):
    with app_session(app):
        coming = make_fair(name="Hội chợ sắp tới")
        past = make_fair(name="Hội chợ đã qua", days_ahead=-30)
        make_fair(name="Hội chợ nháp", publish=False)
    text = text_of(signed_in(app).get("/fairs"))
    assert "Hội chợ sắp tới" in text and "Hội chợ đã qua" in text and "Hội chợ nháp" not in text
    assert text.index("Hội chợ sắp tới") < text.index("Hội chợ đã qua")
    assert coming.slug != past.slug
    # The menu has "Hội chợ" for everyone
    assert 'data-testid="nav-fairs"' in signed_in(app).get("/").get_data(as_text=True)


def test_staff_menu_links_to_the_fairs_admin(app):
    with app_session(app):
        staff = make_staff()
        make_org("club")
    assert 'data-testid="nav-fairs-staff"' in signed_in(app, staff).get("/").get_data(as_text=True)


def test_a_booth_kind_applied_for_stays_and_counts_never_drop_below_what_is_given(app, session):
    fair = make_fair(standard=3, free=2)
    staff = make_staff()
    for n in (70, 72):
        booths.decide(session, apply_for(fair, *make_exhibitor(n)), "approve", staff)
    apply_for(fair, *make_exhibitor(71), kind_index=1)  # applied for a free booth, not decided
    session.commit()
    standard, free = fair.booth_kinds

    def rows(count: str, free_row: editing.BoothKindRow) -> editing.FairInput:
        return editing.FairInput(name=fair.name, starts_on=as_typed_date(fair.starts_on),
                                 ends_on=as_typed_date(fair.ends_on), booths=[
                                     editing.BoothKindRow(id=str(standard.id), name=standard.name, count=count,
                                                          fee_vnd=str(standard.fee_vnd), number_prefix="A-"),
                                     free_row])

    emptied = editing.BoothKindRow(id=str(free.id))
    try:
        editing.save_fair(session, rows("1", emptied), staff, fair)
        raise AssertionError("saved")
    except ValidationError as error:
        assert "2" in error.fields["booths-0-count"][0]  # two booths are given
        assert set(error.fields) == {"booths-0-count", "booths-1-name"}
    session.rollback()
    kept = editing.BoothKindRow(id=str(free.id), name=free.name, count="2", fee_vnd="0", number_prefix="F-")
    editing.save_fair(session, rows("2", kept), staff, fair)  # two booths given: two are enough
    session.commit()
    assert [(k.count, k.given) for k in session.scalars(select(BoothKind).order_by(BoothKind.position))] == [
        (2, 2), (2, 0)]
