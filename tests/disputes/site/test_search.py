"""Search runs on each database's own full-text engine; `make test` runs this
file on SQLite (FTS5) and on PostgreSQL (tsvector) and both must agree."""

import re

import pytest
from django.db import connection

from disputes.site.search import MARK_END, MARK_START, PASSAGE_WORDS, search
from tests.factories import ArticleFactory, DisputeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db):
    DisputeFactory(title="Nigeria suspends Twitter", summary="After protests the government suspended the service.")
    DisputeFactory(title="Candidate protest dispute", summary="Protesters", review_state="candidate")
    ArticleFactory(title="Farmers protesting in Delhi", text="Thousands of farmers protested the new laws.",
                   status="annotated")
    ArticleFactory(title="Failed fetch about protests", text="protests", status="failed", failure_reason="HTTP 404")
    ArticleFactory(title="Weather report", text="Sunny.", status="extracted")


def test_it_uses_the_databases_own_engine(corpus):
    assert connection.vendor in {"sqlite", "postgresql"}
    total, hits = search("dispute", "protest")
    assert total == 1
    assert hits[0].kind == "dispute" and hits[0].obj.title == "Nigeria suspends Twitter"  # the row comes along


def test_it_matches_word_forms_in_disputes_and_articles(client, corpus, researcher):
    client.force_login(researcher)  # uncited articles are the archive signed-in researchers search
    response = client.get("/search/?q=protest")
    assert response.status_code == 200
    results = response.context["results"]
    assert [h.obj.title for h in results["dispute"]["hits"]] == ["Nigeria suspends Twitter"]
    assert [h.obj.title for h in results["article"]["hits"]] == ["Farmers protesting in Delhi"]
    html = response.content.decode()
    assert "<mark>" in html


def test_every_word_must_match(corpus):
    assert search("article", "farmers weather", archive=True)[0] == 0
    assert search("article", "farmers laws", archive=True)[0] == 1


def test_results_have_the_same_shape_on_both_databases(corpus):
    total, hits = search("article", "farmers", archive=True)
    assert total == 1
    [hit] = hits
    assert hit.kind == "article" and isinstance(hit.rank, float) and hit.rank > 0
    assert "<mark>" in hit.snippet and "farmers" in hit.snippet.lower()


