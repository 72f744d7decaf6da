"""Search at scale: the Whoosh index against SQLite FTS5 on the same 100,000 listings (issue #5).

Generates a believable marketplace into a fresh SQLite file (bench/search_data.py), builds the
Whoosh index from the same documents the app indexes, and an FTS5 table of the same documents
with the same folding; then times typical searches on both, warm, and the update of one
listing. Prints a table and refreshes the generated part of the Search section of
docs/performance.md (not with --quick).

    .venv/bin/python bench/bench_search.py            # 100,000 listings, about 4-5 minutes
    .venv/bin/python bench/bench_search.py --quick    # 5,000 listings, a few seconds
    .venv/bin/python bench/bench_search.py --profile "quoted phrase"   # cProfile one kind

What each side computes for one search (see docs/performance.md):
- Whoosh: WhooshBackend.search as the /search page calls it: the parsed query (accent-aware
  and one-typo terms included), cached filter sets, the top 20 by score or sort field, the
  total, highlighted title and snippet, and (unless facets=False) the type / category /
  commune / credential counts.
- FTS5: MATCH of the folded words (AND) or quoted phrase joined with an ordinary table of filter
  columns, ORDER BY bm25() with the same field weights or by the sort column, LIMIT 20; the same
  highlighting of the 20; then COUNT(*) of all matches, or (the "+facets" column) one GROUP BY
  query that gives the total and every facet count.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_data  # noqa: E402  (the helper beside this file)
from machine import processor  # noqa: E402  # bench/ is on the path from here

from marketplace import create_app, db, schema  # noqa: E402
from marketplace.dates import today_in_vietnam  # noqa: E402
from marketplace.listings.models import Listing  # noqa: E402
from marketplace.products.taxonomy import WORD_SYNONYMS  # noqa: E402
from marketplace.search.backend import FACET_LIMIT, WhooshBackend  # noqa: E402
from marketplace.search.documents import CERTIFICATE_TYPES, NO_PRICE, SNIPPET_CHARS, all_documents  # noqa: E402
from marketplace.search.highlight import highlight  # noqa: E402
from marketplace.search.jobs import POLL  # noqa: E402
from marketplace.search.query import SearchRequest, read_request  # noqa: E402
from marketplace.search.schema import WEIGHTS  # noqa: E402
from marketplace.vietnamese import fold  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench_search:begin -->", "<!-- bench_search:end -->"
HEADLINE = "xoai cat chu vietgap"

# Kinds of query and the variants each cycles through (as the query string of /search).
QUERIES: list[tuple[str, list[dict]]] = [
    ("one word", [{"q": "xoai"}, {"q": "buoi"}, {"q": "sen"}, {"q": "lua"}, {"q": "dua"}]),
    ("one word, accented", [{"q": "dứa"}, {"q": "xoài"}, {"q": "bưởi"}]),
    ("two words", [{"q": "xoai cat"}, {"q": "quyt hong"}, {"q": "sau rieng"}, {"q": "thanh long"},
                   {"q": "ca tra"}]),
    ("quoted phrase", [{"q": '"cat chu"'}, {"q": '"da xanh"'}, {"q": '"lai vung"'}, {"q": '"ruot do"'},
                       {"q": '"thap muoi"'}]),
    ("with a filter", [{"q": "xoai", "certificate": "vietgap"}, {"q": "buoi", "commune": "30076"},
                       {"q": "sen", "type": "listing", "price_max": "80000"}, {"q": "lua", "category": "rice"},
                       {"q": "mam", "min_ocop": "3"}]),
    ("sorted by price", [{"q": "xoai", "sort": "price"}, {"q": "gao", "sort": "price"},
                         {"q": "buoi", "sort": "price", "type": "listing"}]),
    ("browse (no words, newest)", [{}, {"type": "listing"}, {"category": "fruit"}]),
    (HEADLINE, [{"q": HEADLINE}]),
]
FTS_COLUMNS = ("name", "org", "place", "body")  # the folded text fields Whoosh searches
UNTIL_FIELDS = [f"{c}_until" for c in CERTIFICATE_TYPES] + ["ocop3_until", "ocop4_until", "ocop5_until",
                                                             "code_until"]
CREDENTIAL_FACETS = {**{c: f"{c}_until" for c in CERTIFICATE_TYPES},
                     **{f"ocop{n}": f"ocop{n}_until" for n in (3, 4, 5)}, "planting_code": "code_until"}


# -- measuring ------------------------------------------------------------------------------

def _status_kb(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


class PeakMemory:
    """Extra resident memory at the peak of a block: VmHWM is reset through /proc/self/clear_refs
    (Linux); where that is refused, the growth of getrusage's maxrss (a lower bound)."""

    def __enter__(self):
        import resource
        self._resource = resource
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.exact = True
        except OSError:
            self.exact = False
        self.before_rss = _status_kb("VmRSS")
        self.before_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return self

    def __exit__(self, *exc):
        if self.exact:
            self.mb = (_status_kb("VmHWM") - self.before_rss) / 1024
        else:
            self.mb = (self._resource.getrusage(self._resource.RUSAGE_SELF).ru_maxrss - self.before_max) / 1024


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return _percentile(self.samples, 0.95)


