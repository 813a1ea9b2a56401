"""Category 7 pages, the national view and the admin's sync pages, through the test client."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from krs_integration.models import Indicator, SyncRun
from orgprofile.models import Office
from pmqa_site.prepared import statement_text


@pytest.fixture
def admin_sync(client_for, admin_user, django_capture_on_commit_callbacks):
    """Press the admin's sync button (the real form), running the queued tasks on commit."""

    def press(office=None):
        client = client_for(admin_user)
        page = client.get(reverse("krs:manage"))
        assert 'id="krs-sync-button"' in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("krs:sync"), {"office": office.pk if office else ""})
        assert response.status_code == 302
        return client, response

    return press


def test_category7_says_in_thai_when_nothing_was_synced(office, client_for, staff, catalogue):
    response = client_for(staff).get(reverse("krs:category7", args=[office.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "ยังไม่มีข้อมูลตัวชี้วัดจากระบบ KRS สำหรับสำนักงานนี้" in body
    assert "ปีงบประมาณ พ.ศ. 2566" in body


def test_admin_button_fills_category7_grouped_by_dimension(admin_sync, krs, catalogue, office, staff, client_for):
    client, response = admin_sync(office)
    run = SyncRun.objects.get()
    assert response["Location"] == reverse("krs:run", args=[run.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "สำเร็จ" in detail and "เพิ่มใหม่ 30" in detail and "วินาที" in detail
    page = client_for(staff).get(reverse("krs:category7", args=[office.code])).content.decode()
    assert page.count('class="krs-indicator"') == 30
    for code in ("7.1", "7.2", "7.3", "7.4", "7.5", "7.6"):
        assert f'id="dimension-{code}"' in page
    assert "การบรรลุผลลัพธ์ของตัวชี้วัดตามพันธกิจ" in page
    assert "ตัวชี้วัด 30 จาก 30 ตัว" in page
    assert "2566" in page and "2023" not in page.split('id="dimension-7.1"')[1]  # B.E. dates


def test_failed_sync_is_explained_on_run_page_and_category7(admin_sync, krs, catalogue, office, staff, client_for):
    admin_sync(office)
    krs.config.mode = "count31"
    client, response = admin_sync(office)
    detail = client.get(response["Location"]).content.decode()
    assert "KRS ส่งตัวชี้วัด 31 ตัว แต่แต่ละสำนักงานต้องมี 30 ตัวพอดี" in detail
    assert "ข้อมูลที่บันทึกไว้ไม่เปลี่ยนแปลง" in detail
    page = client_for(staff).get(reverse("krs:category7", args=[office.code])).content.decode()
    assert page.count('class="krs-indicator"') == 30
    assert "ไม่สำเร็จ ข้อมูลที่แสดงเป็นข้อมูลเดิมที่บันทึกไว้" in page


def test_krs_down_is_explained_on_the_run_page(admin_sync, krs_down, catalogue, office):
    client, response = admin_sync(office)
    detail = client.get(response["Location"]).content.decode()
    assert "ติดต่อ KRS ที่" in detail and "ไม่สำเร็จ" in detail


def test_sync_button_is_for_admins_only(client_for, reviewer, staff, catalogue):
    for user in (reviewer, staff):
        response = client_for(user).post(reverse("krs:sync"), {"office": ""})
        assert response.status_code == 403
    assert not SyncRun.objects.exists()


def test_manage_home_links_to_the_krs_page(client_for, admin_user):
    body = client_for(admin_user).get(reverse("reporting:manage-home")).content.decode()
    assert reverse("krs:manage") in body


def test_office_user_cannot_read_another_office(client_for, staff, other_office, catalogue):
    response = client_for(staff).get(reverse("krs:category7", args=[other_office.code]))
    assert response.status_code == 403
    assert "ท่านดูได้เฉพาะข้อมูลของสำนักงานที่ท่านสังกัดเท่านั้น" in response.content.decode()


def test_reviewer_reads_any_office_and_the_national_view(
    admin_sync, krs, catalogue, office, other_office, reviewer, client_for
):
    admin_sync(office)
    client = client_for(reviewer)
    page = client.get(reverse("krs:category7", args=[office.code])).content.decode()
    assert page.count('class="krs-indicator"') == 30
    national = client.get(reverse("krs:national")).content.decode()
    achieved = Indicator.objects.filter(office=office, achieved=True).count()
    assert f"{achieved}/30" in national
    assert "มีข้อมูลแล้ว 1 จาก 2 สำนักงาน" in national
    assert "ยังไม่มีข้อมูล" in national  # the other office


def test_national_view_is_not_for_office_users(client_for, staff, catalogue):
    assert client_for(staff).get(reverse("krs:national")).status_code == 403


def test_national_view_query_count_does_not_grow_with_offices(
    krs, catalogue, reviewer, client_for, django_assert_max_num_queries, admin_sync
):
    for n in range(3):
        Office.objects.create(code=f"Q-{n}", name=f"สำนักงานทดสอบ {n}", kind="spp", province="ทดสอบ")
    client = client_for(reviewer)
    client.get(reverse("krs:national"))
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("krs:national"))
    for n in range(3, 40):
        Office.objects.create(code=f"Q-{n}", name=f"สำนักงานทดสอบ {n}", kind="spp", province="ทดสอบ")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("krs:national"))


def test_national_view_counts_read_the_pages_indicators_only(krs, catalogue, office, reviewer, client_for, admin_sync):
    """The indicators of the page's offices are counted from their own rows: the model's ordering
    (by office) once joined every office's row to them, a scan that grew with the offices."""
    admin_sync()
    client = client_for(reviewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("krs:national")).status_code == 200
    counts = [statement_text(q["sql"]) for q in queries.captured_queries]
    counts = [sql for sql in counts if "krs_integration_indicator" in sql and "GROUP BY" in sql]
    assert len(counts) == 2, counts  # the page's offices, every office (kept a while)
    assert not [sql for sql in counts if "JOIN" in sql and "orgprofile_office" in sql], counts


def test_category7_query_count_is_pinned(
    admin_sync, krs, catalogue, office, staff, client_for, django_assert_max_num_queries
):
    admin_sync(office)
    client = client_for(staff)
    client.get(reverse("krs:category7", args=[office.code]))
    with django_assert_max_num_queries(10):
        client.get(reverse("krs:category7", args=[office.code]))


def test_run_page_query_count_is_pinned(
    admin_sync, krs, catalogue, office, other_office, django_assert_max_num_queries
):
    client, response = admin_sync()
    with django_assert_max_num_queries(8):
        assert client.get(response["Location"]).status_code == 200


def test_django_admin_reads_indicators_and_runs_but_deletes_no_run(admin_sync, krs, catalogue, office):
    client, _response = admin_sync(office)
    run = SyncRun.objects.get()
    assert client.get(reverse("admin:krs_integration_indicator_changelist")).status_code == 200
    page = client.get(reverse("admin:krs_integration_syncrun_change", args=[run.pk]))
    assert page.status_code == 200 and office.name in page.content.decode()
    assert (
        client.post(reverse("admin:krs_integration_syncrun_delete", args=[run.pk]), {"post": "yes"}).status_code == 403
    )
    assert SyncRun.objects.filter(pk=run.pk).exists()


def test_manage_page_query_count_does_not_grow_with_runs(
    admin_sync, krs, catalogue, office, django_assert_max_num_queries
):
    client, _response = admin_sync(office)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("krs:manage"))
    first_count = len(few.captured_queries)  # read now: every request clears Django's query log
    for _ in range(5):
        admin_sync(office)
    with django_assert_max_num_queries(first_count):
        body = client.get(reverse("krs:manage")).content.decode()
    assert body.count("คำสั่ง") == 0 and body.count("ผู้ดูแลระบบสั่ง") == 6


def test_read_pages_are_get_only(client_for, admin_user, staff, office, catalogue):
    run = SyncRun.objects.create(trigger=SyncRun.Trigger.IMPORT, fiscal_year=2566)
    for user, url in [
        (staff, reverse("krs:category7", args=[office.code])),
        (admin_user, reverse("krs:category7", args=[office.code])),
        (admin_user, reverse("krs:national")),
        (admin_user, reverse("krs:manage")),
        (admin_user, reverse("krs:run", args=[run.pk])),
    ]:
        assert client_for(user).post(url).status_code == 405, url
    assert client_for(admin_user).get(reverse("krs:sync")).status_code == 405
    assert SyncRun.objects.count() == 1


def test_every_office_totals_are_kept_a_while_and_the_page_says_when(
    admin_sync, krs, catalogue, office, reviewer, client_for
):
    admin_sync(office)
    client = client_for(reviewer)
    client.get(reverse("krs:national"))
    with CaptureQueriesContext(connection) as kept:
        page = client.get(reverse("krs:national")).content.decode()
    assert "จำนวนสำนักงานและยอดรวมทุกสำนักงาน ณ" in page and "(อ่านใหม่ทุก 60 วินาที)" in page
    cache.clear()
    with CaptureQueriesContext(connection) as read_again:
        client.get(reverse("krs:national"))
    # The per-dimension aggregate over every office and the count of offices with indicators.
    assert len(read_again) - len(kept) >= 2
