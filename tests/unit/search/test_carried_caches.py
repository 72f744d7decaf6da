"""A searcher of a new generation of the index starts from the previous generation's fast-reader
caches (search/fast_reader.py: what was read of the segments both generations share) and answers
exactly as a searcher opened cold on the same generation: totals, facets, hits in order with
their scores, "did you mean" and suggestions, through random batched edits and merges. Caches of
segments a merge removed are released."""

from __future__ import annotations

import gc
import random
import threading
import time
import weakref
from dataclasses import replace

from marketplace.dates import today_in_vietnam
from marketplace.search import store
from marketplace.search.backend import WhooshBackend
from marketplace.search.query import read_request
from tests.unit.search.test_fast_paths import _documents

WORDS = ["xoai", "xoài", "cat chu", "hoa loc", "sau rieng", "thanh long", "ruot do", "buoi", "da xanh",
         "ngot", "thom", "xuat khau", "vietgap", "tuoi", "say", "dua", "queen", "cao lanh", "tien giang",
         "hội quán", "xoia", "thnah", "sauu"]
SUGGESTED = ["xoai c", "sau", "thanh l", "bu", "hoi quan x", "ca"]
PATIENCE = 30.0  # seconds: a bound on waiting for the background thread on a busy machine, not a timing


def _searches(seed: int, count: int = 120) -> list[dict]:
    rng = random.Random(seed)
    searches = [{}, {"sort": "price"}, {"sort": "harvest"}, {"type": "listing"}, {"q": "xoai"}]
    for _ in range(count):
        arguments = {}
        words = rng.sample(WORDS, rng.choice([0, 1, 1, 2]))
        if words:
            arguments["q"] = " ".join(f'"{w}"' if " " in w and rng.random() < 0.4 else w for w in words)
        if rng.random() < 0.3:
            arguments["type"] = rng.choice(["listing", "demand", "org"])
        if rng.random() < 0.2:
            arguments["category"] = rng.choice(["fruit", "grain", "coffee"])
        if rng.random() < 0.2:
            arguments["commune"] = str(30000 + rng.randrange(23))
        if rng.random() < 0.15:
            arguments["certificate"] = "vietgap"
        if rng.random() < 0.15:
            arguments["price_max"] = str(rng.randint(10, 150) * 1000)
        if rng.random() < 0.3:
            arguments["sort"] = rng.choice(["price", "newest", "harvest"])
        searches.append(arguments)
    return searches


def _answer(backend: WhooshBackend, arguments: dict, today) -> tuple:
    request = replace(read_request(arguments)[0], per_page=1_000)
    result = backend.search(request, today)
    return (result.total, result.facets, result.suggestion,
            [(hit.doc_id, hit.score, hit.price) for hit in result.hits])


def _answers(backend: WhooshBackend, searches: list[dict], today) -> list:
    return ([_answer(backend, arguments, today) for arguments in searches]
            + [backend.suggest(text, today) for text in SUGGESTED])


def _edits(rng: random.Random, today, documents: dict[str, dict], version: int) -> dict[str, dict | None]:
    """A batch of one to five changes: documents rewritten, removed, or added."""
    batch: dict[str, dict | None] = {}
    for _ in range(rng.randint(1, 5)):
        roll = rng.random()
        if roll < 0.6:
            old = documents[rng.choice(sorted(documents))]
            new = _documents(today, seed=rng.randrange(10**6), count=1, version=version)[0]
            batch[old["doc_id"]] = dict(new, doc_id=old["doc_id"], type=old["type"], object_id=old["object_id"])
        elif roll < 0.8:
            batch[rng.choice(sorted(documents))] = None
        else:
            start = 10_000 + version * 10 + len(batch)
            new = _documents(today, seed=rng.randrange(10**6), start=start, count=1, version=version)[0]
            batch[new["doc_id"]] = new
    for doc_id, document in batch.items():
        if document is None:
            documents.pop(doc_id, None)
        else:
            documents[doc_id] = document
    return batch


