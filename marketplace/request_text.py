"""What reaches the views: no NUL character in any path segment, query parameter, form field or
JSON string.

A NUL is never typed by a person and PostgreSQL refuses it in text, so any raw value that reached a
query was a 500 — anonymously too (`/login`, `/register`, `?ref=%00`; issue #14). Dropping it where
the request is parsed covers every view at once, the way notes and messages already dropped it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import ImmutableMultiDict

from marketplace.oversize import TolerantFormRequest


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


class _ParametersWithoutNul(ImmutableMultiDict):
    """Query parameters and form fields (not files), as Werkzeug builds them, NUL-free."""

    def __init__(self, mapping=None) -> None:
        if mapping is None:
            super().__init__()
            return
        pairs = mapping.items(multi=True) if hasattr(mapping, "items") and hasattr(mapping, "getlist") else (
            mapping.items() if isinstance(mapping, dict) else mapping)
        super().__init__([(_without_nul(k), _without_nul(v)) for k, v in pairs])


class RequestWithoutNul(TolerantFormRequest):
    # Also: a view marked oversize.tolerant gets its form parsed tolerantly (oversize.py).
    parameter_storage_class = _ParametersWithoutNul


class JSONProviderWithoutNul(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        return _without_nul(super().loads(s, **kwargs))


class ParserWithoutNul(FlaskParser):
    """The API's bodies: webargs reads the JSON itself, not through Flask's provider."""

    def _raw_load_json(self, req):
        return _without_nul(super()._raw_load_json(req))


def _path_values_without_nul(endpoint: str | None, values: dict | None) -> None:
    """A path segment (`/fairs/%00`) reaches a view as a string too: `<slug>` is looked up as typed."""
    if values:
        for name, value in values.items():
            if isinstance(value, str) and "\x00" in value:
                values[name] = value.replace("\x00", "")


def init_app(app: Flask) -> None:
    app.request_class = RequestWithoutNul
    app.json = JSONProviderWithoutNul(app)
    app.url_value_preprocessor(_path_values_without_nul)
