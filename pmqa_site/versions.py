"""Version tokens in the shared cache: what is kept under a token is served until the token is
replaced. Used by the kept calendar (orgprofile/calendar.py), by what the reviewers' queue
keeps (assessments/queue_cache.py: its counts and unread conversations) and by what is kept of
the office registry (orgprofile/registry.py).

Within a request a token is read once, and every registered token in the same round trip to
the cache (`register`): a page that reads the calendar and the queue's counts waits for the
cache once, not twice. A token replaced during the request is seen replaced by the rest of it.

`kept()` and `changed()` are the pattern the queue and the registry share:
- a value is stored under the token read *before* it was computed, so a value computed from
  rows older than a change is never served after it;
- the writer replaces the token at once (a reader later in its own transaction does not see the
  old value) and again when its transaction commits;
- a change no writer announces (a row edited in the database) shows within the value's seconds;
- a value read inside a transaction of the product's own is not kept: its rows may be that
  transaction's, not yet committed, and rolled back (`in_transaction`);
- while the cache cannot be reached, every read goes to the database;
- each process also keeps what it read, under the same versioned key and until the same moment
  (stored with the value): the request already reads the version tokens, so a value that has
  not changed costs no round trip to the cache. What is kept is shared by the requests of the
  process: read it, do not change it.
"""

import hashlib
import logging
import secrets
import time

from django.core.cache import cache
from django.db import transaction

from . import clock

_KEYS: list[str] = []
_SCOPE = "versions"
logger = logging.getLogger(__name__)
# full key -> (until, value): this process's copies (time.time(), as stored in the cache)
_memo: dict[str, tuple[float, object]] = {}
_MEMO_SIZE = 256


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


def in_transaction() -> bool:
    """Inside a transaction of the product's own (a test case's outer transaction, which Django
    marks as its own for `durable`, does not count: a test reads as a page does)."""
    blocks = transaction.get_connection().atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def _remember(full_key: str, kept_value: tuple[float, object], now: float) -> None:
    if len(_memo) >= _MEMO_SIZE:
        for old_key in [k for k, (until, _) in _memo.items() if until <= now]:
            del _memo[old_key]
        if len(_memo) >= _MEMO_SIZE:
            _memo.clear()
    _memo[full_key] = kept_value


def kept(version_key: str, key: str, build, *, seconds: int):
    """build()'s value, kept under the current token of `version_key` for `seconds` at most:
    from this process, else from the shared cache, else built (and kept) now."""
    try:
        version = version_token(version_key)
        full_key = f"{version_key}:{version}:kept:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
        now = time.time()
        found = _memo.get(full_key)
        if found is not None and found[0] > now:
            return found[1]
        if in_transaction():
            return build()
        found = cache.get(full_key)
        if found is None or found[0] <= now:
            found = (now + seconds, build())
            cache.set(full_key, found, seconds)
        _remember(full_key, found, now)
        return found[1]
    except Exception:
        logger.warning("%s read from the database: the cache cannot be reached", version_key, exc_info=True)
        return build()


def changed(version_key: str) -> None:
    """What is kept under `version_key` changed: read again from now on, and from the commit on."""

    def replace():
        try:
            version_replace(version_key)
        except Exception:  # what is kept there expires within its seconds
            logger.warning("%s not replaced: the cache cannot be reached", version_key, exc_info=True)

    replace()
    transaction.on_commit(replace)
