"""Evidence behind an office's report on a sub-item: PDF files and links. Never deleted."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def stored_name(instance, filename: str) -> str:
    """A generated name: the uploaded name is kept only as data, never as a path."""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Disarmed(models.TextChoices):
    """What evidence.pdfcheck removes from a file rather than refusing it (its codes)."""

    JAVASCRIPT = "javascript", _("สคริปต์ (JavaScript)")
    OPEN_ACTION = "open_action", _("คำสั่งที่ทำงานเองเมื่อเปิดไฟล์")
    PAGE_ACTION = "page_action", _("คำสั่งที่ทำงานเองเมื่อเปิดหน้าหรือคลิก")
    LAUNCH = "launch", _("คำสั่งเปิดโปรแกรมหรือไฟล์อื่น")
    EXTERNAL_ACTION = "external_action", _("คำสั่งส่งหรือดึงข้อมูลออกนอกไฟล์")
    EMBEDDED_FILE = "embedded_file", _("ไฟล์อื่นที่ฝังอยู่ในไฟล์")
    XFA = "xfa", _("แบบฟอร์ม XFA")
    MULTIMEDIA = "multimedia", _("สื่อมัลติมีเดียที่เล่นได้")
    TAIL = "tail", _("ข้อมูลอื่นที่ต่อท้ายหลังจบไฟล์ PDF")


class EvidenceState(models.TextChoices):
    PENDING = "pending", _("กำลังตรวจสอบ")
    VALID = "valid", _("ผ่านการตรวจสอบ")
    REFUSED = "refused", _("ไม่ผ่านการตรวจสอบ")


class EvidenceSource(models.TextChoices):
    PDF = "pdf", _("ไฟล์ PDF")
    PHOTO = "photo", _("ภาพถ่าย (แปลงเป็น PDF)")
    LINK = "link", _("ลิงก์")


class Evidence(models.Model):
    """One file or link. `superseded_at` set means the office withdrew it, with a reason.

    The delete permission is withheld from every role and the admin; no code deletes a row
    or its file (see evidence.admin and tests/evidence/test_never_delete.py).
    """

    report = models.ForeignKey(
        "assessments.SubItemReport",
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("รายงานรายประเด็น"),
    )
    kind = models.ForeignKey(
        "assessments.EvidenceKind", on_delete=models.PROTECT, related_name="+", verbose_name=_("ประเภท")
    )
    source = models.CharField(_("ที่มา"), max_length=8, choices=EvidenceSource.choices)
    # What is served: the bytes the office sent, or their disarmed copy (see `disarmed`).
    file = models.FileField(_("ไฟล์"), upload_to=stored_name, blank=True, max_length=200)
    # The bytes the office sent, kept for audit when active content was removed; never served.
    original_file = models.FileField(_("ไฟล์ต้นฉบับ"), blank=True, max_length=200)
    disarmed = models.JSONField(_("สิ่งที่นำออกจากไฟล์"), default=list, blank=True)
    original_name = models.CharField(_("ชื่อไฟล์เดิม"), max_length=255, blank=True)
    url = models.URLField(_("ลิงก์"), max_length=1000, blank=True)
    title = models.CharField(_("ชื่อเรื่อง"), max_length=300, blank=True)
    size = models.PositiveIntegerField(_("ขนาด (ไบต์)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    page_count = models.PositiveIntegerField(_("จำนวนหน้า"), null=True, blank=True)
    state = models.CharField(_("สถานะ"), max_length=8, choices=EvidenceState.choices, default=EvidenceState.PENDING)
    reason = models.CharField(_("เหตุผล"), max_length=500, blank=True)
    check_detail = models.CharField(_("รายละเอียดทางเทคนิค"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่ตรวจ"), default=0)
    check_started_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("เวลาส่ง"), default=timezone.now)
    superseded_at = models.DateTimeField(_("เวลายกเลิก"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supersede_reason = models.CharField(_("เหตุผลที่ยกเลิก"), max_length=500, blank=True)
    # The guide: name which file is cancelled and which one is used instead.
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces", verbose_name=_("แทนที่ด้วย")
    )
    # A file the office sent with a message to the central office (the conversation).
    message = models.ForeignKey(
        "assessments.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    # Last year's file the office attached again to this year (checked again, counted again).
    reattached_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reattached_to",
        verbose_name=_("แนบอีกครั้งจากไฟล์ของปีก่อน"),
    )

    class Meta:
        ordering = ["report", "kind__order", "uploaded_at", "pk"]
        verbose_name = _("เอกสารหลักฐาน")
        verbose_name_plural = _("เอกสารหลักฐาน")
        indexes = [models.Index(fields=["state", "uploaded_at"], name="evidence_state_uploaded")]

    def __str__(self) -> str:
        return self.title or self.original_name or self.url

    @property
    def is_link(self) -> bool:
        return self.source == EvidenceSource.LINK

    @property
    def is_active(self) -> bool:
        return self.superseded_at is None

    @property
    def display_name(self) -> str:
        return self.title or self.original_name

    @property
    def disarmed_labels(self) -> list[str]:
        return [str(Disarmed(code).label) if code in Disarmed.values else code for code in self.disarmed]


class EvidenceEvent(models.Model):
    """Append-only history of one evidence row: uploaded, checked, superseded."""

    class Action(models.TextChoices):
        UPLOADED = "uploaded", _("ส่งไฟล์")
        LINKED = "linked", _("เพิ่มลิงก์")
        CHECKED = "checked", _("ตรวจสอบไฟล์")
        SUPERSEDED = "superseded", _("ยกเลิก")

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    from_state = models.CharField(max_length=8, blank=True)
    to_state = models.CharField(max_length=8, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ประวัติเอกสารหลักฐาน")
        verbose_name_plural = _("ประวัติเอกสารหลักฐาน")

    def __str__(self) -> str:
        return f"{self.evidence_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class EvidenceAbsence(models.Model):
    """The office says it has no document of one kind the guide lists for a sub-item, and why.
    Readiness then stops asking for it, and the reviewer sees the reason. Kept, never deleted:
    a later file of that kind simply shows instead."""

    report = models.ForeignKey("assessments.SubItemReport", on_delete=models.PROTECT, related_name="evidence_absences")
    kind = models.ForeignKey("assessments.EvidenceKind", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("เหตุผลที่ไม่มี"), max_length=500)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("แจ้งเมื่อ"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="evidence_absence_one_per_kind")]
        verbose_name = _("เอกสารที่สำนักงานแจ้งว่าไม่มี")
        verbose_name_plural = _("เอกสารที่สำนักงานแจ้งว่าไม่มี")

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind_id}: {self.reason[:40]}"
