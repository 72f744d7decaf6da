"""The search engine behind a small interface: Whoosh, on disk or (for tests) in memory.

Layout on disk: SEARCH_INDEX_DIR/current is a symbolic link to a build-<stamp> folder. A rebuild
writes a new folder and swaps the link atomically (os.replace), so readers never see a half-built
index and a crash during a rebuild leaves the old one in place. Incremental updates commit into
the current folder; Whoosh writes a new table of contents under a temporary name and renames
it, so a process killed mid-commit leaves the previous generation readable (its stray segment
files are swept by the next commit).

One indexer writes: `rebuild` and `apply` run under `lock()` (a file lock beside the index, so
it holds across processes); web workers only read. `memory://` keeps the same engine in RAM.

Whoosh pitfalls handled here: never call Searcher.refresh() (after another process merged
segments it returns duplicate hits) — a new searcher is opened when up_to_date() is false; a
second writer fails at once unless given a timeout; and Whoosh never fsyncs, which is why the
index is only ever derived from the database.

Speed: searchers stay open (one per thread: Whoosh readers are not thread-safe); a search is
evaluated a posting list at a time rather than Whoosh's posting at a time (see _FastReader, with
the same hits in the same order), and the posting lists, the document sets behind each filter,
columns and sort orders are cached per searcher, so a filter costs one set intersection.
"""

from __future__ import annotations

import heapq
import json
import os
import re
import shutil
import threading
import time
import unicodedata
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import compress, islice, repeat
from operator import add, eq, mul
from pathlib import Path
from typing import Protocol

from filelock import FileLock
from filelock import Timeout as FileLockTimeout
from markupsafe import Markup
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh import sorting
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.idsets import BitSet
from whoosh.matching import FilterMatcher, IntersectionMatcher, NullMatcherClass, UnionMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2
from whoosh.scoring import WeightLengthScorer
from whoosh.util.filelock import try_for

from marketplace.search.analysis import WORD, Word, accented_analyzer, folded_analyzer, folded_word, read_words
from marketplace.search.documents import CERTIFICATE_TYPES, FOREVER, NO_PRICE, SNIPPET_CHARS
from marketplace.search.highlight import highlight
from marketplace.search.query import SearchRequest
from marketplace.vietnamese import fold

CURRENT = "current"
STATE_FILE = "outbox-state.json"
FORMAT_FILE = "format"
# Bump when the schema or an analyzer changes: `exists()` then says no for an index built
# before, and the next sync rebuilds it (searches keep reading the old one until the swap).
# 2: accented twins of org, place and body; tone marks placed one way (hòa, not hoà).
INDEX_FORMAT = "2"
WRITE_TIMEOUT = 30.0  # seconds a second writer waits for the first before giving up
FACET_LIMIT = 12

# How much a match in each field counts. Product and variety names decide; where and who come
# next; the free description last.
WEIGHTS = {"name": 4.0, "org": 1.5, "place": 1.5, "body": 1.0}
TEXT_FIELDS = tuple(WEIGHTS)
# Each text field's accented twin: a word typed with accents is looked up there only.
EXACT_FIELDS = {name: f"{name}_exact" for name in TEXT_FIELDS}
# The word as typed, accents and all, counts twice a folded match: "xoài" found as "Xoài" above
# "xoai" in text written without accents.
EXACT_WEIGHT = 2.0
TYPO_WEIGHT = 2.0
# One edit is allowed in a word that occurs in no document: from five letters on its own
# ("montong"), from three when another word of the query occurs ("xoai cat chuu"). A word that
# occurs is never stretched: "cat" must not also find cao, cam and chat.
TYPO_MIN_LENGTH = 5
SHORT_TYPO_MIN_LENGTH = 3


class IndexBusy(Exception):
    """Another process is writing the index."""


class IndexUnwritable(Exception):
    """The index folder cannot be written: read-only, a full disk, a file-size limit.

    Nothing is lost: the position in the outbox only advances after the index is written, so the
    changes wait in the database until the folder can be written again.
    """

    def __init__(self, folder: Path | None, error: OSError) -> None:
        self.folder = folder
        self.error = error
        self.reason = error.strerror or str(error)
        super().__init__(f"the search index folder {folder} cannot be written ({self.reason}"
                         + (f": {error.filename}" if error.filename else "") + ")")


