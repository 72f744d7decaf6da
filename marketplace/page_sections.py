"""Sections one package adds to another package's page, so that the page's package never imports
the package that adds to it: matching puts its cards on a listing's and a request's page.

A package adds its section when its blueprint is registered (`bp.record_once`); the page's
template asks for whatever was added with `{{ page_sections("listing", listing=listing) }}`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from markupsafe import Markup

# The page's context → HTML a template rendered (so already escaped), or None to show nothing.
Section = Callable[..., str | None]


def add(app: Flask, page: str, section: Section) -> None:
    app.extensions.setdefault("page_sections", {}).setdefault(page, []).append(section)


def render(page: str, **context) -> Markup:
    sections = current_app.extensions.get("page_sections", {}).get(page, ())
    return Markup("").join(Markup(html)  # noqa: S704  # nosec B704  # rendered by a template, escaped there
                             for section in sections if (html := section(**context)))

