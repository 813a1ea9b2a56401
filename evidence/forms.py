from django import forms
from django.utils.translation import gettext_lazy as _


class LinkForm(forms.Form):
    url = forms.URLField(label=_("ลิงก์ (URL)"), max_length=1000, assume_scheme="https")
    title = forms.CharField(label=_("ชื่อเรื่อง"), max_length=300)


class SupersedeForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ยกเลิก"), max_length=500, min_length=3)
