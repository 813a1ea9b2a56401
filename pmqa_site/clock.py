"""Which instant counts for the reporting-window rule: the request's arrival.

A save that reached the server before the closing second is accepted even if the server
finishes it a moment later, so a slow server on the last day never costs an office its
work. Outside a request (tasks, commands) the current time counts.
"""

from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_request_time: ContextVar[datetime | None] = ContextVar("pmqa_request_time", default=None)


def now() -> datetime:
    return _request_time.get() or timezone.now()


def _arrival() -> datetime:
    return timezone.now()


class RequestTimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_time.set(_arrival())
        try:
            return self.get_response(request)
        finally:
            _request_time.reset(token)
