from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmqa_site.history import audit_history


class Office(models.Model):
    """An Educational Service Area office (สพท.), primary (สพป.) or secondary (สพม.)."""

    class Kind(models.TextChoices):
        PRIMARY = "spp", _("สพป.")
        SECONDARY = "spm", _("สพม.")

    code = models.CharField(_("รหัสสำนักงาน"), max_length=20, unique=True)
    name = models.CharField(_("ชื่อสำนักงาน"), max_length=200)
    kind = models.CharField(_("ประเภท"), max_length=3, choices=Kind.choices)
    province = models.CharField(_("จังหวัด"), max_length=100)
    is_demo = models.BooleanField(_("สำนักงานสาธิต"), default=False, help_text=_("สร้างขึ้นเพื่อทดลองใช้ระบบ ไม่ใช่สำนักงานจริง"))
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        # The pages of active offices, in the orders the central pages list them (keyset,
        # pmqa_site/paging.py): each page is read from the index, not by sorting every office.
        indexes = [
            models.Index(
                fields=["kind", "name", "id"], condition=models.Q(is_active=True), name="office_active_kind_name"
            ),
            models.Index(
                fields=["kind", "province", "name", "id"],
                condition=models.Q(is_active=True),
                name="office_active_kind_province",
            ),
        ]
        verbose_name = _("สำนักงานเขตพื้นที่การศึกษา")
        verbose_name_plural = _("สำนักงานเขตพื้นที่การศึกษา")
        permissions = [
            ("view_all_offices", _("ดูข้อมูลของทุกสำนักงาน")),
            ("import_offices", _("นำเข้าทะเบียนสำนักงานจากไฟล์ CSV")),
            ("manage_office_staff", _("จัดการเจ้าหน้าที่ของสำนักงานตนเอง")),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Ties an office user to exactly one office. Reviewers and admins have none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("ผู้ใช้")
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("สำนักงาน"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("สังกัดสำนักงาน")
        verbose_name_plural = _("สังกัดสำนักงาน")

    def __str__(self) -> str:
        return f"{self.user} — {self.office}"


# --- Organisation profile (ลักษณะสำคัญขององค์การ) ---------------------------------------------


class ProfileQuestionSet(models.Model):
    """The 13 profile questions and their answering instructions for one fiscal year (B.E.)."""

    fiscal_year = models.PositiveIntegerField(_("ปีงบประมาณ"), unique=True)
    title = models.CharField(_("ชื่อ"), max_length=200)
    intro = models.TextField(_("คำนำ"), blank=True)
    instructions_title = models.CharField(_("หัวข้อคำอธิบาย"), max_length=200, blank=True)
    instructions_subtitle = models.CharField(_("หัวข้อย่อยคำอธิบาย"), max_length=200, blank=True)
    instructions = models.JSONField(_("คำอธิบายการตอบคำถาม"), default=list)
    not_applicable_text = models.CharField(_("ข้อความเมื่อไม่เกี่ยวข้อง"), max_length=300)
    source = models.CharField(_("ที่มา"), max_length=300, blank=True)

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("ชุดคำถามลักษณะสำคัญขององค์การ")
        verbose_name_plural = _("ชุดคำถามลักษณะสำคัญขององค์การ")

    def __str__(self) -> str:
        return f"{self.title} {self.fiscal_year}"


class ProfileQuestion(models.Model):
    question_set = models.ForeignKey(
        ProfileQuestionSet, on_delete=models.CASCADE, related_name="questions", verbose_name=_("ชุดคำถาม")
    )
    number = models.PositiveSmallIntegerField(_("ข้อ"))
    part_number = models.CharField(_("ส่วน"), max_length=5)
    part_title = models.CharField(_("ชื่อส่วน"), max_length=300)
    part_description = models.TextField(_("คำอธิบายส่วน"), blank=True)
    group_letter = models.CharField(_("กลุ่ม"), max_length=5)
    group_title = models.CharField(_("ชื่อกลุ่ม"), max_length=300)
    title = models.CharField(_("คำถาม"), max_length=300)
    sub_questions = models.JSONField(_("คำถามย่อย"), default=list)

    class Meta:
        ordering = ["question_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "number"], name="profile_question_unique_number")
        ]
        verbose_name = _("คำถามลักษณะสำคัญขององค์การ")
        verbose_name_plural = _("คำถามลักษณะสำคัญขององค์การ")

    def __str__(self) -> str:
        return f"({self.number}) {self.title}"


class Profile(models.Model):
    """One office's profile for one fiscal year."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="profiles", verbose_name=_("สำนักงาน"))
    fiscal_year = models.PositiveIntegerField(_("ปีงบประมาณ"))
    question_set = models.ForeignKey(ProfileQuestionSet, on_delete=models.PROTECT, related_name="profiles")
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("ยกมาจาก"),
    )
    carried_at = models.DateTimeField(_("ยกมาเมื่อ"), null=True, blank=True)
    carried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["office", "-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["office", "fiscal_year"], name="profile_unique_office_year")]
        verbose_name = _("ลักษณะสำคัญขององค์การ")
        verbose_name_plural = _("ลักษณะสำคัญขององค์การ")

    def __str__(self) -> str:
        return f"{self.office} {self.fiscal_year}"


class ProfileAnswer(models.Model):
    """The current text of one answer. Every change also appends a ProfileAnswerRevision."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ProfileQuestion, on_delete=models.PROTECT, related_name="answers")
    html = models.TextField(_("คำตอบ"), blank=True)
    not_applicable = models.BooleanField(_("ไม่เกี่ยวข้องกับส่วนราชการ"), default=False)
    is_carried = models.BooleanField(_("ยกมาจากปีก่อน ยังไม่ได้ปรับปรุง"), default=False)
    # Bumped on every save; a form that posts an older number is stale and refused.
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["profile", "question__number"]
        constraints = [models.UniqueConstraint(fields=["profile", "question"], name="profile_answer_unique_question")]
        verbose_name = _("คำตอบลักษณะสำคัญขององค์การ")
        verbose_name_plural = _("คำตอบลักษณะสำคัญขององค์การ")

    def __str__(self) -> str:
        return f"{self.profile} ({self.question.number})"

    @property
    def is_answered(self) -> bool:
        return self.not_applicable or bool(self.html.strip())


class ProfileAnswerRevision(models.Model):
    """A kept copy of an answer: who saved what, when. Restoring writes a new revision."""

    class Kind(models.TextChoices):
        SAVE = "save", _("บันทึก")
        AUTOSAVE = "autosave", _("บันทึกอัตโนมัติ")
        RESTORE = "restore", _("เรียกคืนฉบับก่อน")
        CARRY = "carry", _("ยกมาจากปีก่อน")

    answer = models.ForeignKey(ProfileAnswer, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("ฉบับที่"))
    kind = models.CharField(_("ประเภท"), max_length=10, choices=Kind.choices)
    html = models.TextField(_("คำตอบ"), blank=True)
    not_applicable = models.BooleanField(_("ไม่เกี่ยวข้องกับส่วนราชการ"), default=False)
    answer_version = models.PositiveIntegerField(default=0)
    restored_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("เริ่มเมื่อ"))
    # Autosaves by one person within a few minutes extend one revision instead of making
    # dozens; saved_at is the last of them. Explicit saves and restores always add a revision.
    saved_at = models.DateTimeField(_("บันทึกเมื่อ"))

    class Meta:
        ordering = ["answer", "-number"]
        constraints = [models.UniqueConstraint(fields=["answer", "number"], name="profile_revision_unique_number")]
        verbose_name = _("ฉบับแก้ไขคำตอบ")
        verbose_name_plural = _("ฉบับแก้ไขคำตอบ")

    def __str__(self) -> str:
        return f"{self.answer} #{self.number}"


def _profile_image_name(instance, filename: str) -> str:
    # Generated names only: the uploaded file name never reaches the disk.
    return f"profile-images/{instance.office_id}/{instance.pk}.{instance.extension}"


class ProfileImage(models.Model):
    """A picture (diagram) used inside profile answers, re-encoded on upload."""

    id = models.UUIDField(primary_key=True, editable=False)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="profile_images")
    file = models.FileField(upload_to=_profile_image_name, max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("รูปภาพประกอบลักษณะสำคัญขององค์การ")
        verbose_name_plural = _("รูปภาพประกอบลักษณะสำคัญขององค์การ")

    def __str__(self) -> str:
        return f"{self.office_id} {self.pk}"

    @property
    def extension(self) -> str:
        return "png" if self.content_type == "image/png" else "jpg"


# --- The reporting calendar: fiscal years and their windows --------------------------------
# Both the profile (this app) and the checklists (assessments) obey the same window, so the
# calendar lives here, on the floor below both.


class FiscalYear(models.Model):
    """A fiscal year (ปีงบประมาณ, B.E.) the product knows. Exactly one is current: the year
    offices see first."""

    year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"), unique=True)
    is_current = models.BooleanField(_("ปีปัจจุบัน"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True), name="one_current_year")
        ]
        verbose_name = _("ปีงบประมาณ")
        verbose_name_plural = _("ปีงบประมาณ")

    def __str__(self) -> str:
        return str(self.year)


