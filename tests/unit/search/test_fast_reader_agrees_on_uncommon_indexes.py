"""FastReader (search/fast_reader.py) gives Whoosh's own answers on indexes and searches that
test_fast_paths.py's large index does not make: more than 64 communes to count, a column no
document fills, a sort read both ways, another weighting than BM25F, a boosted word, and caches
small enough to overflow. Each answer is compared with Whoosh's collectors on the same searcher."""

from __future__ import annotations

from collections import Counter

import pytest
from whoosh import query as Q
from whoosh import scoring, sorting

from marketplace.search import fast_reader
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import NO_PRICE
from marketplace.search.fast_reader import FastReader

NAMES = ["xoai cat chu", "xoai keo", "sau rieng", "buoi da xanh", "xoai xoai cat", "cam sanh"]


def _document(n: int, **changes) -> dict:
    document = {
        "doc_id": f"listing:{n}", "type": "listing", "object_id": n, "ref": "", "org_id": str(n % 5),
        "org_name": "Hội quán", "kind": "club", "title": NAMES[n % len(NAMES)], "name": NAMES[n % len(NAMES)],
        "org": "hoi quan", "body": "ngot thom " * (n % 4), "place": "cao lanh", "category": "fruit",
        "commune_code": f"{30000 + n % 70}", "province_code": "87", "state": "live", "live_until": 800_000,
        "window_from": 700_000 + n % 9, "window_to": 800_000, "price": (n * 7919) % 50 * 1000 or NO_PRICE,
        "published": 1_700_000_000 + n, "fingerprint": str(n)}
    document.update(changes)
    return {name: value for name, value in document.items() if value is not None}


def _searcher(documents, **options):
    backend = WhooshBackend(None)
    backend.rebuild(documents)
    return backend._open_index().searcher(**options)


def _whoosh_best(searcher, query) -> list[tuple[float, int]]:
    return [(hit.score, hit.docnum) for hit in searcher.search(query, limit=None)]


def _fast_best(fast: FastReader, query) -> list[tuple[float, int]]:
    top, _matched = fast.best(query, fast.docs(Q.Every()), limit=10_000)
    return top


def test_more_than_64_communes_are_counted_like_whoosh():
    searcher = _searcher([_document(n) for n in range(210)])
    fast = FastReader(searcher)
    matched = fast.docs(Q.Term("name", "xoai"))
    expected = searcher.search(Q.Every(), filter=set(matched), limit=None, maptype=sorting.Count,
                               groupedby={"c": sorting.FieldFacet("commune_code")}).groups("c")
    counts = fast.counts("commune_code", matched)
    assert len(counts) > 64  # too many values to keep one document set each
    assert dict(counts) == expected
    assert fast.columns["groups:commune_code"] is None
    # Asked again (another search's matches), the same column is read from the cache.
    fewer = fast.docs(Q.Term("name", "keo"))
    assert dict(fast.counts("commune_code", fewer)) == dict(Counter(
        searcher.stored_fields(n)["commune_code"] for n in fewer))


def test_a_column_no_document_fills_is_counted_and_sorted_by_whoosh_itself():
    searcher = _searcher([_document(n, category=None, window_from=None) for n in range(30)])
    assert not searcher.reader().has_column("category")
    fast = FastReader(searcher)
    matched = fast.docs(Q.Term("name", "xoai"))
    assert fast.column("category") is None and fast.names("category") is None
    assert fast.counts("category", matched) == {None: len(matched)}  # no value: one group, as Whoosh groups
    assert not searcher.reader().has_column("window_from")
    first = fast.first("window_from", False, matched, 5)
    assert first == [hit.docnum for hit in searcher.search(Q.Every(), filter=set(matched), limit=5,
                                                           sortedby="window_from")]


def test_a_sort_read_forwards_then_backwards_is_whoosh_order_both_ways():
    searcher = _searcher([_document(n) for n in range(40)])
    fast = FastReader(searcher)
    matched = fast.docs(Q.Term("name", "xoai"))
    for reverse in (False, True):
        expected = [hit.docnum for hit in searcher.search(Q.Every(), filter=set(matched), limit=None,
                                                          sortedby="price", reverse=reverse)]
        assert fast.first("price", reverse, matched, 100) == expected
    # The facet over the same column reads the column kept for sorting.
    assert fast.counts("price", matched) == dict(Counter(searcher.stored_fields(n)["price"] for n in matched))


def test_another_weighting_is_scored_a_posting_at_a_time_like_whoosh():
    searcher = _searcher([_document(n) for n in range(40)], weighting=scoring.TF_IDF())
    fast = FastReader(searcher)
    for query in (Q.Term("name", "xoai"), Q.Or([Q.Term("name", "xoai"), Q.Term("body", "ngot")]),
                  Q.And([Q.Term("name", "xoai"), Q.Term("name", "cat")])):
        expected = _whoosh_best(searcher, query)
        assert expected and _fast_best(fast, query) == expected


def test_a_boosted_word_scores_its_boost_times_over():
    searcher = _searcher([_document(n) for n in range(40)])
    fast = FastReader(searcher)
    plain, boosted = Q.Term("name", "xoai"), Q.Term("name", "xoai", boost=2.5)
    expected = _whoosh_best(searcher, boosted)
    assert _fast_best(fast, boosted) == expected
    unboosted = _fast_best(fast, plain)
    assert [docnum for _, docnum in unboosted] == [docnum for _, docnum in expected]
    assert [score * 2.5 for score, _ in unboosted] == pytest.approx([score for score, _ in expected])
    # Asked again, the boosted posting list comes from the cache with the same scores.
    assert _fast_best(fast, boosted) == expected


def test_overflowing_caches_drop_the_oldest_and_change_no_answer(monkeypatch):
    monkeypatch.setattr(fast_reader, "LEAF_CACHE_POSTINGS", 10)
    monkeypatch.setattr(fast_reader, "DOCSET_CACHE", 2)
    searcher = _searcher([_document(n) for n in range(40)])
    fast = FastReader(searcher)
    words = ["xoai", "sau", "buoi", "cam", "keo"]
    for word in words:
        query = Q.Term("name", word)
        assert _fast_best(fast, query) == _whoosh_best(searcher, query)
        assert set(fast.cached_docs(query)) == set(searcher.docs_for_query(query))
    assert len(fast.postings) == 1  # each list is over 10 postings: only the last is kept
    assert len(fast.docsets) == 2 and list(fast.docsets) == [repr(Q.Term("name", w)) for w in words[-2:]]
