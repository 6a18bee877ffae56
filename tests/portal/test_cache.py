"""The shared cache: Redis when REDIS_URL is set, so that several app servers see the same values."""

import socket
import uuid

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Database 15: well away from anything a developer keeps in Redis's default database 0.
REDIS_LOCATION = f"redis://{REDIS_HOST}:{REDIS_PORT}/15"


def redis_answers():
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_location():
    if not redis_answers():
        pytest.skip(
            f"No Redis answers on {REDIS_HOST}:{REDIS_PORT}, so the REDIS_URL cache path is not tested here "
            "(start one, e.g. `redis-server`, to run this test)."
        )
    return REDIS_LOCATION


def test_redis_cache_sets_and_gets_through_django(redis_location):
    key = f"portal-test-{uuid.uuid4().hex}"
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_location}}
    ):
        shared = caches["default"]
        assert isinstance(shared, RedisCache)
        shared.set(key, {"meetings": 5}, timeout=30)
        assert shared.get(key) == {"meetings": 5}
        shared.set(f"{key}-n", 1, timeout=30)
        assert shared.incr(f"{key}-n") == 2
        shared.delete_many([key, f"{key}-n"])
        assert shared.get(key) is None


def test_two_app_servers_share_one_redis_cache(redis_location):
    """What one app server caches, another reads: the reason for Redis rather than local memory."""
    key = f"portal-test-{uuid.uuid4().hex}"
    first, second = RedisCache(redis_location, {}), RedisCache(redis_location, {})
    try:
        first.set(key, "from server one", timeout=30)
        assert second.get(key) == "from server one"
    finally:
        first.delete(key)


def test_the_cache_follows_redis_url(settings):
    """Local memory without REDIS_URL (each process its own), Redis with it."""
    expected = "RedisCache" if settings.REDIS_URL else "LocMemCache"
    assert type(caches["default"]).__name__ == expected
    cache.set("portal-test-local", 1)
    assert cache.get("portal-test-local") == 1
    cache.delete("portal-test-local")
