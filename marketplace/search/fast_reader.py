"""Evaluating a search a posting list at a time, with the same hits in the same order as Whoosh.

Whoosh's collectors walk the matcher tree one posting at a time in Python, which at 100,000
listings costs 100-500 ms a search. The same tree is evaluated here a posting list at a time:
each leaf's documents and scores are read a block at a time (and kept for the life of the
searcher), unions and intersections become set operations, and a document's score is summed
exactly as the tree sums it (UnionMatcher and IntersectionMatcher add a.score() + b.score(),
a boost multiplies), so hits, order, scores, totals and facets are Whoosh's own (compared with
its collectors on thousands of generated searches when this was written, and by
tests/unit/search/test_fast_paths.py on every run). A phrase's span matcher is walked by Whoosh
itself, once per searcher; any other kind of matcher, every time. Document sets are one flag
byte per document: itertools.compress and bytes.count then run in C, and the same bytes read as
an integer intersect in C.

One FastReader per open searcher (a new searcher gets a new one) holds that searcher's caches:
posting lists, document sets (each filter, each word, their combinations), columns and sort
orders. The engine ranks through `top`; `allowed`, `cached_docs` and `counts` give it filters
and facets.

A FastReader of a new generation of the index may start from the previous generation's
(`FastReader(searcher, previous=...)`): Whoosh segments never change once written (an update adds
a segment and marks documents deleted in older ones; a merge replaces segments by a new one), so
what was read of a segment the new generation still has, recognised by its segment id, is taken
over: its posting lists' document numbers, its part of every document set (with the documents
deleted since cleared), its part of every column and facet group, and its run of every sort
order. Only the new segments are read, and what depends on the whole collection is recomputed:
scores (BM25's document counts and lengths), sizes, the sets' integers. Segments the new
generation no longer has are not taken over, so their caches go with the previous reader.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from itertools import chain, compress, islice, repeat
from operator import add, eq, mul

from whoosh import query as Q
from whoosh import sorting
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher, IntersectionMatcher, NullMatcherClass, UnionMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2
from whoosh.scoring import WeightLengthScorer

LEAF_CACHE_POSTINGS = 2_000_000  # posting lists kept per searcher (and thread): about 12 bytes each
DOCSET_CACHE = 64  # document sets (filters, words) kept per searcher: about 2 bytes per indexed document each


class DocSet:
    """Document numbers as flag bytes (1 where a document is in the set) and as an integer."""

    __slots__ = ("flags", "_mask", "_ids")

    def __init__(self, flags: bytes, mask: int | None = None) -> None:
        self.flags = flags
        self._mask = mask
        self._ids: set[int] | None = None

    @property
    def mask(self) -> int:
        if self._mask is None:
            self._mask = int.from_bytes(self.flags, "little")
        return self._mask

    @property
    def ids(self) -> set[int]:
        """The document numbers as a set, the form Whoosh takes as a search's filter; made once,
        so never change it."""
        if self._ids is None:
            self._ids = set(self)
        return self._ids

    def __and__(self, other: DocSet) -> DocSet:
        mask = self.mask & other.mask
        return DocSet(mask.to_bytes(len(self.flags), "little"), mask)

    def __len__(self) -> int:
        return self.flags.count(1)

    def __iter__(self) -> Iterator[int]:
        return compress(range(len(self.flags)), self.flags)

    def count_with(self, other: DocSet) -> int:
        return (self.mask & other.mask).bit_count()


def _leaf_ids(m) -> array:
    """Every document number of an on-disk posting list, a block at a time."""
    ids = array("i")
    m.reset()  # a parent intersection moves its children on when it is built
    while m.is_active():
        m._read_ids()
        ids.extend(m._ids)
        m._next_block()
    return ids


def _leaf_scores(m) -> tuple[array, array]:
    """The document numbers of a posting list and each one's m.score(), a block at a time."""
    ids, scores = array("i"), array("d")
    scorer = m.scorer
    m.reset()
    if scorer is not None and type(scorer).score is WeightLengthScorer.score:
        score, length = scorer._score, scorer.dfl  # what WeightLengthScorer.score(m) calls
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            scores.extend([score(w, length(d)) for d, w in zip(m._ids, m._weights, strict=True)])
            m._next_block()
        return ids, scores
    while m.is_active():
        ids.append(m.id())
        scores.append(m.score())
        m.next()
    return ids, scores


