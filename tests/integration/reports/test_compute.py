"""reports.compute.report_figures against the database: each figure, and each by-commune split,
equals a count made here straight from the tables (SQL written in the test, not compute's helpers);
period edges in Việt Nam days; a commune unit against the province."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Organization
from marketplace.activity.models import ClubActivity, ClubConcern
from marketplace.cooperatives.models import CooperativeMember
from marketplace.credentials.models import Certificate, CredentialEvent, PlantingCode
from marketplace.dates import VIETNAM, today_in_vietnam
from marketplace.demand.models import DemandPost
from marketplace.fairs.models import BoothApplication, BoothKind, Fair, FairMeeting
from marketplace.listings.models import Listing
from marketplace.matching.models import MatchState
from marketplace.messaging.models import ContactEvent, Conversation
from marketplace.orders.models import Order
from marketplace.places.models import Commune
from marketplace.products.models import Product
from marketplace.reports.compute import report_figures
from marketplace.reports.periods import period_of
from marketplace.reports.units import read_unit
from marketplace.tourism.models import TourismOffer

A, B, OUTSIDE = "30076", "30244", "00004"  # Mỹ Thọ and Phú Hựu (Đồng Tháp); Ba Đình (Hà Nội)


def _org(session, kind, name, commune, **fields) -> Organization:
    org = Organization(ref=f"t-{name}", kind=kind, name=name, commune_code=commune, **fields)
    session.add(org)
    session.flush()
    return org


def _utc(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment given in Việt Nam time, as stored (UTC)."""
    return datetime.combine(day, time(hour, minute), VIETNAM).astimezone(UTC)


def _code(session, org, code, *, status="active", kind="growing_area", until=None, issued=None, product=None):
    row = PlantingCode(organization_id=org.id, code=code, kind=kind, status=status, valid_until=until,
                       issued_on=issued, product_id=product)
    session.add(row)
    session.flush()
    return row


