import json

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Catalogue
from assessments.services.catalogue import catalogue_export


class Command(BaseCommand):
    help = "Print the loaded catalogue (latest fiscal year, or --year) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="fiscal year in B.E., e.g. 2566")

    def handle(self, *args, year=None, **options):
        catalogues = Catalogue.objects.order_by("-fiscal_year")
        catalogue = catalogues.filter(fiscal_year=year).first() if year else catalogues.first()
        if catalogue is None:
            raise CommandError("ยังไม่มีชุดเกณฑ์ในระบบ (run load_catalogue)")
        self.stdout.write(json.dumps(catalogue_export(catalogue=catalogue), ensure_ascii=False, indent=2))
