"""The pages people open most read their rows in a fixed number of queries (issue #21): a card,
an offer or a thread more on a page adds no query. Each page is rendered with one item and with
several, and the SQL statements sent while rendering are counted (an SQLAlchemy
`before_cursor_execute` listener on the engine). A relation that a card reads one row at a time
(a lazy load) makes the second count grow, and the test fails naming the page.

Each count is taken on the second request for the same page, so that what is read once and kept
(the taxonomy, the communes) does not count against the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import event, select

from marketplace import db
from marketplace.listings.models import Listing
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import all_documents
from tests.clients import app_session, signed_in
from tests.factories import make_demand, make_listing, make_offer, make_org, make_user, verify_org
from tests.integration.messaging.support import start_thread

FEW, MANY = 1, 5
# A different variety on each item: rows already in the session are not read again, so cards that
# all named one variety would hide a variety read card by card.
VARIETIES = ("cát Chu", "cát Hòa Lộc", "Đài Loan", "keo", "tượng", "Úc")


@contextmanager
def counted(app) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.get_engine(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_for(app, client, path: str) -> list[str]:
    assert client.get(path).status_code == 200, path  # fills what is kept between requests
    with counted(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return statements


@dataclass
class World:
    """What the pages show, grown item by item: verified clubs each with a listing of a variety,
    buyers each with a request, offers on the first request, threads in the first buyer's inbox."""

    app: object
    staff: object = None
    buyer_org: object = None
    buyer: object = None
    demand: object = None
    club: object = None
    chair: object = None
    items: int = 0

    def grow(self, to: int) -> None:
        with app_session(self.app) as session:
            if self.staff is None:
                self.staff = make_user("staff")
                self.buyer_org = make_org("supermarket", name="Siêu thị Đếm")
                self.buyer = make_user("buyer", self.buyer_org)
                self.demand = make_demand(self.buyer_org, "xoài", variety="cát Chu")
            while self.items < to:
                club = make_org("club", name=f"Hội quán Đếm {self.items}")
                seller = make_user("seller", club)
                verify_org(session, club, self.staff)
                session.commit()
                self.club = self.club or club
                self.chair = self.chair or seller
                variety = VARIETIES[self.items]
                make_listing(self.club, "xoài", variety=variety, price_vnd=str(30000 + self.items))
                make_listing(club, "xoài", variety=variety)
                other_buyer = make_org("supermarket", name=f"Siêu thị Đếm {self.items}")
                verify_org(session, other_buyer, self.staff)
                make_demand(other_buyer, "xoài", variety=variety)
                make_offer(self.demand, club, "1", user=seller)
                start_thread(self.app, self.buyer, f"Còn xoài không {self.items}?",
                             listing_id=self.first_listing_of(club))
                self.items += 1
            session.commit()

    def first_listing_of(self, club) -> int:
        with app_session(self.app) as session:
            return session.scalar(select(Listing.id).where(Listing.organization_id == club.id)
                                  .order_by(Listing.id).limit(1))


def _index(app, monkeypatch) -> None:
    backend = WhooshBackend(None)
    with app_session(app) as session:
        backend.rebuild(list(all_documents(session)))
    monkeypatch.setitem(app.extensions, "search_backend", backend)


PAGES: dict[str, Callable[[World], tuple[str, object]]] = {
    # name: (path, who reads it: None for a visitor)
    "home": lambda w: ("/", None),
    "home, a buyer signed in": lambda w: ("/", w.buyer),
    "home, a club's chair signed in": lambda w: ("/", w.chair),
    "search": lambda w: ("/search?q=xoai", None),
    "search, signed in": lambda w: ("/search?q=xoai", w.buyer),
    "listing": lambda w: (f"/listings/{w.first_listing_of(w.club)}", None),
    "demand, its buyer": lambda w: (f"/demand/{w.demand.id}", w.buyer),
    "organisation": lambda w: (f"/orgs/{w.club.id}", None),
    "organisation, a buyer signed in": lambda w: (f"/orgs/{w.club.id}", w.buyer),
    "organisation, its chair signed in": lambda w: (f"/orgs/{w.club.id}", w.chair),
    "search, its chair signed in": lambda w: ("/search?q=xoai", w.chair),
    "inbox": lambda w: ("/inbox", w.buyer),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_reads_the_same_number_of_queries_for_one_item_as_for_many(app, monkeypatch, page):
    world = World(app)
    counts = []
    for size in (FEW, MANY):
        world.grow(size)
        _index(app, monkeypatch)
        path, user = PAGES[page](world)
        client = signed_in(app, user)
        counts.append(len(statements_for(app, client, path)))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with {FEW} item(s), {counts[1]} with {MANY}"
