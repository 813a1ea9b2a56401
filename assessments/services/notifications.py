"""Telling people: an on-site notification and an email, written together."""

from django.conf import settings
from django.core.mail import send_mail

from ..models import Notification


def notify(*, users, subject: str, body: str, url: str = "", dedupe_key: str = "") -> int:
    """Notify each user once per dedupe_key (safe to run twice). Returns how many were new."""
    sent = 0
    for user in users:
        if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
            continue
        Notification.objects.create(user=user, subject=subject, body=body, url=url, dedupe_key=dedupe_key)
        if user.email:
            send_mail(subject, f"{body}\n\n{url}", settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
        sent += 1
    return sent
