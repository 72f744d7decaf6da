"""Where the header's role links lead for this person: straight to the form (or their one
organisation's page) when they act for one organisation, to /sell or /buy to choose when several."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from marketplace.accounts.permissions import buying_orgs, selling_orgs


@dataclass(frozen=True)
class RoleLinks:
    sell: str | None = None  # "Đăng bán": the listing form
    my_listings: str | None = None
    buy: str | None = None  # "Đăng nhu cầu mua": the request form
    my_requests: str | None = None
    lots: str | None = None  # "Lô hàng": the club's lots (traceability)


def role_links(user) -> RoleLinks:
    sells, buys = selling_orgs(user), buying_orgs(user)
    links = {}
    if sells:
        links["lots"] = url_for("lots.index")  # the first club's, with the others to switch to
    if len(sells) == 1:
        links.update(
            sell=url_for("listings.new", org=sells[0].id), my_listings=url_for("listings.manage", org_id=sells[0].id)
        )
    elif sells:
        links.update(sell=url_for("dashboard.sell"), my_listings=url_for("dashboard.sell"))
    if len(buys) == 1:
        links.update(buy=url_for("demand.new", org=buys[0].id), my_requests=url_for("demand.manage", org_id=buys[0].id))
    elif buys:
        links.update(buy=url_for("dashboard.buy"), my_requests=url_for("dashboard.buy"))
    return RoleLinks(**links)