def _ocop(session, org, number, stars, *, status="active", expires=None, issued=None):
    row = Certificate(organization_id=org.id, type="ocop", number=number, stars=stars, status=status,
                      expires_on=expires, issued_on=issued, product_text=f"sản phẩm {number}")
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def world(session):
    """Clubs and cooperatives in two communes of the province and one outside it."""
    today = today_in_vietnam()
    long_ago = today - timedelta(days=400)
    mango = session.scalar(select(Product.id).where(Product.slug == "xoai"))
    rice = session.scalar(select(Product.id).where(Product.category_code == "rice").limit(1))
    w = {"today": today}
    w["club_a"] = _org(session, "club", "HQ A", A)
    w["club_b"] = _org(session, "club", "HQ B", B)
    w["club_out"] = _org(session, "club", "HQ ngoài tỉnh", OUTSIDE)
    w["club_gone"] = _org(session, "club", "HQ đã rời", B)
    w["club_rice"] = _org(session, "club", "HQ lúa", B)
    buyer = _org(session, "business", "Công ty", A)
    w["buyer"] = buyer
    # A fruit cooperative founded from club A (counts), one from the rice club not founded yet by
    # today (does not), one "founded from" a business (not a club: does not).
    w["coop_fruit"] = _org(session, "cooperative", "HTX trái cây", A, founded_on=long_ago,
                           founded_from_id=w["club_a"].id)
    w["coop_rice"] = _org(session, "cooperative", "HTX lúa", B, founded_on=today + timedelta(days=10),
                          founded_from_id=w["club_rice"].id)
    _org(session, "cooperative", "HTX từ công ty", B, founded_on=long_ago, founded_from_id=buyer.id)
    _code(session, w["coop_fruit"], "VN-TEST-F1", product=mango, until=today + timedelta(days=900))
    _code(session, w["coop_rice"], "VN-TEST-R1", product=rice)
    answered = datetime.combine(long_ago, time(), UTC)
    for club, status, ended in ((w["club_b"], "active", None), (w["club_out"], "active", None),
                                (w["club_gone"], "ended", answered + timedelta(days=10))):
        session.add(CooperativeMember(cooperative_id=w["coop_fruit"].id, club_id=club.id, status=status,
                                      proposed_by_org_id=w["coop_fruit"].id, answered_at=answered, ended_at=ended))
    session.add(CooperativeMember(cooperative_id=w["coop_rice"].id, club_id=w["club_rice"].id, status="active",
                                  proposed_by_org_id=w["coop_rice"].id, answered_at=answered))
    # Growing-area codes: counted ones, and each reason not to count.
    later = today + timedelta(days=700)
    _code(session, w["club_a"], "VN-TEST-A1", until=later)
    _code(session, w["club_a"], "VN-TEST-A2", until=None)
    _code(session, w["club_a"], "VN-TEST-A3", until=today - timedelta(days=1))  # expired
    _code(session, w["club_a"], "VN-TEST-A4", kind="packing_house", until=later)
    _code(session, w["club_b"], "VN-TEST-B1", until=later)
    _code(session, w["club_b"], "VN-TEST-B2", status="pending", until=later)
    _code(session, w["club_b"], "VN-TEST-B3", status="suspended", until=later)
    _code(session, w["club_out"], "VN-TEST-O1", until=later)  # outside the province
    _code(session, w["club_gone"], "VN-TEST-G1", until=later)  # left the cooperative
    _code(session, w["club_rice"], "VN-TEST-L1", until=later)  # a rice cooperative's club
    # Tourism: published offers of clubs count; a draft, a cooperative's offer do not.
    for org, status in ((w["club_a"], "published"), (w["club_a"], "published"), (w["club_b"], "draft"),
                        (w["coop_fruit"], "published"), (w["club_out"], "published")):
        session.add(TourismOffer(organization_id=org.id, kind="orchard_visit", title=f"Tham vườn {org.name}",
                                 status=status))
    # OCOP ratings.
    _ocop(session, w["club_a"], "T-OCOP-1", 4, expires=today + timedelta(days=100))  # expiring
    _ocop(session, w["club_a"], "T-OCOP-2", 3, expires=today + timedelta(days=800))
    _ocop(session, w["coop_fruit"], "T-OCOP-3", 5, expires=today + timedelta(days=400))
    _ocop(session, w["club_b"], "T-OCOP-4", 3, expires=today + timedelta(days=180))  # expiring (6 months)
    _ocop(session, w["club_b"], "T-OCOP-5", 5, status="pending", expires=later)
    _ocop(session, w["club_b"], "T-OCOP-6", 2, expires=later)  # below 3 stars: not a rating
    _ocop(session, w["club_b"], "T-OCOP-7", 4, expires=today - timedelta(days=3))  # expired
    _ocop(session, buyer, "T-OCOP-8", 4, expires=later)  # a business, not a club or cooperative
    _ocop(session, w["club_out"], "T-OCOP-9", 4, expires=later)
    session.flush()
    return w


def _province_communes(session) -> list[str]:
    return list(session.scalars(select(Commune.code).where(Commune.province_code == "82")))


def _split(rows) -> dict[str, int]:
    return dict(Counter(rows))


