from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class ThaiAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาลองอีกครั้ง (ใช้ชื่อผู้ใช้และรหัสผ่านเดียวกับระบบ KRS ตัวพิมพ์เล็ก-ใหญ่มีผล)"),
        "inactive": _("บัญชีนี้ถูกระงับการใช้งาน กรุณาติดต่อผู้ดูแลระบบ"),
    }

    username = forms.CharField(
        label=_("ชื่อผู้ใช้"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("รหัสผ่าน"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
