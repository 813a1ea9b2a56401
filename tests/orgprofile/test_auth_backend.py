"""The user every request loads: the backend's one query, written as SQL, gives what the ORM
gives (fields with their Python types, the role, the membership and its office)."""

from datetime import datetime

import pytest
from django.contrib.auth.models import Group
from django.db.models import Model

from orgprofile.access import office_of
from orgprofile.auth import OfficeUserBackend
from pmqa_site.roles import Role, role_of


def _fields(instance: Model) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.django_db
def test_staff_user_comes_with_its_role_membership_and_office(staff, django_assert_num_queries):
    staff.refresh_from_db()
    office = staff.membership.office
    with django_assert_num_queries(1):
        user = OfficeUserBackend().get_user(staff.pk)
        assert role_of(user) == Role.ESA_STAFF
        assert office_of(user) == office
        assert user.membership.user is user
    assert _fields(user) == _fields(staff)
    assert isinstance(user.date_joined, datetime) and user.date_joined.tzinfo is not None
    assert user.is_active is True and user.is_superuser is False
    assert _fields(user.membership) == _fields(staff.membership)
    assert _fields(user.membership.office) == _fields(staff.membership.office)
    assert user.membership.office.is_active is True


@pytest.mark.django_db
def test_reviewer_has_no_membership_and_costs_no_query_to_ask(reviewer, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = OfficeUserBackend().get_user(reviewer.pk)
        assert role_of(user) == Role.OBEC_REVIEWER
        assert office_of(user) is None
    assert _fields(user) == _fields(reviewer)


@pytest.mark.django_db
def test_highest_role_group_wins(staff):
    staff.groups.add(Group.objects.get(name=Role.ESA_COORDINATOR.value))
    assert role_of(OfficeUserBackend().get_user(staff.pk)) == Role.ESA_COORDINATOR


@pytest.mark.django_db
def test_a_user_in_no_role_group_has_no_role(staff):
    staff.groups.clear()
    assert role_of(OfficeUserBackend().get_user(staff.pk)) is None


@pytest.mark.django_db
def test_inactive_missing_and_malformed_ids_are_anonymous(staff):
    staff.is_active = False
    staff.save()
    backend = OfficeUserBackend()
    assert backend.get_user(staff.pk) is None
    assert backend.get_user(staff.pk + 1000) is None
    assert backend.get_user("not-a-number") is None
