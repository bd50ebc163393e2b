"""The annotate step against the database: store, attach, propose, never duplicate."""

import datetime
import json

import pytest
from django.core.management import call_command

from disputes.attach import article_attach
from disputes.models import Actor, Demand, Dispute, Evidence, Outcome, Penalty
from ingestion import annotating
from ingestion.models import ArticleAnnotation, Claim, Mention
from tests.factories import ActorFactory, ArticleFactory, DisputeFactory, PartyFactory, PlatformFactory
from tests.texts import FOLLOW_UP, FOOTBALL, INDIA_TWITTER

pytestmark = pytest.mark.django_db

@pytest.fixture
def india_actors():
    ministry = ActorFactory(
        name="Ministry of Electronics and Information Technology", slug="meity", kind="ministry", country="IN"
    )
    ministry.aliases.create(name="IT ministry")
    minister = ActorFactory(
        name="Ravi Shankar Prasad", slug="ravi-shankar-prasad", kind="official", country="IN", parent=ministry
    )
    twitter = PlatformFactory(name="Twitter", slug="twitter", platform="twitter")
    return ministry, minister, twitter


def _article(text, **kwargs):
    return ArticleFactory(title=kwargs.pop("title", "India orders Twitter to withhold accounts"), text=text,
                          published=datetime.date(2021, 2, 10), status="extracted", **kwargs)


def test_it_finds_the_seed_facts_and_proposes_a_candidate_dispute(india_actors):
    ministry, minister, twitter = india_actors
    article = _article(INDIA_TWITTER)

    annotating.articles_annotate(article_ids=[article.pk])

    annotation = ArticleAnnotation.objects.get(article=article)
    assert annotation.is_dispute
    assert annotation.fields["countries"] == ["IN"]
    assert "twitter" in annotation.fields["platforms"]
    assert annotation.pipeline_version == annotating.PIPELINE_VERSION
    prasad = Mention.objects.get(article=article, text="Ravi Shankar Prasad")
    assert prasad.actor == minister and prasad.actor.parent == ministry
    assert prasad.country == "IN"

    dispute = Dispute.objects.get()
    assert (dispute.country, dispute.review_state) == ("IN", "candidate")
    assert dispute.party_roles.filter(actor=twitter, role="targeted").exists()
    demand = Demand.objects.get(dispute=dispute, demand_type="withhold_accounts")
    assert demand.review_state == "candidate"
    assert demand.accounts_targeted == 1178
    assert "69A" in demand.legal_basis
    assert Penalty.objects.filter(demand__dispute=dispute, kind="jail_term").exists()
    evidence = Evidence.objects.get(demand=demand)
    assert "1,178 accounts" in evidence.quote
    assert article.text[evidence.quote_start : evidence.quote_end] == evidence.quote
    assert Outcome.objects.filter(dispute=dispute, kind="refused").exists()
    article.refresh_from_db()
    assert article.status == "annotated"


def test_annotating_again_changes_nothing(india_actors):
    article = _article(INDIA_TWITTER)
    annotating.articles_annotate(article_ids=[article.pk])
    tables = (Dispute, Demand, Outcome, Penalty, Evidence, Claim, Mention, ArticleAnnotation)
    before = {m.__name__: m.objects.count() for m in tables}
    annotating.articles_annotate(article_ids=[article.pk])
    call_command("reannotate", "--all", verbosity=0)
    assert {m.__name__: m.objects.count() for m in tables} == before


def test_a_later_report_joins_the_same_dispute(india_actors):
    first = _article(INDIA_TWITTER)
    second = _article(FOLLOW_UP, title="Twitter only partly complied, says India", url="https://news.example/2")
    annotating.articles_annotate(article_ids=[first.pk])
    annotating.articles_annotate(article_ids=[second.pk])
    assert Dispute.objects.count() == 1
    assert Evidence.objects.filter(article=second, demand__isnull=True, outcome__isnull=True).count() == 1


def test_it_attaches_to_a_confirmed_dispute_that_matches(india_actors):
    _, _, twitter = india_actors
    confirmed = DisputeFactory(country="IN", start_date=datetime.date(2021, 2, 1), review_state="confirmed")
    PartyFactory(dispute=confirmed, actor=twitter, role="targeted")
    article = _article(INDIA_TWITTER)
    annotating.articles_annotate(article_ids=[article.pk])
    assert Dispute.objects.count() == 1
    # Its findings and the report itself wait for a curator even inside a confirmed dispute.
    assert confirmed.demands.get().review_state == "candidate"
    assert set(Evidence.objects.filter(article=article).values_list("review_state", flat=True)) == {"candidate"}
    assert not Evidence.objects.filter(article=article).public().exists()


def test_an_episode_years_apart_is_a_different_dispute(india_actors):
    annotating.articles_annotate(article_ids=[_article(INDIA_TWITTER).pk])
    later = _article(INDIA_TWITTER.replace("2021", "2024"), url="https://news.example/2024")
    later.published = datetime.date(2024, 2, 10)
    later.save()
    annotating.articles_annotate(article_ids=[later.pk])
    assert Dispute.objects.count() == 2


def test_a_hard_negative_proposes_nothing():
    article = _article(FOOTBALL, title="Striker banned and club fined after brawl")
    annotating.articles_annotate(article_ids=[article.pk])
    assert not ArticleAnnotation.objects.get(article=article).is_dispute
    assert article_attach(article=article) is None
    assert not Dispute.objects.exists()


def test_the_pipeline_is_rebuilt_when_actors_change():
    first = annotating.get_pipeline()
    assert annotating.get_pipeline() is first
    ActorFactory(name="Ministry of Digital Affairs", country="PL")
    assert annotating.get_pipeline() is not first