def _size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


# -- the FTS5 side ----------------------------------------------------------------------------

def fold_words(text: str) -> str:
    """What Whoosh's folded analyser makes of the text: folded (đ→d too), regional words unified."""
    return " ".join(WORD_SYNONYMS.get(w, w) for w in fold(text or "").split())


def _fts_term(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


class Fts5:
    """The same documents in SQLite: an FTS5 table of the folded text, and a table of the fields
    that filter, sort and show, joined on rowid."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.rowids: dict[str, int] = {}

    def build(self, documents: list[dict]) -> None:
        c = self.conn
        filter_columns = ", ".join(f"{name} INTEGER" for name in UNTIL_FIELDS)
        c.execute(f"""CREATE TABLE docs (id INTEGER PRIMARY KEY, doc_id TEXT, type TEXT, object_id INTEGER,
                      ref TEXT, title TEXT, org_id TEXT, org_name TEXT, body TEXT, category TEXT,
                      commune_code TEXT, state TEXT, live_until INTEGER, window_from INTEGER,
                      window_to INTEGER, price INTEGER, published INTEGER, {filter_columns})""")
        c.execute("CREATE VIRTUAL TABLE fts USING fts5(name, org, place, body, "
                  "tokenize='unicode61 remove_diacritics 2')")
        c.execute("BEGIN")
        rows, texts = [], []
        for rowid, d in enumerate(documents, start=1):
            self.rowids[d["doc_id"]] = rowid
            body = d["body"][:SNIPPET_CHARS * 4]  # what Whoosh indexes and stores of the body
            rows.append((rowid, d["doc_id"], d["type"], d["object_id"], d["ref"], d["title"], d["org_id"],
                         d["org_name"], body, d["category"], d["commune_code"], d["state"], d["live_until"],
                         d.get("window_from"), d.get("window_to"), d["price"], d["published"],
                         *(d.get(name) for name in UNTIL_FIELDS)))
            texts.append((rowid, fold_words(d["name"]), fold_words(d["org"]), fold_words(d["place"]),
                          fold_words(body)))
        marks = ", ".join("?" * len(rows[0]))
        c.executemany(f"INSERT INTO docs VALUES ({marks})", rows)  # noqa: S608 (placeholders only)
        c.executemany("INSERT INTO fts (rowid, name, org, place, body) VALUES (?, ?, ?, ?, ?)", texts)
        for column in ("published", "price", "window_from", "category", "commune_code"):
            c.execute(f"CREATE INDEX docs_{column} ON docs ({column})")
        c.execute("INSERT INTO fts (fts) VALUES ('optimize')")  # one b-tree, like Whoosh's one segment
        c.execute("COMMIT")
        c.execute("ANALYZE")
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @staticmethod
    def _where(request: SearchRequest, today: date) -> tuple[str, list[str], dict]:
        day = today.toordinal()
        params: dict = {"day": day}
        where = ["d.state = 'live'", "d.live_until >= :day"]
        if request.type:
            where.append("d.type = :type")
            params["type"] = request.type
        if request.category:
            where.append("d.category = :category")
            params["category"] = request.category
        if request.commune:
            where.append("d.commune_code = :commune")
            params["commune"] = request.commune
        for certificate in request.certificates:
            where.append(f"d.{certificate}_until >= :day")
        if request.min_ocop:
            where.append(f"d.ocop{max(3, request.min_ocop)}_until >= :day")
        if request.has_planting_code:
            where.append("d.code_until >= :day")
        if request.available_to:
            where.append("d.window_from <= :available_to")
            params["available_to"] = request.available_to.toordinal()
        if request.available_from:
            where.append("d.window_to >= :available_from")
            params["available_from"] = request.available_from.toordinal()
        if request.price_min is not None or request.price_max is not None:
            where.append("d.price BETWEEN :price_min AND :price_max")
            params["price_min"] = request.price_min or 0
            params["price_max"] = request.price_max if request.price_max is not None else NO_PRICE - 1
        parsed = request.parsed
        terms = [_fts_term(w.folded) for w in parsed.words]
        terms += [_fts_term(" ".join(w.folded for w in phrase)) for phrase in parsed.phrases]
        if terms:
            params["match"] = " AND ".join(terms)
            source = "fts JOIN docs d ON d.id = fts.rowid"
            where.insert(0, "fts MATCH :match")
        else:
            source = "docs d"
        return source, where, params

    def search(self, request: SearchRequest, today: date, *, facets: bool = False) -> dict:
        source, where, params = self._where(request, today)
        sql_where = " AND ".join(where)
        sort = request.effective_sort
        order = {"price": "d.price", "newest": "d.published DESC", "harvest": "d.window_from"}.get(sort)
        if order is None:
            weights = ", ".join(str(WEIGHTS[name]) for name in FTS_COLUMNS)
            order = f"bm25(fts, {weights})"
        start = (request.page - 1) * request.per_page
        # Every piece of SQL text below comes from constants here; values go in as parameters.
        rows = self.conn.execute(
            f"SELECT d.doc_id, d.type, d.object_id, d.title, d.body, d.price, d.org_name FROM {source} "  # noqa: S608
            f"WHERE {sql_where} ORDER BY {order} LIMIT {request.per_page} OFFSET {start}", params).fetchall()
        words = request.parsed.all_words()
        hits = [(doc_id, kind, object_id, highlight(title, words), highlight(body, words, around=SNIPPET_CHARS),
                 price if price < NO_PRICE else None, org_name)
                for doc_id, kind, object_id, title, body, price, org_name in rows]
        result = {"hits": hits}
        if not facets:
            count = f"SELECT count(*) FROM {source} WHERE {sql_where}"  # noqa: S608
            result["total"] = self.conn.execute(count, params).fetchone()[0]
            return result
        sums = ", ".join(f"sum(d.{column} >= :day)" for column in CREDENTIAL_FACETS.values())
        groups = self.conn.execute(
            f"SELECT d.type, d.category, d.commune_code, count(*), {sums} FROM {source} WHERE {sql_where} "  # noqa: S608
            "GROUP BY d.type, d.category, d.commune_code", params).fetchall()
        counts: dict[str, dict[str, int]] = {"type": {}, "category": {}, "commune": {}}
        credentials = dict.fromkeys(CREDENTIAL_FACETS, 0)
        for kind, category, commune, count, *flags in groups:
            for name, key in (("type", kind), ("category", category), ("commune", commune)):
                if key:
                    counts[name][key] = counts[name].get(key, 0) + count
            for name, flag in zip(CREDENTIAL_FACETS, flags, strict=True):
                credentials[name] += flag or 0
        result["total"] = sum(g[3] for g in groups)
        result["facets"] = {name: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
                                       [:FACET_LIMIT if name == "commune" else None])
                            for name, values in counts.items()} | {"credentials": credentials}
        return result

    def reopen(self) -> None:
        """A new connection: SQLite's page cache starts empty (the OS's file cache does not)."""
        self.conn.close()
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA synchronous=NORMAL")

    def update(self, document: dict) -> None:
        rowid = self.rowids[document["doc_id"]]
        body = document["body"][:SNIPPET_CHARS * 4]
        c = self.conn
        c.execute("BEGIN")
        c.execute("UPDATE fts SET name = ?, org = ?, place = ?, body = ? WHERE rowid = ?",
                  (fold_words(document["name"]), fold_words(document["org"]), fold_words(document["place"]),
                   fold_words(body), rowid))
        c.execute("UPDATE docs SET price = ?, body = ? WHERE id = ?", (document["price"], body, rowid))
        c.execute("COMMIT")


# -- the run --------------------------------------------------------------------------------

@dataclass
class Report:
    listings: int
    generated: search_data.Generated | None = None
    documents: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    size_mb: dict[str, float] = field(default_factory=dict)
    memory_mb: dict[str, float] = field(default_factory=dict)
    memory_exact: bool = True
    queries: dict[str, dict[str, Timing]] = field(default_factory=dict)
    totals: list[tuple[str, int, int]] = field(default_factory=list)  # (query, Whoosh, FTS5)
    updates: dict[str, Timing] = field(default_factory=dict)
    loadavg: list[list[float]] = field(default_factory=list)  # at the start and the end of the run
    headline: list[str] = field(default_factory=list)
    reps: int = 0


def _requests(variants: list[dict]) -> list[SearchRequest]:
    return [read_request(args)[0] for args in variants]


def _time(function, requests: list[SearchRequest], reps: int, warmup: int) -> Timing:
    for i in range(warmup):
        function(requests[i % len(requests)])
    timing = Timing()
    for i in range(reps):
        request = requests[i % len(requests)]
        start = time.perf_counter()
        function(request)
        timing.samples.append((time.perf_counter() - start) * 1000)
    return timing


def cold_whoosh(whoosh: WhooshBackend, request: SearchRequest, today: date) -> float:
    """One search on a new searcher with empty caches, as the first search after the index changed
    (or the first in a new worker thread) runs. Reaches into the backend's per-thread state."""
    state = whoosh._reader
    if state.searcher is not None:
        state.searcher.close()
    state.__dict__.clear()
    start = time.perf_counter()
    whoosh.search(request, today)
    return (time.perf_counter() - start) * 1000


