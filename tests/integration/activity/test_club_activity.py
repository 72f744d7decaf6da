"""A club's board records its meetings, trainings and workshops and raises concerns; staff assign,
answer and settle them; the public sees what was held and its topics, never who came or the concerns."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.activity.models import ClubActivity, ClubConcern
from marketplace.dates import today_in_vietnam
from marketplace.forms import as_typed_date
from marketplace.notifications.models import Notification
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_board_member, make_org, make_user


def _post(client, path, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client)} | fields)


def _count(app, model) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count(model.id)))


def _club_with_board(app, kind="club", name="Hội quán Xoài thử"):
    with app_session(app):
        club = make_org(kind, name=name)
        chair = make_board_member(club, name="Chủ nhiệm Tư")
    return club, chair


def test_the_board_records_a_meeting_typed_as_people_type_and_the_public_sees_its_topic(app):
    club, chair = _club_with_board(app)
    board = signed_in(app, chair)
    today = today_in_vietnam()
    assert board.get(f"/orgs/{club.id}/activity/new").status_code == 200
    response = _post(board, f"/orgs/{club.id}/activity/new", kind="training",
                     held_on=as_typed_date(today - timedelta(days=3)), topic="Bao trái xoài chống ruồi vàng",
                     attendees="khoảng 30", experts="KS. Lê Văn Hai, Chi cục Trồng trọt và BVTV")
    assert response.status_code == 302
    with app_session(app) as session:
        activity = session.scalar(select(ClubActivity))
        assert (activity.kind, activity.attendees, activity.recorded_by_id) == ("training", 30, chair.id)
    page = text_of(board.get(f"/orgs/{club.id}/activity"))
    assert "Bao trái xoài chống ruồi vàng" in page and "30 người" in page and "Lê Văn Hai" in page
    public = text_of(app.test_client().get(f"/orgs/{club.id}"))
    assert 'data-testid="org-activity"' in public and "Bao trái xoài chống ruồi vàng" in public
    assert "Tập huấn" in public  # the kind, in words
    assert "30 người" not in public and "Lê Văn Hai" not in public  # who came and the experts: not public
    board_view = text_of(board.get(f"/orgs/{club.id}"))
    assert "30 người" in board_view and "Lê Văn Hai" in board_view


def test_bad_input_comes_back_filled_with_a_message_per_field_and_nothing_is_stored(app):
    club, chair = _club_with_board(app)
    board = signed_in(app, chair)
    tomorrow = today_in_vietnam() + timedelta(days=1)
    response = _post(board, f"/orgs/{club.id}/activity/new", kind="meeting", held_on=as_typed_date(tomorrow),
                     topic="", attendees="20-30 người", experts="Ông Ba")
    assert response.status_code == 422
    page = text_of(response)
    assert "This field is required" not in page  # Vietnamese first
    assert "Trường này là bắt buộc" in page or "bắt buộc" in page
    assert "20-30 người" in page and "Ông Ba" in page  # what was typed stays
    assert 'id="held_on-error"' in page and 'id="attendees-error"' in page and 'id="topic-error"' in page
    response = _post(board, f"/orgs/{club.id}/activity/new", kind="meeting", held_on="31/02/2026",
                     topic="Sinh hoạt định kỳ", attendees="25 người")
    assert response.status_code == 422 and "31/02/2026" in text_of(response)
    assert _count(app, ClubActivity) == 0
    assert _post(board, f"/orgs/{club.id}/activity/new", kind="party", held_on=as_typed_date(tomorrow),
                 topic="x").status_code == 422
    assert _count(app, ClubActivity) == 0


def test_edit_and_delete_an_activity(app):
    club, chair = _club_with_board(app)
    board = signed_in(app, chair)
    day = today_in_vietnam() - timedelta(days=10)
    _post(board, f"/orgs/{club.id}/activity/new", kind="meeting", held_on=as_typed_date(day),
          topic="Sinh hoạt định kỳ", attendees="25")
    with app_session(app) as session:
        activity_id = session.scalar(select(ClubActivity.id))
    form = text_of(board.get(f"/orgs/{club.id}/activity/{activity_id}/edit"))
    assert "Sinh hoạt định kỳ" in form and as_typed_date(day) in form
    assert _post(board, f"/orgs/{club.id}/activity/{activity_id}/edit", kind="meeting", held_on=as_typed_date(day),
                 topic="Sinh hoạt định kỳ tháng", attendees="25 người").status_code == 302
    with app_session(app) as session:
        assert session.get(ClubActivity, activity_id).topic == "Sinh hoạt định kỳ tháng"
    assert _post(board, f"/orgs/{club.id}/activity/{activity_id}/delete").status_code == 302
    assert _count(app, ClubActivity) == 0


def test_who_may_see_and_record(app):
    club, chair = _club_with_board(app)
    with app_session(app):
        other_club = make_org("club", name="Hội quán khác")
        other_chair = make_board_member(other_club)
        member = make_user("seller", club)
        buyer = make_user("buyer")
        staff = make_user("staff")
        shop = make_org("supermarket")
    new = f"/orgs/{club.id}/activity/new"
    other = signed_in(app, other_chair)
    assert other.get(f"/orgs/{club.id}/activity").status_code == 403
    assert other.get(new).status_code == 403
    assert _post(other, new, kind="meeting", held_on=as_typed_date(today_in_vietnam()), topic="x").status_code == 403
    assert signed_in(app, buyer).get(f"/orgs/{club.id}/activity").status_code == 403
    anonymous = app.test_client()
    assert "/login" in anonymous.get(f"/orgs/{club.id}/activity").headers["Location"]
    # a member reads the activity (not the concerns) and records nothing
    reader = signed_in(app, member)
    page = reader.get(f"/orgs/{club.id}/activity")
    assert page.status_code == 200 and 'data-testid="new-activity"' not in text_of(page)
    assert reader.get(new).status_code == 403
    # staff record for any club; a buyer's organisation keeps no activity record
    assert signed_in(app, staff).get(new).status_code == 200
    assert signed_in(app, staff).get(f"/orgs/{shop.id}/activity").status_code == 404
    assert _count(app, ClubActivity) == 0


def test_cooperatives_and_groups_record_activity_too(app):
    for kind in ("cooperative", "coop_group"):
        org, chair = _club_with_board(app, kind, name=f"Tổ chức {kind}")
        board = signed_in(app, chair)
        assert _post(board, f"/orgs/{org.id}/activity/new", kind="workshop",
                     held_on=as_typed_date(today_in_vietnam()), topic="Hội thảo với siêu thị").status_code == 302
    assert _count(app, ClubActivity) == 2


def _raise(client, club_id, title="Thiếu vốn xây nhà sơ chế", **fields):
    return _post(client, f"/orgs/{club_id}/concerns/new", kind=fields.pop("kind", "difficulty"), title=title,
                 body=fields.pop("body", "Cần vay 500 triệu"), raised_on=fields.pop("raised_on", ""), **fields)


def test_a_concern_goes_from_the_board_to_staff_and_back_with_notices(app):
    club, chair = _club_with_board(app)
    with app_session(app):
        staff = make_user("staff", name="Cán bộ Thu")
        colleague = make_user("staff", name="Cán bộ Hải")
    board = signed_in(app, chair)
    assert _raise(board, club.id).status_code == 302
    with app_session(app) as session:
        concern = session.scalar(select(ClubConcern))
        assert (concern.status, concern.raised_on) == ("open", today_in_vietnam())
    officer = signed_in(app, staff)
    page = officer.get(f"/staff/concerns/{concern.id}")
    assert page.status_code == 200 and "Thiếu vốn xây nhà sơ chế" in text_of(page)
    # the board cannot answer; staff cannot close an unanswered concern
    assert board.get(f"/staff/concerns/{concern.id}").status_code == 403
    assert _post(board, f"/staff/concerns/{concern.id}/answer", answer="x").status_code == 403
    _post(officer, f"/staff/concerns/{concern.id}/close")
    with app_session(app) as session:
        assert session.get(ClubConcern, concern.id).status == "open"
    # assign: without anyone, or a due day past → refused, typed text kept
    yesterday = as_typed_date(today_in_vietnam() - timedelta(days=1))
    response = _post(officer, f"/staff/concerns/{concern.id}/assign", handler="", handler_user_id="", due_on=yesterday)
    assert response.status_code == 422 and yesterday in text_of(response)
    due = today_in_vietnam() + timedelta(days=14)
    assert _post(officer, f"/staff/concerns/{concern.id}/assign", handler="Ngân hàng NN&PTNT chi nhánh Cao Lãnh",
                 handler_user_id=str(colleague.id), due_on=as_typed_date(due)).status_code == 302
    with app_session(app) as session:
        saved = session.get(ClubConcern, concern.id)
        assert (saved.status, saved.handler_user_id, saved.due_on) == ("assigned", colleague.id, due)
        assert session.scalar(select(Notification.kind).where(Notification.user_id == colleague.id)) \
            == "club_concern_assign"
    # answer: empty → refused; then recorded and the board told
    assert _post(officer, f"/staff/concerns/{concern.id}/answer", answer="  ").status_code == 422
    assert _post(officer, f"/staff/concerns/{concern.id}/answer",
                 answer="Ngân hàng hỗ trợ vay ưu đãi theo Nghị định 55, hồ sơ nộp tại chi nhánh").status_code == 302
    with app_session(app) as session:
        saved = session.get(ClubConcern, concern.id)
        assert (saved.status, saved.answered_by_id, saved.answered_on) == ("answered", staff.id, today_in_vietnam())
        notice = session.scalar(select(Notification).where(Notification.user_id == chair.id))
        assert notice.kind == "club_concern_answer" and notice.url.endswith(f"#concern-{concern.id}")
    bell = text_of(board.get("/notifications"))
    assert "Thiếu vốn xây nhà sơ chế" in bell
    club_page = text_of(board.get(f"/orgs/{club.id}/activity"))
    assert "Nghị định 55" in club_page and f'data-testid="close-{concern.id}"' in club_page
    # the board reopens (with a reason), then settles once answered again
    assert _post(board, f"/orgs/{club.id}/concerns/{concern.id}/reopen", reason="Ngân hàng chưa nhận hồ sơ").status_code == 302
    with app_session(app) as session:
        saved = session.get(ClubConcern, concern.id)
        assert saved.status == "assigned" and "chưa nhận hồ sơ" in saved.body
        assert session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == colleague.id, Notification.kind == "club_concern_reopen")) == 1
    _post(officer, f"/staff/concerns/{concern.id}/answer", answer="Đã liên hệ ngân hàng, hẹn ngày 15 nhận hồ sơ")
    assert _post(board, f"/orgs/{club.id}/concerns/{concern.id}/close").status_code == 302
    with app_session(app) as session:
        assert session.get(ClubConcern, concern.id).status == "closed"
    # another club's board cannot touch it
    with app_session(app):
        other_chair = make_board_member(make_org("club", name="Hội quán khác"))
    other = signed_in(app, other_chair)
    assert _post(other, f"/orgs/{club.id}/concerns/{concern.id}/reopen").status_code == 403


def test_concern_form_with_bad_input_and_permissions(app):
    club, chair = _club_with_board(app)
    with app_session(app):
        buyer = make_user("buyer")
    board = signed_in(app, chair)
    tomorrow = as_typed_date(today_in_vietnam() + timedelta(days=1))
    response = _raise(board, club.id, title="", body="Giá phân bón tăng", raised_on=tomorrow)
    assert response.status_code == 422
    page = text_of(response)
    assert "Giá phân bón tăng" in page and tomorrow in page and 'id="title-error"' in page
    assert _count(app, ClubConcern) == 0
    assert _raise(signed_in(app, buyer), club.id).status_code == 403
    assert "/login" in _raise(app.test_client(), club.id).headers["Location"]
    assert _count(app, ClubConcern) == 0


def test_the_staff_queue_puts_overdue_first_and_says_so_in_words(app):
    today = today_in_vietnam()
    with app_session(app) as session:
        near = make_org("club", name="Hội quán Gần", commune_code="30244")
        far = make_org("club", name="Hội quán Xa", commune_code=None)
        staff = make_user("staff")
        session.add_all([
            ClubConcern(organization_id=near.id, kind="proposal", raised_on=today - timedelta(days=5),
                        title="Đề xuất mở lớp tập huấn VietGAP", status="open"),
            ClubConcern(organization_id=far.id, kind="difficulty", raised_on=today - timedelta(days=40),
                        title="Đường vào vườn bị sạt lở", status="assigned", handler="UBND xã",
                        due_on=today - timedelta(days=3)),
            ClubConcern(organization_id=near.id, kind="difficulty", raised_on=today - timedelta(days=60),
                        title="Thiếu nước tưới mùa khô", status="answered", answer="Đã nạo vét kênh",
                        answered_on=today - timedelta(days=20)),
        ])
        session.commit()
    officer = signed_in(app, staff)
    page = text_of(officer.get("/staff/concerns"))
    assert page.index("Đường vào vườn bị sạt lở") < page.index("Đề xuất mở lớp tập huấn VietGAP")
    assert "Thiếu nước tưới mùa khô" not in page  # answered: not waiting (default filter)
    assert "Quá hạn" in page and page.count('data-testid="overdue"') == 1
    only_late = text_of(officer.get("/staff/concerns?overdue=1"))
    assert "Đường vào vườn bị sạt lở" in only_late and "Đề xuất mở lớp" not in only_late
    everything = text_of(officer.get("/staff/concerns?status="))
    assert "Thiếu nước tưới mùa khô" in everything
    proposals = text_of(officer.get("/staff/concerns?status=&kind=proposal"))
    assert "Đề xuất mở lớp" in proposals and "sạt lở" not in proposals
    in_commune = text_of(officer.get("/staff/concerns?status=&commune=30244"))
    assert "Đề xuất mở lớp" in in_commune and "sạt lở" not in in_commune
    assert officer.get("/staff/concerns?status=nonsense&commune=²&kind=x").status_code == 200
    english = text_of(officer.get("/staff/concerns?lang=en"))
    assert "Overdue" in english and "Clubs' difficulties and proposals" in english
    assert signed_in(app, make_board_member_in(app)).get("/staff/concerns").status_code == 403


def make_board_member_in(app):
    with app_session(app):
        return make_board_member(make_org("club"))


def test_the_public_section_shows_the_last_twelve_months_without_concerns(app):
    today = today_in_vietnam()
    with app_session(app) as session:
        club = make_org("club", name="Hội quán Công khai")
        session.add_all([
            ClubActivity(organization_id=club.id, kind="meeting", held_on=today - timedelta(days=30),
                         topic="Sinh hoạt định kỳ tháng này", attendees=25, experts=""),
            ClubActivity(organization_id=club.id, kind="meeting", held_on=today - timedelta(days=400),
                         topic="Cuộc họp năm xưa", attendees=20),
            ClubConcern(organization_id=club.id, kind="difficulty", raised_on=today - timedelta(days=3),
                        title="Khó khăn bí mật", status="open"),
        ])
        session.commit()
    page = text_of(app.test_client().get(f"/orgs/{club.id}"))
    assert "Sinh hoạt định kỳ tháng này" in page and "Cuộc họp năm xưa" not in page
    assert "Khó khăn bí mật" not in page and "25 người" not in page
    assert "1 hoạt động" in page
    english = text_of(app.test_client().get(f"/orgs/{club.id}?lang=en"))
    assert "Club activity" in english and "Meeting" in english


def test_the_year_picker_shows_each_year(app):
    club, chair = _club_with_board(app)
    today = today_in_vietnam()
    last_year = today.replace(year=today.year - 1, day=1)
    with app_session(app) as session:
        session.add(ClubActivity(organization_id=club.id, kind="workshop", held_on=last_year,
                                 topic="Hội thảo năm trước"))
        session.commit()
    board = signed_in(app, chair)
    this_year = text_of(board.get(f"/orgs/{club.id}/activity"))
    assert "Hội thảo năm trước" not in this_year and f'<option value="{last_year.year}"' in this_year
    assert "Hội thảo năm trước" in text_of(board.get(f"/orgs/{club.id}/activity?year={last_year.year}"))
    assert board.get(f"/orgs/{club.id}/activity?year=²²²²").status_code == 200


def test_links_from_the_homes(app):
    club, chair = _club_with_board(app)
    with app_session(app):
        staff = make_user("staff")
    assert f"/orgs/{club.id}/activity" in signed_in(app, chair).get("/").get_data(as_text=True)
    officer = signed_in(app, staff)
    assert "/staff/concerns" in officer.get("/").get_data(as_text=True)
    assert "/staff/concerns" in officer.get("/staff").get_data(as_text=True)


def test_the_pages_in_english(app):
    club, chair = _club_with_board(app)
    with app_session(app):
        staff = make_user("staff")
    board = signed_in(app, chair, lang="en")
    _post(board, f"/orgs/{club.id}/activity/new", kind="workshop", held_on=as_typed_date(today_in_vietnam()),
          topic="Hội thảo với siêu thị", attendees="40")
    _raise(board, club.id)
    page = text_of(board.get(f"/orgs/{club.id}/activity"))
    assert "Activities in" in page and "Workshop" in page and "40 people came" in page
    assert "Waiting for staff's answer" in page and "Difficulty" in page
    with app_session(app) as session:
        concern_id = session.scalar(select(ClubConcern.id))
    officer = signed_in(app, staff, lang="en")
    detail = text_of(officer.get(f"/staff/concerns/{concern_id}"))
    assert "Who handles it" in detail and "Record the answer" not in detail  # assigned first, then answered


def test_an_open_concern_is_assigned_before_it_is_answered(app):
    club, chair = _club_with_board(app)
    with app_session(app):
        staff = make_user("staff")
    _raise(signed_in(app, chair), club.id)
    with app_session(app) as session:
        concern_id = session.scalar(select(ClubConcern.id))
    officer = signed_in(app, staff)
    response = _post(officer, f"/staff/concerns/{concern_id}/answer", answer="Đã xử lý")
    assert response.status_code == 422 and "kiến nghị vừa thay đổi" in text_of(response)
    with app_session(app) as session:
        assert session.get(ClubConcern, concern_id).status == "open"


def test_another_clubs_activity_cannot_be_reached_through_ones_own_club(app):
    club, chair = _club_with_board(app)
    other_club, other_chair = _club_with_board(app, name="Hội quán Bên cạnh")
    with app_session(app) as session:
        theirs = ClubActivity(organization_id=other_club.id, kind="meeting", held_on=today_in_vietnam(),
                              topic="Họp riêng")
        session.add(theirs)
        session.commit()
    board = signed_in(app, chair)
    assert board.get(f"/orgs/{club.id}/activity/{theirs.id}/edit").status_code == 404
    assert _post(board, f"/orgs/{club.id}/activity/{theirs.id}/delete").status_code == 404
    assert board.get(f"/orgs/{other_club.id}/activity/{theirs.id}/edit").status_code == 403
    assert _post(board, f"/orgs/{other_club.id}/activity/{theirs.id}/delete").status_code == 403
    assert _count(app, ClubActivity) == 1


def test_a_member_reads_who_came_but_not_the_boards_note_nor_the_concerns(app):
    club, chair = _club_with_board(app)
    with app_session(app):
        member = make_user("seller", club)
    board = signed_in(app, chair)
    _post(board, f"/orgs/{club.id}/activity/new", kind="meeting", held_on=as_typed_date(today_in_vietnam()),
          topic="Sinh hoạt định kỳ", attendees="25 người", experts="Ông Năm, Phòng Kinh tế",
          note="Hai hộ chưa đóng quỹ")
    _raise(board, club.id, title="Khó khăn riêng của ban chủ nhiệm")
    page = text_of(signed_in(app, member).get(f"/orgs/{club.id}/activity"))
    assert "25 người" in page and "Ông Năm" in page
    assert "Hai hộ chưa đóng quỹ" not in page and "Khó khăn riêng của ban chủ nhiệm" not in page
    assert "Hai hộ chưa đóng quỹ" in text_of(board.get(f"/orgs/{club.id}/activity"))


def test_control_characters_are_dropped_so_the_report_workbook_opens(app):
    """A topic pasted with control characters (openpyxl refuses them in a workbook: the .xlsx was a
    500 for the whole period) is stored without them; the report downloads and opens."""
    import io

    from openpyxl import load_workbook

    club, chair = _club_with_board(app)
    board = signed_in(app, chair)
    today = today_in_vietnam()
    assert _post(board, f"/orgs/{club.id}/activity/new", kind="meeting", held_on=as_typed_date(today),
                 topic="Họp\x0b bàn\x01 giá xoài", attendees="", experts="KS.\x02 Hai").status_code == 302
    with app_session(app) as session:
        activity = session.scalar(select(ClubActivity))
        assert (activity.topic, activity.experts) == ("Họp bàn giá xoài", "KS. Hai")
        staff = make_user("staff")
    download = signed_in(app, staff).get(f"/reports/download.xlsx?unit=82&period={today.year}")
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.data))["Chỉ tiêu"].max_row > 1
