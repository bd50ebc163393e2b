"""Loads the demo disputes: real, public facts written for Standoff.

The file names actors by key and dates as "YYYY", "YYYY-MM" or "YYYY-MM-DD"
(the length is the precision). Loading adds what is missing and leaves what
exists alone, so a second run changes nothing and curators' edits survive.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from .models import (
    Actor,
    ActorAlias,
    Demand,
    Dispute,
    DisputeParty,
    Event,
    Evidence,
    Outcome,
    Penalty,
    Precision,
    ReviewState,
    Topic,
)

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "demo_disputes.json"


@dataclass
class DemoSummary:
    actors_created: int = 0
    disputes_created: int = 0
    disputes_present: int = 0


def parse_fuzzy_date(value: str | None) -> tuple[datetime.date | None, str]:
    if not value:
        return None, Precision.DAY
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return datetime.date(parts[0], 1, 1), Precision.YEAR
    if len(parts) == 2:
        return datetime.date(parts[0], parts[1], 1), Precision.MONTH
    return datetime.date(*parts), Precision.DAY


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _load_actors(rows: list[dict], summary: DemoSummary) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    for row in rows:
        slug = slugify(row["key"])
        actor = Actor.objects.filter(slug=slug).first()
        if actor is None:
            actor = _save(
                Actor(
                    slug=slug,
                    name=row["name"],
                    kind=row["kind"],
                    country=row.get("country") or "",
                    platform=row.get("platform") or "",
                )
            )
            for alias in row.get("aliases", []):
                ActorAlias.objects.create(actor=actor, name=alias)
            summary.actors_created += 1
        actors[row["key"]] = actor
    # Parents second: an actor may name a parent listed after it.
    for row in rows:
        actor = actors[row["key"]]
        if row.get("parent") and actor.parent_id is None:
            actor.parent = actors[row["parent"]]
            actor.save(update_fields=["parent"])
    return actors


def _evidence(dispute, fact, entries, sources):
    for entry in entries:
        source = sources[entry["source"]]
        published, _ = parse_fuzzy_date(source.get("date"))
        evidence = Evidence(
            dispute=dispute,
            source_url=source["url"],
            outlet=source.get("outlet", ""),
            published=published,
            note=entry.get("note", ""),
            review_state=ReviewState.CONFIRMED,
        )
        if fact is not None:
            setattr(evidence, type(fact).__name__.lower(), fact)
        _save(evidence)


def _load_dispute(row: dict, actors: dict[str, Actor]) -> Dispute:
    start, start_precision = parse_fuzzy_date(row.get("start"))
    end, end_precision = parse_fuzzy_date(row.get("end"))
    dispute = _save(
        Dispute(
            slug=row["slug"],
            title=row["title"],
            country=row["country"],
            status=row["status"],
            start_date=start,
            start_precision=start_precision,
            end_date=end,
            end_precision=end_precision,
            summary=row.get("summary", ""),
            review_state=ReviewState.CONFIRMED,
        )
    )
    dispute.topics.set(Topic.objects.filter(slug__in=row.get("topics", [])))
    for party in row.get("parties", []):
        DisputeParty.objects.get_or_create(dispute=dispute, actor=actors[party["actor"]], role=party["role"])
    sources = row.get("sources", {})
    _evidence(dispute, None, row.get("evidence", []), sources)

    demands = {}
    for item in row.get("demands", []):
        date, precision = parse_fuzzy_date(item.get("date"))
        deadline, _ = parse_fuzzy_date(item.get("deadline"))
        demand = _save(
            Demand(
                dispute=dispute,
                made_by=actors.get(item.get("by")),
                made_to=actors.get(item.get("to")),
                date=date,
                date_precision=precision,
                demand_type=item["type"],
                accounts_targeted=item.get("accounts"),
                items_targeted=item.get("items"),
                legal_basis=item.get("legal_basis") or "",
                deadline=deadline,
                description=item.get("description", ""),
                review_state=ReviewState.CONFIRMED,
            )
        )
        for penalty in item.get("penalties", []):
            amount = penalty.get("amount")
            _save(
                Penalty(
                    demand=demand,
                    kind=penalty["kind"],
                    amount=Decimal(str(amount)) if amount is not None else None,
                    currency=penalty.get("currency") or "",
                    description=penalty.get("description", ""),
                )
            )
        _evidence(dispute, demand, item.get("evidence", []), sources)
        demands[item.get("key")] = demand

    for item in row.get("outcomes", []):
        date, precision = parse_fuzzy_date(item.get("date"))
        fine = item.get("fine_amount")
        outcome = _save(
            Outcome(
                dispute=dispute,
                demand=demands.get(item.get("demand")),
                kind=item["kind"],
                date=date,
                date_precision=precision,
                actor=actors.get(item.get("actor")),
                details=item.get("details", ""),
                accounts_withheld=item.get("accounts_withheld"),
                fine_amount=Decimal(str(fine)) if fine is not None else None,
                fine_currency=item.get("fine_currency") or "",
                review_state=ReviewState.CONFIRMED,
            )
        )
        _evidence(dispute, outcome, item.get("evidence", []), sources)

    for item in row.get("events", []):
        date, precision = parse_fuzzy_date(item.get("date"))
        event = _save(
            Event(
                dispute=dispute,
                kind=item["kind"],
                date=date,
                date_precision=precision,
                title=item["title"],
                description=item.get("description", ""),
                actor=actors.get(item.get("actor")),
                review_state=ReviewState.CONFIRMED,
            )
        )
        _evidence(dispute, event, item.get("evidence", []), sources)
    return dispute


@transaction.atomic
def demo_load(*, path: Path = DEMO_FILE) -> DemoSummary:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    summary = DemoSummary()
    actors = _load_actors(data["actors"], summary)
    for row in data["disputes"]:
        if Dispute.objects.filter(slug=row["slug"]).exists():
            summary.disputes_present += 1
            continue
        _load_dispute(row, actors)
        summary.disputes_created += 1
    return summary