def test_actor_patterns_link_aliases_to_their_actor(india_actors):
    ministry = india_actors[0]
    patterns = annotating.actor_patterns()
    assert {"label": "GOV_BODY", "pattern": "IT ministry", "id": f"IN:actor:{ministry.pk}"} in patterns
    assert not any(p["pattern"] == "Twitter" for p in patterns)  # platforms come from the gazetteer


def test_evaluate_annotations_scores_and_writes_nothing(tmp_path, capsys):
    corpus = tmp_path / "tiny.jsonl"
    records = [
        {"id": "a", "url": None, "outlet": "x", "published": "2021-02-10", "title": "India orders Twitter",
         "text": INDIA_TWITTER, "language": "en", "is_dispute": True, "dispute_key": "IN-twitter-2021-02-x",
         "countries": ["IN"], "platforms": ["twitter"], "government_actors": [], "demand_types": ["withhold_accounts"],
         "accounts_targeted": 1178, "posts_targeted": None, "legal_basis": None, "penalties_threatened": ["jail_term"],
         "outcomes": ["partially_complied"], "event_date": None, "duplicate_group": None, "notes": ""},
        {"id": "neg-b", "url": None, "outlet": "y", "published": "2021-03-03", "title": "Striker banned",
         "text": FOOTBALL, "language": "en", "is_dispute": False, "dispute_key": None, "countries": [],
         "platforms": [], "government_actors": [], "demand_types": [], "accounts_targeted": None,
         "posts_targeted": None, "legal_basis": None, "penalties_threatened": [], "outcomes": [],
         "event_date": None, "duplicate_group": None, "notes": ""},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n{broken line\n")
    out = tmp_path / "pred.jsonl"
    before = (Actor.objects.count(), Dispute.objects.count(), ArticleAnnotation.objects.count())

    call_command("evaluate_annotations", str(corpus), "--json", "--predictions", str(out))

    metrics = json.loads(capsys.readouterr().out)
    assert metrics["is_dispute"]["f1"] == 1.0
    assert metrics["accounts_targeted"]["accuracy"] == 1.0
    predictions = [json.loads(line) for line in out.read_text().splitlines()]
    assert [p["id"] for p in predictions] == ["a", "neg-b"]
    assert predictions[0]["countries"] == ["IN"]
    assert {"dispute_key", "duplicate_group", "event_date", "legal_basis"} <= set(predictions[0])
    assert (Actor.objects.count(), Dispute.objects.count(), ArticleAnnotation.objects.count()) == before


def test_the_annotate_step_takes_a_batch_and_fails_only_the_article_at_fault(india_actors, monkeypatch):
    good = _article(INDIA_TWITTER)
    other = _article(FOOTBALL)
    broken = _article(FOLLOW_UP)
    real = annotating.annotate_texts

    def spacy_chokes_on_the_follow_up(nlp, items):
        if any(text == FOLLOW_UP for _, text, _ in items):
            raise ValueError("a text spaCy cannot take")
        return real(nlp, items)

    monkeypatch.setattr(annotating, "annotate_texts", spacy_chokes_on_the_follow_up)
    done = annotating.articles_annotate_step(article_ids=[good.pk, broken.pk, other.pk, 987654])
    assert sorted(done) == [good.pk, other.pk]
    statuses = {a.pk: (a.status, a.failure_code) for a in type(good).objects.all()}
    assert statuses == {good.pk: ("annotated", ""), other.pk: ("annotated", ""),
                        broken.pk: ("failed", "annotation")}
    assert "a text spaCy cannot take" in type(good).objects.get(pk=broken.pk).failure_reason
    # Its move to failed is in its history, like every status change.
    assert broken.events.get(status="failed").detail.startswith("annotation: Annotation failed: ValueError")


def test_a_duplicate_annotate_message_does_nothing_twice(india_actors):
    article = _article(INDIA_TWITTER)
    assert annotating.articles_annotate_step(article_ids=[article.pk]) == [article.pk]
    assert annotating.articles_annotate_step(article_ids=[article.pk]) == []
    assert article.events.filter(status="annotated").count() == 1
    assert (Dispute.objects.count(), Evidence.objects.filter(demand__isnull=False).count()) == (1, 1)


def test_a_redis_error_in_annotation_leaves_the_article_to_retry(india_actors, monkeypatch):
    import redis

    from disputes import attach
    from ingestion.errors import TransientError

    article = _article(INDIA_TWITTER)
    real_attach = attach.article_attach

    def cache_down(**kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(attach, "article_attach", cache_down)
    with pytest.raises(TransientError):
        annotating.articles_annotate_step(article_ids=[article.pk])
    article.refresh_from_db()
    assert (article.status, article.failure_code, article.lease_token) == ("extracted", "infrastructure", "")
    assert article.events.get().detail == (
        "will retry: infrastructure: ConnectionError: Error 111 connecting to 127.0.0.1:6379. Connection refused."
    )
    assert not ArticleAnnotation.objects.exists()  # the batch's writes rolled back

    # Past the task's retries it is still not failed: the dispatch sweep sends it again.
    assert annotating.articles_annotate_step(article_ids=[article.pk], final_attempt=True) == []
    article.refresh_from_db()
    assert article.status == "extracted" and article.events.count() == 2

    monkeypatch.setattr(attach, "article_attach", real_attach)  # Redis is back
    assert annotating.articles_annotate_step(article_ids=[article.pk]) == [article.pk]
    article.refresh_from_db()
    assert (article.status, article.failure_code) == ("annotated", "")
    assert Dispute.objects.count() == 1