def cold_fts5(fts: Fts5, request: SearchRequest, today: date) -> float:
    fts.reopen()
    start = time.perf_counter()
    fts.search(request, today, facets=True)
    return (time.perf_counter() - start) * 1000


def describe_listing(listing_id: int, today: date) -> tuple[bool, str]:
    """Whether a listing is a cát Chu mango with a valid VietGAP, and what it is."""
    listing = db.session.get(Listing, listing_id)
    vietgap = [c for c in listing.certificates if c.type == "vietgap"]
    valid = [c for c in vietgap if c.status == "active" and (c.expires_on is None or c.expires_on >= today)]
    is_cat_chu = listing.product.slug == "xoai" and listing.variety is not None and listing.variety.name == "cát Chu"
    states = ", ".join(f"{c.status} until {c.expires_on}" for c in vietgap) or "none"
    return is_cat_chu and bool(valid), f"{listing.title} ({listing.organization.name}; VietGAP: {states})"


def check_headline(report: Report, whoosh: WhooshBackend, fts: Fts5, today: date) -> None:
    request = read_request({"q": HEADLINE})[0]
    for engine, hits in (("Whoosh", [h.doc_id for h in whoosh.search(request, today).hits]),
                         ("FTS5", [h[0] for h in fts.search(request, today)["hits"]])):
        if not hits:
            report.headline.append(f"{engine}: no result for {HEADLINE!r}")
            continue
        kind, object_id = hits[0].split(":")
        if kind != "listing":
            report.headline.append(f"{engine}: top result is {hits[0]}, not a listing: NO")
            continue
        good, what = describe_listing(int(object_id), today)
        good_in_top = sum(describe_listing(int(h.split(":")[1]), today)[0] for h in hits if h.startswith("listing:"))
        report.headline.append(f"{engine}: top result is a cát Chu mango with valid VietGAP: "
                               f"{'YES' if good else 'NO'} — {what}; {good_in_top} of the top {len(hits)} are")


