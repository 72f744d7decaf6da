"""A writer reading each document's field lengths once (store._RememberedLengths) writes the
same lengths as Whoosh's own: each term's block minimum and maximum lengths, its overall ones and
every document's field length."""

from __future__ import annotations

import random

from whoosh import fields, index

from marketplace.search import store

WORDS = ["xoai", "cat", "chu", "thanh", "long", "ruot", "do", "buoi", "da", "xanh", "ngot", "thom"]


def _index(path, batches: list[list[dict]], remembered: bool):
    schema = fields.Schema(id=fields.ID(stored=True, unique=True), name=fields.TEXT(),
                           body=fields.TEXT(phrase=False))
    path.mkdir()
    ix = index.create_in(str(path), schema)
    for batch in batches:
        writer = ix.writer()
        if remembered:
            store._remember_lengths(writer)
        for document in batch:
            writer.add_document(**document)
        writer.commit(merge=False)
    return ix


def _lengths(ix) -> dict:
    found = {}
    with ix.searcher() as searcher:
        for sub, _offset in searcher.leaf_searchers():
            reader = sub.reader()
            segment = []
            for fieldname in ("name", "body"):
                for text in reader.lexicon(fieldname):
                    info = reader.term_info(fieldname, text)
                    blocks = []  # each posting's block's (min, max) length
                    m = reader.postings(fieldname, text)
                    while m.is_active():
                        blocks.append((m.block_min_length(), m.block_max_length()))
                        m.next()
                    segment.append((fieldname, text, info.min_length(), info.max_length(), blocks))
                segment.append([reader.doc_field_length(docnum, fieldname)
                                for docnum in range(reader.doc_count_all())])
            found[len(found)] = segment
    return found


def test_remembered_lengths_write_whooshs_lengths(tmp_path):
    rng = random.Random(4)
    batches = [[{"id": f"{batch}-{number}",
                 "name": " ".join(rng.choices(WORDS, k=rng.randint(1, 6))),
                 "body": " ".join(rng.choices(WORDS, k=rng.randint(1, 60)))}
                for number in range(size)]
               for batch, size in enumerate([400, 40, 300])]
    plain = _lengths(_index(tmp_path / "plain", batches, remembered=False))
    ours = _lengths(_index(tmp_path / "ours", batches, remembered=True))
    assert ours == plain
    assert len(plain) == 3
    # several blocks per common term, and lengths that differ between blocks: the test can fail
    blocks = [entry[4] for segment in plain.values() for entry in segment if isinstance(entry, tuple)]
    assert any(len(b) > 1 and len(set(b)) > 1 for b in blocks)
