from django import forms
from django.utils.translation import gettext_lazy as _

from orgprofile.models import Office

from .models import ReviewState


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("ผลการพิจารณา"),
        choices=[("certify", _("รับรอง")), ("reject", _("ไม่รับรอง"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("กรุณาเลือกรับรองหรือไม่รับรอง")},
    )
    reason = forms.CharField(
        label=_("เหตุผล / ข้อเสนอแนะ"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("จำเป็นเมื่อไม่รับรอง สำนักงานจะเห็นข้อความนี้ที่ประเด็น"),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("กรุณาระบุเหตุผลที่ไม่รับรอง"))
        return data


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("สถานะ"),
        required=False,
        choices=[("", _("รอพิจารณา (รอการรับรองผล + มีข้อมูลใหม่)"))] + list(ReviewState.choices),
    )
    office = forms.CharField(label=_("ค้นหาสำนักงาน (รหัสหรือชื่อ)"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("ประเภท"), required=False, choices=[("", _("ทั้งหมด"))] + list(Office.Kind.choices))
    category = forms.TypedChoiceField(
        label=_("หมวด"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("ทั้งหมด"))] + [(i, f"หมวด {i}") for i in range(1, 7)],
    )
