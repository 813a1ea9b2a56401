"""Operations logging: one JSON line per request (python-json-logger), and no traceback for
an ordinary refusal.

- RequestLogMiddleware writes `pmqa.request`: method, path, status, duration in ms, the user
  and their office, after every response (LOG_FORMAT=json in production; plain text by
  default on a laptop).
- RefusalsWithoutTraceback drops the traceback Django attaches to the log line of a 403
  (a refused page is an everyday event, not an error; the audit timeline keeps it).
"""

from __future__ import annotations

import logging
import time

request_log = logging.getLogger("pmqa.request")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        authenticated = getattr(user, "is_authenticated", False)
        membership = getattr(user, "membership", None) if authenticated else None
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user.get_username() if authenticated else "",
                "office": membership.office.code if membership is not None else "",
            },
        )
        return response


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True
