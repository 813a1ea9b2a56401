"""One audit timeline in Thai, fed by every store: each source appears in it, filters work,
and a reader meets no internal id, no English word and no Christian-Era date."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import AnswerField, Catalogue, EvidenceKind, SubItem
from assessments.services.answers import subitem_answers_save, subitem_submit
from assessments.services.review import report_decide
from evidence.services import evidence_supersede, evidence_upload, message_send
from krs_integration.models import SyncRun
from krs_integration.services import sync_run_start
from orgprofile.models import FiscalYear, ProfileQuestion
from orgprofile.services import profile_answer_save
from orgprofile.windows import window_extend, window_set
from pmqa_site.roles import Role
from pmqa_site.thaidates import be_year
from reporting.services import book_submit
from tests.evidence import corpus
from tests.evidence.conftest import upload_file
from tests.krs_integration.conftest import krs  # noqa: F401 (the stand-in KRS fixture)

pytestmark = pytest.mark.django_db

KINDS_IN_THE_TIMELINE = [
    "answer",
    "text",
    "review",
    "evidence",
    "message",
    "profile",
    "window",
    "krs",
    "refused",
    "book",
]
NEVER_SHOWN = ["Created", "Changed", "Deleted", "None", "True", "False", " as of ", "+00:00"]


@pytest.fixture
def story(  # noqa: F811
    krs,  # noqa: F811
    office,
    staff,
    coordinator,
    reviewer,
    admin_user,
    client_for,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    """A year in the life of one office, every step through its service, as the pages call them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_catalogue", verbosity=0)
    call_command("load_profile_questions", verbosity=0)
    catalogue = Catalogue.objects.get(fiscal_year=2566)
    subitem = SubItem.objects.get(catalogue=catalogue, number="1.1.1")
    now = timezone.now()
    window = window_set(
        user=admin_user,
        fiscal_year=FiscalYear.objects.get(year=2566),
        office_opens_at=now - timedelta(days=1),
        office_closes_at=now + timedelta(days=7),
        review_opens_at=now - timedelta(days=1),
        review_closes_at=now + timedelta(days=30),
    )
    window_extend(
        user=admin_user,
        window=window,
        office=office,
        starts_at=now + timedelta(days=7),
        until=now + timedelta(days=9),
        reason="น้ำท่วมสำนักงาน",
    )
    fields = {f.order: f for f in AnswerField.objects.filter(catalogue=catalogue)}
    values = {item.id: 1 for item in subitem.checklist_items.all()}
    result = subitem_answers_save(
        user=staff,
        office=office,
        subitem=subitem,
        base_version=0,
        values=values,
        texts={f.id: f"คำตอบข้อ {order}" for order, f in fields.items()},
    )
    report = result.report
    kind = EvidenceKind.objects.get(catalogue=catalogue, code="project")
    with django_capture_on_commit_callbacks(execute=True):
        wrong = evidence_upload(
            report=report, user=staff, kind=kind, uploaded=upload_file("ผิดไฟล์.pdf", corpus.valid_pdf(1))
        )
    evidence_supersede(evidence=wrong, user=staff, reason="แนบผิดโครงการ")
    subitem_submit(user=staff, office=office, subitem=subitem)
    report_decide(report=report, user=reviewer, certify=False, reason="ยังไม่แนบโครงการที่อ้างอิง")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(report=report, user=staff, body="แนบโครงการที่ถูกต้องแล้ว")
    question = ProfileQuestion.objects.get(question_set__fiscal_year=2566, number=3)
    profile_answer_save(
        user=staff,
        office=office,
        fiscal_year=2566,
        question=question,
        html="<p>พันธกิจของสำนักงาน</p>",
        not_applicable=False,
        version=0,
    )
    with django_capture_on_commit_callbacks(execute=True):
        sync_run_start(trigger=SyncRun.Trigger.BUTTON, user=admin_user, offices=[office])
    client_for(staff).get(reverse("assessments:queue"))  # a page for reviewers: refused and recorded
    with django_capture_on_commit_callbacks(execute=True):
        book_submit(user=coordinator, office=office, fiscal_year=2566)
    return {"report": report, "subitem": subitem}


def audit_page(client, **params):
    return client.get(reverse("reporting:audit"), params)


def kinds_shown(html: str) -> set[str]:
    return set(re.findall(r'data-kind="(\w+)"', html))


