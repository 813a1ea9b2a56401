from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.services.catalogue import CatalogueError, catalogue_load

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "Load the bundled catalogues (assessments/data/catalogue_*.json), or one FILE. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")

    def handle(self, *args, file=None, **options):
        paths = [Path(file)] if file else sorted(DATA_DIR.glob("catalogue_*.json"))
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"อ่านไฟล์ {path} ไม่ได้: {exc}") from exc
            try:
                result = catalogue_load(text=text)
            except CatalogueError as exc:
                raise CommandError(f"{path}: ไม่ได้นำเข้าข้อมูลใด ๆ\n" + "\n".join(exc.errors)) from exc
            self.stdout.write(
                f"Catalogue {result.catalogue.fiscal_year}: {result.subitems} reportable sub-items, "
                f"{result.checklist_items} checklist items ({'created' if result.created else 'updated'})."
            )
