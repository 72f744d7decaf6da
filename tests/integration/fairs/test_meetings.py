"""Meetings at a fair through the pages: request, accept, propose, take, decline, cancel; who may
see and act; double booking refused; the notices each step sends and to whom; the conversation a
request opens."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.fairs import meeting_rules
from marketplace.fairs.meeting_forms import step_prefix
from marketplace.fairs.models import FairMeeting
from marketplace.messaging.models import Conversation, ConversationMessage, OrganizationBlock
from marketplace.notifications import delivery
from marketplace.notifications.models import Notification, OutgoingMail
from marketplace.notifications.presentation import describe
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_listing, make_org, make_user
from tests.integration.fairs.meeting_scene import hold_booth, make_scene, typed_day


@pytest.fixture
def scene(app):
    with app_session(app):
        return make_scene()


def _ask(client, scene, exhibitor=None, *, day=None, at="09:30", note="", listing_id=""):
    exhibitor = exhibitor or scene.exhibitor
    return post(client, f"/fairs/{scene.fair.slug}/meetings/new/{exhibitor.id}",
                {"day": day or typed_day(scene), "time": at, "note": note, "listing_id": listing_id})


def _step(client, scene, meeting_id, action, status, **fields):
    prefix = step_prefix(action, meeting_id)
    data = {f"{prefix}-status": status} | {f"{prefix}-{k}": v for k, v in fields.items()}
    return post(client, f"/fairs/{scene.fair.slug}/meetings/{meeting_id}/{action}", data)


def _meetings(app) -> list[FairMeeting]:
    with app_session(app) as session:
        return list(session.scalars(select(FairMeeting).order_by(FairMeeting.id)))


def _notices(app, user, kind_end: str) -> list[Notification]:
    with app_session(app) as session:
        return list(session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.kind == f"meeting_{kind_end}")))


def test_request_then_accept(app, scene):
    buyer = signed_in(app, scene.buyer)
    response = _ask(buyer, scene, note="Cần 2 tấn xoài loại 1 mỗi tuần", listing_id=str(scene.listing.id))
    assert response.status_code == 302 and "/meetings#meeting-" in response.headers["Location"]
    [meeting] = _meetings(app)
    assert (meeting.status, meeting.buyer_org_id, meeting.exhibitor_org_id, meeting.listing_id) == (
        "requested", scene.buyer_org.id, scene.exhibitor.id, scene.listing.id)
    expected = meeting_rules.slot_start(scene.fair.starts_on, time(9, 30))
    assert meeting_rules.as_aware(meeting.starts_at) == expected and expected.tzinfo == UTC
    [notice] = _notices(app, scene.seller, "requested")
    assert notice.url == f"/fairs/{scene.fair.slug}/meetings#meeting-{meeting.id}"
    assert not _notices(app, scene.buyer, "requested")  # never the one who acted
    with app_session(app) as session:  # and by mail (the seller chose instant mail, the default)
        mail = session.scalar(select(OutgoingMail).where(OutgoingMail.user_id == scene.seller.id,
                                                         OutgoingMail.subject.contains("Siêu thị Xanh Sa Đéc")))
        assert mail is not None and "09:30" in mail.body

    seller = signed_in(app, scene.seller)
    page = text_of(seller.get(f"/fairs/{scene.fair.slug}/meetings"))
    assert "09:30" in page and "Siêu thị Xanh Sa Đéc" in page and "Cần 2 tấn xoài loại 1 mỗi tuần" in page
    assert "xoài cát Chu".lower() in page.lower()
    assert _step(seller, scene, meeting.id, "accept", "requested").status_code == 302
    assert _meetings(app)[0].status == "accepted"
    assert _notices(app, scene.buyer, "accepted")
    page = text_of(buyer.get(f"/fairs/{scene.fair.slug}/meetings"))
    assert "Đã nhận lời" in page
    assert "A-01" in page  # the exhibitor's booth


def test_a_request_opens_the_fair_conversation(app, scene):
    buyer = signed_in(app, scene.buyer)
    _ask(buyer, scene, note="Xin gặp để bàn giá")
    _ask(buyer, scene, at="15:00")  # a second meeting continues the same thread
    with app_session(app) as session:
        [thread] = session.scalars(select(Conversation).where(Conversation.buyer_org_id == scene.buyer_org.id))
        assert (thread.seller_org_id, thread.fair_id, thread.topic) == (scene.exhibitor.id, scene.fair.id,
                                                                         f"fair:{scene.fair.id}")
        bodies = [m.body for m in session.scalars(select(ConversationMessage)
                                                   .where(ConversationMessage.conversation_id == thread.id))]
    assert len(bodies) == 2 and "Xin gặp để bàn giá" in bodies[0] and "09:30" in bodies[0]
    page = text_of(signed_in(app, scene.seller).get(f"/fairs/{scene.fair.slug}/meetings"))
    assert f"/inbox/{thread.id}" in page


def test_propose_then_take(app, scene):
    buyer, seller = signed_in(app, scene.buyer), signed_in(app, scene.seller)
    _ask(buyer, scene)
    [meeting] = _meetings(app)
    response = _step(seller, scene, meeting.id, "propose", "requested", day=typed_day(scene, 1), time="14h",
                     answer="Sáng bận, chiều được")
    assert response.status_code == 302
    [meeting] = _meetings(app)
    proposed = meeting_rules.slot_start(scene.fair.starts_on + timedelta(days=1), time(14, 0))
    assert meeting.status == "proposed" and meeting.answer == "Sáng bận, chiều được"
    assert meeting_rules.as_aware(meeting.proposed_at) == proposed
    assert _notices(app, scene.buyer, "proposed")
    page = text_of(buyer.get(f"/fairs/{scene.fair.slug}/meetings"))
    assert "14:00" in page and "Sáng bận, chiều được" in page
    assert _step(buyer, scene, meeting.id, "take", "proposed").status_code == 302
    [meeting] = _meetings(app)
    assert meeting.status == "accepted" and meeting.proposed_at is None
    assert meeting_rules.as_aware(meeting.starts_at) == proposed
    assert _notices(app, scene.seller, "taken")


def test_decline_needs_an_answer(app, scene):
    buyer, seller = signed_in(app, scene.buyer), signed_in(app, scene.seller)
    _ask(buyer, scene)
    [meeting] = _meetings(app)
    response = _step(seller, scene, meeting.id, "decline", "requested", answer="")
    assert response.status_code == 302
    assert "Hãy viết vài lời trả lời cho người mua." in text_of(seller.get(response.headers["Location"]))
    assert _meetings(app)[0].status == "requested"
    _step(seller, scene, meeting.id, "decline", "requested", answer="Hết hàng vụ này")
    assert _meetings(app)[0].status == "declined"
    [notice] = _notices(app, scene.buyer, "declined")
    assert json.loads(notice.params)["answer"] == "Hết hàng vụ này"


def test_buyer_cancels(app, scene):
    buyer, seller = signed_in(app, scene.buyer), signed_in(app, scene.seller)
    _ask(buyer, scene)
    [meeting] = _meetings(app)
    _step(seller, scene, meeting.id, "accept", "requested")
    assert _step(buyer, scene, meeting.id, "cancel", "accepted").status_code == 302
    assert _meetings(app)[0].status == "cancelled"
    assert _notices(app, scene.seller, "cancelled") and not _notices(app, scene.buyer, "cancelled")


def test_only_the_two_sides_see_or_act(app, scene):
    _ask(signed_in(app, scene.buyer), scene, note="Riêng tư")
    [meeting] = _meetings(app)
    outsider = signed_in(app, scene.outsider)
    page = text_of(outsider.get(f"/fairs/{scene.fair.slug}/meetings"))
    assert "Riêng tư" not in page and f"meeting-{meeting.id}" not in page
    for action in ("accept", "decline", "cancel", "take", "propose"):
        assert _step(outsider, scene, meeting.id, action, "requested", answer="x").status_code == 404
    other_exhibitor = signed_in(app, scene.other_seller)
    assert _step(other_exhibitor, scene, meeting.id, "accept", "requested").status_code == 404
    # Each side only takes its own steps: the buyer cannot accept its own request (403).
    assert _step(signed_in(app, scene.buyer), scene, meeting.id, "accept", "requested").status_code == 403
    assert _step(signed_in(app, scene.seller), scene, meeting.id, "cancel", "requested").status_code == 403
    assert _meetings(app)[0].status == "requested"
    assert signed_in(app, scene.seller).post(f"/fairs/{scene.fair.slug}/meetings/{meeting.id}/explode").status_code \
        in (400, 404)


def test_the_exhibitor_cannot_ask_itself_and_staff_do_not_ask(app, scene):
    assert _ask(signed_in(app, scene.seller), scene).status_code == 403
    with app_session(app):
        staff = make_user("staff")
    assert _ask(signed_in(app, staff), scene).status_code == 403
    assert not _meetings(app)


def test_only_exhibitors_with_a_held_booth_are_asked(app, scene):
    with app_session(app):
        waiting = make_org("club", name="Hội quán chờ gian")
        hold_booth(scene.fair, waiting, "", status="waitlisted")
    buyer = signed_in(app, scene.buyer)
    assert buyer.get(f"/fairs/{scene.fair.slug}/meetings/new/{waiting.id}").status_code == 404
    assert buyer.get(f"/fairs/{scene.fair.slug}/meetings/new/{scene.other_exhibitor.id}").status_code == 200


def test_a_draft_fair_has_no_meetings(app):
    with app_session(app):
        scene = make_scene(status="draft")
    assert signed_in(app, scene.buyer).get(f"/fairs/{scene.fair.slug}/meetings").status_code == 404


def test_every_problem_at_once_and_what_was_typed_kept(app, scene):
    buyer = signed_in(app, scene.buyer)
    response = _ask(buyer, scene, day=typed_day(scene, 30), at="25:99", note="Giữ lại chữ này")
    assert response.status_code == 422
    page = text_of(response)
    assert "Hãy chọn một ngày trong thời gian hội chợ." in page
    assert "Nhập giờ theo dạng GG:PP, ví dụ 09:30." in page
    assert "Giữ lại chữ này" in page and "25:99" in page
    response = _ask(buyer, scene, day="31/02/2027", at="")
    page = text_of(response)
    assert response.status_code == 422 and "Tháng 2 năm 2027 không có ngày 31" in page and "Vui lòng điền ô này." in page
    assert not _meetings(app)


def test_a_listing_of_someone_else_is_refused(app, scene):
    with app_session(app):
        foreign = make_listing(scene.other_exhibitor, "sen")
    response = _ask(signed_in(app, scene.buyer), scene, listing_id=str(foreign.id))
    assert response.status_code == 422 and not _meetings(app)


def test_double_booking_is_refused(app, scene):
    buyer, seller = signed_in(app, scene.buyer), signed_in(app, scene.seller)
    assert _ask(buyer, scene, at="09:00").status_code == 302
    # The buyer cannot hold two slots that overlap, with whichever exhibitor.
    response = _ask(buyer, scene, scene.other_exhibitor, at="09:15")
    assert response.status_code == 409 and "09:00" in text_of(response)
    assert _ask(buyer, scene, scene.other_exhibitor, at="09:30").status_code == 302
    # Two buyers may ask the exhibitor for the same slot; once one is accepted the other collides.
    outsider = signed_in(app, scene.outsider)
    assert _ask(outsider, scene, at="09:10").status_code == 302
    first, _other, second = _meetings(app)
    assert _step(seller, scene, first.id, "accept", "requested").status_code == 302
    _step(seller, scene, second.id, "accept", "requested")
    assert _meetings(app)[2].status == "requested"
    # A new request at an accepted slot of the exhibitor is refused too, and so is a proposal there.
    with app_session(app):
        third = make_user("buyer", make_org("trader", name="Thương lái Ba"))
    response = _ask(signed_in(app, third), scene, at="09:20")
    assert response.status_code == 409 and "Hãy chọn giờ khác" in text_of(response)
    _step(seller, scene, second.id, "propose", "requested", day=typed_day(scene), time="09:05")
    assert _meetings(app)[2].status == "requested"
    _step(seller, scene, second.id, "propose", "requested", day=typed_day(scene), time="10:00")
    assert _meetings(app)[2].status == "proposed"


def test_a_step_on_a_meeting_that_changed_is_refused(app, scene):
    buyer, seller = signed_in(app, scene.buyer), signed_in(app, scene.seller)
    _ask(buyer, scene)
    [meeting] = _meetings(app)
    _step(buyer, scene, meeting.id, "cancel", "requested")
    response = _step(seller, scene, meeting.id, "accept", "requested")  # the page seen before the cancel
    assert response.status_code == 302
    assert _meetings(app)[0].status == "cancelled"
    assert not _notices(app, scene.buyer, "accepted")


def test_a_slot_in_the_past_is_refused(app):
    with app_session(app):
        scene = make_scene(starts_in=-1, days=3)
    response = _ask(signed_in(app, scene.buyer), scene, day=typed_day(scene, 0), at="00:05")
    assert response.status_code == 422 and "Thời điểm này đã qua." in text_of(response)


def test_notice_words_in_both_languages(app, scene):
    _ask(signed_in(app, scene.buyer), scene, at="08:45")
    with app.test_request_context("/?lang=en"):
        [notice] = _notices(app, scene.seller, "requested")
        with force_locale("en"):
            english = describe(notice.kind, notice.params)
        with force_locale("vi"):
            vietnamese = describe(notice.kind, notice.params)
    assert "Siêu thị Xanh Sa Đéc asks to meet you" in english and "08:45" in english
    assert "Siêu thị Xanh Sa Đéc" in vietnamese and "08:45" in vietnamese and vietnamese != english


def test_the_schedule_in_english_with_no_id_twice(app, scene):
    _ask(signed_in(app, scene.buyer), scene, at="10:15")
    _ask(signed_in(app, scene.outsider), scene, at="11:00")
    response = signed_in(app, scene.seller, lang="en").get(f"/fairs/{scene.fair.slug}/meetings")
    page = text_of(response)
    assert "My meetings at" in page and "Asked, waiting for the exhibitor" in page and "Propose another time" in page
    assert "10:15" in page and "11:00" in page and page.index("10:15") < page.index("11:00")
    ids = re.findall(r'\bid="([^"]+)"', response.get_data(as_text=True))
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_a_buyer_on_the_daily_digest_reads_the_proposal_there(app, scene):
    with app_session(app) as session:
        session.get(User, scene.buyer.id).mail_notifications = "daily"
        session.commit()
    _ask(signed_in(app, scene.buyer), scene, at="08:00")
    [meeting] = _meetings(app)
    _step(signed_in(app, scene.seller), scene, meeting.id, "propose", "requested", day=typed_day(scene), time="16:30")
    with app_session(app) as session:
        assert not session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == scene.buyer.id)).all()
        assert delivery.send_digests(session, datetime.now(UTC) + timedelta(minutes=1), hour=0) >= 1
        [digest] = session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == scene.buyer.id,
                                                              OutgoingMail.kind == "digest")).all()
    assert "Hợp tác xã Xoài Mỹ Xương đề xuất gặp lúc 16:30" in digest.body
    assert f"/fairs/{scene.fair.slug}/meetings#meeting-{meeting.id}" in digest.body


def test_a_blocked_buyer_cannot_ask(app, scene):
    with app_session(app) as session:
        session.add(OrganizationBlock(blocker_org_id=scene.exhibitor.id, blocked_org_id=scene.buyer_org.id))
        session.commit()
    response = _ask(signed_in(app, scene.buyer), scene)
    assert response.status_code == 422 and "một trong hai bên đã chặn bên kia" in text_of(response)
    assert not _meetings(app)
