"""Logging in with the KRS username and password (off by default)."""

import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from krs_integration import auth
from orgprofile.access import office_of
from pmqa_site.roles import Role, role_of
from tests.conftest import PASSWORD

BACKEND = "krs_integration.auth.KRSBackend"


def authenticate(**credentials):
    """As the login view does: with a request, which axes needs."""
    return django_authenticate(RequestFactory().post("/accounts/login/"), **credentials)


@pytest.fixture
def krs_auth(settings, krs):
    settings.KRS_AUTH_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        BACKEND,
        "django.contrib.auth.backends.ModelBackend",
    ]
    krs.config.users = {
        "somsri.krs": {"password": "Krs-Pass-2566!", "office_code": "T-001", "first_name": "สมศรี", "last_name": "ใจดี"},
        "nooffice": {"password": "Krs-Pass-2566!", "office_code": "NOT-IN-REGISTRY"},
    }
    return krs


def test_backend_is_off_by_default():
    assert BACKEND not in django_settings.AUTHENTICATION_BACKENDS
    assert django_settings.KRS_AUTH_ENABLED is False


def test_first_krs_login_creates_the_office_user(krs_auth, office, client):
    response = client.post(reverse("login"), {"username": "somsri.krs", "password": "Krs-Pass-2566!"})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="somsri.krs")
    assert role_of(user) == Role.ESA_STAFF and office_of(user) == office
    assert user.first_name == "สมศรี"


def test_no_user_without_an_office_mapping(krs_auth, office, client):
    response = client.post(reverse("login"), {"username": "nooffice", "password": "Krs-Pass-2566!"})
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="nooffice").exists()


def test_wrong_krs_password_is_refused(krs_auth, office):
    assert authenticate(username="somsri.krs", password="wrong-password") is None
    assert not get_user_model().objects.filter(username="somsri.krs").exists()


def test_local_accounts_keep_working_when_krs_is_down(settings, krs_down, reviewer, office):
    settings.KRS_AUTH_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        BACKEND,
        "django.contrib.auth.backends.ModelBackend",
    ]
    assert authenticate(username=reviewer.username, password=PASSWORD) == reviewer


def test_krs_user_logs_in_with_last_krs_password_when_krs_is_down(krs_auth, office, settings):
    user = authenticate(username="somsri.krs", password="Krs-Pass-2566!")
    assert user is not None
    krs_auth.stop()
    assert authenticate(username="somsri.krs", password="Krs-Pass-2566!") == user


def test_krs_cannot_move_a_local_user_to_another_office(krs_auth, other_staff, office):
    krs_auth.config.users[other_staff.username] = {"password": "Krs-Pass-2566!", "office_code": "T-001"}
    assert authenticate(username=other_staff.username, password="Krs-Pass-2566!") is None
    assert office_of(other_staff).code == "T-002"


def test_setting_adds_the_backend_after_axes(monkeypatch):

    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='pmqa_site.settings.test';"
        "from django.conf import settings;print(settings.AUTHENTICATION_BACKENDS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**__import__("os").environ, "KRS_AUTH_ENABLED": "true", "PMQA_NO_DOTENV": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.index("axes") < out.index("KRSBackend") < out.index("OfficeUserBackend")


def test_a_hanging_krs_delays_a_local_login_by_the_short_auth_timeout_only(krs_auth, reviewer, settings, monkeypatch):

    monkeypatch.setattr(auth, "AUTH_TIMEOUT_SECONDS", 0.2)
    settings.KRS_TIMEOUT = 30
    krs_auth.config.delay = 1.0
    started = time.monotonic()
    assert authenticate(username=reviewer.username, password=PASSWORD) == reviewer
    assert time.monotonic() - started < 0.9
