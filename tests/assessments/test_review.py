"""Review states: every allowed move and every forbidden one; decisions through the real forms."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Message, Notification, ReviewEvent, ReviewState, SubItem, SubItemReport
from assessments.services.reports import report_get_or_create
from assessments.services.review import ALLOWED_MOVES, report_transition
from assessments.services.summary import summary_refresh
from pmqa_site.prepared import statement_text
from tests.assessments.conftest import all_texts, form_data

pytestmark = pytest.mark.django_db

ALL = list(ReviewState.values)
ROLE_FOR = {"office": "staff", "reviewer": "reviewer", "system": "staff"}


def make_report(office, subitem, state):
    """A report put straight into `state` (as a bulk load would: its summary is refreshed here)."""
    report = report_get_or_create(office=office, subitem=subitem)
    SubItemReport.objects.filter(pk=report.pk).update(state=state)
    summary_refresh(assessment_id=report.assessment_id)
    report.refresh_from_db()
    return report


@pytest.mark.parametrize("from_state,to_state", [(a, b) for a in ALL for b in ALL])
def test_transition_table(request, office, subitem_111, from_state, to_state):
    report = make_report(office, subitem_111, from_state)
    who = ALLOWED_MOVES.get((from_state, to_state))
    actor = request.getfixturevalue(ROLE_FOR.get(who, "reviewer"))
    kwargs = {"reason": "ต้องแนบโครงการ"} if to_state == ReviewState.NOT_CERTIFIED else {}
    if who is None:
        with pytest.raises(ValidationError) as excinfo:
            report_transition(report=report, to_state=to_state, user=actor, **kwargs)
        assert "ไม่ได้" in excinfo.value.messages[0]
        report.refresh_from_db()
        assert report.state == from_state
        assert not ReviewEvent.objects.exists()
        return
    report_transition(report=report, to_state=to_state, user=actor, system=(who == "system"), **kwargs)
    report.refresh_from_db()
    assert report.state == to_state
    event = ReviewEvent.objects.get()
    assert (event.from_state, event.to_state, event.actor) == (from_state, to_state, actor)


@pytest.mark.parametrize("to_state", [ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED])
def test_office_cannot_certify(staff, office, subitem_111, to_state):
    report = make_report(office, subitem_111, ReviewState.AWAITING)
    with pytest.raises(ValidationError) as excinfo:
        report_transition(report=report, to_state=to_state, user=staff, reason="x")
    assert "เฉพาะผู้ตรวจส่วนกลาง" in excinfo.value.messages[0]


def test_reviewer_cannot_submit_for_the_office(reviewer, office, subitem_111):
    report = make_report(office, subitem_111, ReviewState.NOT_REPORTED)
    with pytest.raises(ValidationError):
        report_transition(report=report, to_state=ReviewState.AWAITING, user=reviewer)


def test_not_certifying_needs_a_reason(reviewer, office, subitem_111):
    report = make_report(office, subitem_111, ReviewState.AWAITING)
    with pytest.raises(ValidationError) as excinfo:
        report_transition(report=report, to_state=ReviewState.NOT_CERTIFIED, user=reviewer, reason="  ")
    assert "กรุณาระบุเหตุผลที่ไม่รับรอง" in excinfo.value.messages[0]
    report.refresh_from_db()
    assert report.state == ReviewState.AWAITING


def submit_111(office, client, subitem):
    full = {(i.level, i.order): "1" for i in subitem.checklist_items.all()}
    client.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]), form_data(subitem, values=full, texts=all_texts())
    )
    client.post(reverse("assessments:subitem-submit", args=[office.code, "1.1.1"]))
    return SubItemReport.objects.get(subitem=subitem)


def test_reject_with_reason_notifies_office_and_change_becomes_new_data(
    office, client_for, staff, reviewer, subitem_111, django_capture_on_commit_callbacks
):
    staff.email = "staff@example.go.th"
    staff.save()
    report = submit_111(office, client_for(staff), subitem_111)
    assert report.state == ReviewState.AWAITING

    reviewer_client = client_for(reviewer)
    empty = reviewer_client.post(
        reverse("assessments:review", args=[report.assessment.office.code, report.subitem.number]),
        {"decision": "reject", "reason": ""},
    )
    assert "กรุณาระบุเหตุผลที่ไม่รับรอง" in empty.content.decode()
    report.refresh_from_db()
    assert report.state == ReviewState.AWAITING

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(
            reverse("assessments:review", args=[report.assessment.office.code, report.subitem.number]),
            {"decision": "reject", "reason": "ยังไม่แนบโครงการที่อ้างอิง"},
            follow=True,
        )
    assert "บันทึกผลการพิจารณา" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReviewState.NOT_CERTIFIED
    assert Notification.objects.filter(user=staff, subject__contains="ไม่รับรอง").exists()
    assert len(mail.outbox) == 1 and "ยังไม่แนบโครงการที่อ้างอิง" in mail.outbox[0].body

    office_client = client_for(staff)
    page = office_client.get(reverse("assessments:subitem", args=[office.code, "1.1.1"])).content.decode()
    assert "ส่วนกลางไม่รับรอง" in page and "ยังไม่แนบโครงการที่อ้างอิง" in page

    # The office changes one tick: "new data", back in the queue, and the reviewer sees exactly that.
    detail_values = {(i.level, i.order): "1" for i in subitem_111.checklist_items.all()}
    detail_values[("significance", 2)] = "0"
    office_client.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, version=report.version, values=detail_values, texts=all_texts()),
    )
    report.refresh_from_db()
    assert report.state == ReviewState.NEW_DATA
    review_page = (
        client_for(reviewer)
        .get(reverse("assessments:review", args=[report.assessment.office.code, report.subitem.number]))
        .content.decode()
    )
    assert 'id="changes"' in review_page
    changes = review_page[
        review_page.index('id="changes"') : review_page.index("</table>", review_page.index('id="changes"'))
    ]
    assert changes.count('data-change="item"') == 1
    assert "ระดับพัฒนาจนเกิดผล (Significance) ข้อ 2" in changes


def test_certify_and_history(office, client_for, staff, reviewer, subitem_111):
    report = submit_111(office, client_for(staff), subitem_111)
    client_for(reviewer).post(
        reverse("assessments:review", args=[report.assessment.office.code, report.subitem.number]),
        {"decision": "certify", "reason": ""},
    )
    report.refresh_from_db()
    assert report.state == ReviewState.CERTIFIED
    page = (
        client_for(reviewer)
        .get(reverse("assessments:review", args=[report.assessment.office.code, report.subitem.number]))
        .content.decode()
    )
    assert "ประเด็นนี้ไม่ได้อยู่ระหว่างรอการรับรองผล" in page
    history_url = reverse("reporting:subitem-history", args=[office.code, "1.1.1"])
    assert history_url in page  # the history box loads it when opened
    history = client_for(reviewer).get(history_url, HTTP_HX_REQUEST="true").content.decode()
    assert history.count('data-kind="review"') == 2  # submit, certify
    assert "ส่งให้ส่วนกลางตรวจรับรอง" in history and "ผลการพิจารณา: รับรอง" in history


def test_decision_on_a_subitem_not_awaiting_is_refused(client_for, reviewer, office, subitem_111):
    report = make_report(office, subitem_111, ReviewState.NOT_REPORTED)
    response = client_for(reviewer).post(
        reverse("assessments:review", args=[report.assessment.office.code, report.subitem.number]),
        {"decision": "certify"},
    )
    assert "เปลี่ยนสถานะจาก" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReviewState.NOT_REPORTED


def test_certify_many_after_confirmation_is_all_or_nothing(client_for, reviewer, office, catalogue):

    waiting = [
        make_report(office, SubItem.objects.get(catalogue=catalogue, number=n), ReviewState.AWAITING)
        for n in ("1.3", "1.4")
    ]
    not_waiting = make_report(office, SubItem.objects.get(catalogue=catalogue, number="2.1"), ReviewState.NOT_REPORTED)
    client = client_for(reviewer)
    response = client.post(
        reverse("assessments:certify-many"), {"report": [r.pk for r in waiting] + [not_waiting.pk]}, follow=True
    )
    assert "รับรองพร้อมกันไม่ได้" in response.content.decode()
    assert SubItemReport.objects.filter(state=ReviewState.CERTIFIED).count() == 0
    response = client.post(reverse("assessments:certify-many"), {"report": [r.pk for r in waiting]}, follow=True)
    assert "รับรองแล้ว 2 ประเด็น" in response.content.decode()
    assert SubItemReport.objects.filter(state=ReviewState.CERTIFIED).count() == 2


def test_queue_filters_counts_and_order(client_for, reviewer, office, other_office, catalogue):

    old = make_report(office, SubItem.objects.get(catalogue=catalogue, number="1.3"), ReviewState.AWAITING)
    new = make_report(other_office, SubItem.objects.get(catalogue=catalogue, number="2.1"), ReviewState.NEW_DATA)
    SubItemReport.objects.filter(pk=old.pk).update(state_changed_at=timezone.now() - timedelta(days=2))
    SubItemReport.objects.filter(pk=new.pk).update(state_changed_at=timezone.now())
    client = client_for(reviewer)
    html = client.get(reverse("assessments:queue")).content.decode()
    assert html.index(f'data-report="{old.pk}"') < html.index(f'data-report="{new.pk}"')  # longest wait first
    assert 'data-count="awaiting">1<' in html and 'data-count="new_data">1<' in html
    only_spm = client.get(reverse("assessments:queue"), {"kind": "spm"}).content.decode()
    assert f'data-report="{new.pk}"' in only_spm and f'data-report="{old.pk}"' not in only_spm
    cat2 = client.get(reverse("assessments:queue"), {"category": "2"}).content.decode()
    assert f'data-report="{old.pk}"' not in cat2


def test_conversation_with_unread_marks_on_both_sides(
    client_for, staff, reviewer, office, subitem_111, django_capture_on_commit_callbacks
):
    report = make_report(office, subitem_111, ReviewState.AWAITING)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(reviewer).post(
            reverse("evidence:message-send", args=[report.assessment.office.code, report.subitem.number]),
            {"body": "ขอเอกสารเพิ่ม", "next": "review"},
        )
    home = client_for(staff).get(reverse("assessments:home", args=[office.code])).content.decode()
    assert 'id="unread"' in home and "1.1.1" in home[home.index('id="unread"') :]
    client_for(staff).get(reverse("assessments:subitem", args=[office.code, "1.1.1"]))  # reading clears the mark
    assert 'id="unread"' not in client_for(staff).get(reverse("assessments:home", args=[office.code])).content.decode()
    client_for(staff).post(
        reverse("evidence:message-send", args=[report.assessment.office.code, report.subitem.number]),
        {"body": "แนบแล้วครับ"},
    )
    queue = client_for(reviewer).get(reverse("assessments:queue")).content.decode()
    assert "ข้อความจากสำนักงานที่ยังไม่ได้อ่าน" in queue
    assert Message.objects.count() == 2
    assert Notification.objects.filter(user=staff, subject__contains="ข้อความใหม่").count() == 1


def test_message_on_another_offices_subitem_is_refused(client_for, other_staff, office, subitem_111):
    report = make_report(office, subitem_111, ReviewState.AWAITING)
    response = client_for(other_staff).post(
        reverse("evidence:message-send", args=[report.assessment.office.code, report.subitem.number]), {"body": "แทรก"}
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_empty_message_is_refused(client_for, staff, office, subitem_111):
    report = make_report(office, subitem_111, ReviewState.AWAITING)
    response = client_for(staff).post(
        reverse("evidence:message-send", args=[report.assessment.office.code, report.subitem.number]),
        {"body": "  "},
        follow=True,
    )
    assert "กรุณาพิมพ์ข้อความก่อนส่ง" in response.content.decode()
    assert not Message.objects.exists()


def test_kept_queue_counts_follow_every_submission_and_decision(
    client_for, staff, reviewer, office, catalogue, subitem_111
):
    """The counts are kept between changes of the offices' state figures: a submission and a
    decision are counted on the next page, through the rendered forms."""
    queue = client_for(reviewer)
    html = queue.get(reverse("assessments:queue")).content.decode()
    assert 'data-count="awaiting">0<' in html
    submit_111(office, client_for(staff), subitem_111)
    queue = client_for(reviewer)
    html = queue.get(reverse("assessments:queue")).content.decode()
    assert 'data-count="awaiting">1<' in html
    report = SubItemReport.objects.get(subitem=subitem_111)
    queue.post(reverse("assessments:review", args=[office.code, "1.1.1"]), {"decision": "certify", "reason": ""})
    assert SubItemReport.objects.get(pk=report.pk).state == ReviewState.CERTIFIED
    html = queue.get(reverse("assessments:queue")).content.decode()
    assert 'data-count="awaiting">0<' in html and 'data-count="certified">1<' in html


def test_the_queues_kept_figures_are_read_from_the_process_until_their_time(
    client_for, staff, reviewer, office, subitem_111, monkeypatch
):
    """A process keeps the counts and the unread list it read (assessments/queue_cache.py): the
    next page asks the shared cache nothing for them; a process that has none reads the shared
    cache, not the database; once their time is past they are read from the database again;
    and a change is on the next page all the same."""
    import time as real_time
    from types import SimpleNamespace

    from assessments import queue_cache
    from pmqa_site import versions

    queue = client_for(reviewer)
    url = reverse("assessments:queue")
    assert 'data-count="awaiting">0<' in queue.get(url).content.decode()
    asked = []
    shared_get = versions.cache.get
    monkeypatch.setattr(versions.cache, "get", lambda key, *a, **k: asked.append(key) or shared_get(key, *a, **k))

    def page():
        asked.clear()
        with CaptureQueriesContext(connection) as ctx:
            html = queue.get(url).content.decode()
        return html, [key for key in asked if ":kept:" in key], len(ctx.captured_queries)

    html, from_cache, kept_queries = page()
    assert 'data-count="awaiting">0<' in html and from_cache == []
    versions._memo.clear()  # another process: it reads what this one stored, not the database
    html, from_cache, queries = page()
    assert 'data-count="awaiting">0<' in html and len(from_cache) == 2 and queries == kept_queries
    later = real_time.time() + queue_cache.KEEP_SECONDS + 1
    monkeypatch.setattr(versions, "time", SimpleNamespace(time=lambda: later))
    html, from_cache, queries = page()
    assert len(from_cache) == 2 and queries == kept_queries + 2  # the counts and the list, read again
    monkeypatch.undo()
    submit_111(office, client_for(staff), subitem_111)
    queue = client_for(reviewer)
    assert 'data-count="awaiting">1<' in queue.get(url).content.decode()


def test_kept_unread_list_follows_every_message_and_read(client_for, staff, reviewer, office, subitem_111):
    """The queue's list of unread office messages is kept between the writes that change it:
    a message from the office shows on the next page, a reviewer reading it clears it, and a
    second read of the page asks the database nothing about conversations."""
    report = make_report(office, subitem_111, ReviewState.AWAITING)
    send = reverse("evidence:message-send", args=[office.code, "1.1.1"])

    def queue():
        return client_for(reviewer)  # one test client: the reviewer signs in again after the office

    assert "ข้อความจากสำนักงานที่ยังไม่ได้อ่าน" not in queue().get(reverse("assessments:queue")).content.decode()
    client_for(staff).post(send, {"body": "แนบเอกสารเพิ่มแล้ว"})
    html = queue().get(reverse("assessments:queue")).content.decode()
    assert "ข้อความจากสำนักงานที่ยังไม่ได้อ่าน" in html and f"{office.code} 1.1.1" in html
    with CaptureQueriesContext(connection) as again:
        assert f"{office.code} 1.1.1" in queue().get(reverse("assessments:queue")).content.decode()
    assert not [q for q in again.captured_queries if "assessments_message" in statement_text(q["sql"])]
    queue().get(reverse("assessments:review", args=[office.code, "1.1.1"]))  # the reviewer reads it
    assert "ข้อความจากสำนักงานที่ยังไม่ได้อ่าน" not in queue().get(reverse("assessments:queue")).content.decode()
    client_for(staff).post(send, {"body": "แก้ไขตามคำแนะนำแล้ว"})
    assert f"{office.code} 1.1.1" in queue().get(reverse("assessments:queue")).content.decode()
    assert Message.objects.filter(report=report).count() == 2
