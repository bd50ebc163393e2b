"""The annotate step as the workers run it.

One spaCy pipeline per worker process (rebuilt only when curated actors
change), articles annotated in batches with `nlp.pipe`, findings stored so
that running the step again replaces them instead of adding copies.
"""

import logging
import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone

import disputes.attach
from disputes.models import Actor, ActorAlias

from . import batches
from .annotation.annotate import Annotation, annotate_texts
from .annotation.nlp import PIPELINE_VERSION, build_pipeline
from .errors import InfrastructureError, PermanentError, is_infrastructure
from .models import Article, ArticleAnnotation, ArticleEvent, Claim, Mention

log = logging.getLogger(__name__)

_ACTOR_LINK = re.compile(r"actor:(\d+)$")
# Aliases this short ("X", "EU") match too much as bare phrases; the gazetteer
# handles them with context rules instead.
MIN_ALIAS_LENGTH = 3

_pipeline = None
_pipeline_stamp = None
_links: tuple[dict, dict] = ({}, {})  # actor index and platform actors of that pipeline


def _label_for(actor_kind: str) -> str | None:
    if actor_kind in (Actor.Kind.OFFICIAL, Actor.Kind.HEAD_OF_STATE):
        return "OFFICIAL"
    if actor_kind in Actor.GOVERNMENT_KINDS:
        return "GOV_BODY"
    return None


def actor_patterns() -> list[dict]:
    """Entity-ruler patterns for curated government actors and their aliases.

    The id carries the country first ("IN:actor:17"): the annotator reads the
    country from it, and the store step reads the actor back.
    """
    patterns = []
    names = ActorAlias.objects.filter(actor__kind__in=Actor.GOVERNMENT_KINDS).values_list(
        "actor_id", "name", "actor__kind", "actor__country"
    )
    actors = Actor.objects.governmental().values_list("pk", "name", "kind", "country")
    for pk, name, kind, country in [*actors, *names]:
        label = _label_for(kind)
        if label is None or len(name) < MIN_ALIAS_LENGTH:
            continue
        ident = f"{country}:actor:{pk}" if country else f"actor:{pk}"
        patterns.append({"label": label, "pattern": name, "id": ident})
    return patterns


def _actors_stamp() -> tuple:
    actors = Actor.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    return (actors["n"], actors["changed"], ActorAlias.objects.count())


def get_pipeline():
    """The process's pipeline; regenerated when actors or aliases have changed."""
    global _pipeline, _pipeline_stamp, _links
    stamp = _actors_stamp()
    if _pipeline is None or stamp != _pipeline_stamp:
        log.info("Building the spaCy pipeline (actors changed or first use)")
        _pipeline = build_pipeline(settings.SPACY_MODEL, extra_patterns=actor_patterns())
        # Built with the pipeline, not per task: the same actors, read once.
        _links = (_actor_index(), _platform_actors())
        _pipeline_stamp = stamp
    return _pipeline


def _actor_index() -> dict[tuple[str, str], int]:
    """(country, lower-case name) -> actor id, for mentions the gazetteer found."""
    index = {}
    for pk, name, country in Actor.objects.values_list("pk", "name", "country"):
        index[(country, name.lower())] = pk
    for pk, name, country in ActorAlias.objects.values_list("actor_id", "name", "actor__country"):
        index.setdefault((country, name.lower()), pk)
    return index


def _mention_actor(mention, index: dict, platform_actors: dict[str, int]) -> int | None:
    if mention.link and (match := _ACTOR_LINK.search(mention.link)):
        return int(match.group(1))
    if mention.label == "PLATFORM" and mention.link in platform_actors:
        return platform_actors[mention.link]
    return index.get((mention.country or "", mention.text.lower()))