def _leaf_raw(m) -> tuple[array, array, array]:
    """The document numbers of a posting list, each one's weight and field length: what a
    WeightLengthScorer scores, and the same in every generation of the index (the scorer's
    collection statistics are not)."""
    ids, weights, lengths = array("i"), array("d"), array("d")
    length = m.scorer.dfl
    m.reset()
    while m.is_active():
        m._read_ids()
        m._read_weights()
        ids.extend(m._ids)
        weights.extend(list(m._weights))  # whatever kind of array the block holds
        lengths.extend(map(length, m._ids))
        m._next_block()
    return ids, weights, lengths


def _within(postings: tuple[array, array], within: bytes, wanted: int) -> dict[int, float]:
    """A posting list's scores, dropping (at C speed) the documents not flagged in `within` when
    they are most of the list; `wanted` is how many are flagged."""
    ids, scores = postings
    if wanted * 4 > len(ids):
        return dict(zip(ids, scores, strict=True))
    return dict(compress(zip(ids, scores, strict=True), map(within.__getitem__, ids)))


def _sums(a: dict[int, float], b: dict[int, float]) -> Iterator[tuple[int, float]]:
    """(document, a + b) for the documents in both: what UnionMatcher and IntersectionMatcher
    score them (a.score() + b.score()), iterated in C."""
    both = list(a.keys() & b.keys())
    return zip(both, map(add, map(a.__getitem__, both), map(b.__getitem__, both)), strict=True)


def _walk(m) -> dict[int, float]:
    scores = {}
    while m.is_active():
        scores[m.id()] = m.score()
        m.next()
    return scores


def _segment_of(sub) -> tuple[str | None, frozenset]:
    """A leaf searcher's segment id and its deleted documents; no id (nothing carried over) for a
    reader that is not one segment's."""
    reader = sub.reader()
    segment = getattr(reader, "segment", lambda: None)()
    deleted = getattr(reader, "deleted_docs_set", None)
    if segment is None or deleted is None:
        return None, frozenset()
    return segment.segment_id(), deleted


def _snapshot(mapping) -> list:
    """A mapping's items, taken in one call (another thread may be adding to it)."""
    for _ in range(10):
        try:
            return list(mapping.items())
        except RuntimeError:  # changed size while being copied: try again
            continue
    return []


