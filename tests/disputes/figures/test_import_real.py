"""All four real sources from the shared folder: README counts, idempotence,
and the figures the country pages need."""

from collections import Counter

import pytest

from disputes.figures.importer import import_transparency
from disputes.models import PlatformReport, ShutdownEvent
from disputes.site.selectors import platform_figures_for_country, platform_figures_for_platform

from .support import DATA_DIR, requires_shared_data

pytestmark = [requires_shared_data, pytest.mark.django_db]

FOLDERS = {
    "google": "google_transparency",
    "meta": "meta_content_restrictions",
    "twitter": "twitter_removal_requests",
    "stop": "accessnow_stop",
}


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    """Import once for the module (about 10 s on SQLite), clean up after."""
    with django_db_blocker.unblock():
        summaries = {
            source: import_transparency(source=source, path=DATA_DIR / folder)
            for source, folder in FOLDERS.items()
        }
        yield summaries
        PlatformReport.objects.all().delete()
        ShutdownEvent.objects.all().delete()


def test_every_source_imports_with_the_readme_counts(imported):
    rows = {source: s.rows for source, s in imported.items()}
    # Google 3,800 + 21,065 + 1,204; Meta 2,867 rows in 21 files; Twitter 617 country
    # rows + 7 global rows; STOP 2,102 events.
    assert rows == {"google": 26069, "meta": 2867, "twitter": 624, "stop": 2102}
    assert all(s.errors == [] for s in imported.values())
    assert Counter(PlatformReport.objects.values_list("dataset", flat=True)) == {
        "google-summary": 3800,
        "google-detailed": 21065,
        "google-historical": 1204,
        "meta-combined": 287,
        "meta": 2 * 2580,  # one Facebook and one Instagram record per row
        "twitter-legal-demands": 613,  # the 4 all-zero Worldwide rows are skipped
    }
    assert len(imported["twitter"].skipped) == 4 + 7
    assert ShutdownEvent.objects.count() == 2102
    meta_rows = PlatformReport.objects.filter(source="meta").values("source_file", "source_line").distinct()
    assert meta_rows.count() == 2867


def test_a_second_import_changes_nothing(imported):
    reports = list(PlatformReport.objects.order_by("pk").values())
    events = list(ShutdownEvent.objects.order_by("pk").values())
    for source, folder in FOLDERS.items():
        summary = import_transparency(source=source, path=DATA_DIR / folder)
        assert (summary.created, summary.updated) == (0, 0), source
        assert summary.unchanged == imported[source].records
    assert list(PlatformReport.objects.order_by("pk").values()) == reports
    assert list(ShutdownEvent.objects.order_by("pk").values()) == events


def test_namibia_is_a_country_not_a_missing_value(imported):
    assert PlatformReport.objects.filter(country="NA", source="google").exists()
    assert PlatformReport.objects.filter(country="NA", source="meta").count() == 2 * 10


def test_india_has_googles_and_twitters_figures(imported):
    series = {s["key"]: s for s in platform_figures_for_country("IN")}
    google = series["google-requests:google"]
    assert google["publisher"] == "Google Transparency Report"
    assert google["points"][0]["period"] == "2009-H2"
    twitter = series["twitter-legal-demands:twitter"]
    assert twitter["publisher"] == "Twitter (X) Transparency Center"
    last = twitter["points"][-1]
    assert (last["period"], last["requests"], last["items"]) == ("2020-H2", 6971, 19128)
    assert {"meta:facebook", "meta:instagram", "google-detailed:youtube"} <= set(series)


def test_google_2019_h1_comes_from_the_current_file(imported):
    # Austria 2019-H1: 13 requests in the historical file, 7 in the current one.
    google = {s["key"]: s for s in platform_figures_for_country("AT")}["google-requests:google"]
    point = next(p for p in google["points"] if p["period"] == "2019-H1")
    assert point["dataset"] == "google-summary"
    assert point["requests"] == 7


def test_twitter_worldwide_figures_add_up(imported):
    (series,) = platform_figures_for_platform("twitter", granularity="year")
    assert series["points"][-1]["period"] == "2020"
    assert series["points"][-1]["requests"] == sum(
        PlatformReport.objects.filter(source="twitter", period_start__year=2020).values_list("requests", flat=True)
    )
