"""Reads whose SQL is written once per process (pmqa_site/prepared.py): the rows are those of
the ORM, on SQLite and on PostgreSQL, and a read the stand-ins cannot describe is refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Notification, ReviewState, SubItem, SubItemReport
from assessments.selectors import review_queue
from orgprofile.models import Office
from pmqa_site import prepared
from pmqa_site.prepared import prepared_values
from tests.assessments.test_queue_scale import build as build_offices

pytestmark = pytest.mark.django_db


def offices_query(kind, *codes):
    return (
        Office.objects.filter(kind=kind, code__in=codes)
        .annotate(seen=Coalesce("updated_at", "created_at"))
        .values("id", "code", "name", "seen", "is_active")
        .order_by("code")
    )


def test_rows_equal_the_orms_for_every_argument_and_the_sql_is_written_once(catalogue):
    build_offices(catalogue, 12)
    codes = list(Office.objects.values_list("code", flat=True))
    built = []

    def build(kind, *codes):
        built.append(kind)
        return offices_query(kind, *codes)

    read = []
    for kind in ("spp", "spm"):
        for chosen in (codes[:3], codes[3:6], codes[-3:]):
            rows = prepared_values(("test-offices", 3), build, kind, *chosen)
            assert rows == list(offices_query(kind, *chosen))
            read += rows
    assert {row["code"] for row in read} == set(codes[:6] + codes[-3:])  # every office read, once per kind
    assert isinstance(read[0]["seen"], type(timezone.now())) and read[0]["is_active"] is True
    assert len(built) == 1  # one compile, with stand-ins, for six reads


def test_a_read_whose_argument_the_orm_rewrites_or_drops_is_refused():
    with pytest.raises(ImproperlyConfigured, match="rewritten"):
        prepared_values(("test-icontains",), lambda name: Office.objects.filter(name__icontains=name).values("id"), "x")
    with pytest.raises(ImproperlyConfigured, match="does not reach"):
        prepared_values(("test-unused",), lambda code: Office.objects.values("id"), "B0001")
    with pytest.raises(ImproperlyConfigured, match="values"):
        prepared_values(("test-models",), lambda code: Office.objects.filter(code=code), "B0001")
    with pytest.raises(ImproperlyConfigured, match="integers and strings"):
        prepared_values(
            ("test-date",), lambda at: Office.objects.filter(created_at__gte=at).values("id"), timezone.now()
        )
    assert not [key for key in prepared._kept if key[0][0].startswith("test-") and key[0][0] != "test-offices"]


@pytest.mark.parametrize(
    "filters", [{}, {"kind": "spm"}, {"category": 3}, {"state": ReviewState.NEW_DATA, "kind": "spp"}]
)
def test_the_queues_first_page_is_the_same_read_through_the_orm(catalogue, filters):
    build_offices(catalogue, 30)
    # Waiting times spread out, some equal (the id breaks the tie).
    for i, report in enumerate(SubItemReport.objects.order_by("id")):
        SubItemReport.objects.filter(pk=report.pk).update(
            state_changed_at=timezone.now() - timedelta(hours=i % 17), state=[*ReviewState.values][i % 5]
        )
    prepared_page = review_queue(catalogue=catalogue, **filters)
    through_orm = review_queue(catalogue=catalogue, search="สำนักงาน", **filters)  # a search: the ORM's page

    def plain(rows):  # the waiting time is counted from each call's own clock
        return [{k: v for k, v in row.items() if k != "waited"} for row in rows]

    assert plain(prepared_page.rows) == plain(through_orm.rows) and prepared_page.after == through_orm.after
    assert prepared_page.rows  # every filter above has rows to show
    assert SubItem.objects.filter(catalogue=catalogue).exists() and Assessment.objects.exists()


def test_the_office_home_lists_the_users_five_latest_notifications_newest_first(client_for, staff, office, catalogue):
    now = timezone.now()
    for i in range(7):
        note = Notification.objects.create(
            user=staff, subject=f"แจ้งเตือนที่ {i}", body="รายละเอียด <b>ตัวหนา</b>", url=f"/n/{i}/" if i % 2 else ""
        )
        Notification.objects.filter(pk=note.pk).update(created_at=now - timedelta(hours=10 - i))
    html = client_for(staff).get(reverse("assessments:home", args=[office.code])).content.decode()
    shown = html[html.index('id="notifications"') :]
    shown = shown[: shown.index("</ul>")]
    assert [f"แจ้งเตือนที่ {i}" in shown for i in range(7)] == [False, False, True, True, True, True, True]
    assert shown.index("แจ้งเตือนที่ 6") < shown.index("แจ้งเตือนที่ 2")  # newest first
    assert '<a href="/n/5/">แจ้งเตือนที่ 5</a>' in shown and "&lt;b&gt;ตัวหนา&lt;/b&gt;" in shown
