"""Reads of the assessments app. Each selector issues a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, Max, OuterRef, Q, Sum, Value
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce

from orgprofile.calendar import calendar, calendar_kept
from orgprofile.models import Office
from pmqa_site import clock
from pmqa_site.paging import keyset_page, keyset_rows
from pmqa_site.prepared import prepared_instances, prepared_values

from . import scoring
from .catalogue_cache import CatalogueShape, CategoryShape, FieldShape, ItemShape, SubItemShape, catalogue_shape
from .models import (
    CATEGORY7,
    LEVEL_THAI,
    QUEUE_STATES,
    AnswerText,
    Assessment,
    Catalogue,
    CategoryAssignment,
    ChecklistAnswer,
    ChecklistItem,
    ConversationRead,
    Level,
    Message,
    Notification,
    ReviewEvent,
    ReviewState,
    SubItem,
    SubItemReport,
)
from .queue_cache import queue_counts_kept, unread_kept


def _catalogues() -> list[Catalogue]:
    return list(Catalogue.objects.order_by("-fiscal_year"))


def catalogues_kept() -> list[Catalogue]:
    """Every catalogue, newest first, kept with the reporting calendar (orgprofile/calendar.py;
    a change of a catalogue row replaces it): no query once kept. Read them, do not change them."""
    return calendar_kept("catalogues", _catalogues)


def current_catalogue() -> Catalogue | None:
    """The catalogue offices report against now: the current fiscal year's."""
    year = calendar().current
    return next((c for c in catalogues_kept() if c.fiscal_year == year), None)


@dataclass
class SubItemStatus:
    """One sub-item with the office's every answer (the sub-item page, readiness)."""

    subitem: SubItemShape
    report: SubItemReport | None
    values: dict[int, int | None]  # checklist item id → 1 / 0 / None
    filled_fields: int
    required_fields: int
    state: str = ReviewState.NOT_REPORTED

    @property
    def items(self) -> tuple[ItemShape, ...]:
        return self.subitem.items

    @property
    def state_label(self) -> str:
        return ReviewState(self.state).label

    @property
    def values_by_level(self) -> dict[str, list[int | None]]:
        return {level.value: [self.values.get(i.id) for i in items] for level, items in self.subitem.items_by_level}

    @property
    def level(self) -> Level | None:
        return scoring.attained_level(self.values_by_level)

    @property
    def level_points(self) -> int | None:
        return scoring.level_points(self.level)

    @property
    def share(self) -> scoring.Share:
        return scoring.share(self.values.get(item.id) for item in self.items)

    @property
    def answered(self) -> int:
        return sum(1 for item in self.items if self.values.get(item.id) in (0, 1))

    @property
    def unanswered(self) -> list[ItemShape]:
        return [item for item in self.items if self.values.get(item.id) not in (0, 1)]

    @property
    def total_items(self) -> int:
        return len(self.items)

    @property
    def complete(self) -> bool:
        return self.answered == self.total_items and self.filled_fields >= self.required_fields


@dataclass(slots=True)
class SubItemSummary:
    """One sub-item as pages that list sub-items show it, from the report's summary columns."""

    subitem: SubItemShape
    state: str
    answered: int
    done: int
    level_code: str
    fields_filled: int
    required_fields: int

    @property
    def total_items(self) -> int:
        return self.subitem.total

    @property
    def state_label(self) -> str:
        return ReviewState(self.state).label

    @property
    def level(self) -> Level | None:
        return Level(self.level_code) if self.level_code else None

    @property
    def level_points(self) -> int | None:
        return scoring.level_points(self.level)

    @property
    def share(self) -> scoring.Share:
        return scoring.Share(self.done, self.total_items)

    @property
    def complete(self) -> bool:
        return self.answered == self.total_items and self.fields_filled >= self.required_fields


@dataclass
class CategoryStatus:
    category: CategoryShape
    subitems: list = field(default_factory=list)  # SubItemSummary or SubItemStatus
    not_reportable: list[SubItemShape] = field(default_factory=list)
    assignee: object = None

    @property
    def share(self) -> scoring.Share:
        total = scoring.Share(0, 0)
        for status in self.subitems:
            total = total + status.share
        return total

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.subitems)

    @property
    def total_items(self) -> int:
        return sum(s.total_items for s in self.subitems)

    @property
    def submitted(self) -> int:
        return sum(1 for s in self.subitems if s.state != ReviewState.NOT_REPORTED)


@dataclass
class AssessmentOverview:
    catalogue: Catalogue
    assessment_id: int | None
    categories: list[CategoryStatus]
    answer_fields: tuple[FieldShape, ...]
    previous_reports: dict[int, dict] = field(default_factory=dict)  # last year's, by sub-item id

    @property
    def subitems(self) -> list:
        return [s for c in self.categories for s in c.subitems]

    @property
    def share(self) -> scoring.Share:
        total = scoring.Share(0, 0)
        for category in self.categories:
            total = total + category.share
        return total

    @property
    def stage(self) -> int | None:
        return scoring.stage(s.level for s in self.subitems)

    def subitem(self, number: str):
        return next((s for s in self.subitems if s.subitem.number == number), None)


def _categories(shape: CatalogueShape, category_number: int | None, assignees: dict) -> dict[int, CategoryStatus]:
    return {
        c.id: CategoryStatus(category=c, assignee=assignees.get(c.id))
        for c in shape.categories
        if category_number is None or c.number == category_number
    }


def assessment_overview(
    *, office, catalogue: Catalogue, category_number: int | None = None, previous: Catalogue | None = None
) -> AssessmentOverview:
    """What the office home and category pages show: one row per sub-item (its summary
    columns) and the assignees, on the catalogue held in memory. Two queries; with `previous`
    (last year's catalogue) its reports' summary columns come in the same read
    (`previous_reports`), so that the page costs the same queries whatever the number of years."""
    shape = catalogue_shape(catalogue)
    required = len(shape.required_field_ids)
    years = [catalogue.pk] + ([previous.pk] if previous is not None else [])
    reports, previous_reports = {}, {}
    for row in prepared_values(  # the office home and category pages: SQL written once per process
        ("overview", len(years)),
        lambda office_id, *years: SubItemReport.objects.filter(
            assessment__office_id=office_id, assessment__catalogue_id__in=years
        ).values(
            "subitem_id",
            "assessment_id",
            "assessment__catalogue_id",
            "state",
            "answered",
            "done",
            "level",
            "fields_filled",
        ),
        office.pk,
        *years,
    ):
        own = row["assessment__catalogue_id"] == catalogue.pk
        (reports if own else previous_reports)[row["subitem_id"]] = row
    assignees = {
        a.category_id: a.user
        for a in prepared_instances(
            ("overview-assignees",),
            CategoryAssignment,
            lambda office_id, catalogue_id: CategoryAssignment.objects.filter(
                assessment__office_id=office_id, assessment__catalogue_id=catalogue_id
            ),
            office.pk,
            catalogue.pk,
            related=("user",),
        )
    }
    by_category = _categories(shape, category_number, assignees)
    for subitem in shape.subitems:
        status = by_category.get(subitem.category_id)
        if status is None:
            continue
        if not subitem.reportable:
            status.not_reportable.append(subitem)
            continue
        row = reports.get(subitem.id)
        status.subitems.append(
            SubItemSummary(
                subitem=subitem,
                state=row["state"] if row else ReviewState.NOT_REPORTED,
                answered=row["answered"] if row else 0,
                done=row["done"] if row else 0,
                level_code=row["level"] if row else "",
                fields_filled=row["fields_filled"] if row else 0,
                required_fields=required,
            )
        )
    assessment_id = next((row["assessment_id"] for row in reports.values()), None)
    return AssessmentOverview(
        catalogue=catalogue,
        assessment_id=assessment_id,
        categories=list(by_category.values()),
        answer_fields=shape.answer_fields,
        previous_reports=previous_reports,
    )


