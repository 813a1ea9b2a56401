"""Version tokens in the shared cache: what is kept under a token is served until the token is
replaced. Used by the kept calendar (orgprofile/calendar.py) and the queue's counts
(assessments/queue_cache.py)."""

import secrets

from django.core.cache import cache


def version_token(key: str) -> str:
    """The current token under `key`, made on first use."""
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(8), timeout=None)
        version = cache.get(key)
    return version


def version_replace(key: str) -> None:
    """A new token under `key`: everything kept under the old one is no longer served."""
    cache.set(key, secrets.token_hex(8), timeout=None)
