"""Log in with the KRS username and password (the seed: "เข้า User และ Password ใช้เหมือนกับของระบบ KRS").

Active only when KRS_AUTH_ENABLED is true (settings add this backend after axes). KRS
says who the user is and which office they belong to; a user whose office is not in the
registry is not created. On success the local password is set to the one KRS accepted,
so the user can still log in when KRS is down; local accounts never depend on KRS.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import ValidationError
from django.db import transaction

from orgprofile.access import office_of
from orgprofile.models import Office
from orgprofile.services import user_create
from pmqa_site.roles import Role, role_of

from .client import KRSClient, KRSError

logger = logging.getLogger(__name__)

AUTH_TIMEOUT_SECONDS = 5.0


class KRSBackend(BaseBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.KRS_AUTH_ENABLED or not username or not password:
            return None
        try:
            # One try and a short wait: a person is waiting at the login form, and a local
            # account must not take KRS_TIMEOUT to log in when KRS hangs.
            with KRSClient(retries=1, timeout=min(settings.KRS_TIMEOUT, AUTH_TIMEOUT_SECONDS)) as client:
                krs_user = client.verify_credentials(username=username, password=password)
        except KRSError as exc:
            logger.warning("KRS login for %s not checked: %s", username, exc.message)
            return None
        if krs_user is None:
            return None
        office = Office.objects.filter(code=krs_user.office_code, is_active=True).first()
        if office is None:
            logger.warning("KRS login for %s refused: office %s is not in the registry", username, krs_user.office_code)
            return None
        return self._local_user(krs_user=krs_user, password=password, office=office)

    @transaction.atomic
    def _local_user(self, *, krs_user, password, office):
        User = get_user_model()
        user = User.objects.filter(username=krs_user.username).first()
        if user is None:
            try:
                return user_create(
                    username=krs_user.username,
                    password=password,
                    role=Role.ESA_STAFF,
                    office=office,
                    first_name=krs_user.first_name,
                    last_name=krs_user.last_name,
                )
            except ValidationError as exc:
                logger.warning("KRS login for %s: local user not created: %s", krs_user.username, exc)
                return None
        own = office_of(user)
        if role_of(user) not in (Role.ESA_STAFF, Role.ESA_COORDINATOR) or own is None or own.pk != office.pk:
            # A central account, or an office user KRS places elsewhere: never re-map silently.
            logger.warning("KRS login for %s refused: local account does not belong to office %s", user, office.code)
            return None
        user.first_name = krs_user.first_name or user.first_name
        user.last_name = krs_user.last_name or user.last_name
        user.set_password(password)
        user.save(update_fields=["first_name", "last_name", "password"])
        return user if user.is_active else None

    def get_user(self, user_id):
        User = get_user_model()
        try:
            return User.objects.get(pk=user_id)
        except User.DoesNotExist:
            return None
