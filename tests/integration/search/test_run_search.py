"""run_search: the hits of a search with the database objects behind them, for the cards; a hit
whose object is gone from the database (the index has not seen it go yet) is left out."""

from __future__ import annotations

from marketplace.dates import today_in_vietnam
from marketplace.search import services as search
from marketplace.search.backend import WhooshBackend
from marketplace.search.query import SearchRequest
from tests.factories import make_demand, make_listing, make_org


def test_hits_come_with_their_objects_and_a_gone_one_is_skipped(session):
    club = make_org("club", name="Hội quán Măng cụt Chợ Lách")
    buyer = make_org("supermarket", name="Siêu thị Măng cụt")
    listing = make_listing(club, "măng cụt", quantity="300")
    gone = make_listing(club, "măng cụt", quantity="200", description="măng cụt loại hai")
    demand = make_demand(buyer, "măng cụt")
    backend = WhooshBackend(None)
    search.reindex(session, backend, commit=session.commit)
    today = today_in_vietnam()

    page = search.run_search(session, backend, SearchRequest(q="măng cụt").with_parsed(), today)
    found = {hit.doc_id: obj for hit, obj in page.items()}
    assert found[f"listing:{listing.id}"] is session.get(type(listing), listing.id)
    assert found[f"demand:{demand.id}"].id == demand.id
    assert f"org:{club.id}" in found and found[f"org:{club.id}"].name == club.name

    session.delete(gone)
    session.flush()
    page = search.run_search(session, backend, SearchRequest(q="măng cụt").with_parsed(), today)
    assert f"listing:{gone.id}" in {hit.doc_id for hit in page.result.hits}  # still in the index
    assert f"listing:{gone.id}" not in {hit.doc_id for hit, _obj in page.items()}  # but not shown
    assert f"listing:{listing.id}" in {hit.doc_id for hit, _obj in page.items()}


def test_nothing_found_loads_nothing(session):
    backend = WhooshBackend(None)
    search.reindex(session, backend, commit=session.commit)
    page = search.run_search(session, backend, SearchRequest(q="khôngcótừnày").with_parsed(), today_in_vietnam())
    assert page.objects == {} and list(page.items()) == []
