"""The hand-written set-at-a-time scoring of search/fast_reader.py (FastReader) agrees with Whoosh's
own collectors, on an index large enough to take its fast paths.

Whoosh chooses its matchers by index size: an Or of more than two clauses becomes a preloaded
ArrayUnionMatcher at 5,000 documents or fewer (whoosh.query.compound.Or, `dc > 5000`), so the
UnionMatcher path never runs on the suite's small indexes; a posting list of one document is
inlined (W3Codec's inlinelimit=1) instead of read in blocks of 128; deleted documents wrap each
posting list in a FilterMatcher. So this index holds 6,000 generated documents in blocks of many
postings, then a second segment of updates that leaves deletions in the first. A spy records
which paths ran, and every search's hits, order, scores and total are compared with
searcher.search() on the same query and filter.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from whoosh.scoring import WeightLengthScorer

from marketplace.dates import today_in_vietnam
from marketplace.search import fast_reader
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import NO_PRICE
from marketplace.search.fast_reader import FastReader
from marketplace.search.queries import SORT_FIELDS, filter_parts, text_query
from marketplace.search.query import SearchRequest

DOCUMENTS = 6_000  # above Whoosh's 5,000-document switch to its array matchers
UPDATED = 400  # rewritten into a second segment: deletions in the first

PRODUCTS = ["xoài cát chu", "xoài cát hòa lộc", "xoài keo", "sầu riêng ri sáu", "sầu riêng monthong",
            "thanh long ruột đỏ", "bưởi da xanh", "cam sành", "nhãn xuồng", "dứa queen", "chuối già",
            "mít thái", "khoai lang tím", "gạo st25", "cà phê robusta", "hồ tiêu"]
PLACES = ["Cao Lãnh Đồng Tháp", "Cái Bè Tiền Giang", "Chợ Lách Bến Tre", "Long Xuyên An Giang",
          "Châu Thành Tiền Giang", "Bảo Lộc Lâm Đồng"]
WORDS = ["ngọt", "thơm", "loại một", "xuất khẩu", "vietgap", "giao tận nơi", "đóng thùng", "hữu cơ",
         "mùa nghịch", "cát chu", "hòa lộc", "ruột đỏ", "da xanh", "tươi", "sấy"]
CATEGORIES = ["fruit", "grain", "vegetable", "coffee"]


def _documents(today, seed: int = 14, start: int = 0, count: int = DOCUMENTS, version: int = 0) -> list[dict]:
    rng = random.Random(seed)
    day = today.toordinal()
    documents = []
    for n in range(start, start + count):
        kind = rng.choice(["listing", "listing", "listing", "demand", "org"])
        product = rng.choice(PRODUCTS)
        org = f"Hội quán {rng.choice(PRODUCTS).split()[0]} {n % 97}"
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
        document = {
            "doc_id": f"{kind}:{n}", "type": kind, "object_id": n, "ref": "", "org_id": str(n % 97),
            "org_name": org, "kind": "club", "title": product,
            "name": product, "org": org, "body": body, "place": rng.choice(PLACES),
            "category": rng.choice(CATEGORIES), "commune_code": f"{30000 + n % 23}", "province_code": "87",
            "state": "live" if rng.random() < 0.9 else "draft",
            "live_until": day + rng.randint(-5, 60),
            "window_from": day - rng.randint(0, 30), "window_to": day + rng.randint(0, 90),
            "price": rng.choice([rng.randint(5, 200) * 1000, NO_PRICE]),
            "published": rng.randint(1_700_000_000, 1_800_000_000),
            "fingerprint": f"{n}-{version}",
        }
        if rng.random() < 0.4:
            document["vietgap_until"] = day + rng.randint(-10, 400)
        if rng.random() < 0.1:
            document["ocop3_until"] = document["ocop4_until"] = day + 300
        documents.append(document)
    return documents


@pytest.fixture(scope="module")
def large_index(tmp_path_factory):
    today = today_in_vietnam()
    backend = WhooshBackend(tmp_path_factory.mktemp("fast_paths"))
    assert backend.rebuild(_documents(today)) == DOCUMENTS
    # Rewrite some documents (each one's old copy is deleted from the first segment) and add a few.
    changed = {d["doc_id"]: d for d in _documents(today, seed=15, count=UPDATED, version=1)}
    changed |= {d["doc_id"]: d for d in _documents(today, seed=16, start=DOCUMENTS, count=50)}
    applied = backend.apply(changed)
    assert applied.updated > UPDATED // 2
    return backend, today


class _Spy:
    """Which matcher kinds the fast evaluator met, and which of its fast branches ran."""

    def __init__(self, monkeypatch) -> None:
        self.scored: Counter[str] = Counter()
        self.matched: Counter[str] = Counter()
        self.block_leaves = 0  # posting lists scored a block at a time (WeightLengthScorer)
        self.compressed = 0  # posting lists cut down to the allowed documents in C
        scores, ids = FastReader._scores, FastReader._ids
        leaf_scores, leaf_raw, within = fast_reader._leaf_scores, fast_reader._leaf_raw, fast_reader._within

        def spy_scores(reader, m, *args):
            self.scored[type(m).__name__] += 1
            return scores(reader, m, *args)

        def spy_ids(reader, m, *args):
            self.matched[type(m).__name__] += 1
            return ids(reader, m, *args)

        def spy_leaf_scores(m):
            if m.scorer is not None and type(m.scorer).score is WeightLengthScorer.score:
                self.block_leaves += 1
            return leaf_scores(m)

        def spy_leaf_raw(m):
            self.block_leaves += 1  # read for a WeightLengthScorer only
            return leaf_raw(m)

        def spy_within(postings, allowed, wanted):
            if wanted * 4 <= len(postings[0]):
                self.compressed += 1
            return within(postings, allowed, wanted)

        monkeypatch.setattr(FastReader, "_scores", spy_scores)
        monkeypatch.setattr(FastReader, "_ids", spy_ids)
        monkeypatch.setattr(fast_reader, "_leaf_scores", spy_leaf_scores)
        monkeypatch.setattr(fast_reader, "_leaf_raw", spy_leaf_raw)
        monkeypatch.setattr(fast_reader, "_within", spy_within)


# Words (one and several, with and without accents, a phrase, a typo) and filters; each is
# searched by relevance and by every sort.
SEARCHES = [
    {"q": "xoài"}, {"q": "xoai cat chu"}, {"q": "xoài cát"}, {"q": "sầu riêng"}, {"q": "\"cát chu\""},
    {"q": "xoài \"cát chu\""},
    {"q": "\"thanh long\" đỏ"}, {"q": "bưởi da xanh ngọt"}, {"q": "tiền giang"}, {"q": "hội quán xoài"},
    {"q": "monthongg"}, {"q": "xoia"}, {"q": "ngọt thơm"}, {"q": "xuất khẩu"},
    {"q": "xoài", "category": "fruit"}, {"q": "cam", "commune": "30005"},
    {"q": "xoài", "certificates": ("vietgap",)}, {"q": "sầu riêng", "type": "listing"},
    {"q": "gạo", "min_ocop": 3}, {"q": "cà phê", "price_min": 20_000, "price_max": 90_000},
    {"q": ""}, {"q": "", "type": "demand"},
]


def _whoosh_ranking(searcher, query, allowed, sort: str):
    """The hits as Whoosh's own collectors give them: every allowed match, in its order."""
    if sort in SORT_FIELDS:
        name, reverse = SORT_FIELDS[sort]
        results = searcher.search(query, filter=set(allowed), limit=None, sortedby=name, reverse=reverse)
        return [(None, hit.docnum) for hit in results], len(results)
    results = searcher.search(query, filter=set(allowed), limit=None)
    return [(hit.score, hit.docnum) for hit in results], len(results)


