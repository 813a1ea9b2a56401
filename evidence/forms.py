from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from assessments.models import EvidenceKind
from pmqa_site.forms import ThaiErrorsMixin


class LinkForm(ThaiErrorsMixin, forms.Form):
    url = forms.URLField(
        label=_("ลิงก์ (URL)"),
        max_length=1000,
        assume_scheme="https",
        # Only web addresses a reviewer's browser opens: no ftp:, file: or other schemes.
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": _("กรุณาใส่ลิงก์ของหน้าเว็บที่ขึ้นต้นด้วย http:// หรือ https://")},
    )
    title = forms.CharField(label=_("ชื่อเรื่อง"), max_length=300)


class AbsenceForm(ThaiErrorsMixin, forms.Form):
    kind = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("เหตุผลที่ไม่มี"), max_length=500, min_length=3)


class SupersedeForm(ThaiErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ยกเลิก"), max_length=500, min_length=3)
    replacement = forms.IntegerField(label=_("ใช้ไฟล์ใดแทน"), required=False)


class MessageForm(ThaiErrorsMixin, forms.Form):
    """The conversation's form (แนบหลักฐาน/สื่อสารกับส่วนกลาง): a message, and from the office
    an optional file that goes through the same checks and budget as any evidence."""

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