def test_targets_equal_counts_made_from_the_tables(session, world):
    today = world["today"]
    period = period_of(today.year, None)
    province = report_figures(session, read_unit(session, "82"), period, today)
    communes = _province_communes(session)
    as_of = province.as_of

    clubs = select(Organization.id).where(Organization.kind == "club")
    coop_rows = session.scalars(select(Organization.commune_code).where(
        Organization.kind == "cooperative", Organization.founded_on <= as_of, Organization.founded_from_id.in_(clubs),
        Organization.commune_code.in_(communes))).all()
    target = province.target("cooperatives_from_clubs")
    assert (target.actual, target.by_commune) == (len(coop_rows), _split(coop_rows)) == (1, {A: 1})

    # Clubs tied to the fruit cooperative: founded it, or an active member on as_of.
    fruit = select(PlantingCode.organization_id).join(Product, Product.id == PlantingCode.product_id).where(
        Product.category_code == "fruit")
    fruit_coops = select(Organization.id).where(Organization.kind == "cooperative", Organization.id.in_(fruit))
    tied = set(session.scalars(select(Organization.founded_from_id).where(Organization.id.in_(fruit_coops))))
    tied |= set(session.scalars(select(CooperativeMember.club_id).where(
        CooperativeMember.cooperative_id.in_(fruit_coops), CooperativeMember.status == "active")))
    code_rows = session.scalars(
        select(Organization.commune_code).join(PlantingCode, PlantingCode.organization_id == Organization.id)
        .where(Organization.id.in_(tied), Organization.kind == "club", PlantingCode.kind == "growing_area",
               PlantingCode.status == "active",
               (PlantingCode.valid_until.is_(None)) | (PlantingCode.valid_until >= as_of),
               Organization.commune_code.in_(communes))).all()
    target = province.target("growing_area_codes")
    assert (target.actual, target.by_commune) == (len(code_rows), _split(code_rows)) == (3, {A: 2, B: 1})
    assert {r.label for r in target.records} == {"VN-TEST-A1", "VN-TEST-A2", "VN-TEST-B1"}
    assert not target.met and target.goal == 8

    tour_rows = session.scalars(
        select(Organization.commune_code).where(Organization.kind == "club", Organization.commune_code.in_(communes),
                                                Organization.id.in_(select(TourismOffer.organization_id).where(
                                                    TourismOffer.status == "published")))).all()
    target = province.target("tourism_clubs")
    assert (target.actual, target.by_commune) == (len(tour_rows), _split(tour_rows)) == (1, {A: 1})
    assert target.met

    holders = select(Organization.id).where(Organization.kind.in_(("club", "cooperative", "coop_group")),
                                            Organization.commune_code.in_(communes))
    ocop = session.execute(
        select(Organization.commune_code, Certificate.stars, Certificate.expires_on)
        .join(Certificate, Certificate.organization_id == Organization.id)
        .where(Certificate.type == "ocop", Certificate.status == "active", Certificate.stars >= 3,
               Certificate.organization_id.in_(holders),
               (Certificate.expires_on.is_(None)) | (Certificate.expires_on >= as_of))).all()
    target = province.target("ocop_products")
    assert (target.actual, target.by_commune) == (len(ocop), _split(r[0] for r in ocop)) == (4, {A: 3, B: 1})
    horizon = as_of + timedelta(days=181)  # six months are never shorter
    assert target.detail["expiring"] == sum(1 for r in ocop if r[2] <= horizon) == 2
    assert {k: target.detail[k] for k in ("3", "4", "5")} == {
        s: sum(1 for r in ocop if str(r[1]) == s) for s in ("3", "4", "5")} == {"3": 2, "4": 1, "5": 1}
    assert sorted(r.id for r in target.records if r.note.startswith("hết hạn")) == sorted(
        session.scalars(select(Certificate.id).where(Certificate.number.in_(("T-OCOP-1", "T-OCOP-4")))))


def test_a_commune_counts_only_its_own(session, world):
    today = world["today"]
    period = period_of(today.year, None)
    province = report_figures(session, read_unit(session, "82"), period, today)
    commune = report_figures(session, read_unit(session, B), period, today)
    assert commune.unit_name == "Xã Phú Hựu"
    for target in commune.targets:
        whole = province.target(target.key)
        assert target.actual == whole.by_commune.get(B, 0), target.key
        assert set(target.by_commune) <= {B}
        assert all(r.commune_code == B for r in target.records)
    assert commune.target("growing_area_codes").actual == 1
    assert commune.target("cooperatives_from_clubs").actual == 0


