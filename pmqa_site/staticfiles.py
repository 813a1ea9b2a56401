"""The storage of static files in production: WhiteNoise's compressed manifest storage, each
file's URL looked up once per process.

`{% static %}` asks the storage for a URL on every use, and the manifest storage works it out
each time (the name cleaned, split, looked up in the manifest, joined to STATIC_URL): about
20 µs, six to eight times on every page. The manifest is read when the storage is made and
does not change while the process runs, so the answer for a name does not change either.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# The names come from the templates' {% static %} tags: a few dozen. The bound only keeps a
# caller that builds names from input from growing the dictionary.
KEPT_URLS = 512


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name, force=False):
        key = (name, force)
        try:
            return self._urls[key]
        except KeyError:
            pass
        url = super().url(name, force)  # a name missing from the manifest raises, and is not kept
        # Under DEBUG the storage answers the unhashed name and files may change: nothing kept.
        if not settings.DEBUG and len(self._urls) < KEPT_URLS:
            self._urls[key] = url
        return url

    def post_process(self, *args, **kwargs):
        # collectstatic writes a new manifest: what was kept came from the old one.
        self._urls.clear()
        yield from super().post_process(*args, **kwargs)
