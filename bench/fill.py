"""Fill a throw-away database for the page benchmarks: N offices (marked demo), every sub-item
of every office answered (ticks and the ten fields), review states spread, 30 KRS indicators
each, one staff member per office, reviewers and an admin; then ANALYZE. Prints, as JSON, the
session cookies of a staff member, a reviewer and an admin (sessions written directly: logging
in through the form would only measure the password hasher).

Run as a script with the product's settings: python -m bench.fill --offices 245
"""

import argparse
import json
import random
import sys
from decimal import Decimal

# Django-required: the project is imported only after django.setup() (run as a script).
import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import get_hashers  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.models import (  # noqa: E402
    AnswerField,
    AnswerText,
    Assessment,
    Catalogue,
    ChecklistAnswer,
    ReviewState,
    SubItem,
    SubItemReport,
)
from assessments.services.reports import reports_resummarise  # noqa: E402
from krs_integration.contract import DIMENSIONS  # noqa: E402
from krs_integration.models import Indicator  # noqa: E402
from orgprofile.models import Office  # noqa: E402
from orgprofile.registry import offices_changed  # noqa: E402
from orgprofile.services import user_create  # noqa: E402
from orgprofile.windows import demo_window_ensure  # noqa: E402
from pmqa_site.roles import Role  # noqa: E402

PASSWORD = "bench-password-2566"
STATES = [ReviewState.AWAITING, ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED, ReviewState.NEW_DATA]
TEXT = "สำนักงานดำเนินโครงการตามแผนปฏิบัติราชการ ติดตามผลทุกไตรมาส และนำผลมาปรับปรุงการทำงาน " * 6


def session_for(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "orgprofile.auth.OfficeUserBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def fill(offices: int, seed: int, *, staff_per_office: int = 1, reviewers: int = 1, fresh: bool = False) -> dict:
    rng = random.Random(seed)
    call_command("load_catalogue", verbosity=0)
    demo_window_ensure()  # offices may save: the benchmarks measure saves, not refusals
    catalogue = Catalogue.objects.get(fiscal_year=2566)
    subitems = list(SubItem.objects.filter(catalogue=catalogue, reportable=True).prefetch_related("checklist_items"))
    fields = list(AnswerField.objects.filter(catalogue=catalogue))
    now = timezone.now()
    with transaction.atomic():
        Office.objects.bulk_create(
            Office(
                code=f"B{i:04d}",
                name=f"สำนักงานเขตพื้นที่การศึกษาทดสอบภาระ เขต {i + 1}",
                kind="spm" if i % 4 == 0 else "spp",
                province=f"จังหวัดทดสอบ {i % 77 + 1}",
                is_demo=True,
            )
            for i in range(offices)
        )
        offices_changed()  # bulk_create sends no signal (orgprofile/registry.py)
        office_rows = list(Office.objects.filter(code__startswith="B").order_by("code"))
        Assessment.objects.bulk_create(Assessment(office=o, catalogue=catalogue) for o in office_rows)
        assessments = list(Assessment.objects.filter(catalogue=catalogue).order_by("office__code"))
        reports = []
        for assessment in assessments:
            for subitem in subitems:
                # "fresh": answered but not yet sent, as on the last day; else states spread.
                state = ReviewState.NOT_REPORTED if fresh else rng.choice(STATES)
                reports.append(
                    SubItemReport(
                        assessment=assessment,
                        subitem=subitem,
                        state=state,
                        version=3,
                        submitted_at=None if fresh else now - timezone.timedelta(hours=rng.randint(1, 500)),
                        state_changed_at=now - timezone.timedelta(hours=rng.randint(1, 500)),
                    )
                )
        SubItemReport.objects.bulk_create(reports, batch_size=5000)
        reports = SubItemReport.objects.filter(assessment__catalogue=catalogue).select_related("subitem")
        answers, texts = [], []
        items = {s.pk: list(s.checklist_items.all()) for s in subitems}
        for report in reports.iterator(chunk_size=5000):
            for item in items[report.subitem_id]:
                answers.append(ChecklistAnswer(report_id=report.pk, item=item, value=1 if rng.random() < 0.8 else 0))
            for field in fields:
                texts.append(AnswerText(report_id=report.pk, field=field, text=TEXT))
            if len(answers) > 50_000:
                ChecklistAnswer.objects.bulk_create(answers, batch_size=5000)
                AnswerText.objects.bulk_create(texts, batch_size=5000)
                answers, texts = [], []
        ChecklistAnswer.objects.bulk_create(answers, batch_size=5000)
        AnswerText.objects.bulk_create(texts, batch_size=5000)
        indicators = []
        for office in office_rows:
            for n in range(30):
                target = Decimal(rng.randint(50, 100))
                result = Decimal(rng.randint(30, 110))
                indicators.append(
                    Indicator(
                        office=office,
                        fiscal_year=2566,
                        code=f"K{n:02d}",
                        name=f"ตัวชี้วัดที่ {n + 1}",
                        kind="mandatory" if n < 10 else "chosen",
                        dimension_code=DIMENSIONS[n % len(DIMENSIONS)],
                        target=target,
                        result=result,
                        unit="ร้อยละ",
                        achieved=result >= target,
                        krs_updated_at=now,
                        source="api",
                        last_synced_at=now,
                    )
                )
        Indicator.objects.bulk_create(indicators, batch_size=5000)
        reports_resummarise(catalogue=catalogue)
    # Benchmark people never type a password (their sessions are written below): the fast
    # hasher saves minutes of PBKDF2 at 745 accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    staff = user_create(username="bench_staff", password=PASSWORD, role=Role.ESA_STAFF, office=office_rows[0])
    reviewer = user_create(username="bench_reviewer", password=PASSWORD, role=Role.OBEC_REVIEWER)
    admin = user_create(username="bench_admin", password=PASSWORD, role=Role.ADMIN)
    people = []
    if staff_per_office > 1 or reviewers > 1:
        for office in office_rows:
            for n in range(staff_per_office):
                user = user_create(
                    username=f"s_{office.code}_{n}", password=PASSWORD, role=Role.ESA_STAFF, office=office
                )
                people.append({"role": "staff", "office": office.code, "n": n, "session": session_for(user)})
        for n in range(reviewers):
            user = user_create(username=f"reviewer_{n}", password=PASSWORD, role=Role.OBEC_REVIEWER)
            people.append({"role": "reviewer", "n": n, "session": session_for(user)})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "office": office_rows[0].code,
        "staff": session_for(staff),
        "reviewer": session_for(reviewer),
        "admin": session_for(admin),
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "people": people,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offices", type=int, default=245)
    parser.add_argument("--seed", type=int, default=2566)
    parser.add_argument("--staff-per-office", type=int, default=1)
    parser.add_argument("--reviewers", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="answered but not yet sent (the last day)")
    parser.add_argument("--out", default="", help="write the JSON here instead of printing it")
    args = parser.parse_args()
    filled = fill(
        args.offices, args.seed, staff_per_office=args.staff_per_office, reviewers=args.reviewers, fresh=args.fresh
    )
    if args.out:
        with open(args.out, "w") as out:
            json.dump(filled, out)
    else:
        print("BENCH-FILL " + json.dumps(filled))
    return 0


if __name__ == "__main__":
    sys.exit(main())
