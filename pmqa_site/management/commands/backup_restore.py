from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pmqa_site.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup into an empty installation, checking every checksum before and after."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a tar file written by backup_create")

    def handle(self, *args, **options):
        try:
            summary = backup_restore(archive=Path(options["archive"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored: {summary.path} ({summary.files} files, {summary.bytes:,} bytes)")
