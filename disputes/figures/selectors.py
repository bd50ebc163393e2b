"""Read logic of the platforms' own figures: their series by period, ready for a chart, and
shutdown events by year."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, When

from disputes.models import Platform, PlatformReport, ShutdownEvent

# Google's 2009–2019 format and its current one describe the same requests; the
# current file wins where both cover a half-year (README: "Prefer 1a").
GOOGLE_REQUESTS = ("google-summary", "google-historical")
# What a rate is a share of, and what the items are, per dataset.
COMPLIANCE_BASES = {
    "google-summary": "items", "google-historical": "requests", "twitter-legal-demands": "requests",
}
ITEMS_UNITS = {
    "meta": "items restricted", "meta-combined": "items restricted",
    "twitter-legal-demands": "accounts specified",
}
SERIES_LABELS = {
    ("google-requests", "google"): "Google: government removal requests, all products",
    ("google-detailed", "youtube"): "Google: government removal requests for YouTube",
    ("google-detailed", "google"): "Google: government removal requests by product",
    ("meta", "facebook"): "Meta: Facebook items restricted under local law",
    ("meta", "instagram"): "Meta: Instagram items restricted under local law",
    ("meta-combined", "facebook"): "Meta: Facebook and Instagram items restricted under local law",
    ("twitter-legal-demands", "twitter"): "Twitter: legal demands to remove content",
}


def platform_figures_for_country(iso2: str, *, granularity: str = "half-year") -> list[dict]:
    """The platforms' own figures for one country: one series per publisher
    dataset and platform, points in time order, ready for a chart.

    Two queries; see `_series` for the shape of a series."""
    rows = PlatformReport.objects.for_country(iso2)
    return _series(rows, granularity)


def platform_figures_for_platform(code: str, *, granularity: str = "half-year") -> list[dict]:
    """The figures a platform's publisher reports summed over every country,
    one series per dataset (Google's YouTube figures come from its per-product
    file). Rates are weighted by the items or requests they are shares of."""
    if code not in Platform.values:
        return []
    # Europol and Interpol are not countries; their rows stay out of world sums.
    rows = PlatformReport.objects.for_platform(code).exclude(country="")
    return _series(rows, granularity)


def _series(rows, granularity: str) -> list[dict]:
    """Aggregate per (dataset, platform, half-year) in SQL and shape series:

        {"key", "label", "publisher", "source", "platform", "datasets",
         "items_unit", "compliance_basis", "granularity",
         "points": [{"period", "start", "end", "requests", "items",
                     "requests_below", "compliance_rate", "approximate", "rows",
                     "dataset"}, ...]}

    `approximate` marks a point where some row was published as "<10" or left
    blank, so the sum is a lower bound; `requests_below` is the "<10" of a
    point made of such rows only.
    """
    if granularity not in {"half-year", "year"}:
        raise ValueError(f"granularity must be 'half-year' or 'year', not {granularity!r}")
    weight = Case(
        When(compliance_basis="items", then=F("items")),
        When(compliance_basis="requests", then=F("requests")),
        default=None,
    )
    rated = Q(compliance_rate__isnull=False)
    grouped = (
        rows.order_by()
        .values("source", "publisher", "dataset", "platform", "period_start", "period_end")
        .annotate(
            # Names differ from the fields: F("items") must not mean the sum.
            sum_requests=Sum("requests"),
            sum_requests_below=Sum("requests_below"),
            sum_items=Sum("items"),
            sum_weighted=Sum(F("compliance_rate") * weight, filter=rated, output_field=DecimalField()),
            sum_weight=Sum(weight, filter=rated),
            rows=Count("id"),
            unknown_requests=Count("id", filter=Q(requests__isnull=True)),
            unknown_items=Count("id", filter=Q(items__isnull=True)),
        )
    )
    buckets: dict[tuple, dict] = {}
    for g in grouped:
        dataset = "google-requests" if g["dataset"] in GOOGLE_REQUESTS else g["dataset"]
        key = (dataset, g["platform"])
        series = buckets.setdefault(key, {
            "key": f"{dataset}:{g['platform']}",
            "label": SERIES_LABELS.get(key, f"{g['publisher']}: {dataset} ({g['platform']})"),
            "publisher": g["publisher"],
            "source": g["source"],
            "platform": g["platform"],
            "datasets": set(),
            "items_unit": ITEMS_UNITS.get(g["dataset"], "items"),
            "compliance_basis": set(),
            "granularity": granularity,
            "points": {},
        })
        start = g["period_start"]
        kept = series["points"].get(start)
        if kept and kept["dataset"] == "google-summary" and g["dataset"] == "google-historical":
            continue  # both Google formats cover 2019-H1: keep the current one
        series["datasets"].add(g["dataset"])
        if g["sum_weight"]:
            series["compliance_basis"].add(COMPLIANCE_BASES[g["dataset"]])
        series["points"][start] = {
            "dataset": g["dataset"],
            "start": start,
            "end": g["period_end"],
            "requests": g["sum_requests"],
            "requests_below": g["sum_requests_below"] if g["sum_requests"] is None else None,
            "items": g["sum_items"],
            "weighted": g["sum_weighted"],
            "weight": g["sum_weight"],
            "rows": g["rows"],
            "approximate": bool(
                (g["sum_requests"] is not None and g["unknown_requests"])
                or (g["sum_items"] is not None and g["unknown_items"])
            ),
        }
    result = []
    for series in buckets.values():
        points = [series["points"][start] for start in sorted(series["points"])]
        if granularity == "year":
            points = _by_year(points)
        series["points"] = [_finish(p, granularity) for p in points]
        series["datasets"] = sorted(series["datasets"])
        # A Google series spans both bases (requests until 2019-H1, items after): say so.
        series["compliance_basis"] = "/".join(sorted(series["compliance_basis"]))
        result.append(series)
    return sorted(result, key=lambda s: (s["source"], s["label"]))


def _by_year(points: list[dict]) -> list[dict]:
    years: dict[int, dict] = {}
    for p in points:
        y = years.setdefault(p["start"].year, {
            "start": date(p["start"].year, 1, 1), "end": date(p["start"].year, 12, 31),
            "dataset": p["dataset"], "requests": None, "requests_below": None, "items": None,
            "weighted": None, "weight": None,
            "rows": 0, "approximate": False, "halves": 0,  # halves=1: half a year reported
        })
        for name in ("requests", "items", "weighted", "weight"):
            if p[name] is not None:
                y[name] = (y[name] or 0) + p[name]
        if p["requests"] is None and p["requests_below"] is not None:
            y["approximate"] = True
        y["rows"] += p["rows"]
        y["halves"] += 1
        y["approximate"] |= p["approximate"]
    return [years[k] for k in sorted(years)]


def _finish(point: dict, granularity: str) -> dict:
    weighted, weight = point.pop("weighted"), point.pop("weight")
    rate = None
    if weighted is not None and weight:
        rate = (Decimal(weighted) / Decimal(weight)).quantize(Decimal("0.1"))
    start = point["start"]
    if granularity == "year":
        period = str(start.year)
    else:
        period = f"{start.year}-H{1 if start.month <= 6 else 2}"
    return {"period": period, **point, "compliance_rate": rate}


def shutdown_events_for_country(iso2: str) -> list[dict]:
    """Access Now STOP events counted by the year Access Now attributes them
    to, split into full-network shutdowns and platform blocks."""
    counts = defaultdict(lambda: {"full_network": 0, "service_based": 0, "both": 0})
    rows = (
        ShutdownEvent.objects.for_country(iso2)
        .order_by()
        .values("count_year", "extent")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["count_year"]][row["extent"]] = row["n"]
    return [{"year": year, **counts[year]} for year in sorted(counts, key=lambda y: y or 0)]


