import logging

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from orgprofile.decorators import role_required
from orgprofile.roles import Role, role_of

from .forms import ThaiAuthenticationForm

audit_log = logging.getLogger("pmqa.audit")

ROLE_HOMES = {
    Role.ESA_STAFF: "office-home",
    Role.ESA_COORDINATOR: "office-home",
    Role.OBEC_REVIEWER: "review-home",
    Role.ADMIN: "manage-home",
}


class ThaiLoginView(LoginView):
    form_class = ThaiAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Arriving here with ?next= while logged out means the session ended mid-work.
        context["session_expired"] = bool(self.request.GET.get("next")) and not self.request.user.is_authenticated
        return context


@require_safe
@login_required
def home(request):
    """Send each role to its own home page."""
    role = role_of(request.user)
    if role is None:
        raise PermissionDenied(_("บัญชีนี้ยังไม่ได้รับบทบาทในระบบ กรุณาติดต่อผู้ดูแลระบบ"))
    return redirect(ROLE_HOMES[role])


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    audit_log.warning(
        "refused user=%s path=%s method=%s reason=%s",
        getattr(request.user, "username", "-") or "anonymous",
        request.path,
        request.method,
        message,
    )
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


@require_safe
@role_required(Role.ADMIN)
def manage_home(request):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from orgprofile.models import Office

    return render(
        request,
        "pmqa_site/manage_home.html",
        {
            "office_count": Office.objects.filter(is_active=True).count(),
            "user_count": get_user_model().objects.filter(is_active=True).count(),
            "now": timezone.now(),
        },
    )


@require_GET
def healthz(request):
    """Liveness for the reverse proxy and compose: the process answers and the database too."""
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
