import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template

from pmqa_site.templatetags.thai_dates import buddhist_year, thai_date, thai_date_short, thai_datetime

UTC = datetime.UTC


def test_buddhist_era_dates_in_bangkok_time():
    # 2026-11-23 18:30 UTC is already 24 November in Bangkok (UTC+7).
    moment = datetime.datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
    assert thai_date(moment) == "24 พฤศจิกายน 2569"
    assert thai_date_short(moment) == "24 พ.ย. 2569"
    assert thai_datetime(moment) == "24 พ.ย. 2569 01:30 น."


def test_plain_dates_and_years():
    assert thai_date(datetime.date(2023, 9, 30)) == "30 กันยายน 2566"
    assert buddhist_year(2023) == 2566
    assert buddhist_year(datetime.datetime(2023, 1, 1, tzinfo=ZoneInfo("Asia/Bangkok"))) == 2566
    assert thai_date(None) == ""


def test_filter_in_a_template():
    rendered = Template("{% load thai_dates %}{{ d|thai_date }}").render(Context({"d": datetime.date(2024, 2, 29)}))
    assert rendered == "29 กุมภาพันธ์ 2567"
