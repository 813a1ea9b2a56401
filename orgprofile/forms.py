from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from pmqa_site.fields import ThaiDateTimeField

from .models import Office

MAX_OFFICE_CSV_BYTES = 1024 * 1024


class OfficeImportForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์ CSV ทะเบียนสำนักงาน"),
        help_text=_("หัวตาราง: code,name,kind,province — ประเภทใช้ สพป. หรือ สพม. ไฟล์เข้ารหัส UTF-8 ไม่เกิน 1 MB"),
        validators=[FileExtensionValidator(["csv"], message=_("รับเฉพาะไฟล์ .csv"))],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_OFFICE_CSV_BYTES:
            raise forms.ValidationError(_("ไฟล์ใหญ่เกิน 1 MB"))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("ไฟล์ต้องเข้ารหัสแบบ UTF-8 (บันทึกจาก Excel เป็น CSV UTF-8)")) from exc


class ProfileAnswerForm(forms.Form):
    html = forms.CharField(
        label=_("คำตอบ"), required=False, widget=forms.Textarea(attrs={"rows": 12, "class": "form-control"})
    )
    not_applicable = forms.BooleanField(
        label=_("ส่วนราชการมีลักษณะงานไม่เกี่ยวข้องกับคำถามในข้อนี้"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    @staticmethod
    def initial_from(answer) -> dict:
        return {
            "html": answer.html if answer else "",
            "not_applicable": answer.not_applicable if answer else False,
            "version": answer.version if answer else 0,
        }


class ProfileImageForm(forms.Form):
    image = forms.FileField(label=_("รูปภาพ (JPEG หรือ PNG ไม่เกิน 1 MB)"))


class StaffAddForm(forms.Form):
    username = forms.RegexField(
        label=_("ชื่อผู้ใช้"),
        regex=r"^[\w.@+-]{3,150}$",
        max_length=150,
        help_text=_("ใช้ชื่อผู้ใช้เดียวกับระบบ KRS ตัวอักษรอังกฤษ ตัวเลข และ . @ + - _"),
        error_messages={"invalid": _("ชื่อผู้ใช้ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และ . @ + - _ อย่างน้อย 3 ตัว")},
    )
    first_name = forms.CharField(label=_("ชื่อ"), max_length=150)
    last_name = forms.CharField(label=_("นามสกุล"), max_length=150)
    email = forms.EmailField(label=_("อีเมล"), required=False, help_text=_("สำหรับรับการแจ้งเตือน"))


class WindowForm(forms.Form):
    office_opens_at = ThaiDateTimeField(label=_("เปิดให้สำนักงานรายงาน"))
    office_closes_at = ThaiDateTimeField(label=_("ปิดการรายงานของสำนักงาน"))
    review_opens_at = ThaiDateTimeField(label=_("เปิดการตรวจรับรอง"))
    review_closes_at = ThaiDateTimeField(label=_("ปิดการตรวจรับรอง"))

    @classmethod
    def initial_from(cls, window) -> dict:
        return {name: getattr(window, name) for name in cls.base_fields} if window else {}


class ExtensionForm(forms.Form):
    office = forms.ModelChoiceField(label=_("สำนักงาน"), queryset=Office.objects.filter(is_active=True).order_by("name"))
    starts_at = ThaiDateTimeField(label=_("เริ่ม"))
    until = ThaiDateTimeField(label=_("ขยายถึง"))
    reason = forms.CharField(label=_("เหตุผล"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
