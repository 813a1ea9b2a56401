"""The one web convention of the project's views.

A view checks, binds, calls one service and renders. What the service refuses becomes a
response here and nowhere else:

- a form page calls the service through `call(form, service, ...)`: a refusal becomes the
  form's errors (field by field where the service named fields), so the page comes back
  with what the user typed and the Thai reason beside it;
- anything else a view lets through (a button such as "submit" or "close now") is turned
  into a response by `RefusalMiddleware`: JSON for scripts, the refusal box for htmx, the
  Thai 403 page for an edit refused now (EditRefused) or a GET, and otherwise the message
  above the page the user came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import EditRefused, Refused
from .models import RefusedAccess

# The status a page answers with when a value is refused (the form comes back).
INVALID = 422


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.headers.get("Accept", "").startswith(
        "application/json"
    )


def refusal_messages(exc: Exception) -> list[str]:
    if isinstance(exc, Refused):
        return exc.messages
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc)]


def refusal_status(exc: Exception) -> int:
    return exc.status if isinstance(exc, Refused) else INVALID


def add_refusal_to_form(form, exc: Exception) -> None:
    """Put a refusal on the form: per field where the service named a field the form has."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target if target != NON_FIELD_ERRORS else None, error)
        return
    for message in refusal_messages(exc):
        form.add_error(None, message)


@dataclass
class Outcome:
    """What `call` did: `ok` and the service's return value, or the refusal it raised."""

    ok: bool
    value: Any = None
    refusal: Exception | None = None

    @property
    def status(self) -> int:
        return 200 if self.ok else refusal_status(self.refusal)


def call(form, service: Callable[..., Any], /, **kwargs) -> Outcome:
    """Call one service for a bound form. A refusal (Refused or ValidationError) is put on
    the form and returned; the database is as it was (services are atomic)."""
    try:
        return Outcome(ok=True, value=service(**kwargs))
    except (Refused, ValidationError) as exc:
        if form is not None:
            add_refusal_to_form(form, exc)
        return Outcome(ok=False, refusal=exc)


def back(request, fallback: str = ""):
    """Redirect to the page the user came from: the form's `next` field (every action form
    carries one) or the Referer, same site only; else `fallback`, else the user's home."""
    for target in (request.POST.get("next"), request.GET.get("next"), request.headers.get("Referer")):
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
    return redirect(fallback or settings.LOGIN_REDIRECT_URL)


def refusal_response(request, exc: Exception) -> HttpResponse:
    notes = refusal_messages(exc)
    status = refusal_status(exc)
    if isinstance(exc, EditRefused):
        RefusedAccess.record(request, reason=exc.message)
    if wants_json(request):
        return JsonResponse({"ok": False, "messages": notes}, status=status)
    if is_htmx(request):
        return render(request, "includes/refusal.html", {"notes": notes}, status=status)
    if request.method in ("GET", "HEAD") or isinstance(exc, EditRefused):
        # Not allowed now (another office, a central role, the window closed): the Thai 403
        # page with the reason and the way back, as for any refused page.
        return render(request, "403.html", {"message": " ".join(notes)}, status=status)
    for note in notes:
        messages.error(request, note)
    return back(request)


class RefusalMiddleware:
    """Turns a refusal that a view did not put on a form into a response (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (Refused, ValidationError)):
            return refusal_response(request, exception)
        return None
