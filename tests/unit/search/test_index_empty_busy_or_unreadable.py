"""The index store and backend when there is nothing to read, nothing to do, someone else is
writing, or nothing to offer: a folder never built, a build without its outbox position, an empty
batch of changes, a held lock, no live document to suggest, a typo close to no word."""

from __future__ import annotations

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.search import store
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import NO_PRICE
from marketplace.search.query import SearchRequest
from marketplace.search.store import STATE_FILE, Applied, IndexBusy


def _document(n: int, title: str, **changes) -> dict:
    day = today_in_vietnam().toordinal()
    document = {
        "doc_id": f"listing:{n}", "type": "listing", "object_id": n, "ref": "", "org_id": "7",
        "org_name": "Hội quán", "kind": "club", "title": title, "name": title.lower(), "org": "hoi quan",
        "body": "", "place": "", "category": "fruit", "commune_code": "30001", "province_code": "87",
        "state": "live", "live_until": day + 30, "window_from": day, "window_to": day + 30,
        "price": NO_PRICE, "published": 1_700_000_000 + n, "fingerprint": f"{n}"}
    document.update(changes)
    return document


def test_a_folder_never_built_holds_nothing(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    assert not backend.exists()
    assert backend.fingerprints() == {}
    assert backend.doc_ids_of_orgs([7]) == set()
    assert backend.read_state() == {}


def test_a_build_without_its_position_reads_as_unknown(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    backend.rebuild([_document(1, "Xoài cát Chu")], state={"position": 12})
    assert backend.read_state() == {"position": 12}
    (backend.current / STATE_FILE).unlink()
    assert backend.read_state() == {}  # unknown: the next sync starts over, it does not skip changes
    (backend.current / STATE_FILE).write_text("{half written")
    assert backend.read_state() == {}


def test_an_empty_batch_of_changes_writes_nothing():
    backend = WhooshBackend(None)
    backend.rebuild([_document(1, "Xoài cát Chu")])
    before = backend._open_index().latest_generation()
    assert backend.apply({}) == Applied(updated=0, deleted=0, unchanged=0)
    assert backend._open_index().latest_generation() == before
    assert backend.fingerprints() == {"listing:1": "1"}


def test_a_held_indexer_lock_makes_a_second_indexer_busy():
    backend = WhooshBackend(None)
    with backend.lock(), pytest.raises(IndexBusy), backend.lock(timeout=0):
        pass
    with backend.lock():  # released again, even after the refusal
        pass


def test_a_held_write_lock_refuses_the_change_and_keeps_the_index(monkeypatch, tmp_path):
    monkeypatch.setattr(store, "WRITE_TIMEOUT", 0.05)
    backend = WhooshBackend(tmp_path / "index")
    backend.rebuild([_document(1, "Xoài cát Chu")])
    writelock = backend._open_index().lock("WRITELOCK")
    assert writelock.acquire(blocking=False)
    try:
        with pytest.raises(IndexBusy):
            backend.apply({"listing:2": _document(2, "Sầu riêng")})
    finally:
        writelock.release()
    assert backend.fingerprints() == {"listing:1": "1"}
    assert backend.apply({"listing:2": _document(2, "Sầu riêng")}) == Applied(updated=1)


def test_nothing_is_suggested_when_nothing_is_live():
    today = today_in_vietnam()
    backend = WhooshBackend(None)
    backend.rebuild([_document(1, "Xoài cát Chu", state="draft"),
                     _document(2, "Xoài keo", live_until=today.toordinal() - 1)])
    assert backend.suggest("xoai", today) == []


def test_suggestions_stop_at_the_limit_of_distinct_titles():
    today = today_in_vietnam()
    titles = [f"Xoài loại {n}" for n in range(12)]
    backend = WhooshBackend(None)
    backend.rebuild([_document(n, title) for n, title in enumerate(titles)]
                    + [_document(20, titles[0]), _document(21, titles[1])])
    suggested = backend.suggest("xoai", today, limit=5)
    assert len(suggested) == 5 and len(set(suggested)) == 5 and set(suggested) <= set(titles)
    eight = backend.suggest("xoai", today)
    assert len(eight) == 8 and len(set(eight)) == 8 and eight[:5] == suggested


def test_a_typo_close_to_no_word_gets_no_did_you_mean():
    today = today_in_vietnam()
    backend = WhooshBackend(None)
    backend.rebuild([_document(1, "Xoài cát Chu")])
    result = backend.search(SearchRequest(q="qwzkvb").with_parsed(), today)
    assert result.total == 0 and result.suggestion is None
