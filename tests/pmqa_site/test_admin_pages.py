"""Every model page of the Django admin opens for the admin role; history is read-only."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from assessments.models import ReviewEvent
from evidence.models import Evidence

pytestmark = pytest.mark.django_db


def test_every_admin_changelist_opens(client_for, admin_user):

    call_command("load_catalogue", verbosity=0)
    client = client_for(admin_user)
    opened = 0
    for model in admin.site._registry:
        meta = model._meta
        if not admin_user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            continue
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        opened += 1
    assert opened >= 15


def test_history_cannot_be_deleted_in_the_admin(client_for, admin_user):

    site = admin.site
    for model in (ReviewEvent, Evidence):
        model_admin = site._registry[model]
        request = type("R", (), {"user": admin_user})()
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.has_add_permission(request)
