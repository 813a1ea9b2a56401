"""A Celery worker whose PDF checker hangs, so a test can kill it in the middle of a check.

Run as `python -m tests.evidence.slow_worker worker ...` with the usual celery arguments.
The patch lives here, in the test suite, not in the product.
"""

import sys
import time

import django

django.setup()

from evidence import pdfcheck  # noqa: E402


def hanging_check(path, **kwargs):
    print(f"slow_worker: checking {path}, hanging", flush=True)
    time.sleep(600)
    raise AssertionError("the test should have killed this worker")


pdfcheck.check_pdf_file = hanging_check

if __name__ == "__main__":
    from celery.bin.celery import main  # Celery's command line, only when run as a worker script

    sys.argv = ["celery", "-A", "pmqa_site", *sys.argv[1:]]
    sys.exit(main())
