"""The production cache (pmqa_site/cache.py): Django's Redis backend, one client kept per
connection pool instead of one built per operation, and otherwise Django's behaviour."""

import uuid

import pytest

from pmqa_site.cache import RedisCache
from tests.workers import redis_url  # noqa: F401  (a fixture)

pytestmark = pytest.mark.redis


def test_one_client_serves_every_operation_and_the_values_are_djangos(redis_url):  # noqa: F811
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client and cache._cache.get_client("any", write=True) is client

    cache.set("a", {"คำตอบ": [1, 2]}, 30)
    assert cache.get("a") == {"คำตอบ": [1, 2]}
    assert cache.add("a", "other") is False and cache.add("b", 5) is True
    assert cache.get_many(["a", "b", "missing"]) == {"a": {"คำตอบ": [1, 2]}, "b": 5}
    assert cache.incr("b", 2) == 7
    cache.set_many({"c": "สาม", "d": 4})
    assert cache.get("c") == "สาม" and cache.has_key("d")
    assert cache.touch("c", 1) is True
    cache.delete_many(["a", "b", "c", "d"])
    assert cache.get_many(["a", "b", "c", "d"]) == {}
    assert cache.get("a", "default") == "default"
    assert cache._cache.get_client() is client  # still the one client, after every kind of operation
    assert client.connection_pool is cache._cache._get_connection_pool(write=True)
