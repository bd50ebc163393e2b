"""After the demo data and the dev corpus are in, a curator can open every dispute,
demand, outcome, event and actor and save it unchanged.

Each change page's form is read the way a browser reads it (every input, select and
textarea, inline management data included; a textarea loses one leading newline and
sends CRLF line endings) and posted back: the admin must redirect and leave the
records as they were.
"""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from disputes.models import (
    Actor,
    ActorAlias,
    Demand,
    Dispute,
    DisputeParty,
    Event,
    Evidence,
    Outcome,
    Penalty,
)
from tests.admin_forms import browser_form_data, page_errors, post_form

# Rows a change page can write, compared before and after the posts.
WATCHED = [Dispute, DisputeParty, Demand, Penalty, Outcome, Event, Evidence, Actor, ActorAlias]
IGNORED_FIELDS = {"updated_at"}


@pytest.fixture(scope="module")
def ingested(django_db_setup, django_db_blocker, shared_dir):
    """Demo data plus the dev corpus through the real pipeline, once for the module.

    Kept in one outer transaction that is rolled back afterwards; each test's own
    transaction nests inside it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        call_command("ingest_corpus", str(shared_dir / "corpus" / "dev.jsonl"), "--sync", "--no-progress",
                     verbosity=0)
        yield
        transaction.set_rollback(True)


def snapshot() -> dict:
    return {
        model.__name__: {
            row["id"]: {k: v for k, v in row.items() if k not in IGNORED_FIELDS}
            for row in model.objects.order_by("pk").values()
        }
        for model in WATCHED
    }


def changes(before: dict, after: dict) -> list[str]:
    out = []
    for model, rows in before.items():
        for pk in rows.keys() | after[model].keys():
            old, new = rows.get(pk), after[model].get(pk)
            if old != new:
                fields = sorted(k for k in (old or new) if (old or {}).get(k) != (new or {}).get(k))
                out.append(f"{model} {pk}: {', '.join(fields)}")
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Dispute, Demand, Outcome, Event, Actor], ids=lambda m: m.__name__)
def test_every_change_page_saves_unchanged(ingested, curator_client, model):
    objects = list(model.objects.order_by("pk").values_list("pk", flat=True))
    assert objects, f"no {model.__name__} after ingestion"
    before = snapshot()
    failures = []
    for pk in objects:
        url = reverse(f"admin:disputes_{model._meta.model_name}_change", args=[pk])
        page = curator_client.get(url)
        assert page.status_code == 200, url
        data = browser_form_data(page.content.decode(), f"{model._meta.model_name}_form")
        response = post_form(curator_client, url, data)
        if response.status_code != 302:
            failures.append(f"{url}: {response.status_code} {page_errors(response.content.decode())}")
    assert failures == []
    assert changes(before, snapshot()) == []


def test_ingestion_gave_the_disputes_evidence_with_quotes(ingested, db):
    """The pages above include quoted evidence (the case that used to fail)."""
    quoted = Evidence.objects.filter(quote_start__isnull=False)
    assert quoted.count() >= 20
    assert Dispute.objects.filter(country="IN", parties__platform="twitter", evidence__in=quoted).exists()
