from datetime import date
from decimal import Decimal

import pytest

from disputes.figures.common import (
    Count,
    country_iso2,
    csv_files,
    parse_count,
    parse_decimal,
    period_from_end,
    period_from_label,
    period_from_start,
    split_countries,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", Count(42)),
        ('4,765', Count(4765)),
        ("14,847", Count(14847)),
        ("<10", Count(None, 10)),
        ("", Count(None)),
        ("N/A", Count(None)),
        ("NULL", Count(None)),
        ("?", Count(None)),
        (" 7 ", Count(7)),
    ],
)
def test_it_reads_published_counts(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["-3", "many", "1.5", "<", "<x"])
def test_it_rejects_unreadable_counts(text):
    with pytest.raises(ValueError):
        parse_count(text)


def test_it_reads_rates():
    assert parse_decimal("0.0969") == Decimal("0.0969")
    assert parse_decimal("NULL") is None
    with pytest.raises(ValueError):
        parse_decimal("n.a.")


def test_it_normalises_each_period_convention():
    h1 = (date(2019, 1, 1), date(2019, 6, 30))
    h2 = (date(2020, 7, 1), date(2020, 12, 31))
    assert period_from_end("2019-06-30") == h1  # Google: last day
    assert period_from_start("2020-07-01") == h2  # Twitter: first day
    assert period_from_label("Content_Restrictions_2019_H1") == h1  # Meta: file name
    assert period_from_label("Content_Restrictions_2020_H2.csv") == h2


@pytest.mark.parametrize("text", ["2019-05-31", "2019-06-29", "junk"])
def test_it_rejects_period_ends_off_a_half_year(text):
    with pytest.raises(ValueError):
        period_from_end(text)


def test_it_rejects_period_starts_off_a_half_year():
    with pytest.raises(ValueError):
        period_from_start("2018-07-02")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Namibia", "NA"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Côte d’Ivoire", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("Curaçao", "CW"),
        ("Réunion", "RE"),
        ("Åland Islands", "AX"),
        ("Aland Islands", "AX"),
        ("China**", "CN"),
        ("Iran**", "IR"),
        ("Hong Kong SAR", "HK"),
        ("Bosnia And Herzegovina", "BA"),
        ("Macedonia", "MK"),
        ("South Korea", "KR"),
        ("North Korea", "KP"),
        ("Czech Republic", "CZ"),
        ("Palestine", "PS"),
        ("Palestine, State of", "PS"),
        ("Russian Federation", "RU"),
        ("Viet Nam", "VN"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Tanzania, United Republic of", "TZ"),
        ("Congo (Democratic Republic of the)", "CD"),
        ("Venezuela (Bolivarian Republic of)", "VE"),
        ("United States of America", "US"),
        ("Syrian Arab Republic", "SY"),
        ("Somaliland", "SO"),
        ("Antigua", "AG"),
        ("Jersey", "JE"),
        ("Kosovo", "XK"),
    ],
)
def test_it_maps_publisher_country_names(name, code):
    assert country_iso2(name) == code


def test_it_does_not_guess_unknown_countries():
    assert country_iso2("Worldwide") is None
    assert country_iso2("Europol") is None


def test_it_splits_multi_country_cells_on_semicolons_only():
    assert split_countries("Burundi; Kenya; Rwanda; Tanzania, United Republic of; Uganda") == [
        "BI", "KE", "RW", "TZ", "UG",
    ]
    assert split_countries("Laos; Myanmar") == ["LA", "MM"]
    with pytest.raises(ValueError, match="Westeros"):
        split_countries("Kenya; Westeros")


def test_it_refuses_a_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError):
        csv_files(tmp_path / "nope.csv")


def test_it_refuses_a_folder_without_csv_files(tmp_path):
    (tmp_path / "README.txt").write_text("Google's readme")
    with pytest.raises(FileNotFoundError, match="no CSV files"):
        csv_files(tmp_path)