@transaction.atomic
def annotation_store(*, article: Article, annotation: Annotation, index=None, platform_actors=None) -> ArticleAnnotation:
    """Replace what an earlier run stored for this article with this annotation.

    Claims are kept by their natural key (they may back candidate demands and
    outcomes); claims this run no longer finds go unless a fact refers to them.
    """
    index = index if index is not None else _actor_index()
    platform_actors = platform_actors if platform_actors is not None else _platform_actors()
    stored, created = ArticleAnnotation.objects.update_or_create(
        article=article,
        defaults={
            "pipeline_version": annotation.pipeline_version,
            "language": annotation.language,
            "processing": annotation.processing,
            "relevance": max(0.0, min(1.0, annotation.relevance)),
            "is_dispute": annotation.is_dispute,
            # The dateline date the annotator read helps date articles without metadata.
            "fields": {**annotation.fields(), "published": _iso(annotation.published)},
        },
    )
    article.annotation = stored  # attach() reads it next: no second query
    if not created:  # a first annotation has nothing to replace
        article.mentions.all().delete()
    Mention.objects.bulk_create(
        Mention(
            article=article,
            label=m.label,
            text=m.text[:300],
            start_char=m.start_char,
            end_char=m.end_char,
            in_title=m.in_title,
            actor_id=_mention_actor(m, index, platform_actors),
            platform=m.link if m.label == "PLATFORM" and m.link else "",
            country=(m.country or "")[:2],
        )
        for m in [*annotation.title_mentions, *annotation.mentions]
    )
    # Claims keep their rows (candidate facts point at them): update in place,
    # add the new ones, drop the ones no longer found that nothing refers to.
    existing = {} if created else {
        (c.kind, c.value, c.in_title, c.sentence_start): c for c in article.claims.all()
    }
    found = {}
    for c in annotation.claims:
        found[(c.kind, c.value[:300], c.in_title, c.sentence_start)] = c
    to_create, to_update = [], []
    for key, c in found.items():
        values = {
            "extra": c.extra,
            "sentence_end": c.sentence_end,
            "quote": c.quote,
            "confidence": max(0.0, min(1.0, c.confidence)),
        }
        claim = existing.pop(key, None)
        if claim is None:
            kind, value, in_title, sentence_start = key
            to_create.append(
                Claim(article=article, kind=kind, value=value, in_title=in_title, sentence_start=sentence_start, **values)
            )
        elif any(getattr(claim, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(claim, name, value)
            to_update.append(claim)
    Claim.objects.bulk_create(to_create)
    Claim.objects.bulk_update(to_update, ["extra", "sentence_end", "quote", "confidence"])
    if existing:
        Claim.objects.filter(
            pk__in=[c.pk for c in existing.values()], demand__isnull=True, outcome__isnull=True
        ).delete()
    return stored


def _iso(value) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _platform_actors() -> dict[str, int]:
    """Platform code -> its actor; the oldest wins when products share a code."""
    rows = Actor.objects.platforms().exclude(platform="").order_by("-pk").values_list("platform", "pk")
    return dict(rows)


def articles_annotate(*, article_ids: Sequence[int], attach: bool = True) -> list[int]:
    """Annotate these articles in one `nlp.pipe` batch, store, then attach them.

    Returns the ids annotated. Articles without text are skipped.
    """
    # Attached in this order, which decides the disputes they join: dated articles first, newest
    # first. Article.Meta.ordering alone put undated ones first on PostgreSQL and last on
    # SQLite; undated first, each proposed a dispute that dated reports could not join.
    articles = list(
        Article.objects.filter(pk__in=article_ids).exclude(text="")
        .order_by(F("published").desc(nulls_last=True), "-pk")
    )
    if not articles:
        return []
    nlp = get_pipeline()
    annotations = annotate_texts(nlp, [(a.title, a.text, a.published) for a in articles])
    index, platform_actors = _links
    # One transaction per batch: a commit per article would cost more than its writes.
    with transaction.atomic():
        for article, annotation in zip(articles, annotations):
            annotation_store(article=article, annotation=annotation, index=index, platform_actors=platform_actors)
            if attach:
                disputes.attach.article_attach(article=article)
        # Only articles arriving from extraction move on (and get one history line);
        # re-annotating an annotated article refreshes its findings alone.
        arriving = list(
            Article.objects.filter(pk__in=[a.pk for a in articles], status=Article.Status.EXTRACTED)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        Article.objects.filter(pk__in=arriving).update(
            status=Article.Status.ANNOTATED, failure_code="", failure_reason="", updated_at=timezone.now(),
            lease_until=None, lease_token="",
        )
        by_pk = dict(zip([a.pk for a in articles], annotations))
        ArticleEvent.objects.bulk_create(
            ArticleEvent(
                article_id=pk,
                status=Article.Status.ANNOTATED,
                detail=f"{by_pk[pk].pipeline_version}: relevance {by_pk[pk].relevance:.2f}, "
                + ("a dispute" if by_pk[pk].is_dispute else "no dispute"),
            )
            for pk in arriving
        )
    return [a.pk for a in articles]


def outdated_article_ids(version: str = PIPELINE_VERSION) -> Iterable[int]:
    """Articles annotated by another pipeline version, for `reannotate`."""
    return (
        ArticleAnnotation.objects.exclude(pipeline_version=version)
        .values_list("article_id", flat=True)
        .order_by("article_id")
    )


def articles_annotate_step(*, article_ids: Sequence[int], final_attempt: bool = False) -> list[int]:
    """The annotate task's work for a batch of extracted articles; returns the ids annotated.

    The batch's rows are claimed with a lease, like the other steps, so a duplicate message
    does nothing twice. A broker, cache or database error is transient: the rows are released
    with a history line, and the task retries (or, past its retries, the dispatch sweep sends
    them again). Any other failure is recorded on the article that causes it, which then stops
    instead of coming back forever. The rest of its batch goes on.
    """
    batch = batches.claim(list(article_ids), Article.Status.EXTRACTED, fields=("pk", "attempts"))
    _annotate_held(batch, batch.articles)
    batches.raise_for_retry(batch, final_attempt)
    return batch.done


def _annotate_held(batch: batches.Batch, articles: list[Article]) -> None:
    if not articles:
        return
    try:
        done = articles_annotate(article_ids=[a.pk for a in articles])
    except Exception as exc:
        if is_infrastructure(exc):
            error = InfrastructureError(f"{type(exc).__name__}: {exc}")
            batch.error = error
            for article in articles:
                try:
                    batches.release(article, batch.token, from_status=Article.Status.EXTRACTED, error=error)
                except Exception:  # the database itself may be down: the lease expires alone
                    log.warning("could not release article %s after %r", article.pk, exc)
            return
        if len(articles) > 1:  # find the article at fault, one by one
            for article in articles:
                _annotate_held(batch, [article])
            return
        log.exception("annotation failed for article %s", articles[0].pk)
        error = PermanentError(f"Annotation failed: {type(exc).__name__}: {exc}"[:2000], code="annotation")
        batches.fail(articles[0], batch.token, from_status=Article.Status.EXTRACTED, error=error)
        return
    batch.done.extend(done)
    for article in articles:
        if article.pk not in done:  # no text to read: it would come back forever
            batches.fail(article, batch.token, from_status=Article.Status.EXTRACTED,
                         error=PermanentError("no text to annotate", code="no_text"))
