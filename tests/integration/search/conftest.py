"""Fixtures for the search tests: a committed database shared by the tests that run several
threads or processes (each test makes its own index folder and leaves the database consistent)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.integration.search.support import close_app, committed_app


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[Flask]:
    app = committed_app(tmp_path_factory, "searchlive")
    yield app
    close_app(app, "searchlive")