def test_carried_caches_answer_as_a_cold_searcher_through_batched_edits_and_merges(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MERGE_AFTER", 2)  # so that a few batches make Whoosh merge segments
    today = today_in_vietnam()
    rng = random.Random(21)
    documents = {d["doc_id"]: d for d in _documents(today, count=800)}
    writer = WhooshBackend(tmp_path)
    writer.rebuild(list(documents.values()))
    followed = WhooshBackend(tmp_path)  # one thread, each generation read through the previous one's caches
    searches = _searches(seed=21, count=60)
    _answers(followed, searches, today)
    carried = merges = 0
    segments_before = set(followed._reader.fast.segment_ids)
    for version in range(1, 9):
        writer.apply(_edits(rng, today, documents, version))
        through_carried = _answers(followed, searches, today)
        fast = followed._reader.fast
        assert fast.searcher.up_to_date()
        segments = set(fast.segment_ids)
        carried += sum(was is not None for was in fast._was)
        merges += bool(segments_before - segments)
        segments_before = segments
        cold = WhooshBackend(tmp_path)  # a new process's searcher: nothing carried over
        assert _answers(cold, searches, today) == through_carried, f"generation {version}"
        assert cold._reader.fast._was == [None] * len(cold._reader.fast.segment_ids)
    assert carried >= 8  # the big first segment at least, every time
    assert merges >= 1


def test_the_caches_of_segments_a_merge_removed_are_released_and_the_others_are_shared(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MERGE_AFTER", 2)
    today = today_in_vietnam()
    documents = _documents(today, count=600)
    writer = WhooshBackend(tmp_path)
    writer.rebuild(documents)
    reader = WhooshBackend(tmp_path)
    searches = _searches(seed=5, count=30)
    _answers(reader, searches, today)
    first = reader._reader.fast.segment_ids[0]
    for version in range(1, 12):  # one document a batch: Whoosh merges once there are five small segments
        fast = reader._reader.fast
        small = set(fast.segment_ids) - {first}
        released = [weakref.ref(found[0]) for key, found in fast.postings.items() if key[1] in small]
        shared = {key[2]: found[0] for key, found in fast.postings.items() if key[1] == first and key[0] == "ids"}
        old_reader = weakref.ref(fast)
        del fast
        changed = dict(documents[version], body="rambutan " + documents[version]["body"], fingerprint=f"v{version}")
        writer.apply({changed["doc_id"]: changed})
        _answers(reader, searches, today)
        if small - set(reader._reader.fast.segment_ids):
            break
    fast = reader._reader.fast
    assert first in fast.segment_ids and not small & set(fast.segment_ids), "no merge"
    assert released and shared
    assert not [key for key in fast.postings if key[1] not in fast.segment_ids]
    gc.collect()
    assert old_reader() is None
    assert [ref for ref in released if ref() is not None] == []
    carried_over = {key[2]: found[0] for key, found in fast.postings.items()
                    if key[1] == first and key[0] == "ids" and key[2] in shared}
    assert carried_over and all(ids is shared[term] for term, ids in carried_over.items())


def test_the_warmer_carries_the_caches_of_a_web_process_over_to_the_next_generation(tmp_path):
    today = today_in_vietnam()
    documents = _documents(today, count=1_200)
    indexer = WhooshBackend(tmp_path)
    indexer.rebuild(documents)
    web = WhooshBackend(tmp_path, warm=True)
    web.start_warming()
    deadline = time.monotonic() + PATIENCE
    while web._spare is None:
        assert time.monotonic() < deadline, "the warmer never got there"
        time.sleep(0.02)
    browse = read_request({})[0]
    before = web.search(browse, today).total

    changed = dict(next(d for d in documents if d["type"] == "listing" and d["state"] == "live"),
                   name="chôm chôm nhãn rambutan", fingerprint="changed")
    indexer.apply({changed["doc_id"]: changed})
    found = read_request({"q": "rambutan"})[0]
    while web.search(found, today).total != 1:
        assert time.monotonic() < deadline + PATIENCE, "the edit was never found"
        time.sleep(0.02)
    fast = web._reader.fast
    assert threading.current_thread() is threading.main_thread()
    assert len(fast.segment_ids) == 2
    assert fast._was[0] is not None and fast._was[1] is None  # the first segment carried, the new one read
    assert web.search(browse, today).total == before


def test_a_phrase_carried_over_leaves_out_the_documents_deleted_since(tmp_path):
    # A phrase's documents are walked over posting lists already filtered of their generation's
    # deletions; carried to the next generation after a deletion-only commit (no merge), the
    # document deleted since must not come back, alone or inside a combination.
    from whoosh import fields, index
    from whoosh import query as Q

    from marketplace.search.fast_reader import FastReader

    ix = index.create_in(str(tmp_path), fields.Schema(id=fields.ID(unique=True), body=fields.TEXT(phrase=True)))
    writer = ix.writer()
    for number in range(4):
        writer.add_document(id=str(number), body="thanh long ruot do")
    writer.add_document(id="4", body="xoai cat chu")
    writer.commit()
    phrase = Q.Phrase("body", ["thanh", "long"])
    queries = [phrase, Q.Or([phrase, Q.Term("body", "xoai")]), Q.And([phrase, Q.Term("body", "ruot")])]
    previous = FastReader(ix.searcher())
    assert [previous.docs(query).flags for query in queries] == [b"\1\1\1\1\0", b"\1\1\1\1\1", b"\1\1\1\1\0"]

    writer = ix.writer()
    writer.delete_by_term("id", "0")
    writer.commit(merge=False)
    carried = FastReader(ix.searcher(), previous=previous)
    assert carried._was[0] is not None  # the segment was carried over, with its phrase
    cold = FastReader(ix.searcher())
    assert [carried.docs(query).flags for query in queries] == [cold.docs(query).flags for query in queries]
    assert carried.docs(phrase).flags == b"\0\1\1\1\0"
    assert carried.docs(queries[1]).flags == b"\0\1\1\1\1"
