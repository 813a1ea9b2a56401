"""The root URLconf: every app's URLs under its own namespace (see README, "Architecture").

Django's own account URLs keep Django's names (login, logout, password_change...): Django's
views and settings refer to them by those names."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import ThaiPasswordChangeForm, ThaiSetPasswordForm
from .health import ReadinessView

admin.site.site_header = "PMQA 4.0 สพฐ. — ผู้ดูแลระบบ"
admin.site.site_title = "PMQA 4.0"
admin.site.index_title = "จัดการข้อมูลระบบ"

site_patterns = (
    [
        path("help/", views.help_page, name="help"),
        path("healthz/", views.healthz, name="healthz"),
        path("healthz/ready/", ReadinessView.as_view(), name="readiness"),
    ],
    "site",
)

urlpatterns = [
    path("accounts/login/", views.ThaiLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change.html", form_class=ThaiPasswordChangeForm
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    # A forgotten password: a link by email, the request throttled (views.ThrottledPasswordResetView).
    path("accounts/password/reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_new.html", form_class=ThaiSetPasswordForm
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("", include(site_patterns)),
    path("", include("orgprofile.urls")),
    path("", include("assessments.urls")),
    path("", include("evidence.urls")),
    path("", include("krs_integration.urls")),
    path("", include("reporting.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "pmqa_site.views.permission_denied"
handler404 = "pmqa_site.views.page_not_found"
handler500 = "pmqa_site.views.server_error"
