from collections import Counter
from datetime import date

import pytest

from disputes.figures import meta
from disputes.figures.common import SourceFormatError

from .support import DATA_DIR, FIXTURES, requires_shared_data, split

META = FIXTURES / "meta"


def _by_key(records):
    return {r.source_key: r for r in records}


def test_it_takes_the_period_from_the_file_name():
    records, _, _ = split(meta.parse(META / "Content_Restrictions_2015_H1.csv"))
    assert {(r.period_start, r.period_end) for r in records} == {(date(2015, 1, 1), date(2015, 6, 30))}


def test_it_maps_the_names_of_the_old_layout():
    records, errors, _ = split(meta.parse(META / "Content_Restrictions_2015_H1.csv"))
    assert {r.country_name: r.country for r in records} == {
        "Hong Kong": "HK", "Palestine": "PS", "South Korea": "KR",
        "Taiwan": "TW", "Jersey": "JE", "Czech Republic": "CZ",
    }
    palestine = _by_key(records)["2015-H1/PS/all"]
    assert palestine.items == 1204
    assert (palestine.platform, palestine.requests, palestine.compliance_rate) == ("facebook", None, None)
    assert palestine.items_unit == "items restricted"
    assert palestine.dataset == "meta-combined"
    assert [(e.line, "Narnia" in e.reason) for e in errors[:1]] == [(8, True)]
    assert [e.line for e in errors] == [8, 9]  # Narnia; N/A where a count must be


def test_it_splits_facebook_and_instagram_without_other_countries_global_blocks():
    records, errors, _ = split(meta.parse(META / "Content_Restrictions_2020_H2.csv"))
    rows = _by_key(records)
    # Namibia's row repeats Brazil's global geo-blocks (12 items); none are Namibia's.
    assert rows["2020-H2/NA/facebook"].items == 0
    assert rows["2020-H2/NA/instagram"].items == 0
    assert rows["2020-H2/NA/facebook"].country == "NA"
    # Brazil's own global blocks ("applied to others") count for Brazil; thousands separators.
    assert rows["2020-H2/BR/facebook"].items == 1 + 5 + 7 + 4765
    assert rows["2020-H2/BR/instagram"].items == 1000 + 2
    assert rows["2020-H2/BR/facebook"].warnings == []
    # A blank cell (Andorra 2023_H2 in the real files) is read as nothing reported.
    assert rows["2020-H2/AD/facebook"].items == 0


def test_it_reports_bad_rows_and_keeps_the_good_ones():
    records, errors, _ = split(meta.parse(META / "Content_Restrictions_2020_H2.csv"))
    assert [e.line for e in errors] == [5, 6]
    assert "fields" in errors[0].reason
    assert "many" in errors[1].reason
    assert len(records) == 6


def test_it_refuses_a_file_name_without_a_half_year():
    with pytest.raises(SourceFormatError):
        list(meta.parse(FIXTURES / "bad-format" / "Content_Restrictions_latest.csv"))


@requires_shared_data
def test_it_reads_the_real_files_with_the_readme_counts():
    records, errors, skipped = split(meta.parse(DATA_DIR / "meta_content_restrictions"))
    assert errors == [] and skipped == []
    rows_per_file = Counter()
    for file, line in {(r.file, r.line) for r in records}:
        rows_per_file[file] += 1
    assert len(rows_per_file) == 21
    assert sorted(rows_per_file.items())[0] == ("Content_Restrictions_2013_H2.csv", 13)
    assert [rows_per_file[f] for f in sorted(rows_per_file)] == (
        [13, 15, 18, 15, 21, 19, 21, 28, 71, 66, 70] + [251] * 10
    )
    assert sum(rows_per_file.values()) == 2867
    # Old files give one record per row, newer ones a Facebook and an Instagram record.
    assert len(records) == 287 + 2 * (70 + 251 * 10)
    assert len({r.source_key for r in records}) == len(records)
    russia = {r.platform: r.items for r in records if r.source_key.startswith("2023-H2/RU/")}
    # Total 39: 37 + 1 are other countries' global blocks; one Instagram account is Russia's own.
    assert russia == {"facebook": 0, "instagram": 1}
    assert any(r.country == "NA" for r in records)
