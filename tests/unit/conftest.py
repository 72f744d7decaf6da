"""Unit tests are pure: no app, no database, no test client. They run in seconds because nothing
here migrates a database or starts the app.

A unit test that asks for one of the integration fixtures fails at once with a message saying
where it belongs, instead of pytest's "fixture not found" (or, worse, quietly building a database).
"""

from __future__ import annotations

import pytest

INTEGRATION_ONLY = ("app", "session", "client", "outbox", "live_app", "live_server")


def _refuse(name: str):
    @pytest.fixture(name=name)
    def refused(request):
        pytest.fail(
            f"{request.node.nodeid} asks for the `{name}` fixture, but tests/unit runs without an app "
            "or a database. Test the pure rule here, or move the test to tests/integration/<package>/ "
            "(see docs/testing.md, \"Where tests live\").", pytrace=False)

    return refused


for _name in INTEGRATION_ONLY:
    globals()[f"_refuse_{_name}"] = _refuse(_name)
