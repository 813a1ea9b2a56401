"""Create the demo office and one account per role, once; print the accounts every time."""

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from orgprofile.models import Office
from orgprofile.services import user_create
from orgprofile.windows import demo_window_ensure
from pmqa_site.roles import Role

DEMO_OFFICE = {
    "code": "DEMO-01",
    "name": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสาธิต เขต 1 (สำนักงานสาธิต)",
    "kind": Office.Kind.PRIMARY,
    "province": "สาธิต",
}
DEMO_ACCOUNTS = [
    ("demo_staff", Role.ESA_STAFF, "สมศรี", "ใจดี"),
    ("demo_coordinator", Role.ESA_COORDINATOR, "สมชาย", "ประสานงาน"),
    ("demo_reviewer", Role.OBEC_REVIEWER, "สมหญิง", "ตรวจสอบ"),
    ("demo_admin", Role.ADMIN, "ผู้ดูแล", "ระบบ"),
]


class Command(BaseCommand):
    help = "Create the demo office and one demo account per role (once), and print them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts-file",
            default=str(settings.VAR_DIR / "demo-accounts.json"),
            help="where the demo passwords are kept (readable by the owner only)",
        )

    def handle(self, *args, **options):
        credentials_file = Path(options["accounts_file"])
        stored = json.loads(credentials_file.read_text()) if credentials_file.exists() else {}
        User = get_user_model()
        with transaction.atomic():
            office, _ = Office.objects.get_or_create(
                code=DEMO_OFFICE["code"], defaults={**DEMO_OFFICE, "is_demo": True}
            )
            for username, role, first, last in DEMO_ACCOUNTS:
                if User.objects.filter(username=username).exists():
                    continue
                password = secrets.token_urlsafe(9)
                user_create(
                    username=username,
                    password=password,
                    role=role,
                    office=office if role in (Role.ESA_STAFF, Role.ESA_COORDINATOR) else None,
                    first_name=first,
                    last_name=last,
                )
                stored[username] = password
        # The demo must work: open this year's window unless an admin has set one.
        opened = demo_window_ensure()
        credentials_file.parent.mkdir(parents=True, exist_ok=True)
        credentials_file.write_text(json.dumps(stored, indent=2))
        credentials_file.chmod(0o600)

        self.stdout.write("")
        if opened is not None:
            self.stdout.write(
                f"Reporting window opened for the demo until {opened.office_closes_at:%Y-%m-%d %H:%M} (UTC)"
            )
        self.stdout.write(f"Demo office: {office.name} ({office.code})")
        self.stdout.write("Demo accounts (username / password / role):")
        for username, role, _first, _last in DEMO_ACCOUNTS:
            password = stored.get(username, "(set before; see var/demo-accounts.json or reset it in the admin)")
            self.stdout.write(f"  {username:<18} {password:<16} {role.label}")
        self.stdout.write("")