def test_a_code_suspended_after_the_day_counted_still_counts_that_day(session, world):
    today = world["today"]
    period = period_of(today.year - 1, None)  # last year: counted on its 31 December
    code = session.scalar(select(PlantingCode).where(PlantingCode.code == "VN-TEST-B1"))
    code.status = "suspended"
    session.add(CredentialEvent(planting_code_id=code.id, action="suspend", from_status="active",
                                to_status="suspended", reason="thử", created_at=datetime.now(UTC)))
    session.flush()
    figures = report_figures(session, read_unit(session, "82"), period, today)
    assert figures.as_of == date(today.year - 1, 12, 31)
    labels = {r.label for r in figures.target("growing_area_codes").records}
    assert "VN-TEST-B1" in labels
    now = report_figures(session, read_unit(session, "82"), period_of(today.year, None), today)
    assert "VN-TEST-B1" not in {r.label for r in now.target("growing_area_codes").records}


def test_a_cooperative_founded_after_the_day_counted_does_not_count_then(session, world):
    today = world["today"]
    world["coop_fruit"].founded_on = date(today.year, 1, 1)
    session.flush()
    last_year = report_figures(session, read_unit(session, "82"), period_of(today.year - 1, None), today)
    assert last_year.target("cooperatives_from_clubs").actual == 0


def _listing(session, org, moment):
    product = session.scalar(select(Product).where(Product.slug == "xoai"))
    day = moment.date()
    row = Listing(organization_id=org.id, product_id=product.id, quantity=1, unit="kg", quantity_available=1,
                  available_from=day, available_to=day, status="published", created_at=moment)
    session.add(row)
    return row


def test_activity_counts_vietnam_days_at_the_year_edge(session, world):
    year = world["today"].year - 1
    period = period_of(year, None)
    a, b, out, buyer = world["club_a"], world["club_b"], world["club_out"], world["buyer"]
    last_evening = _utc(date(year, 12, 31), 23, 30)  # 16:30 UTC: that year
    next_morning = _utc(date(year + 1, 1, 1), 0, 30)  # 17:30 UTC on 31 December: next year
    first_morning = _utc(date(year, 1, 1), 0, 15)  # 17:15 UTC on 31 December the year before: this year
    listings = [_listing(session, org, moment)
                for org, moment in ((a, last_evening), (a, next_morning), (b, first_morning), (out, last_evening))]
    session.flush()
    product = session.scalar(select(Product.id).where(Product.slug == "xoai"))
    posts = []
    for moment in (last_evening, next_morning):
        posts.append(DemandPost(organization_id=buyer.id, product_id=product, quantity=5, unit="tấn",
                                needed_from=moment.date(), needed_to=moment.date(), created_at=moment))
    session.add_all(posts)
    session.flush()
    # Full matches: first full at the year's last evening (counts, listing of A), next morning (does
    # not), never full (does not), full for a listing outside the province (does not).
    for post, listing, first_full in ((posts[0], listings[0], last_evening), (posts[0], listings[2], next_morning),
                                      (posts[1], listings[1], None), (posts[1], listings[3], last_evening)):
        session.add(MatchState(demand_id=post.id, listing_id=listing.id, full=first_full is not None,
                               first_full_at=first_full))
    for n, moment in enumerate((last_evening, first_morning, next_morning)):
        session.add(Conversation(buyer_org_id=buyer.id, seller_org_id=a.id, topic=f"t:{n}", subject="Xoài",
                                 created_at=moment))
    for status, amount, org, moment in (("completed", 1_000_000, a, last_evening), ("confirmed", 2_000_000, b, first_morning),
                                        ("requested", 4_000_000, a, last_evening), ("cancelled", 8_000_000, a, last_evening),
                                        ("paid", 16_000_000, a, next_morning), ("paid", 32_000_000, out, last_evening)):
        session.add(Order(buyer_org_id=buyer.id, seller_org_id=org.id, title="Xoài", quantity=1, unit="kg",
                          unit_price_vnd=amount, price_unit="kg", amount_vnd=amount, status=status, created_at=moment))
    session.flush()
    assert last_evening.astimezone(UTC).date() == date(year, 12, 31)
    assert next_morning.astimezone(UTC).date() == date(year, 12, 31)

    figures = report_figures(session, read_unit(session, "82"), period, world["today"])
    got = {a.key: (a.value, a.by_commune) for a in figures.activity}
    start = datetime(year - 1, 12, 31, 17, tzinfo=UTC)
    end = datetime(year, 12, 31, 17, tzinfo=UTC)
    communes = _province_communes(session)

    def counted(column, moment, org_column, *where):
        model = moment.class_
        rows = session.execute(select(Organization.commune_code, column).select_from(model)
                               .join(Organization, Organization.id == org_column)
                               .where(moment >= start, moment < end, Organization.commune_code.in_(communes), *where)
                               ).all()
        split: Counter[str] = Counter()
        for commune, value in rows:
            split[commune] += value
        return sum(split.values()), dict(split)

    assert got["listings"] == counted(1, Listing.created_at, Listing.organization_id) == (2, {A: 1, B: 1})
    assert got["requests"] == counted(1, DemandPost.created_at, DemandPost.organization_id) == (1, {A: 1})
    assert got["conversations"] == counted(1, Conversation.created_at, Conversation.seller_org_id) == (2, {A: 2})
    assert got["orders"] == counted(1, Order.created_at, Order.seller_org_id) == (4, {A: 3, B: 1})
    assert got["order_value_vnd"] == counted(
        Order.amount_vnd, Order.created_at, Order.seller_org_id,
        Order.status.in_(("confirmed", "paid", "delivered", "completed"))) == (3_000_000, {A: 1_000_000, B: 2_000_000})
    matched = session.scalars(
        select(Organization.commune_code).select_from(MatchState).join(Listing, Listing.id == MatchState.listing_id)
        .join(Organization, Organization.id == Listing.organization_id)
        .where(MatchState.first_full_at >= start, MatchState.first_full_at < end,
               Organization.commune_code.in_(communes))).all()
    assert got["matches"] == (len(matched), _split(matched)) == (1, {A: 1})
    assert got["fair_leads"] == (0, {})

    half = report_figures(session, read_unit(session, A), period_of(year, 2), world["today"])
    assert {a.key: a.value for a in half.activity}["listings"] == 1  # 23:30 on 31 December, Mỹ Thọ


