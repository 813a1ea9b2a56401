"""What the reviewers' queue page reads across every office, kept in the cache between the
writes that change it:

- the counts per review state: one aggregate over every office's summary row, which changes
  only when some office's state figures change (`summary_refresh` and `summaries_rebuild`
  call `queue_counts_changed()`);
- the conversations with office messages no reviewer has read yet, which change when a
  message is posted or a reviewer reads one (`message_post` and `conversation_mark_read`
  call `unread_changed()`).

Each is kept under a version token that the writer replaces when its transaction commits
(`pmqa_site.versions.kept` and `changed`, which say how). A change no writer above sees (an
office made inactive, a row edited in the database) shows within KEEP_SECONDS.
"""

from pmqa_site.versions import changed, kept, register

COUNTS_VERSION_KEY = register("queue-counts:version")
UNREAD_VERSION_KEY = register("queue-unread:version")
KEEP_SECONDS = 60


def queue_counts_kept(key: str, build):
    """build()'s counts, kept per version of the queue's state figures."""
    return kept(COUNTS_VERSION_KEY, key, build, seconds=KEEP_SECONDS)


def queue_counts_changed() -> None:
    """Some office's state figures changed: the kept counts are read again, from the commit on."""
    changed(COUNTS_VERSION_KEY)


def unread_kept(key: str, build):
    """build()'s list of conversations the central office has not read, kept per version."""
    return kept(UNREAD_VERSION_KEY, key, build, seconds=KEEP_SECONDS)


def unread_changed() -> None:
    """A message was posted or read: the kept unread list is read again, from the commit on."""
    changed(UNREAD_VERSION_KEY)
