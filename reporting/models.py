"""The report book: one PDF per office and fiscal year, built by a task and kept by the hash
of its content. Drafts are made on demand and reused while nothing in them changes; a
submitted version is frozen when the coordinator submits the report and never overwritten."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def book_file_name(instance, filename: str) -> str:
    return f"books/{instance.fiscal_year}/{instance.office.code}/{instance.kind}-{instance.content_hash[:16]}.pdf"


class Book(models.Model):
    class Kind(models.TextChoices):
        DRAFT = "draft", _("ฉบับร่าง")
        SUBMITTED = "submitted", _("ฉบับที่ส่ง")

    class State(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        BUILDING = "building", _("กำลังจัดทำ")
        READY = "ready", _("พร้อมดาวน์โหลด")
        FAILED = "failed", _("จัดทำไม่สำเร็จ")

    office = models.ForeignKey("orgprofile.Office", on_delete=models.PROTECT, related_name="books")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    kind = models.CharField(_("ฉบับ"), max_length=10, choices=Kind.choices, default=Kind.DRAFT)
    # SHA-256 of everything the book shows (reporting.book.book_content): same hash, same book.
    content_hash = models.CharField(max_length=64, db_index=True)
    state = models.CharField(_("สถานะ"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0-100
    step = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=book_file_name, blank=True, max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    evidence_pages = models.PositiveIntegerField(default=0)
    evidence_files = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["office", "fiscal_year", "kind", "content_hash"], name="book_lookup")]
        verbose_name = _("รูปเล่มรายงาน")
        verbose_name_plural = _("รูปเล่มรายงาน")

    def __str__(self) -> str:
        return f"{self.office_id} {self.fiscal_year} {self.kind} {self.content_hash[:12]}"

    @property
    def is_done(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)