def run(listings: int, reps: int, apply_reps: int, profile: str | None) -> Report:
    report = Report(listings=listings, reps=reps)
    today = today_in_vietnam()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        folder = Path(folder)
        app = create_app({"APP_ENV": "testing", "SECRET_KEY": "bench" * 8,
                          "DATABASE_URL": f"sqlite:///{folder / 'marketplace.db'}",
                          "SEARCH_INDEX_DIR": str(folder / "index")})
        schema.upgrade(db.get_engine(app))
        with app.app_context():
            schema.load_reference_data(db.session)
            db.session.commit()
            start = time.perf_counter()
            report.generated = search_data.generate(db.session, listings, today)
            db.session.commit()
            report.seconds["generate"] = time.perf_counter() - start
            print(f"generated {report.generated} in {report.seconds['generate']:.1f} s", flush=True)

            start = time.perf_counter()
            documents = list(all_documents(db.session))
            report.seconds["documents"] = time.perf_counter() - start
            report.documents = len(documents)
            db.session.expunge_all()
            print(f"{len(documents)} documents from the database in {report.seconds['documents']:.1f} s", flush=True)

            whoosh = WhooshBackend(folder / "index")
            with PeakMemory() as memory:
                start = time.perf_counter()
                whoosh.rebuild(documents)
                report.seconds["whoosh"] = time.perf_counter() - start
            report.memory_mb["whoosh"], report.memory_exact = memory.mb, memory.exact
            report.size_mb["whoosh"] = _size_mb(whoosh.current.resolve())
            print(f"Whoosh index built in {report.seconds['whoosh']:.1f} s", flush=True)

            fts = Fts5(folder / "fts.db")
            with PeakMemory() as memory:
                start = time.perf_counter()
                fts.build(documents)
                report.seconds["fts5"] = time.perf_counter() - start
            report.memory_mb["fts5"] = memory.mb
            report.size_mb["fts5"] = _size_mb(fts.path)
            print(f"FTS5 index built in {report.seconds['fts5']:.1f} s", flush=True)

            if profile:
                profile_kind(whoosh, fts, profile, today, reps)
                return report

            check_headline(report, whoosh, fts, today)
            for line in report.headline:
                print(line)
            warmup = 20
            for kind, variants in QUERIES:
                requests = _requests(variants)
                for request in requests:
                    label = request.q or " ".join(w for w in ("(no words)", request.type, request.category) if w)
                    report.totals.append((label, whoosh.search(request, today).total,
                                          fts.search(request, today)["total"]))
                timings = {
                    "whoosh": _time(lambda r: whoosh.search(r, today), requests, reps, warmup),
                    "whoosh_nofacets": _time(lambda r: whoosh.search(r, today, facets=False), requests, reps, warmup),
                    "fts5": _time(lambda r: fts.search(r, today), requests, reps, warmup),
                    "fts5_facets": _time(lambda r: fts.search(r, today, facets=True), requests, reps, warmup),
                }
                timings["whoosh_cold"] = Timing([cold_whoosh(whoosh, r, today) for r in requests])
                timings["fts5_cold"] = Timing([cold_fts5(fts, r, today) for r in requests])
                report.queries[kind] = timings
                print(f"  {kind:28} Whoosh {timings['whoosh'].p50:7.2f} / {timings['whoosh'].p95:7.2f} ms"
                      f"   FTS5 {timings['fts5'].p50:7.2f} / {timings['fts5'].p95:7.2f} ms", flush=True)

            measure_updates(report, whoosh, fts, documents, today, apply_reps)
    return report