def assessment_answers(*, office, catalogue: Catalogue) -> list[SubItemStatus]:
    """Every reportable sub-item with the office's every answer (the readiness page): three
    queries whatever the number of answers."""
    shape = catalogue_shape(catalogue)
    required = shape.required_field_ids
    reports = {
        r.subitem_id: r
        for r in SubItemReport.objects.filter(assessment__office=office, assessment__catalogue=catalogue)
    }
    by_report = {r.pk: r.subitem_id for r in reports.values()}
    values: dict[int, dict[int, int | None]] = {}
    for report_id, item_id, value in ChecklistAnswer.objects.filter(report_id__in=by_report).values_list(
        "report_id", "item_id", "value"
    ):
        values.setdefault(by_report[report_id], {})[item_id] = value
    filled: dict[int, int] = {}
    for report_id in (
        AnswerText.objects.filter(report_id__in=by_report, field_id__in=required)
        .exclude(text="")
        .values_list("report_id", flat=True)
    ):
        filled[by_report[report_id]] = filled.get(by_report[report_id], 0) + 1
    return [
        SubItemStatus(
            subitem=subitem,
            report=reports.get(subitem.id),
            values=values.get(subitem.id, {}),
            filled_fields=filled.get(subitem.id, 0),
            required_fields=len(required),
            state=reports[subitem.id].state if subitem.id in reports else ReviewState.NOT_REPORTED,
        )
        for subitem in shape.subitems
        if subitem.reportable
    ]


@dataclass
class SubItemDetail:
    subitem: SubItem
    status: SubItemStatus
    report: SubItemReport | None
    answer_fields: tuple[FieldShape, ...]
    texts: dict[int, AnswerText]
    items_by_level: tuple[tuple[Level, tuple[ItemShape, ...]], ...]
    # checklist item id → the year its value was carried from, until the office changes it
    carried_items: dict[int, int] = field(default_factory=dict)

    @property
    def version(self) -> int:
        return self.report.version if self.report else 0


def subitem_form_detail(*, subitem: SubItem) -> SubItemDetail:
    """What the answer form needs to read a posted form: the sub-item's items and fields, from
    the catalogue held in memory. No query (a save reads what is saved itself, under a lock)."""
    shape = catalogue_shape(subitem.catalogue)
    own = shape.subitem_by_id[subitem.pk]
    status = SubItemStatus(
        subitem=own, report=None, values={}, filled_fields=0, required_fields=len(shape.required_field_ids)
    )
    return SubItemDetail(
        subitem=subitem,
        status=status,
        report=None,
        answer_fields=shape.answer_fields,
        texts={},
        items_by_level=own.items_by_level,
    )


# An answer text's columns the page reads, in the model's order (as Model.from_db takes them).
TEXT_COLUMNS = tuple(
    f.attname
    for f in AnswerText._meta.concrete_fields
    if f.attname in {"id", "report_id", "field_id", "text", "carried_from"}
)


def subitem_detail(*, office, subitem: SubItem) -> SubItemDetail:
    """The sub-item page's data: checklist by level, the office's values and answer texts."""
    shape = catalogue_shape(subitem.catalogue)
    own = shape.subitem_by_id[subitem.pk]
    found = prepared_instances(  # on every open and every save of a sub-item
        ("subitem-report",),
        SubItemReport,
        lambda office_id, subitem_id: SubItemReport.objects.filter(
            assessment__office_id=office_id, subitem_id=subitem_id
        ).order_by("pk")[:1],
        office.pk,
        subitem.pk,
        related=("updated_by", "assessment"),
    )
    report = found[0] if found else None
    if report is not None:  # the office and the sub-item the caller holds: not read again
        Assessment.office.field.set_cached_value(report.assessment, office)
        SubItemReport.subitem.field.set_cached_value(report, subitem)
    values: dict[int, int | None] = {}
    texts: dict[int, AnswerText] = {}
    carried: dict[int, int] = {}
    if report is not None:
        # Read on every open and every save of a sub-item: SQL written once per process.
        for row in prepared_values(
            ("subitem-checklist",),
            lambda report_id: ChecklistAnswer.objects.filter(report_id=report_id).values(
                "item_id", "value", "carried_from"
            ),
            report.pk,
        ):
            values[row["item_id"]] = row["value"]
            if row["carried_from"]:
                carried[row["item_id"]] = row["carried_from"]
        text_rows = prepared_values(
            ("subitem-texts",),
            lambda report_id: AnswerText.objects.filter(report_id=report_id).values(*TEXT_COLUMNS),
            report.pk,
        )
        db = AnswerText.objects.db
        texts = {row["field_id"]: AnswerText.from_db(db, TEXT_COLUMNS, list(row.values())) for row in text_rows}
    required_ids = shape.required_field_ids
    filled = sum(1 for fid, t in texts.items() if fid in required_ids and t.text.strip())
    status = SubItemStatus(
        subitem=own,
        report=report,
        values=values,
        filled_fields=filled,
        required_fields=len(required_ids),
        state=report.state if report else ReviewState.NOT_REPORTED,
    )
    return SubItemDetail(
        subitem=subitem,
        status=status,
        report=report,
        answer_fields=shape.answer_fields,
        texts=texts,
        items_by_level=own.items_by_level,
        carried_items=carried,
    )


