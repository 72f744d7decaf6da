"""On SQLite one writer at a time holds the database: the worker's matching (an import's backlog,
the daily rematch) is computed in read-only transactions and stored in short write transactions,
so a page saving an order is never kept waiting for minutes. Checked from a second connection
while the matching is being computed. On PostgreSQL writers never wait on each other this way."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.dates import today_in_vietnam
from marketplace.matching import services as matching
from marketplace.matching.models import MatchState
from tests.clients import app_session
from tests.factories import make_demand, make_listing, make_org
from tests.sqlite_lock import only_on_sqlite, own_app_fixture, probe_while_called

pytestmark = only_on_sqlite


own_app = own_app_fixture("matchlock")


def test_matching_leaves_the_write_lock_free_while_it_computes(own_app, monkeypatch):
    today = today_in_vietnam()
    with app_session(own_app) as session:
        club, exporter = make_org("club"), make_org("exporter")
        listing = make_listing(club, "xoài", quantity="5000")
        demand = make_demand(exporter, "xoài", quantity="5", needed_to=today + timedelta(days=30))
        session.commit()
    probes = probe_while_called(monkeypatch, own_app, matching, "matches_for_demand_facts")
    with app_session(own_app) as session:
        matching.follow(session, today, commit=session.commit)  # the daily rematch, then the change log's backlog
        later = make_listing(club, "xoài", quantity="800")
        matching.follow(session, today, commit=session.commit)  # the backlog alone
        matching.rematch_in_chunks(session, today, commit=session.commit)  # `match refresh`
        remembered = set(session.scalars(select(MatchState.listing_id).where(
            MatchState.demand_id == demand.id, MatchState.full.is_(True))))
    assert len(probes) >= 3
    assert all(probes), probes
    assert remembered == {listing.id, later.id}  # and the work was stored
