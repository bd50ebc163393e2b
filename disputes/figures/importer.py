"""Import a transparency source into `PlatformReport` / `ShutdownEvent`.

Idempotent: rows are matched on (source, source_key), created or updated in
bulk, and left alone when nothing changed. When a publisher revises a figure
the row is updated and the old figures are kept on it (`previous_values`,
`revisions`), so the revision stays visible.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from disputes.models import PlatformReport, ShutdownEvent

from . import google, meta, stop, twitter
from .common import ParsedRow, RowError, SkippedRow, StopEvent
from .services import shutdown_events_suggest_disputes

# Sent after an import: bulk writes send no model signals, and the site's page cache listens.
figures_imported = Signal()

PARSERS = {"google": google.parse, "meta": meta.parse, "twitter": twitter.parse, "stop": stop.parse}
BATCH_SIZE = 500

Progress = Callable[[int, int], None]  # (rows done, rows in all)

REPORT_FIELDS = (
    "dataset", "publisher", "source_file", "source_line", "country", "country_name", "platform",
    "product", "period_start", "period_end", "requests", "requests_below", "items", "items_below",
    "items_unit", "compliance_rate", "compliance_basis", "requester_type", "reason", "raw",
)
EVENT_FIELDS = (
    "publisher", "source_file", "source_line", "country", "countries", "country_codes",
    "country_names", "start", "end", "start_type", "status", "extent", "shutdown_type",
    "affected_network", "area_name", "services_affected", "other_services", "justification",
    "cause", "ordered_by", "decision_maker", "count_year", "evidence_urls", "description",
    "an_link", "raw",
)
EXTENTS = {
    "full network": ShutdownEvent.Extent.FULL_NETWORK,
    "service-based": ShutdownEvent.Extent.SERVICE_BASED,
    "full network, service-based": ShutdownEvent.Extent.BOTH,
}


@dataclass
class ImportSummary:
    source: str
    path: str
    files: list[str] = field(default_factory=list)
    rows: int = 0  # data rows read from the files, good or bad
    records: int = 0  # records parsed from them (a Meta row gives two)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    revised: int = 0  # updated rows whose figures changed
    suggested: int = 0  # STOP events with a suggested dispute
    errors: list[RowError] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    parse_seconds: float = 0.0  # reading and checking the files
    seconds: float = 0.0  # everything: parse, write, suggest

    @property
    def written(self) -> int:
        return self.created + self.updated

    def lines(self) -> list[str]:
        out = [
            f"{self.source}: {self.rows} rows in {len(self.files)} file(s) -> {self.records} records: "
            f"{self.created} created, {self.updated} updated ({self.revised} revised), "
            f"{self.unchanged} unchanged, {len(self.errors)} errors, {len(self.skipped)} skipped "
            f"in {self.seconds:.2f} s (parse {self.parse_seconds:.2f} s, "
            f"write {self.seconds - self.parse_seconds:.2f} s)"
        ]
        if self.source == "stop":
            out.append(f"  {self.suggested} events have a suggested dispute")
        out += [f"  error {e}" for e in self.errors]
        out += [f"  skipped {s.file}:{s.line}: {s.reason}" for s in self.skipped]
        out += [f"  warning {w}" for w in self.warnings]
        return out


def import_transparency(*, source: str, path: Path | str, progress: Progress | None = None) -> ImportSummary:
    """Parse every file of `source` at `path` and upsert its rows.

    Raises KeyError for an unknown source, and OSError, UnicodeDecodeError or
    SourceFormatError when a file cannot be read at all; bad rows are only
    reported in the summary.
    """
    parse = PARSERS[source]
    started = time.perf_counter()
    summary = ImportSummary(source=source, path=str(path))
    records = _collect(parse(path), summary)
    summary.parse_seconds = time.perf_counter() - started
    if source == "stop":
        _upsert(ShutdownEvent, EVENT_FIELDS, [_event_fields(r) for r in records], summary, progress)
        summary.suggested = shutdown_events_suggest_disputes()
    else:
        _upsert(PlatformReport, REPORT_FIELDS, [_report_fields(r) for r in records], summary, progress,
                source=source)
    figures_imported.send(sender=import_transparency, source=source)
    summary.seconds = time.perf_counter() - started
    return summary


def _collect(results: Iterable, summary: ImportSummary) -> list[ParsedRow | StopEvent]:
    records: list[ParsedRow | StopEvent] = []
    first_seen: dict[str, tuple[str, int]] = {}
    lines: set[tuple[str, int]] = set()
    files: set[str] = set()
    for result in results:
        files.add(result.file)
        lines.add((result.file, result.line))
        if isinstance(result, RowError):
            summary.errors.append(result)
        elif isinstance(result, SkippedRow):
            summary.skipped.append(result)
        elif result.source_key in first_seen:
            # The same publisher row twice, e.g. two downloads in one folder.
            file, line = first_seen[result.source_key]
            summary.errors.append(RowError(result.line, f"same row as {file}:{line}, ignored", result.file))
        else:
            first_seen[result.source_key] = (result.file, result.line)
            summary.warnings += [RowError(result.line, w, result.file) for w in result.warnings]
            records.append(result)
    summary.files = sorted(files)
    summary.rows = len(lines)
    summary.records = len(records)
    summary.errors.sort(key=lambda e: (e.file, e.line))
    return records


def _report_fields(record: ParsedRow) -> dict:
    return {
        "source_key": record.source_key,
        "dataset": record.dataset,
        "publisher": record.publisher,
        "source_file": record.file,
        "source_line": record.line,
        "country": record.country,
        "country_name": record.country_name,
        "platform": record.platform,
        "product": record.product,
        "period_start": record.period_start,
        "period_end": record.period_end,
        "requests": record.requests,
        "requests_below": record.requests_below,
        "items": record.items,
        "items_below": record.items_below,
        "items_unit": record.items_unit,
        "compliance_rate": record.compliance_rate,
        "compliance_basis": record.compliance_basis,
        "requester_type": record.requester_type,
        "reason": record.reason,
        "raw": record.raw,
    }


def _event_fields(event: StopEvent) -> dict:
    extent = EXTENTS.get(" ".join(event.extent.casefold().split()))
    if extent is None:
        # Unknown wording: keep the event, classify by what the row says was hit.
        extent = ShutdownEvent.Extent.SERVICE_BASED if event.platforms else ShutdownEvent.Extent.FULL_NETWORK
    return {
        "source_key": event.source_key,
        "publisher": event.publisher,
        "source_file": event.file,
        "source_line": event.line,
        "country": event.country,
        "countries": event.countries,
        "country_codes": "," + ",".join(event.countries) + ",",
        "country_names": event.country_names,
        "start": event.start,
        "end": event.end,
        "start_type": event.start_type,
        "status": event.status,
        "extent": extent,
        "shutdown_type": event.shutdown_type[:50],
        "affected_network": event.affected_network[:50],
        "area_name": event.area_name,
        "services_affected": event.services_affected,
        "other_services": event.other_services,
        "justification": event.justification[:300],
        "cause": event.cause[:100],
        "ordered_by": event.ordered_by[:200],
        "decision_maker": event.decision_maker,
        "count_year": event.count_year,
        "evidence_urls": event.evidence_urls,
        "description": event.description,
        "an_link": event.an_link[:500],
        "raw": event.raw,
    }


def _upsert(model, fields: tuple[str, ...], rows: list[dict], summary: ImportSummary,
            progress: Progress | None, *, source: str | None = None) -> None:
    total = len(rows)
    now = timezone.now()
    with transaction.atomic():
        for offset in range(0, total, BATCH_SIZE):
            batch = rows[offset:offset + BATCH_SIZE]
            existing = model.objects.filter(source_key__in=[r["source_key"] for r in batch])
            if source is not None:
                existing = existing.filter(source=source)
            by_key = {obj.source_key: obj for obj in existing}
            to_create, to_update = [], []
            for row in batch:
                obj = by_key.get(row["source_key"])
                if obj is None:
                    to_create.append(model(**row, **({"source": source} if source else {})))
                    continue
                changed = [name for name in fields if getattr(obj, name) != row[name]]
                if not changed:
                    summary.unchanged += 1
                    continue
                if model is PlatformReport:
                    _record_revision(obj, row, now)
                    summary.revised += obj.revised_at == now
                for name in changed:
                    setattr(obj, name, row[name])
                obj.updated_at = now
                to_update.append(obj)
            model.objects.bulk_create(to_create)
            update_fields = list(fields) + ["updated_at"]
            if model is PlatformReport:
                update_fields += ["revised_at", "previous_values", "revisions"]
            model.objects.bulk_update(to_update, update_fields)
            summary.created += len(to_create)
            summary.updated += len(to_update)
            if progress is not None:
                progress(min(offset + BATCH_SIZE, total), total)


def _record_revision(report: PlatformReport, row: dict, now) -> None:
    changes = {
        name: [_jsonable(getattr(report, name)), _jsonable(row[name])]
        for name in PlatformReport.FIGURES
        if getattr(report, name) != row[name]
    }
    if not changes:
        return  # a label or line moved; the figures stand
    report.revised_at = now
    report.previous_values = {name: old for name, (old, _new) in changes.items()}
    report.revisions = [
        *report.revisions,
        {"at": now.isoformat(), "file": row["source_file"], "line": row["source_line"], "changes": changes},
    ]


def _jsonable(value):
    return str(value) if value is not None and not isinstance(value, int) else value
