"""Data for the researcher-page tests: a small world of confirmed disputes that
can be grown to show that query counts do not depend on the amount of data."""

import datetime

import pytest

from disputes.models import Dispute, ReviewState
from ingestion.models import StoryCluster
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    DemandFactory,
    DisputeFactory,
    EventFactory,
    EvidenceFactory,
    OutcomeFactory,
    PartyFactory,
    PenaltyFactory,
    PlatformFactory,
)


def build_dispute(n: int, *, twitter, ministry, country: str = "IN", review_state=ReviewState.CONFIRMED) -> Dispute:
    """A dispute with two demands (one answered), an outcome, an event and evidence."""
    dispute = DisputeFactory(
        title=f"India orders Twitter to withhold accounts {n}",
        summary="The ministry ordered Twitter to withhold protest accounts.",
        country=country,
        start_date=datetime.date(2021, 2, 1) + datetime.timedelta(days=n),
        review_state=review_state,
    )
    PartyFactory(dispute=dispute, actor=ministry, role="demanding")
    PartyFactory(dispute=dispute, actor=twitter, role="targeted")
    demand = DemandFactory(dispute=dispute, made_by=ministry, made_to=twitter, accounts_targeted=1178,
                           legal_basis="Section 69A", date=datetime.date(2021, 2, 4))
    PenaltyFactory(demand=demand, description="Seven years in jail")
    DemandFactory(dispute=dispute, made_by=ministry, made_to=twitter, demand_type="remove_content",
                  date=datetime.date(2022, 5, 1))
    outcome = OutcomeFactory(dispute=dispute, demand=demand, actor=twitter, kind="partially_complied")
    EventFactory(dispute=dispute, actor=ministry)
    story = StoryCluster.objects.create()
    article = ArticleFactory(status="annotated", cluster=story, outlet="wire.example",
                             title=f"Twitter withholds accounts {n}")
    EvidenceFactory(dispute=dispute, demand=demand, article=article, source_url="")
    copy = ArticleFactory(status="annotated", cluster=story, outlet="copy.example",
                          title=f"Twitter withholds accounts {n}")
    EvidenceFactory(dispute=dispute, demand=demand, article=copy, source_url="")
    EvidenceFactory(dispute=dispute, outcome=outcome)
    return dispute


@pytest.fixture
def twitter():
    return PlatformFactory(name="Twitter", slug="twitter", platform="twitter")


@pytest.fixture
def ministry():
    return ActorFactory(name="Ministry of Electronics and IT", slug="meity", kind="ministry", country="IN")


@pytest.fixture
def world(twitter, ministry):
    """grow(n) adds n confirmed Indian disputes against Twitter; returns the first."""

    made = []

    def grow(n: int = 1) -> Dispute:
        for _ in range(n):
            made.append(build_dispute(len(made), twitter=twitter, ministry=ministry))
        return made[0]

    return grow


@pytest.fixture
def demo(db):
    from disputes.demo import demo_load

    demo_load()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached figures must not leak between tests (a rollback sends no signal)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
