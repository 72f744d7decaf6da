"""A build too large for memory sorts its postings out to disk in runs (store._BuildPool) and
merges them back: the index it writes answers every search as one built in memory does."""

from __future__ import annotations

from marketplace.dates import today_in_vietnam
from marketplace.search import store
from marketplace.search.backend import WhooshBackend
from marketplace.search.query import read_request
from tests.unit.search.test_fast_paths import _documents

SEARCHES = [{"q": "xoai"}, {"q": "xoài cát"}, {"q": '"ruot do"'}, {"q": "sau rieng", "sort": "price"},
            {"q": "thanh long", "certificate": "vietgap"}, {"price_max": "80000"}, {"category": "grain"}, {}]


def _answers(backend: WhooshBackend, today) -> list:
    answers = []
    for arguments in SEARCHES:
        result = backend.search(read_request(arguments)[0], today)
        answers.append((result.total, [(h.doc_id, h.score) for h in result.hits], result.facets))
    return answers


def test_a_build_spilled_to_disk_answers_as_one_kept_in_memory(tmp_path, monkeypatch):
    today = today_in_vietnam()
    documents = _documents(today, count=1_500)
    in_memory = WhooshBackend(tmp_path / "memory")
    in_memory.rebuild(documents)
    monkeypatch.setattr(store, "RUN_POSTINGS", 5_000)  # dozens of runs on disk
    monkeypatch.setattr(store, "RUN_CHUNK", 700)
    spilled = WhooshBackend(tmp_path / "spilled")
    spilled.rebuild(documents)
    assert _answers(spilled, today) == _answers(in_memory, today)
    assert spilled.fingerprints() == in_memory.fingerprints()
    assert not list((spilled.current.resolve()).glob("*.run"))  # the runs are removed once merged
