"""The PMQA catalogue (versioned by fiscal year) and each office's assessment against it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from pmqa_site.history import audit_history


class Level(models.TextChoices):
    """The guide's three levels (Part 3): "1. ระดับพื้นฐาน 300 คะแนน (Basic) 2. ระดับก้าวหน้า
    400 คะแนน (Advance) 3. ระดับพัฒนาจนเกิดผล 500 คะแนน (Significance)"."""

    BASIC = "basic", _("ระดับพื้นฐาน (Basic)")
    ADVANCE = "advance", _("ระดับก้าวหน้า (Advance)")
    SIGNIFICANCE = "significance", _("ระดับพัฒนาจนเกิดผล (Significance)")


LEVEL_ORDER = [Level.BASIC, Level.ADVANCE, Level.SIGNIFICANCE]
LEVEL_POINTS = {Level.BASIC: 300, Level.ADVANCE: 400, Level.SIGNIFICANCE: 500}
LEVEL_THAI = {Level.BASIC: _("ระดับพื้นฐาน"), Level.ADVANCE: _("ระดับก้าวหน้า"), Level.SIGNIFICANCE: _("ระดับพัฒนาจนเกิดผล")}
LEVEL_ENGLISH = {Level.BASIC: "Basic", Level.ADVANCE: "Advance", Level.SIGNIFICANCE: "Significance"}
# Shown where a sub-item has not reached the first level yet.
NO_LEVEL = _("ยังไม่ถึงระดับพื้นฐาน (Basic)")


def level_title(level) -> str:
    """As the guide writes it: "ระดับก้าวหน้า 400 คะแนน (Advance)"."""
    level = Level(level)
    return f"{LEVEL_THAI[level]} {LEVEL_POINTS[level]} คะแนน ({LEVEL_ENGLISH[level]})"


# --- Catalogue ----------------------------------------------------------------------------


