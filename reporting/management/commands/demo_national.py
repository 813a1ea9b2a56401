"""python manage.py demo_national --offices 245 [--seed N] [--force]

Fills the database with synthetic offices (marked as demo data: is_demo, codes DEMO-N-…, names
ending "(ข้อมูลสาธิต)") at varied stages of the current year: checklist answers consistent with
their levels, review states with their events by the demo reviewer spread over the weeks
before the window closes, and 30 KRS indicators each. For the dashboard, the exports, the
benchmarks and the README's screenshots. It refuses to run where an office that is not demo
data already holds answers or evidence, unless --force.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from assessments.catalogue_cache import catalogue_shape
from assessments.models import Assessment, ChecklistAnswer, ReviewEvent, ReviewState, SubItemReport
from assessments.selectors import current_catalogue
from assessments.services.reports import report_summary
from assessments.services.summary import summaries_rebuild
from evidence.models import Evidence
from krs_integration.contract import DIMENSIONS
from krs_integration.models import Indicator
from orgprofile.models import Office
from orgprofile.registry import offices_changed
from orgprofile.windows import window_of
from pmqa_site import clock

PREFIX = "DEMO-N-"
PROVINCES = [
    "กรุงเทพมหานคร", "เชียงใหม่", "เชียงราย", "ลำปาง", "พิษณุโลก", "นครสวรรค์", "ขอนแก่น", "อุดรธานี",
    "นครราชสีมา", "อุบลราชธานี", "สุรินทร์", "ชลบุรี", "ระยอง", "นครปฐม", "ราชบุรี", "สุพรรณบุรี",
    "นครศรีธรรมราช", "สงขลา", "ภูเก็ต", "ยะลา",
]  # fmt: skip
# (share of offices, chance a sub-item was sent, chance a sent one was decided, chance a decision certifies)
STAGES = [
    (0.10, 0.0, 0.0, 0.0),  # not started
    (0.35, 0.45, 0.3, 0.8),  # in progress
    (0.30, 1.0, 0.5, 0.85),  # sent everything, reviews under way
    (0.15, 1.0, 0.9, 0.9),  # nearly certified
    (0.10, 1.0, 1.0, 1.0),  # fully certified
]


class Command(BaseCommand):
    help = "สร้างข้อมูลสาธิตของสำนักงานเขตพื้นที่จำนวนมาก (ทำเครื่องหมายว่าเป็นข้อมูลสาธิต) สำหรับภาพรวมระดับประเทศ"

    def add_arguments(self, parser):
        parser.add_argument("--offices", type=int, default=245)
        parser.add_argument("--seed", type=int, default=2569)
        parser.add_argument("--force", action="store_true", help="ทำแม้มีสำนักงานจริงที่มีคำตอบหรือเอกสารแล้ว")

    def handle(self, *args, offices: int, seed: int, force: bool, **options):
        catalogue = current_catalogue()
        if catalogue is None:
            raise CommandError("ยังไม่มีชุดเกณฑ์การประเมิน: เรียก python manage.py load_catalogue ก่อน")
        real_answers = SubItemReport.objects.filter(assessment__office__is_demo=False, answered__gt=0).exists()
        real_evidence = Evidence.objects.filter(report__assessment__office__is_demo=False).exists()
        if (real_answers or real_evidence) and not force:
            raise CommandError(
                "ฐานข้อมูลนี้มีสำนักงานจริงที่มีคำตอบหรือเอกสารหลักฐานแล้ว จึงไม่สร้างข้อมูลสาธิต (ใช้ --force หากแน่ใจว่าเป็นฐานข้อมูลทดลอง)"
            )
        rng = random.Random(seed)
        with transaction.atomic():
            created = self._fill(catalogue, offices, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # plans on the new rows' statistics, not on none
        self.stdout.write(f"สร้างข้อมูลสาธิต {created} สำนักงาน (รหัส {PREFIX}001 …) ปีงบประมาณ {catalogue.fiscal_year}")

    def _fill(self, catalogue, count: int, rng: random.Random) -> int:
        shape = catalogue_shape(catalogue)
        required = shape.required_field_ids
        subitems = [s for s in shape.subitems if s.reportable and s.category_number < 7]
        reviewer = get_user_model().objects.filter(username="demo_reviewer").first()
        window = window_of(fiscal_year=catalogue.fiscal_year)
        now = clock.now()
        end = min(now, window.office_closes_at) if window else now
        start = end - timedelta(days=42)

        # Earlier demo data of this command goes; real offices and the demo office are not touched.
        earlier = list(Office.objects.filter(code__startswith=PREFIX, is_demo=True).values_list("pk", flat=True))
        Office.objects.filter(pk__in=earlier).update(is_active=False)
        offices_changed()  # .update() sends no signal
        # By id lists: right after a bulk load PostgreSQL has no statistics yet, and a join on
        # the office's code would be planned as a nested loop over every row.
        Assessment.objects.filter(office_id__in=earlier, catalogue=catalogue).delete()
        Indicator.objects.filter(office_id__in=earlier, fiscal_year=catalogue.fiscal_year).delete()

        offices = []
        for n in range(1, count + 1):
            kind = Office.Kind.PRIMARY if rng.random() < 0.7 else Office.Kind.SECONDARY
            province = rng.choice(PROVINCES)
            label = "ประถมศึกษา" if kind == Office.Kind.PRIMARY else "มัธยมศึกษา"
            office, _ = Office.objects.update_or_create(
                code=f"{PREFIX}{n:03d}",
                defaults={
                    "name": f"สำนักงานเขตพื้นที่การศึกษา{label}{province} เขต {n % 5 + 1} (ข้อมูลสาธิต {n:03d})",
                    "kind": kind,
                    "province": province,
                    "is_demo": True,
                    "is_active": True,
                },
            )
            offices.append(office)

        Assessment.objects.bulk_create([Assessment(office=o, catalogue=catalogue) for o in offices])
        assessments = dict(
            Assessment.objects.filter(office__in=offices, catalogue=catalogue).values_list("office_id", "id")
        )
        reports, answers, events_of = [], [], []
        for office in offices:
            share, sent_p, decided_p, certify_p = _stage(rng)
            for subitem in subitems:
                sent = rng.random() < sent_p
                started = sent or (sent_p > 0 and rng.random() < 0.5)
                if not started:
                    continue
                # The level reached: each level needs all its items (and the lower ones) at 1.
                reach = 0
                for chance in (0.85, 0.6, 0.4) if sent else (0.3, 0.1, 0.0):
                    if rng.random() >= chance:
                        break
                    reach += 1
                values = {}
                for level_index, (_level, items) in enumerate(subitem.items_by_level):
                    missed = rng.randrange(len(items)) if items else -1
                    for index, item in enumerate(items):
                        if not sent and rng.random() < 0.3:
                            continue  # not answered yet
                        below = level_index < reach
                        values[item.id] = 1 if below or (index != missed and rng.random() < 0.6) else 0
                summary = report_summary(
                    subitem=subitem, values=values, texts=dict.fromkeys(required, "ข้อมูลสาธิต"), required=required
                )
                state, submitted_at, changed_at, trail = ReviewState.NOT_REPORTED, None, None, []
                if sent:
                    submitted_at = start + (end - start) * rng.random() ** 0.7
                    state, changed_at = ReviewState.AWAITING, submitted_at
                    trail.append((ReviewState.NOT_REPORTED, ReviewState.AWAITING, submitted_at, None, ""))
                    if rng.random() < decided_p:
                        decided_at = min(now, submitted_at + timedelta(hours=rng.uniform(2, 24 * 10)))
                        if rng.random() < certify_p:
                            state = ReviewState.CERTIFIED
                            trail.append((ReviewState.AWAITING, state, decided_at, reviewer, ""))
                        else:
                            state = ReviewState.NOT_CERTIFIED
                            reason = "แนบโครงการไม่ตรงกับประเด็น กรุณาแนบโครงการที่อ้างถึงในแบบสรุป (ข้อมูลสาธิต)"
                            trail.append((ReviewState.AWAITING, state, decided_at, reviewer, reason))
                        changed_at = decided_at
                reports.append(
                    SubItemReport(
                        assessment_id=assessments[office.pk],
                        subitem_id=subitem.id,
                        state=state,
                        submitted_at=submitted_at,
                        state_changed_at=changed_at,
                        **summary,
                    )
                )
                answers.append(values)
                events_of.append(trail)
        SubItemReport.objects.bulk_create(reports, batch_size=2000)
        ids = dict(
            (
                (row["assessment_id"], row["subitem_id"]),
                row["id"],
            )
            for row in SubItemReport.objects.filter(assessment_id__in=assessments.values()).values(
                "id", "assessment_id", "subitem_id"
            )
        )
        checklist, events = [], []
        for report, values, trail in zip(reports, answers, events_of, strict=True):
            report_id = ids[(report.assessment_id, report.subitem_id)]
            checklist += [ChecklistAnswer(report_id=report_id, item_id=i, value=v) for i, v in values.items()]
            events += [
                ReviewEvent(report_id=report_id, from_state=a, to_state=b, at=at, actor=who, reason=why)
                for a, b, at, who, why in trail
            ]
        ChecklistAnswer.objects.bulk_create(checklist, batch_size=5000)
        ReviewEvent.objects.bulk_create(events, batch_size=5000)
        Indicator.objects.bulk_create(
            [indicator for office in offices for indicator in _indicators(office, catalogue.fiscal_year, rng, now)],
            batch_size=5000,
        )
        summaries_rebuild(catalogue=catalogue)
        return len(offices)


def _stage(rng: random.Random):
    roll, total = rng.random(), 0.0
    for stage in STAGES:
        total += stage[0]
        if roll < total:
            return stage
    return STAGES[-1]


def _indicators(office, fiscal_year: int, rng: random.Random, now) -> list[Indicator]:
    rows = []
    for n in range(1, 31):
        target = Decimal(rng.choice([70, 75, 80, 85, 90, 100]))
        result = None if rng.random() < 0.08 else Decimal(str(round(float(target) * rng.uniform(0.8, 1.25), 2)))
        rows.append(
            Indicator(
                office=office,
                fiscal_year=fiscal_year,
                code=f"KRS-{n:02d}",
                name=f"ร้อยละของสถานศึกษาที่ดำเนินการตามเป้าหมายที่ {n} (ข้อมูลสาธิต)",
                kind=Indicator.Kind.MANDATORY if n <= 20 else Indicator.Kind.CHOSEN,
                dimension_code=DIMENSIONS[n % len(DIMENSIONS)],
                target=target,
                result=result,
                unit="ร้อยละ",
                achieved=result is not None and result >= target,
                krs_updated_at=now,
                source=Indicator.Source.KRS,
                last_synced_at=now,
            )
        )
    return rows