def test_club_events_and_concerns_of_the_period(session, world):
    today = world["today"]
    year = today.year - 1
    period = period_of(year, 2)
    a, b = world["club_a"], world["club_b"]
    for org, held in ((a, date(year, 7, 1)), (b, date(year, 12, 31)), (a, date(year, 6, 30)),
                      (world["club_out"], date(year, 8, 1))):
        session.add(ClubActivity(organization_id=org.id, kind="meeting", held_on=held, topic=f"Họp {held}"))
    concerns = (
        (a, date(year, 8, 1), "open", None, None),  # raised in the period, unanswered past 30 days: overdue
        (b, date(year, 3, 1), "assigned", date(year + 5, 1, 1), None),  # older, still handled
        (b, date(year, 2, 1), "closed", None, date(year, 3, 1)),  # older, closed before the period
        (a, date(year, 5, 1), "closed", None, date(year, 9, 1)),  # older, closed during the period
        (a, date(year + 1, 1, 2), "open", None, None),  # after the period
    )
    for org, raised, status, due, answered in concerns:
        session.add(ClubConcern(organization_id=org.id, kind="difficulty", raised_on=raised, title=f"Khó {raised}",
                                status=status, due_on=due, answered_on=answered, handler="Phòng Nông nghiệp"))
    session.flush()
    figures = report_figures(session, read_unit(session, "82"), period, today)
    communes = _province_communes(session)
    held = session.scalars(select(ClubActivity.topic).join(Organization, Organization.id == ClubActivity.organization_id)
                           .where(ClubActivity.held_on.between(period.start, period.end),
                                  Organization.commune_code.in_(communes))).all()
    assert sorted(e.topic for e in figures.club_events) == sorted(held) == [f"Họp {date(year, 7, 1)}",
                                                                            f"Họp {date(year, 12, 31)}"]
    assert [(c.raised_on, c.overdue) for c in figures.concerns] == [
        (date(year, 3, 1), False), (date(year, 5, 1), False), (date(year, 8, 1), True)]
    assert session.scalar(select(func.count(ClubConcern.id))) == 5


