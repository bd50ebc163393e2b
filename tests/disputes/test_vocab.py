"""The vocabularies: countries from pycountry plus the alias file, platforms from one table."""

import pytest

from disputes import vocab
from disputes.models import Platform
from ingestion.annotation import gazetteer


@pytest.mark.parametrize(("name", "code"), [
    ("Türkiye", "TR"), ("Turkey", "TR"), ("South Korea", "KR"), ("Korea, Republic of", "KR"),
    ("EU", "EU"), ("European Union", "EU"), ("U.K.", "GB"), ("united  kingdom", "GB"), ("Russia", "RU"),
    ("Côte d’Ivoire", "CI"), ("Ivory Coast", "CI"), ("Myanmar", "MM"), ("Burma", "MM"), ("in", "IN"),
    ("Curacao", "CW"), ("Hong Kong SAR", "HK"), ("Iran (Islamic Republic of)", "IR"), ("Somaliland", "SO"),
])
def test_it_finds_a_country_by_the_names_news_and_publishers_use(name, code):
    assert vocab.country_code(name) == code


@pytest.mark.parametrize("name", ["Europol", "Brazilian", "Tehran", "", "Georgia-Pacific"])
def test_it_finds_no_country_for_other_names(name):
    assert vocab.country_code(name) is None


def test_countries_come_from_pycountry_plus_the_eu_and_kosovo():
    assert len(vocab.COUNTRY_CODES) > 240 and {"EU", "XK", "IN", "GB"} <= set(vocab.COUNTRY_CODES)
    assert vocab.country_name("in") == "India" and vocab.country_name("EU") == "European Union"
    assert vocab.country_name("ZZ") == "ZZ"


def test_every_alias_names_a_known_country_once():
    rows = vocab.country_aliases()
    assert {row.kind for row in rows} == {"name", "demonym", "capital", "publisher"}
    assert len(rows) == len(set(rows))
    assert all(row.alias.strip() == row.alias and row.alias for row in rows)


def test_the_gazetteer_reads_the_country_aliases():
    india = gazetteer.countries()["IN"]
    assert "India" in india.names and "Indian" in india.demonyms and "New Delhi" in india.capitals
    assert "Georgia" not in gazetteer.countries()["GE"].names  # ambiguous: left out of the file
    # Publishers' spellings are for country_code only, not for finding countries in news.
    assert "Antigua" not in gazetteer.countries()["AG"].names and "Somaliland" not in gazetteer.countries()["SO"].names


def test_platform_choices_and_gazetteer_aliases_come_from_one_table():
    assert Platform.choices == vocab.PLATFORM_CHOICES
    assert Platform.TWITTER.label == "Twitter / X"
    assert gazetteer.PLATFORM_ALIASES == {term.code: term.aliases for term in vocab.PLATFORMS}
    assert "X" in gazetteer.PLATFORM_ALIASES["twitter"] and "Periscope" in gazetteer.PLATFORM_ALIASES["other"]
