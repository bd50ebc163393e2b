from io import StringIO

import pytest
from django.core.management import call_command

from ingestion.management.commands.load_sources import DEFAULT_FEEDS
from ingestion.models import Source

pytestmark = pytest.mark.django_db


def test_it_adds_the_default_feeds_once():
    call_command("load_sources", stdout=StringIO())
    call_command("load_sources", stdout=StringIO())
    assert Source.objects.feeds().count() == len(DEFAULT_FEEDS) >= 8
    assert all(url.startswith("https://") for url in Source.objects.values_list("url", flat=True))


def test_if_empty_leaves_curated_feeds_alone():
    Source.objects.create(name="Mine", url="https://mine.example/feed")
    call_command("load_sources", "--if-empty", stdout=StringIO())
    assert Source.objects.count() == 1