class ReportingWindow(models.Model):
    """When offices may change their data, and when reviewers may decide, for one fiscal year.

    Times are instants (stored in UTC, shown in Asia/Bangkok). An interval includes its
    opening instant and excludes its closing one: at the closing second, saving is refused.
    """

    fiscal_year = models.OneToOneField(FiscalYear, on_delete=models.CASCADE, related_name="window")
    office_opens_at = models.DateTimeField(_("เปิดให้สำนักงานรายงาน"))
    office_closes_at = models.DateTimeField(_("ปิดการรายงานของสำนักงาน"))
    review_opens_at = models.DateTimeField(_("เปิดให้ส่วนกลางตรวจรับรอง"))
    review_closes_at = models.DateTimeField(_("ปิดการตรวจรับรอง"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = audit_history()

    class Meta:
        verbose_name = _("ช่วงเวลารายงาน")
        verbose_name_plural = _("ช่วงเวลารายงาน")

    def __str__(self) -> str:
        return f"{self.fiscal_year.year}"


class WindowExtension(models.Model):
    """One office may keep editing after the window closes, until `until`, for a reason."""

    window = models.ForeignKey(ReportingWindow, on_delete=models.CASCADE, related_name="extensions")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="window_extensions")
    starts_at = models.DateTimeField(_("เริ่ม"))
    until = models.DateTimeField(_("ขยายถึง"))
    reason = models.TextField(_("เหตุผล"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["-until"]
        verbose_name = _("การขยายเวลาเฉพาะสำนักงาน")
        verbose_name_plural = _("การขยายเวลาเฉพาะสำนักงาน")

    def __str__(self) -> str:
        return f"{self.office} → {self.until}"
