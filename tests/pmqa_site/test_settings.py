"""Production settings, the compose file and .env.example agree with each other."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "pmqa_site.settings.production",
    "SECRET_KEY": "k3V9q-Tz8wLr2mNpXb7cYhJ4sDfG6aQe1uRiOoPl5KjHgFdSaZxCvBnM0",
    "ALLOWED_HOSTS": "pmqa.example.go.th",
    "DATABASE_URL": "postgres://pmqa:secret@127.0.0.1:5432/pmqa",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "KRS_BASE_URL": "https://krs.example.go.th",
}


def run_manage(*args, env_overrides=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in drop}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    env.update(PRODUCTION_ENV)
    env.update(env_overrides or {})
    for name in drop:
        env.pop(name, None)
    env["PMQA_NO_DOTENV"] = "1"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_passes_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_stops_start_up_naming_it():
    result = run_manage("check", drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_sqlite_database_url_is_refused_in_production():
    result = run_manage("check", env_overrides={"DATABASE_URL": "sqlite:///tmp/x.sqlite3"})
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_missing_krs_address_is_named():
    result = run_manage("check", drop=("KRS_BASE_URL",))
    assert result.returncode != 0
    assert "KRS_BASE_URL" in result.stderr


def test_missing_broker_is_named():
    result = run_manage("check", drop=("CELERY_BROKER_URL",))
    assert result.returncode != 0
    assert "CELERY_BROKER_URL" in result.stderr


def env_example_names():
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]+)=", line)
        if match:
            names.add(match.group(1))
    return names


def settings_env_names():
    names = set()
    for path in (ROOT / "pmqa_site" / "settings").glob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r'_required\(\s*"([A-Z][A-Z0-9_]+)"', text))
    return names


def test_every_variable_settings_read_is_documented_in_env_example():
    undocumented = settings_env_names() - env_example_names() - {"PMQA_NO_DOTENV"}
    assert not undocumented, f"add to .env.example: {sorted(undocumented)}"


def test_every_documented_variable_is_read_by_settings():
    unused = env_example_names() - settings_env_names() - {"DJANGO_SETTINGS_MODULE"}
    assert not unused, f"documented but never read: {sorted(unused)}"


def test_compose_services_and_environment_match_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "celeryworker", "celerybeat", "postgres", "redis"} <= set(services)
    for name in ("web", "celeryworker", "celerybeat", "postgres", "redis"):
        assert "healthcheck" in services[name], f"{name} has no health check"
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["celeryworker"]["command"]
    assert "beat" in services["celerybeat"]["command"]
    known = settings_env_names() | {"DJANGO_SETTINGS_MODULE"}
    for name in ("web", "celeryworker", "celerybeat"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "pmqa_site.settings.production"
        assert set(env) <= known, f"{name} sets variables settings never read: {set(env) - known}"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert {"media", "postgres"} <= set(compose["volumes"])


PAGE_UNDER_PRODUCTION = """
from django.test import Client
response = Client().get("/accounts/login/", HTTP_HOST="pmqa.example.go.th", secure=True)
html = response.content.decode()
print("STATUS", response.status_code)
print("HASHED", "bootstrap.min." in html and "bootstrap.min.css" not in html)
print("THAI", "เข้าสู่ระบบ" in html)
"""


def test_production_collects_static_files_and_serves_a_page(tmp_path):
    """Production runs collectstatic under the compressed manifest storage before gunicorn:
    every file the vendored assets name must exist, and a page then answers with DEBUG off."""
    static_root = str(tmp_path / "static")
    collected = run_manage("collectstatic", "--noinput", env_overrides={"STATIC_ROOT": static_root})
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    page = run_manage("shell", "-c", PAGE_UNDER_PRODUCTION, env_overrides={"STATIC_ROOT": static_root})
    assert page.returncode == 0, page.stdout + page.stderr
    assert "STATUS 200" in page.stdout and "HASHED True" in page.stdout and "THAI True" in page.stdout, page.stdout
