"""The demo's dashboard reads the issue's story: 2 cooperatives founded from clubs, 11 of 8
growing-area codes, 1 chain 100 % traceable, 3 tourism clubs, 14 OCOP products (2 expiring within
6 months); loading the demo twice adds nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.chains import services as chain_services
from marketplace.chains.models import ChainParty
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.dates import today_in_vietnam
from marketplace.demo import demo_email, load_demo
from marketplace.reports.compute import report_figures
from marketplace.reports.periods import next_due
from marketplace.reports.units import read_unit
from tests.clients import app_session, signed_in, text_of


def test_the_demo_dashboard_tells_the_story(app):
    with app_session(app) as session:
        first = load_demo(session, "demo-password-123")
        session.commit()
        again = load_demo(session, "demo-password-123")
        session.commit()
        assert (first["target_codes"], first["target_ocop"], first["target_visits"]) == (10, 12, 1)
        assert (again["target_codes"], again["target_ocop"], again["target_visits"]) == (0, 0, 0)
        today = today_in_vietnam()
        _due, period = next_due(today)
        figures = report_figures(session, read_unit(session, "82"), period, today)
        got = {t.key: t.actual for t in figures.targets}
        assert got == {"cooperatives_from_clubs": 2, "growing_area_codes": 11, "traceable_chains": 1,
                       "tourism_clubs": 3, "ocop_products": 14}
        ocop = figures.target("ocop_products")
        assert ocop.detail == {"3": 9, "4": 4, "5": 1, "expiring": 2}
        assert [r.note for r in figures.target("traceable_chains").records] == ["100 % truy xuất"]
        assert chain_services.count_with_codes_and_traceability(session, today=today) == 1
        chain = figures.target("traceable_chains")
        parties = set(session.scalars(select(Organization.commune_code).join(
            ChainParty, ChainParty.org_id == Organization.id).where(ChainParty.chain_id == chain.records[0].id)))
        assert chain.by_commune == dict.fromkeys(sorted(parties), 1)
        codes = figures.target("growing_area_codes")
        assert codes.by_commune == {"30076": 1, "30235": 6, "30244": 4}
        # Independently: the demo's active OCOP ratings of 3 stars or more, and its codes.
        assert session.scalar(select(func.count(Certificate.id)).where(
            Certificate.type == "ocop", Certificate.status == "active", Certificate.stars >= 3,
            (Certificate.expires_on.is_(None)) | (Certificate.expires_on >= today))) == 14
        assert session.scalar(select(func.count(Certificate.id)).where(
            Certificate.type == "ocop", Certificate.expires_on.between(today, today + timedelta(days=181)))) == 2
        assert session.scalar(select(func.count(PlantingCode.id)).where(
            PlantingCode.kind == "growing_area", PlantingCode.status == "active")) == 12  # the HTX's own too
        staff = session.scalar(select(User).where(User.email == demo_email("canbo.xttm")))
    page = text_of(signed_in(app, staff, password="demo-password-123").get("/staff/targets"))
    assert re.search(r'data-testid="actual">11</strong>\s*trên 8', page)
    assert re.search(r'data-testid="actual">14</strong>', page) and "sắp hết hạn trong 6 tháng: 2" in page
