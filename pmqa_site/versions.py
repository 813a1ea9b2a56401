"""Version tokens in the shared cache: what is kept under a token is served until the token is
replaced. Used by the kept calendar (orgprofile/calendar.py) and by what the reviewers' queue
keeps (assessments/queue_cache.py: its counts and unread conversations).

Within a request a token is read once, and every registered token in the same round trip to
the cache (`register`): a page that reads the calendar and the queue's counts waits for the
cache once, not twice. A token replaced during the request is seen replaced by the rest of it.
"""

import secrets

from django.core.cache import cache

from . import clock

_KEYS: list[str] = []
_SCOPE = "versions"


def register(key: str) -> str:
    """A version key read with the others, once per request; returns the key."""
    if key not in _KEYS:
        _KEYS.append(key)
    return key


def _read(key: str) -> str:
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(8), timeout=None)
        version = cache.get(key)
    return version


def version_token(key: str) -> str:
    """The current token under `key`, made on first use."""
    scope = clock.request_scope()
    if scope is None:
        return _read(key)
    tokens = scope.get(_SCOPE)
    if tokens is None:
        tokens = scope[_SCOPE] = cache.get_many(_KEYS)
    version = tokens.get(key)
    if version is None:
        version = tokens[key] = _read(key)
    return version


def version_replace(key: str) -> None:
    """A new token under `key`: everything kept under the old one is no longer served."""
    version = secrets.token_hex(8)
    cache.set(key, version, timeout=None)
    scope = clock.request_scope()
    if scope is not None and _SCOPE in scope:
        scope[_SCOPE][key] = version
