from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class ThaiAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาลองอีกครั้ง (ตัวพิมพ์เล็ก-ใหญ่มีผล)"),
        "inactive": _("บัญชีนี้ถูกระงับการใช้งาน กรุณาติดต่อผู้ดูแลระบบ"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if settings.KRS_AUTH_ENABLED:
            self.error_messages = {
                **self.error_messages,
                "invalid_login": _(
                    "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาลองอีกครั้ง (ใช้ชื่อผู้ใช้และรหัสผ่านเดียวกับระบบ KRS ตัวพิมพ์เล็ก-ใหญ่มีผล)"
                ),
            }

    username = forms.CharField(
        label=_("ชื่อผู้ใช้"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("รหัสผ่าน"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


PASSWORD_MISMATCH = _("รหัสผ่านทั้งสองช่องไม่ตรงกัน")


class ThaiPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("อีเมลที่ลงทะเบียนไว้กับบัญชี"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ThaiSetPasswordForm(SetPasswordForm):
    error_messages = {"password_mismatch": PASSWORD_MISMATCH}


class ThaiPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": _("รหัสผ่านเดิมไม่ถูกต้อง กรุณาลองอีกครั้ง"),
    }


def form_error_lines(form) -> list[str]:
    """A bound form's errors as Thai lines a message box can show: "label: message"."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return lines


class ThaiErrorsMixin:
    def thai_errors(self) -> list[str]:
        return form_error_lines(self)
