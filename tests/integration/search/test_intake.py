"""A large intake of new documents (an import's sync: every document new, one big batch, written
without delete lookups, postings spilled as in a build, field lengths read once) leaves an index
that answers as one rebuilt from the same data: the same documents, totals, facets, "did you
mean", suggestions, and (nothing having been replaced) the same scores."""

from __future__ import annotations

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.search import services as search
from marketplace.search import store
from marketplace.search.backend import WhooshBackend
from tests.integration.search.test_batched_updates import answer, generated_searches
from tests.integration.search.test_consistency import RandomEdits, assert_clean

PREFIXES = ["xo", "xoai c", "kh", "du", "hoi", "sen", "qu", "cat", "dua h"]


def _doc_count(backend: WhooshBackend) -> int:
    with backend._open_index().searcher() as searcher:
        return searcher.doc_count()


def test_an_intake_of_new_documents_in_one_batch_answers_as_a_rebuild(session, tmp_path, monkeypatch):
    today = today_in_vietnam()
    edits = RandomEdits(session, seed=34)
    for _ in range(2):
        edits.new_club()
    fed = WhooshBackend(tmp_path / "fed")
    search.sync(session, fed, commit=session.commit)
    before = _doc_count(fed)
    for _ in range(5):  # new clubs, each with new listings and requests: only new documents
        edits.new_club()
    for _ in range(40):
        edits.new_listing()
    for _ in range(10):
        edits.new_demand()
    session.commit()
    # A small posting pool, so that the intake also spills runs to disk and reads them back.
    monkeypatch.setattr(store, "RUN_POSTINGS", 500)
    report = search.sync(session, fed, batch=search.INTAKE_BATCH, commit=session.commit)
    assert report.rebuilt is None and report.applied.updated > 50 and report.applied.deleted == 0
    assert_clean(session, fed)

    rebuilt = WhooshBackend(tmp_path / "rebuilt")
    search.reindex(session, rebuilt, commit=session.commit)
    assert fed.fingerprints() == rebuilt.fingerprints()
    assert _doc_count(fed) == _doc_count(rebuilt) > before  # each document once: no duplicate added
    for arguments in generated_searches(seed=34)[:400]:
        a, b = answer(fed, arguments, today), answer(rebuilt, arguments, today)
        assert a[:3] == b[:3], arguments  # total, facets, "did you mean"
        assert [doc for doc, _ in a[3]] == [doc for doc, _ in b[3]], arguments
        for (_, score_a), (_, score_b) in zip(a[3], b[3], strict=True):
            assert score_a == pytest.approx(score_b, abs=0.001), arguments
    for prefix in PREFIXES:
        # Every title that starts so (the first 8 alone break ties of score by document order, which
        # differs between a fed index and a rebuilt one after any update, as before this path).
        suggested = sorted(fed.suggest(prefix, today, limit=1000))
        assert suggested and suggested == sorted(rebuilt.suggest(prefix, today, limit=1000)), prefix


def test_a_known_document_is_replaced_and_a_new_one_added_once(session, tmp_path):
    edits = RandomEdits(session, seed=8)
    edits.new_club()
    backend = WhooshBackend(tmp_path / "index")
    search.sync(session, backend, commit=session.commit)
    known = next(iter(backend.fingerprints()))
    documents = {known: dict(_stored(backend, known), fingerprint="changed"),
                 "listing:999999": dict(_stored(backend, known), doc_id="listing:999999", object_id=999999,
                                        fingerprint="new")}
    count = _doc_count(backend)
    applied = backend.apply(documents)
    assert applied.updated == 2
    fingerprints = backend.fingerprints()
    assert fingerprints[known] == "changed" and fingerprints["listing:999999"] == "new"
    assert _doc_count(backend) == count + 1


def _stored(backend: WhooshBackend, key: str) -> dict:
    """A document as the index holds it, completed with the fields the index does not store."""
    with backend._open_index().searcher() as searcher:
        stored = dict(searcher.document(doc_id=key))
    return {"name": stored["title"], "org": stored.get("org_name", ""), "place": "", "state": "live",
            "live_until": 800_000, **stored}
