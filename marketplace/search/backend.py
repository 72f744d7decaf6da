"""The search engine behind a small interface: Whoosh on disk, or in memory for tests.

Layout on disk: SEARCH_INDEX_DIR/current is a symbolic link to a build-<stamp> folder. A rebuild
writes a new folder and swaps the link atomically (os.replace), so readers never see a half-built
index and a crash during a rebuild leaves the old one in place.

Whoosh pitfalls handled here: never call Searcher.refresh() (after another process merged
segments it returns duplicate hits) — open a new searcher when up_to_date() is false; and Whoosh
never fsyncs, which is why the index is only ever derived from the database.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from whoosh import index as whoosh_index
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import And, Term

from marketplace.search.analysis import accented_analyzer, folded_analyzer

CURRENT = "current"


def make_schema() -> Schema:
    folded, accented = folded_analyzer(), accented_analyzer()
    return Schema(
        doc_id=ID(stored=True, unique=True),
        type=ID(stored=True),
        object_id=NUMERIC(stored=True, bits=64),
        ref=ID(stored=True),
        kind=ID(stored=True),
        title=TEXT(analyzer=folded, stored=True, field_boost=3.0),
        title_exact=TEXT(analyzer=accented, field_boost=4.0),
        body=TEXT(analyzer=folded, stored=True),
        body_exact=TEXT(analyzer=accented, field_boost=1.2),
        commune_code=ID(stored=True),
        province_code=ID(stored=True),
        fingerprint=STORED(),
    )


@dataclass(frozen=True)
class Hit:
    doc_id: str
    type: str
    object_id: int
    title: str
    score: float


@dataclass
class SearchResult:
    total: int
    hits: list[Hit] = field(default_factory=list)


class SearchBackend(Protocol):
    def rebuild(self, documents: Iterable[dict]) -> int: ...
    def fingerprints(self) -> dict[str, str]: ...
    def search(self, text: str, *, type: str | None = None, limit: int = 20) -> SearchResult: ...


def _index_fields(document: dict) -> dict:
    fields = dict(document)
    fields["title_exact"] = document["title"]
    fields["body_exact"] = document["body"]
    return fields


class WhooshBackend:
    def __init__(self, directory: str | os.PathLike) -> None:
        self.root = Path(directory)

    @property
    def current(self) -> Path:
        return self.root / CURRENT

    def exists(self) -> bool:
        return self.current.exists() and whoosh_index.exists_in(str(self.current))

    def rebuild(self, documents: Iterable[dict]) -> int:
        """Write every document into a new folder, then swap it in; return the count."""
        self.root.mkdir(parents=True, exist_ok=True)
        build = self.root / f"build-{time.time_ns()}"
        build.mkdir()
        try:
            ix = whoosh_index.create_in(str(build), make_schema())
            count = 0
            with ix.writer() as writer:
                for document in documents:
                    writer.add_document(**_index_fields(document))
                    count += 1
            link = self.root / f".current-{time.time_ns()}"
            link.symlink_to(build.name)
            os.replace(link, self.current)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        self._remove_old_builds(keep=build.name)
        return count

    def _remove_old_builds(self, keep: str) -> None:
        for path in self.root.glob("build-*"):
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)

    def _open(self):
        return whoosh_index.open_dir(str(self.current), readonly=True)

    def fingerprints(self) -> dict[str, str]:
        if not self.exists():
            return {}
        with self._open().searcher() as searcher:
            return {fields["doc_id"]: fields.get("fingerprint", "") for fields in searcher.all_stored_fields()}

    def search(self, text: str, *, type: str | None = None, limit: int = 20) -> SearchResult:
        if not self.exists():
            return SearchResult(total=0)
        ix = self._open()
        parser = MultifieldParser(["title", "title_exact", "body", "body_exact"], ix.schema,
                                  group=OrGroup.factory(0.9))
        query = parser.parse(text)
        if type:
            query = And([query, Term("type", type)])
        with ix.searcher() as searcher:
            results = searcher.search(query, limit=limit)
            hits = [Hit(r["doc_id"], r["type"], r["object_id"], r["title"], r.score) for r in results]
            return SearchResult(total=len(results), hits=hits)


class MemoryBackend:
    """The in-memory twin: same interface, plain substring matching on folded text."""

    def __init__(self) -> None:
        self.documents: dict[str, dict] = {}

    def rebuild(self, documents: Iterable[dict]) -> int:
        self.documents = {d["doc_id"]: dict(d) for d in documents}
        return len(self.documents)

    def fingerprints(self) -> dict[str, str]:
        return {doc_id: d["fingerprint"] for doc_id, d in self.documents.items()}

    def search(self, text: str, *, type: str | None = None, limit: int = 20) -> SearchResult:
        from marketplace.vietnamese import fold

        words = fold(text).split()
        hits = [
            Hit(d["doc_id"], d["type"], d["object_id"], d["title"], 1.0)
            for d in self.documents.values()
            if (type is None or d["type"] == type)
            and all(w in fold(f"{d['title']} {d['body']}") for w in words)
        ]
        return SearchResult(total=len(hits), hits=hits[:limit])


def make_backend(directory: str) -> SearchBackend:
    if directory == "memory://":
        return MemoryBackend()
    return WhooshBackend(directory)
