"""python manage.py calibrate_confidence [FILE.jsonl] [--keep] [--output PATH]"""

import io
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from disputes import calibration
from ingestion.models import Article


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Map the annotator's raw confidence to the precision it has on a labelled corpus, "
        "per claim kind, read from what production stores: the corpus is ingested with "
        "`ingest_corpus --sync` (inside a transaction that is rolled back unless --keep) and "
        "the stored claims are scored against the records' labels. Writes the table the "
        "review queue applies and prints a reliability table."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path,
                            default=Path(settings.STANDOFF_SHARED_DIR) / "corpus" / "dev.jsonl")
        parser.add_argument("--output", type=Path, default=calibration.TABLE_PATH)
        parser.add_argument("--keep", action="store_true", help="Keep the ingested articles.")

    def handle(self, *args, file: Path, output: Path, keep: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        records = {r["id"]: r for r in calibration_records(file)}
        try:
            with transaction.atomic():
                call_command("ingest_corpus", str(file), sync=True, no_progress=True, stdout=io.StringIO())
                pairs = stored_pairs(records)
                if not keep:
                    raise _Rollback
        except _Rollback:
            pass
        if not any(pairs.values()):
            raise CommandError("No stored claim matched a record: is annotation switched off (INGEST_ANNOTATE)?")

        table = calibration.Calibration({kind: calibration.fit(p) for kind, p in pairs.items() if p})
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(table.to_json(corpus=file.name, records=len(records)), indent=1) + "\n")
        calibration.load.cache_clear()
        self._report(pairs, table, output)

    def _report(self, pairs, table, output) -> None:
        write = self.stdout.write
        write(f"{'kind':<12} {'bin':<9} {'n':>4} {'stated':>7} {'observed':>9} {'calibrated':>11}")
        for kind, kind_pairs in sorted(pairs.items()):
            for b in calibration.reliability(kind_pairs):
                inside = [s for s, _ in kind_pairs if b.low <= s < b.high or (b.high == 1.0 and s == 1.0)]
                shown = sum(table.apply(kind, s) for s in inside) / len(inside)
                write(f"{kind:<12} {b.low:.1f}-{b.high:.1f}  {b.n:>4} {b.mean_stated:>7.2f} "
                      f"{b.precision:>9.2f} {shown:>11.2f}")
        write(f"Wrote {output}")


def calibration_records(file: Path) -> list[dict]:
    with file.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def stored_pairs(records: dict[str, dict]) -> dict[str, list[tuple[float, bool]]]:
    """(raw confidence, right?) per kind, from the claims and relevance the pipeline
    stored for the records' articles (matched by the corpus id). Title claims
    are left out: no candidate fact is proposed from them."""
    pairs: dict[str, list[tuple[float, bool]]] = {calibration.ARTICLE: []}
    articles = (
        Article.objects.filter(external_id__in=records, annotation__isnull=False)
        .select_related("annotation").prefetch_related("claims")
    )
    for article in articles:
        record = records[article.external_id]
        pairs[calibration.ARTICLE].append((article.annotation.relevance, bool(record.get("is_dispute"))))
        if not article.annotation.is_dispute:
            continue  # the queue only ever shows claims of articles the annotator kept
        for claim in article.claims.all():
            if claim.in_title:
                continue
            correct = calibration.claim_is_correct(claim.kind, claim.value, claim.extra, record)
            pairs.setdefault(claim.kind, []).append((claim.confidence, correct))
    return pairs
