"""Import from a KRS export file (CSV and XLSX) through the real upload form."""

import csv
import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from krs_integration.contract import indicator_to_json
from krs_integration.file_import import HEADER
from krs_integration.models import Indicator, SyncRun
from krs_integration.standin import office_indicators


def export_rows(office_code="T-001", fiscal_year=2566, revision=0):
    rows = []
    for item in office_indicators(office_code, fiscal_year, revision):
        data = indicator_to_json(item)
        rows.append(
            [
                office_code,
                fiscal_year,
                data["code"],
                data["name"],
                data["kind"],
                data["target"],
                data["result"],
                data["unit"],
                "1" if data["achieved"] else "0",
                data["dimension"],
                data["updated_at"],
            ]
        )
    return rows


def csv_file(rows, header=HEADER, name="krs.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


def xlsx_file(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("krs.xlsx", buffer.getvalue())


@pytest.fixture
def upload(client_for, admin_user):
    client = client_for(admin_user)

    def send(file):
        return client.post(reverse("krs:import"), {"file": file}, follow=True)

    return send


def test_csv_import_stores_thirty_and_records_a_run(upload, office, other_office, catalogue):
    response = upload(csv_file(export_rows() + export_rows("T-002")))
    body = response.content.decode()
    assert "นำเข้าตัวชี้วัด 60 รายการของ 2 สำนักงานแล้ว" in body
    assert Indicator.objects.filter(office=office, source=Indicator.Source.FILE).count() == 30
    run = SyncRun.objects.get()
    assert run.trigger == SyncRun.Trigger.IMPORT and run.status == SyncRun.Status.SUCCEEDED
    assert run.file_name == "krs.csv" and run.created_count == 60


def test_xlsx_import_then_same_file_changes_nothing(upload, office, catalogue):
    upload(xlsx_file(export_rows()))
    assert Indicator.objects.filter(office=office).count() == 30
    upload(xlsx_file(export_rows()))
    latest = SyncRun.objects.order_by("-pk").first()
    assert (latest.created_count, latest.updated_count, latest.unchanged_count) == (0, 0, 30)


def test_wrong_header_imports_nothing(upload, office, catalogue):
    header = ["office", *HEADER[1:]]
    body = upload(csv_file(export_rows(), header=header)).content.decode()
    assert "ไม่ได้นำเข้าข้อมูลใด ๆ" in body and "บรรทัด 1: หัวตารางต้องเป็น office_code,fiscal_year" in body
    assert not Indicator.objects.exists() and not SyncRun.objects.exists()


def test_bad_rows_are_each_named_and_nothing_is_imported(upload, office, catalogue):
    rows = export_rows()
    rows[2][6] = "แปดสิบ"  # result not a number
    rows[4][2] = ""  # no code
    rows[7][9] = "7.9"  # no such dimension
    rows[9][0] = "NOPE"  # unknown office
    body = upload(csv_file(rows)).content.decode()
    assert "บรรทัด 4: result ต้องเป็นตัวเลข" in body
    assert "บรรทัด 6: ไม่มีค่า code" in body
    assert "บรรทัด 9: dimension ต้องเป็นหนึ่งใน 7.1, 7.2, 7.3, 7.4, 7.5, 7.6" in body
    assert "บรรทัด 11: ไม่พบรหัสสำนักงาน NOPE ในทะเบียน" in body
    assert not Indicator.objects.exists()


def test_an_office_with_29_rows_is_refused(upload, office, catalogue):
    body = upload(csv_file(export_rows()[:29])).content.decode()
    assert "สำนักงาน T-001 ปี 2566 มีตัวชี้วัด 29 ตัว แต่ต้องมี 30 ตัวพอดี" in body
    assert not Indicator.objects.exists()


def test_a_failed_file_keeps_what_was_stored(upload, office, catalogue):
    upload(csv_file(export_rows()))
    before = dict(Indicator.objects.values_list("code", "result"))
    rows = export_rows(revision=5)
    rows[0][5] = "abc"
    upload(csv_file(rows))
    assert dict(Indicator.objects.values_list("code", "result")) == before


def test_not_a_spreadsheet(upload, office, catalogue):
    body = upload(SimpleUploadedFile("krs.xlsx", b"not a zip file")).content.decode()
    assert "อ่านไฟล์ XLSX ไม่ได้" in body
    body = upload(SimpleUploadedFile("krs.pdf", b"%PDF-1.4")).content.decode()
    assert "รับเฉพาะไฟล์ .csv หรือ .xlsx" in body


def test_import_is_for_admins_only(client_for, staff, catalogue):
    response = client_for(staff).post(reverse("krs:import"), {"file": csv_file(export_rows())})
    assert response.status_code == 403
    assert not Indicator.objects.exists()


def test_xlsx_typed_cells_are_understood(upload, office, catalogue):

    rows = export_rows()
    for row in rows:
        row[1] = 2566.0  # a year typed as a number in Excel
        row[8] = 1 if row[8] == "1" else 0  # achieved as a number
        row[10] = datetime(2023, 9, 15, 10, 30)  # a date cell, no zone: Bangkok
    body = upload(xlsx_file(rows)).content.decode()
    assert "นำเข้าตัวชี้วัด 30 รายการของ 1 สำนักงานแล้ว" in body
    stored = Indicator.objects.filter(office=office).first()
    assert stored.fiscal_year == 2566
    assert stored.krs_updated_at.isoformat() == "2023-09-15T03:30:00+00:00"


def test_fractional_year_is_refused(upload, office, catalogue):
    rows = export_rows()
    rows[0][1] = "2566.5"
    body = upload(csv_file(rows)).content.decode()
    assert "บรรทัด 2: fiscal_year ต้องเป็นปี พ.ศ. เช่น 2566 แต่พบ &#x27;2566.5&#x27;" in body