class FastReader:
    """One searcher's set-at-a-time evaluator and its caches (posting lists, filter document sets,
    columns, sort orders); a new searcher gets a new one, which may take over what the previous
    generation's reader read of the segments both have (see the module)."""

    def __init__(self, searcher, previous: FastReader | None = None) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self.segments = list(searcher.leaf_searchers())
        # Each segment as (id, deleted documents, offset, length): what is carried over goes by id.
        self.layout = [(*_segment_of(sub), offset, sub.doc_count_all()) for sub, offset in self.segments]
        self.segment_ids = [segid for segid, _deleted, _offset, _length in self.layout]
        self.docsets: OrderedDict[str, DocSet] = OrderedDict()
        self.postings: OrderedDict[tuple, tuple] = OrderedDict()
        self.posting_count = 0
        self.columns: dict[str, list] = {}
        self.orders: dict[tuple[str, bool], list[int]] = {}
        # Taken over from the previous generation, per key: each segment's part (None: to read).
        self._set_parts: dict[str, list[bytes | None]] = {}
        self._column_parts: dict[str, list[list | None]] = {}
        self._group_parts: dict[str, list[tuple[object, list[bytes | None]]]] = {}
        self._order_runs: dict[str, list[tuple[int, int, list[int] | None]]] = {}
        self._was: list[tuple[int, frozenset] | None] = [None] * len(self.layout)
        if previous is not None:
            self._take_over(previous)

    # carrying caches over from the previous generation
    def _take_over(self, previous: FastReader) -> None:
        before = {segid: (deleted, offset) for segid, deleted, offset, _length in previous.layout
                  if segid is not None}
        # For each segment of this generation that the previous one had: where it was there, and
        # the documents deleted since (None when some were undeleted: then it is read again).
        self._was = []
        for segid, deleted, _offset, _length in self.layout:
            was = before.get(segid)
            if was is None or not was[0] <= deleted:
                self._was.append(None)
            else:
                self._was.append((was[1], deleted - was[0]))
        if not any(was is not None for was in self._was):
            return
        # Each carried segment's documents deleted since the previous generation.
        kept = {segid: was[1] for segid, was in zip(self.segment_ids, self._was, strict=True) if was is not None}
        for key, value in _snapshot(previous.postings):
            kind, segid = key[0], key[1]
            if segid not in kept:
                continue
            if kind == "raw":
                self._keep(key, value)
            elif kind in ("ids", "scores"):
                # A leaf's on-disk posting list, deletions not applied (the FilterMatcher above it
                # applies this generation's): still true.
                self._keep(("ids", segid, key[2]), (value[0],))
            elif kind in ("span", "spanids"):
                # A phrase was walked over leaves already filtered of that generation's deletions:
                # the documents deleted since must go too.
                newly_deleted = kept[segid]
                ids = value[0]
                if newly_deleted:
                    ids = array("i", [docnum for docnum in ids if docnum not in newly_deleted])
                self._keep(("spanids", *key[1:]), (ids,))
        for key, docs in _snapshot(previous.docsets):
            self._set_parts[key] = self._parts_of(docs.flags, clear=True)
        for key, values in _snapshot(previous.columns):
            if values is None:
                continue
            if key.startswith("groups:"):
                self._group_parts[key] = [(value, self._parts_of(docs.flags)) for value, docs in values]
            else:
                self._column_parts[key] = self._parts_of(values)
        for (name, reverse), order in _snapshot(previous.orders):
            if not reverse:
                self._order_runs[name] = self._runs_of(order, previous.size)

    def _parts_of(self, values, clear: bool = False) -> list:
        """The previous generation's values (flags, a column) cut into this generation's segments:
        None for a segment it did not have; with `clear`, the documents deleted since unflagged."""
        parts = []
        for (_segid, _deleted, _offset, length), was in zip(self.layout, self._was, strict=True):
            if was is None:
                parts.append(None)
                continue
            start, newly_deleted = was
            part = values[start:start + length]
            if clear and newly_deleted:
                part = bytearray(part)
                for docnum in newly_deleted:
                    part[docnum] = 0
                part = bytes(part)
            parts.append(part)
        return parts

    def _runs_of(self, order: list[int], previous_size: int) -> list[tuple[int, int, list[int] | None]]:
        """A sort order of the previous generation as each segment's run: (offset, length, that
        segment's document numbers here in the order's order, or None for a segment to sort).
        Small segments are left to sort: cutting a run out costs a pass over the whole order."""
        runs = []
        for (_segid, _deleted, offset, length), was in zip(self.layout, self._was, strict=True):
            if was is None or length * 16 < self.size:
                runs.append((offset, length, None))
                continue
            start = was[0]
            inside = b"\0" * start + b"\1" * length + b"\0" * (previous_size - start - length)
            run = list(compress(order, map(inside.__getitem__, order)))
            if start != offset:
                run = list(map(add, run, repeat(offset - start)))
            runs.append((offset, length, run))
        return runs

    def _keep(self, key: tuple, found: tuple) -> None:
        if key in self.postings:
            return
        self.postings[key] = found
        self.posting_count += len(found[0])
        while self.posting_count > LEAF_CACHE_POSTINGS and len(self.postings) > 1:
            _, old = self.postings.popitem(last=False)
            self.posting_count -= len(old[0])

    def _kept(self, key: tuple, make):
        """A cached posting list (ids, or ids and scores), least recently used out first."""
        found = self.postings.get(key)
        if found is not None:
            self.postings.move_to_end(key)
            return found
        found = make()
        self._keep(key, found)
        return found

    def _fresh_span(self, m, segment: int):
        """A new copy of a phrase's span matcher over its whole posting lists, or None."""
        leaves = []
        for child in m.ms:
            leaf = child.child if type(child) is FilterMatcher else child
            if type(leaf) is not W3LeafMatcher:
                return None
            leaves.append(leaf)
        reader = self.segments[segment][0].reader()
        fresh = [reader.postings(*leaf.term(), scorer=leaf.scorer) for leaf in leaves]
        key = ("span", self.segment_ids[segment], tuple(leaf.term() for leaf in leaves),
               tuple(type(leaf.scorer).__name__ for leaf in leaves), m.slop, m.ordered, m.mindist)
        return key, type(m)(fresh, slop=m.slop, ordered=m.ordered, mindist=m.mindist)

    def _span(self, m, segment: int) -> tuple[array, array] | None:
        found = self._fresh_span(m, segment)
        return None if found is None else self._span_of(*found)

    def _span_of(self, key: tuple, fresh) -> tuple[array, array]:
        def make():
            scores = _walk(fresh)
            return array("i", scores), array("d", scores.values())
        return self._kept(key, make)

    # which documents match
    def _ids(self, m, segment: int) -> Iterable[int]:
        kind = type(m)
        if kind is NullMatcherClass or not m.is_active():
            return ()
        if kind is W3LeafMatcher:
            segid = self.segment_ids[segment]
            scored = self.postings.get(("scores", segid, m.term(), type(m.scorer), None))
            if scored is not None:
                return scored[0]
            return self._kept(("ids", segid, m.term()), lambda: (_leaf_ids(m),))[0]
        if kind is UnionMatcher:
            return set(self._ids(m.a, segment)).union(self._ids(m.b, segment))
        if kind is IntersectionMatcher:
            return set(self._ids(m.a, segment)).intersection(self._ids(m.b, segment))
        if kind is WrappingMatcher:
            return self._ids(m.child, segment)
        if kind is FilterMatcher:
            ids = set(self._ids(m.child, segment))
            return ids.difference(m._ids) if m._exclude else ids.intersection(m._ids)
        if kind is SpanNear2.SpanNear2Matcher:
            found = self._fresh_span(m, segment)
            if found is not None:
                key, fresh = found
                carried = self.postings.get(("spanids", *key[1:]))
                return carried[0] if carried is not None else self._span_of(key, fresh)[0]
        return list(m.all_ids())

    def docs(self, query: Q.Query) -> DocSet:
        """The documents matching a query: read from the segments whose part was not carried over
        from the previous generation."""
        parts = self._set_parts.get(repr(query))
        flags = bytearray(self.size)
        # needs_current: a numeric range would otherwise read its documents one at a time into a
        # ListMatcher (ConstantScoreQuery) before we see it.
        context = self.searcher.boolean_context().set(needs_current=True)
        for segment, (sub, offset) in enumerate(self.segments):
            if parts is not None and parts[segment] is not None:
                flags[offset:offset + len(parts[segment])] = parts[segment]
                continue
            for docnum in self._ids(query.matcher(sub, context), segment):
                flags[docnum + offset] = 1
        return DocSet(bytes(flags))

    def matches(self, query: Q.Query) -> DocSet:
        """The documents matching a search's words: each word's (or phrase's) set is cached, an
        And of them is intersected."""
        if type(query) is Q.And and query.subqueries:
            docs = self.cached_docs(query.subqueries[0])
            for part in query.subqueries[1:]:
                docs = docs & self.cached_docs(part)
            return docs
        return self.cached_docs(query)

    def cached_docs(self, query: Q.Query) -> DocSet:
        return self._cached(repr(query), lambda: self.docs(query))

    def _cached(self, key: str, make) -> DocSet:
        docs = self.docsets.get(key)
        if docs is None:
            parts = self._set_parts.pop(key, None)
            if parts is not None and None not in parts:
                docs = DocSet(b"".join(parts))  # every segment's part carried over
            else:
                if parts is not None:
                    self._set_parts[key] = parts  # for make(), which may read only the new segments
                docs = make()
                self._set_parts.pop(key, None)
            self.docsets[key] = docs
            if len(self.docsets) > DOCSET_CACHE:
                self.docsets.popitem(last=False)
        else:
            self.docsets.move_to_end(key)
        return docs

    def allowed(self, parts: list[Q.Query]) -> DocSet:
        """The documents passing every filter: each filter and the combination cached."""
        def make():
            docs = self.cached_docs(parts[0])
            for part in parts[1:]:
                docs = docs & self.cached_docs(part)
            return docs
        return self._cached("&".join(repr(part) for part in parts), make)

    # how well they match
    def _scores(self, m, segment: int, within: bytes, wanted: int) -> dict[int, float]:
        """Each matching document's score; documents not flagged in `within` (which holds every
        match that can be kept) may be dropped at the leaves, which changes no kept document's sum."""
        kind = type(m)
        if kind is NullMatcherClass or not m.is_active():
            return {}
        if kind is UnionMatcher:
            a, b = self._scores(m.a, segment, within, wanted), self._scores(m.b, segment, within, wanted)
            scores = {**a, **b}
            scores.update(_sums(a, b))
            return scores
        if kind is IntersectionMatcher:
            return dict(_sums(self._scores(m.a, segment, within, wanted), self._scores(m.b, segment, within, wanted)))
        if kind is WrappingMatcher:
            boost, child = m.boost, m.child
            if type(child) is W3LeafMatcher:
                def boosted():
                    ids, scores = self._leaf(child, segment)
                    return ids, array("d", [score * boost for score in scores])
                key = ("scores", self.segment_ids[segment], child.term(), type(child.scorer), boost)
                return _within(self._kept(key, boosted), within, wanted)
            scores = self._scores(child, segment, within, wanted)
            return dict(zip(scores, map(mul, scores.values(), repeat(boost)), strict=True))
        if kind is FilterMatcher:
            ids, boost = m._ids, m.boost
            child = self._scores(m.child, segment, within, wanted).items()
            if m._exclude:
                return {docnum: score * boost for docnum, score in child if docnum not in ids}
            return {docnum: score * boost for docnum, score in child if docnum in ids}
        if kind is W3LeafMatcher:
            return _within(self._leaf(m, segment), within, wanted)
        if kind is SpanNear2.SpanNear2Matcher:
            span = self._span(m, segment)
            if span is not None:
                return _within(span, within, wanted)
        return _walk(m)  # anything else: Whoosh's own walk

    def _leaf(self, m, segment: int) -> tuple[array, array]:
        segid = self.segment_ids[segment]

        def make():
            scorer = m.scorer
            if scorer is not None and type(scorer).score is WeightLengthScorer.score:
                # What WeightLengthScorer.score(m) computes, from weights and lengths kept (and
                # carried over to the next generation, whose scorer has new statistics).
                ids, weights, lengths = self._kept(("raw", segid, m.term()), lambda: _leaf_raw(m))
                return ids, array("d", map(scorer._score, weights, lengths))
            return _leaf_scores(m)
        return self._kept(("scores", segid, m.term(), type(m.scorer), None), make)

    def best(self, query: Q.Query, allowed: DocSet, limit: int) -> tuple[list[tuple[float, int]], DocSet]:
        """The `limit` best (score, document) among the allowed matches, in Whoosh's order
        (higher score first, then lower document number), and every allowed match."""
        matched = self.matches(query) & allowed
        flags = matched.flags
        context = self.searcher.context()
        kept: list[tuple[float, int]] = []
        for segment, (sub, offset) in enumerate(self.segments):
            within = flags[offset:offset + sub.doc_count_all()]
            scores = self._scores(query.matcher(sub, context), segment, within, within.count(1))
            kept += [(score, -docnum - offset) for docnum, score in scores.items() if within[docnum]]
        return [(score, -negative) for score, negative in heapq.nlargest(limit, kept)], matched

    # columns and sort orders
    def column(self, name: str) -> list | None:
        """Each document's sort key in a column, as Whoosh's ColumnCategorizer reads it; None when
        no segment has the column (Whoosh then sorts and groups by postings instead)."""
        if name not in self.columns:
            values = None
            if self.searcher.reader().has_column(name):
                values = []
                parts = self._column_parts.pop(name, None) or [None] * len(self.segments)
                for (sub, _offset), part in zip(self.segments, parts, strict=True):
                    values.extend(sub.reader().column_reader(name, translate=False) if part is None else part)
            self.columns[name] = values
        return self.columns[name]

    def names(self, name: str) -> list | None:
        """Each document's value in a column as a facet names it (Categorizer.key_to_name)."""
        key = "names:" + name
        if key not in self.columns:
            keys, values = self.column(name), None
            if keys is not None:
                convert = self.searcher.schema[name].from_column_value
                parts = self._column_parts.pop(key, None) or [None] * len(self.segments)
                values = []
                for (_sub, offset), length, part in zip(self.segments, self._lengths(), parts, strict=True):
                    if part is None:
                        part = keys[offset:offset + length]
                        names = {raw: convert(raw) for raw in set(part)}
                        part = [names[raw] for raw in part]
                    values.extend(part)
            self.columns[key] = values
        return self.columns[key]

    def counts(self, name: str, matched: DocSet) -> dict:
        """How many matched documents have each value of a column (Whoosh's facet counts, with
        no zero counts): one intersection per value where the values are few."""
        if not len(matched):
            return {}
        key = "groups:" + name
        if key not in self.columns:
            values, groups = self.names(name), None
            carried = dict(self._group_parts.pop(key, None) or ())
            if values is not None and len(distinct := set(values)) <= 64:
                groups = [(value, DocSet(self._group_flags(values, value, carried))) for value in distinct]
            self.columns[key] = groups
        groups = self.columns[key]
        if groups is not None:
            return {value: count for value, docs in groups if (count := matched.count_with(docs))}
        values = self.names(name)
        if values is not None:
            return Counter(compress(values, matched.flags))
        results = self.searcher.search(Q.Every(), filter=set(matched), limit=None, maptype=sorting.Count,
                                       groupedby={name: sorting.FieldFacet(name)})
        return results.groups(name)

    def _lengths(self) -> list[int]:
        return [length for _segid, _deleted, _offset, length in self.layout]

    def _group_flags(self, values: list, value, carried: dict) -> bytes:
        """Which documents have `value` in a column: the segments' parts carried over where there
        are (a value the previous generation did not have is in none of its segments)."""
        parts = carried.get(value)
        if not carried:
            return bytes(map(eq, values, repeat(value)))
        flags = []
        for (_sub, offset), length, was, part in zip(self.segments, self._lengths(), self._was,
                                                     parts or repeat(None), strict=False):
            if part is not None:
                flags.append(part)
            elif was is not None and parts is None:
                flags.append(bytes(length))
            else:
                flags.append(bytes(map(eq, values[offset:offset + length], repeat(value))))
        return b"".join(flags)

    def _sorted(self, name: str, keys: list) -> list[int]:
        """Every document by (sort key, document number). Sorting the previous generation's runs
        with the new segments' documents is sorting a few presorted runs (Timsort merges them); it
        is stable, so equal keys stay in document order, as in a sort of every document."""
        runs = self._order_runs.pop(name, None)
        if runs is None:
            return sorted(range(self.size), key=keys.__getitem__)
        every = chain.from_iterable(range(offset, offset + length) if run is None else run
                                    for offset, length, run in runs)
        return sorted(every, key=keys.__getitem__)

    def first(self, name: str, reverse: bool, matched: DocSet, limit: int) -> list[int]:
        """The first `limit` matches by (sort key, document number), or the reverse order:
        Whoosh's SortingCollector order."""
        if not len(matched):
            return []
        order = self.orders.get((name, reverse))
        if order is None:
            forward = self.orders.get((name, False))
            if forward is None:
                keys = self.column(name)
                if keys is None:
                    results = self.searcher.search(Q.Every(), filter=set(matched), limit=limit, sortedby=name,
                                                   reverse=reverse)
                    return [hit.docnum for hit in results]
                forward = self.orders[(name, False)] = self._sorted(name, keys)
            order = self.orders[(name, reverse)] = forward[::-1] if reverse else forward
        return list(islice(compress(order, map(matched.flags.__getitem__, order)), limit))

    # the one way in for ranking
    def top(self, query: Q.Query, allowed: DocSet, limit: int,
            sort: tuple[str, bool] | None = None) -> tuple[list[tuple[float | None, int]], DocSet]:
        """The first `limit` (score, document) among the allowed matches of `query` and every allowed
        match: by relevance, or by `sort` (a column and whether reversed; no score then)."""
        if sort is None:
            return self.best(query, allowed, limit)
        matched = allowed if isinstance(query, Q.Every) else self.matches(query) & allowed
        return [(None, docnum) for docnum in self.first(*sort, matched, limit)], matched