class Catalogue(models.Model):
    """One fiscal year's PMQA catalogue, loaded from a data file (see load_catalogue)."""

    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"), unique=True)
    title = models.CharField(_("ชื่อเกณฑ์"), max_length=300)
    results_note = models.TextField(_("หมายเหตุหมวด 7"), blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("ชุดเกณฑ์ประจำปี")
        verbose_name_plural = _("ชุดเกณฑ์ประจำปี")

    def __str__(self) -> str:
        return f"{self.title} ({self.fiscal_year})"


class Category(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="categories")
    number = models.PositiveSmallIntegerField(_("หมวด"))
    title = models.CharField(_("ชื่อหมวด"), max_length=300)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    guidance = models.TextField(_("แนวทาง/เป้าหมาย"), blank=True)

    class Meta:
        ordering = ["catalogue", "number"]
        unique_together = [("catalogue", "number")]
        verbose_name = _("หมวด")
        verbose_name_plural = _("หมวด")

    def __str__(self) -> str:
        return f"หมวด {self.number} {self.title}"


class SubItem(models.Model):
    """A sub-item (ประเด็น) such as 1.1.1 or 2.4, with checklist items at three levels."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="subitems")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="subitems")
    number = models.CharField(_("ข้อ"), max_length=10)
    title = models.CharField(_("ชื่อประเด็น"), max_length=400)
    group = models.CharField(_("หัวข้อหลัก"), max_length=400, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    reportable = models.BooleanField(_("สพท. รายงาน"), default=True)
    not_reportable_reason = models.CharField(_("เหตุที่ไม่ต้องรายงาน"), max_length=400, blank=True)
    guidance = models.JSONField(_("แนวทางการดำเนินงาน"), default=dict, blank=True)
    # The guide's "หมายเหตุ/ เอกสารแนบระบบ รายงาน" cell, entry by entry, word for word; entry i
    # is evidence kind i of the catalogue (in order).
    evidence_note = models.JSONField(_("เอกสารแนบตามเกณฑ์"), default=list, blank=True)
    # Where a cell was empty in the guide and the list is another sub-item's (4.2-4.4 carry 4.1's).
    evidence_note_from = models.CharField(_("รายการเอกสารแนบยกมาจากข้อ"), max_length=10, blank=True)
    # The same sub-item in last year's catalogue (catalogue mapping): set by code where the title is
    # the same when a year is opened, or by an admin by hand. Carry forward follows it.
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ประเด็นเดียวกันในปีก่อน"),
    )
    mapped_by_hand = models.BooleanField(_("ผู้ดูแลระบบจับคู่เอง"), default=False)

    class Meta:
        ordering = ["catalogue", "order"]
        unique_together = [("catalogue", "number")]
        verbose_name = _("ประเด็น")
        verbose_name_plural = _("ประเด็น")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ChecklistItem(models.Model):
    subitem = models.ForeignKey(SubItem, on_delete=models.CASCADE, related_name="checklist_items")
    level = models.CharField(_("ระดับ"), max_length=12, choices=Level.choices)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("รายการ"))
    # The same checklist item in last year's catalogue (see SubItem.previous).
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("รายการเดียวกันในปีก่อน"),
    )
    mapped_by_hand = models.BooleanField(_("ผู้ดูแลระบบจับคู่เอง"), default=False)

    class Meta:
        ordering = ["subitem", "order"]
        verbose_name = _("รายการตรวจสอบ")
        verbose_name_plural = _("รายการตรวจสอบ")

    def __str__(self) -> str:
        return f"{self.subitem.number} {self.get_level_display()} #{self.order}"


class EvidenceKind(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="evidence_kinds")
    code = models.SlugField(max_length=40)
    title = models.CharField(_("ประเภทเอกสาร"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["catalogue", "order"]
        unique_together = [("catalogue", "code")]
        verbose_name = _("ประเภทเอกสารหลักฐาน")
        verbose_name_plural = _("ประเภทเอกสารหลักฐาน")

    def __str__(self) -> str:
        return self.title


class AnswerField(models.Model):
    """One of the ten titled fields of the answer summary (แบบสรุปประเด็นการตอบ 10 ประเด็น)."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="answer_fields")
    order = models.PositiveSmallIntegerField(_("ลำดับ"))
    title = models.CharField(_("หัวข้อ"), max_length=300)
    help = models.TextField(_("คำอธิบาย"), blank=True)
    required = models.BooleanField(_("ต้องกรอก"), default=True)

    class Meta:
        ordering = ["catalogue", "order"]
        unique_together = [("catalogue", "order")]
        verbose_name = _("หัวข้อแบบสรุปประเด็นการตอบ")
        verbose_name_plural = _("หัวข้อแบบสรุปประเด็นการตอบ")

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


# --- An office's assessment ------------------------------------------------------------------


class Assessment(models.Model):
    """One office's self-assessment for one fiscal year (one catalogue)."""

    office = models.ForeignKey("orgprofile.Office", on_delete=models.PROTECT, related_name="assessments")
    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="assessments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("office", "catalogue")]
        verbose_name = _("การประเมินตนเอง")
        verbose_name_plural = _("การประเมินตนเอง")

    def __str__(self) -> str:
        return f"{self.office} — {self.catalogue.fiscal_year}"


class ReviewState(models.TextChoices):
    NOT_REPORTED = "not_reported", _("ยังไม่ได้รายงาน")
    AWAITING = "awaiting", _("รอการรับรองผล")
    CERTIFIED = "certified", _("รับรอง")
    NOT_CERTIFIED = "not_certified", _("ไม่รับรอง")
    NEW_DATA = "new_data", _("มีข้อมูลใหม่")


# Category 7 (results) comes from KRS; categories 1-6 are the checklists offices answer here.
CATEGORY7 = 7

# States a reviewer may decide on: they form the review queue.
QUEUE_STATES = (ReviewState.AWAITING, ReviewState.NEW_DATA)


class SubItemReport(models.Model):
    """An office's report on one sub-item: its answers, evidence and review state.

    `version` grows by one on every change of the answers (ticks, the ten fields); a form carries the version it was
    drawn from, so a stale form cannot overwrite a newer save.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    subitem = models.ForeignKey(SubItem, on_delete=models.PROTECT, related_name="reports")
    state = models.CharField(
        _("สถานะ"), max_length=16, choices=ReviewState.choices, default=ReviewState.NOT_REPORTED, db_index=True
    )
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    # The page (browser tab) whose form made the last save: saves racing each other from
    # one tab (an autosave in flight when the user presses save) are not a conflict.
    last_editor_token = models.CharField(max_length=32, blank=True)
    # What pages that list sub-items show, kept by the save that changes the answers (same
    # transaction), so that they read one row per sub-item instead of every answer:
    answered = models.PositiveSmallIntegerField(default=0)  # checklist items answered 1 or 0
    done = models.PositiveSmallIntegerField(default=0)  # checklist items answered 1
    level = models.CharField(max_length=12, choices=Level.choices, blank=True)  # "" = none yet
    fields_filled = models.PositiveSmallIntegerField(default=0)  # required answer fields filled
    history = audit_history()

    class Meta:
        unique_together = [("assessment", "subitem")]
        indexes = [
            # The reviewer queue, longest wait first (selectors.review_queue): a page reads 51
            # entries of this index instead of sorting every waiting report of the year.
            models.Index(
                Coalesce("state_changed_at", "updated_at"),
                F("id"),
                name="report_queue_wait",
                condition=Q(state__in=[state.value for state in QUEUE_STATES]),
            )
        ]
        verbose_name = _("รายงานรายประเด็น")
        verbose_name_plural = _("รายงานรายประเด็น")

    def __str__(self) -> str:
        return f"{self.assessment.office} {self.subitem.number}"

    @property
    def office(self):
        return self.assessment.office


class AssessmentSummary(models.Model):
    """What the national pages show of one office's year, kept by every write that changes a
    sub-item's answers or review state, in the same transaction (services/summary.py), so
    that they filter, sort and page the offices in SQL instead of aggregating every report.

    `categories` holds, per category number of 1-6, {"answered", "done", "states", "levels"}:
    checklist items answered and done, and the sub-items by review state and by level.
    """

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, primary_key=True, related_name="summary")
    answered = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)  # checklist items of categories 1-6
    subitems = models.PositiveSmallIntegerField(default=0)  # reportable sub-items of categories 1-6
    # Sub-items by review state (the queue's counts), and in the queue (awaiting + new data).
    not_reported = models.PositiveSmallIntegerField(default=0)
    awaiting = models.PositiveSmallIntegerField(default=0)
    certified = models.PositiveSmallIntegerField(default=0)
    not_certified = models.PositiveSmallIntegerField(default=0)
    new_data = models.PositiveSmallIntegerField(default=0)
    waiting = models.PositiveSmallIntegerField(default=0)
    oldest_waiting = models.DateTimeField(null=True, blank=True)
    progress = models.CharField(max_length=16, default="not_started")
    stage = models.PositiveSmallIntegerField(null=True, blank=True)  # 300/400/500 once every sub-item has one
    categories = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("สรุปผลการประเมินของสำนักงาน")
        verbose_name_plural = _("สรุปผลการประเมินของสำนักงาน")

    def __str__(self) -> str:
        return str(self.assessment)


class ChecklistAnswer(models.Model):
    """1 (done, ดำเนินการจริง) or 0 (no approach yet); no row, or None, means unanswered."""

    report = models.ForeignKey(SubItemReport, on_delete=models.CASCADE, related_name="checklist_answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True, choices=[(1, "1"), (0, "0")])
    # The fiscal year this value was carried from, until the office changes it ("ยกมาจากปี 2566").
    carried_from = models.PositiveSmallIntegerField(_("ยกมาจากปีงบประมาณ"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = audit_history()

    class Meta:
        unique_together = [("report", "item")]

    def __str__(self) -> str:
        return f"{self.report} {self.item_id}={self.value}"


class AnswerText(models.Model):
    report = models.ForeignKey(SubItemReport, on_delete=models.CASCADE, related_name="answer_texts")
    field = models.ForeignKey(AnswerField, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    carried_from = models.PositiveSmallIntegerField(_("ยกมาจากปีงบประมาณ"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = audit_history()

    class Meta:
        unique_together = [("report", "field")]

    def __str__(self) -> str:
        return f"{self.report} field {self.field_id}"


class CategoryAssignment(models.Model):
    """Which staff member answers which category, set by the office coordinator."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="category_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("assessment", "category")]

    def __str__(self) -> str:
        return f"{self.assessment} หมวด {self.category_id}: {self.user}"


