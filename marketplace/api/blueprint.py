"""The v1 blueprint every endpoint module registers on, and what their writes share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask_smorest import Blueprint
from marshmallow import Schema
from sqlalchemy.exc import IntegrityError

from marketplace import db
from marketplace.access import signed_in
from marketplace.errors import Conflict
from marketplace.request_text import ParserWithoutNul

blp = Blueprint("api", __name__, url_prefix="/api/v1", description="Chợ Hội Quán API v1")
blp.ARGUMENTS_PARSER = ParserWithoutNul()  # NUL dropped from bodies, as from every form (request_text)

BEARER = [{"bearerAuth": []}]
YES = (True, "true", "yes", 1, "1")


def signed_in_endpoint(rule: str, *, arguments: type[Schema], response: tuple[int, type[Schema]],
                       methods: tuple[str, ...] = ("GET",), location: str = "json"):
    """An endpoint for signed-in callers (bearer token or web session) with one input schema and
    one response schema: the decorators they all stack, in flask-smorest's order."""
    status, schema = response
    decorators = (blp.route(rule, methods=list(methods)), signed_in, blp.arguments(arguments, location=location),
                  blp.response(status, schema), blp.doc(security=BEARER))

    def register(view):
        for decorate in reversed(decorators):  # applied bottom-up, as if stacked
            view = decorate(view)
        return view
    return register


def listed(items: list) -> dict:
    """The promised shape of a list, `{"total", "results"}`, for its schema to serialise."""
    return {"total": len(items), "results": items}


def text_of(value) -> str:
    return "" if value is None else str(value)


@contextmanager
def conflict_if(taken: Callable[[], bool], message: str) -> Iterator[None]:
    """A 409 when the write breaks a unique reference that another request stored after our
    check (on PostgreSQL simultaneous requests all pass the check; the database keeps one)."""
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        if taken():
            raise Conflict(message) from None
        raise
