"""Django's Redis cache, with one Redis client per connection pool.

Django's backend builds a new `redis.Redis` for every operation (`RedisCacheClient.get_client`),
and redis-py fills about 170 response callbacks into each: some 60 µs, two or three times a
page (the session, the version tokens). A client over a connection pool is safe to share, and
this one is kept beside its pool, which Django already keeps. Nothing else changes: the
connections, the serializer and the options are Django's.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _KeptClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools are kept for the life of the process
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClient
