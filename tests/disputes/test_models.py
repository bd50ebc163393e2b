import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disputes.models import Actor, Demand, Dispute, Evidence, Penalty, Precision, format_date
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    DemandFactory,
    DisputeFactory,
    EventFactory,
    EvidenceFactory,
    OutcomeFactory,
    PlatformFactory,
)

pytestmark = pytest.mark.django_db


def _violates(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_it_refuses_negative_counts():
    demand = DemandFactory()
    _violates(lambda: Demand.objects.filter(pk=demand.pk).update(accounts_targeted=-1))
    outcome = OutcomeFactory()
    _violates(lambda: type(outcome).objects.filter(pk=outcome.pk).update(accounts_withheld=-5))


def test_it_refuses_an_end_before_the_start():
    dispute = DisputeFactory(start_date=datetime.date(2021, 2, 1))
    _violates(lambda: Dispute.objects.filter(pk=dispute.pk).update(end_date=datetime.date(2020, 1, 1)))
    dispute.end_date = datetime.date(2020, 1, 1)
    with pytest.raises(ValidationError):
        dispute.full_clean()


def test_it_refuses_values_outside_the_vocabularies():
    demand = DemandFactory()
    _violates(lambda: Demand.objects.filter(pk=demand.pk).update(demand_type="nuke_it"))
    dispute = demand.dispute
    _violates(lambda: Dispute.objects.filter(pk=dispute.pk).update(status="on_fire"))
    _violates(lambda: Dispute.objects.filter(pk=dispute.pk).update(country="ZZ"))
    _violates(lambda: Dispute.objects.filter(pk=dispute.pk).update(review_state="maybe"))


def test_slugs_are_unique():
    DisputeFactory(slug="india-twitter")
    _violates(lambda: DisputeFactory(slug="india-twitter"))


def test_actor_names_are_unique_per_country_whatever_the_case():
    ActorFactory(name="Ministry of Justice", country="TR")
    ActorFactory(name="Ministry of Justice", country="DE")
    _violates(lambda: ActorFactory(name="ministry of JUSTICE", country="TR"))


def test_only_platforms_carry_a_platform_code():
    _violates(lambda: ActorFactory(kind=Actor.Kind.MINISTRY, platform="twitter"))


def test_an_actor_cannot_be_its_own_ancestor():
    ministry = ActorFactory()
    official = ActorFactory(kind=Actor.Kind.OFFICIAL, parent=ministry)
    ministry.parent = official
    with pytest.raises(ValidationError):
        ministry.full_clean()


def test_a_fine_needs_a_currency():
    demand = DemandFactory()
    _violates(lambda: Penalty.objects.create(demand=demand, kind="fine", amount=1000))
    Penalty.objects.create(demand=demand, kind="fine", amount=1000, currency="EUR")


def test_evidence_needs_a_source_and_supports_one_fact():
    dispute = DisputeFactory()
    _violates(lambda: Evidence.objects.create(dispute=dispute))
    demand = DemandFactory(dispute=dispute)
    event = EventFactory(dispute=dispute)
    _violates(lambda: EvidenceFactory(dispute=dispute, demand=demand, event=event))


def test_evidence_quote_must_match_the_article_offsets():
    article = ArticleFactory(text="Officials said the order covers 1,178 accounts.")
    dispute = DisputeFactory()
    good = Evidence(dispute=dispute, article=article, quote="1,178 accounts", quote_start=32, quote_end=46)
    good.full_clean()
    bad = Evidence(dispute=dispute, article=article, quote="1,178 accounts", quote_start=0, quote_end=14)
    with pytest.raises(ValidationError):
        bad.full_clean()


def test_evidence_for_a_fact_of_another_dispute_is_refused():
    demand = DemandFactory()
    evidence = Evidence(dispute=DisputeFactory(), demand=demand, source_url="https://news.example/x")
    with pytest.raises(ValidationError):
        evidence.full_clean()


def test_vague_dates_are_stored_on_their_first_day_and_shown_as_vague():
    demand = DemandFactory.build(date=datetime.date(2021, 6, 17), date_precision=Precision.MONTH)
    demand.clean()
    assert demand.date == datetime.date(2021, 6, 1)
    assert demand.date_display == "June 2021"
    assert format_date(datetime.date(2019, 7, 2), Precision.YEAR) == "2019"
    assert format_date(datetime.date(2019, 7, 2), Precision.DAY) == "2 July 2019"


def test_confirmed_facts_exclude_candidates_and_candidate_disputes():
    confirmed = DemandFactory()
    DemandFactory(review_state="candidate", dispute=confirmed.dispute)
    DemandFactory(dispute=DisputeFactory(review_state="candidate"))
    assert list(Demand.objects.confirmed()) == [confirmed]


def test_disputes_for_a_platform_are_those_that_target_it():
    twitter = PlatformFactory(platform="twitter")
    target = DisputeFactory()
    target.party_roles.create(actor=twitter, role="targeted")
    other = DisputeFactory()
    other.party_roles.create(actor=twitter, role="other")
    assert list(Dispute.objects.for_platform("twitter")) == [target]


def test_public_evidence_is_confirmed_on_a_confirmed_dispute_and_fact():
    dispute = DisputeFactory(review_state="confirmed")
    demand = DemandFactory(dispute=dispute, review_state="confirmed")
    open_demand = DemandFactory(dispute=dispute, review_state="candidate")
    shown = [EvidenceFactory(dispute=dispute), EvidenceFactory(dispute=dispute, demand=demand)]
    EvidenceFactory(dispute=dispute, review_state="candidate")  # a report waiting for review
    EvidenceFactory(dispute=dispute, review_state="rejected")
    EvidenceFactory(dispute=dispute, demand=open_demand)  # its fact is not confirmed
    EvidenceFactory(dispute=DisputeFactory(review_state="candidate"))  # its dispute is not
    assert list(Evidence.objects.public().order_by("pk")) == shown
    assert Evidence.objects.candidates().count() == 1
