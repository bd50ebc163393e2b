"""The importer upserts in bulk, records revisions and reports bad rows."""

import datetime
import shutil
from decimal import Decimal

import pytest

from disputes.figures.importer import import_transparency
from disputes.models import Actor, PlatformReport, ShutdownEvent
from tests.factories import DisputeFactory, PartyFactory, PlatformFactory, ShutdownEventFactory

from .support import FIXTURES

pytestmark = pytest.mark.django_db

SUMMARY = FIXTURES / "google" / "summary-2023-download.csv"
ARGENTINA = "summary/2019-06-30/AR/Court Order Directed at Google"


def test_it_creates_the_good_rows_and_reports_the_bad_ones_by_line():
    summary = import_transparency(source="google", path=SUMMARY)
    assert (summary.rows, summary.records, summary.created) == (9, 6, 6)
    assert [(e.file, e.line) for e in summary.errors] == [
        ("summary-2023-download.csv", 7),
        ("summary-2023-download.csv", 8),
        ("summary-2023-download.csv", 9),
    ]
    assert "2020-05-31" in summary.errors[0].reason
    assert PlatformReport.objects.count() == 6
    namibia = PlatformReport.objects.get(source_key="summary/2019-06-30/NA/Police")
    assert (namibia.country, namibia.source_line) == ("NA", 3)
    assert namibia.raw["CLDR Territory Code"] == "NA"


def test_a_second_import_changes_nothing():
    import_transparency(source="google", path=FIXTURES / "google")
    before = list(PlatformReport.objects.order_by("pk").values())
    summary = import_transparency(source="google", path=FIXTURES / "google")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, len(before))
    assert list(PlatformReport.objects.order_by("pk").values()) == before


def test_a_revised_figure_updates_the_row_and_keeps_the_old_one(tmp_path):
    import_transparency(source="google", path=SUMMARY)
    # Google's 2025 download: Argentina 2019-H1 went from 86 to 44 requests; a
    # name changes too (as Turkey became Türkiye).
    revised = tmp_path / SUMMARY.name
    text = SUMMARY.read_text(encoding="utf-8")
    text = text.replace(
        "Court Order Directed at Google,86,", "Court Order Directed at Google,44,"
    ).replace("Côte d’Ivoire", "Ivory Coast")
    revised.write_text(text, encoding="utf-8")

    summary = import_transparency(source="google", path=revised)

    assert (summary.created, summary.updated, summary.revised, summary.unchanged) == (0, 2, 1, 4)
    argentina = PlatformReport.objects.get(source_key=ARGENTINA)
    assert argentina.requests == 44
    assert argentina.items == 120
    assert argentina.previous_values == {"requests": 86}
    assert argentina.revised_at is not None
    assert [r["changes"] for r in argentina.revisions] == [{"requests": [86, 44]}]
    assert argentina.revisions[0]["file"] == SUMMARY.name
    renamed = PlatformReport.objects.get(source_key="summary/2019-12-31/CI/Government Officials")
    assert renamed.country_name == "Ivory Coast"
    assert renamed.revised_at is None  # a new label is not a new figure
    assert PlatformReport.objects.revised().count() == 1


def test_a_new_download_updates_provenance_without_revising_figures(tmp_path):
    import_transparency(source="google", path=SUMMARY)
    renamed = tmp_path / "google-government-removal-requests.csv"
    renamed.write_text(SUMMARY.read_text(encoding="utf-8").replace("Requester,", "Requestor,"), encoding="utf-8")
    summary = import_transparency(source="google", path=tmp_path)
    assert (summary.updated, summary.revised) == (6, 0)
    assert PlatformReport.objects.get(source_key=ARGENTINA).raw["Requestor"] == "Court Order Directed at Google"
    assert set(PlatformReport.objects.values_list("source_file", flat=True)) == {
        "google-government-removal-requests.csv"
    }


def test_a_second_revision_adds_to_the_history(tmp_path):
    import_transparency(source="google", path=SUMMARY)
    for requests in (44, 50):
        copy = tmp_path / f"download-{requests}.csv"
        copy.write_text(
            SUMMARY.read_text(encoding="utf-8").replace(",86,120,", f",{requests},120,"), encoding="utf-8"
        )
        import_transparency(source="google", path=copy)
    argentina = PlatformReport.objects.get(source_key=ARGENTINA)
    assert argentina.previous_values == {"requests": 44}
    assert [r["changes"] for r in argentina.revisions] == [{"requests": [86, 44]}, {"requests": [44, 50]}]


def test_it_stores_under_ten_and_unknowns_as_published():
    import_transparency(source="google", path=FIXTURES / "google" / "historical.csv")
    armenia = PlatformReport.objects.get(source_key="historical/2009-12-31/AM")
    assert (armenia.requests, armenia.requests_below) == (None, 10)
    assert armenia.compliance_basis == "requests"
    china = PlatformReport.objects.get(source_key="historical/2009-12-31/CN")
    assert (china.requests, china.items, china.compliance_rate) == (None, None, None)


def test_it_reports_a_row_repeated_in_two_files_of_a_folder(tmp_path):
    shutil.copy(SUMMARY, tmp_path / "a.csv")
    shutil.copy(SUMMARY, tmp_path / "b.csv")
    summary = import_transparency(source="google", path=tmp_path)
    assert summary.created == 6
    repeats = [e for e in summary.errors if e.file == "b.csv" and "same row as a.csv" in e.reason]
    assert len(repeats) == 6


