import pytest
from django.core.management import call_command

from assessments.models import AnswerField, Catalogue, SubItem


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", verbosity=0)
    return Catalogue.objects.get(fiscal_year=2566)


@pytest.fixture
def subitem_111(catalogue):
    return SubItem.objects.get(catalogue=catalogue, number="1.1.1")


def form_data(subitem, *, version=0, values=None, texts=None):
    """POST data of the sub-item form: values {(level, order): "1"/"0"/""}, texts {order: str}."""
    data = {"version": str(version)}
    values = values or {}
    for item in subitem.checklist_items.all():
        data[f"item_{item.id}"] = values.get((item.level, item.order), "")
    fields = AnswerField.objects.filter(catalogue=subitem.catalogue)
    for f in fields:
        data[f"field_{f.id}"] = (texts or {}).get(f.order, "")
    return data


def all_texts(text="คำตอบ"):
    return {order: f"{text} {order}" for order in range(1, 11)}
