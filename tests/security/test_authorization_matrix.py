"""Every URL × every role × another office's objects → allowed, or refused.

The URL list is read from the URLconf, so a new URL fails this test until it is given a
row in ACCESS below: nobody has to remember to cover it. The invariant checked for every
row: no page or write of office A is reachable by office B's users, and a refused request
changes nothing.
"""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLResolver, get_resolver
from PIL import Image

from assessments.models import AnswerField, AnswerText, EvidenceKind, Message, ReviewState, SubItem, SubItemReport
from assessments.services.reports import report_get_or_create
from evidence.models import Evidence
from evidence.services import evidence_upload
from krs_integration.models import SyncRun
from orgprofile.models import ProfileQuestion
from orgprofile.services import profile_answer_save, profile_image_upload
from orgprofile.windows import current_fiscal_year
from pmqa_site.roles import Role
from reporting.models import Book
from tests.evidence import corpus
from tests.evidence.conftest import upload_file

pytestmark = pytest.mark.django_db

ANON, STAFF_A, COORD_A, STAFF_B, REVIEWER, ADMIN = (
    "anonymous",
    "staff_a",
    "coordinator_a",
    "staff_b",
    "reviewer",
    "admin",
)
OFFICE_A = {STAFF_A, COORD_A}
CENTRAL = {REVIEWER, ADMIN}
EVERYONE = OFFICE_A | {STAFF_B} | CENTRAL
# url name → who may GET it (200). Patterns whose parameters name office A's objects
# (code, number, evidence_id, ...) are filled with office A's; STAFF_B must never be in such a row.
ACCESS: dict[str, set[str]] = {
    "orgprofile:home": set(),  # redirects every role to its own home
    "orgprofile:own-office": set(),  # redirects an office user to their office's home
    "login": {ANON},  # logged-in users are redirected away from the login page
    "logout": set(),  # POST only
    "password_change": EVERYONE,
    "password_change_done": EVERYONE,
    # A forgotten password: open to everyone, logged in or not (the link goes to an address).
    "password_reset": EVERYONE | {ANON},
    "password_reset_done": EVERYONE | {ANON},
    "password_reset_confirm": EVERYONE | {ANON},  # an invalid link says so
    "password_reset_complete": EVERYONE | {ANON},
    "site:help": EVERYONE | {ANON},  # how to report and whom to contact, before login too
    "site:healthz": EVERYONE | {ANON},
    "site:readiness": EVERYONE | {ANON},  # for load balancers and monitoring: names and OK only
    "reporting:manage-home": {ADMIN},
    "reporting:audit": {ADMIN},
    "reporting:readiness": OFFICE_A | CENTRAL,
    "reporting:subitem-history": OFFICE_A | CENTRAL,
    "reporting:national": CENTRAL,
    "reporting:national-export": CENTRAL,
    "reporting:office-export": OFFICE_A | CENTRAL,
    "reporting:book": OFFICE_A | CENTRAL,
    "reporting:book-generate": set(),  # POST only
    "reporting:book-submit": set(),  # POST only
    "reporting:book-latest-status": OFFICE_A | CENTRAL,
    "reporting:book-status": OFFICE_A | CENTRAL,
    "reporting:book-download": OFFICE_A | CENTRAL,
    "reporting:answer-form": OFFICE_A | CENTRAL,
    "orgprofile:office-list": CENTRAL,
    "orgprofile:office-import": {ADMIN},
    "orgprofile:staff": {COORD_A},
    "orgprofile:windows": {ADMIN},
    "orgprofile:window-close": set(),  # POST only
    "orgprofile:window-extend": set(),
    "assessments:home": OFFICE_A | CENTRAL,
    "assessments:category": OFFICE_A | CENTRAL,
    "assessments:category-submit": set(),  # POST only
    "assessments:subitem": OFFICE_A | CENTRAL,
    "assessments:subitem-submit": set(),
    "assessments:review": CENTRAL,
    "assessments:assignments": {COORD_A},
    "assessments:carry-forward": {COORD_A},  # the coordinator carries last year's work forward
    "assessments:years": {ADMIN},
    "assessments:year-current": set(),  # POST only
    "assessments:year-mapping": {ADMIN},
    "assessments:queue": CENTRAL,
    "assessments:certify-many": set(),
    # Organisation profile.
    "orgprofile:profile": OFFICE_A | CENTRAL,
    "orgprofile:profile-print": OFFICE_A | CENTRAL,
    "orgprofile:revisions": OFFICE_A | CENTRAL,
    "orgprofile:image": OFFICE_A | CENTRAL,
    "orgprofile:answer-edit": OFFICE_A,  # a reviewer's GET redirects to the read-only page
    "orgprofile:carry-forward": set(),
    "orgprofile:image-upload": set(),
    "orgprofile:revision-restore": set(),
    # Evidence and the conversation.
    "evidence:report": OFFICE_A | CENTRAL,
    "evidence:panel": OFFICE_A | CENTRAL,
    "evidence:download": OFFICE_A | CENTRAL,
    "evidence:upload": set(),
    "evidence:link": set(),
    "evidence:supersede": set(),
    "evidence:absence": set(),  # POST only
    "evidence:reattach": set(),  # POST only: last year's file attached again
    "evidence:message-send": set(),
    # KRS, category 7.
    "krs:category7": OFFICE_A | CENTRAL,
    "krs:national": CENTRAL,
    "krs:manage": {ADMIN},
    "krs:sync": set(),
    "krs:import": {ADMIN},
    "krs:run": {ADMIN},
}