def test_it_imports_both_meta_layouts_per_surface():
    summary = import_transparency(source="meta", path=FIXTURES / "meta")
    assert summary.rows == 8 + 5
    assert summary.created == 6 + 2 * 3
    brazil = PlatformReport.objects.get(source_key="2020-H2/BR/facebook")
    assert (brazil.items, brazil.items_unit, brazil.requests) == (4778, "items restricted", None)
    assert PlatformReport.objects.filter(dataset="meta-combined").count() == 6


def test_it_imports_twitter_and_counts_skipped_rows():
    summary = import_transparency(source="twitter", path=FIXTURES / "twitter")
    assert (summary.created, len(summary.skipped), len(summary.errors)) == (5, 3, 2)
    india = PlatformReport.objects.get(source_key="legal-demands/2020-07-01/IN")
    assert (india.requests, india.items, india.compliance_rate) == (6971, 9855, Decimal("9.69"))
    assert india.publisher == "Twitter (X) Transparency Center"


def test_it_imports_stop_events_with_every_country_and_url():
    summary = import_transparency(source="stop", path=FIXTURES / "stop")
    assert (summary.created, len(summary.errors), len(summary.warnings)) == (6, 3, 1)
    east_africa = ShutdownEvent.objects.get(country="BI")
    assert east_africa.countries == ["BI", "KE", "RW", "TZ", "UG"]
    assert ShutdownEvent.objects.for_country("KE").get() == east_africa
    assert ShutdownEvent.objects.for_country("NA").count() == 0
    myanmar = ShutdownEvent.objects.get(country="MM")
    assert myanmar.extent == ShutdownEvent.Extent.SERVICE_BASED
    assert myanmar.evidence_urls == ["https://example.org/a", "https://example.org/b"]
    assert myanmar.platforms == ["facebook", "whatsapp", "youtube"]


def _nigeria_twitter_dispute(**kwargs):
    twitter = PlatformFactory(name="Twitter", slug="twitter", platform="twitter")
    dispute = DisputeFactory(country="NG", start_date=datetime.date(2021, 6, 4), **kwargs)
    PartyFactory(dispute=dispute, actor=twitter, role="targeted")
    return dispute


def test_it_suggests_the_dispute_a_platform_block_belongs_to():
    dispute = _nigeria_twitter_dispute()
    summary = import_transparency(source="stop", path=FIXTURES / "stop")
    assert summary.suggested == 1
    nigeria = ShutdownEvent.objects.get(country="NG")
    assert nigeria.suggested_dispute == dispute
    assert nigeria.dispute is None  # only a curator links
    assert ShutdownEvent.objects.exclude(pk=nigeria.pk).filter(suggested_dispute__isnull=False).count() == 0


def test_it_suggests_no_rejected_dispute():
    _nigeria_twitter_dispute(review_state="rejected")
    import_transparency(source="stop", path=FIXTURES / "stop")
    assert ShutdownEvent.objects.get(country="NG").suggested_dispute is None


def test_it_suggests_no_dispute_that_ended_long_before():
    _nigeria_twitter_dispute(end_date=datetime.date(2021, 6, 4))
    DisputeFactory(country="NG", start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2019, 2, 1))
    import_transparency(source="stop", path=FIXTURES / "stop")
    nigeria = ShutdownEvent.objects.get(country="NG")
    assert nigeria.matching_disputes().count() == 1


def test_a_reimport_keeps_the_curators_link():
    dispute = _nigeria_twitter_dispute()
    import_transparency(source="stop", path=FIXTURES / "stop")
    ShutdownEvent.objects.filter(country="NG").update(dispute=dispute)
    summary = import_transparency(source="stop", path=FIXTURES / "stop")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 6)
    assert ShutdownEvent.objects.get(country="NG").dispute == dispute


def test_it_refuses_an_unknown_source_and_a_missing_path(tmp_path):
    with pytest.raises(KeyError):
        import_transparency(source="tiktok", path=SUMMARY)
    with pytest.raises(FileNotFoundError):
        import_transparency(source="google", path=tmp_path / "missing.csv")


def test_an_event_without_an_end_date_lasts_only_if_ongoing():
    dispute = _nigeria_twitter_dispute()
    dispute.start_date = datetime.date(2023, 1, 1)
    dispute.save()
    ended = ShutdownEventFactory(start=datetime.date(2021, 6, 5), status="Unknown")
    ongoing = ShutdownEventFactory(start=datetime.date(2021, 6, 5), status="Ongoing")
    assert ended.best_matching_dispute() is None
    assert ongoing.best_matching_dispute() == dispute


def test_it_suggests_the_dispute_that_started_closest_to_the_event():
    _nigeria_twitter_dispute()  # 2021-06-04, open-ended
    twitter = Actor.objects.get(platform="twitter")
    later = DisputeFactory(country="NG", start_date=datetime.date(2023, 3, 1))
    PartyFactory(dispute=later, actor=twitter, role="targeted")
    event = ShutdownEventFactory(start=datetime.date(2023, 3, 10), end=datetime.date(2023, 3, 12))
    assert event.matching_disputes().count() == 2
    assert event.best_matching_dispute() == later