def make_schema() -> Schema:
    folded, accented = folded_analyzer(), accented_analyzer()
    schema = Schema(
        doc_id=ID(stored=True, unique=True),
        type=ID(stored=True, sortable=True),
        object_id=STORED(),
        ref=STORED(),
        org_id=ID(stored=True),
        org_name=STORED(),
        kind=STORED(),
        title=STORED(),
        name=TEXT(analyzer=folded, spelling=True),
        name_exact=TEXT(analyzer=accented),
        org=TEXT(analyzer=folded),
        org_exact=TEXT(analyzer=accented),
        place=TEXT(analyzer=folded),
        place_exact=TEXT(analyzer=accented),
        body=TEXT(analyzer=folded, stored=True),
        body_exact=TEXT(analyzer=accented),
        category=ID(stored=True, sortable=True),
        commune_code=ID(stored=True, sortable=True),
        province_code=ID(stored=True),
        state=ID(),
        live_until=NUMERIC(bits=32),
        window_from=NUMERIC(bits=32, sortable=True),
        window_to=NUMERIC(bits=32),
        price=NUMERIC(bits=64, sortable=True, stored=True),
        published=NUMERIC(bits=64, sortable=True),
        quantity=STORED(),
        unit=STORED(),
        fingerprint=STORED(),
    )
    for name in [f"{c}_until" for c in CERTIFICATE_TYPES] + ["ocop3_until", "ocop4_until", "ocop5_until",
                                                              "code_until"]:
        schema.add(name, NUMERIC(bits=32))
    return schema


def _index_fields(document: dict) -> dict:
    fields = {k: v for k, v in document.items() if v is not None}
    fields["body"] = document["body"][:SNIPPET_CHARS * 4]
    for name, exact in EXACT_FIELDS.items():
        fields[exact] = fields.get(name) or ""
    return fields


@dataclass(frozen=True)
class Hit:
    doc_id: str
    type: str
    object_id: int
    ref: str
    title: str
    org_id: int | None
    org_name: str
    score: float
    highlight: Markup
    snippet: Markup
    price: int | None = None


@dataclass
class SearchResult:
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean", when nothing matched
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class Applied:
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


class SearchBackend(Protocol):
    def rebuild(self, documents: Iterable[dict], state: dict | None = None) -> int: ...
    def read_state(self) -> dict: ...
    def write_state(self, state: dict) -> None: ...
    def exists(self) -> bool: ...
    def apply(self, documents: dict[str, dict | None]) -> Applied: ...
    def doc_ids_of_orgs(self, org_ids: Iterable[int]) -> set[str]: ...
    def fingerprints(self) -> dict[str, str]: ...
    def search(self, request: SearchRequest, today: date, *, facets: bool = True,
               decorate: bool = True, known: Callable[[str], bool] | None = None) -> SearchResult: ...
    def knows(self, folded: str) -> bool: ...
    def suggest(self, text: str, today: date, limit: int = 8) -> list[str]: ...
    def lock(self, timeout: float = WRITE_TIMEOUT): ...


@contextmanager
def _writer(ix, timeout: float, **options) -> Iterator:
    """A Whoosh writer whose lock is released whatever fails: committed when the block ends,
    cancelled on an error.

    Whoosh takes its WRITELOCK inside SegmentWriter's constructor and does not release it when
    the constructor then fails (a full disk while it creates the segment's files), which left a
    long-running worker unable ever to write again ("another process is writing the index"). So
    the lock is taken here and the writer is told not to take it.
    """
    writelock = ix.lock("WRITELOCK")
    if not try_for(writelock.acquire, timeout=timeout, delay=0.1):
        raise IndexBusy()
    try:
        writer = ix.writer(_lk=False, **options)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    finally:
        writelock.release()


