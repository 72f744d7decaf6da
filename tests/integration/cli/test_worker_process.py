"""The worker as one process, end to end: `marketplace worker` (the venv's own console script)
runs beside this test on a committed database and an index folder of its own; the test creates a
listing and a request that fits it through the services, as a page would, and waits — polling,
with a generous deadline, since how fast is not the claim — until the listing is searchable, the
match is remembered and notified, and the notice mail has left. Then SIGTERM, and a clean exit."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.dates import today_in_vietnam
from tests.clients import app_session
from tests.integration.cli import support

database = support.committed_database_fixture("workerprocess")


def test_the_worker_indexes_matches_and_mails_then_stops_on_sigterm(database, tmp_path):
    index = tmp_path / "index"
    with support.running_worker(database, index, tmp_path / "worker.log") as worker:
        today = today_in_vietnam()
        with app_session(database) as session:
            partners = support.make_partners("Một Tiến Trình")
            listing, demand = support.make_fitting_listing_and_request(partners, today)
            emails = {session.get(User, user.id).email for user in (partners.buyer, partners.chair)}

        worker.wait_for("indexing the listing",
                        lambda: support.searchable(index, listing.id, "xoài cát chu một tiến trình", today))
        worker.wait_for("recording and notifying the match",
                        lambda: support.match_notified(database, demand.id, listing.id))
        worker.wait_for("sending the notice mail", lambda: support.notice_mailed(database, emails))
