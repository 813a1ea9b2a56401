"""Load, validate and export a fiscal year's catalogue (data file ⇄ database)."""

import json
from dataclasses import dataclass

from django.db import transaction

from orgprofile.windows import fiscal_year_ensure

from ..models import (
    LEVEL_ORDER,
    AnswerField,
    Catalogue,
    Category,
    ChecklistItem,
    EvidenceKind,
    Level,
    ResultDimension,
    SubItem,
)
from .reports import reports_resummarise


class CatalogueError(Exception):
    """A catalogue file that cannot be loaded; `errors` names each problem and its line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class CatalogueLoadResult:
    catalogue: Catalogue
    created: bool
    subitems: int
    checklist_items: int


FISCAL_YEAR_KEY = '"fiscal_year"'
ANSWER_FIELDS_KEY = '"answer_fields"'
EVIDENCE_KINDS_KEY = '"evidence_kinds"'


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th occurrence of `needle` in `text` (0 when absent)."""
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            return 0
    return text.count("\n", 0, start) + 1


def catalogue_validate(*, text: str) -> dict:
    """Parse and check a catalogue file whole. Raise CatalogueError listing every problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError([f"บรรทัด {exc.lineno}: ไฟล์ JSON ไม่ถูกต้อง ({exc.msg})"]) from exc
    errors: list[str] = []
    if not isinstance(data, dict):
        raise CatalogueError(["บรรทัด 1: ไฟล์ต้องเป็นออบเจ็กต์ JSON"])
    for key in ("fiscal_year", "title", "evidence_kinds", "answer_fields", "categories"):
        if key not in data:
            errors.append(f"บรรทัด 1: ไม่มีส่วน '{key}'")
    if errors:
        raise CatalogueError(errors)
    if not isinstance(data["fiscal_year"], int) or not 2500 <= data["fiscal_year"] <= 2700:
        errors.append(f"บรรทัด {_line_of(text, FISCAL_YEAR_KEY)}: ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2566")

    seen_numbers: dict[str, int] = {}
    seen_categories: set[int] = set()
    for category in data["categories"]:
        number = category.get("number")
        cat_line = _line_of(text, f'"number": {number}')
        if number in seen_categories:
            errors.append(f"บรรทัด {cat_line}: หมวด {number} ซ้ำ")
        seen_categories.add(number)
        if not category.get("title"):
            errors.append(f"บรรทัด {cat_line}: หมวด {number} ไม่มีชื่อหมวด")
        for subitem in category.get("subitems", []):
            sub_number = str(subitem.get("number", ""))
            seen_numbers[sub_number] = seen_numbers.get(sub_number, 0) + 1
            line = _line_of(text, f'"number": "{sub_number}"', seen_numbers[sub_number])
            if seen_numbers[sub_number] > 1:
                errors.append(f"บรรทัด {line}: ประเด็น {sub_number} ซ้ำ")
            if not sub_number.startswith(f"{number}."):
                errors.append(f"บรรทัด {line}: ประเด็น {sub_number} ไม่อยู่ในหมวด {number}")
            if not subitem.get("title"):
                errors.append(f"บรรทัด {line}: ประเด็น {sub_number} ไม่มีชื่อ")
            if not subitem.get("reportable", True):
                continue
            levels = subitem.get("levels") or {}
            for level in LEVEL_ORDER:
                items = levels.get(level.value)
                if not items or not all(isinstance(t, str) and t.strip() for t in items):
                    errors.append(f"บรรทัด {line}: ประเด็น {sub_number} ไม่มีรายการ{level.label}")
    orders = [f.get("order") for f in data["answer_fields"]]
    if len(orders) != len(set(orders)) or not all(f.get("title") for f in data["answer_fields"]):
        errors.append(f"บรรทัด {_line_of(text, ANSWER_FIELDS_KEY)}: หัวข้อแบบสรุปต้องมีชื่อและลำดับไม่ซ้ำกัน")
    codes = [k.get("code") for k in data["evidence_kinds"]]
    if len(codes) != len(set(codes)) or not all(codes):
        errors.append(f"บรรทัด {_line_of(text, EVIDENCE_KINDS_KEY)}: รหัสประเภทเอกสารต้องไม่ว่างและไม่ซ้ำกัน")
    if errors:
        raise CatalogueError(errors)
    return data


@transaction.atomic
def catalogue_load(*, text: str) -> CatalogueLoadResult:
    """Load a catalogue file. A year already loaded is updated in place (texts and new items);
    a file with any problem loads nothing."""
    data = catalogue_validate(text=text)
    results = data.get("results_category") or {}
    fiscal_year_ensure(year=data["fiscal_year"])
    catalogue, created = Catalogue.objects.update_or_create(
        fiscal_year=data["fiscal_year"],
        defaults={"title": data["title"], "results_note": results.get("note", "")},
    )
    for kind in data["evidence_kinds"]:
        EvidenceKind.objects.update_or_create(
            catalogue=catalogue, code=kind["code"], defaults={"title": kind["title"], "order": kind["order"]}
        )
    for field in data["answer_fields"]:
        AnswerField.objects.get_or_create(  # admins may have edited them: never overwrite
            catalogue=catalogue, order=field["order"], defaults={"title": field["title"], "help": field.get("help", "")}
        )
    for dimension in results.get("dimensions", []):
        ResultDimension.objects.update_or_create(
            catalogue=catalogue, code=dimension["code"], defaults={"title": dimension["title"]}
        )
    order = 0
    item_count = 0
    for cat in data["categories"]:
        category, _ = Category.objects.update_or_create(
            catalogue=catalogue,
            number=cat["number"],
            defaults={
                "title": cat["title"],
                "description": cat.get("description", ""),
                "guidance": cat.get("guidance", ""),
            },
        )
        for sub in cat["subitems"]:
            order += 1
            subitem, _ = SubItem.objects.update_or_create(
                catalogue=catalogue,
                number=sub["number"],
                defaults={
                    "category": category,
                    "title": sub["title"],
                    "group": sub.get("group", ""),
                    "order": order,
                    "reportable": sub.get("reportable", True),
                    "not_reportable_reason": sub.get("not_reportable_reason", ""),
                    "guidance": sub.get("guidance", {}),
                    "evidence_note": sub.get("evidence_note", []),
                    "evidence_note_from": sub.get("evidence_note_from", ""),
                },
            )
            existing = {(i.level, i.order): i for i in subitem.checklist_items.all()}
            for level in LEVEL_ORDER:
                for position, item_text in enumerate((sub.get("levels") or {}).get(level.value, []), start=1):
                    item_count += 1
                    item = existing.get((level.value, position))
                    if item is None:
                        ChecklistItem.objects.create(subitem=subitem, level=level, order=position, text=item_text)
                    elif item.text != item_text:
                        item.text = item_text
                        item.save(update_fields=["text"])
    if not created:
        # A year reloaded in place: the pages' summaries count what the catalogue has now.
        catalogue.refresh_from_db()
        reports_resummarise(catalogue=catalogue)
    return CatalogueLoadResult(
        catalogue=catalogue,
        created=created,
        subitems=SubItem.objects.filter(catalogue=catalogue, reportable=True).count(),
        checklist_items=item_count,
    )


def catalogue_export(*, catalogue: Catalogue) -> dict:
    """The loaded catalogue as plain data, in the same shape the loader reads."""
    categories = (
        Category.objects.filter(catalogue=catalogue).prefetch_related("subitems__checklist_items").order_by("number")
    )
    return {
        "fiscal_year": catalogue.fiscal_year,
        "title": catalogue.title,
        "evidence_kinds": [
            {"code": k.code, "order": k.order, "title": k.title} for k in catalogue.evidence_kinds.order_by("order")
        ],
        "answer_fields": [
            {"order": f.order, "title": f.title, "help": f.help} for f in catalogue.answer_fields.order_by("order")
        ],
        "categories": [
            {
                "number": category.number,
                "title": category.title,
                "description": category.description,
                "guidance": category.guidance,
                "subitems": [
                    {
                        "number": sub.number,
                        "title": sub.title,
                        **({"group": sub.group} if sub.group else {}),
                        **({"guidance": sub.guidance} if sub.guidance else {}),
                        "reportable": sub.reportable,
                        **({"not_reportable_reason": sub.not_reportable_reason} if not sub.reportable else {}),
                        "evidence_note": sub.evidence_note,
                        **({"evidence_note_from": sub.evidence_note_from} if sub.evidence_note_from else {}),
                        "levels": {
                            level.value: [i.text for i in sub.checklist_items.all() if i.level == level.value]
                            for level in (Level.BASIC, Level.ADVANCE, Level.SIGNIFICANCE)
                        },
                    }
                    for sub in category.subitems.all()
                ],
            }
            for category in categories
        ],
        "results_category": {
            "number": 7,
            "note": catalogue.results_note,
            "dimensions": [{"code": d.code, "title": d.title} for d in catalogue.result_dimensions.all()],
        },
    }
