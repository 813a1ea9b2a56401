import logging

from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _roles_sync_after_migrate(sender, using="default", **kwargs):
    from .services import roles_sync  # Django: apps.py is imported before any model may be

    # post_migrate is sent once per app; sync once, after the last app, when every app's
    # permissions exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label == with_models[-1].label:
        roles_sync(using=using)


def _calendar_changed(sender, **kwargs):
    from .calendar import calendar_changed

    calendar_changed()


def _offices_changed(sender, **kwargs):
    from .registry import offices_changed

    offices_changed()


def _calendar_changed_after_migrate(sender, **kwargs):
    from .calendar import calendar_changed

    try:
        calendar_changed()
    except Exception:  # a migrate while the cache is down: what it keeps expires (calendar.KEEP_SECONDS)
        logging.getLogger(__name__).warning("the kept calendar was not replaced: the cache cannot be reached")


class OrgprofileConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orgprofile"
    verbose_name = _("สำนักงานเขตพื้นที่และลักษณะสำคัญขององค์กร")

    def ready(self):
        # Framework set-up, not business logic: after every migrate the role groups exist
        # and hold exactly the permissions listed in roles.py.
        post_migrate.connect(_roles_sync_after_migrate, dispatch_uid="pmqa-roles-sync")
        # The kept calendar (calendar.py) and the number of profile questions kept with it are
        # read again after any change of their rows, however made (a service, the Django admin,
        # a fixture).
        # A migration's own rows send no signal the app listens to: every migrate replaces it too.
        post_migrate.connect(_calendar_changed_after_migrate, dispatch_uid="pmqa-calendar-migrate")
        for model in ("FiscalYear", "ReportingWindow", "WindowExtension", "ProfileQuestionSet", "ProfileQuestion"):
            for signal in (post_save, post_delete):
                signal.connect(_calendar_changed, sender=f"orgprofile.{model}", dispatch_uid=f"pmqa-calendar-{model}")
        # What is kept of the office registry (registry.py) is read again after any save or
        # delete of an office.
        for signal in (post_save, post_delete):
            signal.connect(_offices_changed, sender="orgprofile.Office", dispatch_uid="pmqa-offices-changed")
