"""Each sub-item's attachment list as the guide words it (its last column, "หมายเหตุ/ เอกสารแนบ
ระบบ รายงาน"), on the sub-item page; readiness asks for exactly those entries; an office may
say it has none of one, with a reason the reviewer sees."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments.catalogue_cache import catalogue_shape
from assessments.models import SubItem
from assessments.services.reports import report_get_or_create
from evidence.models import EvidenceAbsence
from tests.evidence import corpus
from tests.webforms import form_posting_to

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_7dd915da17abb5ed.txt"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def test_every_sub_item_page_shows_the_guide_s_list_word_for_word(catalogue, client_for, staff):
    guide = normalise(GUIDE.read_text(encoding="utf-8"))
    client = client_for(staff)
    code = staff.membership.office.code
    subitems = SubItem.objects.filter(catalogue=catalogue, reportable=True, category__number__lte=6)
    assert subitems.count() == 23
    four_one = SubItem.objects.get(catalogue=catalogue, number="4.1").evidence_note
    for subitem in subitems:
        assert len(subitem.evidence_note) == 5, subitem.number
        for entry in subitem.evidence_note:
            assert normalise(entry) in guide, (subitem.number, entry)
        if subitem.number in ("4.2", "4.3", "4.4"):
            # Empty cells in the guide: 4.1's list, said so on the page.
            assert subitem.evidence_note == four_one and subitem.evidence_note_from == "4.1"
        page = client.get(reverse("assessments:subitem", args=[code, subitem.number])).content.decode()
        listed = re.search(r'id="evidence-checklist-\d+".*?</ul>', page, re.S).group(0)
        for entry in subitem.evidence_note:
            assert escape(entry) in listed, (subitem.number, entry)
        if subitem.evidence_note_from:
            assert "ใช้รายการของข้อ 4.1" in listed


def test_readiness_asks_for_the_list_and_an_absence_with_its_reason_answers_it(
    catalogue, django_app, staff, reviewer, kinds, upload, client_for
):
    office = staff.membership.office
    report = report_get_or_create(office=office, subitem=SubItem.objects.get(catalogue=catalogue, number="3.1"))
    readiness = django_app.get(reverse("reporting:readiness", args=[office.code]), user=staff)
    row = readiness.html.select_one('[data-subitem="3.1"]')
    asked = [span.text for span in row.select(".missing-attachment")]
    assert asked == report.subitem.evidence_note  # "รายงานสรุปผลนำเสนอ สพท./…" as 3.1 words it

    upload(client_for(staff), report, kinds["project"], "โครงการ.pdf", corpus.valid_pdf(1))
    page = django_app.get(reverse("evidence:report", args=[office.code, "3.1"]), user=staff)
    form = form_posting_to(page, reverse("evidence:absence", args=[office.code, "3.1"]))
    assert form["kind"].value == str(kinds["answer_form"].pk)  # the first entry not attached
    form["reason"] = "ใช้แบบฟอร์มของข้อ 3.2 ร่วมกัน"
    form.submit().follow()
    assert EvidenceAbsence.objects.get(report=report).reason == "ใช้แบบฟอร์มของข้อ 3.2 ร่วมกัน"

    row = django_app.get(reverse("reporting:readiness", args=[office.code]), user=staff).html.select_one(
        '[data-subitem="3.1"]'
    )
    asked = [span.text for span in row.select(".missing-attachment")]
    assert asked == report.subitem.evidence_note[2:]  # the project is attached, the form is "none"
    assert "ใช้แบบฟอร์มของข้อ 3.2 ร่วมกัน" in row.text
    review = django_app.get(reverse("assessments:review", args=[office.code, "3.1"]), user=reviewer)
    assert "ใช้แบบฟอร์มของข้อ 3.2 ร่วมกัน" in review.text


def test_each_line_of_the_list_says_where_the_office_stands_and_offers_the_absence_form_only_when_it_fits(
    catalogue, django_app, staff, reviewer, kinds, upload, client_for
):
    office = staff.membership.office
    report = report_get_or_create(office=office, subitem=SubItem.objects.get(catalogue=catalogue, number="3.1"))
    for pages, name in enumerate(("หนึ่ง.pdf", "สอง.pdf"), start=1):
        upload(client_for(staff), report, kinds["project"], name, corpus.valid_pdf(pages))
    EvidenceAbsence.objects.create(
        report=report, kind=kinds["approval_letter"], reason="ไม่มี <b>หนังสือ</b>", marked_by=staff
    )
    required = len(catalogue_shape(catalogue).required_field_ids)
    type(report).objects.filter(pk=report.pk).update(fields_filled=required)  # the answer form can be made

    page = django_app.get(reverse("assessments:subitem", args=[office.code, "3.1"]), user=staff)
    lines = {li["data-kind"]: li for li in page.html.select(f"#evidence-checklist-{report.pk} li")}
    assert list(lines) == ["answer_form", "project", "approval_letter", "summary_report", "photos_links"]
    generated = lines["answer_form"]
    assert "ระบบจัดทำให้แล้ว" in generated.text and not generated.select("form")
    assert generated.select_one("a.evidence-generated")["href"] == reverse(
        "reporting:answer-form", args=[office.code, "3.1"]
    )
    assert "แนบแล้ว 2 รายการ" in lines["project"].text and not lines["project"].select("form")
    absent = lines["approval_letter"]
    assert absent.select_one(".evidence-absent-reason").text == "ไม่มี <b>หนังสือ</b>"  # escaped, shown as typed
    assert absent.select_one("summary").text == "แก้เหตุผล" and absent.select_one("input[name=reason]")["value"] == (
        "ไม่มี <b>หนังสือ</b>"
    )
    for code in ("summary_report", "photos_links"):
        assert "ยังไม่ได้แนบ" in lines[code].text and lines[code].select_one("summary").text == "แจ้งว่าไม่มีเอกสารนี้"

    # The form of a line is the real one: it changes the reason and the page shows the new one.
    absence_url = reverse("evidence:absence", args=[office.code, "3.1"])
    (form,) = [
        f
        for f in page.forms.values()
        if f.action == absence_url and f["kind"].value == str(kinds["approval_letter"].pk)
    ]
    form["reason"] = "ยังไม่ได้ออกหนังสือ"
    form.submit().follow()
    assert EvidenceAbsence.objects.get(report=report).reason == "ยังไม่ได้ออกหนังสือ"

    # A reviewer reads the same list without any form.
    review = django_app.get(reverse("assessments:review", args=[office.code, "3.1"]), user=reviewer)
    listed = review.html.select_one(f"#evidence-checklist-{report.pk}")
    assert "ยังไม่ได้ออกหนังสือ" in listed.text and not listed.select("form")
