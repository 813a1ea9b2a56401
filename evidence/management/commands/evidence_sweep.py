from datetime import timedelta

from django.core.management.base import BaseCommand

from evidence.services import evidence_sweep


class Command(BaseCommand):
    help = (
        "Finish evidence rows left pending by a lost worker. Celery beat runs the same sweep every "
        "five minutes in production; `make run` runs it at start-up, when no check can still be in flight."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after", type=int, default=5, help="minutes a row must have been pending (0: every pending row)"
        )

    def handle(self, *args, stale_after, **options):
        touched = evidence_sweep(stale_after=timedelta(minutes=stale_after))
        self.stdout.write(f"Evidence sweep: {touched} pending row(s) checked again or given up.")
