from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgprofile.services import profile_questions_load

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = (
        "Load the bundled profile questions (orgprofile/data/profile_questions_*.json), or one FILE. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")

    def handle(self, *args, file=None, **options):
        paths = [Path(file)] if file else sorted(DATA_DIR.glob("profile_questions_*.json"))
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"อ่านไฟล์ {path} ไม่ได้: {exc}") from exc
            try:
                question_set, count = profile_questions_load(text=text)
            except ValidationError as exc:
                raise CommandError(f"{path}: ไม่ได้นำเข้าข้อมูลใด ๆ\n" + "\n".join(exc.messages)) from exc
            self.stdout.write(f"Profile questions {question_set.fiscal_year}: {count} questions.")
