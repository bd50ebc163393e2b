#!/usr/bin/env python
"""Benchmark of the researcher pages against a trivial view.

Builds a large synthetic dataset (10,000 disputes, 50,000 demands, 50,000
outcomes, 200,000 articles, 60 countries; --small: a tenth) in its own
database, then measures the median server time of the home, disputes list,
dispute, country and search pages and, in the same run, of a trivial view that
renders a small template. Requests go through Django's full handler and
middleware in-process (no network), round-robin across pages; --http measures
the same pages through gunicorn over loopback as well.

By default the cache is warm, as for any page viewed more than once between
two changes of the data (figures, charts, list counts and rendered rows are
cached per data version, see disputes/site/caching.py); --no-cache measures every
request computing everything, which is what the first visitor after a change
pays.

    .venv/bin/python bench/pages.py --small                  # SQLite in a temp dir
    .venv/bin/python bench/pages.py --small --no-cache --http
    CACHE_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/pages.py --small   # the production cache
    DATABASE_URL=postgres://.../bench .venv/bin/python bench/pages.py --small

The database must be empty, or hold this benchmark's dataset of the same size
(then it is reused). Prints a table, and as its last line one JSON object
mapping each page to its ratio to the trivial view.
"""

import argparse
import atexit
import datetime
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

FULL = {"disputes": 10_000, "demands": 50_000, "outcomes": 50_000, "articles": 200_000, "countries": 60}
BATCH = 5_000

WORDS = (
    "government ministry order platform accounts withhold block ban court ruling law regulator content "
    "removal fine penalty deadline compliance refuse appeal protest election misinformation security "
    "encryption data localisation representative office throttle service users posts videos journalists "
    "opposition activists hashtag campaign minister statement hearing judge injunction suspension access "
    "network shutdown telecom operators transparency report request takedown notice legal basis section "
    "article decree parliament bill amendment officials warned threatened jail executives staff arrested "
    "negotiation talks agreement restored lifted partial complied withdrew challenged constitutional rights "
    "speech expression privacy surveillance police investigation criminal complaint defamation insult "
    "religion blasphemy terrorism extremism separatist propaganda foreign interference sovereignty digital "
    "market competition advertising revenue news publishers bargaining code tax levy licence registration"
).split()
RARE = ["telegram", "koo", "netzdg", "sovereign", "kavach", "roskomnadzor", "btk", "meity", "anatel", "kominfo"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="a tenth of the full size")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page (default 40)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--http", action="store_true",
                        help="also measure over loopback HTTP through gunicorn (2 sync workers), as PERF-NOTES did")
    parser.add_argument("--no-cache", action="store_true",
                        help="disable the cache (DummyCache): every request recomputes figures and charts")
    return parser.parse_args()


