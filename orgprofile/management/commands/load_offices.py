from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgprofile.services import offices_import_csv

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "offices.csv"


class Command(BaseCommand):
    help = "Load or update the office registry from a CSV file (code,name,kind,province). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, file, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"อ่านไฟล์ {file} ไม่ได้: {exc}") from exc
        result = offices_import_csv(text=text)
        if not result.ok:
            raise CommandError("ไม่ได้นำเข้าข้อมูลใด ๆ:\n" + "\n".join(result.errors))
        self.stdout.write(f"Offices: {result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
