import datetime
from decimal import Decimal

import pytest

from disputes.figures.selectors import (
    platform_figures_for_country,
    platform_figures_for_platform,
    shutdown_events_for_country,
)
from tests.factories import PlatformReportFactory, ShutdownEventFactory

pytestmark = pytest.mark.django_db

H1_2019 = {"period_start": datetime.date(2019, 1, 1), "period_end": datetime.date(2019, 6, 30)}
H2_2019 = {"period_start": datetime.date(2019, 7, 1), "period_end": datetime.date(2019, 12, 31)}


def _series(result, key):
    return next(s for s in result if s["key"] == key)


def test_it_sums_requester_rows_and_weights_the_rate_by_items():
    PlatformReportFactory(requester_type="Police", requests=2, items=10, compliance_rate=100,
                          compliance_basis="items", **H1_2019)
    PlatformReportFactory(requester_type="Courts", requests=3, items=30, compliance_rate=0,
                          compliance_basis="items", **H1_2019)
    (series,) = platform_figures_for_country("IN")
    assert series["label"] == "Google: government removal requests, all products"
    assert series["publisher"] == "Google Transparency Report"
    assert series["compliance_basis"] == "items"
    (point,) = series["points"]
    assert (point["period"], point["requests"], point["items"]) == ("2019-H1", 5, 40)
    assert point["compliance_rate"] == Decimal("25.0")


def test_it_prefers_googles_current_file_where_both_formats_cover_a_half_year():
    PlatformReportFactory(dataset="google-historical", requests=13, compliance_rate=50,
                          compliance_basis="requests", **H1_2019)
    PlatformReportFactory(dataset="google-historical", requests=9,
                          period_start=datetime.date(2018, 7, 1), period_end=datetime.date(2018, 12, 31))
    PlatformReportFactory(dataset="google-summary", requests=7, **H1_2019)
    (series,) = platform_figures_for_country("IN")
    assert [(p["period"], p["requests"], p["dataset"]) for p in series["points"]] == [
        ("2018-H2", 9, "google-historical"),
        ("2019-H1", 7, "google-summary"),
    ]


def test_it_keeps_one_series_per_publisher_dataset_and_platform():
    PlatformReportFactory(**H1_2019)
    PlatformReportFactory(dataset="google-detailed", platform="youtube", product="YouTube", items=None, **H1_2019)
    PlatformReportFactory(source="twitter", dataset="twitter-legal-demands", platform="twitter",
                          publisher="Twitter (X) Transparency Center", **H1_2019)
    PlatformReportFactory(source="meta", dataset="meta", platform="instagram", requests=None,
                          publisher="Meta Transparency Center", **H1_2019)
    PlatformReportFactory(country="PK", **H1_2019)
    keys = [s["key"] for s in platform_figures_for_country("IN")]
    assert keys == [
        "google-detailed:youtube", "google-requests:google", "meta:instagram", "twitter-legal-demands:twitter",
    ]
    meta = _series(platform_figures_for_country("IN"), "meta:instagram")
    assert meta["items_unit"] == "items restricted"
    assert meta["points"][0]["requests"] is None


def test_it_passes_under_ten_through():
    PlatformReportFactory(dataset="google-historical", requests=None, requests_below=10, items=None, **H1_2019)
    (point,) = platform_figures_for_country("IN")[0]["points"]
    assert (point["requests"], point["requests_below"], point["approximate"]) == (None, 10, False)


def test_it_flags_sums_over_countries_that_miss_a_figure():
    PlatformReportFactory(dataset="google-historical", requests=20, **H1_2019)
    PlatformReportFactory(dataset="google-historical", country="AM", requests=None, requests_below=10, **H1_2019)
    (point,) = platform_figures_for_platform("google")[0]["points"]
    assert (point["requests"], point["approximate"]) == (20, True)


def test_it_sums_a_platform_over_countries_but_not_europol():
    PlatformReportFactory(requests=4, **H1_2019)
    PlatformReportFactory(country="PK", requests=6, **H1_2019)
    PlatformReportFactory(country="", country_name="Europol", requests=100, **H1_2019)
    PlatformReportFactory(platform="youtube", dataset="google-detailed", requests=50, **H1_2019)
    (series,) = platform_figures_for_platform("google")
    assert [p["requests"] for p in series["points"]] == [10]
    assert platform_figures_for_platform("nonsense") == []


def test_it_groups_half_years_into_years():
    PlatformReportFactory(requests=4, items=10, compliance_rate=100, compliance_basis="items", **H1_2019)
    PlatformReportFactory(requests=6, items=30, compliance_rate=0, compliance_basis="items", **H2_2019)
    PlatformReportFactory(requests=1, period_start=datetime.date(2020, 1, 1), period_end=datetime.date(2020, 6, 30))
    points = platform_figures_for_country("IN", granularity="year")[0]["points"]
    assert [(p["period"], p["requests"], p["halves"]) for p in points] == [("2019", 10, 2), ("2020", 1, 1)]
    assert points[0]["compliance_rate"] == Decimal("25.0")
    with pytest.raises(ValueError):
        platform_figures_for_country("IN", granularity="month")


def test_it_costs_one_query_whatever_the_data(django_assert_num_queries):
    for country in ("IN", "PK"):
        for period in (H1_2019, H2_2019):
            PlatformReportFactory(country=country, **period)
            PlatformReportFactory(country=country, dataset="google-detailed", platform="youtube", **period)
    with django_assert_num_queries(1):
        platform_figures_for_country("IN")
    with django_assert_num_queries(1):
        platform_figures_for_platform("youtube")


def test_it_counts_shutdowns_per_year_including_multi_country_rows():
    ShutdownEventFactory(country="KE", countries=["KE"], count_year=2021, extent="full_network")
    ShutdownEventFactory(country="BI", countries=["BI", "KE"], count_year=2021)
    ShutdownEventFactory(country="KE", countries=["KE"], count_year=2023)
    assert shutdown_events_for_country("KE") == [
        {"year": 2021, "full_network": 1, "service_based": 1, "both": 0},
        {"year": 2023, "full_network": 0, "service_based": 1, "both": 0},
    ]
