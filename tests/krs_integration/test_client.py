"""The client against the stand-in over real HTTP: the contract, retries, each failure."""

import time

import pytest

from krs_integration.client import (
    KRSAuthRefused,
    KRSBadResponse,
    KRSClient,
    KRSUnavailable,
    KRSUnknownOffice,
)
from krs_integration.contract import CONTRACT_PATH, INDICATORS_PER_OFFICE, KINDS


def test_contract_is_read_from_the_markdown_file():
    assert CONTRACT_PATH.name == "CONTRACT.md"
    assert INDICATORS_PER_OFFICE == 30
    assert KINDS == ["mandatory", "chosen"]


def test_office_indicators_are_thirty_valid_and_deterministic(krs):
    with KRSClient() as client:
        first = client.office_indicators(office_code="T-001", fiscal_year=2566)
        second = client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert first.complete and len(first.indicators) == 30
    assert first.indicators == second.indicators
    assert {i.dimension for i in first.indicators} == {"7.1", "7.2", "7.3", "7.4", "7.5", "7.6"}
    assert sum(i.kind == "mandatory" for i in first.indicators) == 12
    assert all(i.updated_at.tzinfo is not None for i in first.indicators)


def test_different_offices_choose_different_indicators(krs):
    with KRSClient() as client:
        a = {i.code for i in client.office_indicators(office_code="T-001", fiscal_year=2566).indicators}
        b = {i.code for i in client.office_indicators(office_code="T-002", fiscal_year=2566).indicators}
    assert a != b and len(a & b) >= 12


def test_transient_500_is_retried_then_answered(krs):
    krs.config.fail_status, krs.config.fail_times = 500, 2
    with KRSClient() as client:
        answer = client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert len(answer.indicators) == 30
    assert krs.config.requests_seen == 3


def test_persistent_500_gives_up_after_the_retries_with_a_thai_message(krs):
    krs.config.fail_status = 500
    with KRSClient() as client, pytest.raises(KRSUnavailable) as exc:
        client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert "500" in exc.value.message and "ลองแล้ว 3 ครั้ง" in exc.value.message
    assert krs.config.requests_seen == 3


def test_slow_past_the_timeout(krs, settings):
    krs.config.delay = 0.5
    client = KRSClient(timeout=0.1, retries=2)
    started = time.monotonic()
    with pytest.raises(KRSUnavailable) as exc:
        client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert "KRS_TIMEOUT" in exc.value.message and "0.1 วินาที" in exc.value.message
    assert time.monotonic() - started < 2


def test_down(krs_down):
    with KRSClient() as client, pytest.raises(KRSUnavailable) as exc:
        client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert "ติดต่อ KRS" in exc.value.message and krs_down in exc.value.message


def test_html_instead_of_json(krs):
    krs.config.mode = "html"
    with KRSClient() as client, pytest.raises(KRSBadResponse) as exc:
        client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert "ไม่ได้ตอบเป็น JSON" in exc.value.message and "text/html" in exc.value.message


def test_broken_json(krs):
    krs.config.mode = "bad_json"
    with KRSClient() as client, pytest.raises(KRSBadResponse) as exc:
        client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert "JSON ที่อ่านไม่ได้" in exc.value.message


@pytest.mark.parametrize("mode,count", [("count29", 29), ("count31", 31)])
def test_wrong_count_refuses_the_whole_answer(krs, mode, count):
    krs.config.mode = mode
    with KRSClient() as client, pytest.raises(KRSBadResponse) as exc:
        client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert f"ตัวชี้วัด {count} ตัว" in exc.value.message and "30 ตัวพอดี" in exc.value.message


def test_answer_for_another_office_is_refused(krs):
    krs.config.mode = "wrong_office"
    with KRSClient() as client, pytest.raises(KRSBadResponse) as exc:
        client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert "T-001-X" in exc.value.message


def test_missing_code_refuses_that_indicator_only(krs):
    krs.config.mode = "missing_code"
    with KRSClient() as client:
        answer = client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert len(answer.indicators) == 29
    [refused] = answer.refused
    assert refused.position == 4 and "ไม่มีค่า code" in refused.message


def test_result_not_a_number_refuses_that_indicator_only(krs):
    krs.config.mode = "non_number"
    with KRSClient() as client:
        answer = client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert len(answer.indicators) == 29
    [refused] = answer.refused
    assert refused.position == 6 and "result ต้องเป็นตัวเลข" in refused.message and refused.code


def test_unknown_office(krs):
    with KRSClient() as client, pytest.raises(KRSUnknownOffice) as exc:
        client.office_indicators(office_code="NOPE-9", fiscal_year=2566)
    assert exc.value.message == "KRS ไม่รู้จักรหัสสำนักงาน NOPE-9"


def test_wrong_token_is_not_retried(krs):
    client = KRSClient(token="wrong")
    with pytest.raises(KRSAuthRefused) as exc:
        client.office_indicators(office_code="T-001", fiscal_year=2566)
    assert "KRS_TOKEN" in exc.value.message


def test_verify_credentials(krs):
    krs.config.users = {"somsri": {"password": "pw-123456", "office_code": "T-001", "first_name": "สมศรี"}}
    with KRSClient() as client:
        user = client.verify_credentials(username="somsri", password="pw-123456")
        assert user.office_code == "T-001" and user.first_name == "สมศรี"
        assert client.verify_credentials(username="somsri", password="wrong") is None
