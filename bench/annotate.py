"""Benchmark: the full annotation step vs bare `nlp.pipe` of the same pipeline.

Runs over the dev corpus texts (read from the shared folder at run time):
1. the annotate step as workers run it — spaCy, rules, storing mentions and
   claims, attaching to disputes, proposing candidates — on a fresh SQLite
   database;
2. bare `nlp.pipe` of the same loaded pipeline over the same texts;
3. for reference, the model's full default pipeline.
Prints documents per second, their ratio (target >= 0.7) and the resident
memory after annotating (target <= 400 MB). The last line is one JSON object.

    .venv/bin/python bench/annotate.py [--repeat 3] [--corpus PATH]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="Passes over the corpus for each measurement")
    parser.add_argument("--corpus", help="JSONL corpus (default: shared/corpus/dev.jsonl)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="standoff-bench-")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "STANDOFF_VAR_DIR": tmp,
                       "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    import spacy
    from django.conf import settings
    from django.core.management import call_command

    from disputes.models import Demand, Dispute, Evidence, Outcome
    from ingestion.annotating import articles_annotate, get_pipeline
    from ingestion.models import Article

    corpus = Path(args.corpus or settings.STANDOFF_SHARED_DIR / "corpus" / "dev.jsonl")
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    nlp = get_pipeline()
    pieces = [piece for r in records for piece in (r.get("title") or "", r.get("text") or "")]

    def annotate_pass() -> float:
        # Start each pass from the demo data alone: drop what the last pass proposed.
        Evidence.objects.filter(article__isnull=False).delete()
        Dispute.objects.candidates().delete()
        for model in (Demand, Outcome):
            model.objects.candidates().delete()
        Article.objects.all().delete()
        ids = [Article.objects.create(title=r.get("title") or "", text=r.get("text") or "", outlet=r.get("outlet") or "",
                                      status=Article.Status.EXTRACTED).pk for r in records]
        started = time.perf_counter()
        for start in range(0, len(ids), 32):
            articles_annotate(article_ids=ids[start : start + 32])
        return time.perf_counter() - started

    def pipe_pass(model) -> float:
        started = time.perf_counter()
        for _ in model.pipe(pieces, batch_size=32):
            pass
        return time.perf_counter() - started

    pipe_pass(nlp)  # warm up
    annotate_s = min(annotate_pass() for _ in range(args.repeat))
    rss = rss_mb()
    bare_s = min(pipe_pass(nlp) for _ in range(args.repeat))
    full = spacy.load(settings.SPACY_MODEL)
    full_s = min(pipe_pass(full) for _ in range(args.repeat))

    n = len(records)
    figures = {
        "documents": n,
        "annotate_docs_per_s": round(n / annotate_s, 1),
        "bare_pipe_docs_per_s": round(n / bare_s, 1),
        "full_default_pipeline_docs_per_s": round(n / full_s, 1),
        "ratio": round(bare_s / annotate_s, 3),
        "rss_mb": round(rss, 1),
        "pipes": nlp.pipe_names,
    }
    print(f"documents: {n} (title and text each), best of {args.repeat}")
    print(f"annotate step (spaCy + rules + DB writes): {figures['annotate_docs_per_s']:>8} docs/s")
    print(f"bare nlp.pipe, same pipeline:              {figures['bare_pipe_docs_per_s']:>8} docs/s")
    print(f"full default pipeline (reference):         {figures['full_default_pipeline_docs_per_s']:>8} docs/s")
    print(f"ratio annotate / bare: {figures['ratio']}   (target >= 0.7)")
    print(f"worker RSS after annotating: {figures['rss_mb']} MB   (target <= 400)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
