import json as _json
import sys

from django.core.management.base import BaseCommand, CommandError

from ingestion import evaluating
from ingestion.annotation import evaluation


class Command(BaseCommand):
    help = (
        "Score the annotator on a labelled JSON Lines corpus: per-field precision, recall and F1. "
        "The records go through `ingest_corpus --sync` in a transaction that is rolled back, so "
        "nothing is written; with --from-database, what an earlier `ingest_corpus FILE` stored is scored."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A corpus file in the schema of shared/corpus/README.md.")
        parser.add_argument(
            "--from-database", action="store_true",
            help="Score the annotations, dispute attachments and story clusters stored for FILE's records.",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object with the metrics.")
        parser.add_argument("--predictions", metavar="OUT.jsonl", help="Write one prediction per record here.")

    def handle(self, *args, file, from_database: bool, json: bool, predictions: str | None, **options):
        try:
            metrics, _gold, preds = evaluating.evaluate_file(file, from_database=from_database)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except evaluating.EvaluationError as exc:
            raise CommandError(str(exc)) from exc
        if predictions:
            with open(predictions, "w", encoding="utf-8") as out:
                for row in preds:
                    out.write(_json.dumps(row, ensure_ascii=False) + "\n")
        if json:
            self.stdout.write(_json.dumps(metrics, ensure_ascii=False))
        else:
            self.stdout.write(evaluation.format_report(metrics))
        for error in metrics.get("load_errors", []):
            sys.stderr.write(f"{file}: {error}\n")
