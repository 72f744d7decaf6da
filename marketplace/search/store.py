"""Where the index lives and how it is written: folders, the indexer's lock, rebuild-and-swap,
incremental updates, and the position in the outbox kept beside the index.

Layout on disk: SEARCH_INDEX_DIR/current is a symbolic link to a build-<stamp> folder. A rebuild
writes a new folder and swaps the link atomically (os.replace), so readers never see a half-built
index and a crash during a rebuild leaves the old one in place. Incremental updates commit into
the current folder; Whoosh writes a new table of contents under a temporary name and renames
it, so a process killed mid-commit leaves the previous generation readable (its stray segment
files are swept by the next commit).

One indexer writes: `rebuild` and `apply` run under `lock()` (a file lock beside the index, so
it holds across processes); web workers only read. `memory://` keeps the same engine in RAM.

Whoosh pitfalls handled here: a second writer fails at once unless given a timeout, and Whoosh
never fsyncs, which is why the index is only ever derived from the database.
"""

from __future__ import annotations

import json
import marshal
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as FileLockTimeout
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.filedb.filestore import RamStorage
from whoosh.util.filelock import try_for
from whoosh.writing import MERGE_SMALL, PostingPool

from marketplace.search.schema import INDEX_FORMAT, index_fields, make_schema

CURRENT = "current"
STATE_FILE = "outbox-state.json"
FORMAT_FILE = "format"
WRITE_TIMEOUT = 30.0  # seconds a second writer waits for the first before giving up
RUN_POSTINGS = 1_500_000  # postings a build keeps in memory before it sorts them out to disk (~250 MB)
MERGE_AFTER = 12  # small segments an index may hold before a commit merges them
RUN_CHUNK = 20_000  # postings written to (and read back from) a run file in one marshal call


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


@dataclass
class Applied:
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


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
        _remember_lengths(writer)
        try:
            yield writer
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        if not writer.is_closed:  # the block may cancel a writer it found nothing to write with
            writer.commit(mergetype=_merge_when_many)
    finally:
        writelock.release()


class _RememberedLengths:
    """The new segment's field lengths as Whoosh's segment writer reads them while it writes the
    postings, each document's length read once per field: Whoosh reads it from the length column
    again for every posting (every word of the field), a seventh of an intake's time. Postings
    come field by field, so one field's lengths are kept at a time (a list, one slot per document)."""

    def __init__(self, reader) -> None:
        self._reader = reader

    def doc_field_length_reader(self, fieldname: str, default=0):
        read = self._reader.doc_field_length_reader(fieldname, default)
        lengths: list = [_UNREAD] * self._reader.doc_count_all()

        def length(docnum: int):
            known = lengths[docnum]
            if known is _UNREAD:
                known = lengths[docnum] = read(docnum)
            return known
        return length

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        return self._reader.doc_field_length(docnum, fieldname, default)

    def close(self) -> None:
        self._reader.close()


_UNREAD = object()


def _remember_lengths(writer) -> None:
    """Give the segment writer the lengths above when it writes its postings (its own method
    otherwise: the writer calls self.per_document_reader() in _flush_segment)."""
    own = writer.per_document_reader
    writer.per_document_reader = lambda: _RememberedLengths(own())


class _BuildPool(PostingPool):
    """Whoosh's posting pool, spilling faster: a build's postings are sorted in runs of
    RUN_POSTINGS and written out chunk by chunk with marshal, where Whoosh pickles them one at a
    time and sizes each posting in Python as it arrives (a fifth of a build's time went to the
    pickling alone). The runs, their order and so the index written are the same."""

    def add(self, item) -> None:
        self.current.append(item)
        if len(self.current) >= RUN_POSTINGS:
            self.save()

    def _write_run(self, f, items) -> None:
        items = iter(items)
        while chunk := tuple(islice(items, RUN_CHUNK)):
            f.write(marshal.dumps(chunk))
        f.close()

    def _read_run(self, path: str) -> Iterator:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)  # noqa: S302  # nosec B302  # our own run file, written just before
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


def _merge_when_many(writer, segments):
    """Whoosh's small-segment merge, once there are more than MERGE_AFTER segments: an update
    then writes its own small segment and nothing else (merging on every commit cost about half
    of a one-document update). Which segments hold a document does not change any result."""
    return MERGE_SMALL(writer, segments) if len(segments) > MERGE_AFTER else segments


def _write_json(path: Path, data: dict) -> None:
    """Written whole or not at all: a temporary file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, path)


class IndexStore:
    """A Whoosh index on disk under `directory`, or in RAM when `directory` is None: opening,
    writing and swapping it, and reading its documents' fingerprints."""

    def __init__(self, directory: str | os.PathLike | None) -> None:
        self.root = Path(directory) if directory is not None else None
        self._ram_ix = None
        self._ram_state: dict = {}
        self._ram_lock = threading.Lock()

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
        """Which build `current` points at (a reader whose build changed must reopen); None when
        there is no index."""
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
        with _writer(ix, timeout=0) as writer:
            writer.pool = _BuildPool(writer.pool.tempstore, writer.pool.segment)
            for document in documents:
                writer.add_document(**index_fields(document))
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
        # One writer reads the stored fingerprints and writes: opening the index's segments
        # twice (a searcher, then the writer's own reader) was a third of an update.
        with _writer(self._open_index(), timeout=WRITE_TIMEOUT) as writer:
            searcher = writer.searcher()
            indexed = {}
            for key in documents:
                fields = searcher.document(doc_id=key)
                if fields is not None:
                    indexed[key] = fields.get("fingerprint")
            todo = {k: d for k, d in documents.items()
                    if (d is None and k in indexed) or (d is not None and indexed.get(k) != d["fingerprint"])}
            applied.unchanged = len(documents) - len(todo)
            if not todo:
                writer.cancel()  # no new generation: readers keep their warm searchers
                return applied
            # Postings spilled with marshal, as a build does (a large intake holds millions).
            writer.pool = _BuildPool(writer.pool.tempstore, writer.pool.segment)
            for key, document in todo.items():
                if document is None:
                    writer.delete_by_term("doc_id", key)
                    applied.deleted += 1
                elif key in indexed:
                    writer.update_document(**index_fields(document))
                    applied.updated += 1
                else:
                    # Not in the index (the lookup above says so): nothing to delete first, which
                    # spares a search of every segment's doc_id terms per new document.
                    writer.add_document(**index_fields(document))
                    applied.updated += 1
        return applied

    # what the index holds (for the indexer and `search check`)
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
