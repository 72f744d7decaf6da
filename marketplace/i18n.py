"""Language choice (Vietnamese first, English second); formatting.py writes numbers and dates."""

from __future__ import annotations

from collections import defaultdict

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from marketplace.extensions import babel


def select_locale() -> str:
    if not has_request_context():  # CLI commands and jobs translate too (service messages)
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# Each label a page writes, translated once per web process and language (issue #21): through
# Flask-Babel each `_()` in a template looked the translations up afresh (~60 a page, a third of
# the home page's rendering). Translations do not change while a process runs. The language is the
# page's own (`current_locale`, set by the context processor below when the render starts, so a
# mail rendered inside force_locale gets its reader's), else read at the call.
_labels: defaultdict = defaultdict(dict)  # locale → {msgid: text}
_plurals: defaultdict = defaultdict(dict)  # locale → {(singular, plural, form index or n): text}


def translated(string: str, locale: str | None = None) -> str:
    labels = _labels[locale or str(get_locale())]
    try:
        return labels[string]
    except KeyError:
        labels[string] = text = get_translations().ugettext(string)
        return text


def translated_plural(singular: str, plural: str, n: int, locale: str | None = None) -> str:
    # Keyed by n itself: the plural form a number takes is the catalogue's rule, not ours to redo.
    plurals = _plurals[locale or str(get_locale())]
    key = (singular, plural, n)
    try:
        return plurals[key]
    except KeyError:
        text = get_translations().ungettext(singular, plural, n)
        if len(plurals) < 10_000:  # numbers are unbounded: keep the common ones only
            plurals[key] = text
        return text


@pass_context
def page_gettext(context, string: str, **variables) -> str:
    """`_()` and `gettext()` in templates, as Jinja's newstyle gettext does it (autoescaped, always
    %-formatted) without its two indirect calls per label."""
    text = translated(string, context.get("current_locale"))
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  # nosec B704  # our own catalogue's text, as Jinja's gettext does
    return text % variables


@pass_context
def page_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    text = translated_plural(singular, plural, num, context.get("current_locale"))
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  # nosec B704  # our own catalogue's text, as Jinja's gettext does
    return text % variables


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(app.root_path + "/translations"))
    app.jinja_env.globals.update(_=page_gettext, gettext=page_gettext, ngettext=page_ngettext)

    @app.context_processor
    def language_context():
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}
