"""Web processes never search on a cold searcher: after the index changes (written by another
process, the indexer), a background thread opens and warms a searcher of the new generation, and
searches keep using the previous one until then; a change is found once the warm one is taken."""

from __future__ import annotations

import threading
import time

from marketplace.dates import today_in_vietnam
from marketplace.search import fast_reader
from marketplace.search.backend import WhooshBackend
from marketplace.search.query import read_request
from tests.unit.search.test_fast_paths import _documents

PATIENCE = 30.0  # seconds: a bound on waiting for the background thread on a busy machine, not a timing


def _until(condition) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, "the warmer never got there"
        time.sleep(0.02)


def test_an_update_is_found_through_a_warmed_searcher_and_no_search_reads_cold(tmp_path, monkeypatch):
    today = today_in_vietnam()
    documents = _documents(today, count=1_200)
    indexer = WhooshBackend(tmp_path)  # the worker's, in another process in production
    indexer.rebuild(documents)
    web = WhooshBackend(tmp_path, warm=True)
    web.start_warming()
    _until(lambda: web._spare is not None)

    computed = []  # what searches of this (the request's) thread read themselves
    real_docs = fast_reader.FastReader.docs

    def docs(self, query):
        if threading.current_thread() is threading.main_thread():
            computed.append(repr(query))
        return real_docs(self, query)
    monkeypatch.setattr(fast_reader.FastReader, "docs", docs)
    browse = read_request({})[0]
    before = web.search(browse, today)
    assert computed == []  # every filter set of a browse was read by the warmer

    changed = dict(next(d for d in documents if d["type"] == "listing" and d["state"] == "live"),
                   name="chôm chôm nhãn rambutan", fingerprint="changed")
    indexer.apply({changed["doc_id"]: changed})
    found = read_request({"q": "rambutan"})[0]
    _until(lambda: web.search(found, today).total == 1)
    assert [f for f in computed if "rambutan" not in f] == []
    assert web.search(browse, today).total == before.total


def test_the_process_that_writes_reads_its_own_write_at_once(tmp_path):
    today = today_in_vietnam()
    documents = _documents(today, count=300)
    backend = WhooshBackend(tmp_path, warm=True)
    backend.rebuild(documents)
    assert backend.search(read_request({"q": "rambutan"})[0], today).total == 0
    changed = dict(next(d for d in documents if d["type"] == "listing" and d["state"] == "live"),
                   name="rambutan", fingerprint="changed")
    backend.apply({changed["doc_id"]: changed})
    assert backend.search(read_request({"q": "rambutan"})[0], today).total == 1
    assert backend._warmer is None  # the writing process spends nothing on warming


def test_when_no_warm_searcher_comes_a_search_opens_a_cold_one_rather_than_stay_old(tmp_path, monkeypatch, caplog):
    from marketplace.search import backend as backend_module

    today = today_in_vietnam()
    documents = _documents(today, count=300)
    indexer = WhooshBackend(tmp_path)
    indexer.rebuild(documents)
    web = WhooshBackend(tmp_path, warm=True)
    monkeypatch.setattr(web, "start_warming", lambda: None)  # the warmer is broken
    monkeypatch.setattr(backend_module, "MAX_STALE", 0.2)
    found = read_request({"q": "rambutan"})[0]
    assert web.search(found, today).total == 0  # this thread's searcher is open now

    changed = dict(next(d for d in documents if d["type"] == "listing" and d["state"] == "live"),
                   name="chôm chôm nhãn rambutan", fingerprint="changed")
    indexer.apply({changed["doc_id"]: changed})
    assert web.search(found, today).total == 0  # kept a moment, waiting for the warmer
    _until(lambda: web.search(found, today).total == 1)
    assert "opening one cold" in caplog.text


def test_the_last_warmed_reader_is_let_go_when_a_rebuild_swaps_the_index_or_the_warmer_ends(tmp_path, monkeypatch):
    import gc
    import weakref

    from marketplace.search import backend as backend_module

    today = today_in_vietnam()
    documents = _documents(today, count=200)
    indexer = WhooshBackend(tmp_path)
    indexer.rebuild(documents)
    web = WhooshBackend(tmp_path, warm=True)
    web._warm_spare()  # as the warmer does, in this thread
    first = web._last_warmed
    assert first is not None and first[0] == web._target()
    old = weakref.ref(first[1])
    del first
    with web._spare_lock:
        web._spare = None  # taken by a request thread, long gone

    indexer.rebuild(documents)  # another index swapped in
    monkeypatch.setattr(web, "search", lambda *args, **kwargs: 1 / 0)  # this warm-up fails
    try:
        web._warm_spare()
    except ZeroDivisionError:
        pass
    assert web._last_warmed is None
    gc.collect()
    assert old() is None  # nothing keeps the previous index's reader

    monkeypatch.undo()
    web._warm_spare()
    assert web._last_warmed is not None
    web._writes += 1  # this process wrote the index: the warmer ends
    backend_module._warm_forever(weakref.ref(web), threading.Event())
    assert web._last_warmed is None
