"""The board removes a member or changes the board: an organisation always keeps one board member,
and a removed member loses the organisation's pages, API and threads at once."""

from __future__ import annotations

from sqlalchemy import event, select

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Membership, Organization
from marketplace.members import services as members
from marketplace.members.models import Invitation
from marketplace.messaging.models import Conversation
from tests.clients import api_token, app_session, csrf_token, signed_in, text_of
from tests.factories import make_listing, make_org, make_user
from tests.integration.members.helpers import board_club, invite


def _membership_id(app, user_id, org_id):
    with app_session(app) as session:
        return session.scalar(select(Membership.id).where(Membership.user_id == user_id,
                                                          Membership.organization_id == org_id))


def test_a_removed_member_loses_pages_api_and_threads_at_once(app):
    with app_session(app) as session:
        club, chair = board_club()
        seller = make_user("seller", club, name="Anh Ba")
        listing = make_listing(club)
        buyer_org = make_org("supermarket")
        conversation = Conversation(buyer_org_id=buyer_org.id, seller_org_id=club.id, topic=f"listing:{listing.id}",
                                    subject="Xoài", listing_id=listing.id)
        session.add(conversation)
        session.commit()
        listing_id, conversation_id = listing.id, conversation.id
    token = api_token(app, seller)
    member = signed_in(app, seller)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    # Before: the member edits, reads the thread, and reads the members through the API.
    assert member.get(f"/listings/{listing_id}/edit").status_code == 200
    assert member.get(f"/orgs/{club.id}/edit").status_code == 200
    assert member.get(f"/inbox/{conversation_id}").status_code == 200
    assert api.get(f"/api/v1/orgs/{club.id}/members", headers=headers).status_code == 200
    board = signed_in(app, chair)
    removed = board.post(f"/orgs/{club.id}/members/{_membership_id(app, seller.id, club.id)}/remove",
                         data={"csrf_token": csrf_token(board)})
    assert removed.status_code == 302
    assert _membership_id(app, seller.id, club.id) is None
    # After, in the same browser and with the same token: refused.
    assert member.get(f"/listings/{listing_id}/edit").status_code in (403, 404)
    assert member.get(f"/orgs/{club.id}/edit").status_code in (403, 404)
    assert member.get(f"/inbox/{conversation_id}").status_code in (403, 404)
    assert member.post(f"/inbox/{conversation_id}/messages",
                       data={"csrf_token": csrf_token(member), "body": "Còn hàng"}).status_code in (403, 404)
    assert api.get(f"/api/v1/orgs/{club.id}/members", headers=headers).status_code == 403
    assert api.post("/api/v1/listings", headers=headers, json={"product": "xoài", "quantity": "5", "unit": "kg",
                                                               "available_from": "2030-01-01"}).status_code == 403


def test_the_last_board_member_cannot_be_removed_nor_leave_the_board(app):
    with app_session(app):
        club, chair = board_club()
    board = signed_in(app, chair)
    own = _membership_id(app, chair.id, club.id)
    refused = board.post(f"/orgs/{club.id}/members/{own}/remove", data={"csrf_token": csrf_token(board)},
                         follow_redirects=True)
    assert "ít nhất một người trong Ban chủ nhiệm" in text_of(refused)
    board.post(f"/orgs/{club.id}/members/{own}/board", data={"csrf_token": csrf_token(board), "board": "0"})
    with app_session(app) as session:
        assert session.scalar(select(Membership.board).where(Membership.id == own)) is True


def test_taking_someone_off_the_board_revokes_their_invitations_and_they_can_then_leave(app):
    with app_session(app) as session:
        club, chair = board_club()
        deputy = make_user(None, name="Phó chủ nhiệm")
        accounts.add_member(session, club, deputy, "seller", board=True)
        session.commit()
    deputy_client = signed_in(app, deputy)
    invite(deputy_client, club.id)
    board = signed_in(app, chair)
    deputy_membership = _membership_id(app, deputy.id, club.id)
    board.post(f"/orgs/{club.id}/members/{deputy_membership}/board", data={"csrf_token": csrf_token(board), "board": "0"})
    with app_session(app) as session:
        assert session.scalar(select(Membership.board).where(Membership.id == deputy_membership)) is False
        assert session.scalar(select(Invitation.revoked_at)) is not None
    assert deputy_client.get(f"/orgs/{club.id}/members").status_code == 403
    # Two on the board again: the chair may now take themselves off.
    board.post(f"/orgs/{club.id}/members/{deputy_membership}/board", data={"csrf_token": csrf_token(board), "board": "1"})
    own = _membership_id(app, chair.id, club.id)
    assert board.post(f"/orgs/{club.id}/members/{own}/remove", data={"csrf_token": csrf_token(board)}).status_code == 302
    assert _membership_id(app, chair.id, club.id) is None


def test_the_members_page_lists_members_invitations_and_households(app):
    with app_session(app):
        club, chair = board_club()
        make_user("seller", club, name="Anh Ba")
    board = signed_in(app, chair)
    invite(board, club.id, name="Chị Năm")
    page = text_of(board.get(f"/orgs/{club.id}/members"))
    assert "Anh Ba" in page and "Chú Tư chủ nhiệm" in page and "Chị Năm" in page and "Ban chủ nhiệm" in page
    assert "Chủ nhiệm" in page  # the title
    assert f'href="/orgs/{club.id}/members"' in board.get(f"/orgs/{club.id}").get_data(as_text=True)


def test_another_club_board_cannot_act_here(app):
    with app_session(app):
        club, chair = board_club()
        _other, other_chair = board_club("Hội quán khác")
    outsider = signed_in(app, other_chair)
    own = _membership_id(app, chair.id, club.id)
    assert outsider.get(f"/orgs/{club.id}/members").status_code == 403
    assert outsider.post(f"/orgs/{club.id}/members/{own}/remove", data={"csrf_token": csrf_token(outsider)}).status_code == 403
    other_membership = _membership_id(app, other_chair.id, _other.id)
    board = signed_in(app, chair)
    # A membership of another organisation named under this one: not found, nothing removed.
    assert board.post(f"/orgs/{club.id}/members/{other_membership}/remove",
                      data={"csrf_token": csrf_token(board)}).status_code == 404
    assert _membership_id(app, other_chair.id, _other.id) is not None


def _queries_for(app, client, url) -> int:
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.get_engine(app), "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.get_engine(app), "before_cursor_execute", count)
    return len(statements)


def test_the_members_page_asks_the_same_queries_for_two_members_or_eight(app):
    with app_session(app) as session:
        club, chair = board_club()
        make_user("seller", club)
        members.save_household(session, club, None, members.HouseholdInput(name="Hộ 1"), chair)
        session.commit()
    board = signed_in(app, chair)
    url = f"/orgs/{club.id}/members"
    board.get(url)
    few = _queries_for(app, board, url)
    with app_session(app) as session:
        for n in range(6):
            make_user("seller", session.get(Organization, club.id), name=f"Thành viên {n}")
            members.save_household(session, session.get(Organization, club.id), None,
                                   members.HouseholdInput(name=f"Hộ thêm {n}"), None)
        session.commit()
    assert _queries_for(app, board, url) == few