def measure_updates(report: Report, whoosh: WhooshBackend, fts: Fts5, documents: list[dict], today: date,
                    apply_reps: int) -> None:
    """One listing changed (price and description), written and committed; then the next search."""
    rng = random.Random(5)
    live = [d for d in documents if d["type"] == "listing" and d["state"] == "live" and d["price"] < NO_PRICE]
    chosen = rng.sample(live, min(25, len(live)))
    probe = read_request({"q": "xoai"})[0]
    apply_timing, after_timing = Timing(), Timing()
    for i in range(apply_reps):
        changed = dict(chosen[i % len(chosen)], price=chosen[i % len(chosen)]["price"] + 500 * (i + 1),
                       body=chosen[i % len(chosen)]["body"] + f" Cập nhật lần {i}.", fingerprint=f"bench-{i}")
        start = time.perf_counter()
        whoosh.apply({changed["doc_id"]: changed})
        apply_timing.samples.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        whoosh.search(probe, today)
        after_timing.samples.append((time.perf_counter() - start) * 1000)
    report.updates["whoosh_apply"], report.updates["whoosh_next_search"] = apply_timing, after_timing
    batch = [dict(d, body=d["body"] + " Cả lô.", fingerprint="bench-batch") for d in live[:BATCH]]
    start = time.perf_counter()
    whoosh.apply({d["doc_id"]: d for d in batch})
    report.updates["whoosh_batch_per_document"] = Timing([(time.perf_counter() - start) * 1000 / len(batch)])
    measure_warm_path(report, whoosh, chosen, probe, today, apply_reps)
    fts_timing, fts_after = Timing(), Timing()
    for i in range(max(apply_reps, 100)):
        changed = dict(chosen[i % len(chosen)], price=chosen[i % len(chosen)]["price"] + 500 * (i + 1),
                       body=chosen[i % len(chosen)]["body"] + f" Cập nhật lần {i}.")
        start = time.perf_counter()
        fts.update(changed)
        fts_timing.samples.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        fts.search(probe, today, facets=True)
        fts_after.samples.append((time.perf_counter() - start) * 1000)
    report.updates["fts5_update"], report.updates["fts5_next_search"] = fts_timing, fts_after


BATCH = 100  # documents in one batch of the change log


def _word(i: int) -> str:
    """A word no document holds, one per edit: "zqbd" for 13."""
    return "zq" + "".join(chr(ord("a") + int(c)) for c in str(i))


