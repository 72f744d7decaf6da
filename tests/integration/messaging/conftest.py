"""Fixtures of the conversation tests: the people (tests.integration.messaging.support) and a
thread between the supermarket and the club about the club's listing."""

from __future__ import annotations

import pytest

from tests.integration.messaging.support import make_people, start_thread


@pytest.fixture
def people(app):
    return make_people(app)


@pytest.fixture
def thread(app, people):
    """The supermarket's buyer asked the club about its listing."""
    return start_thread(app, people.buyer, listing_id=people.listing.id)
