"""Operations: configuration that refuses to start wrong, health, logs, the Thai 503."""

import json
import logging

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter

from pmqa_site.views import server_error
from tests.pmqa_site.test_settings import run_manage

pytestmark = pytest.mark.django_db
S3_KEYS = {
    "STORAGE_BACKEND": "s3",
    "AWS_STORAGE_BUCKET_NAME": "b",
    "AWS_ACCESS_KEY_ID": "k",
    "AWS_SECRET_ACCESS_KEY": "s",
}


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SECRET_KEY": "change-me-to-a-random-string-of-at-least-fifty-characters-000000"}, "SECRET_KEY"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url at all"}, "DATABASE_URL"),
        (
            {
                "STORAGE_BACKEND": "s3",
                "AWS_STORAGE_BUCKET_NAME": "",
                "AWS_ACCESS_KEY_ID": "k",
                "AWS_SECRET_ACCESS_KEY": "s",
            },
            "AWS_STORAGE_BUCKET_NAME",
        ),
        (
            {
                "STORAGE_BACKEND": "s3",
                "AWS_STORAGE_BUCKET_NAME": "b",
                "AWS_ACCESS_KEY_ID": "",
                "AWS_SECRET_ACCESS_KEY": "s",
            },
            "AWS_ACCESS_KEY_ID",
        ),
        ({"STORAGE_BACKEND": "tape"}, "STORAGE_BACKEND"),
    ],
)
def test_production_refuses_to_start_wrong_naming_the_variable(overrides, named):
    result = run_manage("check", env_overrides=overrides)
    assert result.returncode != 0
    assert named in result.stderr.splitlines()[-1], result.stderr[-500:]
    assert "KeyError" not in result.stderr


def test_liveness_asks_nothing_and_readiness_reports_each_service(client):
    live = client.get(reverse("site:healthz"))
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = client.get(reverse("site:readiness"))
    assert ready.status_code == 200
    body = ready.json()
    assert any("Database" in name for name in body) and any("Storage" in name for name in body)
    assert set(body.values()) == {"OK"}


def test_the_admin_sees_the_services_in_thai(client_for, admin_user):
    html = client_for(admin_user).get(reverse("reporting:manage-home")).content.decode()
    assert 'id="health"' in html and "ฐานข้อมูล (PostgreSQL)" in html and 'data-health="ok"' in html
    assert 'data-health="down"' not in html


def test_a_database_outage_answers_the_thai_503_page():
    request = RequestFactory().get("/offices/T-001/")
    try:
        raise OperationalError("could not connect to server: Connection refused")
    except OperationalError:
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "ระบบไม่พร้อมให้บริการชั่วคราว" in html and "Traceback" not in html and "OperationalError" not in html


def test_a_refused_page_is_logged_without_a_traceback(client_for, staff, caplog):
    with caplog.at_level(logging.WARNING):
        client_for(staff).get(reverse("assessments:queue"))
    refused = [r for r in caplog.records if r.name == "django.request" and getattr(r, "status_code", 0) == 403]
    assert refused
    handler = logging.getLogger().handlers[0]
    assert all("Traceback" not in handler.format(r) for r in refused)


def test_one_json_line_per_request_with_user_office_status_and_duration(client_for, staff, office, settings):
    stream = []

    class Keep(logging.Handler):
        def emit(self, record):
            stream.append(self.format(record))

    keep = Keep()
    keep.setFormatter(JsonFormatter())
    logger = logging.getLogger("pmqa.request")
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)
    try:
        client_for(staff).get(reverse("assessments:home", args=[office.code]))
    finally:
        logger.removeHandler(keep)
        logger.setLevel(logging.WARNING)
    line = json.loads(stream[-1])
    assert line["status"] == 200 and line["user"] == staff.username and line["office"] == office.code
    assert line["path"] == f"/offices/{office.code}/" and line["duration_ms"] > 0
