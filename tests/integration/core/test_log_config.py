"""The app's log redactor is built from its configuration (the rules are unit-tested in
tests/unit/core/test_log_config.py)."""

from __future__ import annotations

from marketplace.log_config import MASK


def test_app_redactor_knows_the_secret_key(app):
    redactor = app.extensions["log_redactor"]
    assert app.config["SECRET_KEY"] not in redactor.redact(f"key={app.config['SECRET_KEY']}")
    assert redactor.redact(f"x {app.config['SECRET_KEY']} y") == f"x {MASK} y"
