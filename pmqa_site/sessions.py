"""Sessions read from the shared cache (Redis), the database staying the record: Django's
cached_db engine, except that a cache that cannot be reached only makes a page read the
database (Django's own engine already keeps saving when it cannot write the cache, but a
read that finds nothing cached and cannot fill it fails the page). Ending a session still
needs the cache: a logout that could not remove the cached copy must not look done."""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # the cache is down (or the key is invalid): read the database
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            logger.warning("session not cached: the cache cannot be reached (%s)", self._cache, exc_info=True)
        return data
