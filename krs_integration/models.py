from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgprofile.models import Office

from .contract import DIMENSIONS


class Indicator(models.Model):
    """One of an office's KRS indicators for a fiscal year: category 7's results.

    Upserted by (office, fiscal year, code) from KRS or an import file; never deleted. An
    indicator a complete KRS answer no longer lists is marked withdrawn instead.
    """

    class Kind(models.TextChoices):
        MANDATORY = "mandatory", _("บังคับ")
        CHOSEN = "chosen", _("เขตเลือกเอง")

    class Source(models.TextChoices):
        KRS = "krs", _("ดึงจาก KRS")
        FILE = "file", _("นำเข้าจากไฟล์")

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="krs_indicators", verbose_name=_("สำนักงาน")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    code = models.CharField(_("รหัสตัวชี้วัด"), max_length=30)
    name = models.CharField(_("ชื่อตัวชี้วัด"), max_length=500)
    kind = models.CharField(_("ประเภท"), max_length=10, choices=Kind.choices)
    dimension_code = models.CharField(_("มิติผลลัพธ์"), max_length=5, choices=[(d, d) for d in DIMENSIONS], db_index=True)
    target = models.DecimalField(_("ค่าเป้าหมาย"), max_digits=16, decimal_places=4)
    result = models.DecimalField(_("ผลการดำเนินงาน"), max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("หน่วยนับ"), max_length=50, blank=True)
    achieved = models.BooleanField(_("บรรลุเป้าหมาย"))
    krs_updated_at = models.DateTimeField(_("KRS แก้ไขล่าสุด"))
    source = models.CharField(_("ที่มา"), max_length=4, choices=Source.choices)
    last_synced_at = models.DateTimeField(_("ปรับข้อมูลล่าสุด"))
    withdrawn_at = models.DateTimeField(_("ไม่อยู่ใน KRS ตั้งแต่"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["office", "fiscal_year", "dimension_code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "fiscal_year", "code"], name="krs_indicator_unique_per_office_year"
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "dimension_code"])]
        verbose_name = _("ตัวชี้วัด KRS")
        verbose_name_plural = _("ตัวชี้วัด KRS")
        permissions = [("run_krs_sync", _("สั่งปรับข้อมูลจาก KRS และนำเข้าไฟล์"))]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SyncRun(models.Model):
    """One sync (all offices or one) or one file import, with its counts, errors and duration."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("ตามกำหนดเวลาทุกคืน")
        BUTTON = "button", _("ผู้ดูแลระบบสั่ง")
        COMMAND = "command", _("คำสั่ง krs_sync")
        IMPORT = "import", _("นำเข้าจากไฟล์")

    class Status(models.TextChoices):
        RUNNING = "running", _("กำลังทำงาน")
        SUCCEEDED = "succeeded", _("สำเร็จ")
        PARTIAL = "partial", _("สำเร็จบางส่วน")
        FAILED = "failed", _("ไม่สำเร็จ")

    trigger = models.CharField(_("ที่มาของการสั่ง"), max_length=10, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("ผู้สั่ง")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    file_name = models.CharField(_("ชื่อไฟล์"), max_length=255, blank=True)
    errors = models.JSONField(_("ข้อผิดพลาดของทั้งรอบ"), default=list, blank=True)
    offices_total = models.PositiveIntegerField(_("จำนวนสำนักงาน"), default=0)
    offices_ok = models.PositiveIntegerField(_("สำเร็จ"), default=0)
    offices_partial = models.PositiveIntegerField(_("สำเร็จบางส่วน"), default=0)
    offices_failed = models.PositiveIntegerField(_("ไม่สำเร็จ"), default=0)
    created_count = models.PositiveIntegerField(_("เพิ่มใหม่"), default=0)
    updated_count = models.PositiveIntegerField(_("ปรับปรุง"), default=0)
    unchanged_count = models.PositiveIntegerField(_("ไม่เปลี่ยนแปลง"), default=0)
    refused_count = models.PositiveIntegerField(_("ปฏิเสธ"), default=0)
    started_at = models.DateTimeField(_("เริ่ม"), auto_now_add=True)
    finished_at = models.DateTimeField(_("เสร็จ"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("รอบการปรับข้อมูล KRS")
        verbose_name_plural = _("รอบการปรับข้อมูล KRS")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_trigger_display()} {self.get_status_display()}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None

    @property
    def is_finished(self) -> bool:
        return self.status != self.Status.RUNNING


class SyncOfficeResult(models.Model):
    """What one run did for one office. A Celery task takes its id and fills it in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("รอดำเนินการ")
        OK = "ok", _("สำเร็จ")
        PARTIAL = "partial", _("สำเร็จบางส่วน")
        FAILED = "failed", _("ไม่สำเร็จ")

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="office_results")
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="krs_sync_results", verbose_name=_("สำนักงาน")
    )
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_count = models.PositiveIntegerField(_("เพิ่มใหม่"), default=0)
    updated_count = models.PositiveIntegerField(_("ปรับปรุง"), default=0)
    unchanged_count = models.PositiveIntegerField(_("ไม่เปลี่ยนแปลง"), default=0)
    refused_count = models.PositiveIntegerField(_("ปฏิเสธ"), default=0)
    errors = models.JSONField(_("ข้อผิดพลาด"), default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "office__code"]
        constraints = [models.UniqueConstraint(fields=["run", "office"], name="krs_sync_result_one_per_office")]
        verbose_name = _("ผลการปรับข้อมูลรายสำนักงาน")
        verbose_name_plural = _("ผลการปรับข้อมูลรายสำนักงาน")

    def __str__(self) -> str:
        return f"{self.run_id} {self.office_id} {self.get_status_display()}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at and self.started_at else None
