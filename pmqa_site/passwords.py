"""Django's password rules with their messages in Thai (Django's own Thai catalogue leaves
them in English). Named in AUTH_PASSWORD_VALIDATORS; used by every form that sets a password."""

from django.contrib.auth import password_validation as django_rules
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _in_thai(check, password, user, *, message: str, code: str) -> None:
    """Run one of Django's rules; when it refuses, refuse with the Thai message instead."""
    try:
        check(password, user)
    except ValidationError as english:
        raise ValidationError(message, code=code) from english


class MinimumLengthValidator(django_rules.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย %(n)d ตัวอักษร") % {"n": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("รหัสผ่านต้องมีอย่างน้อย %(n)d ตัวอักษร") % {"n": self.min_length}


class CommonPasswordValidator(django_rules.CommonPasswordValidator):
    def validate(self, password, user=None):
        message = _("รหัสผ่านนี้ใช้กันทั่วไปจนเดาได้ง่าย กรุณาตั้งรหัสผ่านอื่น")
        _in_thai(super().validate, password, user, message=message, code="password_too_common")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่ใช่รหัสผ่านที่ใช้กันทั่วไป")


class NumericPasswordValidator(django_rules.NumericPasswordValidator):
    def validate(self, password, user=None):
        if password.isdigit():
            raise ValidationError(_("รหัสผ่านต้องไม่เป็นตัวเลขล้วน"), code="password_entirely_numeric")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่เป็นตัวเลขล้วน")


class UserAttributeSimilarityValidator(django_rules.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        message = _("รหัสผ่านคล้ายกับชื่อผู้ใช้ ชื่อ หรืออีเมลมากเกินไป กรุณาตั้งรหัสผ่านอื่น")
        _in_thai(super().validate, password, user, message=message, code="password_too_similar")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่คล้ายกับข้อมูลส่วนตัวของท่าน")
