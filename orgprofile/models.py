from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    """An Educational Service Area office (สพท.), primary (สพป.) or secondary (สพม.)."""

    class Kind(models.TextChoices):
        PRIMARY = "spp", _("สพป.")
        SECONDARY = "spm", _("สพม.")

    code = models.CharField(_("รหัสสำนักงาน"), max_length=20, unique=True)
    name = models.CharField(_("ชื่อสำนักงาน"), max_length=200)
    kind = models.CharField(_("ประเภท"), max_length=3, choices=Kind.choices)
    province = models.CharField(_("จังหวัด"), max_length=100)
    is_demo = models.BooleanField(
        _("สำนักงานสาธิต"), default=False, help_text=_("สร้างขึ้นเพื่อทดลองใช้ระบบ ไม่ใช่สำนักงานจริง")
    )
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
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
