"""Rebuilding the index from the database and comparing the two."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy.orm import Session

from marketplace.search.backend import SearchBackend, make_backend
from marketplace.search.documents import all_documents


@dataclass
class IndexDifferences:
    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, not in the database
    stale: list[str] = field(default_factory=list)  # in both, with different content

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.stale)


def reindex(db: Session, backend: SearchBackend) -> int:
    return backend.rebuild(all_documents(db))


def check(db: Session, backend: SearchBackend) -> IndexDifferences:
    expected = {d["doc_id"]: d["fingerprint"] for d in all_documents(db)}
    actual = backend.fingerprints()
    return IndexDifferences(
        missing=sorted(set(expected) - set(actual)),
        extra=sorted(set(actual) - set(expected)),
        stale=sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k]),
    )


def init_app(app: Flask) -> None:
    app.extensions["search_backend"] = make_backend(app.config["SEARCH_INDEX_DIR"])


def backend() -> SearchBackend:
    return current_app.extensions["search_backend"]
