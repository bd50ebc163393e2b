from datetime import date

import pytest

from disputes.figures import stop
from disputes.figures.common import SourceFormatError

from .support import DATA_DIR, FIXTURES, requires_shared_data, split

FILE = FIXTURES / "stop" / "stop-quirks.csv"


def test_it_reads_a_platform_block():
    events, _, _ = split(stop.parse(FILE))
    myanmar = events[0]
    assert (myanmar.country, myanmar.start, myanmar.end) == ("MM", date(2021, 2, 1), None)
    assert myanmar.extent == "Service-based"
    assert myanmar.services_affected == ["facebook", "whatsapp", "youtube"]
    assert myanmar.platforms == ["facebook", "whatsapp", "youtube"]
    assert myanmar.other_services == "YouTube, VPNs"
    assert myanmar.evidence_urls == ["https://example.org/a", "https://example.org/b"]
    assert myanmar.cause == "Political instability"
    assert myanmar.justification.startswith("Fake news")
    assert myanmar.count_year == 2021
    assert myanmar.description == "Facebook blocked\nafter the coup.\nOngoing."


def test_it_counts_lines_across_embedded_newlines():
    events, errors, _ = split(stop.parse(FILE))
    assert [e.line for e in events] == [2, 5, 8, 9, 10, 13]
    assert [e.line for e in errors] == [11, 12, 14]


def test_it_keeps_every_country_of_a_multi_country_row():
    events, _, _ = split(stop.parse(FILE))
    east_africa = events[1]
    assert east_africa.countries == ["BI", "KE", "RW", "TZ", "UG"]
    assert east_africa.country == "BI"
    # A note, a bare URL per line and a URL without a scheme.
    assert east_africa.evidence_urls == [
        "https://example.org/c", "https://deshgujarat.com/2016/02/26/ban/",
    ]


def test_it_gives_repeated_events_distinct_stable_keys():
    events, _, _ = split(stop.parse(FILE))
    first, second = events[2], events[3]
    assert (first.country, first.country_names) == ("SO", "Somaliland")
    assert second.source_key == first.source_key + "#2"
    again, _, _ = split(stop.parse(FILE))
    assert [e.source_key for e in again] == [e.source_key for e in events]


def test_it_drops_an_end_date_before_the_start_with_a_warning():
    events, _, _ = split(stop.parse(FILE))
    india = events[4]
    assert india.end is None
    assert "before start" in india.warnings[0]


def test_it_cleans_quoted_urls():
    events, _, _ = split(stop.parse(FILE))
    nigeria = events[5]
    assert nigeria.evidence_urls == ["https://example.org/ng", "https://example.org/ng2"]
    assert nigeria.platforms == ["twitter"]
    assert nigeria.end == date(2022, 1, 13)


def test_it_reports_bad_rows_with_their_reason():
    _, errors, _ = split(stop.parse(FILE))
    reasons = [e.reason for e in errors]
    assert "Westeros" in reasons[0]
    assert "01/03/2020" in reasons[1]
    assert "fields" in reasons[2]


def test_it_refuses_a_file_of_another_kind():
    with pytest.raises(SourceFormatError):
        list(stop.parse(FIXTURES / "bad-format" / "not-stop.csv"))


@requires_shared_data
def test_it_reads_the_real_file_with_the_readme_counts():
    events, errors, skipped = split(stop.parse(DATA_DIR / "accessnow_stop"))
    assert errors == [] and skipped == []
    assert len(events) == 2102
    assert len({e.source_key for e in events}) == 2102
    assert sum(1 for e in events if e.end is None) == 715 + 3  # 3 end dates before the start
    assert sum("facebook" in e.services_affected for e in events) == 193
    assert sum(e.extent == "Service-based" for e in events) == 410
    assert {e.count_year for e in events} == set(range(2016, 2026))
    multi = [e.countries for e in events if len(e.countries) > 1]
    assert ["LA", "MM"] in multi
