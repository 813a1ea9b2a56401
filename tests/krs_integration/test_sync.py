"""Sync against the stand-in over real HTTP: normal, re-run, changes, each failure, nothing lost."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from kombu.exceptions import OperationalError

from krs_integration import services, tasks
from krs_integration.contract import IndicatorData
from krs_integration.models import Indicator, SyncOfficeResult, SyncRun
from krs_integration.standin import office_indicators
from krs_integration.tasks import sync_all_offices, sync_office
from orgprofile.models import Office


@pytest.fixture
def sync(django_capture_on_commit_callbacks):
    """Start a run as the button does; its Celery tasks run (eagerly) when the transaction commits."""

    def start(*offices, trigger=SyncRun.Trigger.COMMAND) -> SyncRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = services.sync_run_start(trigger=trigger, offices=list(offices))
        run.refresh_from_db()
        return run

    return start


def snapshot(office):
    return {
        i.code: (i.name, i.target, i.result, i.achieved, i.dimension_code, i.krs_updated_at, i.withdrawn_at)
        for i in Indicator.objects.filter(office=office)
    }


@pytest.fixture
def synced(krs, catalogue, office, sync):
    run = sync(office)
    assert run.status == SyncRun.Status.SUCCEEDED, run.office_results.get().errors
    return run


def test_normal_sync_stores_thirty_indicators(synced, office):
    assert Indicator.objects.filter(office=office, fiscal_year=2566).count() == 30
    assert synced.created_count == 30 and synced.offices_ok == 1 and synced.finished_at is not None
    assert set(Indicator.objects.values_list("dimension_code", flat=True)) == {"7.1", "7.2", "7.3", "7.4", "7.5", "7.6"}
    assert Indicator.objects.filter(source=Indicator.Source.KRS).count() == 30


def test_rerun_changes_nothing(synced, office, sync):
    before = snapshot(office)
    stamps = dict(Indicator.objects.values_list("code", "updated_at"))
    run = sync(office)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 0, 30)
    assert snapshot(office) == before
    assert dict(Indicator.objects.values_list("code", "updated_at")) == stamps


def test_changed_results_in_krs_are_updated(synced, office, krs, sync):
    krs.config.revision = 1
    run = sync(office)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.updated_count > 0 and run.updated_count + run.unchanged_count == 30
    assert Indicator.objects.filter(office=office).count() == 30


@pytest.mark.parametrize(
    "knobs,message",
    [
        ({"fail_status": 500}, "KRS ตอบกลับด้วยรหัสข้อผิดพลาด 500 (ลองแล้ว 3 ครั้ง)"),
        ({"delay": 1.5}, "KRS ไม่ตอบภายใน"),
        ({"mode": "html"}, "KRS ไม่ได้ตอบเป็น JSON"),
        ({"mode": "count29"}, "KRS ส่งตัวชี้วัด 29 ตัว แต่แต่ละสำนักงานต้องมี 30 ตัวพอดี"),
        ({"mode": "count31"}, "KRS ส่งตัวชี้วัด 31 ตัว แต่แต่ละสำนักงานต้องมี 30 ตัวพอดี"),
    ],
)
def test_failed_pull_keeps_every_stored_value(synced, office, krs, knobs, message, settings, sync):
    settings.KRS_RETRIES = 3 if "fail_status" in knobs else 1
    before = snapshot(office)
    krs.config.revision = 7  # what KRS would send if it answered properly
    for name, value in knobs.items():
        setattr(krs.config, name, value)
    run = sync(office)
    result = run.office_results.get()
    assert run.status == SyncRun.Status.FAILED and result.status == SyncOfficeResult.Status.FAILED
    assert message in " ".join(result.errors)
    assert snapshot(office) == before


@pytest.mark.parametrize("mode,message", [("missing_code", "ไม่มีค่า code"), ("non_number", "result ต้องเป็นตัวเลข")])
def test_partial_pull_keeps_old_values_of_refused_indicator(synced, office, krs, mode, message, sync):
    before = snapshot(office)
    krs.config.revision, krs.config.mode = 3, mode
    run = sync(office)
    result = run.office_results.get()
    assert run.status == SyncRun.Status.PARTIAL and result.status == SyncOfficeResult.Status.PARTIAL
    assert result.refused_count == 1 and message in result.errors[0] and "ถูกปฏิเสธ" in result.errors[0]
    after = snapshot(office)
    assert len(after) == 30 and all(v[6] is None for v in after.values()), "a partial pull withdraws nothing"
    refused_position = 4 if mode == "missing_code" else 6

    refused_code = office_indicators("T-001", 2566, 3)[refused_position - 1].code
    assert after[refused_code] == before[refused_code]
    changed = [code for code in after if after[code] != before[code]]
    assert changed and refused_code not in changed


def test_krs_down_fails_the_run_at_once_and_keeps_values(synced, office, krs_down, sync):
    before = snapshot(office)
    run = sync(office)
    assert run.status == SyncRun.Status.FAILED
    assert "ติดต่อ KRS ที่" in run.errors[0]
    assert run.office_results.get().status == SyncOfficeResult.Status.FAILED
    assert snapshot(office) == before


def test_unknown_office_fails_that_office_only(krs, catalogue, office, sync):

    stranger = Office.objects.create(code="ZZ-404", name="สำนักงานที่ KRS ไม่รู้จัก", kind="spm", province="ทดสอบ")
    run = sync(office, stranger, trigger=SyncRun.Trigger.BUTTON)
    assert run.status == SyncRun.Status.PARTIAL
    assert (run.offices_ok, run.offices_failed) == (1, 1)
    failed = run.office_results.get(office=stranger)
    assert failed.errors == ["KRS ไม่รู้จักรหัสสำนักงาน ZZ-404"]
    assert not Indicator.objects.filter(office=stranger).exists()


def test_indicator_dropped_by_krs_is_withdrawn_not_deleted(synced, office, sync):
    extra = Indicator.objects.filter(office=office).first()
    Indicator.objects.filter(pk=extra.pk).update(code="OLD-1")
    run = sync(office)
    assert run.created_count == 1
    old = Indicator.objects.get(office=office, code="OLD-1")
    assert old.withdrawn_at is not None
    assert Indicator.objects.filter(office=office, withdrawn_at__isnull=True).count() == 30


def test_empty_result_never_blanks_a_stored_one(synced, office):
    indicator = Indicator.objects.filter(office=office).first()

    item = IndicatorData(
        code=indicator.code,
        name=indicator.name,
        kind=indicator.kind,
        target=indicator.target,
        result=None,
        unit=indicator.unit,
        achieved=False,
        dimension=indicator.dimension_code,
        updated_at=indicator.krs_updated_at,
    )
    counts = services.indicators_upsert(office=office, fiscal_year=2566, items=[item], source="krs", complete=False)
    indicator.refresh_from_db()
    assert indicator.result is not None
    assert "คงค่าเดิม" in counts.kept[0]


def test_task_is_safe_to_run_twice(synced, office):

    result = synced.office_results.get()
    assert sync_office.delay(result.pk).get() == "ok"
    assert Indicator.objects.filter(office=office).count() == 30
    assert SyncRun.objects.get(pk=synced.pk).created_count == 30


def test_nightly_task_is_scheduled_and_syncs_every_office(
    krs, catalogue, office, other_office, settings, django_capture_on_commit_callbacks
):

    entry = settings.CELERY_BEAT_SCHEDULE["krs-nightly-sync"]
    assert entry["task"] == "krs_integration.sync_all_offices"
    with django_capture_on_commit_callbacks(execute=True):
        run_id = sync_all_offices.delay().get()
    run = SyncRun.objects.get(pk=run_id)
    assert run.trigger == SyncRun.Trigger.SCHEDULE and run.status == SyncRun.Status.SUCCEEDED
    assert Indicator.objects.filter(fiscal_year=2566).count() == 60


def test_command_syncs_one_office_and_prints_a_summary(krs, catalogue, office, other_office, capsys):
    call_command("krs_sync", "--office", "T-001")
    out = capsys.readouterr().out
    assert "status: succeeded" in out and "created 30" in out
    assert Indicator.objects.filter(office=office).count() == 30
    assert not Indicator.objects.filter(office=other_office).exists()


def test_command_all_offices_with_concurrency(krs, catalogue, office, other_office, capsys):
    call_command("krs_sync", "--concurrency", "2")
    out = capsys.readouterr().out
    assert "offices ok 2" in out
    assert Indicator.objects.count() == 60


def test_command_reports_failure(krs, catalogue, office, capsys):

    krs.config.mode = "count31"
    with pytest.raises(CommandError, match="failed"):
        call_command("krs_sync", "--office", "T-001")
    assert "ตัวชี้วัด 31 ตัว" in capsys.readouterr().out


def test_decimal_values_are_kept_exactly(synced, office):

    expected = {i.code: i.result for i in office_indicators("T-001", 2566)}
    stored = dict(Indicator.objects.filter(office=office).values_list("code", "result"))
    assert all(Decimal(stored[c]) == expected[c] for c in expected)


def test_wrong_token_fails_the_run_naming_the_setting(synced, office, settings, sync):
    before = snapshot(office)
    settings.KRS_TOKEN = "not-the-token"
    run = sync(office)
    assert run.status == SyncRun.Status.FAILED
    assert run.errors == ["KRS ปฏิเสธรหัสเข้าถึงของระบบนี้ (ตรวจสอบ KRS_TOKEN)"]
    assert snapshot(office) == before


def test_no_catalogue_means_no_fiscal_year_and_a_clear_refusal(krs, office):

    with pytest.raises(ValidationError, match="ยังไม่ได้โหลดเกณฑ์การประเมิน"):
        services.sync_run_start(trigger=SyncRun.Trigger.BUTTON, offices=[office])
    assert not SyncRun.objects.exists()


def test_broker_down_fails_the_offices_instead_of_leaving_them_pending(krs, catalogue, office, sync, monkeypatch):

    def refuse(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(tasks.sync_office, "delay", refuse)
    run = sync(office)
    assert run.status == SyncRun.Status.FAILED
    assert "ส่งงานปรับข้อมูลเข้าคิวไม่ได้ (OperationalError)" in run.office_results.get().errors[0]
    assert not Indicator.objects.exists()