def setup_django(scale_name: str, no_cache: bool):
    workdir = Path(tempfile.mkdtemp(prefix=f"standoff-bench-{scale_name}-"))
    # Without DATABASE_URL the dataset lives (and dies) in this temporary folder.
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "benchmark-only-secret-key-not-used-anywhere-else-0123456789",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "STANDOFF_VAR_DIR": str(workdir),
            "LOG_LEVEL": "ERROR",
            # The in-process memory cache; production shares one in Redis (CACHE_URL).
            "CACHE_URL": os.environ.get("CACHE_URL", "locmem://"),
        }
    )
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"
    if no_cache:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def build(scale: dict, seed: int) -> None:
    from django.db import connection, transaction

    from disputes import rollups
    from disputes.models import (
        Actor,
        Demand,
        DemandType,
        Dispute,
        DisputeParty,
        Event,
        EventKind,
        Evidence,
        Outcome,
        OutcomeKind,
        Penalty,
        Platform,
        Precision,
        Topic,
    )
    from disputes.site.search import drop_search_index, ensure_search_index
    from disputes.vocab import COUNTRY_CODES
    from ingestion.models import Article, Source, StoryCluster

    rng = random.Random(seed)
    today = datetime.date(2026, 11, 1)
    countries = [c for c in COUNTRY_CODES if c not in ("EU", "XK")]
    rng.shuffle(countries)
    countries = countries[: scale["countries"]]
    # A few countries make most demands (as in transparency reports): Zipf-like weights.
    weights = [1 / (i + 1) ** 0.9 for i in range(len(countries))]

    def rand_date(start: datetime.date, span_days: int) -> datetime.date:
        return min(start + datetime.timedelta(days=rng.randrange(span_days)), today)

    def sentence(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    print("building the dataset ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    drop_search_index()  # rebuilt once at the end: much faster than row by row
    with transaction.atomic():
        platforms = []
        for code, label in Platform.choices:
            if code != Platform.OTHER:
                platforms.append(Actor(name=label, slug=f"bench-{code}", kind="platform", country="US", platform=code))
        Actor.objects.bulk_create(platforms)
        platforms = list(Actor.objects.filter(slug__startswith="bench-").order_by("pk"))
        govs: dict[str, list] = {}
        gov_rows = []
        for code in countries:
            for kind, name in (("government", "Government"), ("ministry", "Ministry of Communications"),
                               ("regulator", "Telecoms Regulator"), ("court", "Supreme Court")):
                gov_rows.append(Actor(name=f"{name} of {code}", slug=f"bench-{kind}-{code.lower()}", kind=kind,
                                      country=code))
        Actor.objects.bulk_create(gov_rows, batch_size=BATCH)
        for actor in Actor.objects.exclude(country="US", kind="platform"):
            govs.setdefault(actor.country, []).append(actor)
        topics = list(Topic.objects.all())

        dispute_rows = []
        for i in range(scale["disputes"]):
            country = rng.choices(countries, weights)[0]
            start = rand_date(datetime.date(2008, 1, 1), 6500)
            precision = rng.choices([Precision.DAY, Precision.MONTH, Precision.YEAR], [70, 25, 5])[0]
            if precision == Precision.MONTH:
                start = start.replace(day=1)
            elif precision == Precision.YEAR:
                start = start.replace(month=1, day=1)
            dispute_rows.append(Dispute(
                title=f"{country} {rng.choice(['orders', 'pressures', 'blocks', 'fines'])} platforms over "
                      f"{rng.choice(WORDS)} {rng.choice(WORDS)} ({i})",
                slug=f"bench-dispute-{i}", country=country,
                status=rng.choice(["active", "escalated", "resolved", "dormant"]),
                start_date=start, start_precision=precision,
                summary=" ".join(sentence(18) for _ in range(4)) + (f" {rng.choice(RARE)}." if i % 7 == 0 else ""),
                review_state="confirmed" if rng.random() < 0.9 else "candidate",
            ))
        Dispute.objects.bulk_create(dispute_rows, batch_size=BATCH)
        disputes = list(Dispute.objects.order_by("pk").values_list("pk", "country", "start_date"))

        parties, through, targets = [], [], {}
        for pk, country, _ in disputes:
            chosen = rng.sample(platforms, rng.choice([1, 1, 1, 2, 3]))
            targets[pk] = chosen
            for actor in chosen:
                parties.append(DisputeParty(dispute_id=pk, actor=actor, role="targeted"))
            for actor in rng.sample(govs[country], 2):
                parties.append(DisputeParty(dispute_id=pk, actor=actor, role="demanding"))
            for topic in rng.sample(topics, 2):
                through.append(Dispute.topics.through(dispute_id=pk, topic_id=topic.pk))
        DisputeParty.objects.bulk_create(parties, batch_size=BATCH)
        Dispute.topics.through.objects.bulk_create(through, batch_size=BATCH)

        demand_rows = []
        for n in range(scale["demands"]):
            pk, country, start = disputes[n % len(disputes)]
            demand_rows.append(Demand(
                dispute_id=pk, made_by=rng.choice(govs[country]), made_to=rng.choice(targets[pk]),
                demand_type=rng.choice(DemandType.values), date=rand_date(start, 900),
                accounts_targeted=rng.choice([None, None, rng.randrange(1, 5000)]),
                legal_basis=f"Section {rng.randrange(1, 200)} of the {rng.choice(WORDS).title()} Act",
                description=sentence(20), review_state="confirmed" if rng.random() < 0.95 else "candidate",
            ))
        Demand.objects.bulk_create(demand_rows, batch_size=BATCH)
        demands = list(Demand.objects.order_by("pk").values_list("pk", "dispute_id", "date", "made_to_id"))
        Penalty.objects.bulk_create(
            [Penalty(demand_id=pk, kind=rng.choice(["fine", "jail_term", "ban"]), description=sentence(8))
             for pk, *_ in demands[::4]], batch_size=BATCH)

        outcome_rows = []
        for n in range(scale["outcomes"]):
            demand_pk, dispute_pk, date, made_to = demands[(n * 7919) % len(demands)]
            answers = rng.random() < 0.7
            outcome_rows.append(Outcome(
                dispute_id=dispute_pk, demand_id=demand_pk if answers else None,
                kind=rng.choice(OutcomeKind.values), date=rand_date(date, 600),
                actor_id=made_to if answers else None, details=sentence(16),
                review_state="confirmed" if rng.random() < 0.95 else "candidate",
            ))
        Outcome.objects.bulk_create(outcome_rows, batch_size=BATCH)
        Event.objects.bulk_create(
            [Event(dispute_id=pk, kind=rng.choice(EventKind.values), title=sentence(6),
                   date=rand_date(start, 900), review_state="confirmed")
             for pk, _, start in disputes for _ in range(2)], batch_size=BATCH)

        source = Source.objects.create(name="Bench wire", url="https://wire.example/feed")
        outlets = [f"outlet-{i}.example" for i in range(300)]
        StoryCluster.objects.bulk_create([StoryCluster() for _ in range(scale["articles"] // 50)])
        clusters = list(StoryCluster.objects.values_list("pk", flat=True))
        for first in range(0, scale["articles"], BATCH):
            rows = []
            for n in range(first, min(first + BATCH, scale["articles"])):
                words = [rng.choice(WORDS) for _ in range(70)]
                if n % 50 == 0:
                    words.append(rng.choice(RARE))
                status = "annotated" if rng.random() < 0.9 else rng.choice(["failed", "discovered", "skipped"])
                rows.append(Article(
                    source=source, url=f"https://{outlets[n % 300]}/story/{n}", outlet=outlets[n % 300],
                    title=sentence(8)[:-1], text=" ".join(words) + ".", published=rand_date(datetime.date(2008, 1, 1), 6800),
                    language="en", content_hash=hashlib.sha256(str(n).encode()).hexdigest(), status=status,
                    failure_reason="HTTP 404" if status in ("failed", "skipped") else "",
                    # ~10% syndicated copies: grouped in a story cluster, as ingestion does
                    cluster_id=clusters[n % len(clusters)] if rng.random() < 0.1 else None,
                ))
            Article.objects.bulk_create(rows, batch_size=BATCH)
        article_ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))

        evidence = []
        for n, (demand_pk, dispute_pk, date, _) in enumerate(demands):
            evidence.append(Evidence(dispute_id=dispute_pk, demand_id=demand_pk, article_id=article_ids[(n * 31) % len(article_ids)],
                                     quote=sentence(10), published=date))
        outcomes = Outcome.objects.order_by("pk").values_list("pk", "dispute_id", "date")
        for n, (outcome_pk, dispute_pk, date) in enumerate(outcomes):
            evidence.append(Evidence(dispute_id=dispute_pk, outcome_id=outcome_pk,
                                     article_id=article_ids[(n * 37 + 11) % len(article_ids)], published=date))
        Evidence.objects.bulk_create(evidence, batch_size=BATCH)
    print(f"  rows written in {time.perf_counter() - started:.0f} s; building the search index ...",
          file=sys.stderr, flush=True)
    ensure_search_index()
    rollups.rebuild()  # bulk_create sends no signals: the per-country rollups are built once here
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  dataset ready in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def pick_pages() -> dict[str, str]:
    from django.db.models import Count

    from disputes.models import Dispute

    counts = list(
        Dispute.objects.confirmed().values("country").annotate(n=Count("id")).order_by("-n").values_list("country", "n")
    )
    biggest = counts[0][0]
    median = counts[len(counts) // 2][0]
    dispute = (
        Dispute.objects.confirmed().filter(country=median).annotate(n=Count("demands")).order_by("-n", "pk").first()
    )
    return {
        "trivial": "/__bench__/trivial/",
        "home": "/",
        "disputes list": "/disputes/",
        "disputes list, filtered": "/disputes/?platform=twitter&demand_type=withhold_accounts&sort=oldest",
        "dispute": dispute.get_absolute_url(),
        "country (largest)": f"/countries/{biggest}/",
        "country (median)": f"/countries/{median}/",
        "search": "/search/?q=encryption+sovereign",
    }


def measure(pages: dict[str, str], rounds: int) -> dict[str, dict]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {name: {"url": url, "times": []} for name, url in pages.items()}
    for name, url in pages.items():  # warm up, check, and count the queries of a warm request
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} failed")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        results[name]["queries"] = len(queries)
        results[name]["bytes"] = len(response.content)
    for _ in range(rounds):
        for name, url in pages.items():
            started = time.perf_counter()
            client.get(url)
            results[name]["times"].append((time.perf_counter() - started) * 1000)
    reset_queries()
    return results


def measure_http(pages: dict[str, str], rounds: int, no_cache: bool) -> dict[str, list[float]]:
    """Client-side latency through gunicorn on a free loopback port."""
    import http.client
    import socket
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(BASE_DIR))
    if no_cache:
        env["STANDOFF_BENCH_NO_CACHE"] = "1"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"],
        cwd=BASE_DIR, env=env,
    )

    def get(url):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", url, headers={"Host": "testserver"})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get("/__bench__/trivial/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        times = {name: [] for name in pages}
        for name, url in pages.items():
            for _ in range(4):  # both workers warm
                if get(url) != 200:
                    raise SystemExit(f"{url} failed over HTTP")
        for _ in range(rounds):
            for name, url in pages.items():
                started = time.perf_counter()
                get(url)
                times[name].append((time.perf_counter() - started) * 1000)
        return times
    finally:
        server.terminate()
        server.wait(timeout=30)


def print_table(title: str, pages: dict[str, str], times: dict[str, list[float]], queries: dict[str, int]) -> dict:
    trivial = statistics.median(times["trivial"])
    print(title)
    header = f"{'page':<26} {'queries':>7} {'median ms':>10} {'p90 ms':>8} {'× trivial':>10}  url"
    print(header)
    print("-" * len(header))
    ratios = {}
    for name, url in pages.items():
        values = sorted(times[name])
        median = statistics.median(values)
        p90 = values[max(int(len(values) * 0.9) - 1, 0)]
        ratio = median / trivial
        if name != "trivial":
            ratios[name] = round(ratio, 1)
        print(f"{name:<26} {queries.get(name, 0):>7} {median:>10.2f} {p90:>8.2f} {ratio:>10.1f}  {url}")
    print()
    return ratios


def main():
    args = parse_args()
    factor = 10 if args.small else 1
    scale = {k: (v // factor if k != "countries" else v) for k, v in FULL.items()}
    scale_name = "small" if args.small else "full"
    setup_django(scale_name, args.no_cache)
    from django.db import connection

    from disputes.models import Dispute

    existing = Dispute.objects.count()
    if existing == 0:
        build(scale, args.seed)
    elif existing != scale["disputes"] or not Dispute.objects.filter(slug="bench-dispute-0").exists():
        raise SystemExit("The database holds other data: give an empty database (DATABASE_URL).")
    else:
        print("reusing the dataset already in the database", file=sys.stderr)

    pages = pick_pages()
    results = measure(pages, args.requests)
    queries = {name: r["queries"] for name, r in results.items()}
    db = connection.vendor
    cache_note = "no cache: every request recomputes" if args.no_cache else "warm cache: figures and charts cached"
    print(f"\nStandoff page benchmark: {db}, {scale_name} size ({scale['disputes']:,} disputes, "
          f"{scale['demands']:,} demands, {scale['outcomes']:,} outcomes, {scale['articles']:,} articles, "
          f"{scale['countries']} countries); {cache_note}\n")
    ratios = print_table(
        f"Server time: in-process through Django's handler and middleware, median of {args.requests} per page",
        pages, {name: r["times"] for name, r in results.items()}, queries,
    )
    if args.http:
        http_ratios = print_table(
            f"Loopback HTTP through gunicorn (2 sync workers), median of {args.requests} per page",
            pages, measure_http(pages, args.requests, args.no_cache), queries,
        )
        ratios.update({f"{name} (http)": ratio for name, ratio in http_ratios.items()})
    print(json.dumps(ratios))


if __name__ == "__main__":
    main()
