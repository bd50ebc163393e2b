from datetime import date
from decimal import Decimal

import pytest

from disputes.figures import twitter
from disputes.figures.common import SourceFormatError

from .support import DATA_DIR, FIXTURES, requires_shared_data, split

FILE = FIXTURES / "twitter" / "removal-requests.csv"


def _by_key(records):
    return {r.source_key: r for r in records}


def test_it_reads_the_legal_demands_table():
    records, _, _ = split(twitter.parse(FILE))
    india = _by_key(records)["legal-demands/2020-07-01/IN"]
    assert (india.requests, india.items) == (6971, 9855)
    assert india.items_unit == "accounts specified"
    assert india.compliance_rate == Decimal("9.69")  # 0.0969 as a percent
    assert (india.period_start, india.period_end) == (date(2020, 7, 1), date(2020, 12, 31))
    assert india.raw["Court Orders"] == "15"
    assert india.line == 3


def test_it_strips_footnote_stars_and_maps_twitter_names():
    records, _, _ = split(twitter.parse(FILE))
    assert {r.country_name: r.country for r in records} == {
        "India": "IN", "China**": "CN", "Hong Kong SAR": "HK",
        "Macedonia": "MK", "Bosnia And Herzegovina": "BA",
    }


def test_it_reads_null_rates_as_unknown():
    records, _, _ = split(twitter.parse(FILE))
    assert _by_key(records)["legal-demands/2018-07-01/MK"].compliance_rate is None


def test_it_skips_worldwide_and_the_global_table_with_their_lines():
    _, _, skipped = split(twitter.parse(FILE))
    assert [(s.line, "Worldwide" in s.reason) for s in skipped[:1]] == [(6, True)]
    assert [s.line for s in skipped[1:]] == [15, 16]


def test_it_reports_bad_rows_and_keeps_the_good_ones():
    records, errors, _ = split(twitter.parse(FILE))
    assert [e.line for e in errors] == [9, 10]
    assert "2018-07-02" in errors[0].reason
    assert "Gondor" in errors[1].reason
    assert len(records) == 5


def test_it_refuses_a_file_without_the_legal_demands_table():
    with pytest.raises(SourceFormatError):
        list(twitter.parse(FIXTURES / "bad-format" / "not-twitter.csv"))


@requires_shared_data
def test_it_reads_the_real_file_with_the_readme_counts():
    records, errors, skipped = split(twitter.parse(DATA_DIR / "twitter_removal_requests"))
    assert errors == []
    # 617 country rows in table 1 (4 of them all-zero "Worldwide") and 7 global rows in table 2.
    assert len(records) + sum("Worldwide" in s.reason for s in skipped) == 617
    assert len(skipped) == 4 + 7
    assert len(records) == 613
    assert len({r.period_start for r in records}) == 18
    india = _by_key(records)["legal-demands/2020-07-01/IN"]
    assert india.requests == 6971