def measure_warm_path(report: Report, writer: WhooshBackend, chosen: list[dict], probe: SearchRequest,
                      today: date, reps: int) -> None:
    """What a web process sees: the indexer (`writer`) applies an edit; a web process's backend
    (warm searchers) is searched as traffic would, every 20 ms, until the edit is found. Measures
    from the start of the write to the first search that finds it, that search's own time, and
    the slowest search meanwhile (none may be cold)."""
    chosen = [d for d in chosen if (d.get("live_until") or 0) >= today.toordinal()]  # found by a plain search
    web = WhooshBackend(writer.root, warm=True)
    web.start_warming()
    while web._spare is None:
        time.sleep(0.01)
    warm = _time(lambda r: web.search(r, today), [probe], 30, 5)
    to_found, found_search, slowest = Timing(), Timing(), Timing()
    for i in range(reps):
        document = chosen[i % len(chosen)]
        word = _word(i)
        changed = dict(document, body=f"{word} " + document["body"], fingerprint=f"bench-warm-{i}")
        request = read_request({"q": word})[0]
        start = time.perf_counter()
        writer.apply({changed["doc_id"]: changed})
        worst = 0.0
        deadline = start + 30
        while time.perf_counter() < deadline:  # a bound, should the edit never show
            began = time.perf_counter()
            found = web.search(request, today).total
            took = (time.perf_counter() - began) * 1000
            worst = max(worst, took)
            if found:
                break
            time.sleep(0.02)
        to_found.samples.append((time.perf_counter() - start) * 1000)
        found_search.samples.append(took)
        slowest.samples.append(worst)
    report.updates |= {"warm_search": warm, "edit_to_found": to_found, "found_search": found_search,
                       "slowest_meanwhile": slowest}


def profile_kind(whoosh: WhooshBackend, fts: Fts5, kind: str, today: date, reps: int) -> None:
    variants = dict(QUERIES).get(kind)
    if variants is None:
        raise SystemExit(f"--profile takes one of: {', '.join(k for k, _ in QUERIES)}")
    requests = _requests(variants)
    _time(lambda r: whoosh.search(r, today), requests, 20, 0)
    profiler = cProfile.Profile()
    profiler.enable()
    _time(lambda r: whoosh.search(r, today), requests, reps, 0)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


# -- reporting ------------------------------------------------------------------------------

def machine() -> str:
    return f"{processor()}, whoosh3 {metadata.version('whoosh3')}, SQLite {sqlite3.sqlite_version}"


def _ratio(a: float, b: float) -> str:
    if b <= 0:
        return "—"
    return f"{a / b:.2f}×" if a < b else f"{a / b:.1f}×"


def _cell(t: Timing) -> str:
    return f"{t.p50:.1f} / {t.p95:.1f}"


