from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pmqa_site.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write a consistent backup: the PostgreSQL database and every stored file, with checksums."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="", help="the tar file to write (default var/backups/pmqa-<time>.tar)")

    def handle(self, *args, **options):
        out = Path(options["out"] or f"var/backups/pmqa-{timezone.localtime():%Y%m%d-%H%M%S}.tar")
        try:
            summary = backup_create(out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written: {summary.path} ({summary.files} files, {summary.bytes:,} bytes)")
