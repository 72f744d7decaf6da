"""Language choice (Vietnamese first, English second); formatting.py writes numbers and dates."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

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


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(app.root_path + "/translations"))

    @app.context_processor
    def language_context():
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}
