"""The bottom floor keeps one record of its own: refused accesses, for the audit timeline."""

import logging

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .guide import CONTACT

audit_log = logging.getLogger("pmqa.audit")


class RefusedAccess(models.Model):
    """A page or a write refused to someone (403): who, what, when and why."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("ชื่อผู้ใช้"), max_length=150, blank=True)
    path = models.CharField(_("หน้า"), max_length=500)
    method = models.CharField(max_length=10)
    reason = models.CharField(_("เหตุผล"), max_length=500, blank=True)
    at = models.DateTimeField(_("เวลา"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("การเข้าถึงที่ถูกปฏิเสธ")
        verbose_name_plural = _("การเข้าถึงที่ถูกปฏิเสธ")

    def __str__(self) -> str:
        return f"{self.username or '-'} {self.method} {self.path}"

    @classmethod
    def record(cls, request, *, reason: str) -> "RefusedAccess":
        user = request.user if getattr(request.user, "is_authenticated", False) else None
        audit_log.warning(
            "refused user=%s path=%s method=%s reason=%s",
            getattr(user, "username", "") or "anonymous",
            request.path,
            request.method,
            reason,
        )
        return cls.objects.create(
            user=user,
            username=getattr(user, "username", "")[:150],
            path=request.path[:500],
            method=request.method[:10],
            reason=reason[:500],
        )


class Heartbeat(models.Model):
    """The last time a periodic job ran (the Celery beat's heartbeat, run by a worker): the
    readiness check reads it, so a stopped beat or worker shows on the admin's page."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


class HelpContact(models.Model):
    """Whom offices contact, shown on the help page. One row, edited by admins; it starts with
    the contact block at the end of OBEC's guide."""

    text = models.TextField(_("ข้อความติดต่อ"))
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ข้อมูลติดต่อในหน้าช่วยเหลือ")
        verbose_name_plural = _("ข้อมูลติดต่อในหน้าช่วยเหลือ")

    def __str__(self) -> str:
        return self.text.splitlines()[0] if self.text else ""

    @classmethod
    def current(cls) -> str:
        row = cls.objects.order_by("-updated_at").first()
        return row.text if row else CONTACT
