"""python manage.py report_book OFFICE_CODE [--year 2566] FILE — the office's report book
(the same draft PDF the web page makes) written to FILE."""

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Catalogue
from orgprofile.models import Office
from reporting import book


class Command(BaseCommand):
    help = "Write an office's report book (PDF) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("office_code")
        parser.add_argument("file")
        parser.add_argument("--year", type=int, help="fiscal year (B.E.); default: the latest catalogue's")

    def handle(self, *args, office_code, file, year=None, **options):
        office = Office.objects.filter(code=office_code).first()
        if office is None:
            raise CommandError(f"ไม่พบสำนักงานรหัส {office_code}")
        if year is None:
            latest = Catalogue.objects.order_by("-fiscal_year").first()
            if latest is None:
                raise CommandError("ยังไม่มีชุดเกณฑ์การประเมินในระบบ")
            year = latest.fiscal_year
        elif not Catalogue.objects.filter(fiscal_year=year).exists():
            raise CommandError(f"ไม่มีชุดเกณฑ์ของปีงบประมาณ {year}")
        content = book.book_content(office=office, fiscal_year=year)
        built = book.book_build_to(content, file)
        self.stdout.write(
            f"{file}: {built.pages} หน้า (เล่ม {built.own_pages} + เอกสารหลักฐาน {built.evidence_pages} หน้าจาก "
            f"{built.evidence_files} ไฟล์) {built.seconds:.1f} วินาที sha256 {book.content_hash(content)[:16]}"
        )