@pytest.mark.parametrize("q", ['"', "*", "protest OR", "NEAR(", "a AND (", "'; DROP TABLE x; --", "ü"])
def test_query_syntax_never_breaks_it(client, corpus, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200


def test_an_empty_query_shows_the_help(client, corpus):
    response = client.get("/search/")
    assert response.status_code == 200
    assert b"Every word must match" in response.content


def test_an_overlong_query_is_a_400(client, db):
    assert client.get("/search/", {"q": "x" * 201}).status_code == 400
    assert client.get("/search/", {"q": "x", "kind": "tweets"}).status_code == 400
    assert client.get("/search/", {"q": "x", "page": "-1"}).status_code == 400


def test_the_index_follows_edits(corpus):
    from disputes.models import Dispute

    dispute = Dispute.objects.get(title="Nigeria suspends Twitter")
    dispute.title = "Nigeria lifts its Koo ban"
    dispute.save()
    assert search("dispute", "koo")[0] == 1
    dispute.delete()
    assert search("dispute", "koo")[0] == 0


def test_one_kind_pages_its_results(client, db, researcher):
    client.force_login(researcher)
    for i in range(25):
        ArticleFactory(title=f"Blocking order {i}", text="blocking", status="annotated")
    response = client.get("/search/", {"q": "blocking", "kind": "article"})
    assert response.context["results"]["article"]["total"] == 25
    assert len(response.context["results"]["article"]["hits"]) == 20
    assert b"page=2" in response.content
    page2 = client.get("/search/", {"q": "blocking", "kind": "article", "page": 2})
    assert len(page2.context["results"]["article"]["hits"]) == 5


def test_htmx_gets_the_results_partial(client, corpus):
    response = client.get("/search/?q=protest", headers={"HX-Request": "true"})
    assert response.content.decode().strip().startswith('<div id="results"')


@pytest.mark.parametrize("url", ["/search/", "/disputes/", "/api/articles/", "/search/export.csv"])
def test_nul_bytes_are_rejected_not_passed_to_the_database(client, db, url):
    # PostgreSQL refuses NUL in text; the forms must stop it first.
    assert client.get(url, {"q": "pro\x00test"}).status_code == 400


def test_title_hits_come_first_then_the_newest(db):
    import datetime

    old_title = ArticleFactory(title="Encryption rules", text="encryption", status="annotated",
                               published=datetime.date(2015, 1, 1))
    new_text = ArticleFactory(title="Weekly digest", text="new encryption rules", status="annotated",
                              published=datetime.date(2024, 1, 1))
    new_title = ArticleFactory(title="Encrypted apps blocked", text="encryption", status="annotated",
                               published=datetime.date(2023, 1, 1))
    total, hits = search("article", "encryption", archive=True)
    assert total == 3
    assert [h.pk for h in hits] == [new_title.pk, old_title.pk, new_text.pk]
    assert hits[0].rank > hits[2].rank > 0


def test_article_hits_name_the_confirmed_disputes_citing_them(client, db):
    from tests.factories import EvidenceFactory

    article = ArticleFactory(title="Kavach order", text="kavach", status="annotated")
    cited = DisputeFactory(title="India blocks Kavach")
    EvidenceFactory(article=article, dispute=cited)
    EvidenceFactory(article=article, dispute=DisputeFactory(title="Unreviewed", review_state="candidate"))
    [hit] = search("article", "kavach", archive=True)[1]
    assert [d.pk for d in hit.disputes] == [cited.pk]
    body = client.get("/search/?q=kavach").content.decode()
    assert f'Evidence in <a href="{cited.get_absolute_url()}">India blocks Kavach</a></p>' in body


def test_status_updates_keep_the_index_and_text_edits_refresh_it(corpus):
    from ingestion.models import Article

    article = Article.objects.get(title="Farmers protesting in Delhi")
    # What ingestion writes many times per article: the index must not be touched, nor broken.
    Article.objects.filter(pk=article.pk).update(lease_token="x", attempts=3)
    assert search("article", "farmers", archive=True)[0] == 1
    Article.objects.filter(pk=article.pk).update(text="Tractors rolled into the capital.")
    assert search("article", "farmers", archive=True)[0] == 1  # still in the title
    assert search("article", "tractors", archive=True)[0] == 1 and search("article", "thousands")[0] == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers are SQLite's")
def test_an_old_update_trigger_on_every_column_is_replaced(db):
    from disputes.site.search import ensure_search_index

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER ingestion_article_fts_au")
        cursor.execute(
            "CREATE TRIGGER ingestion_article_fts_au AFTER UPDATE ON ingestion_article BEGIN "
            "INSERT INTO ingestion_article_fts(ingestion_article_fts, rowid, title, text) "
            "VALUES ('delete', old.id, old.title, old.text); "
            "INSERT INTO ingestion_article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
        )
        ensure_search_index()
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'ingestion_article_fts_au'")
        assert "AFTER UPDATE OF title, text ON" in cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 leaf size is SQLite's")
def test_an_index_with_the_default_leaf_size_is_rebuilt_with_the_smaller_one(corpus):
    from disputes.site.search import FTS5_PAGE_SIZE, ensure_search_index

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ingestion_article_fts_config WHERE k = 'pgsz'")  # an index from before
        ensure_search_index()
        cursor.execute("SELECT v FROM ingestion_article_fts_config WHERE k = 'pgsz'")
        assert cursor.fetchone()[0] == FTS5_PAGE_SIZE
    assert search("article", "farmers", archive=True)[0] == 1  # rebuilt, not emptied


def _marked(passage: str) -> list[str]:
    return re.findall(f"{MARK_START}(.*?){MARK_END}", passage)


@pytest.mark.parametrize("q, text", [
    ("encryption", "Encrypted apps: ENCRYPTS, encrypting, the encryption_key and re-encryption, not encore or Encyclopedia."),
    ("protest sovereign", "Protesters protested; a protest over sovereignty, the sovereign's protests, sovereigns."),
    ("running laws", "He runs, ran and was running; lawyers and laws, a lawful law."),
    ("cafe", "Le café, the cafes and a CAFÉ near a caféteria."),
])
def test_passages_mark_what_the_databases_own_engine_matches(db, q, text):
    # The passages are built in Python: they must mark the words the engine's
    # own highlighter marks (FTS5's highlight(), PostgreSQL's ts_headline()).
    article = ArticleFactory(title="Untitled", text=text, status="annotated")
    total, hits = search("article", q, archive=True)
    if total == 0:  # a word form this engine does not fold (PostgreSQL keeps accents)
        assert connection.vendor == "postgresql" and q == "cafe"
        return
    [hit] = hits
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT highlight(ingestion_article_fts, 1, %s, %s) FROM ingestion_article_fts "
                "WHERE ingestion_article_fts MATCH %s AND rowid = %s",
                [MARK_START, MARK_END, " ".join(f'"{w}"' for w in q.split()), article.pk],
            )
        else:
            cursor.execute(
                "SELECT ts_headline('english', %s, plainto_tsquery('english', %s), %s)",
                [text, q, f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"],
            )
        expected = _marked(cursor.fetchone()[0])
    assert expected and _marked(hit.snippet_raw) == expected


def test_a_passage_is_the_window_around_the_best_match(db):
    filler = " ".join(f"word{i}" for i in range(200))
    ArticleFactory(title="Untitled", text=f"{filler} kavach once. {filler} the kavach order and its telegram ban. {filler}",
                   status="annotated")
    [hit] = search("article", "kavach telegram", archive=True)[1]
    passage = hit.snippet_raw
    # Both words in one window, rather than the first "kavach" alone; cut on both sides.
    assert _marked(passage) == ["kavach", "telegram"]
    assert passage.startswith("…") and passage.endswith("…")
    assert len(passage.split()) == PASSAGE_WORDS


def test_a_passage_without_a_match_in_the_text_is_its_start(db):
    ArticleFactory(title="Kavach order", text=" ".join(f"word{i}" for i in range(100)) + ".", status="annotated")
    [hit] = search("article", "kavach", archive=True)[1]
    assert hit.snippet_raw == " ".join(f"word{i}" for i in range(PASSAGE_WORDS)) + "…"


def test_a_passage_at_the_end_of_a_text_takes_more_words_before(db):
    ArticleFactory(title="Untitled", text=" ".join(f"word{i}" for i in range(100)) + " kavach.", status="annotated")
    [hit] = search("article", "kavach", archive=True)[1]
    assert hit.snippet_raw.startswith("…word77 ") and hit.snippet_raw.endswith(f"{MARK_START}kavach{MARK_END}.")


def test_anonymous_visitors_find_only_articles_a_curator_accepted(client, db, researcher):
    from tests.factories import EvidenceFactory

    accepted = ArticleFactory(title="Kavach order accepted", text="kavach", status="annotated")
    EvidenceFactory(article=accepted, dispute=DisputeFactory(title="India blocks Kavach"))
    waiting = ArticleFactory(title="Kavach order attached", text="kavach", status="annotated")
    EvidenceFactory(article=waiting, dispute=DisputeFactory(), review_state="candidate")
    ArticleFactory(title="Kavach football", text="kavach", status="annotated")  # a negative
    assert [h.pk for h in search("article", "kavach")[1]] == [accepted.pk]
    anonymous = client.get("/search/?q=kavach&kind=article").content.decode()
    assert "Kavach order accepted" in anonymous and "Kavach order attached" not in anonymous
    assert "unreviewed, machine-annotated" not in anonymous
    assert [a["id"] for a in client.get("/api/articles/").json()["results"]] == [accepted.pk]

    client.force_login(researcher)
    signed_in = client.get("/search/?q=kavach&kind=article").content.decode()
    assert "Kavach order attached" in signed_in and "Kavach football" in signed_in
    assert signed_in.count("unreviewed, machine-annotated") == 2
    api = {a["id"]: a for a in client.get("/api/articles/").json()["results"]}
    assert len(api) == 3
    assert api[accepted.pk]["reviewed"] is True and "label" not in api[accepted.pk]
    assert api[waiting.pk] | {} == api[waiting.pk] and api[waiting.pk]["label"] == "unreviewed, machine-annotated"
