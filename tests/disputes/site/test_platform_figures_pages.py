"""The platforms' own figures beside the disputes, on the country and platform pages."""

import datetime

import pytest
from django.core.management import call_command

from tests.disputes.figures.support import DATA_DIR, requires_shared_data
from tests.factories import DisputeFactory, PartyFactory, PlatformFactory, PlatformReportFactory

pytestmark = pytest.mark.django_db


def test_the_country_page_charts_figures_and_marks_its_disputes(client):
    PlatformReportFactory(requests=123, period_start=datetime.date(2020, 7, 1), period_end=datetime.date(2020, 12, 31))
    PlatformReportFactory(requests=456)
    dispute = DisputeFactory(title="India orders <Twitter> to act", start_date=datetime.date(2021, 2, 1))
    PartyFactory(dispute=dispute, actor=PlatformFactory(platform="twitter"), role="targeted")

    html = client.get("/countries/IN/").content.decode()

    assert "published by Google Transparency Report" in html
    assert 'class="dispute-marker"' in html
    assert "India orders &lt;Twitter&gt; to act" in html and "<Twitter>" not in html
    assert "2020-H2" in html and "456" in html


def test_a_country_without_figures_says_so(client):
    DisputeFactory(country="NG")
    assert "No platform-reported figures yet." in client.get("/countries/NG/").content.decode()


def test_the_platform_page_shows_its_worldwide_figures(client):
    PlatformReportFactory(platform="youtube", dataset="google-detailed", requests=77)
    html = client.get("/platforms/youtube/").content.decode()
    assert "Google: government removal requests for YouTube" in html


@requires_shared_data
def test_india_shows_google_and_twitter_figures_beside_the_india_twitter_dispute(client):
    call_command("load_demo", verbosity=0)
    call_command("import_transparency", "google", str(DATA_DIR / "google_transparency"), "--no-progress", verbosity=0)
    call_command("import_transparency", "twitter", str(DATA_DIR / "twitter_removal_requests"), "--no-progress", verbosity=0)

    html = client.get("/countries/IN/").content.decode()
    figures = html[html.index('id="platform-figures-heading"'):]
    assert "published by Google Transparency Report" in figures
    assert "Twitter: legal demands to remove content" in figures
    assert "withhold farmers" in figures  # the India–Twitter 2021 dispute on the same axis
    assert figures.count('class="dispute-marker"') >= 3


@pytest.mark.django_db(transaction=True)  # the page cache's version is bumped on commit
def test_an_import_shows_on_the_cached_country_page_at_once(client, tmp_path):
    DisputeFactory()
    assert "No platform-reported figures yet." in client.get("/countries/IN/").content.decode()
    header = ("Period Ending,Country/Region,CLDR Territory Code,Requestor,Number of Requests,"
              "Items Requested To Be Removed,% Removed-Legal,% Removed-Policy,% Content Not Found,"
              "% Not Enough Information ,% No Action Taken,% Content Already Removed")
    path = tmp_path / "google.csv"
    path.write_text(header + "\n2021-06-30,India,IN,Courts,12,40,10,5,0,0,85,0\n")
    call_command("import_transparency", "google", str(path), "--no-progress", verbosity=0)
    assert "published by Google Transparency Report" in client.get("/countries/IN/").content.decode()
