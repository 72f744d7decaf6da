"""A club that grows xoài cát Chu, two supermarkets asking for it this month, its members and an
outsider: what the bulletin's page and mail tests share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.fairs.models import Fair
from marketplace.market.bulletin_rules import month_end
from marketplace.market.models import ReferencePrice
from marketplace.products.services import find_product
from tests.factories import make_board_member, make_demand, make_org, make_user


@dataclass
class Scene:
    club: Organization
    chair: User  # on the board
    member: User  # a plain member (seller, not on the board)
    outsider: User  # a seller of another club
    staff: User
    buyer: User
    supermarket: Organization
    demand_ids: list[int]


def make_scene() -> Scene:
    today = today_in_vietnam()
    club = make_org("club", name="Hội quán Xoài thử", grows="xoài cát Chu, sầu riêng Ri6")
    chair = make_board_member(club, "Chủ nhiệm Tư")
    member = make_user("seller", club, name="Thành viên Năm")
    outsider = make_user("seller", make_org("club", name="Hội quán khác"))
    staff = make_user("staff")
    first, second = make_org("supermarket", name="Siêu thị Một"), make_org("supermarket", name="Siêu thị Hai")
    buyer = make_user("buyer", first)
    end = month_end(today)
    ids = [make_demand(first, "xoài cát Chu", quantity="25", unit="tấn", frequency="once", needed_to=end,
                       price_min_vnd="35k", price_max_vnd="40.000", required_certificates="vietgap").id,
           make_demand(second, "xoai cat chu", quantity="15000", unit="kg", frequency="once", needed_to=end,
                       price_min_vnd="38.000", price_max_vnd="42k", required_certificates="vietgap").id]
    # Not in the bulletin: closed, needed only in two months, a product the club does not grow.
    make_demand(first, "xoài cát Chu", quantity="99", unit="tấn", status="closed")
    make_demand(second, "xoài cát Chu", quantity="77", unit="tấn", needed_from=today + timedelta(days=60),
                needed_to=today + timedelta(days=90))
    make_demand(second, "khóm", quantity="5", unit="tấn")
    return Scene(club, chair, member, outsider, staff, buyer, first, ids)


def add_fair_and_prices(name: str = "Hội chợ Xoài thử") -> None:
    """A fair taking booth applications and a mango price up 20 % on the week."""
    today = today_in_vietnam()
    db.session.add(Fair(slug="hoi-cho-xoai-thu", name=name, starts_on=today + timedelta(days=20),
                        ends_on=today + timedelta(days=21), status="published"))
    mango = find_product(db.session, "xoài")
    for days, low, high in ((8, 28000, 32000), (1, 34000, 38000)):
        db.session.add(ReferencePrice(product_id=mango.id, market="wholesale", observed_on=today - timedelta(days=days),
                                      price_min_vnd=low, price_max_vnd=high, unit="kg"))
    db.session.commit()
