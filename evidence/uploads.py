"""An upload handler that stops reading a file once it passes the largest size any evidence
upload may have, so an oversized body never fills the temporary folder."""

from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from .validation import clean_name, human_size, photo_max_bytes


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large: list[str] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large.append(self.file_name)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def size_limited(view):
    """Install the size limit before anything reads the body, then check CSRF (which reads it).

    The view is called with `request.upload_limiter`; its `too_large` names the files cut off.
    Wrap it in csrf_exempt outside: the middleware must not read the body first."""
    protected = csrf_protect(view)

    @wraps(view)
    def limited(request, *args, **kwargs):
        request.upload_limiter = SizeLimitUploadHandler(request, limit=photo_max_bytes())
        request.upload_handlers.insert(0, request.upload_limiter)
        return protected(request, *args, **kwargs)

    return limited


def too_large_message(name: str) -> str:
    return _("ไฟล์ “%(name)s” ใหญ่เกินขีดจำกัด %(limit)s ต่อไฟล์ จึงไม่ได้รับไฟล์นี้") % {
        "name": clean_name(name),
        "limit": human_size(photo_max_bytes()),
    }
