import datetime

import factory

from disputes.models import (
    Actor,
    Demand,
    Dispute,
    DisputeParty,
    Event,
    Evidence,
    Outcome,
    Penalty,
    PlatformReport,
    ReviewState,
    ShutdownEvent,
)
from ingestion.models import Article, Source


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Ministry of Communications {n}")
    slug = factory.Sequence(lambda n: f"ministry-{n}")
    kind = Actor.Kind.MINISTRY
    country = "IN"


class PlatformFactory(ActorFactory):
    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    kind = Actor.Kind.PLATFORM
    country = "US"
    platform = ""


class DisputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispute

    title = factory.Sequence(lambda n: f"Dispute {n}")
    slug = factory.Sequence(lambda n: f"dispute-{n}")
    country = "IN"
    start_date = datetime.date(2021, 2, 1)
    review_state = ReviewState.CONFIRMED


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisputeParty

    dispute = factory.SubFactory(DisputeFactory)
    actor = factory.SubFactory(ActorFactory)
    role = DisputeParty.Role.DEMANDING


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    dispute = factory.SubFactory(DisputeFactory)
    demand_type = Demand.Type.WITHHOLD_ACCOUNTS
    date = datetime.date(2021, 2, 4)
    review_state = ReviewState.CONFIRMED


class PenaltyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Penalty

    demand = factory.SubFactory(DemandFactory)
    kind = Penalty.Kind.JAIL_TERM


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    dispute = factory.SubFactory(DisputeFactory)
    kind = Outcome.Kind.COMPLIED
    date = datetime.date(2021, 2, 10)
    review_state = ReviewState.CONFIRMED


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    dispute = factory.SubFactory(DisputeFactory)
    kind = Event.Kind.STATEMENT
    title = factory.Sequence(lambda n: f"Statement {n}")
    date = datetime.date(2021, 2, 12)
    review_state = ReviewState.CONFIRMED


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Feed {n}")
    url = factory.Sequence(lambda n: f"https://news.example/feed-{n}.xml")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    url = factory.Sequence(lambda n: f"https://news.example/article-{n}")
    title = factory.Sequence(lambda n: f"Article {n}")
    outlet = "news.example"
    text = "The ministry ordered the platform to withhold the accounts."
    published = datetime.date(2021, 2, 10)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    dispute = factory.SubFactory(DisputeFactory)
    source_url = "https://news.example/report"
    outlet = "news.example"
    published = datetime.date(2021, 2, 10)
    review_state = ReviewState.CONFIRMED


class PlatformReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformReport

    source = PlatformReport.Source.GOOGLE
    dataset = PlatformReport.Dataset.GOOGLE_SUMMARY
    publisher = "Google Transparency Report"
    source_key = factory.Sequence(lambda n: f"test/{n}")
    country = "IN"
    country_name = "India"
    platform = "google"
    period_start = datetime.date(2021, 1, 1)
    period_end = datetime.date(2021, 6, 30)
    requests = 10
    items = 20


class ShutdownEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShutdownEvent

    source_key = factory.Sequence(lambda n: f"2021-06-05/NG/{n}")
    country = "NG"
    countries = factory.LazyAttribute(lambda e: [e.country])
    country_codes = factory.LazyAttribute(lambda e: "," + ",".join(e.countries) + ",")
    country_names = "Nigeria"
    start = datetime.date(2021, 6, 5)
    extent = ShutdownEvent.Extent.SERVICE_BASED
    services_affected = factory.LazyFunction(lambda: ["twitter"])
