"""Fixtures shared by the whole suite: offices, one user per role, a browser."""

import os

import pytest
from django.core.cache import cache, caches
from playwright.sync_api import sync_playwright

from orgprofile.models import Office
from orgprofile.services import user_create
from pmqa_site.celery import app
from pmqa_site.roles import Role

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def office(db):
    return Office.objects.create(
        code="T-001", name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต 1", kind="spp", province="ทดสอบ"
    )


@pytest.fixture
def other_office(db):
    return Office.objects.create(code="T-002", name="สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาทดสอบ", kind="spm", province="ทดสอบ")


@pytest.fixture
def make_user(db):
    def make(role: Role, office=None, username=None, **kwargs):
        return user_create(
            username=username or f"{role.value}_{office.code if office else 'central'}",
            password=PASSWORD,
            role=role,
            office=office,
            **kwargs,
        )

    return make


@pytest.fixture
def staff(make_user, office):
    return make_user(Role.ESA_STAFF, office, first_name="สมศรี", last_name="ใจดี")


@pytest.fixture
def coordinator(make_user, office):
    return make_user(Role.ESA_COORDINATOR, office)


@pytest.fixture
def other_staff(make_user, other_office):
    return make_user(Role.ESA_STAFF, other_office)


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.OBEC_REVIEWER)


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def client_for(client):
    """A logged-in test client for a user: client_for(staff)."""

    def login(user):
        client.force_login(user, backend="orgprofile.auth.OfficeUserBackend")
        return client

    return login


# --- Browser -------------------------------------------------------------------------------

CHROMIUM = os.environ.get("PMQA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # fixtures in the same thread are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page() → a page in a fresh browser context (its own cookies): one per user."""
    contexts = []

    def make():
        context = browser.new_context(
            locale="th-TH", timezone_id="Asia/Bangkok", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def browser_login(page, username, password=PASSWORD):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_load_state("networkidle")


# --- EVIDENCE ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _celery_connections_forgotten():
    """A task sent with .delay() in eager mode (an upload's check) makes Celery build its
    producer pool and result backend from the eager settings; a later test that points the
    app at Redis would reuse them (amqp://localhost, "no result backend"). Each test ends
    without them."""
    yield

    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    app._pool = None  # kombu keeps the pool itself, keyed by broker URL; it is reused, not closed
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the password-reset throttle counts in it), and
    no piece of a page kept from another test."""
    cache.clear()
    caches["fragments"].clear()
    yield
