"""The reviewer queue over 245 offices × 23 sub-items renders with a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, ReviewState, SubItem, SubItemReport
from assessments.services.summary import summaries_rebuild
from orgprofile.models import Office

pytestmark = pytest.mark.django_db

STATES = [ReviewState.AWAITING, ReviewState.NEW_DATA, ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED]


def build(catalogue, offices: int):
    existing = Office.objects.count()
    Office.objects.bulk_create(
        Office(
            code=f"L{existing + i:04d}",
            name=f"สำนักงานทดสอบภาระ {existing + i}",
            kind="spp" if i % 4 else "spm",
            province="ทดสอบ",
        )
        for i in range(offices)
    )
    subitems = list(SubItem.objects.filter(catalogue=catalogue, reportable=True))
    new_offices = Office.objects.filter(code__startswith="L").exclude(assessments__catalogue=catalogue)
    Assessment.objects.bulk_create(Assessment(office=o, catalogue=catalogue) for o in new_offices)
    now = timezone.now()
    SubItemReport.objects.bulk_create(
        SubItemReport(assessment=a, subitem=s, state=STATES[(a.id + s.id) % 4], state_changed_at=now)
        for a in Assessment.objects.filter(catalogue=catalogue).exclude(reports__isnull=False)
        for s in subitems
    )
    summaries_rebuild(catalogue=catalogue)  # a bulk load rebuilds the summaries the counts read


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_queue_queries_do_not_grow_with_offices(client_for, reviewer, catalogue):
    client = client_for(reviewer)
    build(catalogue, 5)
    client.get(reverse("assessments:queue"))  # the process reads the catalogue once
    small, _ = count(client, reverse("assessments:queue"))
    build(catalogue, 240)
    assert SubItemReport.objects.count() == 245 * 23
    # The bulk load changed the state figures: the kept counts are read again, once (one query).
    cold, _ = count(client, reverse("assessments:queue"))
    large, response = count(client, reverse("assessments:queue"))
    assert cold == large + 1
    assert large == small, f"{small} queries with 5 offices, {large} with 245"
    # The session (a database one in tests), the user with its role and office, one page of rows:
    # the counts and the unread conversations are kept between the writes that change them.
    assert large == 3
    html = response.content.decode()
    assert html.count("data-report=") == 50  # one page
    awaiting = SubItemReport.objects.filter(state=ReviewState.AWAITING).count()
    assert f'data-count="awaiting">{awaiting}<' in html
    client.get(reverse("assessments:queue") + "?state=certified&kind=spm&category=3")
    filtered, _ = count(client, reverse("assessments:queue") + "?state=certified&kind=spm&category=3")
    assert filtered == large
    print(f"review queue: {large} queries for 245 offices x 23 sub-items")


def test_not_reported_counts_unopened_subitems(client_for, reviewer, catalogue, office, other_office):
    html = client_for(reviewer).get(reverse("assessments:queue")).content.decode()
    assert 'data-count="not_reported">46<' in html  # 2 offices × 23 sub-items, none opened
    html = client_for(reviewer).get(reverse("assessments:queue"), {"category": "1"}).content.decode()
    assert 'data-count="not_reported">6<' in html  # 2 offices × 3 reportable sub-items of หมวด 1