# --- Review ------------------------------------------------------------------------------------


def report_snapshot(*, report: SubItemReport) -> dict:
    """What a decision was made on: checklist values and answer texts. (Evidence keeps its
    own append-only events, so what was added or superseded since a decision is read there.)"""
    return {
        "items": {str(k): v for k, v in ChecklistAnswer.objects.filter(report=report).values_list("item_id", "value")},
        "texts": {str(k): v for k, v in AnswerText.objects.filter(report=report).values_list("field_id", "text")},
    }


@dataclass
class Change:
    kind: str  # "item", "text"
    label: str
    before: str
    after: str


VALUE_TEXT = {1: "1", 0: "0", None: "ยังไม่ตอบ"}


def changes_since_last_decision(*, report: SubItemReport, detail: "SubItemDetail") -> tuple[object, list[Change]]:
    """The last decision and exactly what the office changed since it (ticks and texts)."""
    decision = (
        ReviewEvent.objects.filter(report=report, to_state__in=[ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED])
        .exclude(snapshot=None)
        .order_by("-at", "-id")
        .first()
    )
    if decision is None:
        return None, []
    before = decision.snapshot
    now = report_snapshot(report=report)
    changes: list[Change] = []
    for level, items in detail.items_by_level:
        for item in items:
            a, b = before["items"].get(str(item.id)), now["items"].get(str(item.id))
            if a != b:
                changes.append(
                    Change("item", f"{level.label} ข้อ {item.order}: {item.text[:80]}", VALUE_TEXT[a], VALUE_TEXT[b])
                )
    for f in detail.answer_fields:
        a, b = before["texts"].get(str(f.id), ""), now["texts"].get(str(f.id), "")
        if a != b:
            changes.append(Change("text", f.title, a, b))
    return decision, changes


@dataclass
class QueuePage:
    rows: list[dict]  # id, state, since, waited, office code/name/kind, sub-item number/title
    counts: dict
    total: int
    after: str | None  # the next page's cursor
    first: bool


def queue_counts(*, catalogue, offices, category: int | None = None) -> dict[str, int]:
    """Sub-items in each review state over `offices` (a filtered Office queryset), from their
    summaries: one aggregate over one row an office, whatever the number of reports. An
    office that has not opened the year has every sub-item not reported."""
    counts = dict.fromkeys(ReviewState.values, 0)
    if catalogue is None:
        return counts
    shape = catalogue_shape(catalogue)
    reportable = sum(
        1
        for s in shape.subitems
        if s.reportable and s.category_number < CATEGORY7 and (not category or s.category_number == category)
    )

    def column(state: str):
        if category:
            value = KeyTextTransform(
                state, KeyTransform("states", KeyTransform(str(category), "year__summary__categories"))
            )
            return Cast(value, IntegerField())
        return F(f"year__summary__{state}")

    figures = offices.annotate(
        year=FilteredRelation("assessments", condition=Q(assessments__catalogue=catalogue))
    ).aggregate(
        **{
            state: Sum(Coalesce(column(state), Value(0)))
            for state in ReviewState.values
            if state != ReviewState.NOT_REPORTED
        },
        unopened=Count("id", filter=Q(year__summary__isnull=True)),
        not_reported=Sum(column(ReviewState.NOT_REPORTED)),
    )
    for state in ReviewState.values:
        counts[state] = figures.get(state) or 0
    counts[ReviewState.NOT_REPORTED] = (figures["not_reported"] or 0) + figures["unopened"] * reportable
    return counts


QUEUE_ORDER = ("since", "id")  # longest-waiting first; the id makes the order total
QUEUE_PER_PAGE = 50