def test_fairs_of_the_period_with_exhibitors_and_leads(session, world):
    year = world["today"].year - 1
    period = period_of(year, 2)
    a, b, out, buyer = world["club_a"], world["club_b"], world["club_out"], world["buyer"]
    fairs = {}
    for slug, starts, status in (("hoi-cho-7", date(year, 7, 1), "published"),
                                 ("hoi-cho-6", date(year, 6, 30), "published"),
                                 ("hoi-cho-huy", date(year, 9, 1), "cancelled")):
        fair = Fair(slug=slug, name=slug, starts_on=starts, ends_on=starts, status=status)
        session.add(fair)
        session.flush()
        kind = BoothKind(fair_id=fair.id, name="Gian", count=10)
        session.add(kind)
        session.flush()
        for org, state in ((a, "confirmed"), (b, "approved"), (out, "confirmed"), (world["club_gone"], "declined")):
            session.add(BoothApplication(fair_id=fair.id, booth_kind_id=kind.id, org_id=org.id, status=state))
        fairs[slug] = fair
    fair = fairs["hoi-cho-7"]
    at_fair = _utc(date(year, 7, 1), 10)
    for org, channel in ((a, "phone"), (a, "zalo"), (b, "phone"), (out, "zalo")):
        session.add(ContactEvent(channel=channel, from_org_id=buyer.id, to_org_id=org.id, fair_id=fair.id,
                                 created_at=at_fair))
    session.add(ContactEvent(channel="phone", from_org_id=buyer.id, to_org_id=a.id, fair_id=None, created_at=at_fair))
    # A tap from the fair's page after the period: a report of the period counts what had happened by its end.
    session.add(ContactEvent(channel="zalo", from_org_id=buyer.id, to_org_id=a.id, fair_id=fair.id,
                             created_at=_utc(date(year + 1, 1, 2), 10)))
    session.add(Conversation(buyer_org_id=buyer.id, seller_org_id=b.id, topic="fair:1", subject="Hội chợ",
                             fair_id=fair.id, created_at=at_fair))
    for org, state in ((a, "accepted"), (b, "declined"), (b, "requested")):
        session.add(FairMeeting(fair_id=fair.id, buyer_org_id=buyer.id, exhibitor_org_id=org.id, status=state,
                                starts_at=_utc(date(year, 7, 1), 9), created_at=at_fair))
    session.flush()
    figures = report_figures(session, read_unit(session, "82"), period, world["today"])
    assert [(f.name, f.exhibitors) for f in figures.fairs] == [("hoi-cho-7", 2)]
    communes = _province_communes(session)
    in_unit = select(Organization.id).where(Organization.commune_code.in_(communes))
    taps = session.scalars(select(ContactEvent.to_org_id).where(ContactEvent.fair_id == fair.id,
                                                                ContactEvent.to_org_id.in_(in_unit),
                                                                ContactEvent.created_at == at_fair)).all()
    threads = session.scalars(select(Conversation.seller_org_id).where(Conversation.fair_id == fair.id,
                                                                       Conversation.seller_org_id.in_(in_unit))).all()
    meetings = session.scalars(select(FairMeeting.exhibitor_org_id).where(
        FairMeeting.fair_id == fair.id, FairMeeting.exhibitor_org_id.in_(in_unit),
        FairMeeting.status.in_(("requested", "proposed", "accepted")))).all()
    leads = Counter(taps + threads + meetings)
    assert figures.fairs[0].leads == sum(leads.values()) == 6
    fair_leads = next(x for x in figures.activity if x.key == "fair_leads")
    assert (fair_leads.value, fair_leads.by_commune) == (6, {A: 3, B: 3})
    commune = report_figures(session, read_unit(session, B), period, world["today"])
    assert [(f.exhibitors, f.leads) for f in commune.fairs] == [(1, 3)]