class ResultDimension(models.Model):
    """Category 7's result dimensions 7.1-7.6, which KRS indicators are grouped by."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="result_dimensions")
    code = models.CharField(_("ข้อ"), max_length=5)
    title = models.CharField(_("ชื่อ"), max_length=300)

    class Meta:
        ordering = ["catalogue", "code"]
        unique_together = [("catalogue", "code")]
        verbose_name = _("มิติผลลัพธ์หมวด 7")
        verbose_name_plural = _("มิติผลลัพธ์หมวด 7")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class YearEvent(models.Model):
    """Append-only: a fiscal year opened (with its catalogue mapping), or an office's work
    carried forward from last year. The audit timeline reads it."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("เปิดปีงบประมาณ")
        CURRENT = "current", _("กำหนดปีปัจจุบัน")
        CARRIED = "carried", _("ยกข้อมูลจากปีก่อน")
        MAPPED = "mapped", _("จับคู่เกณฑ์กับปีก่อน")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    from_year = models.PositiveSmallIntegerField(_("จากปีงบประมาณ"), null=True, blank=True)
    office = models.ForeignKey(
        "orgprofile.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="year_events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(db_index=True)
    note = models.TextField(_("รายละเอียด"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("เหตุการณ์ปีงบประมาณ")
        verbose_name_plural = _("เหตุการณ์ปีงบประมาณ")

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.kind}"


# --- Review ---------------------------------------------------------------------------------


class ReviewEvent(models.Model):
    """Append-only: one row per state change of a sub-item report (who, from, to, why, when).

    A reviewer's decision also keeps a snapshot of what was decided on, so that "new data"
    can show exactly what the office changed since.
    """

    report = models.ForeignKey(SubItemReport, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, choices=ReviewState.choices)
    to_state = models.CharField(max_length=16, choices=ReviewState.choices)
    reason = models.TextField(_("เหตุผล"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(db_index=True)
    snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ประวัติการเปลี่ยนสถานะ")
        verbose_name_plural = _("ประวัติการเปลี่ยนสถานะ")

    def __str__(self) -> str:
        return f"{self.report} {self.from_state} → {self.to_state}"

    @property
    def is_decision(self) -> bool:
        return self.to_state in (ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED)


class Message(models.Model):
    """The conversation on one sub-item between the office and the central office."""

    class Side(models.TextChoices):
        OFFICE = "office", _("สำนักงานเขตพื้นที่")
        CENTRAL = "central", _("ส่วนกลาง")

    report = models.ForeignKey(SubItemReport, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    side = models.CharField(max_length=8, choices=Side.choices)
    body = models.TextField(_("ข้อความ"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ข้อความสื่อสาร")
        verbose_name_plural = _("ข้อความสื่อสาร")

    def __str__(self) -> str:
        return f"{self.report} {self.side} {self.created_at:%Y-%m-%d %H:%M}"


class ConversationRead(models.Model):
    """Up to when each side has read a sub-item's conversation (for unread marks)."""

    report = models.ForeignKey(SubItemReport, on_delete=models.CASCADE, related_name="reads")
    side = models.CharField(max_length=8, choices=Message.Side.choices)
    read_at = models.DateTimeField()

    class Meta:
        unique_together = [("report", "side")]

    def __str__(self) -> str:
        return f"{self.report} {self.side} read {self.read_at}"


class Notification(models.Model):
    """What the product told a user (also sent by email); shown on their home page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject}"