def _write_json(path: Path, data: dict) -> None:
    """Written whole or not at all: a temporary file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, path)


# -- queries ------------------------------------------------------------------------------

def _exact_parts(word: Word) -> list[Q.Query]:
    """A word typed with accents, in the accented fields: as typed, or as text written without
    any accents stores it ("dứa" finds "dua xiem" typed plainly, never "dừa")."""
    plain = fold(word.accented)
    parts = []
    for name, exact in EXACT_FIELDS.items():
        parts.append(Q.Term(exact, word.accented, boost=WEIGHTS[name] * EXACT_WEIGHT))
        parts.append(Q.Term(exact, plain, boost=WEIGHTS[name]))
    return parts


def _swaps(word: str) -> list[str]:
    """The word with two neighbouring letters swapped, the first letter kept (as FuzzyTerm's
    prefix keeps it)."""
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)}
    return sorted(swapped - {word})


def word_query(word: Word, *, known: bool = True, settled: bool = False, marks_found: bool = True) -> Q.Query:
    """One word of the box. `known`: the word occurs in some document (no edit is allowed then);
    `settled`: another word of the query occurs, so a short unknown word may be read with one
    edit; `marks_found`: a word typed with accents occurs so written somewhere — when it does not
    ("xoại", a slip of the tone mark), it is also read without its accents, below every exact
    match. Each reading of residue ("cats": cát, and cats) is looked up."""
    parts: list[Q.Query] = []
    for reading in word.readings():
        if reading.exact:
            parts += _exact_parts(reading)
            if not marks_found:
                parts += [Q.Term(name, reading.folded, boost=TYPO_WEIGHT) for name in TEXT_FIELDS]
        else:
            parts += [Q.Term(name, reading.folded, boost=WEIGHTS[name]) for name in TEXT_FIELDS]
        length = len(reading.folded)
        if not known and (length >= TYPO_MIN_LENGTH or (settled and length >= SHORT_TYPO_MIN_LENGTH)):
            # Below any exact match: a typo's reading ranks after the words typed right.
            parts.append(Q.FuzzyTerm("name", reading.folded, boost=TYPO_WEIGHT, maxdist=1, prefixlength=1))
            # Whoosh counts two neighbours swapped ("xoia") as two edits; people make it as one.
            parts += [Q.Term("name", swapped, boost=TYPO_WEIGHT) for swapped in _swaps(reading.folded)]
    unique = list({repr(part): part for part in parts}.values())
    return unique[0] if len(unique) == 1 else Q.Or(unique)


def phrase_query(words: list[Word]) -> Q.Query:
    folded = [w.folded for w in words]
    phrase = Q.Or([Q.Phrase(name, folded, boost=WEIGHTS[name]) for name in TEXT_FIELDS])
    exact = [w for w in words if w.exact]
    if not exact:
        return phrase
    # The order comes from the folded phrase (positions are not kept for the accented fields);
    # each word typed with accents must also match as written, and adds its score as a word does.
    return Q.And([phrase] + [Q.Or(_exact_parts(w)) for w in exact])


def text_query(request: SearchRequest, known: Callable[[str], bool] | None = None) -> Q.Query:
    """The words and phrases of the box, all required. `known(folded)` says whether a folded
    word occurs in any document; without it every word counts as unknown and only long words
    are read with one edit (what the query alone can tell)."""
    parsed = request.parsed
    occurs = [bool(known) and any(known(r.folded) for r in w.readings()) for w in parsed.words]
    in_phrases = bool(known) and any(known(w.folded) for p in parsed.phrases for w in p)
    parts = []
    for i, word in enumerate(parsed.words):
        settled = in_phrases or any(o for j, o in enumerate(occurs) if j != i)
        marks_found = not known or not word.exact or known(word.accented)
        parts.append(word_query(word, known=occurs[i], settled=settled, marks_found=marks_found))
    parts += [phrase_query(p) for p in parsed.phrases]
    if not parts:
        return Q.Every()
    return parts[0] if len(parts) == 1 else Q.And(parts)


def _from(field_name: str, day: int) -> Q.Query:
    return Q.NumericRange(field_name, day, None)


def filter_parts(request: SearchRequest, today: date) -> list[Q.Query]:
    """Each filter as its own query, so that each one's documents can be cached apart."""
    day = today.toordinal()
    parts: list[Q.Query] = [Q.Term("state", "live"), _from("live_until", day)]
    if request.type:
        parts.append(Q.Term("type", request.type))
    if request.category:
        parts.append(Q.Term("category", request.category))
    if request.commune:
        parts.append(Q.Term("commune_code", request.commune))
    for certificate in request.certificates:
        parts.append(_from(f"{certificate}_until", day))
    if request.min_ocop:
        parts.append(_from(f"ocop{max(3, request.min_ocop)}_until", day))
    if request.has_planting_code:
        parts.append(_from("code_until", day))
    if request.available_to:
        parts.append(Q.NumericRange("window_from", None, request.available_to.toordinal()))
    if request.available_from:
        parts.append(_from("window_to", request.available_from.toordinal()))
    if request.price_min is not None or request.price_max is not None:
        high = request.price_max if request.price_max is not None else NO_PRICE - 1
        parts.append(Q.NumericRange("price", request.price_min, high))
    return parts


