"""A cooperative's member clubs: either side's board proposes, the other answers; the proposer
withdraws; either side leaves with a reason; staff end it. One open row per pair."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.cooperatives.models import CooperativeMember
from marketplace.listings.models import Listing
from marketplace.notifications.models import Notification
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_org, make_user


def board_member(org, name="Ban chủ nhiệm"):
    user = make_user("seller", org, name=name)
    accounts.add_member(db.session, org, user, "seller", board=True)
    db.session.commit()
    return user


def pair(app, coop_name="HTX Xoài thử", club_name="Hội quán Xoài thử"):
    with app_session(app):
        coop = make_org("cooperative", name=coop_name)
        club = make_org("club", name=club_name)
        coop_board, club_board = board_member(coop, "Giám đốc HTX"), board_member(club, "Chủ nhiệm")
    return coop, club, coop_board, club_board


def propose(client, org_id, other_id):
    return client.post(f"/orgs/{org_id}/cooperative-members",
                       data={"csrf_token": csrf_token(client), "other_id": str(other_id)})


def act(client, org_id, row_id, action, reason=""):
    return client.post(f"/orgs/{org_id}/cooperative-members/{row_id}",
                       data={"csrf_token": csrf_token(client), "action": action, "reason": reason})


def rows(app, coop, club):
    with app_session(app) as session:
        return [(r.id, r.status) for r in session.scalars(select(CooperativeMember).where(
            CooperativeMember.cooperative_id == coop.id, CooperativeMember.club_id == club.id)
            .order_by(CooperativeMember.id))]


def notices(app, user, kind):
    with app_session(app) as session:
        return session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id,
                                                                        Notification.kind == kind))


def test_cooperative_proposes_club_accepts_pages_show_it_and_club_leaves(app):
    coop, club, coop_board, club_board = pair(app)
    coop_client, club_client = signed_in(app, coop_board), signed_in(app, club_board)
    assert coop_client.get(f"/orgs/{coop.id}/cooperative-members").status_code == 200
    assert propose(coop_client, coop.id, club.id).status_code == 302
    [(row_id, status)] = rows(app, coop, club)
    assert status == "proposed" and notices(app, club_board, "coop_member_proposed") == 1
    # a second proposal, from either side, while one waits: refused, nothing more stored
    propose(coop_client, coop.id, club.id)
    propose(club_client, club.id, coop.id)
    assert len(rows(app, coop, club)) == 1
    # the proposer cannot accept its own proposal
    act(coop_client, coop.id, row_id, "accept")
    assert rows(app, coop, club) == [(row_id, "proposed")]
    assert act(club_client, club.id, row_id, "accept").status_code == 302
    assert rows(app, coop, club) == [(row_id, "active")]
    assert notices(app, coop_board, "coop_member_accepted") == 1
    anyone = app.test_client()
    coop_page = text_of(anyone.get(f"/orgs/{coop.id}"))
    assert "Hội quán thành viên" in coop_page and "Hội quán Xoài thử" in coop_page
    club_page = text_of(anyone.get(f"/orgs/{club.id}"))
    assert "Thành viên của <a" in club_page and "Thành viên HTX" not in club_page
    # leaving needs a reason
    act(club_client, club.id, row_id, "leave", reason="   ")
    assert rows(app, coop, club) == [(row_id, "active")]
    act(club_client, club.id, row_id, "leave", reason="Hội quán   tự bán riêng")
    assert rows(app, coop, club) == [(row_id, "ended")]
    assert notices(app, coop_board, "coop_member_ended") == 1
    assert "Hội quán Xoài thử" not in text_of(anyone.get(f"/orgs/{coop.id}"))
    # a new proposal after the end is a new row; the old stays as history
    assert propose(club_client, club.id, coop.id).status_code == 302
    assert [s for _, s in rows(app, coop, club)] == ["ended", "proposed"]


def test_club_proposes_itself_cooperative_declines_proposer_withdraws(app):
    coop, club, coop_board, club_board = pair(app, "HTX Bưởi thử", "Hội quán Bưởi thử")
    coop_client, club_client = signed_in(app, coop_board), signed_in(app, club_board)
    propose(club_client, club.id, coop.id)
    [(first, _)] = rows(app, coop, club)
    assert notices(app, coop_board, "coop_member_proposed") == 1
    act(coop_client, coop.id, first, "decline", reason="chua du dieu kien")
    propose(club_client, club.id, coop.id)
    second = rows(app, coop, club)[-1][0]
    # the other side cannot withdraw; the proposer can
    act(coop_client, coop.id, second, "withdraw")
    assert rows(app, coop, club)[-1] == (second, "proposed")
    act(club_client, club.id, second, "withdraw")
    assert [s for _, s in rows(app, coop, club)] == ["declined", "declined"]


def test_staff_end_and_outsiders_refused(app):
    coop, club, coop_board, club_board = pair(app, "HTX Nhãn thử", "Hội quán Nhãn thử")
    with app_session(app):
        staff = make_user("staff")
        plain_seller = make_user("seller", club)  # a member, not on the board
        other_club = make_org("club", name="Hội quán khác thử")
        outsider = board_member(other_club)
    propose(signed_in(app, coop_board), coop.id, club.id)
    [(row_id, _)] = rows(app, coop, club)
    assert signed_in(app, plain_seller).get(f"/orgs/{club.id}/cooperative-members").status_code == 403
    assert act(signed_in(app, plain_seller), club.id, row_id, "accept").status_code == 403
    assert act(signed_in(app, outsider), other_club.id, row_id, "accept").status_code == 404
    act(signed_in(app, club_board), club.id, row_id, "accept")
    staff_client = signed_in(app, staff)
    assert staff_client.get(f"/orgs/{club.id}/cooperative-members").status_code == 200
    assert act(staff_client, club.id, row_id, "accept").status_code == 403  # staff only end
    act(staff_client, club.id, row_id, "end", reason="Hồ sơ không đúng")
    assert rows(app, coop, club) == [(row_id, "ended")]
    assert notices(app, coop_board, "coop_member_ended") == 1 and notices(app, club_board, "coop_member_ended") == 1


def test_demo_cooperative_has_member_clubs_and_a_listing_under_its_code(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent
    with app_session(app) as session:
        coop = session.scalar(select(Organization).where(Organization.ref == "demo-htx-xoai-my-xuong"))
        members = session.scalars(select(CooperativeMember).where(CooperativeMember.cooperative_id == coop.id)).all()
        assert sorted((m.club.ref, m.status) for m in members) == [
            ("demo-hq-nhan-phu-huu", "active"), ("demo-hq-xoai-my-xuong", "active")]
        listing = session.scalar(select(Listing).where(Listing.ref == "demo-l-xoai-cat-chu-htx"))
        assert listing.organization.ref == "demo-hq-xoai-my-xuong"
        assert {(c.code, c.organization_id) for c in listing.planting_codes} == {
            ("VN-DTOR-9001", coop.id), ("VN-DTPH-9001", coop.id)}
        assert "US" in listing.planting_codes[0].market_list
        coop_id, listing_id = coop.id, listing.id
    assert "Hội quán Xoài Mỹ Xương" in text_of(app.test_client().get(f"/orgs/{coop_id}"))
    assert "mã của HTX Xoài Mỹ Xương" in text_of(app.test_client().get(f"/listings/{listing_id}"))
