from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KrsIntegrationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "krs_integration"
    verbose_name = _("เชื่อมโยงระบบ KRS")
