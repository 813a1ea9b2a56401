"""Reads whose SQL is written once per process (pmqa_site/prepared.py): the rows are those of
the ORM, on SQLite and on PostgreSQL, and a read the stand-ins cannot describe is refused."""

import contextlib
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, EvidenceKind, Message, Notification, ReviewState, SubItem, SubItemReport
from assessments.selectors import conversation, review_queue, subitem_detail
from assessments.services.reports import report_get_or_create
from evidence.models import Evidence, EvidenceState
from orgprofile.models import Office
from pmqa_site import prepared
from pmqa_site.prepared import prepared_instances, prepared_values
from tests.assessments.test_queue_scale import build as build_offices

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def statements_run():
    """The statements run in the block as their code sent them, (SQL, parameters) before the
    driver fills the values in; one prepared on the server (PostgreSQL: `EXECUTE pmqa_...`)
    as the SQL it prepared, so that a test reads the same on SQLite and on PostgreSQL."""
    from django.db import connection

    run = []

    def record(execute, sql, params, many, context):
        run.append((prepared.statement_text(sql), list(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield run


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


def same_instance(got, expected, related=()):
    """Equal column by column, loaded from the same database, with the same related rows set."""
    assert type(got) is type(expected) and got._state.db == expected._state.db and not got._state.adding
    columns = [f.attname for f in type(got)._meta.concrete_fields]
    assert [getattr(got, c) for c in columns] == [getattr(expected, c) for c in columns]
    for name in related:
        field = type(got)._meta.get_field(name)
        assert field.is_cached(got)  # set from the same row: reading it runs no query
        mine, theirs = field.get_cached_value(got), getattr(expected, name)
        if theirs is None:
            assert mine is None
        else:
            same_instance(mine, theirs)


def test_instances_equal_the_orms_with_their_joined_rows_and_the_sql_is_written_once(
    catalogue, office, staff, reviewer, django_assert_num_queries
):
    subitems = list(SubItem.objects.filter(catalogue=catalogue, reportable=True).order_by("order")[:2])
    first, second = (report_get_or_create(office=office, subitem=s) for s in subitems)
    SubItemReport.objects.filter(pk=first.pk).update(updated_by=staff)  # the second has no last editor
    kinds = list(EvidenceKind.objects.filter(catalogue=catalogue).order_by("-order")[:2])
    for n, kind in enumerate(kinds * 2):
        Evidence.objects.create(
            report=first,
            kind=kind,
            source="file",
            original_name=f"ไฟล์ {n}.pdf",
            size=100 + n,
            page_count=n,
            disarmed=["javascript"] if n else [],
            state=[*EvidenceState.values][n % 3],
            uploaded_by=staff,
            file=f"evidence/{n}.pdf",
        )
    for n, author in enumerate((staff, reviewer, staff)):
        Message.objects.create(
            report=first, author=author, side="office" if author == staff else "central", body=f"ข้อความ {n}"
        )
    built = []

    def evidence_of(report_id):
        built.append(report_id)
        return Evidence.objects.filter(report_id=report_id).order_by("kind__order", "uploaded_at", "pk")

    for report in (first, second, first):
        got = prepared_instances(("test-evidence",), Evidence, evidence_of, report.pk, related=("kind", "uploaded_by"))
        expected = list(evidence_of(report.pk).select_related("kind", "uploaded_by"))
        assert len(got) == len(expected) == (4 if report == first else 0)
        for mine, theirs in zip(got, expected, strict=True):
            same_instance(mine, theirs, related=("kind", "uploaded_by"))
            assert mine.file.name == theirs.file.name and mine.disarmed == theirs.disarmed
    assert len(built) == 4  # one compile with stand-ins (the rest are the ORM's own reads above)

    expected = list(Message.objects.filter(report=first).select_related("author"))
    got = conversation(report=first)
    assert [m.body for m in got] == ["ข้อความ 0", "ข้อความ 1", "ข้อความ 2"]
    for mine, theirs in zip(got, expected, strict=True):
        same_instance(mine, theirs, related=("author",))
    with django_assert_num_queries(0):
        assert [m.author.username for m in got] == [staff.username, reviewer.username, staff.username]

    for report, subitem in ((first, subitems[0]), (second, subitems[1])):
        detail = subitem_detail(office=office, subitem=subitem)
        expected = SubItemReport.objects.select_related("updated_by", "assessment").get(pk=report.pk)
        same_instance(detail.report, expected, related=("updated_by", "assessment"))
    assert subitem_detail(office=office, subitem=subitems[0]).report.updated_by == staff


def test_an_insert_and_an_upsert_are_bulk_creates_sql_written_once(catalogue, office, staff, monkeypatch):
    """prepared_insert writes what bulk_create writes, rows and primary keys included, and
    compiles it once per key and number of rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.models import AnswerText, ChecklistAnswer
    from pmqa_site.prepared import prepared_insert

    subitem = SubItem.objects.filter(catalogue=catalogue, reportable=True).order_by("pk").first()
    report = report_get_or_create(office=office, subitem=subitem)
    other = report_get_or_create(
        office=office, subitem=SubItem.objects.filter(catalogue=catalogue, reportable=True).order_by("pk")[1]
    )
    items = list(subitem.checklist_items.order_by("pk")[:3])
    upsert = {
        "unique_fields": ("report", "item"),
        "update_fields": ("value", "carried_from", "updated_by", "updated_at"),
    }

    def rows(target, value):
        return [
            ChecklistAnswer(report=target, item=item, value=value, updated_by=staff, carried_from=2567)
            for item in items
        ]

    # The ORM's statement, on the other report, with the same number of rows.
    with statements_run() as orm:
        ChecklistAnswer.objects.bulk_create(rows(other, 1), update_conflicts=True, **upsert)
    prepared._kept_inserts.clear()
    with statements_run() as ours:
        first = prepared_insert(("test-upsert",), rows(report, 1), **upsert)

    assert len(ours) == len(orm) == 1
    assert ours[0][0] == orm[0][0]  # the same SQL, character for character
    assert len(ours[0][1]) == len(orm[0][1])
    assert [r.pk for r in first] == list(
        ChecklistAnswer.objects.filter(report=report).order_by("item_id").values_list("pk", flat=True)
    )
    assert all(not r._state.adding for r in first)

    # The same key, again: the rows are updated in place (same primary keys), nothing is compiled.
    again = prepared_insert(("test-upsert",), rows(report, 0), **upsert)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert list(ChecklistAnswer.objects.filter(report=report).order_by("item_id").values_list("value", flat=True)) == [
        0,
        0,
        0,
    ]
    assert len([k for k in prepared._kept_inserts if k[0] == ("test-upsert",)]) == 1
    # A plain insert (history rows) keeps the values given, as bulk_create does.
    history = ChecklistAnswer.history.model
    now = timezone.now()
    written = prepared_insert(
        ("test-history",),
        [
            history(
                id=r.pk,
                report_id=r.report_id,
                item_id=r.item_id,
                value=0,
                history_date=now,
                history_type="~",
                history_user=staff,
                updated_at=now,
            )
            for r in again
        ],
    )
    assert all(h.pk for h in written)
    assert history.objects.filter(pk__in=[h.pk for h in written], history_type="~", value=0).count() == 3

    # More rows than the database takes in one statement: written in batches, as bulk_create does.
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: 2)
    with CaptureQueriesContext(connection) as batched:
        prepared_insert(("test-upsert",), rows(other, 0), **upsert)
    assert len(batched) == 2  # 3 rows: 2, then 1
    assert list(ChecklistAnswer.objects.filter(report=other).values_list("value", flat=True)) == [0, 0, 0]
    with pytest.raises(ImproperlyConfigured):
        prepared_insert(("test-upsert",), [ChecklistAnswer.objects.filter(report=report).first()], **upsert)
    with pytest.raises(ImproperlyConfigured):
        prepared_insert(("test-mixed",), [rows(report, 1)[0], AnswerText(report=report, text="x")])


def test_an_update_is_the_orms_update_written_once(catalogue, office, staff):
    """prepared_update runs the UPDATE filter(pk=...).update(...) runs, with a user for a
    foreign key and a NULL, changes only that row, and compiles once per shape."""

    from pmqa_site.prepared import prepared_update

    reportable = SubItem.objects.filter(catalogue=catalogue, reportable=True).order_by("pk")
    report = report_get_or_create(office=office, subitem=reportable[0])
    other = report_get_or_create(office=office, subitem=reportable[1])
    when = timezone.now()

    def values(version):
        return {"updated_by": staff, "updated_at": when, "version": version, "level": "", "last_editor_token": "t"}

    with statements_run() as orm:
        SubItemReport.objects.filter(pk=other.pk).update(**values(7))
    prepared._kept_updates.clear()
    with statements_run() as ours:
        assert prepared_update(("test-update",), SubItemReport, report.pk, values(7)) == 1
    assert len(ours) == len(orm) == 1
    # The same statement and values, but for the row it names.
    assert ours[0][0] == orm[0][0]
    assert ours[0][1][:-1] == orm[0][1][:-1]
    assert (ours[0][1][-1], orm[0][1][-1]) == (report.pk, other.pk)
    assert prepared_update(("test-update",), SubItemReport, report.pk, values(8)) == 1
    assert len(prepared._kept_updates) == 1
    report.refresh_from_db()
    other.refresh_from_db()
    assert (report.version, report.updated_by, report.updated_at, report.last_editor_token) == (8, staff, when, "t")
    assert other.version == 7  # the other row is untouched by the second update
    # A NULL is another shape (Django writes it into the SQL): compiled anew, and written.
    assert prepared_update(("test-update",), SubItemReport, report.pk, values(9) | {"updated_by": None}) == 1
    assert len(prepared._kept_updates) == 2
    report.refresh_from_db()
    assert report.updated_by is None and report.version == 9
    with pytest.raises(ImproperlyConfigured):
        prepared_update(("test-f",), SubItemReport, report.pk, {"version": models.F("version") + 1})


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_statement_is_prepared_once_per_connection_and_one_refused_runs_as_sql(caplog):
    """The server parses and plans a statement once per connection (PREPARE, then EXECUTE), a
    new connection prepares it again, and a statement the server will not prepare (a value
    whose type it cannot tell) runs as plain SQL inside the caller's transaction, which goes
    on and commits."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    assert connection.vendor == "postgresql"
    user_model = get_user_model()
    user_model.objects.create_user("prepared-reader")

    def by_name(username):
        return user_model.objects.filter(username=username).values("id", "username")

    def on_server():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'pmqa%%'")
            return dict(cursor.fetchall())

    expected = list(by_name("prepared-reader"))
    for connection_number in (1, 2):
        with CaptureQueriesContext(connection) as first:
            assert prepared_values(("test-server",), by_name, "prepared-reader") == expected
        with CaptureQueriesContext(connection) as second:
            assert prepared_values(("test-server",), by_name, "nobody") == []
        # One statement each time, the same prepared one, and no PREPARE in the request's log.
        names = {query["sql"].split("(")[0] for query in (*first.captured_queries, *second.captured_queries)}
        assert len(first.captured_queries) == len(second.captured_queries) == 1
        assert len(names) == 1 and names.pop().startswith("EXECUTE pmqa_")
        name = first.captured_queries[0]["sql"].split()[1].split("(")[0]
        prepared_sql = prepared.statement_text(first.captured_queries[0]["sql"])
        assert prepared_sql.startswith("SELECT") and '"auth_user"."username" = %s' in prepared_sql
        assert on_server()[name].startswith(f"PREPARE {name} AS SELECT")
        assert '"auth_user"."username" = $1' in on_server()[name]
        if connection_number == 1:
            connection.close()  # the next read is on a new connection, which has nothing prepared
            assert name not in on_server()

    def refused(username):
        return by_name(username).extra(where=["%s IS NOT NULL"], params=["a value of no known type"])

    with transaction.atomic():
        with CaptureQueriesContext(connection) as plain:
            assert prepared_values(("test-refused",), refused, "prepared-reader") == expected
        assert not plain.captured_queries[0]["sql"].startswith("EXECUTE")
        user_model.objects.create_user("written-after-the-refusal")  # the transaction goes on
    assert user_model.objects.filter(username="written-after-the-refusal").exists()
    assert "the server would not prepare it" in caplog.text
    assert prepared_values(("test-refused",), refused, "nobody") == []  # not tried again