def _queue_rows(catalogue_id, states, *, kind: str = "", category: int | None = None):
    rows = SubItemReport.objects.filter(assessment__catalogue_id=catalogue_id, state__in=states)
    if kind:
        rows = rows.filter(assessment__office__kind=kind)
    if category:
        rows = rows.filter(subitem__category__number=category)
    return rows.annotate(since=Coalesce("state_changed_at", "updated_at")).values(
        "id",
        "state",
        "since",
        "assessment__office__code",
        "assessment__office__name",
        "assessment__office__kind",
        "subitem__number",
        "subitem__title",
    )


def review_queue(
    *,
    state: str | None = None,
    search: str = "",
    kind: str = "",
    category: int | None = None,
    after: str | None = None,
    catalogue: Catalogue | None = None,
) -> QueuePage:
    """Sub-items for reviewers across all offices, longest-waiting first, a page at a time
    (keyset: the cost of a page does not grow with the number of offices). Counts per state
    come from one aggregate; `search` matches an office's code or a part of its name.
    `catalogue`: the year shown (default: the current year's)."""
    catalogue = catalogue or current_catalogue()

    def offices():  # built only when read: an unfiltered first page with its counts kept needs none
        chosen = Office.objects.filter(is_active=True)
        if search:
            chosen = chosen.filter(Q(code__iexact=search) | Q(name__icontains=search))
        return chosen.filter(kind=kind) if kind else chosen

    counts = queue_counts_kept(
        f"{catalogue.pk if catalogue else ''}:{kind}:{category or ''}:{search.casefold()}",
        lambda: queue_counts(catalogue=catalogue, offices=offices(), category=category),
    )
    states = [state] if state else list(QUEUE_STATES)
    total = sum(counts[s] for s in states)
    if not search and not after and catalogue is not None:
        # The page every reviewer opens first: its SQL is written once per process.
        args = (catalogue.pk, *([kind] if kind else []), *([category] if category else []), *states)

        def first_page(catalogue_id, *rest):
            rest = list(rest)
            kind_, category_ = (rest.pop(0) if kind else ""), (rest.pop(0) if category else None)
            rows = _queue_rows(catalogue_id, rest, kind=kind_, category=category_)
            return rows.order_by(*QUEUE_ORDER)[: QUEUE_PER_PAGE + 1]

        rows = prepared_values(("review-queue", len(states), bool(kind), bool(category)), first_page, *args)
        page = keyset_rows(rows, order=QUEUE_ORDER, per_page=QUEUE_PER_PAGE)
    else:
        rows = _queue_rows(catalogue.pk if catalogue else None, states, kind=kind, category=category)
        if search:
            rows = rows.filter(assessment__office__in=offices())
        page = keyset_page(rows, order=QUEUE_ORDER, after=after, per_page=QUEUE_PER_PAGE)
    now = clock.now()
    for row in page.rows:
        row["waited"] = now - row["since"]
    return QueuePage(rows=page.rows, counts=counts, total=total, after=page.after, first=page.first)


def latest_notifications(*, user, limit: int = 5) -> list[dict]:
    """The user's latest notifications (date, subject, link, text), newest first: on every
    office home, so its SQL is written once per process."""
    return prepared_values(
        ("notifications", limit),
        lambda user_id: (
            Notification.objects.filter(user_id=user_id)
            .order_by("-created_at")
            .values("created_at", "subject", "url", "body")[:limit]
        ),
        user.pk,
    )


def conversation(*, report: SubItemReport) -> list[Message]:
    """A sub-item's messages, oldest first, each with its author: read on every open of the
    sub-item and review pages, its SQL written once per process."""
    return prepared_instances(
        ("conversation",),
        Message,
        lambda report_id: Message.objects.filter(report_id=report_id).order_by("created_at", "id"),
        report.pk,
        related=("author",),
    )


def unread_conversations(*, side: str, office=None, limit: int = 20) -> list[SubItemReport]:
    """Sub-item reports whose conversation has messages from the other side this side has not
    read (their office code and sub-item number loaded). Starts from the other side's
    messages (of one office when given), so that its cost follows the messages, not every
    report of the year. One query for the central side, whose answer is kept between the writes
    that change it (queue_cache.py); for an office, at most three, and one small one when it
    has no message from the other side."""
    if office is None and side == Message.Side.CENTRAL:  # every reviewer's queue page reads it
        return unread_kept(str(limit), lambda: _unread(side=side, office=None, limit=limit))
    return _unread(side=side, office=office, limit=limit)


