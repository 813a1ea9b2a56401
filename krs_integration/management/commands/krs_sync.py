"""Sync category 7 indicators from KRS: one office or all, printing a summary."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orgprofile.models import Office

from ... import services
from ...client import KRSClient
from ...models import SyncOfficeResult, SyncRun


class Command(BaseCommand):
    help = "Pull KRS indicators for one office (--office CODE) or every active office, and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--office", help="office code (default: every active office)")
        parser.add_argument("--year", type=int, help="fiscal year, B.E. (default: the current catalogue's)")
        parser.add_argument(
            "--concurrency",
            type=int,
            default=8,
            help="offices pulled at once when tasks run in this process (no Celery broker); default 8",
        )
        parser.add_argument(
            "--queue", action="store_true", help="queue one Celery task per office instead of running them here"
        )

    def handle(self, *args, office=None, year=None, concurrency=8, queue=False, **options):
        if concurrency < 1 or concurrency > 64:
            raise CommandError("--concurrency must be between 1 and 64")
        offices = None
        if office:
            found = Office.objects.filter(code=office).first()
            if found is None:
                raise CommandError(f"no office with code {office!r} in the registry")
            offices = [found]
        started = time.monotonic()
        try:
            run = services.sync_run_create(trigger=SyncRun.Trigger.COMMAND, offices=offices, fiscal_year=year)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"KRS {settings.KRS_BASE_URL}: sync run #{run.pk}, {run.offices_total} offices, year {run.fiscal_year}"
        )
        if services.sync_run_preflight(run=run):
            if queue or not settings.CELERY_TASK_ALWAYS_EAGER:
                services.sync_run_dispatch(run=run)
                self.stdout.write(
                    f"queued {run.offices_total} Celery tasks; follow the run on /manage/krs/runs/{run.pk}/"
                )
                return
            self._run_here(run=run, concurrency=concurrency)
        run.refresh_from_db()
        self._summary(run=run, seconds=time.monotonic() - started)
        if run.status == SyncRun.Status.FAILED:
            raise CommandError(f"sync run #{run.pk} failed")

    def _run_here(self, *, run, concurrency):
        """Threads do the HTTP; this thread does every database write, as answers arrive.

        KRS latency is what bounds a sync, so the waiting is spread over `concurrency`
        threads, while the writes stay in one connection (SQLite has one writer anyway).
        """
        begun = [
            r
            for pk in run.office_results.values_list("pk", flat=True)
            if (r := services.office_result_begin(office_result_id=pk))
        ]
        local = threading.local()
        clients = []

        def fetch(result):
            if not hasattr(local, "client"):
                local.client = KRSClient()
                clients.append(local.client)
            started_at = timezone.now()
            outcome = services.office_fetch(
                client=local.client, office_code=result.office.code, fiscal_year=result.run.fiscal_year
            )
            return outcome, started_at

        try:
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                futures = {pool.submit(fetch, result): result for result in begun}
                for future in as_completed(futures):
                    outcome, started_at = future.result()
                    services.office_result_finish(result=futures[future], outcome=outcome, started_at=started_at)
        finally:
            for client in clients:
                client.close()

    def _summary(self, *, run, seconds):
        self.stdout.write(
            f"status: {run.status}  offices ok {run.offices_ok}, partial {run.offices_partial}, "
            f"failed {run.offices_failed} of {run.offices_total}"
        )
        self.stdout.write(
            f"indicators: created {run.created_count}, updated {run.updated_count}, "
            f"unchanged {run.unchanged_count}, refused {run.refused_count}  ({seconds:.1f} s)"
        )
        for message in run.errors:
            self.stdout.write(f"  run: {message}")
        problems = run.office_results.exclude(status=SyncOfficeResult.Status.OK).select_related("office")
        for result in problems[:50]:
            for message in result.errors:
                self.stdout.write(f"  {result.office.code}: {message}")
