"""python manage.py evidence_check FILE [FILE ...]: the production check on files, one JSON
line per file. For admins answering "why was my file refused", and for the benchmark."""

import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand

from evidence import pdfcheck
from evidence.models import Disarmed
from evidence.validation import reason_for


def verdict_line(path: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="pmqa-check-") as folder:
        verdict = pdfcheck.check_pdf_file(path, output=os.path.join(folder, "disarmed.pdf"))
    return {
        "file": path,
        "verdict": "accepted" if verdict.ok else "refused",
        "reason": "" if verdict.ok else reason_for(verdict.code),
        "code": verdict.code,
        "pages": verdict.page_count,
        "disarmed": verdict.disarmed,
        "removed": [str(Disarmed(code).label) for code in verdict.disarmed],
        "cpu_ms": verdict.cpu_ms,
        "peak_rss_kb": verdict.peak_rss_kb,
        "detail": verdict.detail,
    }


class Command(BaseCommand):
    help = "ตรวจไฟล์ PDF ด้วยขั้นตอนเดียวกับที่ระบบใช้ตรวจเอกสารหลักฐาน แสดงผลเป็น JSON บรรทัดละไฟล์"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--parallel", type=int, default=1, help="จำนวนไฟล์ที่ตรวจพร้อมกัน (ผลต้องเหมือนตรวจทีละไฟล์)")

    def handle(self, *args, files, parallel, **options):
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            for line in pool.map(verdict_line, files):
                self.stdout.write(json.dumps(line, ensure_ascii=False))
