from django.core.management.base import BaseCommand, CommandError

from assessments.selectors import catalogue_for_year
from assessments.services.years import catalogue_map


class Command(BaseCommand):
    help = (
        "Map a fiscal year's catalogue to last year's again (by code where the text is the same; "
        "mappings an admin made by hand are kept) and print what matched, changed, was added and removed. "
        "For a year whose catalogue was loaded with import_catalogue instead of fiscal_year_open."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        catalogue = catalogue_for_year(year)
        if catalogue is None:
            raise CommandError(f"ยังไม่มีชุดเกณฑ์ของปีงบประมาณ {year}")
        report = catalogue_map(catalogue=catalogue)
        if report.previous_year is None:
            self.stdout.write("ไม่มีชุดเกณฑ์ปีก่อนให้จับคู่")
            return
        self.stdout.write(
            f"จับคู่ปี {year} กับปี {report.previous_year}: ตรงกัน {len(report.matched)} "
            f"เปลี่ยนแปลง {len(report.changed)} เพิ่ม {len(report.added)} ตัดออก {len(report.removed)}"
        )
        for label, rows in (("เปลี่ยนแปลง", report.changed), ("เพิ่ม", report.added), ("ตัดออก", report.removed)):
            for row in rows:
                self.stdout.write(f"  {label}: {row.what} {row.code}{' (จับคู่เอง)' if row.by_hand else ''}")
