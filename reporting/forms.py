from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from orgprofile.models import Office
from pmqa_site.fields import ThaiDateField
from pmqa_site.thaidates import day_bounds

from .national import SORTS, Progress
from .national import Filters as NationalFilters
from .timeline import KINDS, Filters


class AuditFilterForm(forms.Form):
    office = forms.CharField(label=_("รหัสสำนักงาน"), required=False, max_length=20)
    user = forms.CharField(label=_("ชื่อผู้ใช้"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=_("ประเภท"), required=False, choices=[("", _("ทุกประเภท"))] + [(k.code, k.label) for k in KINDS]
    )
    start = ThaiDateField(label=_("ตั้งแต่วันที่"), required=False)
    end = ThaiDateField(label=_("ถึงวันที่"), required=False)

    def clean_office(self):
        code = self.cleaned_data["office"].strip()
        if not code:
            return None
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise forms.ValidationError(_("ไม่พบสำนักงานรหัส %(c)s") % {"c": code})
        return office

    def clean_user(self):
        username = self.cleaned_data["user"].strip()
        if username and not get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("ไม่พบผู้ใช้ %(u)s") % {"u": username})
        return username

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            office=data.get("office"),
            username=data.get("user") or "",
            kinds={data["kind"]} if data.get("kind") else set(),
            start=day_bounds(data["start"])[0] if data.get("start") else None,
            end=day_bounds(data["end"])[1] if data.get("end") else None,
        )


class NationalFilterForm(forms.Form):
    """The dashboard's filters (a GET form); the exports take the same parameters."""

    kind = forms.ChoiceField(label=_("ประเภท"), required=False, choices=[("", _("ทุกประเภท"))] + Office.Kind.choices)
    province = forms.ChoiceField(label=_("จังหวัด"), required=False, choices=[("", _("ทุกจังหวัด"))])
    progress = forms.ChoiceField(
        label=_("ความคืบหน้า"),
        required=False,
        choices=[("", _("ทุกขั้น"))] + [(code, label) for code, label in Progress.LABELS.items()],
    )
    waiting = forms.BooleanField(label=_("มีประเด็นรอการรับรองผล"), required=False)
    q = forms.CharField(label=_("ค้นหาชื่อหรือรหัสสำนักงาน"), required=False, max_length=100)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS], widget=forms.HiddenInput)
    desc = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("ทุกจังหวัด"))] + [(p, p) for p in provinces]

    def filters(self) -> NationalFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return NationalFilters(
            kind=data.get("kind", ""),
            province=data.get("province", ""),
            progress=data.get("progress", ""),
            waiting=bool(data.get("waiting")),
            search=data.get("q", ""),
            sort=data.get("sort") or "code",
            descending=bool(data.get("desc")),
        )