def credential_facets(today: date) -> dict[str, Q.Query]:
    day = today.toordinal()
    facets = {c: _from(f"{c}_until", day) for c in CERTIFICATE_TYPES}
    facets |= {f"ocop{n}": _from(f"ocop{n}_until", day) for n in (3, 4, 5)}
    facets["planting_code"] = _from("code_until", day)
    return facets


SORT_FIELDS = {"price": ("price", False), "newest": ("published", True), "harvest": ("window_from", False)}


# -- evaluating a search a set at a time ----------------------------------------------------
# Whoosh's collectors walk the matcher tree one posting at a time in Python, which at 100,000
# listings costs 100-500 ms a search. The same tree is evaluated here a posting list at a time:
# each leaf's documents and scores are read a block at a time (and kept for the life of the
# searcher), unions and intersections become set operations, and a document's score is summed
# exactly as the tree sums it (UnionMatcher and IntersectionMatcher add a.score() + b.score(),
# a boost multiplies), so hits, order, scores, totals and facets are Whoosh's own (compared with
# its collectors on thousands of generated searches when this was written). A phrase's span
# matcher is walked by Whoosh itself, once per searcher; any other kind of matcher, every time.
# Document sets are one flag byte per document: itertools.compress and bytes.count then run in
# C, and the same bytes read as an integer intersect in C.

LEAF_CACHE_POSTINGS = 2_000_000  # posting lists kept per searcher (and thread): about 12 bytes each
DOCSET_CACHE = 64  # document sets (filters, words) kept per searcher: about 2 bytes per indexed document each


class _DocSet:
    """Document numbers as flag bytes (1 where a document is in the set) and as an integer."""

    __slots__ = ("flags", "_mask")

    def __init__(self, flags: bytes, mask: int | None = None) -> None:
        self.flags = flags
        self._mask = mask

    @property
    def mask(self) -> int:
        if self._mask is None:
            self._mask = int.from_bytes(self.flags, "little")
        return self._mask

    def __and__(self, other: _DocSet) -> _DocSet:
        mask = self.mask & other.mask
        return _DocSet(mask.to_bytes(len(self.flags), "little"), mask)

    def __len__(self) -> int:
        return self.flags.count(1)

    def __iter__(self) -> Iterator[int]:
        return compress(range(len(self.flags)), self.flags)

    def count_with(self, other: _DocSet) -> int:
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


