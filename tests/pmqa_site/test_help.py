"""The help page: the guide's words quoted exactly (read from the guide itself), this product's
rules named as its own, and the contact an admin edits."""

from pathlib import Path

import pytest
from django.urls import reverse

from pmqa_site import guide
from pmqa_site.models import HelpContact

pytestmark = pytest.mark.django_db

# The guide lives beside the project (../shared/seeds), as for tests/assessments/test_catalogue.py.
GUIDE = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_7dd915da17abb5ed.txt"


def test_every_quotation_is_in_the_guide_word_for_word():
    text = " ".join(GUIDE.read_text().split())
    for line in [*guide.TO_PREPARE, guide.ONE, guide.ZERO, guide.EVIDENCE_LIMIT, *guide.LEVELS]:
        assert " ".join(line.split()) in text, line
    for line in guide.CONTACT.splitlines():
        assert line in text


def test_the_help_page_is_linked_from_every_page_and_shows_the_contact(client, client_for, staff):
    login = client.get(reverse("login")).content.decode()
    assert reverse("site:help") in login
    page = client.get(reverse("site:help")).content.decode()
    assert guide.ONE in page and guide.EVIDENCE_LIMIT in page
    assert "วิธีคำนวณของระบบนี้ (ไม่ใช่ข้อกำหนดของ สพฐ.)" in page
    assert "Saraban04011@obec.go.th" in page
    home = client_for(staff).get(reverse("assessments:home", args=[staff.membership.office.code])).content.decode()
    assert reverse("site:help") in home


def test_an_admin_edits_the_contact(django_app, admin_user):
    page = django_app.get(reverse("admin:pmqa_site_helpcontact_add"), user=admin_user)
    form = page.forms["helpcontact_form"]
    form["text"] = "กลุ่มพัฒนาระบบบริหาร สพฐ.\nโทรศัพท์ 0 2288 5800"
    form.submit().follow()
    row = HelpContact.objects.get()
    assert row.updated_by == admin_user
    assert "โทรศัพท์ 0 2288 5800" in django_app.get(reverse("site:help")).text