# Writes (POST) each role may make successfully on office A's objects; all others must be
# refused (403/404/405 or a redirect to login) and change nothing.
POST_ALLOWED: dict[str, set[str]] = {
    "login": EVERYONE | {ANON},
    "logout": EVERYONE | {ANON},
    "password_change": EVERYONE,
    "password_reset": EVERYONE | {ANON},  # asks for a link; writes nothing of any office
    "password_reset_confirm": EVERYONE | {ANON},  # an invalid link changes nothing
    "assessments:subitem": OFFICE_A,
    "assessments:category-submit": OFFICE_A,
    "assessments:subitem-submit": OFFICE_A,
    "assessments:assignments": {COORD_A},
    "assessments:carry-forward": {COORD_A},
    "assessments:years": {ADMIN},
    "assessments:year-current": {ADMIN},
    "evidence:message-send": OFFICE_A | CENTRAL,
    "assessments:review": CENTRAL,
    "assessments:certify-many": CENTRAL,
    "orgprofile:office-import": {ADMIN},
    "orgprofile:windows": {ADMIN},
    "orgprofile:window-close": {ADMIN},
    "orgprofile:window-extend": {ADMIN},
    "orgprofile:answer-edit": OFFICE_A,
    "orgprofile:carry-forward": OFFICE_A,
    "orgprofile:image-upload": OFFICE_A,
    "orgprofile:revision-restore": OFFICE_A,
    "orgprofile:staff": {COORD_A},
    "evidence:upload": OFFICE_A,
    "evidence:link": OFFICE_A,
    "evidence:supersede": OFFICE_A,
    "evidence:absence": OFFICE_A,
    "evidence:reattach": OFFICE_A,
    "krs:sync": {ADMIN},
    "krs:import": {ADMIN},
    # Making the draft book reads the office's data and changes none of it.
    "reporting:book-generate": OFFICE_A | CENTRAL,
    "reporting:book-submit": {COORD_A},
}

SKIP_PREFIXES = ("django-admin/",)


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, namespaced name) of every URL; a URL without a namespace fails the test below
    unless it is one of Django's own account URLs listed in ACCESS."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        route = prefix + str(p.pattern)
        if route.startswith(SKIP_PREFIXES):
            continue
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from url_patterns(p.url_patterns, route, inner)
        else:
            yield route, f"{namespace}{p.name}"


@pytest.fixture
def world(db, office, other_office, make_user):

    call_command("load_catalogue", verbosity=0)
    users = {
        STAFF_A: make_user(Role.ESA_STAFF, office, username="staff_a"),
        COORD_A: make_user(Role.ESA_COORDINATOR, office, username="coord_a"),
        STAFF_B: make_user(Role.ESA_STAFF, other_office, username="staff_b"),
        REVIEWER: make_user(Role.OBEC_REVIEWER, username="reviewer"),
        ADMIN: make_user(Role.ADMIN, username="admin"),
    }
    subitem = SubItem.objects.get(catalogue__fiscal_year=2566, number="1.1.1")
    report = report_get_or_create(office=office, subitem=subitem)
    SubItemReport.objects.filter(pk=report.pk).update(state=ReviewState.AWAITING)
    call_command("load_profile_questions", verbosity=0)
    profile_image, revision = _profile_objects(office, users[STAFF_A])
    evidence = _evidence_of(report, users[STAFF_A])
    params = {
        "code": office.code,
        "number": None,
        "pk": profile_image.pk,
        "revision": revision.number,
        "evidence_id": evidence.pk,
        "run_id": SyncRun.objects.create(trigger="import", fiscal_year=2566).pk,
        "book_id": _book_of(office, report).pk,
        "year": 2566,
        "uidb64": "MQ",
        "token": "not-a-token",
    }
    return {"users": users, "office": office, "report": report, "params": params}


