from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from disputes.figures import google
from disputes.figures.common import SourceFormatError

from .support import DATA_DIR, FIXTURES, requires_shared_data, split

GOOGLE = FIXTURES / "google"


def _by_key(records):
    return {r.source_key: r for r in records}


def test_it_reads_the_summary_layout_with_either_requester_header():
    records, errors, _ = split(google.parse(GOOGLE / "summary-2023-download.csv"))
    rows = _by_key(records)
    argentina = rows["summary/2019-06-30/AR/Court Order Directed at Google"]
    assert (argentina.requests, argentina.items) == (86, 120)
    assert argentina.compliance_rate == Decimal(50)
    assert argentina.compliance_basis == "items"
    assert (argentina.period_start, argentina.period_end) == (date(2019, 1, 1), date(2019, 6, 30))
    assert argentina.dataset == "google-summary"
    assert argentina.platform == "google"
    assert argentina.line == 2


def test_it_keeps_namibia_as_na():
    records, _, _ = split(google.parse(GOOGLE / "summary-2023-download.csv"))
    namibia = _by_key(records)["summary/2019-06-30/NA/Police"]
    assert namibia.country == "NA"
    assert namibia.compliance_rate == 0  # blank removed shares mean 0%


def test_it_keeps_europol_without_a_country():
    records, _, _ = split(google.parse(GOOGLE / "summary-2023-download.csv"))
    europol = _by_key(records)["summary/2019-06-30/Europol/Other"]
    assert europol.country == ""
    assert europol.country_name == "Europol"
    assert europol.items == 1204
    assert europol.compliance_rate == 60


def test_it_leaves_the_rate_unknown_when_no_outcome_is_given():
    records, _, _ = split(google.parse(GOOGLE / "summary-2023-download.csv"))
    ivory_coast = _by_key(records)["summary/2019-12-31/CI/Government Officials"]
    assert ivory_coast.compliance_rate is None
    assert ivory_coast.country_name == "Côte d’Ivoire"


def test_it_caps_rounded_rates_at_100_with_a_warning():
    records, _, _ = split(google.parse(GOOGLE / "summary-2023-download.csv"))
    spain = _by_key(records)["summary/2020-06-30/ES/Consumer Protection Authority"]
    assert spain.compliance_rate == 100
    assert "101" in spain.warnings[0]


def test_it_reports_bad_rows_with_line_numbers_and_keeps_the_good_ones():
    records, errors, _ = split(google.parse(GOOGLE / "summary-2023-download.csv"))
    assert [(e.line, e.file) for e in errors] == [
        (7, "summary-2023-download.csv"),
        (8, "summary-2023-download.csv"),
        (9, "summary-2023-download.csv"),
    ]
    assert "2020-05-31" in errors[0].reason
    assert "lots" in errors[1].reason
    assert "fields" in errors[2].reason
    assert len(records) == 6


def test_it_maps_youtube_to_its_own_platform_in_the_detailed_layout():
    records, errors, _ = split(google.parse(GOOGLE / "detailed.csv"))
    rows = _by_key(records)
    youtube = rows["detailed/2011-06-30/IN/YouTube/Defamation"]
    assert (youtube.platform, youtube.product, youtube.reason) == ("youtube", "YouTube", "Defamation")
    assert youtube.requests == 4
    assert youtube.items is None
    assert rows["detailed/2011-06-30/IN/Web Search/Government Criticism"].platform == "google"
    assert rows["detailed/2013-06-30/Interpol/Gmail/Other"].country == ""
    assert rows["detailed/2020-12-31/XK/Blogger/Privacy and Security"].country == "XK"
    assert [(e.line, "ZZ" in e.reason or "Total" in e.reason) for e in errors] == [
        (7, True), (8, True),
    ]


def test_it_reads_under_ten_and_question_marks_in_the_historical_layout():
    records, errors, _ = split(google.parse(GOOGLE / "historical.csv"))
    rows = _by_key(records)
    armenia = rows["historical/2009-12-31/AM"]
    assert (armenia.requests, armenia.requests_below) == (None, 10)
    assert armenia.compliance_basis == "requests"
    china = rows["historical/2009-12-31/CN"]
    assert (china.requests, china.items, china.compliance_rate) == (None, None, None)
    austria = rows["historical/2010-06-30/AT"]
    assert (austria.items, austria.items_below) == (None, 10)
    assert rows["historical/2009-12-31/AR"].items is None  # blank: not reported yet
    assert [e.line for e in errors] == [6]
    assert "150" in errors[0].reason


def test_it_rejects_a_file_of_another_kind():
    with pytest.raises(SourceFormatError):
        list(google.parse(FIXTURES / "bad-format" / "not-google.csv"))


def test_it_reads_every_file_of_a_folder():
    records, errors, _ = split(google.parse(GOOGLE))
    assert {r.dataset for r in records} == {"google-summary", "google-detailed", "google-historical"}
    assert len(errors) == 6


@requires_shared_data
def test_it_reads_the_real_files_with_the_readme_counts():
    records, errors, skipped = split(google.parse(DATA_DIR / "google_transparency"))
    assert errors == [] and skipped == []
    per_file = Counter(r.file for r in records)
    assert per_file == {
        "google-government-removal-requests.csv": 3800,
        "google-government-detailed-removal-requests.csv": 21065,
        "google-government-removal-requests-historical.csv": 1204,
    }
    assert len({r.source_key for r in records}) == len(records)
    # Argentina 2019-H1 was revised from 86 to 44 requests in the 2025 download.
    argentina = [
        r for r in records
        if r.source_key == "summary/2019-06-30/AR/Court Order Directed at Google"
    ]
    assert argentina[0].requests == 44
    under_ten = [r for r in records if r.requests_below == 10]
    assert len(under_ten) == 48
    assert sum(1 for r in records if r.country == "NA") > 0
    assert {r.country_name for r in records if r.country == ""} == {"Europol", "Interpol"}
