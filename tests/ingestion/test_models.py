import pytest
from django.db import IntegrityError, transaction

from ingestion.models import Article
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_two_articles_cannot_share_a_canonical_url():
    ArticleFactory(canonical_url="https://a.example/1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(canonical_url="https://a.example/1")


def test_two_articles_cannot_share_a_content_hash():
    ArticleFactory(content_hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(content_hash="a" * 64)


def test_blank_keys_do_not_collide():
    ArticleFactory(canonical_url="", content_hash="", external_id="")
    ArticleFactory(canonical_url="", content_hash="", external_id="")
    assert Article.objects.count() == 2


def test_a_corpus_id_is_unique_within_its_source():
    source = SourceFactory()
    ArticleFactory(source=source, external_id="seed")
    ArticleFactory(source=SourceFactory(), external_id="seed")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(source=source, external_id="seed")


@pytest.mark.parametrize("status", ["failed", "skipped"])
def test_a_failed_or_skipped_article_must_say_why(status):
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status=status, failure_reason="")


def test_final_statuses():
    assert Article(status="annotated").is_final
    assert not Article(status="extracted").is_final  # annotation still to come
    assert not Article(status="fetched").is_final