def tables(report: Report) -> str:
    g = report.generated
    lines = [
        f"Data: {g.listings:,} listings, {g.organizations:,} organisations, {g.certificates:,} certificates, "
        f"{g.planting_codes:,} planting codes, {g.demand_posts:,} demand posts: {report.documents:,} documents. "
        f"Generated in {report.seconds['generate']:.1f} s; reading the documents from the database "
        f"(`all_documents`, shared by both builds below) took {report.seconds['documents']:.1f} s.",
        "",
        "| Build | Time | On disk | Peak extra memory |",
        "|---|---:|---:|---:|",
    ]
    for key, label in (("whoosh", "Whoosh (`backend.rebuild`)"), ("fts5", "SQLite FTS5 + filter table")):
        lines.append(f"| {label} | {report.seconds[key]:.1f} s | {report.size_mb[key]:.0f} MB | "
                     f"{report.memory_mb[key]:.0f} MB |")
    memory_note = ("peak resident memory above the level before the build (VmHWM, reset through "
                   "/proc/self/clear_refs)" if report.memory_exact else "growth of getrusage maxrss (a lower bound)")
    lines += ["", f"Memory: {memory_note}; the documents were already in memory for both.", "",
              f"Latency in ms, p50 / p95. Warm: {report.reps} searches per kind after 20 warm-up searches, "
              "cycling through the variants listed below. Cold: one search per variant on a new Whoosh "
              "searcher (empty caches) or a new SQLite connection (empty page cache), both with facets.", "",
              "| Query | Whoosh | Whoosh, facets=False | FTS5 (top 20 + COUNT) | FTS5 + facets | "
              "Whoosh ÷ FTS5 at p95 (facets / no facets) | Whoosh cold | FTS5 cold |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    keys = ("whoosh", "whoosh_nofacets", "fts5", "fts5_facets", "whoosh_cold", "fts5_cold")
    every: dict[str, list[float]] = {key: [] for key in keys}
    for kind, t in report.queries.items():
        for key in keys:
            every[key] += t[key].samples
        lines.append(f"| {kind} | {_cell(t['whoosh'])} | {_cell(t['whoosh_nofacets'])} | {_cell(t['fts5'])} | "
                     f"{_cell(t['fts5_facets'])} | {_ratio(t['whoosh'].p95, t['fts5_facets'].p95)} / "
                     f"{_ratio(t['whoosh_nofacets'].p95, t['fts5'].p95)} | {t['whoosh_cold'].p50:.0f} | "
                     f"{t['fts5_cold'].p50:.0f} |")
    if report.queries:
        a = {key: Timing(values) for key, values in every.items()}
        lines.append(f"| **all of the above** | **{_cell(a['whoosh'])}** | **{_cell(a['whoosh_nofacets'])}** | "
                     f"**{_cell(a['fts5'])}** | **{_cell(a['fts5_facets'])}** | "
                     f"**{_ratio(a['whoosh'].p95, a['fts5_facets'].p95)} / "
                     f"{_ratio(a['whoosh_nofacets'].p95, a['fts5'].p95)}**"
                     f" | **{a['whoosh_cold'].p50:.0f}** | **{a['fts5_cold'].p50:.0f}** |")
    lines += ["", "Variants: " + "; ".join(
        f"{kind}: " + ", ".join("`" + " ".join(f"{k}={v}" for k, v in args.items()) + "`" if args else "`(none)`"
                                for args in variants) for kind, variants in QUERIES) + ".", ""]
    if report.updates:
        u = report.updates
        apply, after = u["whoosh_apply"], u["whoosh_next_search"]
        update, fts_after = u["fts5_update"], u["fts5_next_search"]
        lines += ["| One listing changed (price and description), committed | p50 | p95 | the next search p50 / p95 |",
                  "|---|---:|---:|---:|",
                  f"| Whoosh `backend.apply` ({len(apply.samples)} times) | {apply.p50:.1f} ms | {apply.p95:.1f} ms | "
                  f"{_cell(after)} ms |",
                  f"| FTS5 `UPDATE` of the row and its filter row ({len(update.samples)} times) | "
                  f"{update.p50:.2f} ms | {update.p95:.2f} ms | {_cell(fts_after)} ms |",
                  "", "The next search is `xoai` with facets; for Whoosh it opens a new searcher, whose caches "
                  "start empty: what the process that wrote sees (the worker's alerts). A web process "
                  "searches warm searchers instead:", ""]
        if "edit_to_found" in u:
            lines += ["| A web process (warm searchers), one edit at a time | p50 | p95 |", "|---|---:|---:|",
                      f"| From the indexer's write to the first search that finds the edit "
                      f"({len(u['edit_to_found'].samples)} edits) | {u['edit_to_found'].p50:.0f} ms | "
                      f"{u['edit_to_found'].p95:.0f} ms |",
                      f"| … that search's own time | {_cell(u['found_search']).replace(' / ', ' ms | ')} ms |",
                      f"| … the slowest search while waiting (searches every 20 ms) | "
                      f"{_cell(u['slowest_meanwhile']).replace(' / ', ' ms | ')} ms |",
                      f"| A warm search of `xoai`, for comparison | "
                      f"{_cell(u['warm_search']).replace(' / ', ' ms | ')} ms |",
                      f"| Whoosh `backend.apply` of {BATCH} listings in one batch, per listing | "
                      f"{u['whoosh_batch_per_document'].p50:.2f} ms | |",
                      "", f"Add up to {POLL} s for the worker to look at the change log (its search job "
                      f"polls every {POLL} s between rounds).", ""]
    lines += ["Headline query `xoai cat chu vietgap`:", ""] + [f"- {line}" for line in report.headline]
    lines += ["", "Totals (Whoosh / FTS5) for each variant; Whoosh also matches one-letter typos of words of "
              "five letters or more, FTS5 does not:", "",
              ", ".join(f"`{q}` {w:,} / {f:,}" for q, w, f in report.totals) + "."]
    return "\n".join(lines)


def figures(report: Report) -> list[dict]:
    """The figures of the shared bench contract (common to every bench/bench_*.py)."""
    def figure(key, label, value, unit, anchor_label, anchor_value, goal, met):
        return {"key": key, "label": label, "value": round(value, 3), "unit": unit, "anchor_label": anchor_label,
                "anchor_value": round(anchor_value, 3),
                "ratio": round(value / anchor_value, 2) if anchor_value else None, "goal": goal, "met": met}

    docs = f"{report.documents:,} documents"
    build = report.seconds.get("whoosh", 0.0)
    fts = report.seconds.get("fts5", 0.0)
    result = [figure("index_build", f"Index build, {docs}", build, "s", "SQLite FTS5 build", fts,
                     "≤ 3× FTS5", bool(fts) and build <= 3 * fts)]
    u = report.updates
    if "whoosh_apply" in u:
        result.append(figure("index_update", "One listing's update (p50)", u["whoosh_apply"].p50, "ms",
                             "FTS5 UPDATE (p50)", u["fts5_update"].p50, "milliseconds (≤ 50 ms)",
                             u["whoosh_apply"].p50 <= 50))
        result.append(figure("index_update_batched", f"Update in a batch of {BATCH}, per listing",
                             u["whoosh_batch_per_document"].p50, "ms", "FTS5 UPDATE (p50)", u["fts5_update"].p50,
                             None, None))
        result.append(figure("cold_search_after_update", "The next search on a new searcher (p50)",
                             u["whoosh_next_search"].p50, "ms", "the same search, warm (p50)",
                             u["warm_search"].p50 if "warm_search" in u else 0.0,
                             "no user pays it (web searchers are warmed)", None))
    if "edit_to_found" in u:
        worst = u["edit_to_found"].p95 + POLL * 1000
        result.append(figure("edit_to_searchable", f"Edit to searchable (p95, + the worker's {POLL} s poll)",
                             worst, "ms", "FTS5 update + next search (p50)",
                             u["fts5_update"].p50 + u["fts5_next_search"].p50, "≤ 1 s", worst <= 1000))
        result.append(figure("first_search_after_update", "The first search that finds the edit (p95)",
                             u["found_search"].p95, "ms", "a warm search (p95)", u["warm_search"].p95,
                             "no slow first search (≤ 2× warm)", u["found_search"].p95 <= 2 * u["warm_search"].p95))
    return result


def write_results(report: Report, quick: bool) -> Path:
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "search.json"
    path.write_text(json.dumps({"bench": "search", "quick": quick, "date": datetime.now().strftime("%Y-%m-%d"),
                                "machine": machine(), "loadavg": report.loadavg, "figures": figures(report)},
                               ensure_ascii=False, indent=2))
    return path


def section(report: Report) -> str:
    stamp = datetime.now().strftime("%Y-%m-%d")
    load = " and ".join(f"{a[0]:.1f}" for a in report.loadavg)
    return "\n".join([BEGIN, f"_Generated by `bench/bench_search.py --listings {report.listings}` on {stamp}; "
                      f"{machine()}; load average {load} at the start and the end of the run._", "",
                      tables(report), END])


INTRO = """## Search

`bench/bench_search.py` (run by `make bench`) generates a marketplace of 100,000 listings with a fixed
seed, builds the Whoosh index the app uses and an SQLite FTS5 index of the same documents, and times
the same searches on both in the same run. The figures below are rewritten by each full run.

"""


def write_doc(report: Report) -> None:
    generated = section(report)
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: generated, text, flags=re.S)
    elif re.search(r"^## Search\s*$", text, flags=re.M):
        text = re.sub(r"^## Search\s*\n", lambda m: m.group(0) + "\n" + generated + "\n\n", text, count=1, flags=re.M)
    else:
        text = text.rstrip("\n") + "\n\n" + INTRO + generated + "\n"
    DOC.write_text(text)
    print(f"wrote the Search section of {DOC.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5,000 listings, fewer repetitions, no doc")
    parser.add_argument("--reps", type=int, default=None, help="searches per kind of query (default 200)")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument("--profile", metavar="KIND", help="cProfile the Whoosh searches of one kind, then stop")
    args = parser.parse_args(argv)
    listings = 5_000 if args.quick and args.listings == 100_000 else args.listings
    reps = args.reps or (60 if args.quick else 200)
    load_at_start = list(os.getloadavg())
    report = run(listings, reps, apply_reps=10 if args.quick else 30, profile=args.profile)
    if args.profile:
        return
    report.loadavg = [load_at_start, list(os.getloadavg())]
    print(f"wrote {write_results(report, args.quick).relative_to(ROOT)}; load average {report.loadavg}")
    print()
    print(f"{machine()}")
    print(tables(report))
    if not (args.quick or args.no_doc):
        write_doc(report)


if __name__ == "__main__":
    main()