def _unread(*, side: str, office, limit: int) -> list[SubItemReport]:
    other = Message.Side.CENTRAL if side == Message.Side.OFFICE else Message.Side.OFFICE
    messages = Message.objects.filter(side=other)
    if office is not None:  # on every office home: SQL written once per process
        last = {
            row["report_id"]: row["last"]
            for row in prepared_values(
                ("unread-office", other),
                lambda office_id: (
                    messages.filter(report__assessment__office_id=office_id)
                    .values("report_id")
                    .annotate(last=Max("created_at"))
                    .order_by()
                ),
                office.pk,
            )
        }
        if not last:
            return []
        read = dict(ConversationRead.objects.filter(report_id__in=last, side=side).values_list("report_id", "read_at"))
        unread = [report for report, at in last.items() if read.get(report) is None or at > read[report]]
        if not unread:
            return []
    else:
        read_since = ConversationRead.objects.filter(
            report=OuterRef("report_id"), side=side, read_at__gte=OuterRef("created_at")
        )
        unread = messages.exclude(Exists(read_since)).values("report_id")  # a subquery: one SQL in all
    reports = (
        SubItemReport.objects.filter(pk__in=unread)
        .select_related("assessment__office", "subitem")
        .only("updated_at", "assessment__office__code", "subitem__number")
    )
    return list(reports.order_by("-updated_at")[:limit])


# --- Year after year -----------------------------------------------------------------------------


def catalogue_for_year(year: int) -> Catalogue | None:
    return next((c for c in catalogues_kept() if c.fiscal_year == year), None)


def previous_catalogue(*, catalogue: Catalogue) -> Catalogue | None:
    """Last year's catalogue: the latest one before `catalogue`'s year (kept, no query)."""
    return next((c for c in catalogues_kept() if c.fiscal_year < catalogue.fiscal_year), None)


def item_code(number: str, level: str, order: int) -> str:
    """A checklist item's code, as people name it: "1.1.1 ระดับพื้นฐาน ข้อ 2"."""
    return f"{number} {LEVEL_THAI[Level(level)]} ข้อ {order}"


@dataclass
class MappingRow:
    code: str
    what: str  # "ประเด็น" or "รายการตรวจสอบ"
    before: str  # last year's text ("" when added)
    after: str  # this year's text ("" when removed)
    mapped: bool = False
    by_hand: bool = False


@dataclass
class MappingReport:
    fiscal_year: int
    previous_year: int | None
    matched: list[MappingRow] = field(default_factory=list)
    changed: list[MappingRow] = field(default_factory=list)
    added: list[MappingRow] = field(default_factory=list)
    removed: list[MappingRow] = field(default_factory=list)

    @property
    def changed_unmapped(self) -> list[MappingRow]:
        return [row for row in self.changed if not row.mapped]


def catalogue_mapping_report(*, catalogue: Catalogue) -> MappingReport:
    """What the catalogue mapping says now, sub-items and checklist items alike: matched (same
    code, same text, mapped), changed (same code, other text: mapped only by an admin's hand),
    added (a code last year did not have) and removed (last year's codes gone). Five queries."""
    previous = previous_catalogue(catalogue=catalogue)
    report = MappingReport(fiscal_year=catalogue.fiscal_year, previous_year=previous.fiscal_year if previous else None)
    if previous is None:
        return report

    def rows(cat):
        subitems = {
            s["id"]: s for s in SubItem.objects.filter(catalogue=cat).values("id", "number", "title", "previous_id")
        }
        items = list(
            ChecklistItem.objects.filter(subitem__catalogue=cat).values(
                "id", "subitem_id", "level", "order", "text", "previous_id", "mapped_by_hand"
            )
        )
        return subitems, items

    new_subitems, new_items = rows(catalogue)
    old_subitems, old_items = rows(previous)
    hand = set(SubItem.objects.filter(catalogue=catalogue, mapped_by_hand=True).values_list("id", flat=True))
    entries_new = [
        ("ประเด็น", s["number"], s["title"], s["previous_id"], s["id"] in hand) for s in new_subitems.values()
    ] + [
        (
            "รายการตรวจสอบ",
            item_code(new_subitems[i["subitem_id"]]["number"], i["level"], i["order"]),
            i["text"],
            i["previous_id"],
            i["mapped_by_hand"],
        )
        for i in new_items
    ]
    old_by_code = {s["number"]: ("ประเด็น", s["title"], s["id"]) for s in old_subitems.values()}
    old_by_code |= {
        item_code(old_subitems[i["subitem_id"]]["number"], i["level"], i["order"]): (
            "รายการตรวจสอบ",
            i["text"],
            i["id"],
        )
        for i in old_items
    }
    old_text_by_id = {
        "ประเด็น": {s["id"]: s["title"] for s in old_subitems.values()},
        "รายการตรวจสอบ": {i["id"]: i["text"] for i in old_items},
    }
    mapped_old = {(e[0], e[3]) for e in entries_new if e[3]}
    seen_codes = set()
    for what, code, text, previous_id, by_hand in entries_new:
        seen_codes.add(code)
        old = old_by_code.get(code)
        before = old_text_by_id[what].get(previous_id, "") if previous_id else (old[1] if old else "")
        row = MappingRow(code=code, what=what, before=before, after=text, mapped=bool(previous_id), by_hand=by_hand)
        if old is None and not previous_id:
            report.added.append(row)
        elif previous_id and before == text:
            report.matched.append(row)
        else:
            report.changed.append(row)
    for code, (what, text, old_id) in old_by_code.items():
        if code not in seen_codes and (what, old_id) not in mapped_old:
            report.removed.append(MappingRow(code=code, what=what, before=text, after=""))
    return report


