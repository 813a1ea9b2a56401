from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _calendar_changed(sender, **kwargs):
    from orgprofile.calendar import calendar_changed

    calendar_changed()


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("การประเมินตนเอง PMQA 4.0")

    def ready(self):
        # The list of catalogues and the titles of 7.1-7.6 are kept with the calendar
        # (orgprofile/calendar.py): read again after any change of their rows, however made.
        for model in ("Catalogue", "ResultDimension"):
            for signal in (post_save, post_delete):
                signal.connect(_calendar_changed, sender=f"assessments.{model}", dispatch_uid=f"pmqa-calendar-{model}")
