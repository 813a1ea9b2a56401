from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _roles_sync_after_migrate(sender, using="default", **kwargs):
    from .services import roles_sync  # Django: apps.py is imported before any model may be

    # post_migrate is sent once per app; sync once, after the last app, when every app's
    # permissions exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label == with_models[-1].label:
        roles_sync(using=using)


class OrgprofileConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orgprofile"
    verbose_name = _("สำนักงานเขตพื้นที่และลักษณะสำคัญขององค์กร")

    def ready(self):
        # Framework set-up, not business logic: after every migrate the role groups exist
        # and hold exactly the permissions listed in roles.py.
        post_migrate.connect(_roles_sync_after_migrate, dispatch_uid="pmqa-roles-sync")
