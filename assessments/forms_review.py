from django import forms
from django.utils.translation import gettext_lazy as _

from orgprofile.models import Office
from pmqa_site.fields import ThaiDateTimeField

from .models import EvidenceKind, ReviewState


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
    office = forms.CharField(label=_("รหัสสำนักงาน"), required=False, max_length=20)
    kind = forms.ChoiceField(label=_("ประเภท"), required=False, choices=[("", _("ทั้งหมด"))] + list(Office.Kind.choices))
    category = forms.TypedChoiceField(
        label=_("หมวด"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("ทั้งหมด"))] + [(i, f"หมวด {i}") for i in range(1, 7)],
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("ข้อความ"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("กรุณาพิมพ์ข้อความก่อนส่ง"), "max_length": _("ข้อความยาวเกิน 5000 ตัวอักษร")},
    )
    attachment = forms.FileField(label=_("แนบไฟล์ (PDF หรือรูปภาพ ตรวจสอบเหมือนเอกสารหลักฐาน)"), required=False)
    kind = forms.ModelChoiceField(label=_("ประเภทเอกสาร"), queryset=EvidenceKind.objects.none(), required=False)

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None:
            self.fields["kind"].queryset = EvidenceKind.objects.filter(catalogue_id=report.assessment.catalogue_id)

    def clean(self):
        data = super().clean()
        if data.get("attachment") and not data.get("kind"):
            self.add_error("kind", _("กรุณาเลือกประเภทเอกสารของไฟล์ที่แนบ"))
        return data


class WindowForm(forms.Form):
    office_opens_at = ThaiDateTimeField(label=_("เปิดให้สำนักงานรายงาน"))
    office_closes_at = ThaiDateTimeField(label=_("ปิดการรายงานของสำนักงาน"))
    review_opens_at = ThaiDateTimeField(label=_("เปิดการตรวจรับรอง"))
    review_closes_at = ThaiDateTimeField(label=_("ปิดการตรวจรับรอง"))


class ExtensionForm(forms.Form):
    office = forms.ModelChoiceField(label=_("สำนักงาน"), queryset=Office.objects.filter(is_active=True).order_by("name"))
    starts_at = ThaiDateTimeField(label=_("เริ่ม"))
    until = ThaiDateTimeField(label=_("ขยายถึง"))
    reason = forms.CharField(label=_("เหตุผล"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
