from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The top floor: what reads across every app (see README, "Architecture")."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("รายงานและภาพรวม")
