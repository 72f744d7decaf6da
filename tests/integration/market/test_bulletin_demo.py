"""The issue's story in the demo: the Mỹ Xương chair's bulletin says that supermarkets want 40 tấn
of VietGAP cát Chu this month at 35–42 nghìn đồng/kg, and gives the line to share to Zalo; loading
the demo twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.demand.models import DemandPost
from marketplace.demo import DEMO_DOMAIN, load_demo
from marketplace.market.bulletin_rules import month_end
from tests.clients import app_session, signed_in, text_of

PASSWORD = "demo-password-123"
LINE = "Siêu thị cần 40 tấn xoài cát Chu VietGAP trong tháng"


def test_the_chair_reads_40_tonnes_and_shares_it(app):
    with app_session(app) as session:
        first = load_demo(session, PASSWORD)
        session.commit()
        again = load_demo(session, PASSWORD)
        session.commit()
        assert first["bulletin requests"] == 2 and again["bulletin requests"] == 0
        posts = list(session.scalars(select(DemandPost).where(DemandPost.ref.like("demo-d-xoai-sieu-thi%"))))
        assert sorted(float(p.quantity) for p in posts) == [15, 25]
        assert all(p.needed_to == month_end(p.needed_from) and p.status == "open" for p in posts)
        assert session.scalar(select(func.count(DemandPost.id)).where(DemandPost.ref.like("demo-d-xoai-sieu-thi%"))) == 2
        club_id = session.scalar(select(Organization.id).where(Organization.ref == "demo-hq-xoai-my-xuong"))
        chair = session.scalar(select(User).where(User.email == f"chunhiem.myxuong@{DEMO_DOMAIN}"))
    page = text_of(signed_in(app, chair, password=PASSWORD).get(f"/orgs/{club_id}/bulletin"))
    assert "40 tấn" in page
    zalo = page.split('data-testid="zalo-text">')[1].split("</textarea>")[0]
    assert f"{LINE}" in zalo and "giá 35–42 nghìn đồng/kg (2 bên mua)" in zalo
