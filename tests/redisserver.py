"""The Redis the tests of sessions and limits shared between hosts use: MARKETPLACE_TEST_REDIS_URL,
by default database 5 of a Redis on loopback. Tests that need it are skipped when it does not answer."""

from __future__ import annotations

import os

import pytest
from redis import Redis
from redis.exceptions import RedisError

REDIS_URL = os.environ.get("MARKETPLACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_answers(url: str = REDIS_URL) -> bool:
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason=f"no Redis answers at {REDIS_URL}")


def empty_redis(url: str = REDIS_URL) -> Redis:
    """The test database, emptied (it is the tests' own: a number no app default uses)."""
    client = Redis.from_url(url)
    client.flushdb()
    return client
