"""Production's static storage keeps each file's URL once worked out, and answers what
WhiteNoise's own storage answers."""

import json

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from pmqa_site.staticfiles import ManifestStaticFilesStorage

MANIFEST = {"version": "1.1", "hash": "0123456789ab", "paths": {"css/app.css": "css/app.5f2b0c1d9e8a.css"}}


@pytest.fixture
def collected(tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return {"location": str(tmp_path), "base_url": "/static/"}


@override_settings(DEBUG=False)
def test_a_url_is_worked_out_once_and_is_whitenoises(collected, monkeypatch):
    storage = ManifestStaticFilesStorage(**collected)
    looked_up = []
    real = CompressedManifestStaticFilesStorage.stored_name

    def stored_name(self, name):
        looked_up.append(name)
        return real(self, name)

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "stored_name", stored_name)

    urls = {storage.url("css/app.css") for _ in range(3)}

    assert urls == {"/static/css/app.5f2b0c1d9e8a.css"}
    assert urls == {CompressedManifestStaticFilesStorage(**collected).url("css/app.css")}
    assert looked_up.count("css/app.css") == 2  # ours once, WhiteNoise's own once


@override_settings(DEBUG=False)
def test_a_file_missing_from_the_manifest_still_fails_every_time(collected):
    storage = ManifestStaticFilesStorage(**collected)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_nothing_is_kept_under_debug_nor_across_a_new_collectstatic(collected):
    storage = ManifestStaticFilesStorage(**collected)
    with override_settings(DEBUG=True):
        assert storage.url("css/app.css") == "/static/css/app.css"
    with override_settings(DEBUG=False):
        assert storage.url("css/app.css") == "/static/css/app.5f2b0c1d9e8a.css"
        list(storage.post_process({}))  # a new collectstatic, its manifest without the file
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/app.css")
