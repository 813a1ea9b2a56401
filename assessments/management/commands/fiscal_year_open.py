from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.services.catalogue import CatalogueError
from assessments.services.years import fiscal_year_open


class Command(BaseCommand):
    help = (
        "Open a fiscal year (B.E.) with its catalogue: a new catalogue FILE or a copy of an earlier year's. "
        "Maps it to last year's catalogue and prints what matched, changed, was added and removed. "
        "The year's reporting window is left unset (closed to offices)."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--catalogue", metavar="FILE")
        source.add_argument("--copy-catalogue-from", type=int, metavar="YEAR")
        parser.add_argument(
            "--not-current", action="store_true", help="open the year without making it the current year"
        )

    def handle(self, *args, year, catalogue=None, copy_catalogue_from=None, not_current=False, **options):
        text = None
        if catalogue:
            try:
                text = Path(catalogue).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"อ่านไฟล์ {catalogue} ไม่ได้: {exc}") from exc
        try:
            result = fiscal_year_open(
                user=None,
                year=year,
                catalogue_text=text,
                copy_from=copy_catalogue_from,
                make_current=not not_current,
            )
        except CatalogueError as exc:
            raise CommandError("ไม่ได้เปิดปีงบประมาณ:\n" + "\n".join(exc.errors)) from exc
        except ValidationError as exc:
            raise CommandError("ไม่ได้เปิดปีงบประมาณ: " + " ".join(exc.messages)) from exc
        report = result.report
        self.stdout.write(f"เปิดปีงบประมาณ {year} แล้ว (ยังไม่ได้กำหนดช่วงเวลารายงาน)")
        if report.previous_year is None:
            self.stdout.write("ไม่มีชุดเกณฑ์ปีก่อนให้จับคู่")
            return
        self.stdout.write(
            f"จับคู่กับปี {report.previous_year}: ตรงกัน {len(report.matched)} เปลี่ยนแปลง {len(report.changed)} "
            f"เพิ่ม {len(report.added)} ตัดออก {len(report.removed)}"
        )
        for label, rows in (("เปลี่ยนแปลง", report.changed), ("เพิ่ม", report.added), ("ตัดออก", report.removed)):
            for row in rows:
                self.stdout.write(f"  {label}: {row.what} {row.code}")