def test_every_source_appears_in_one_thai_timeline(story, client_for, admin_user, staff, office):
    response = audit_page(client_for(admin_user))
    assert response.status_code == 200
    html = response.content.decode()
    assert kinds_shown(html) == set(KINDS_IN_THE_TIMELINE)
    for words in [
        "ระดับพื้นฐาน (Basic) ข้อ 1",  # a tick, in words
        "ยังไม่ตอบ",  # ...and what it was before
        "1 (ดำเนินการจริง)",
        "แก้ไขหัวข้อ",  # an answer-summary field
        "คำตอบข้อ 1",
        "ส่งไฟล์: ",  # evidence
        "ผิดไฟล์.pdf",
        "ยกเลิก: ",
        "แนบผิดโครงการ",
        "ส่งให้ส่วนกลางตรวจรับรอง",  # review
        "ผลการพิจารณา: ไม่รับรอง",
        "ยังไม่แนบโครงการที่อ้างอิง",
        "แนบโครงการที่ถูกต้องแล้ว",  # a message
        "ลักษณะสำคัญขององค์การ ข้อ (3)",  # a profile revision
        "กำหนดช่วงเวลาที่สำนักงานรายงานได้",  # the window
        "ขยายเวลาเฉพาะสำนักงาน",
        "น้ำท่วมสำนักงาน",
        "ปรับข้อมูลจาก KRS",
        "ถูกปฏิเสธการเข้าถึง",  # a refused page
        "/review/",
        staff.get_full_name(),  # people by name
        office.name,
        f"{be_year(timezone.localtime().year)} ",  # B.E. years
    ]:
        assert words in html, words
    timeline_html = html[html.index('id="timeline"') :]
    for word in NEVER_SHOWN:
        assert word not in timeline_html, word
    assert str(timezone.localtime().year) + " " not in timeline_html  # no Christian-Era dates


def test_filters_by_office_person_kind_and_buddhist_dates(story, client_for, admin_user, reviewer, other_office):
    client = client_for(admin_user)
    by_reviewer = audit_page(client, user=reviewer.username).content.decode()
    assert kinds_shown(by_reviewer) == {"review"}
    assert "ยังไม่แนบโครงการที่อ้างอิง" in by_reviewer
    evidence_only = audit_page(client, kind="evidence").content.decode()
    assert kinds_shown(evidence_only) == {"evidence"}
    elsewhere = audit_page(client, office=other_office.code).content.decode()
    assert kinds_shown(elsewhere) == set()
    assert "ยังไม่มีประวัติ" in elsewhere
    today = timezone.localtime()
    be_today = f"{today.day:02d}/{today.month:02d}/{be_year(today.year)}"
    assert "review" in kinds_shown(audit_page(client, start=be_today, end=be_today).content.decode())
    assert kinds_shown(audit_page(client, start="01/01/2560", end="31/12/2560").content.decode()) == set()
    refused = audit_page(client, start="31/12/2026")
    assert refused.status_code == 422 and "ปีต้องเป็นปี พ.ศ." in refused.content.decode()
    assert audit_page(client, office="NO-SUCH").status_code == 422


def test_pages_of_the_timeline_follow_each_other_without_gaps(story, client_for, admin_user):
    client = client_for(admin_user)
    everything = [e for e in re.findall(r'data-kind="(\w+)"', audit_page(client).content.decode())]
    first = audit_page(client)
    seen = []
    page = first
    url = reverse("reporting:audit")
    for _ in range(50):
        html = page.content.decode()
        seen.extend(re.findall(r'data-kind="(\w+)"', html))
        older = re.search(r'href="\?(before=[^"]+)"', html)
        if not older:
            break
        page = client.get(url + "?" + older.group(1).replace("&amp;", "&"))
    assert len(seen) >= len(everything)


def test_subitem_history_tells_the_subitems_whole_story(story, client_for, staff, reviewer, office):
    url = reverse("reporting:subitem-history", args=[office.code, "1.1.1"])
    subitem_page = client_for(staff).get(reverse("assessments:subitem", args=[office.code, "1.1.1"]))
    assert url in subitem_page.content.decode()  # its history box opens this
    for client in (client_for(staff), client_for(reviewer)):
        html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert kinds_shown(html) == {"answer", "text", "review", "evidence", "message"}
        assert "ยังไม่แนบโครงการที่อ้างอิง" in html and "แนบผิดโครงการ" in html


def test_only_admins_read_the_whole_timeline(story, client_for, staff, reviewer, make_user, other_office):
    assert client_for(staff).get(reverse("reporting:audit")).status_code == 403
    assert client_for(reviewer).get(reverse("reporting:audit")).status_code == 403
    outsider = make_user(Role.ESA_STAFF, other_office, username="outsider")
    history = reverse("reporting:subitem-history", args=[story["report"].assessment.office.code, "1.1.1"])
    assert client_for(outsider).get(history).status_code == 403
