"""The search engine behind a small interface: Whoosh, on disk or (for tests) in memory.

`SearchBackend` is the interface the rest of the code uses and `make_backend` chooses the
implementation from SEARCH_INDEX_DIR. `WhooshBackend` is an IndexStore (store.py: where the
index lives and how it is written and swapped) that also searches it; this module holds the
searching: the hits, totals, facets, "did you mean" and suggestions, from the queries of
queries.py evaluated by the fast reader (fast_reader.py).

Readers: searchers stay open (one per thread: Whoosh readers are not thread-safe), with one
FastReader each, which caches the document sets behind each filter (one cache, shared by
searches and suggestions), posting lists, columns and sort orders, so a filter costs one set
intersection. Never call Searcher.refresh() (after another process merged segments it returns
duplicate hits): a new searcher is opened when up_to_date() is false or the index was swapped.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import unicodedata
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol

from markupsafe import Markup
from whoosh import query as Q

from marketplace.dates import today_in_vietnam
from marketplace.search.analysis import WORD, folded_word, read_words
from marketplace.search.documents import NO_PRICE, SNIPPET_CHARS
from marketplace.search.fast_reader import DocSet, FastReader
from marketplace.search.highlight import highlight
from marketplace.search.queries import SORT_FIELDS, credential_facets, filter_parts, text_query
from marketplace.search.query import SearchRequest, read_request
from marketplace.search.schema import EXACT_FIELDS, TEXT_FIELDS
from marketplace.search.store import WRITE_TIMEOUT, Applied, IndexBusy, IndexStore, IndexUnwritable

FACET_LIMIT = 12

log = logging.getLogger(__name__)


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


class SearchBackend(Protocol):
    """What the app asks of a search index. Writing raises IndexBusy when another process holds
    the lock, and an OSError when the folder cannot be written (services turns it into
    IndexUnwritable)."""

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


WARM_POLL = 0.1  # seconds between two looks for a new generation of the index (a readlink, a listdir)
# What a new searcher runs before a request may use it: the filter sets of every page, the
# columns behind the facets, the sort orders (the words' posting lists are read as they come).
WARM_SEARCHES = ({}, {"sort": "price"}, {"sort": "harvest"}, {"type": "listing"}, {"type": "demand"},
                 {"type": "org"}, {"q": "xoai"})


class _ReaderState(threading.local):
    """A thread's open searcher, its fast reader (and the reader's caches), and the accented
    form of each name word."""

    ix = None
    target = None
    searcher = None
    fast: FastReader | None = None
    accented_forms: dict | None = None
    writes_seen = 0  # this process's index writes when the searcher was opened
    warming = False  # the warmer's own thread, running its warm-up searches
    stale_since: float | None = None  # since when its searcher has been older than the index


@dataclass
class _Spare:
    """A searcher opened and warmed in the background, waiting for a thread to take it."""

    ix: object
    target: str
    searcher: object
    fast: FastReader
    accented_forms: dict | None


MAX_STALE = 10.0  # seconds a web thread searches an older index while waiting for a warm searcher


def _warm_forever(backend_ref: weakref.ref, wake: threading.Event) -> None:
    """The warmer thread: keeps one warm searcher of the newest generation ready; ends with its
    backend."""
    while True:
        backend = backend_ref()
        if backend is None:
            return  # gone
        if backend._writes:
            backend._last_warmed = None  # nothing warms after this: let its caches go
            return  # this process writes the index (the worker) and reads it cold
        try:
            backend._warm_spare()
        except Exception:  # an index being swapped or removed: look again on the next round
            log.debug("warming a searcher failed; trying again", exc_info=True)
        del backend
        wake.wait(WARM_POLL)
        wake.clear()


class WhooshBackend(IndexStore):
    """Whoosh on disk under `directory`, or in RAM when `directory` is None.

    With `warm` (web processes), no search pays for a new searcher's empty caches: a background
    thread notices a new generation of the index within WARM_POLL, opens a searcher and runs
    WARM_SEARCHES on it, and a thread whose searcher is out of date keeps using it until that
    warm one is ready, then takes it. A process that writes the index (the worker, whose
    saved-search alerts must see what it just applied) does not warm: it reads its writes at once,
    cold, and spends no time warming generations nobody else searches in it.
    """

    def __init__(self, directory: str | os.PathLike | None, *, warm: bool = False) -> None:
        super().__init__(directory)
        self._reader = _ReaderState()
        self._warm = warm
        self._writes = 0
        self._spare: _Spare | None = None
        self._spare_lock = threading.Lock()
        self._wake = threading.Event()
        self._warmer: threading.Thread | None = None
        # The fast reader of the last searcher the warmer made (and its target): the next
        # generation's starts from its caches, including what request threads added to them since.
        self._last_warmed: tuple[str, FastReader] | None = None

    def rebuild(self, documents: Iterable[dict], state: dict | None = None) -> int:
        count = super().rebuild(documents, state)
        self._writes += 1
        return count

    def apply(self, documents: dict[str, dict | None]) -> Applied:
        applied = super().apply(documents)
        self._writes += 1
        return applied

    def start_warming(self) -> None:
        """Start the warmer thread (once; a web process may call it at start-up, or the first
        search does) so that the first search finds a warm searcher."""
        if not self._warm or (self._warmer is not None and self._warmer.is_alive()):
            return
        self._warmer = threading.Thread(target=_warm_forever, args=(weakref.ref(self), self._wake),
                                        name="search-warmer", daemon=True)
        self._warmer.start()

    def _open(self, state: _ReaderState, target: str, previous: FastReader | None = None) -> None:
        """Open a searcher of the index as it is now in `state`, with a fast reader that takes over
        what `previous` (or the thread's last reader) read of the segments both generations have."""
        if state.searcher is not None:
            state.searcher.close()
        if state.target != target or state.ix is None:
            state.ix = self._open_index()
            state.target = target
            state.fast = None  # another index (swapped in by a rebuild): nothing to carry over
        state.searcher = state.ix.searcher()
        state.fast = FastReader(state.searcher, previous=previous or state.fast)
        state.accented_forms = None
        state.writes_seen = self._writes
        state.stale_since = None

    def _claim(self, target: str) -> _Spare | None:
        """The warm spare searcher, if it is of the index as it is now."""
        with self._spare_lock:
            spare = self._spare
            if spare is None or spare.target != target or not spare.searcher.up_to_date():
                return None
            self._spare = None
        self._wake.set()  # warm another one for the next thread
        return spare

    def _warm_spare(self) -> None:
        """Open and warm a searcher of the newest generation, unless the spare already is one."""
        target = self._target()
        if target is None:
            return
        with self._spare_lock:
            spare = self._spare
        if spare is not None and spare.target == target and spare.searcher.up_to_date():
            return
        state = self._reader  # the warmer thread's own
        last = self._last_warmed
        if last is not None and last[0] != target:
            # Another index (a rebuild swapped it in): nothing to carry over; let its caches go
            # now rather than when this warm-up succeeds.
            last = self._last_warmed = None
        self._open(state, target, previous=last[1] if last is not None else None)
        state.warming = True
        try:
            today = today_in_vietnam()
            for arguments in WARM_SEARCHES:
                # Not decorated: highlighting fills no cache, it would only delay the switch.
                self.search(read_request(arguments)[0], today, decorate=False)
        finally:
            state.warming = False
        fresh = _Spare(state.ix, state.target, state.searcher, state.fast, state.accented_forms)
        self._last_warmed = (target, state.fast)
        state.ix = state.target = state.searcher = state.fast = state.accented_forms = None
        with self._spare_lock:
            old, self._spare = self._spare, fresh
        if old is not None:
            old.searcher.close()

    def _searcher(self):
        """This thread's open searcher; when the index changed or was swapped, a warm one (see
        the class) or a new one (with a new fast reader)."""
        state = self._reader
        if state.warming:
            return state.searcher
        target = self._target()
        if target is None:
            return None
        if state.searcher is not None and state.target == target and state.searcher.up_to_date():
            return state.searcher
        if self._warm and not self._writes:
            self.start_warming()
            spare = self._claim(target)
            if spare is not None:
                if state.searcher is not None:
                    state.searcher.close()
                state.ix, state.target, state.searcher = spare.ix, spare.target, spare.searcher
                state.fast, state.accented_forms = spare.fast, spare.accented_forms
                state.writes_seen = self._writes
                state.stale_since = None
                return state.searcher
            if state.searcher is not None and state.writes_seen == self._writes:
                now = time.monotonic()
                state.stale_since = state.stale_since or now
                if now - state.stale_since < MAX_STALE:
                    self._wake.set()
                    return state.searcher  # until the warmer has the new generation ready
                # The warmer has not delivered (it keeps failing, or cannot keep up): results must
                # not stay old for good, so this search pays for a cold searcher once.
                log.warning("no warm searcher of the new index after %.0f s; opening one cold", MAX_STALE)
        self._open(state, target)
        return state.searcher

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
        fast = self._reader.fast
        query = text_query(request, known or self._known(searcher))
        allowed = fast.allowed(filter_parts(request, today))
        sort = request.effective_sort
        top, matched = fast.top(query, allowed, request.page * request.per_page, SORT_FIELDS.get(sort))
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
            result.suggestion = self._did_you_mean(searcher, request, allowed.ids)
        return result

    def _facets(self, fast: FastReader, matched: DocSet, today: date) -> dict[str, dict[str, int]]:
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
        allowed = self._reader.fast.allowed(filter_parts(SearchRequest(), today)).ids
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


def make_backend(directory: str, *, warm: bool = False) -> WhooshBackend:
    return WhooshBackend(None if directory == "memory://" else directory, warm=warm)


# The interface: what SearchBackend's users import from here. The store's names among them
# (Applied, IndexBusy, IndexUnwritable, WRITE_TIMEOUT) are what its writing returns and raises.
__all__ = ["WRITE_TIMEOUT", "Applied", "Hit", "IndexBusy", "IndexUnwritable", "SearchBackend", "SearchResult",
           "WhooshBackend", "make_backend"]
