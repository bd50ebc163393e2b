"""Migration 0015 trims the quotes stored before quotes were trimmed, offsets included."""

import importlib

import pytest
from django.apps import apps

from disputes.models import Evidence
from tests.factories import ArticleFactory, DemandFactory, EvidenceFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("disputes.migrations.0015_trim_evidence_quotes")

TEXT = " date 2022-05-02 The agency ordered the app removed from stores.\n\nThe company complied.\n"


def _evidence(start: int, end: int, **kwargs) -> Evidence:
    demand = DemandFactory()
    return EvidenceFactory(dispute=demand.dispute, demand=demand, article=ArticleFactory(text=TEXT), source_url="",
                           quote=TEXT[start:end], quote_start=start, quote_end=end, **kwargs)


def test_it_drops_the_date_line_and_whitespace_and_shifts_the_offsets():
    opening = _evidence(0, TEXT.index("\n\n") + 2)
    later = _evidence(TEXT.index("\n\nThe company"), len(TEXT))
    by_hand = EvidenceFactory(quote="  A quote typed with spaces.\n")
    outcome = OutcomeFactory(details=" date 2022-05-02 The company complied.\n\n")

    migration.trim_quotes(apps, None)

    for evidence in (opening, later):
        evidence.refresh_from_db()
        assert TEXT[evidence.quote_start:evidence.quote_end] == evidence.quote
    assert opening.quote == "The agency ordered the app removed from stores."
    assert later.quote == "The company complied."
    by_hand.refresh_from_db()
    assert by_hand.quote == "A quote typed with spaces." and by_hand.quote_start is None
    outcome.refresh_from_db()
    assert outcome.details == "The company complied."


def test_a_quote_that_no_longer_matches_its_offsets_keeps_them():
    evidence = _evidence(0, 10)
    Evidence.objects.filter(pk=evidence.pk).update(quote=" something else ")
    migration.trim_quotes(apps, None)
    evidence.refresh_from_db()
    assert (evidence.quote, evidence.quote_start, evidence.quote_end) == ("something else", 0, 10)
