"""The site's own pages: login, the error pages and liveness. Role homes live with the
floor that knows the user's office (orgprofile.views.home)."""

import logging
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView, PasswordResetView
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from . import guide
from .forms import ThaiAuthenticationForm, ThaiPasswordResetForm
from .models import HelpContact, RefusedAccess
from .web import wants_json

audit_log = logging.getLogger("pmqa.audit")


class ThaiLoginView(LoginView):
    form_class = ThaiAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Arriving here with ?next= while logged out means the session ended mid-work.
        context["session_expired"] = bool(self.request.GET.get("next")) and not self.request.user.is_authenticated
        context["krs_login"] = settings.KRS_AUTH_ENABLED
        return context


# Each address may ask for a few reset links an hour, and each e-mail address too: enough for
# a person who mistyped, not for someone filling an office's mailbox.
RESET_RATE = "5/h"


@method_decorator(ratelimit(key="ip", rate=RESET_RATE, method="POST", block=False), name="post")
@method_decorator(ratelimit(key="post:email", rate=RESET_RATE, method="POST", block=False), name="post")
class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset by e-mail, with Thai pages and e-mail, throttled by django-ratelimit. The
    answer is the same whether or not the address belongs to an account."""

    form_class = ThaiPasswordResetForm
    template_name = "registration/password_reset_ask.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            audit_log.warning("password reset throttled ip=%s", request.META.get("REMOTE_ADDR"))
            messages.error(request, _("ขอลิงก์ตั้งรหัสผ่านใหม่บ่อยเกินไป กรุณารอหนึ่งชั่วโมงแล้วลองอีกครั้ง"))
            return self.render_to_response(self.get_context_data(form=self.get_form()), status=429)
        return super().post(request, *args, **kwargs)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    RefusedAccess.record(request, reason=message)
    if wants_json(request):
        return JsonResponse({"ok": False, "messages": [message or _("ท่านไม่มีสิทธิ์ทำรายการนี้")]}, status=403)
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """The Thai 500 page; when the database cannot be reached, the Thai 503 page that says
    the service will be back (both static: neither may need the database)."""
    # Rendered without the request: its context processors would ask the database again.
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)


@require_GET
def healthz(request):
    """Liveness: the process answers. Readiness (the services behind it) is /healthz/ready/."""
    return JsonResponse({"status": "ok"})


@require_GET
def help_page(request):
    """How to report: the guide's own words, quoted, then this product's rules, named as such."""
    return render(
        request,
        "help.html",
        {
            "guide": guide,
            "contact": HelpContact.current(),
            "krs_login": settings.KRS_AUTH_ENABLED,
            "budget": settings.PMQA_EVIDENCE_BUDGET_BYTES,
        },
    )
