"""A versioned, citable release of the confirmed data: CSV and JSON per table,
a data dictionary, and SHA256SUMS that `sha256sum -c` accepts."""

import csv
import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from disputes.models import Actor, Demand, Dispute, Event, Evidence, Outcome, Penalty

from .exports import neutralise
from .links import safe_href


def _confirmed_disputes():
    return Dispute.objects.public()


# table name -> (queryset factory, [(column, description, getter)])
def _tables():
    disputes = _confirmed_disputes()
    return {
        "disputes": (
            disputes.order_by("slug").prefetch_related("topics"),
            [
                ("slug", "Permanent identifier; the dispute's page is /disputes/<slug>/", lambda d: d.slug),
                ("title", "Short title", lambda d: d.title),
                ("country", "Demanding government, ISO 3166-1 alpha-2 (EU for the European Union)", lambda d: d.country),
                ("status", "active, escalated, resolved or dormant", lambda d: d.status),
                ("start_date", "First day of the period the start is known to (see start_precision)", lambda d: d.start_date),
                ("start_precision", "day, month or year", lambda d: d.start_precision),
                ("end_date", "End, if over", lambda d: d.end_date),
                ("end_precision", "day, month or year", lambda d: d.end_precision),
                ("topics", "Semicolon-separated topic slugs", lambda d: ";".join(t.slug for t in d.topics.all())),
                ("summary", "Curated summary", lambda d: d.summary),
            ],
        ),
        "actors": (
            Actor.objects.filter(
                Q(party_roles__dispute__in=disputes)
                | Q(demands_made__in=Demand.objects.public())
                | Q(demands_received__in=Demand.objects.public())
            )
            .distinct()
            .order_by("slug")
            .select_related("parent")
            .prefetch_related("aliases"),
            [
                ("slug", "Permanent identifier; the actor's page is /actors/<slug>/", lambda a: a.slug),
                ("name", "Name", lambda a: a.name),
                ("kind", "government, ministry, regulator, court, legislature, police, head_of_state, official, platform, company, civil_society or other", lambda a: a.kind),
                ("country", "ISO 3166-1 alpha-2", lambda a: a.country),
                ("platform", "Platform vocabulary value, for platforms", lambda a: a.platform),
                ("parent", "Slug of the body or company it belongs to", lambda a: a.parent.slug if a.parent else ""),
                ("aliases", "Semicolon-separated other names", lambda a: ";".join(x.name for x in a.aliases.all())),
            ],
        ),
        "demands": (
            Demand.objects.public().select_related("dispute", "made_by", "made_to").prefetch_related("penalties").order_by("dispute__slug", "date", "pk"),
            [
                ("id", "Identifier within this release", lambda x: x.pk),
                ("dispute", "Dispute slug", lambda x: x.dispute.slug),
                ("date", "Date (see date_precision)", lambda x: x.date),
                ("date_precision", "day, month or year", lambda x: x.date_precision),
                ("demand_type", "Demand vocabulary value", lambda x: x.demand_type),
                ("made_by", "Actor slug", lambda x: x.made_by.slug if x.made_by else ""),
                ("made_to", "Actor slug", lambda x: x.made_to.slug if x.made_to else ""),
                ("accounts_targeted", "Accounts named by the demand", lambda x: x.accounts_targeted),
                ("items_targeted", "Posts, pages, videos, URLs or apps named", lambda x: x.items_targeted),
                ("legal_basis", "Law or provision cited", lambda x: x.legal_basis),
                ("deadline", "Deadline, if any", lambda x: x.deadline),
                ("penalties", "Semicolon-separated penalties threatened (kind[:amount currency])", lambda x: ";".join(_penalty(p) for p in x.penalties.all())),
                ("description", "Curated description", lambda x: x.description),
            ],
        ),
        "outcomes": (
            Outcome.objects.public().select_related("dispute", "actor").order_by("dispute__slug", "date", "pk"),
            [
                ("id", "Identifier within this release", lambda x: x.pk),
                ("dispute", "Dispute slug", lambda x: x.dispute.slug),
                ("demand", "Id of the demand it answers, if one", lambda x: x.demand_id),
                ("date", "Date (see date_precision)", lambda x: x.date),
                ("date_precision", "day, month or year", lambda x: x.date_precision),
                ("kind", "Outcome vocabulary value", lambda x: x.kind),
                ("actor", "Actor slug", lambda x: x.actor.slug if x.actor else ""),
                ("accounts_withheld", "Accounts actually withheld", lambda x: x.accounts_withheld),
                ("fine_amount", "Fine imposed", lambda x: x.fine_amount),
                ("fine_currency", "ISO 4217", lambda x: x.fine_currency),
                ("details", "Curated details", lambda x: x.details),
            ],
        ),
        "events": (
            Event.objects.public().select_related("dispute", "actor").order_by("dispute__slug", "date", "pk"),
            [
                ("id", "Identifier within this release", lambda x: x.pk),
                ("dispute", "Dispute slug", lambda x: x.dispute.slug),
                ("date", "Date (see date_precision)", lambda x: x.date),
                ("date_precision", "day, month or year", lambda x: x.date_precision),
                ("kind", "Event vocabulary value", lambda x: x.kind),
                ("title", "Title", lambda x: x.title),
                ("actor", "Actor slug", lambda x: x.actor.slug if x.actor else ""),
                ("description", "Curated description", lambda x: x.description),
            ],
        ),
        "evidence": (
            Evidence.objects.public()
            .select_related("dispute", "article")
            .order_by("dispute__slug", "pk"),
            [
                ("id", "Identifier within this release", lambda x: x.pk),
                ("dispute", "Dispute slug", lambda x: x.dispute.slug),
                ("demand", "Demand id, if it supports one", lambda x: x.demand_id),
                ("outcome", "Outcome id, if it supports one", lambda x: x.outcome_id),
                ("event", "Event id, if it supports one", lambda x: x.event_id),
                ("url", "Source URL (http or https only)", lambda x: safe_href(x.source_url or (x.article.canonical_url or x.article.url if x.article else ""))),
                ("outlet", "Outlet", lambda x: x.outlet or (x.article.outlet if x.article else "")),
                ("published", "Publication date", lambda x: x.published or (x.article.published if x.article else None)),
                ("quote", "Quote from the source", lambda x: x.quote),
                ("note", "Curator's note", lambda x: x.note),
            ],
        ),
    }


