"""The reviewers' queue counts (sub-items per review state), kept in the cache between the
writes that change them.

The counts are one aggregate over every office's summary row: cheap, but the queue page's
largest read. They change only when some office's state figures change: `summary_refresh`
and `summaries_rebuild` call `queue_counts_changed()`, which replaces the version token when
the transaction commits. Counts are stored under the token read *before* they were computed,
so counts computed from rows older than a change are never served after it. A change the
summaries do not see (an office made inactive) shows within KEEP_SECONDS.
"""

import hashlib
import logging

from django.core.cache import cache
from django.db import transaction

from pmqa_site.versions import version_replace, version_token

VERSION_KEY = "queue-counts:version"
KEEP_SECONDS = 60

logger = logging.getLogger(__name__)


def queue_counts_kept(key: str, build):
    """build()'s counts, kept per version of the queue's state figures; built every time while
    the cache cannot be reached."""
    try:
        version = version_token(VERSION_KEY)
        full_key = f"queue-counts:{version}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
        counts = cache.get(full_key)
        if counts is None:
            counts = build()
            cache.set(full_key, counts, KEEP_SECONDS)
        return counts
    except Exception:
        logger.warning("queue counts read from the database: the cache cannot be reached", exc_info=True)
        return build()


def queue_counts_changed() -> None:
    """Some office's state figures changed: the kept counts are read again, from the commit on."""

    def replace():
        try:
            version_replace(VERSION_KEY)
        except Exception:  # the counts kept there expire within KEEP_SECONDS
            logger.warning("queue counts not replaced: the cache cannot be reached", exc_info=True)

    replace()
    transaction.on_commit(replace)