def _book_of(office, report):
    """A made draft book of office A (its file a small PDF), and office A's sub-item 1.1.1
    with its ten answer fields filled, so that its answer form can be made."""
    for field in AnswerField.objects.filter(catalogue=report.subitem.catalogue):
        AnswerText.objects.create(report=report, field=field, text="ข้อความ")
    SubItemReport.objects.filter(pk=report.pk).update(fields_filled=AnswerField.objects.filter(required=True).count())
    row = Book(office=office, fiscal_year=2566, content_hash="0" * 64, state=Book.State.READY, pages=1)
    row.file.save("book.pdf", ContentFile(corpus.valid_pdf(1)), save=False)
    row.save()
    return row


def _evidence_of(report, user):
    """A checked PDF of office A's sub-item, for the evidence URLs."""

    kind = EvidenceKind.objects.get(catalogue=report.subitem.catalogue, code="project")
    return evidence_upload(report=report, user=user, kind=kind, uploaded=upload_file("a.pdf", corpus.valid_pdf(1)))


def _profile_objects(office, user):
    """A picture and an answer revision of office A's profile, for the profile URLs."""

    year = current_fiscal_year()
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, "PNG")
    image = profile_image_upload(
        user=user, office=office, upload=SimpleUploadedFile("a.png", buffer.getvalue(), "image/png")
    )
    question = ProfileQuestion.objects.filter(question_set__fiscal_year__lte=year, number=1).first()
    result = profile_answer_save(
        user=user, office=office, fiscal_year=year, question=question, html="<p>ก</p>", not_applicable=False, version=0
    )
    return image, result.answer.revisions.first()


def fill(route: str, params: dict) -> str:
    def value(match):
        converter, name = match.group(1), match.group(2)
        if name == "number":
            return "1" if converter == "int" else "1.1.1"
        if name not in params:
            raise KeyError(f"no value for <{converter}:{name}> in {route}: add it to the world fixture")
        return str(params[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def state_fingerprint():
    return (
        list(SubItemReport.objects.order_by("pk").values_list("state", "version")),
        Message.objects.count(),
        get_user_model().objects.count(),
        list(Evidence.objects.order_by("pk").values_list("state", "superseded_at")),
    )


DJANGO_ACCOUNT_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def test_every_url_name_has_its_app_namespace():
    bare = {name for _route, name in url_patterns() if ":" not in name} - DJANGO_ACCOUNT_NAMES
    assert not bare, f"URL names without an app namespace: {sorted(bare)}"


def test_every_url_is_classified():
    names = {name for _route, name in url_patterns()}
    unclassified = names - set(ACCESS)
    assert not unclassified, f"classify these URLs in ACCESS (and POST_ALLOWED if they write): {sorted(unclassified)}"


@pytest.mark.parametrize("role", [ANON, STAFF_A, COORD_A, STAFF_B, REVIEWER, ADMIN])
def test_get_matrix(client, world, role):
    if role != ANON:
        client.force_login(world["users"][role], backend="orgprofile.auth.OfficeUserBackend")
    failures = []
    for route, name in url_patterns():
        url = fill(route, world["params"])
        response = client.get(url)
        allowed = role in ACCESS[name]
        if allowed and response.status_code != 200:
            failures.append(f"{role} GET {url} ({name}): expected 200, got {response.status_code}")
        if not allowed and response.status_code == 200:
            failures.append(f"{role} GET {url} ({name}): expected refusal, got 200")
        if not allowed and role == ANON and response.status_code not in (302, 405):
            failures.append(f"{role} GET {url} ({name}): expected redirect to login, got {response.status_code}")
        if role == STAFF_B and response.status_code == 200:
            assert world["office"].name not in response.content.decode(), f"{url} shows office A to office B"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", [ANON, STAFF_B, REVIEWER, STAFF_A])
def test_post_matrix_refusals_change_nothing(client, world, role):
    if role != ANON:
        client.force_login(world["users"][role], backend="orgprofile.auth.OfficeUserBackend")
    failures = []
    for route, name in url_patterns():
        if role in POST_ALLOWED.get(name, set()):
            continue
        url = fill(route, world["params"])
        before = state_fingerprint()
        response = client.post(
            url, {"body": "x", "decision": "certify", "report": [world["report"].pk], "version": "0"}
        )
        if response.status_code not in (302, 403, 404, 405):
            failures.append(f"{role} POST {url} ({name}): expected refusal, got {response.status_code}")
        if (
            response.status_code == 302
            and role != ANON
            and "/accounts/login/" not in response.headers.get("Location", "")
        ):
            failures.append(f"{role} POST {url} ({name}): redirected to {response.headers.get('Location')} (a write?)")
        if state_fingerprint() != before:
            failures.append(f"{role} POST {url} ({name}): changed data")
    assert not failures, "\n".join(failures)
