"""Listings are written in batches (issue #21); a batch the database refuses is taken back and
imported again row by row, with the same report and the same records as if it had never been
batched."""

from __future__ import annotations

from marketplace.dates import today_in_vietnam
from marketplace.imports import run as import_run
from marketplace.imports.handlers import listings as listing_handler
from tests import import_golden


def test_a_refused_batch_is_imported_again_row_by_row_with_the_same_result(session, monkeypatch):
    today = today_in_vietnam()
    monkeypatch.setattr(listing_handler, "BATCH_ROWS", 40)
    batched = import_golden.run_golden(session, today, rows=120)
    session.rollback()

    refusals = []
    flush_batch = import_run.ImportRun.flush_batch

    def refuse_the_second_batch(self):
        # The second batch's last flush is refused, once, as an IntegrityError would be.
        if self.batching and self.report.counts.get("listings") and len(refusals) == 0 \
                and self.report.counts["listings"].created > 40:
            refusals.append(True)
            raise import_run.BatchRefused
        flush_batch(self)

    monkeypatch.setattr(import_run.ImportRun, "flush_batch", refuse_the_second_batch)
    replayed = import_golden.run_golden(session, today, rows=120)
    assert refusals
    assert replayed == batched