class _FastReader:
    """One searcher's set-at-a-time evaluator and its caches (posting lists, filter document sets,
    columns, sort orders); a new searcher gets a new one."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self.segments = list(searcher.leaf_searchers())
        self.docsets: OrderedDict[str, _DocSet] = OrderedDict()
        self.postings: OrderedDict[tuple, tuple] = OrderedDict()
        self.posting_count = 0
        self.columns: dict[str, list] = {}
        self.orders: dict[tuple[str, bool], list[int]] = {}

    def _kept(self, key: tuple, make):
        """A cached posting list (ids, or ids and scores), least recently used out first."""
        found = self.postings.get(key)
        if found is not None:
            self.postings.move_to_end(key)
            return found
        found = self.postings[key] = make()
        self.posting_count += len(found[0])
        while self.posting_count > LEAF_CACHE_POSTINGS and len(self.postings) > 1:
            _, old = self.postings.popitem(last=False)
            self.posting_count -= len(old[0])
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
        key = ("span", segment, tuple(leaf.term() for leaf in leaves),
               tuple(type(leaf.scorer).__name__ for leaf in leaves), m.slop, m.ordered, m.mindist)
        return key, type(m)(fresh, slop=m.slop, ordered=m.ordered, mindist=m.mindist)

    def _span(self, m, segment: int) -> tuple[array, array] | None:
        found = self._fresh_span(m, segment)
        if found is None:
            return None
        key, fresh = found

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
            scored = self.postings.get(("scores", segment, m.term(), type(m.scorer), None))
            if scored is not None:
                return scored[0]
            return self._kept(("ids", segment, m.term()), lambda: (_leaf_ids(m),))[0]
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
            span = self._span(m, segment)
            if span is not None:
                return span[0]
        return list(m.all_ids())

    def docs(self, query: Q.Query) -> _DocSet:
        """The documents matching a query."""
        flags = bytearray(self.size)
        # needs_current: a numeric range would otherwise read its documents one at a time into a
        # ListMatcher (ConstantScoreQuery) before we see it.
        context = self.searcher.boolean_context().set(needs_current=True)
        for segment, (sub, offset) in enumerate(self.segments):
            for docnum in self._ids(query.matcher(sub, context), segment):
                flags[docnum + offset] = 1
        return _DocSet(bytes(flags))

    def matches(self, query: Q.Query) -> _DocSet:
        """The documents matching a search's words: each word's (or phrase's) set is cached, an
        And of them is intersected."""
        if type(query) is Q.And and query.subqueries:
            docs = self.cached_docs(query.subqueries[0])
            for part in query.subqueries[1:]:
                docs = docs & self.cached_docs(part)
            return docs
        return self.cached_docs(query)

    def cached_docs(self, query: Q.Query) -> _DocSet:
        return self._cached(repr(query), lambda: self.docs(query))

    def _cached(self, key: str, make) -> _DocSet:
        docs = self.docsets.get(key)
        if docs is None:
            docs = self.docsets[key] = make()
            if len(self.docsets) > DOCSET_CACHE:
                self.docsets.popitem(last=False)
        else:
            self.docsets.move_to_end(key)
        return docs

    def allowed(self, parts: list[Q.Query]) -> _DocSet:
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
                key = ("scores", segment, child.term(), type(child.scorer), boost)
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
        return self._kept(("scores", segment, m.term(), type(m.scorer), None), lambda: _leaf_scores(m))

    def best(self, query: Q.Query, allowed: _DocSet, limit: int) -> tuple[list[tuple[float, int]], _DocSet]:
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
                for sub, _offset in self.segments:
                    values.extend(sub.reader().column_reader(name, translate=False))
            self.columns[name] = values
        return self.columns[name]

    def names(self, name: str) -> list | None:
        """Each document's value in a column as a facet names it (Categorizer.key_to_name)."""
        key = "names:" + name
        if key not in self.columns:
            keys, values = self.column(name), None
            if keys is not None:
                convert = self.searcher.schema[name].from_column_value
                names = {key: convert(key) for key in set(keys)}
                values = [names[key] for key in keys]
            self.columns[key] = values
        return self.columns[key]

    def counts(self, name: str, matched: _DocSet) -> dict:
        """How many matched documents have each value of a column (Whoosh's facet counts, with
        no zero counts): one intersection per value where the values are few."""
        if not len(matched):
            return {}
        key = "groups:" + name
        if key not in self.columns:
            values, groups = self.names(name), None
            if values is not None and len(distinct := set(values)) <= 64:
                groups = [(value, _DocSet(bytes(map(eq, values, repeat(value))))) for value in distinct]
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

    def first(self, name: str, reverse: bool, matched: _DocSet, limit: int) -> list[int]:
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
                forward = self.orders[(name, False)] = sorted(range(self.size), key=keys.__getitem__)
            order = self.orders[(name, reverse)] = forward[::-1] if reverse else forward
        return list(islice(compress(order, map(matched.flags.__getitem__, order)), limit))


# -- the engine ---------------------------------------------------------------------------

class _ReaderState(threading.local):
    ix = None
    target = None
    searcher = None
    filters: OrderedDict | None = None
    accented_forms: dict | None = None
    fast: _FastReader | None = None


class WhooshBackend:
    """Whoosh on disk under `directory`, or in RAM when `directory` is None."""

    def __init__(self, directory: str | os.PathLike | None) -> None:
        self.root = Path(directory) if directory is not None else None
        self._ram_ix = None
        self._ram_state: dict = {}
        self._ram_lock = threading.Lock()
        self._reader = _ReaderState()

    # where the index lives
    @property
    def current(self) -> Path:
        return self.root / CURRENT

    def exists(self) -> bool:
        if self.root is None:
            return self._ram_ix is not None
        if not (self.current.exists() and whoosh_index.exists_in(str(self.current))):
            return False
        try:
            return (self.current / FORMAT_FILE).read_text().strip() == INDEX_FORMAT
        except OSError:
            return False  # built before formats were recorded

    def _target(self) -> str | None:
        if self.root is None:
            return "ram" if self._ram_ix is not None else None
        try:
            return os.readlink(self.current)
        except OSError:
            return None

    def _open_index(self):
        if self.root is None:
            return self._ram_ix
        return whoosh_index.open_dir(str(self.current))

    @contextmanager
    def lock(self, timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
        """The indexer's lock: one writer at a time, across processes."""
        if self.root is None:
            if not self._ram_lock.acquire(timeout=timeout):
                raise IndexBusy()
            try:
                yield
            finally:
                self._ram_lock.release()
            return
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self.root / ".indexer.lock"), timeout=timeout):
                yield
        except FileLockTimeout as error:
            raise IndexBusy() from error

    # writing
    def rebuild(self, documents: Iterable[dict], state: dict | None = None) -> int:
        """Write every document into a new index, then swap it in; return the count.

        `state` (where this index stands in the outbox) travels with the new index, so the swap
        replaces both at once.
        """
        if self.root is None:
            ix = RamStorage().create_index(make_schema())
            count = self._write_all(ix, documents)
            self._ram_ix = ix
            self._ram_state = dict(state or {})
            return count
        self.root.mkdir(parents=True, exist_ok=True)
        build = self.root / f"build-{time.time_ns()}"
        build.mkdir()
        try:
            ix = whoosh_index.create_in(str(build), make_schema())
            count = self._write_all(ix, documents)
            _write_json(build / STATE_FILE, state or {})
            (build / FORMAT_FILE).write_text(INDEX_FORMAT)
            link = self.root / f".current-{time.time_ns()}"
            link.symlink_to(build.name)
            os.replace(link, self.current)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        self._remove_old_builds(keep=build.name)
        return count

    @staticmethod
    def _write_all(ix, documents: Iterable[dict]) -> int:
        count = 0
        # One segment, written in one pass: the fastest layout to build and to search.
        with _writer(ix, timeout=0, limitmb=256) as writer:
            for document in documents:
                writer.add_document(**_index_fields(document))
                count += 1
        return count

    def _remove_old_builds(self, keep: str) -> None:
        for path in self.root.glob("build-*"):
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)

    def read_state(self) -> dict:
        """Where this index stands in the outbox (see services.sync); {} when unknown."""
        if self.root is None:
            return dict(self._ram_state)
        try:
            return json.loads((self.current / STATE_FILE).read_text())
        except (OSError, ValueError):
            return {}

    def write_state(self, state: dict) -> None:
        if self.root is None:
            self._ram_state = dict(state)
        else:
            _write_json(self.current.resolve() / STATE_FILE, state)

    def apply(self, documents: dict[str, dict | None]) -> Applied:
        """Bring the given documents up to date: write the changed, delete the gone (None)."""
        applied = Applied()
        if not documents:
            return applied
        ix = self._open_index()
        with ix.searcher() as searcher:
            indexed = {}
            for key in documents:
                fields = searcher.document(doc_id=key)
                if fields is not None:
                    indexed[key] = fields.get("fingerprint")
        todo = {k: d for k, d in documents.items()
                if (d is None and k in indexed) or (d is not None and indexed.get(k) != d["fingerprint"])}
        applied.unchanged = len(documents) - len(todo)
        if not todo:
            return applied
        with _writer(ix, timeout=WRITE_TIMEOUT) as writer:
            for key, document in todo.items():
                if document is None:
                    writer.delete_by_term("doc_id", key)
                    applied.deleted += 1
                else:
                    writer.update_document(**_index_fields(document))
                    applied.updated += 1
        return applied

    # reading
    def _searcher(self):
        """This thread's open searcher; a new one when the index changed or was swapped."""
        state = self._reader
        target = self._target()
        if target is None:
            return None
        if state.searcher is not None and state.target == target and state.searcher.up_to_date():
            return state.searcher
        if state.searcher is not None:
            state.searcher.close()
        if state.target != target or state.ix is None:
            state.ix = self._open_index()
            state.target = target
        state.searcher = state.ix.searcher()
        state.filters = OrderedDict()
        state.accented_forms = None
        return state.searcher

    def _docs(self, searcher, query: Q.Query) -> BitSet:
        """The documents matching a filter query, cached for the life of the searcher."""
        cache = self._reader.filters
        key = repr(query)
        docs = cache.get(key)
        if docs is None:
            docs = BitSet(searcher.docs_for_query(query), size=searcher.doc_count_all())
            cache[key] = docs
            if len(cache) > 256:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return docs

    def _filter(self, searcher, parts: list[Q.Query]) -> BitSet:
        docs = None
        for part in parts:
            part_docs = self._docs(searcher, part)
            docs = part_docs if docs is None else docs.intersection(part_docs)
        return docs

    def doc_ids_of_orgs(self, org_ids: Iterable[int]) -> set[str]:
        if not self.exists():
            return set()
        with self._open_index().searcher() as searcher:
            query = Q.Or([Q.Term("org_id", str(i)) for i in org_ids])
            return {searcher.stored_fields(n)["doc_id"] for n in searcher.docs_for_query(query)}

    def fingerprints(self) -> dict[str, str]:
        if not self.exists():
            return {}
        with self._open_index().searcher() as searcher:
            return {fields["doc_id"]: fields.get("fingerprint", "") for fields in searcher.all_stored_fields()}

    def _fast(self, searcher) -> _FastReader:
        """This thread's evaluator for its current searcher."""
        state = self._reader
        if state.fast is None or state.fast.searcher is not searcher:
            state.fast = _FastReader(searcher)
        return state.fast

    def search(self, request: SearchRequest, today: date, *, facets: bool = True,
               decorate: bool = True, known: Callable[[str], bool] | None = None) -> SearchResult:
        """`decorate=False` (saved-search alerts) skips highlighting and "did you mean": only which
        documents match, in order. `known(folded)`: whether a word occurs in the corpus the search
        means, which decides where a typo is forgiven; by default this index's words (an index of
        a few changed documents that stands for the whole index should pass the whole index's
        `knows`)."""
        result = SearchResult(total=0, page=request.page, per_page=request.per_page)
        searcher = self._searcher()
        if searcher is None:
            return result
        fast = self._fast(searcher)
        query = text_query(request, known or self._known(searcher))
        allowed = fast.allowed(filter_parts(request, today))
        sort = request.effective_sort
        limit = request.page * request.per_page
        if sort in SORT_FIELDS:
            name, reverse = SORT_FIELDS[sort]
            matched = allowed if isinstance(query, Q.Every) else fast.matches(query) & allowed
            top = [(None, docnum) for docnum in fast.first(name, reverse, matched, limit)]
        else:
            top, matched = fast.best(query, allowed, limit)
        result.total = len(matched)
        start = (request.page - 1) * request.per_page
        words = request.parsed.all_words()
        for score, docnum in top[start:start + request.per_page]:
            stored = searcher.stored_fields(docnum)
            price = stored.get("price")
            result.hits.append(Hit(
                doc_id=stored["doc_id"], type=stored["type"], object_id=stored["object_id"],
                ref=stored.get("ref", ""), title=stored["title"],
                org_id=int(stored["org_id"]) if stored.get("org_id") else None,
                org_name=stored.get("org_name", ""),
                # Sorted by a field, there is no score to show.
                score=round(float(score or 0.0), 3) if sort not in SORT_FIELDS else None,
                highlight=highlight(stored["title"], words) if decorate else Markup(""),
                snippet=highlight(stored.get("body", ""), words, around=SNIPPET_CHARS) if decorate else Markup(""),
                price=price if price is not None and price < NO_PRICE else None))
        if facets:
            result.facets = self._facets(fast, matched, today)
        if decorate and result.total == 0 and words:
            result.suggestion = self._did_you_mean(searcher, request, set(allowed))
        return result

    def _facets(self, fast: _FastReader, matched: _DocSet, today: date) -> dict[str, dict[str, int]]:
        facets = {}
        for name, column in (("type", "type"), ("category", "category"), ("commune", "commune_code")):
            counts = fast.counts(column, matched)
            top = sorted(((k, v) for k, v in counts.items() if k), key=lambda kv: (-kv[1], kv[0]))
            facets[name] = dict(top[:FACET_LIMIT] if name == "commune" else top)
        facets["credentials"] = {key: fast.cached_docs(query).count_with(matched)
                                 for key, query in credential_facets(today).items()}
        return facets

    @staticmethod
    def _known(searcher) -> Callable[[str], bool]:
        """Whether a word occurs in any document (the filters aside): a folded word in the text
        fields, a word with its accents in their accented twins."""
        fields = (*TEXT_FIELDS, *EXACT_FIELDS.values())
        return lambda term: any(searcher.doc_frequency(name, term) for name in fields)

    def knows(self, folded: str) -> bool:
        """Whether a folded word occurs in any document of this index."""
        searcher = self._searcher()
        return searcher is not None and self._known(searcher)(folded)

    def _did_you_mean(self, searcher, request: SearchRequest, allowed) -> str | None:
        """The query as typed with each unknown word replaced by the closest indexed name word
        (written with its accents), offered only if that finds something."""
        replacements = {}
        for word in request.parsed.all_words():
            if len(word.folded) < 3 or not word.folded.isalpha():
                continue  # "4", "ri6", "la": too short to guess from
            if any(self._known(searcher)(r.folded) for r in word.readings()):
                continue
            suggestions = searcher.suggest("name", word.folded, limit=1, maxdist=2)
            if suggestions:
                replacements[word.typed or word.accented] = self._accented_form(searcher, suggestions[0])
        if not replacements:
            return None
        corrected = re.sub(WORD, lambda m: replacements.get(m.group().lower(), m.group()),
                           unicodedata.normalize("NFKC", request.q))
        retry = replace(request, q=corrected).with_parsed()
        if not allowed or not searcher.search(text_query(retry, self._known(searcher)), filter=allowed,
                                              limit=1).scored_length():
            return None
        return corrected

    def _accented_form(self, searcher, folded: str) -> str:
        """How a folded name word is written in the index: "xoai" → "xoài"."""
        forms = self._reader.accented_forms
        if forms is None:
            forms = {}
            for term in searcher.lexicon("name_exact"):
                text = term.decode() if isinstance(term, bytes) else term
                forms.setdefault(folded_word(text), text)
            self._reader.accented_forms = forms
        return forms.get(folded, folded)

    def suggest(self, text: str, today: date, limit: int = 8) -> list[str]:
        """Titles of live documents that start like what has been typed: "xoai c" → Xoài cát Chu."""
        words = read_words(text)  # the same reading as the search box
        searcher = self._searcher()
        if searcher is None or not words:
            return []
        *whole, last = words
        parts = [Q.Or([Q.Term("name", w.folded), Q.Term("org", w.folded)]) for w in whole]
        parts.append(Q.Or([Q.Prefix("name", last.folded), Q.Prefix("org", last.folded)]))
        allowed = self._filter(searcher, filter_parts(SearchRequest(), today))
        if not allowed:
            return []  # Whoosh takes an empty filter (it is falsy) for no filter at all
        results = searcher.search(Q.And(parts), filter=allowed, limit=limit * 4)
        titles = []
        for hit in results:
            title = hit["title"]
            if title not in titles:
                titles.append(title)
            if len(titles) == limit:
                break
        return titles


def make_backend(directory: str) -> WhooshBackend:
    return WhooshBackend(None if directory == "memory://" else directory)


__all__ = ["FOREVER", "Applied", "Hit", "IndexBusy", "IndexUnwritable", "SearchBackend", "SearchResult",
           "WhooshBackend", "make_backend", "make_schema"]
