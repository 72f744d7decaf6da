"""A chair invites by phone or e-mail; the person joins by the link or by the code, once, within
seven days, unless the invitation was withdrawn or its sender has left the board."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Membership
from marketplace.db import utcnow
from marketplace.members.models import Invitation
from marketplace.notifications import delivery
from marketplace.notifications.models import OutgoingMail
from tests.clients import app_session, csrf_token, post, signed_in, text_of
from tests.factories import make_org, make_user
from tests.integration.members.helpers import board_club, invite


def _members(app, org_id):
    with app_session(app) as session:
        return {(m.user_id, m.role, m.board, m.title) for m in session.scalars(
            select(Membership).where(Membership.organization_id == org_id))}


def _accept(client):
    return client.post("/join/accept", data={"csrf_token": csrf_token(client)})


def test_invite_by_phone_then_join_by_link(app):
    with app_session(app):
        club, chair = board_club()
        person = make_user(None, phone="0912345678", name="Anh Ba")
    board = signed_in(app, chair)
    response, link, code = invite(board, club.id, contact="+84 912 345 678")
    assert response.status_code == 200 and link and code
    page = text_of(response)
    assert "Zalo" in page and code in page and "Chú Tư chủ nhiệm" in page  # the message names who invites
    with app_session(app) as session:
        invitation = session.scalar(select(Invitation))
        assert invitation.phone == "0912345678" and invitation.code_hash != code and code not in invitation.token_hash
    visitor = app.test_client()
    opened = visitor.get(link, follow_redirects=True)
    assert club.name in text_of(opened) and "/login?next=" in text_of(opened)
    member = signed_in(app, person)
    assert member.get(link, follow_redirects=True).status_code == 200
    assert _accept(member).status_code == 302
    assert (person.id, "seller", False, "Thành viên") in _members(app, club.id)
    # Works once: a second tap, or anyone else with the link, is told it was used.
    again = member.get(link, follow_redirects=True)
    assert "đã được dùng" in text_of(again) or "đã là thành viên" in text_of(again)
    other = signed_in(app, _other_user(app))
    other.get(link)
    assert _accept(other).status_code == 302
    assert len(_members(app, club.id)) == 2


def _other_user(app):
    with app_session(app):
        return make_user(None, name="Người khác")


def test_invite_by_email_mails_it_and_join_by_code_as_board(app, outbox):
    with app_session(app):
        club, chair = board_club()
        person = make_user(None, email="chi.nam@example.test", name="Chị Năm")
    board = signed_in(app, chair)
    response, _link, code = invite(board, club.id, contact=" Chi.Nam@Example.test ", role="board", title="Phó chủ nhiệm")
    assert "e-mail" in text_of(response).lower() and "Gửi tin nhắn này" not in text_of(response)
    with app_session(app) as session:
        mail = session.scalar(select(OutgoingMail).where(OutgoingMail.to == "chi.nam@example.test"))
        assert mail is not None and code in mail.body and "/join" in mail.body
        delivery.deliver_due(session, commit=session.commit)  # the worker's mail step
    assert [m.to for m in outbox] == ["chi.nam@example.test"] and code in outbox[0].body
    with app_session(app) as session:  # sent: the link and code are no longer kept in the clear
        assert session.get(OutgoingMail, mail.id).body == ""
    member = signed_in(app, person)
    joined = member.post("/join", data={"csrf_token": csrf_token(member), "contact": "chi.nam@example.test",
                                        "code": code[:3] + " " + code[3:]})
    assert joined.status_code == 302 and joined.headers["Location"].endswith("/join/invitation")
    assert _accept(member).status_code == 302
    assert (person.id, "seller", True, "Phó chủ nhiệm") in _members(app, club.id)


def test_a_mailed_invitation_revoked_before_the_worker_runs_is_never_sent(app, outbox):
    with app_session(app):
        club, chair = board_club()
    board = signed_in(app, chair)
    invite(board, club.id, contact="chi.nam@example.test")
    with app_session(app) as session:
        invitation = session.scalar(select(Invitation))
        invitation_id, mail_id = invitation.id, invitation.mail_id
    post(board, f"/orgs/{club.id}/members/invitations/{invitation_id}/revoke")
    with app_session(app) as session:
        delivery.deliver_due(session, commit=session.commit)
        mail = session.get(OutgoingMail, mail_id)
        assert mail.sent_at is None and mail.failed_at is not None and mail.body == ""
    assert outbox == []


def test_wrong_code_five_times_stops_the_code(app):
    with app_session(app):
        club, chair = board_club()
    board = signed_in(app, chair)
    _response, link, code = invite(board, club.id, contact="0912 345 678")
    visitor = app.test_client()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = visitor.post("/join", data={"csrf_token": csrf_token(visitor), "contact": "84912345678",
                                               "code": wrong})
        assert response.status_code == 422
    response = visitor.post("/join", data={"csrf_token": csrf_token(visitor), "contact": "0912345678", "code": code})
    assert response.status_code == 422  # the right code no longer works
    with app_session(app) as session:
        assert session.scalar(select(Invitation.code_attempts)) == 5
    assert visitor.get(link).headers["Location"].endswith("/join/invitation")  # the link still does


def test_expired_and_revoked_invitations_are_refused_in_vietnamese(app):
    with app_session(app):
        club, chair = board_club()
        person = make_user(None)
    board = signed_in(app, chair)
    _r, expired_link, _c = invite(board, club.id, contact="0912 345 678")
    _r, revoked_link, _c = invite(board, club.id, contact="0987 654 321")
    with app_session(app) as session:
        first, second = session.scalars(select(Invitation).order_by(Invitation.id)).all()
        first.expires_at = utcnow() - timedelta(minutes=1)
        session.commit()
        second_id = second.id
    assert board.post(f"/orgs/{club.id}/members/invitations/{second_id}/revoke",
                      data={"csrf_token": csrf_token(board)}).status_code == 302
    member = signed_in(app, person)
    assert "đã hết hạn. Bạn hãy xin Hội quán Xoài thử" in text_of(member.get(expired_link, follow_redirects=True))
    _accept(member)
    member.get(revoked_link)
    assert "đã bị Hội quán Xoài thử rút lại" in text_of(member.get("/join/invitation"))
    _accept(member)
    assert len(_members(app, club.id)) == 1


def test_a_cooperatives_withdrawn_invitation_names_the_cooperative_not_a_club(app):
    with app_session(app):
        coop = make_org("cooperative", name="HTX Xoài thử")
        director = make_user(None, name="Giám đốc HTX")
        accounts.add_member(db.session, coop, director, "seller", "Giám đốc", board=True)
        db.session.commit()
        person = make_user(None)
    board = signed_in(app, director)
    _r, link, _c = invite(board, coop.id, contact="0987 654 321")
    with app_session(app) as session:
        invitation_id = session.scalar(select(Invitation.id))
    post(board, f"/orgs/{coop.id}/members/invitations/{invitation_id}/revoke")
    member = signed_in(app, person)
    member.get(link)
    page = text_of(member.get("/join/invitation"))
    assert "đã bị HTX Xoài thử rút lại" in page and "Hội quán" not in page.split("rút lại")[0][-60:]


def test_an_invitation_from_someone_no_longer_on_the_board_is_refused(app):
    with app_session(app) as session:
        club, chair = board_club()
        deputy = make_user(None, name="Phó chủ nhiệm")
        from marketplace.accounts import services as accounts
        accounts.add_member(session, club, deputy, "seller", board=True)
        session.commit()
        person = make_user(None)
    deputy_client = signed_in(app, deputy)
    _r, link, _c = invite(deputy_client, club.id)
    with app_session(app) as session:
        membership = session.scalar(select(Membership).where(Membership.user_id == deputy.id))
        membership.board = False  # taken off directly: the invitation stays open, the check still refuses
        session.commit()
    member = signed_in(app, person)
    member.get(link)
    assert _accept(member).status_code == 302
    assert "không còn trong Ban" in text_of(member.get("/join/invitation"))
    assert len(_members(app, club.id)) == 2


def test_someone_already_a_member_is_told_so(app):
    with app_session(app):
        club, chair = board_club()
    board = signed_in(app, chair)
    _r, link, _c = invite(board, club.id)
    board.get(link)
    assert "đã là thành viên" in text_of(board.get("/join/invitation"))
    _accept(board)
    assert len(_members(app, club.id)) == 1


def test_bad_input_is_kept_and_said_in_vietnamese(app):
    with app_session(app):
        club, chair = board_club()
    board = signed_in(app, chair)
    response, link, _c = invite(board, club.id, contact="12345", name="")
    assert response.status_code == 422 and link is None and 'value="12345"' in response.get_data(as_text=True)
    with app_session(app) as session:
        assert session.scalar(select(func.count(Invitation.id))) == 0


def test_only_the_board_invites(app):
    with app_session(app):
        club, _chair = board_club()
        seller = make_user("seller", club)
    client = signed_in(app, seller)
    assert client.get(f"/orgs/{club.id}/members").status_code == 403
    assert invite(client, club.id)[0].status_code == 403


def test_a_newcomer_registers_signs_in_and_comes_back_to_accept(app):
    with app_session(app):
        club, chair = board_club()
    board = signed_in(app, chair)
    _r, link, _c = invite(board, club.id, contact="0912 345 678")
    newcomer = app.test_client()
    page = text_of(newcomer.get(link, follow_redirects=True))
    assert "/register?next=/join/invitation" in page
    registered = newcomer.post("/register?next=/join/invitation", data={
        "csrf_token": csrf_token(newcomer), "name": "Anh Ba", "phone": "0912 345 678", "email": "",
        "password": "xoai-cat-chu-2026", "password_again": "xoai-cat-chu-2026"})
    assert registered.status_code == 302 and "next=/join/invitation" in registered.headers["Location"]
    signed = newcomer.post("/login", data={"csrf_token": csrf_token(newcomer), "identifier": "0912345678",
                                           "password": "xoai-cat-chu-2026", "next": "/join/invitation"})
    assert signed.headers["Location"].endswith("/join/invitation")
    assert "Đồng ý tham gia" in text_of(newcomer.get("/join/invitation"))
    assert _accept(newcomer).status_code == 302
    with app_session(app) as session:
        joined = session.scalar(select(Membership).where(Membership.organization_id == club.id,
                                                         Membership.user_id != chair.id))
        assert joined.user.phone == "0912345678" and joined.role == "seller"


def test_an_unsafe_next_after_sign_up_is_ignored(app):
    client = app.test_client()
    response = client.post("/register?next=//evil.example/", data={
        "csrf_token": csrf_token(client), "name": "Anh Ba", "phone": "0987 111 222",
        "password": "xoai-cat-chu-2026", "password_again": "xoai-cat-chu-2026"})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_the_link_and_code_are_shown_once_and_a_reload_invites_nobody_again(app):
    with app_session(app):
        club, chair = board_club()
    board = signed_in(app, chair)
    _response, link, code = invite(board, club.id)
    assert link and code
    again = board.get(f"/orgs/{club.id}/members").get_data(as_text=True)
    assert code not in again and 'id="invite-link"' not in again
    with app_session(app) as session:
        assert session.scalar(select(func.count(Invitation.id))) == 1
