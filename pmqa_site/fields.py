"""Form fields that read and write dates the way Thai users write them: Buddhist-Era years."""

from datetime import date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from . import thaidates


class ThaiDateTimeInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__({"placeholder": "31/12/2569 16:30", "inputmode": "numeric", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime):
            return thaidates.format_numeric_datetime(value)
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
        try:
            return thaidates.parse_thai_datetime(value)
        except thaidates.NotABuddhistEraYear:
            raise forms.ValidationError(self.error_messages["year"], code="year") from None
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class ThaiDateInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__({"placeholder": "31/12/2569", "inputmode": "numeric", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, date):
            return f"{value.day:02d}/{value.month:02d}/{thaidates.be_year(value.year)}"
        return super().format_value(value)


class ThaiDateField(forms.Field):
    """ "31/12/2569" (day/month/B.E. year) ⇄ a date."""

    widget = ThaiDateInput
    default_error_messages = {
        "invalid": _("วันที่ต้องอยู่ในรูปแบบ วว/ดด/ปปปป ปี พ.ศ. เช่น 24/11/2569"),
        "year": _("ปีต้องเป็นปี พ.ศ. (เช่น 2569) ไม่ใช่ ค.ศ."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return thaidates.parse_thai_date(value)
        except thaidates.NotABuddhistEraYear:
            raise forms.ValidationError(self.error_messages["year"], code="year") from None
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
