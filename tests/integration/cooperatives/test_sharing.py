"""A cooperative's codes on its member clubs' listings: attached while a member (form, import),
refused for a club that is not; leaving takes them off and the search index follows; a code
suspended reaches every listing carrying it; lots harvested while a member or after."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace import db
from marketplace.cooperatives import membership, sharing
from marketplace.cooperatives.models import CooperativeMember
from marketplace.credentials import services as credentials
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.forms import as_typed_date
from marketplace.listings.models import Listing
from marketplace.matching import services as matching
from marketplace.members import services as members
from marketplace.members.models import Household
from marketplace.traceability import lineage
from marketplace.traceability import lots as lot_services
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_demand, make_org, make_planting_code, make_user
from tests.integration.cooperatives.test_membership import board_member


def coop_with_club(app, *, member=True):
    """A cooperative with a verified growing-area code for the US, and a club (a member when asked)."""
    today = today_in_vietnam()
    with app_session(app) as session:
        coop = make_org("cooperative", name="HTX Xoài Mỹ thử")
        club = make_org("club", name="Hội quán Xoài Mỹ Xương thử")
        chair = make_user("seller", club, name="Chủ nhiệm")
        code = make_planting_code(coop, "VN-DTOR-0901", status="active", markets="US",
                                  valid_until=today + timedelta(days=400))
        house = make_planting_code(coop, "VN-DTPH-0901", "packing_house", status="active", markets="US")
        if member:
            session.add(CooperativeMember(cooperative_id=coop.id, club_id=club.id, status="active",
                                          proposed_by_org_id=coop.id, answered_at=utcnow() - timedelta(days=60)))
            session.commit()
    return coop, club, chair, code, house


def listing_form(client, code_ids, **fields):
    today = today_in_vietnam()
    data = {"csrf_token": csrf_token(client), "product": "xoai", "variety": "cat Chu", "quantity": "2,5",
            "unit": "tấn", "price_vnd": "38k", "available_from": as_typed_date(today),
            "available_to": as_typed_date(today + timedelta(days=30)), "publish": "1",
            "planting_code_ids": [str(i) for i in code_ids]} | fields
    return client.post("/listings/new", data=data)


def codes_on(app, listing_id):
    with app_session(app) as session:
        return sorted(c.code for c in session.get(Listing, listing_id).planting_codes)


def test_member_club_attaches_the_cooperatives_code_on_the_form_and_the_page_says_whose(app):
    coop, club, chair, code, house = coop_with_club(app)
    client = signed_in(app, chair)
    form = text_of(client.get("/listings/new"))
    assert "VN-DTOR-0901 (mã của HTX Xoài Mỹ thử)" in form
    response = listing_form(client, [code.id, house.id])
    assert response.status_code == 302, text_of(response)
    listing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert codes_on(app, listing_id) == ["VN-DTOR-0901", "VN-DTPH-0901"]
    page = text_of(app.test_client().get(f"/listings/{listing_id}"))
    assert "mã của HTX Xoài Mỹ thử" in page


def test_a_club_that_is_not_a_member_is_refused(app):
    _coop, _club, chair, code, _house = coop_with_club(app, member=False)
    client = signed_in(app, chair)
    assert "VN-DTOR-0901" not in text_of(client.get("/listings/new"))
    response = listing_form(client, [code.id])  # a forged choice
    assert response.status_code == 422
    with app_session(app) as session:
        assert session.scalar(select(func.count(Listing.id))) == 0


def test_matching_reads_the_shared_code_as_valid_and_not_after_leaving(app):
    _coop, club, chair, code, house = coop_with_club(app)
    listing_id = int(listing_form(signed_in(app, chair), [code.id, house.id]).headers["Location"].rsplit("/", 1)[1])
    with app_session(app):
        exporter = make_org("exporter", name="Công ty xuất khẩu thử")
        demand = make_demand(exporter, "xoài", variety="cát Chu", quantity="2", unit="tấn",
                             needs_planting_code=True, export_market="US")

    def full_match() -> bool | None:
        with app_session(app) as session:
            found = {m.listing.id: m for m in matching.matches_for_demand(session, demand.id, today_in_vietnam())}
            return found[listing_id].full if listing_id in found else None

    assert full_match() is True
    with app_session(app) as session:
        row = session.scalar(select(CooperativeMember).where(CooperativeMember.club_id == club.id))
        club_now = session.get(type(club), club.id)
        membership.act(session, row, "leave", acting=club_now, user=board_member(club_now), reason="Tự bán riêng")
        session.commit()
    assert codes_on(app, listing_id) == []
    assert full_match() is not True


def test_leaving_detaches_and_the_search_index_agrees_after_the_worker(app):
    coop, club, chair, code, house = coop_with_club(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0  # this test's database only
    client = signed_in(app, chair)
    response = listing_form(client, [code.id, house.id])
    listing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    with app_session(app):
        leaver = board_member(db.session.get(type(club), club.id))
    row_id = db_row_id(app, club)
    leaver_client = signed_in(app, leaver)
    leaver_client.post(f"/orgs/{club.id}/cooperative-members/{row_id}", data={
        "csrf_token": csrf_token(leaver_client), "action": "leave", "reason": "Hội quán tự bán"})
    assert codes_on(app, listing_id) == []
    result = runner.invoke(args=["search", "check"])
    assert "pending" in result.output  # enqueued with the leaving, not yet applied
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0 and "index matches the database" in result.output, result.output
    # no longer a choice on the form; a forged one is refused
    assert "VN-DTOR-0901" not in text_of(client.get(f"/listings/{listing_id}/edit"))


def db_row_id(app, club):
    with app_session(app) as session:
        return session.scalar(select(CooperativeMember.id).where(CooperativeMember.club_id == club.id,
                                                                 CooperativeMember.status == "active"))


def test_a_suspended_cooperative_code_reaches_the_member_clubs_listings_in_the_index(app):
    coop, club, chair, code, _house = coop_with_club(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0  # this test's database only
    listing_form(signed_in(app, chair), [code.id])
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    with app_session(app) as session:
        staff = make_user("staff")
        credentials.change_status(session, session.get(type(code), code.id), "suspend", staff,
                                  reason="Kiểm tra lại vườn")
        session.commit()
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0 and "index matches the database" in result.output, result.output


def test_lots_harvested_while_a_member_trace_and_after_leaving_do_not(app):
    coop, club, chair, code, _house = coop_with_club(app)
    today = today_in_vietnam()
    with app_session(app) as session:
        club_now = session.get(type(club), club.id)
        during = lot_services.record_lot(session, club_now, lot_services.LotInput(
            product="xoài", variety="cát Chu", quantity="500", unit="kg", growing_area_code="vn dtor 0901",
            harvested_on=as_typed_date(today - timedelta(days=10))), None, today=today)
        session.commit()
        during_code = during.code
        assert lineage.check_origin(session, during).reason == "ok"
        row = session.scalar(select(CooperativeMember).where(CooperativeMember.club_id == club.id))
        row.status, row.ended_at = "ended", utcnow() - timedelta(days=5)
        session.commit()
        # harvested after the club left: the cooperative's code does not count, nor can it be typed
        after = lot_services.Lot(code="LOT-SAU-1", organization_id=club.id, product_id=during.product_id,
                                 quantity=100, unit="kg", growing_area_id=code.id,
                                 harvested_on=today - timedelta(days=2))
        session.add(after)
        session.commit()
        assert lineage.check_origin(session, after).reason == "not_member"
        assert lineage.check_origin(session, session.get(type(during), during.id)).reason == "ok"
        assert sharing.member_on(session, club.id, coop.id, today - timedelta(days=10))
        assert not sharing.member_on(session, club.id, coop.id, today - timedelta(days=2))
    page = text_of(app.test_client().get(f"/t/{during_code}"))
    assert "mã của HTX Xoài Mỹ thử" in page and "Còn hiệu lực vào ngày thu hoạch" in page
    late = text_of(app.test_client().get("/t/LOT-SAU-1"))
    assert "ngày đó Hội quán chưa (hoặc không còn) là thành viên" in late
    assert "Truy xuất được đến mọi vườn" not in late


def test_leaving_takes_the_cooperatives_codes_off_the_clubs_households_too(app):
    coop, club, _chair, code, _house = coop_with_club(app)
    with app_session(app) as session:
        club_now = session.get(type(club), club.id)
        own = make_planting_code(club_now, "VN-DTOR-0902", status="active")
        household = members.save_household(session, club_now, None, members.HouseholdInput(
            name="Hộ ông Năm", planting_code_ids=(code.id, own.id)), board_member(club_now))
        session.commit()
        household_id = household.id
        row = session.scalar(select(CooperativeMember).where(CooperativeMember.club_id == club.id))
        membership.act(session, row, "leave", acting=club_now, user=board_member(club_now), reason="Tự bán riêng")
        session.commit()
    with app_session(app) as session:
        assert [c.code for c in session.get(Household, household_id).planting_codes] == ["VN-DTOR-0902"]
