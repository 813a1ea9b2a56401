import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from orgprofile.models import Office
from orgprofile.services import offices_import_csv

pytestmark = pytest.mark.django_db

GOOD = "code,name,kind,province\nX-1,สำนักงานหนึ่ง,สพป.,ลำปาง\nX-2,สำนักงานสอง,สพม.,ลำปาง\n"


def test_bundled_registry_loads_and_reloads_without_duplicates():
    call_command("load_offices")
    count = Office.objects.count()
    assert count >= 10
    call_command("load_offices")
    assert Office.objects.count() == count
    assert not Office.objects.filter(is_demo=True).exists()


def test_import_creates_then_updates():
    result = offices_import_csv(text=GOOD)
    assert (result.created, result.updated) == (2, 0)
    result = offices_import_csv(text=GOOD.replace("สำนักงานสอง", "สำนักงานสอง (ใหม่)"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Office.objects.get(code="X-2").name == "สำนักงานสอง (ใหม่)"


def test_bad_rows_refuse_the_whole_file_naming_lines():
    text = GOOD + "X-3,,สพป.,ลำปาง\nX-1,ซ้ำ,สพป.,ลำปาง\nX-4,ชื่อ,โรงเรียน,ลำปาง\n"
    result = offices_import_csv(text=text)
    assert not result.ok
    joined = "\n".join(result.errors)
    assert "บรรทัด 4: ไม่มีชื่อสำนักงาน" in joined
    assert "บรรทัด 5" in joined and "ซ้ำกับบรรทัด 2" in joined
    assert "บรรทัด 6" in joined and "ประเภท 'โรงเรียน' ไม่ถูกต้อง" in joined
    assert Office.objects.count() == 0


def test_wrong_header_is_refused():
    result = offices_import_csv(text="รหัส,ชื่อ\n1,2\n")
    assert result.errors[0].startswith("บรรทัด 1: หัวตารางต้องเป็น code,name,kind,province")


def test_admin_imports_through_the_form(client_for, admin_user):
    client = client_for(admin_user)
    upload = SimpleUploadedFile("offices.csv", GOOD.encode("utf-8"), content_type="text/csv")
    response = client.post(reverse("orgprofile:office-import"), {"file": upload}, follow=True)
    assert "นำเข้าสำเร็จ: เพิ่ม 2 แห่ง" in response.content.decode()
    assert Office.objects.filter(code__in=["X-1", "X-2"]).count() == 2


def test_import_form_shows_row_errors_and_imports_nothing(client_for, admin_user):
    client = client_for(admin_user)
    upload = SimpleUploadedFile("offices.csv", (GOOD + "X-9,,สพป.,\n").encode(), content_type="text/csv")
    response = client.post(reverse("orgprofile:office-import"), {"file": upload})
    html = response.content.decode()
    assert "ไม่ได้นำเข้าข้อมูลใด ๆ" in html and "บรรทัด 4" in html
    assert Office.objects.count() == 0


def test_non_utf8_file_gets_a_thai_message(client_for, admin_user):
    upload = SimpleUploadedFile("offices.csv", GOOD.encode("cp874"), content_type="text/csv")
    response = client_for(admin_user).post(reverse("orgprofile:office-import"), {"file": upload})
    assert "UTF-8" in response.content.decode()
    assert Office.objects.count() == 0


def test_office_staff_cannot_import(client_for, staff):
    upload = SimpleUploadedFile("offices.csv", GOOD.encode(), content_type="text/csv")
    assert client_for(staff).post(reverse("orgprofile:office-import"), {"file": upload}).status_code == 403


def test_demo_setup_creates_one_account_per_role_and_keeps_data(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("demo_setup")
    first = capsys.readouterr().out
    for username in ("demo_staff", "demo_coordinator", "demo_reviewer", "demo_admin"):
        assert username in first
    call_command("demo_setup")
    second = capsys.readouterr().out
    assert first.strip() == second.strip()
    assert Office.objects.filter(is_demo=True).count() == 1
