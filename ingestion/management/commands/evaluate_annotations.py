import json as _json
import sys

from django.core.management.base import BaseCommand, CommandError

from ingestion import evaluation
from ingestion.annotator import get_pipeline


class Command(BaseCommand):
    help = (
        "Score the annotator on a labelled JSON Lines corpus: per-field precision, recall and F1. "
        "Reads curated actors; writes nothing to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A corpus file in the schema of shared/corpus/README.md.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object with the metrics.")
        parser.add_argument("--predictions", metavar="OUT.jsonl", help="Write one prediction per record here.")

    def handle(self, *args, file, json: bool, predictions: str | None, **options):
        try:
            metrics, _gold, preds = evaluation.evaluate_file(
                file, nlp=get_pipeline(), duplicate_grouper=_duplicate_grouper()
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
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



def _duplicate_grouper():
    """Ingestion's near-duplicate grouping, the same code that clusters stories."""
    try:
        from ingestion.dedupe import near_duplicate_groups
    except ImportError:  # before ingestion's dedupe module exists
        return None
    return near_duplicate_groups
