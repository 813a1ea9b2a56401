"""Which instant counts for the reporting-window rule: the request's arrival.

A save that reached the server before the closing second is accepted even if the server
finishes it a moment later, so a slow server on the last day never costs an office its
work. Outside a request (tasks, commands) the current time counts.
"""

from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_request_time: ContextVar[datetime | None] = ContextVar("pmqa_request_time", default=None)
_request_scope: ContextVar[dict | None] = ContextVar("pmqa_request_scope", default=None)


def now() -> datetime:
    return _request_time.get() or timezone.now()


def request_scope() -> dict | None:
    """A dict that lives as long as the current request (None outside one): what a request
    reads once and uses several times, such as the kept calendar's version."""
    return _request_scope.get()


def _arrival() -> datetime:
    return timezone.now()


class RequestTimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_time.set(_arrival())
        scope = _request_scope.set({})
        try:
            return self.get_response(request)
        finally:
            _request_scope.reset(scope)
            _request_time.reset(token)
