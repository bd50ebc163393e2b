import csv
import io
import json
from decimal import Decimal

import pytest

from disputes.site.exports import neutralise
from tests.factories import DisputeFactory, PartyFactory, PlatformFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("value", [
    "=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\tplain", "\rplain",
    # a formula sign behind whitespace, non-breaking or zero-width characters
    " =1+1", "   @SUM(A1)", "\n-2+3", "\u00a0=1+1", "\u200b=1+1", "\u200c+1", "\u200d-1", "\ufeff=1",
    "\u2060@A1", "\u00a0\u200b \u2060=cmd|'/C calc'!A0", "\x00=1",
    # full-width and other minus and small signs
    "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", " \uff1d1", "\u22121", "\ufe62\ufe661",
    # text that looks like a negative number is still text in a text column
    "-5",
])
def test_formula_cells_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [
    "India", "", 1178, None, "a=b", "Twitter @handle", "1+1", "Section 69A", " India", "\u00a0India",
    "\u200bIndia", "email a@b.example", "x-y", "\uff21",  # full-width A is not a sign
])
def test_plain_cells_pass(value):
    assert neutralise(value) == ("" if value is None else value)


@pytest.mark.parametrize("value", [-5, -0.25, Decimal("-1200.50"), 0, 3.5, True])
def test_numbers_stay_numbers_negative_ones_included(value):
    # Numeric columns are typed: a spreadsheet reads -5 as a value, and a quote would make it text.
    assert neutralise(value) is value


def test_the_csv_download_respects_filters_and_defuses_formulas(client, world):
    world(1)
    evil = DisputeFactory(title="=cmd|' /C calc'!A0", country="TR", slug="evil")
    PartyFactory(dispute=evil, actor=PlatformFactory(name="@platform", platform="other"), role="targeted")
    response = client.get("/disputes/export.csv?country=TR")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="disputes.csv"' == response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:4] == ["slug", "title", "country", "status"]
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    assert rows[1][8] == "other"


def test_the_json_download_respects_filters(client, world):
    world(2)
    DisputeFactory(country="TR")
    response = client.get("/disputes/export.json?country=IN")
    data = json.loads(response.content)
    assert data["count"] == 2 and data["filters"] == {"country": "IN"}
    assert data["disputes"][0]["platforms"] == "twitter"
    assert data["disputes"][0]["url"].startswith("http://testserver/disputes/")


def test_exports_reject_bad_filters(client, db):
    response = client.get("/disputes/export.csv?country=ZZ")
    assert response.status_code == 400
    assert "country" in json.loads(response.content)["errors"]
    assert client.get("/disputes/export.xlsx").status_code == 404


def test_the_compare_matrix_downloads(client, world):
    world(1)
    rows = read_csv(client.get("/compare/export.csv"))
    assert rows == [["country", "platform", "disputes", "demands", "answered", "complied"], ["IN", "twitter", "1", "2", "1", "1"]]
    data = json.loads(client.get("/compare/export.json").content)
    assert data["cells"][0]["country"] == "IN"


def test_search_results_download_with_formulas_defused(client, db):
    from tests.factories import ArticleFactory, EvidenceFactory

    article = ArticleFactory(title="=HYPERLINK(\"http://evil\") protest", text="protest", status="annotated", outlet="@outlet")
    EvidenceFactory(article=article)  # accepted as evidence: public
    rows = read_csv(client.get("/search/export.csv?q=protest"))
    assert rows[0] == ["kind", "rank", "title", "url", "country_or_outlet", "date", "snippet"]
    assert rows[1][0] == "article"
    assert rows[1][2].startswith("'=HYPERLINK") and rows[1][4] == "'@outlet"
    data = json.loads(client.get("/search/export.json?q=protest&kind=article").content)
    assert data["results"][0]["kind"] == "article"
    assert client.get("/search/export.csv?q=x&kind=tweets").status_code == 400
