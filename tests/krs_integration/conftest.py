"""The stand-in KRS on a real loopback socket (ephemeral port), and the 2566 catalogue."""

import socket

import pytest
from django.core.management import call_command

from krs_integration.standin import StandinConfig, StandinServer
from pmqa_site.celery import app

KNOWN = {"T-001", "T-002", "DEMO-01"}


def celery_pools_reset():
    """Forget Celery's cached broker connections and result backend.

    An eager `.delay()` makes Celery build its producer pool (and backend) from the
    settings of the moment (no broker: the amqp default; no backend) and keep them; a
    later test that points the app at Redis would then still publish to
    amqp://127.0.0.1:5672, or find "no result backend", and fail.
    """

    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture(autouse=True)
def _fresh_celery_pools():
    yield
    celery_pools_reset()


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", verbosity=0)


@pytest.fixture
def krs(settings):
    """A running stand-in; tests turn its knobs through `krs.config`."""
    config = StandinConfig(known_offices=lambda code: code in KNOWN, token="test-token")
    with StandinServer(config) as server:
        settings.KRS_BASE_URL = server.url
        settings.KRS_TOKEN = "test-token"
        settings.KRS_TIMEOUT = 1.0
        settings.KRS_RETRIES = 3
        settings.KRS_BACKOFF = 0.01
        yield server


@pytest.fixture
def krs_down(settings):
    """A base URL on loopback where nothing listens: a port we bound and closed again."""

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.KRS_BASE_URL = f"http://127.0.0.1:{port}"
    settings.KRS_BACKOFF = 0.01
    settings.KRS_TIMEOUT = 1.0
    return settings.KRS_BASE_URL