@dataclass
class YearOverYearRow:
    """One sub-item this year beside last year: level (points) and ร้อยละ, and the change."""

    number: str
    title: str
    level: Level | None
    share: scoring.Share
    last_level: Level | None = None
    last_share: scoring.Share | None = None  # None: the sub-item was not in last year's catalogue

    @property
    def points(self) -> int | None:
        return scoring.level_points(self.level)

    @property
    def last_points(self) -> int | None:
        return scoring.level_points(self.last_level)

    @property
    def points_change(self) -> int | None:
        if self.last_share is None:
            return None
        return (self.points or 0) - (self.last_points or 0)

    @property
    def percent_change(self):
        if self.last_share is None:
            return None
        return self.share.percent - self.last_share.percent


@dataclass
class YearOverYear:
    year: int
    last_year: int | None
    rows: list[YearOverYearRow]


def _last_year_subitem(subitem: SubItemShape, last_shape: CatalogueShape) -> SubItemShape | None:
    """The same sub-item last year: by the catalogue mapping, else by its number."""
    if subitem.previous_id is not None and subitem.previous_id in last_shape.subitem_by_id:
        return last_shape.subitem_by_id[subitem.previous_id]
    return last_shape.subitem_by_number.get(subitem.number)


def office_year_over_year(*, office, overview: AssessmentOverview, previous: Catalogue | None) -> YearOverYear:
    """Each sub-item's level and ร้อยละ in `overview`'s year beside `previous` year's, from the
    reports' summary columns that `overview` read with its own (assessment_overview(previous=)):
    no query of its own, whatever the number of years or sub-items."""
    last_rows = overview.previous_reports
    last_shape = catalogue_shape(previous) if previous is not None else None
    rows = []
    for summary in overview.subitems:
        row = YearOverYearRow(
            number=summary.subitem.number, title=summary.subitem.title, level=summary.level, share=summary.share
        )
        last = _last_year_subitem(summary.subitem, last_shape) if last_shape else None
        if last is not None and last.reportable:
            saved = last_rows.get(last.id, {})
            row.last_level = Level(saved["level"]) if saved.get("level") else None
            row.last_share = scoring.Share(saved.get("done", 0), last.total)
        rows.append(row)
    return YearOverYear(
        year=overview.catalogue.fiscal_year, last_year=previous.fiscal_year if previous else None, rows=rows
    )


# --- The generated answer form -----------------------------------------------------------------

# The evidence kind the product makes itself from the ten answer fields (แบบฟอร์มตอบประเด็น):
# reporting lays it out as a PDF; readiness and the evidence panel count it as attached.
GENERATED_EVIDENCE_KIND = "answer_form"


def generated_answer_form_available(*, fields_filled: int, required: int) -> bool:
    """The answer form exists once every required field of the answer summary is filled."""
    return required > 0 and fields_filled >= required