@pytest.mark.parametrize("sort", ["relevance", "price", "newest", "harvest"])
def test_fast_scoring_agrees_with_whoosh_collectors(large_index, monkeypatch, sort):
    backend, today = large_index
    spy = _Spy(monkeypatch)
    searcher = backend._searcher()
    assert searcher.doc_count_all() > 5_000 and len(searcher.leaf_searchers()) == 2
    assert searcher.reader().has_deletions()
    fast = FastReader(searcher)
    known = backend._known(searcher)
    compared = 0
    for args in SEARCHES:
        request = SearchRequest(**args, sort=sort).with_parsed()
        query = text_query(request, known)
        allowed = fast.allowed(filter_parts(request, today))
        expected, total = _whoosh_ranking(searcher, query, allowed, request.effective_sort)
        if request.effective_sort in SORT_FIELDS:
            name, reverse = SORT_FIELDS[request.effective_sort]
            matched = allowed if not request.q else fast.matches(query) & allowed
            got = [(None, docnum) for docnum in fast.first(name, reverse, matched, len(expected) or 1)]
        else:
            got, matched = fast.best(query, allowed, len(expected) or 1)
        assert len(matched) == total, args
        assert got == expected, args  # the same documents, in the same order, with equal scores
        compared += len(expected)
    assert compared > 1_000  # the comparisons were not of empty result lists
    if sort == "relevance":
        # Every hand-written branch ran: unions, intersections, boosts, deletions' filters and
        # leaves read a block at a time, and allowed-document cuts at C speed.
        for kind in ("UnionMatcher", "IntersectionMatcher", "WrappingMatcher", "FilterMatcher", "W3LeafMatcher"):
            assert spy.scored[kind] > 0, (kind, spy.scored)
        assert spy.block_leaves > 0 and spy.compressed > 0
    for kind in ("UnionMatcher", "IntersectionMatcher", "FilterMatcher", "W3LeafMatcher", "SpanNear2Matcher"):
        assert spy.matched[kind] > 0, (kind, spy.matched)


def test_search_hits_are_whooshs_on_the_large_index(large_index):
    """Through WhooshBackend.search: the page of hits, their scores (as rounded) and the total.

    Compared with Whoosh's exhaustive collector (limit=None) cut to the page: given a limit,
    Whoosh's own top-N collector prunes union branches once its heap is full and then scores
    some documents lower than their full sum (seen here: 69.34 for a document whose clauses sum
    to 74.19), so it disagrees with itself; the fast path keeps every clause's score."""
    backend, today = large_index
    searcher = backend._searcher()
    fast = FastReader(searcher)
    for q in ("xoài cát chu", "sầu riêng ri", "bưởi da xanh", "\"thanh long\""):
        request = SearchRequest(q=q, per_page=50).with_parsed()
        result = backend.search(request, today, facets=False, decorate=False)
        query = text_query(request, backend._known(searcher))
        allowed = fast.allowed(filter_parts(request, today))
        results = searcher.search(query, filter=set(allowed), limit=None)
        assert result.total == len(results) > 50
        assert [(hit.doc_id, hit.score) for hit in result.hits] == [
            (hit["doc_id"], round(hit.score, 3)) for hit in results[:50]]

