"""A year's catalogue held in process memory, as plain frozen values.

The catalogue changes about once a year, yet every office page needs its categories,
sub-items, checklist items and answer fields. Each process keeps one shape per catalogue,
keyed by the catalogue's `loaded_at`: the catalogue row is read on every page anyway, and
any change to the catalogue (a reload, an admin's edit of a field) moves `loaded_at`
(`catalogue_touch`), so every worker process picks the new shape up on its next page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from orgprofile.calendar import calendar_changed

from .models import LEVEL_ORDER, AnswerField, Catalogue, Category, ChecklistItem, EvidenceKind, Level, SubItem


@dataclass(frozen=True, slots=True)
class ItemShape:
    id: int
    level: str
    order: int
    text: str
    previous_id: int | None = None  # the same item in last year's catalogue (catalogue mapping)


@dataclass(frozen=True, slots=True)
class SubItemShape:
    id: int
    number: str
    title: str
    group: str
    order: int
    category_id: int
    category_number: int
    reportable: bool
    not_reportable_reason: str
    items: tuple[ItemShape, ...]
    items_by_level: tuple[tuple[Level, tuple[ItemShape, ...]], ...]
    evidence_note: tuple[str, ...] = ()  # the guide's attachment list, entry i = evidence kind i
    evidence_note_from: str = ""
    previous_id: int | None = None  # the same sub-item in last year's catalogue

    @property
    def total(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class CategoryShape:
    id: int
    number: int
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class FieldShape:
    id: int
    order: int
    title: str
    help: str
    required: bool


@dataclass(frozen=True, slots=True)
class KindShape:
    id: int
    code: str
    title: str

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True)
class CatalogueShape:
    id: int
    fiscal_year: int
    loaded_at: datetime
    categories: tuple[CategoryShape, ...]
    subitems: tuple[SubItemShape, ...]
    answer_fields: tuple[FieldShape, ...]
    evidence_kinds: tuple[KindShape, ...]
    subitem_by_id: dict[int, SubItemShape] = field(repr=False)
    subitem_by_number: dict[str, SubItemShape] = field(repr=False)

    @property
    def required_field_ids(self) -> frozenset[int]:
        return frozenset(f.id for f in self.answer_fields if f.required)


_shapes: dict[int, CatalogueShape] = {}
_lock = threading.Lock()


def _build(catalogue: Catalogue) -> CatalogueShape:
    categories = tuple(
        CategoryShape(id=c["id"], number=c["number"], title=c["title"], description=c["description"])
        for c in Category.objects.filter(catalogue=catalogue).order_by("number").values()
    )
    numbers = {c.id: c.number for c in categories}
    items: dict[int, list[ItemShape]] = {}
    for row in ChecklistItem.objects.filter(subitem__catalogue=catalogue).order_by("order").values():
        items.setdefault(row["subitem_id"], []).append(
            ItemShape(
                id=row["id"], level=row["level"], order=row["order"], text=row["text"], previous_id=row["previous_id"]
            )
        )
    subitems = []
    for row in SubItem.objects.filter(catalogue=catalogue).order_by("order").values():
        own = tuple(items.get(row["id"], ()))
        subitems.append(
            SubItemShape(
                id=row["id"],
                number=row["number"],
                title=row["title"],
                group=row["group"],
                order=row["order"],
                category_id=row["category_id"],
                category_number=numbers[row["category_id"]],
                reportable=row["reportable"],
                not_reportable_reason=row["not_reportable_reason"],
                items=own,
                items_by_level=tuple((level, tuple(i for i in own if i.level == level.value)) for level in LEVEL_ORDER),
                evidence_note=tuple(row["evidence_note"] or ()),
                evidence_note_from=row["evidence_note_from"],
                previous_id=row["previous_id"],
            )
        )
    fields = tuple(
        FieldShape(id=f["id"], order=f["order"], title=f["title"], help=f["help"], required=f["required"])
        for f in AnswerField.objects.filter(catalogue=catalogue).order_by("order").values()
    )
    kinds = tuple(
        KindShape(id=k, code=code, title=title)
        for k, code, title in EvidenceKind.objects.filter(catalogue=catalogue)
        .order_by("order")
        .values_list("id", "code", "title")
    )
    return CatalogueShape(
        id=catalogue.pk,
        fiscal_year=catalogue.fiscal_year,
        loaded_at=catalogue.loaded_at,
        categories=categories,
        subitems=tuple(subitems),
        answer_fields=fields,
        evidence_kinds=kinds,
        subitem_by_id={s.id: s for s in subitems},
        subitem_by_number={s.number: s for s in subitems},
    )


def catalogue_shape(catalogue: Catalogue) -> CatalogueShape:
    """The shape of `catalogue`, built once per process and per change of the catalogue."""
    shape = _shapes.get(catalogue.pk)
    if shape is not None and shape.loaded_at == catalogue.loaded_at:
        return shape
    with _lock:
        shape = _build(catalogue)
        _shapes[catalogue.pk] = shape
    return shape


def catalogue_touch(*, catalogue_id: int) -> None:
    """Mark a catalogue changed, so that every process reads it again on its next page."""
    Catalogue.objects.filter(pk=catalogue_id).update(loaded_at=timezone.now())
    calendar_changed()  # the kept list of catalogues (views/years_nav.py) holds loaded_at


_subitem_rows: dict[int, tuple[datetime, dict[str, SubItem]]] = {}


def catalogue_subitems(catalogue: Catalogue) -> dict[str, SubItem]:
    """number → the sub-item's row (its category and catalogue loaded), kept per process and
    per change of the catalogue like its shape: the sub-item pages read their sub-item from
    here instead of the database. Shared by every request of the process: read them only."""
    kept = _subitem_rows.get(catalogue.pk)
    if kept is not None and kept[0] == catalogue.loaded_at:
        return kept[1]
    with _lock:
        rows = {
            s.number: s for s in SubItem.objects.filter(catalogue=catalogue).select_related("category", "catalogue")
        }
        _subitem_rows[catalogue.pk] = (catalogue.loaded_at, rows)
    return rows
