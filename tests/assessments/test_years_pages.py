"""Year after year through the pages: the admin opens a year through the rendered form, the
coordinator carries forward, marks show and go, an earlier year is read-only, and the office
home compares the two years."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import (
    AnswerField,
    AnswerText,
    Catalogue,
    ChecklistAnswer,
    ChecklistItem,
    ReviewState,
    SubItem,
    SubItemReport,
)
from assessments.services.answers import subitem_answers_save
from assessments.services.catalogue import catalogue_export
from orgprofile.windows import current_fiscal_year
from tests.webforms import form_posting_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_2566(catalogue, office, staff):
    subitem = SubItem.objects.select_related("catalogue").get(catalogue=catalogue, number="1.1.1")
    fields = AnswerField.objects.filter(catalogue=catalogue)
    subitem_answers_save(
        user=staff,
        office=office,
        subitem=subitem,
        base_version=0,
        values={item.id: 1 for item in subitem.checklist_items.all()},
        texts={f.id: f"ปี 2566 หัวข้อ {f.order}" for f in fields},
    )
    return subitem


@pytest.fixture
def opened_2567(answered_2566):
    call_command("fiscal_year_open", "2567", "--copy-catalogue-from", "2566", stdout=io.StringIO())
    return Catalogue.objects.get(fiscal_year=2567)


def test_the_admin_opens_a_year_through_the_rendered_form(django_app, catalogue, admin_user):
    page = django_app.get(reverse("assessments:years"), user=admin_user)
    form = page.forms["year-open-form"]
    form["year"] = "2567"
    form["copy_from"] = "2566"
    mapping = form.submit().follow()
    assert "เปิดปีงบประมาณ 2567 แล้ว" in mapping.text
    assert "เปลี่ยนแปลง 0" in mapping.text and "เพิ่ม 0" in mapping.text
    assert current_fiscal_year() == 2567
    # Opening the same year again is refused with the reason, and nothing changes.
    again = django_app.get(reverse("assessments:years"), user=admin_user).forms["year-open-form"]
    again["year"] = "2567"
    again["copy_from"] = "2566"
    refused = again.submit(status=422)
    assert "ปีงบประมาณ 2567 เปิดแล้ว" in refused.text
    assert Catalogue.objects.filter(fiscal_year=2567).count() == 1
    # The admin makes 2566 current again with the button the page renders.
    years = django_app.get(reverse("assessments:years"), user=admin_user)
    form_posting_to(years, reverse("assessments:year-current", args=[2566])).submit().follow()
    assert current_fiscal_year() == 2566


def test_the_coordinator_carries_forward_and_marks_go_on_edit(django_app, opened_2567, office, coordinator, staff):
    home = django_app.get(reverse("assessments:home", args=[office.code]), user=coordinator)
    carry = home.click(href=reverse("assessments:carry-forward", args=[office.code]))
    form = carry.forms["carry-forward-form"]
    form["scope"] = "1"
    done = form.submit().follow()
    assert "ยกข้อมูลจากปี 2566 มาเป็นฉบับร่างแล้ว" in done.text

    url = reverse("assessments:subitem", args=[office.code, "1.1.1"])
    page = django_app.get(url, user=staff)
    assert page.text.count("ยกมาจากปี 2566") == 6 + 10  # six checklist items and ten fields
    first = AnswerField.objects.get(catalogue=opened_2567, order=1)
    form = page.forms["subitem-form"]
    form[f"field_{first.id}"] = "ปรับปรุงสำหรับปี 2567"
    saved = form.submit().follow()
    assert saved.text.count("ยกมาจากปี 2566") == 6 + 9
    assert f'id="carried-field-{first.id}"' not in saved.text

    # An autosave (htmx) clears the mark of what it saved, on the page too.
    second = AnswerField.objects.get(catalogue=opened_2567, order=2)
    form = saved.forms["subitem-form"]
    form[f"field_{second.id}"] = "แก้ไขด้วยการบันทึกอัตโนมัติ"
    status = form.submit(headers={"HX-Request": "true"})
    assert f'id="carried-field-{second.id}" hx-swap-oob="true"' in status.text
    report = SubItemReport.objects.get(subitem__catalogue=opened_2567, subitem__number="1.1.1")
    assert AnswerText.objects.get(report=report, field=second).carried_from is None


def test_carry_forward_over_answers_asks_for_confirmation_on_the_page(django_app, opened_2567, office, coordinator):
    subitem = SubItem.objects.select_related("catalogue").get(catalogue=opened_2567, number="1.3")
    item = subitem.checklist_items.first()
    subitem_answers_save(
        user=coordinator, office=office, subitem=subitem, base_version=0, values={item.id: 0}, texts={}
    )
    page = django_app.get(reverse("assessments:carry-forward", args=[office.code]), user=coordinator)
    form = page.forms["carry-forward-form"]
    form["scope"] = "1"
    refused = form.submit(status=422)
    assert "ยืนยันการแทนที่" in refused.text
    assert ChecklistAnswer.objects.get(report__subitem=subitem, item=item).value == 0
    form = refused.forms["carry-forward-form"]
    form["replace"] = True
    form.submit().follow()
    assert ChecklistAnswer.objects.get(report__subitem=subitem, item=item).value is None


def test_an_earlier_year_is_read_only_and_says_which_year(django_app, opened_2567, answered_2566, office, staff):
    url = reverse("assessments:subitem", args=[office.code, "1.1.1"]) + "?year=2566"
    page = django_app.get(url, user=staff)
    assert "กำลังแสดงข้อมูลปีงบประมาณ พ.ศ. 2566" in page.text
    # No form but the layout's log-out button: no answers, no evidence upload, no message.
    assert [f.action for f in page.forms.values()] == [reverse("logout")]
    assert "ปี 2566 หัวข้อ 1" in page.text
    before = sorted(ChecklistAnswer.objects.filter(report__subitem=answered_2566).values_list("item_id", "value"))
    first = AnswerField.objects.get(catalogue=answered_2566.catalogue, order=1)
    # A write aimed at 2566 (this year's form, posted to the earlier year's address) is refused.
    form = django_app.get(url.split("?")[0], user=staff).forms["subitem-form"]
    form.action = url
    refused = form.submit(status=403)
    assert "ปีงบประมาณ 2566 ไม่ใช่ปีปัจจุบัน" in refused.text
    assert AnswerText.objects.get(report__subitem=answered_2566, field=first).text == "ปี 2566 หัวข้อ 1"
    assert sorted(ChecklistAnswer.objects.filter(report__subitem=answered_2566).values_list("item_id", "value")) == (
        before
    )
    home = django_app.get(reverse("assessments:home", args=[office.code]) + "?year=2566", user=staff)
    assert "กำลังแสดงข้อมูลปีงบประมาณ พ.ศ. 2566" in home.text
    assert "?year=2566" in home.html.select_one("#subitem-table a")["href"]
    assert [f.action for f in home.forms.values()] == [reverse("logout")]
    django_app.get(reverse("assessments:home", args=[office.code]) + "?year=2400", user=staff, status=404)


def test_the_office_home_sets_this_year_beside_last_year(django_app, opened_2567, office, staff):
    page = django_app.get(reverse("assessments:home", args=[office.code]), user=staff)
    row = page.html.select_one('#year-over-year tr[data-subitem="1.1.1"]')
    assert "ร้อยละ 100.00" in row.select_one(".last-percent").text
    assert "ร้อยละ 0.00" in row.select_one(".percent").text
    assert row.select_one(".percent-change").text.strip() == "-100.00"
    assert row.select_one(".points-change").text.strip() == "-500"
    assert len(page.html.select("#year-switcher a")) == 2


def test_a_reviewer_reads_an_earlier_year_and_cannot_decide_on_it(
    django_app, answered_2566, opened_2567, office, reviewer
):
    SubItemReport.objects.filter(subitem=answered_2566).update(state=ReviewState.AWAITING)
    queue = django_app.get(reverse("assessments:queue") + "?year=2566", user=reviewer)
    assert "กำลังแสดงข้อมูลปีงบประมาณ พ.ศ. 2566" in queue.text
    assert reverse("assessments:certify-many") not in queue.text  # no certify form for an earlier year
    link = queue.html.select_one("#queue a.btn")["href"]
    assert link.endswith("?year=2566")
    review = django_app.get(link, user=reviewer)
    assert "กำลังแสดงข้อมูลปีงบประมาณ พ.ศ. 2566" in review.text
    assert "decision" not in {name for form in review.forms.values() for name in form.fields}
    # A decision posted to the earlier year's page anyway is refused, and the state stays.
    current = django_app.get(reverse("assessments:queue"), user=reviewer)
    form = next(iter(current.forms.values()))
    refused = django_app.post(
        link,
        {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"].value, "decision": "certify"},
        user=reviewer,
        status=403,
    )
    assert "ปีงบประมาณ 2566 ไม่ใช่ปีปัจจุบัน" in refused.text
    assert SubItemReport.objects.get(subitem=answered_2566).state == ReviewState.AWAITING


def test_the_profile_of_an_earlier_year_is_read_only(django_app, opened_2567, office, staff):
    call_command("load_profile_questions", verbosity=0)
    page = django_app.get(reverse("orgprofile:profile", args=[office.code]) + "?year=2566", user=staff)
    assert "กำลังแสดงข้อมูลปีงบประมาณ พ.ศ. 2566" in page.text
    assert "ปีงบประมาณ พ.ศ. 2566" in page.html.select_one("h1").parent.text
    assert [f.action for f in page.forms.values()] == [reverse("logout")]
    assert reverse("orgprofile:answer-edit", args=[office.code, 1]) not in page.text
    current = django_app.get(reverse("orgprofile:profile", args=[office.code]), user=staff)
    assert reverse("orgprofile:answer-edit", args=[office.code, 1]) in current.text


def test_an_admin_maps_a_changed_item_by_hand_in_the_django_admin(django_app, catalogue, admin_user, tmp_path):
    changed_text = "ข้อความใหม่ของปี 2567"
    data = catalogue_export(catalogue=catalogue)
    data["fiscal_year"] = 2567
    data["categories"][0]["subitems"][0]["levels"]["basic"][0] = changed_text
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("fiscal_year_open", "2567", "--catalogue", str(path), stdout=io.StringIO())
    item = ChecklistItem.objects.get(subitem__catalogue__fiscal_year=2567, text=changed_text)
    old = ChecklistItem.objects.get(
        subitem__catalogue=catalogue, subitem__number=item.subitem.number, level=item.level, order=1
    )
    mapping = django_app.get(reverse("assessments:year-mapping", args=[2567]), user=admin_user)
    assert changed_text in mapping.html.select_one("#mapping-changed").text
    assert "ไม่ได้จับคู่" in mapping.html.select_one("#mapping-changed").text

    page = django_app.get(reverse("admin:assessments_checklistitem_change", args=[item.pk]), user=admin_user)
    form = page.forms["checklistitem_form"]
    offered = {value for value, *_ in form["previous"].options if value}
    assert str(old.pk) in offered
    assert offered <= {
        str(pk) for pk in ChecklistItem.objects.filter(subitem__catalogue=catalogue).values_list("pk", flat=True)
    }
    form["previous"] = str(old.pk)
    form.submit().follow()
    item.refresh_from_db()
    assert item.previous == old and item.mapped_by_hand
    mapping = django_app.get(reverse("assessments:year-mapping", args=[2567]), user=admin_user)
    assert "ผู้ดูแลระบบจับคู่เอง" in mapping.html.select_one("#mapping-changed").text


def test_the_years_page_lists_openings_by_the_command_too(django_app, opened_2567, admin_user):
    page = django_app.get(reverse("assessments:years"), user=admin_user)
    events = page.html.select_one("#year-events").text
    assert "เปิดปีงบประมาณ 2567" in events and "ระบบ" in events and "คัดลอกชุดเกณฑ์จากปี 2566" in events
    assert "ปีปัจจุบัน" in page.html.select_one('#years tr[data-year="2567"]').text


def test_readiness_of_an_earlier_year_says_which_year_and_links_within_it(django_app, opened_2567, office, staff):
    this_year = django_app.get(reverse("reporting:readiness", args=[office.code]), user=staff)
    assert this_year.html.select_one("#year-switcher") is not None
    assert "กำลังแสดงข้อมูลปีงบประมาณ" not in this_year.text
    # 1.1.1 is answered in 2566 only: ready there, its ticks still missing in 2567.
    assert "ยังไม่ได้ตอบรายการตรวจสอบ" in this_year.html.select_one('[data-subitem="1.1.1"]').text
    page = django_app.get(reverse("reporting:readiness", args=[office.code]) + "?year=2566", user=staff)
    assert "กำลังแสดงข้อมูลปีงบประมาณ พ.ศ. 2566" in page.text
    row = page.html.select_one('[data-subitem="1.1.1"]')
    assert "ยังไม่ได้ตอบรายการตรวจสอบ" not in row.text
    assert row.select_one("a")["href"].endswith("?year=2566")
    assert [f.action for f in page.forms.values()] == [reverse("logout")]
