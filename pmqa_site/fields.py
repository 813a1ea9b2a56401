"""Form fields that read and write dates the way Thai users write them: Buddhist-Era years."""

import re
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BE_OFFSET = 543
PATTERN = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2})[:.](\d{2})\s*(?:น\.)?\s*$")


class ThaiDateTimeInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__({"placeholder": "31/12/2569 16:30", "inputmode": "numeric", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return f"{local.day:02d}/{local.month:02d}/{local.year + BE_OFFSET} {local:%H:%M}"
        return super().format_value(value)


class ThaiDateTimeField(forms.Field):
    """ "31/12/2569 16:30" (day/month/B.E. year, 24-hour time, Asia/Bangkok) ⇄ an aware datetime."""

    widget = ThaiDateTimeInput
    default_error_messages = {
        "invalid": _("กรอกวันเวลาเป็น วว/ดด/ปปปป ชช:นน โดยใช้ปี พ.ศ. เช่น 31/12/2569 16:30"),
        "year": _("ปีต้องเป็นปี พ.ศ. (เช่น 2569) ไม่ใช่ ค.ศ."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("วว/ดด/ปปปป ชช:นน ปี พ.ศ. เวลาประเทศไทย"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        match = PATTERN.match(str(value))
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day, month, year_be, hour, minute = (int(g) for g in match.groups())
        if year_be < 2400:
            raise forms.ValidationError(self.error_messages["year"], code="year")
        try:
            naive = datetime(year_be - BE_OFFSET, month, day, hour, minute)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return timezone.make_aware(naive)
