"""python manage.py export_national [--year 2566] [--format xlsx|csv] FILE

The national workbook of the dashboard (every active office, no filter) from the command line.
The CSV is deterministic: the same data gives the same bytes."""

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Catalogue
from assessments.selectors import current_catalogue
from reporting import exports
from reporting.national import national


class Command(BaseCommand):
    help = "เขียนแฟ้มภาพรวมระดับประเทศ (Excel หรือ CSV) ลงไฟล์"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, help="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีปัจจุบัน)")
        parser.add_argument("--format", choices=["xlsx", "csv"], default=None)

    def handle(self, *args, file: str, year: int | None, format: str | None, **options):
        catalogue = Catalogue.objects.filter(fiscal_year=year).first() if year else current_catalogue()
        if catalogue is None:
            raise CommandError(f"ไม่พบชุดเกณฑ์ของปีงบประมาณ {year}" if year else "ยังไม่มีชุดเกณฑ์การประเมินในระบบ")
        kind = format or ("csv" if file.lower().endswith(".csv") else "xlsx")
        data = national(catalogue=catalogue)
        with open(file, "wb") as out:
            if kind == "csv":
                out.write(exports.national_csv(data))
            else:
                exports.national_workbook(data, out)
        self.stdout.write(f"{file}: {len(data.rows)} สำนักงาน ปีงบประมาณ {catalogue.fiscal_year}")
