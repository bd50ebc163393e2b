"""WSGI entry for `bench/pages.py --http`: the site plus the trivial view."""

import os

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (configured by the line above)

settings.ROOT_URLCONF = "bench.urls"
if os.environ.get("STANDOFF_BENCH_NO_CACHE"):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
