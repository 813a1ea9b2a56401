from django import forms
from django.utils.translation import gettext_lazy as _

from orgprofile.models import Office

from .file_import import MAX_FILE_BYTES


class SyncForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("สำนักงาน"),
        queryset=Office.objects.filter(is_active=True).order_by("kind", "name"),
        required=False,
        empty_label=_("ทุกสำนักงาน"),
        help_text=_("เลือกหนึ่งสำนักงาน หรือเว้นไว้เพื่อปรับข้อมูลทุกสำนักงาน"),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์ส่งออกจาก KRS (.csv หรือ .xlsx)"),
        help_text=_("ขนาดไม่เกิน %(mb)s MB หัวตารางตามที่กำหนดในข้อตกลง") % {"mb": MAX_FILE_BYTES // 1024 // 1024},
        error_messages={"required": _("กรุณาเลือกไฟล์"), "empty": _("ไฟล์ว่างเปล่า")},
    )
