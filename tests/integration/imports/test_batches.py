"""Listings and buyers' requests are written in batches (issue #21); a batch the database refuses is taken back and
imported again row by row, with the same report and the same records as if it had never been
batched."""

from __future__ import annotations

from marketplace.dates import today_in_vietnam
from marketplace.imports import run as import_run
from marketplace.imports.handlers import demand as demand_handler
from marketplace.imports.handlers import listings as listing_handler
from tests import import_golden, import_golden_demand


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


def test_a_refused_demand_batch_is_imported_again_row_by_row_with_the_same_result(session, monkeypatch):
    today = today_in_vietnam()
    monkeypatch.setattr(demand_handler, "BATCH_ROWS", 40)
    batched = import_golden_demand.run_golden(session, today, rows=160)
    session.rollback()

    refusals = []
    flush_batch = import_run.ImportRun.flush_batch

    def refuse_the_second_batch(self):
        # The second batch's last flush is refused, once, as an IntegrityError would be.
        if self.batching and self.report.counts.get("demand") and len(refusals) == 0 \
                and self.report.counts["demand"].created > 40:
            refusals.append(True)
            raise import_run.BatchRefused
        flush_batch(self)

    monkeypatch.setattr(import_run.ImportRun, "flush_batch", refuse_the_second_batch)
    replayed = import_golden_demand.run_golden(session, today, rows=160)
    assert refusals
    assert replayed == batched
    assert any(line.startswith("problem demand") for line in replayed)  # bad rows in the replayed batch too


def test_demand_rows_are_written_a_batch_at_a_time_and_each_request_is_in_the_change_log(session, monkeypatch):
    from flask_babel import force_locale
    from sqlalchemy import event, select

    from marketplace.changes.models import SearchOutbox
    from marketplace.demand.models import DemandPost
    from marketplace.imports import readers, services

    monkeypatch.setattr(demand_handler, "BATCH_ROWS", 25)
    today = today_in_vietnam()
    sheets = import_golden_demand.seed_sheets(today)
    header = sheets["demand"][0]
    good = sheets["demand"][1]
    sheets["demand"] = [header] + [[f"gold-batch-d-{i}", *good[1:]] for i in range(100)]
    flushes = []
    listener = lambda *_args: flushes.append(True)  # noqa: E731
    event.listen(session, "after_flush", listener)
    try:
        with force_locale("en"):
            report = services.import_data(session, readers.rows_from_json(import_golden_demand.as_json_document(sheets)),
                                          None, today)
    finally:
        event.remove(session, "after_flush", listener)
    assert report.ok, report.problems[:3]
    assert report.counts["demand"].created == 100
    # The organisations' own flushes, then one a batch of 25 requests: not one a request.
    assert len(flushes) < 100 // 25 + 15
    ids = set(session.scalars(select(DemandPost.id).where(DemandPost.ref.like("gold-batch-d-%"))))
    logged = set(session.scalars(select(SearchOutbox.entity_id).where(SearchOutbox.entity == "demand")))
    assert len(ids) == 100 and ids <= logged
