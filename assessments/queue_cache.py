"""What the reviewers' queue page reads across every office, kept in the cache between the
writes that change it:

- the counts per review state: one aggregate over every office's summary row, which changes
  only when some office's state figures change (`summary_refresh` and `summaries_rebuild`
  call `queue_counts_changed()`);
- the conversations with office messages no reviewer has read yet, which change when a
  message is posted or a reviewer reads one (`message_post` and `conversation_mark_read`
  call `unread_changed()`).

Each is kept under a version token that the writer replaces when its transaction commits
(and once at once, so a reader inside it does not see the old one). A value is stored under
the token read *before* it was computed, so a value computed from rows older than a change is
never served after it. A change no writer above sees (an office made inactive, a row edited
in the database) shows within KEEP_SECONDS. While the cache cannot be reached, every read
goes to the database.

Each process also keeps what it read, under the same versioned key and until the same moment
(the moment is stored with the value): the request already reads the version tokens, so a
queue page whose figures have not changed costs no round trip to the cache for them. What it
keeps is shared by the requests of the process: read it, do not change it.
"""

import hashlib
import logging
import time

from django.core.cache import cache
from django.db import transaction

from pmqa_site.versions import register, version_replace, version_token

COUNTS_VERSION_KEY = register("queue-counts:version")
UNREAD_VERSION_KEY = register("queue-unread:version")
KEEP_SECONDS = 60

logger = logging.getLogger(__name__)


# full key -> (until, value): this process's copies (time.time(), as stored in the cache)
_memo: dict[str, tuple[float, object]] = {}
_MEMO_SIZE = 256


def _remember(full_key: str, kept: tuple[float, object], now: float) -> None:
    if len(_memo) >= _MEMO_SIZE:
        for old_key in [k for k, (until, _) in _memo.items() if until <= now]:
            del _memo[old_key]
        if len(_memo) >= _MEMO_SIZE:
            _memo.clear()
    _memo[full_key] = kept


def _kept(version_key: str, key: str, build):
    try:
        version = version_token(version_key)
        full_key = f"{version_key}:{version}:kept:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
        now = time.time()
        kept = _memo.get(full_key)
        if kept is not None and kept[0] > now:
            return kept[1]
        kept = cache.get(full_key)
        if kept is None or kept[0] <= now:
            kept = (now + KEEP_SECONDS, build())
            cache.set(full_key, kept, KEEP_SECONDS)
        _remember(full_key, kept, now)
        return kept[1]
    except Exception:
        logger.warning("%s read from the database: the cache cannot be reached", version_key, exc_info=True)
        return build()


def _changed(version_key: str) -> None:
    def replace():
        try:
            version_replace(version_key)
        except Exception:  # what is kept there expires within KEEP_SECONDS
            logger.warning("%s not replaced: the cache cannot be reached", version_key, exc_info=True)

    replace()
    transaction.on_commit(replace)


def queue_counts_kept(key: str, build):
    """build()'s counts, kept per version of the queue's state figures."""
    return _kept(COUNTS_VERSION_KEY, key, build)


def queue_counts_changed() -> None:
    """Some office's state figures changed: the kept counts are read again, from the commit on."""
    _changed(COUNTS_VERSION_KEY)


def unread_kept(key: str, build):
    """build()'s list of conversations the central office has not read, kept per version."""
    return _kept(UNREAD_VERSION_KEY, key, build)


def unread_changed() -> None:
    """A message was posted or read: the kept unread list is read again, from the commit on."""
    _changed(UNREAD_VERSION_KEY)