def _penalty(p: Penalty) -> str:
    return f"{p.kind}:{p.amount} {p.currency}" if p.amount is not None else p.kind


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class Release:
    directory: Path
    counts: dict[str, int]
    files: list[str]


def dataset_export(*, release: str, output: Path) -> Release:
    """Write every table as CSV and JSON, a data dictionary and SHA256SUMS."""
    output.mkdir(parents=True, exist_ok=True)
    counts, files, dictionary = {}, [], {}
    for name, (queryset, columns) in _tables().items():
        # Typed values: the CSV defuses text cells only, so numeric columns stay numbers.
        rows = [[get(obj) for _, _, get in columns] for obj in queryset]
        counts[name] = len(rows)
        dictionary[name] = {col: desc for col, desc, _ in columns}
        with open(output / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow([col for col, _, _ in columns])
            for row in rows:
                writer.writerow([_plain(neutralise(value)) for value in row])
        records = [{col: _plain(value) for (col, _, _), value in zip(columns, row)} for row in rows]
        (output / f"{name}.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        files += [f"{name}.csv", f"{name}.json"]

    metadata = {
        "title": "Standoff: disputes between governments and online platforms over content",
        "release": release,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "site": settings.SITE_URL,
        "counts": counts,
        "citation": f"Standoff dataset, release {release} ({datetime.date.today():%Y}). {settings.SITE_URL}",
        "notes": "Confirmed records only. Dates are stored on the first day of their precision (month, year). "
        "CSV text cells that begin with =, +, -, @, tab or carriage return (also after leading blank or zero-width "
        "characters, and their full-width forms) are prefixed with an apostrophe so spreadsheets do not run them; "
        "numeric columns are written as numbers; "
        "the JSON files carry the values unchanged.",
        "tables": dictionary,
    }
    (output / "datapackage.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8")
    (output / "README.md").write_text(_readme(metadata), encoding="utf-8")
    files += ["datapackage.json", "README.md"]

    sums = [f"{hashlib.sha256((output / name).read_bytes()).hexdigest()}  {name}" for name in files]
    (output / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    return Release(directory=output, counts=counts, files=files + ["SHA256SUMS"])


def _readme(meta: dict) -> str:
    lines = [f"# {meta['title']}", "", f"Release {meta['release']}, created {meta['created']}.", "",
             f"Cite as: {meta['citation']}", "", meta["notes"], "", "Verify the files with `sha256sum -c SHA256SUMS`.", ""]
    for table, columns in meta["tables"].items():
        lines += [f"## {table} ({meta['counts'][table]} rows)", "", "| column | meaning |", "|---|---|"]
        lines += [f"| `{col}` | {desc} |" for col, desc in columns.items()]
        lines.append("")
    return "\n".join(lines)
