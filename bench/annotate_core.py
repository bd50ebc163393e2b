"""Benchmark the annotation core on the dev corpus.

Times, on the same texts:
  * ``annotate_texts`` (language detection + pipeline + rules + field extraction),
  * bare ``nlp.pipe`` of the same reduced pipeline (titles and texts, as annotate runs them),
  * the model's full default pipeline (reference).

Prints docs/s for each, the annotate/bare ratio (target >= 0.7) and the process RSS; the last
line is one JSON object. Usage: ``python bench/annotate_core.py [corpus.jsonl] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spacy  # noqa: E402

from ingestion.annotation.annotate import annotate_texts  # noqa: E402
from ingestion.annotation.evaluation import load_jsonl, shared_dir  # noqa: E402
from ingestion.annotation.nlp import DEFAULT_MODEL, PIPELINE_VERSION, build_pipeline  # noqa: E402


def rss_mb() -> float:
    """Current resident set size (Linux /proc), falling back to the peak."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default=str(shared_dir() / "corpus" / "dev.jsonl"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    if not Path(args.corpus).exists():
        print(f"corpus not found: {args.corpus} (pass a path or set STANDOFF_SHARED_DIR)", file=sys.stderr)
        return 2
    records = load_jsonl(args.corpus).records
    items = [(r.get("title") or "", r.get("text") or "", r.get("published")) for r in records]
    pieces = [piece for title, text, _ in items for piece in (title, text)]
    n = len(items)

    t0 = time.perf_counter()
    nlp = build_pipeline()
    load_s = time.perf_counter() - t0
    full = spacy.load(DEFAULT_MODEL)

    # Warm up with one full pass each: first passes are markedly slower on this machine
    # (regex compilation, model buffers, CPU frequency), which would skew the ratios.
    annotate_texts(nlp, items)
    list(nlp.pipe(pieces, batch_size=32))
    list(full.pipe(pieces, batch_size=32))

    ann_best, ann_med = best_of(lambda: annotate_texts(nlp, items), args.repeat)
    bare_best, bare_med = best_of(lambda: list(nlp.pipe(pieces, batch_size=32)), args.repeat)
    full_best, full_med = best_of(lambda: list(full.pipe(pieces, batch_size=32)), args.repeat)

    result = {
        "pipeline_version": PIPELINE_VERSION,
        "articles": n,
        "pipes": nlp.pipe_names,
        "load_s": round(load_s, 3),
        "annotate_docs_per_s": round(n / ann_best, 1),
        "bare_pipe_docs_per_s": round(n / bare_best, 1),
        "full_default_docs_per_s": round(n / full_best, 1),
        "annotate_over_bare": round(bare_best / ann_best, 3),
        "annotate_over_bare_median": round(bare_med / ann_med, 3),
        "reduced_over_full": round(full_best / bare_best, 3),
        "rss_mb": round(rss_mb(), 1),
    }
    print(f"articles: {n} (title + text each), best of {args.repeat}")
    print(f"pipeline: {' -> '.join(nlp.pipe_names)}  (load {load_s:.2f}s)")
    print(f"annotate_texts        {result['annotate_docs_per_s']:>8.1f} docs/s")
    print(f"bare nlp.pipe         {result['bare_pipe_docs_per_s']:>8.1f} docs/s")
    print(f"full default pipeline {result['full_default_docs_per_s']:>8.1f} docs/s")
    print(f"annotate/bare ratio   {result['annotate_over_bare']:>8.3f} (median runs {result['annotate_over_bare_median']:.3f}; target >= 0.7)")
    print(f"reduced/full speed-up {result['reduced_over_full']:>8.3f}")
    print(f"RSS                   {result['rss_mb']:>8.1f} MB")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
