import functools
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .catalogue_cache import FieldShape, ItemShape
from .selectors import SubItemDetail

VALUE_CHOICES = [("1", "1"), ("0", "0"), ("", _("ยังไม่ตอบ"))]


# The answer form's fields are built once per process for each checklist item and answer field
# (keyed by their whole shape: a catalogue edit is a new key), and each form takes a shallow
# copy with its own initial value: building some thirty fields on every open and every
# autosave cost more than the rest of the form. What the copies share (the widget, the choices,
# the messages) is only read; the messages stay lazy, in the language of each request.
@functools.lru_cache(maxsize=4096)
def _item_field(item: ItemShape) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=item.text,
        choices=VALUE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("รายการนี้รับได้เฉพาะ 1 (ดำเนินการจริง) 0 (ยังไม่มีแนวทาง) หรือเว้นว่าง")},
    )


@functools.lru_cache(maxsize=1024)
def _text_field(answer_field: FieldShape) -> forms.CharField:
    return forms.CharField(
        label=f"{answer_field.order}. {answer_field.title}",
        help_text=answer_field.help,
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("ข้อความยาวเกิน %(limit_value)d ตัวอักษร (ตอนนี้ %(show_value)d)")},
    )


def _with_initial(prototype: forms.Field, initial) -> forms.Field:
    """copy.copy(prototype) with its own initial value. Written out: Django's fields define no
    __copy__, so copy.copy() takes the generic path through __reduce_ex__, which cost more
    than the rest of building the form (thirty fields on every open and every autosave)."""
    field = object.__new__(type(prototype))
    field.__dict__ = {**prototype.__dict__, "initial": initial}
    return field


class SubItemAnswerForm(forms.Form):
    """Checklist values (item_<id>) and the answer summary (field_<id>) of one sub-item."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    editor_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args, detail: SubItemDetail, **kwargs):
        super().__init__(*args, **kwargs)
        self.detail = detail
        values = detail.status.values
        for _level, items in detail.items_by_level:
            for item in items:
                value = values.get(item.id)
                self.fields[f"item_{item.id}"] = _with_initial(_item_field(item), "" if value is None else str(value))
        for answer_field in detail.answer_fields:
            text = detail.texts.get(answer_field.id)
            self.fields[f"field_{answer_field.id}"] = _with_initial(
                _text_field(answer_field), text.text if text else ""
            )
        self.fields["version"].initial = detail.version
        self.fields["editor_token"].initial = uuid.uuid4().hex

    def item_field(self, item):
        return self[f"item_{item.id}"]

    def checklist(self) -> list[tuple]:
        """(level, rows) for the page, each row the item, its field's name, id, value and
        errors. The page draws the three buttons itself: iterating Django's radio
        sub-widgets cost more than all the rest of the sub-item page."""
        levels = []
        for level, items in self.detail.items_by_level:
            rows = []
            for item in items:
                bound = self[f"item_{item.id}"]
                value = bound.value()
                rows.append(
                    {
                        "item": item,
                        "name": bound.html_name,
                        "id": bound.auto_id,
                        "value": "" if value is None else str(value),
                        "errors": bound.errors,
                        "carried_from": self.detail.carried_items.get(item.id),
                    }
                )
            levels.append((level, rows))
        return levels

    def answer_field(self, answer_field):
        return self[f"field_{answer_field.id}"]

    def cleaned_values(self) -> dict[int, int | None]:
        out = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("item_"):
                out[int(name[5:])] = None if value == "" else int(value)
        return out

    def cleaned_texts(self) -> dict[int, str]:
        return {int(n[6:]): v for n, v in self.cleaned_data.items() if n.startswith("field_")}


class CategoryAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=_("ผู้รับผิดชอบ"), empty_label=_("— ไม่ระบุ —")
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(membership__office=office, is_active=True)
            .order_by("first_name", "username")
        )
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class CarryForwardForm(forms.Form):
    """What the coordinator carries forward from last year, and the confirmation that it
    replaces what the office has already written."""

    scope = forms.ChoiceField(label=_("ยกข้อมูลส่วนใด"), widget=forms.RadioSelect)
    replace = forms.BooleanField(
        label=_("ยืนยันให้ข้อมูลจากปีก่อนแทนที่ข้อมูลที่มีอยู่ในส่วนที่เลือก"),
        required=False,
        help_text=_("จำเป็นเฉพาะเมื่อส่วนที่เลือกมีคำตอบของปีนี้แล้ว"),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [
            ("all", _("ทั้งหมด (ลักษณะสำคัญขององค์การและหมวด 1-6)")),
            ("profile", _("ลักษณะสำคัญขององค์การ")),
            *[(str(c.number), _("หมวด %(n)d %(t)s") % {"n": c.number, "t": c.title}) for c in categories],
        ]
        self.fields["scope"].initial = "all"


class YearOpenForm(forms.Form):
    """Opening a fiscal year (admins): a new catalogue file, or a copy of an earlier year's."""

    year = forms.IntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), min_value=2500, max_value=2700)
    copy_from = forms.TypedChoiceField(label=_("คัดลอกชุดเกณฑ์จากปี"), coerce=int, required=False, empty_value=None)
    catalogue = forms.FileField(label=_("หรือไฟล์ชุดเกณฑ์ใหม่ (JSON)"), required=False)
    make_current = forms.BooleanField(label=_("กำหนดเป็นปีปัจจุบันทันที"), required=False, initial=True)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [("", _("— ไม่คัดลอก (ใช้ไฟล์) —")), *[(y, str(y)) for y in years]]

    def clean(self):
        data = super().clean()
        if bool(data.get("copy_from")) == bool(data.get("catalogue")):
            raise forms.ValidationError(_("กรุณาเลือกอย่างใดอย่างหนึ่ง: ไฟล์ชุดเกณฑ์ใหม่ หรือคัดลอกชุดเกณฑ์ของปีก่อน"))
        upload = data.get("catalogue")
        if upload:
            try:
                data["catalogue_text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("ไฟล์ชุดเกณฑ์ต้องเป็นข้อความ UTF-8")) from exc
        return data
