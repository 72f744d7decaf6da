"""/staff/targets and /staff/targets/<key>: staff only, the figures of reports.compute with the
records behind them, the unit and period as chosen (or the defaults, with a message), English."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from marketplace.credentials.models import Certificate
from marketplace.dates import today_in_vietnam
from marketplace.reports.periods import default_period
from tests.clients import app_session, signed_in, text_of
from tests.factories import make_org, make_user


def _world(app):
    with app_session(app) as session:
        staff = make_user("staff")
        chair = make_user("seller")
        buyer = make_user("buyer")
        club = make_org("club", name="Hội quán Trang Thử", commune_code="30076")
        coop = make_org("cooperative", name="HTX Trang Thử", commune_code="30076")
        coop.founded_from_id, coop.founded_on = club.id, today_in_vietnam() - timedelta(days=30)
        today = today_in_vietnam()
        session.add(Certificate(organization_id=club.id, type="ocop", number="PAGE-OCOP-1", stars=4, status="active",
                                product_text="mứt xoài", expires_on=today + timedelta(days=60)))
        session.add(Certificate(organization_id=coop.id, type="ocop", number="PAGE-OCOP-2", stars=3,
                                status="active", product_text="xoài sấy", expires_on=today + timedelta(days=600)))
        session.commit()
        return staff, chair, buyer, club, coop


def test_only_staff_open_the_dashboard(app):
    staff, chair, buyer, _club, _coop = _world(app)
    anonymous = app.test_client()
    assert anonymous.get("/staff/targets").status_code == 302  # to the sign-in page
    for user in (chair, buyer):
        client = signed_in(app, user)
        assert client.get("/staff/targets").status_code == 403
        assert client.get("/staff/targets/ocop_products").status_code == 403
    assert signed_in(app, staff).get("/staff/targets").status_code == 200


def test_the_dashboard_shows_each_target_against_its_goal(app):
    staff, *_rest, coop = _world(app)
    client = signed_in(app, staff)
    page = text_of(client.get("/staff/targets"))
    period = default_period(today_in_vietnam())
    assert f'value="{period.key}" selected' in page  # the report due next once its period has begun, by default
    cooperatives = page[page.index('data-testid="target-cooperatives_from_clubs"'):]
    assert re.search(r'data-testid="actual">1</strong>\s*trên 1', cooperatives)
    assert "✓ đạt" in cooperatives[:800]
    codes = page[page.index('data-testid="target-growing_area_codes"'):]
    assert re.search(r'data-testid="actual">0</strong>\s*trên 8', codes) and "✗ chưa đạt" in codes[:800]
    assert 'data-testid="targets-by-commune"' in page and "Xã Mỹ Thọ" in page
    assert 'class="table-wrap"' in page
    assert "3 sao: 1 · 4 sao: 1 · 5 sao: 0 · sắp hết hạn trong 6 tháng: 1" in page
    assert client.get("/staff").status_code == 200
    assert 'href="/staff/targets"' in text_of(client.get("/staff"))


def test_a_commune_and_a_period_chosen_and_what_cannot_be_read(app):
    staff, *_rest = _world(app)
    client = signed_in(app, staff)
    year = today_in_vietnam().year
    page = text_of(client.get(f"/staff/targets?unit=30244&period={year}"))
    assert 'value="30244" selected' in page and f'value="{year}" selected' in page
    assert re.search(r'data-testid="target-cooperatives_from_clubs".*?data-testid="actual">0<', page, re.S)
    odd = client.get("/staff/targets?unit=99999&period=nam+ngoai")
    assert odd.status_code == 200
    text = text_of(odd)
    assert "99999" in text and "nam ngoai" in text and 'value="82" selected' in text
    assert client.get("/staff/targets?unit=%C2%B2").status_code == 200  # "²" is not a code
    older = text_of(client.get("/staff/targets?period=h2/2020"))
    assert 'value="2020-H2" selected' in older and "6 tháng cuối năm 2020" in older


def test_the_records_behind_a_number(app):
    staff, _chair, _buyer, club, coop = _world(app)
    client = signed_in(app, staff)
    page = text_of(client.get("/staff/targets/ocop_products?unit=82"))
    with app_session(app) as session:
        soon = session.scalar(select(Certificate.id).where(Certificate.number == "PAGE-OCOP-1"))
        later = session.scalar(select(Certificate.id).where(Certificate.number == "PAGE-OCOP-2"))
    first = page[page.index(f'data-testid="record-certificate-{soon}"'):]
    assert f'href="/orgs/{club.id}/credentials/certificate/{soon}"' in first[:400]
    assert 'data-testid="expiring"' in first[:1000]
    second = page[page.index(f'data-testid="record-certificate-{later}"'):]
    assert 'data-testid="expiring"' not in second[:second.find("</li>")]
    coops = text_of(client.get("/staff/targets/cooperatives_from_clubs"))
    assert f'href="/orgs/{coop.id}"' in coops and "từ Hội quán Trang Thử" in coops
    assert client.get("/staff/targets/nothing").status_code == 404
    assert client.get(f"/orgs/{club.id}/credentials/certificate/{soon}").status_code == 200


def test_in_english(app):
    staff, *_rest = _world(app)
    client = signed_in(app, staff, lang="en")
    page = text_of(client.get("/staff/targets"))
    assert "The plan's targets" in page and "Cooperatives founded from clubs" in page
    assert re.search(r'data-testid="actual">1</strong>\s*of 1', page) and "✓ met" in page
    assert "the report due next" in page
    records = text_of(client.get("/staff/targets/ocop_products"))
    assert "Expires within 6 months" in records and "Back to the targets" in records
