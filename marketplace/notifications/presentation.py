"""What a notification says, in the reader's language: one place for the bell, instant mail and
the daily digest. Each kind's words are made from the params stored with it, by the package that
sends that kind: it registers a describer for its kinds when its blueprint is registered
(`register(app, "order", describe_notice)` covers order_new, order_paid …)."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask, current_app

from marketplace import formatting

Describer = Callable[[str, dict], str | None]  # (kind, params) → text, or None when it does not know the kind


def register(app: Flask, prefix: str, describer: Describer) -> None:
    app.extensions.setdefault("notice_describers", {})[prefix] = describer


def describe(kind: str, params: dict | str) -> str:
    if isinstance(params, str):
        params = json.loads(params or "{}")
    p = formatting.in_reader_language({k: v for k, v in params.items() if isinstance(k, str)})
    for prefix, describer in current_app.extensions.get("notice_describers", {}).items():
        if kind.startswith(prefix):
            text = describer(kind, p)
            if text:
                return text
    return kind


def subject_of(kind: str, params: dict) -> str:
    """A mail subject: the description, cut to a length mail programs show whole."""
    text = describe(kind, params)
    return text if len(text) <= 120 else text[:119].rstrip() + "…"
