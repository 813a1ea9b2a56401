"""An office with everything a report book shows, for the book's tests and `make bench-book`:
the profile (with a table), every reportable sub-item answered (ticks and the ten fields),
a decision with its reason, evidence PDFs (checked, as the validation task leaves them), a
superseded file and a link, and KRS indicators for 7.1-7.6."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from assessments.models import (
    AnswerField,
    AnswerText,
    Catalogue,
    ChecklistAnswer,
    EvidenceKind,
    ReviewEvent,
    ReviewState,
    SubItem,
    SubItemReport,
)
from assessments.services.reports import report_get_or_create, reports_resummarise
from evidence.models import Evidence, EvidenceSource, EvidenceState
from krs_integration.contract import DIMENSIONS
from krs_integration.models import Indicator
from orgprofile.models import ProfileAnswer, ProfileQuestionSet
from orgprofile.services import profile_get_or_create
from tests.evidence import corpus

YEAR = 2566
TEXT = "สำนักงานดำเนินโครงการตามแผนปฏิบัติราชการ ติดตามผลทุกไตรมาส และนำผลมาปรับปรุงการทำงาน"
PROFILE_TABLE = (
    "<p>โครงสร้างการบริหารงานของสำนักงาน</p>"
    "<table><tbody><tr><td>กลุ่มงาน</td><td>จำนวนบุคลากร</td></tr>"
    "<tr><td>กลุ่มนโยบายและแผน</td><td>12</td></tr><tr><td>กลุ่มบริหารงานบุคคล</td><td>9</td></tr></tbody></table>"
)


def load_everything() -> Catalogue:
    call_command("load_catalogue", verbosity=0)
    call_command("load_profile_questions", verbosity=0)
    return Catalogue.objects.get(fiscal_year=YEAR)


def fill_profile(office) -> None:
    profile = profile_get_or_create(office=office, fiscal_year=YEAR)
    question_set = ProfileQuestionSet.objects.get(fiscal_year=YEAR)
    for question in question_set.questions.all():
        html = PROFILE_TABLE if question.number == 1 else f"<p>{TEXT} (ข้อ {question.number})</p>"
        ProfileAnswer.objects.update_or_create(
            profile=profile, question=question, defaults={"html": html, "updated_at": timezone.now()}
        )


def fill_answers(office, catalogue, *, user, decided_by=None) -> list[SubItemReport]:
    fields = list(AnswerField.objects.filter(catalogue=catalogue))
    reports = []
    for subitem in SubItem.objects.filter(catalogue=catalogue, reportable=True).prefetch_related("checklist_items"):
        report = report_get_or_create(office=office, subitem=subitem)
        items = list(subitem.checklist_items.all())
        ChecklistAnswer.objects.bulk_create(
            ChecklistAnswer(report=report, item=item, value=0 if n == len(items) - 1 else 1, updated_by=user)
            for n, item in enumerate(items)
        )
        AnswerText.objects.bulk_create(
            AnswerText(report=report, field=field, text=f"{TEXT} ({subitem.number} ข้อ {field.order})")
            for field in fields
        )
        reports.append(report)
    reports_resummarise(catalogue=catalogue)
    if decided_by is not None and reports:
        first = reports[0]
        SubItemReport.objects.filter(pk=first.pk).update(state=ReviewState.NOT_CERTIFIED)
        ReviewEvent.objects.create(
            report=first,
            from_state=ReviewState.AWAITING,
            to_state=ReviewState.NOT_CERTIFIED,
            reason="ขอให้แนบหนังสือขออนุมัติโครงการ",
            actor=decided_by,
            at=timezone.now(),
        )
    return reports


def add_pdf(report, *, kind_code: str, name: str, data: bytes, user, pages: int) -> Evidence:
    kind = EvidenceKind.objects.get(catalogue=report.subitem.catalogue, code=kind_code)
    evidence = Evidence(
        report=report,
        kind=kind,
        source=EvidenceSource.PDF,
        original_name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=pages,
        state=EvidenceState.VALID,
        uploaded_by=user,
        checked_at=timezone.now(),
    )
    evidence.file.save("x.pdf", ContentFile(data), save=False)
    evidence.save()
    return evidence


def fill_evidence(reports, *, user, data: bytes, pages: int, per_subitem: int = 1) -> list[Evidence]:
    """`per_subitem` files of `data` on every report (the book merges them), plus on the first
    report a superseded file and a link (listed, not merged)."""
    rows = []
    kinds = ["project", "approval_letter", "summary_report", "photos_links"]
    for report in reports:
        for n in range(per_subitem):
            rows.append(
                add_pdf(
                    report,
                    kind_code=kinds[n % len(kinds)],
                    name=f"หลักฐาน {report.subitem.number} ชุดที่ {n + 1}.pdf",
                    data=data,
                    user=user,
                    pages=pages,
                )
            )
    first = reports[0]
    old = add_pdf(first, kind_code="project", name="โครงการฉบับเก่า.pdf", data=corpus.valid_pdf(2), user=user, pages=2)
    Evidence.objects.filter(pk=old.pk).update(
        superseded_at=timezone.now(), superseded_by=user, supersede_reason="แนบผิดไฟล์"
    )
    Evidence.objects.create(
        report=first,
        kind=EvidenceKind.objects.get(catalogue=first.subitem.catalogue, code="photos_links"),
        source=EvidenceSource.LINK,
        url="https://www.obec.go.th/",
        title="หน้าเว็บสำนักงาน",
        state=EvidenceState.VALID,
        uploaded_by=user,
    )
    return rows


def fill_indicators(office) -> None:
    now = timezone.now()
    Indicator.objects.bulk_create(
        Indicator(
            office=office,
            fiscal_year=YEAR,
            code=f"K{n:02d}",
            name=f"ร้อยละของนักเรียนที่มีผลสัมฤทธิ์ทางการเรียนผ่านเกณฑ์ ตัวชี้วัดที่ {n + 1}",
            kind="mandatory" if n < 10 else "chosen",
            dimension_code=DIMENSIONS[n % len(DIMENSIONS)],
            target=Decimal(80),
            result=Decimal(70 + n),
            unit="ร้อยละ",
            achieved=70 + n >= 80,
            krs_updated_at=now,
            source="krs",
            last_synced_at=now,
        )
        for n in range(30)
    )
