"""Per-country rollups of confirmed data, kept true on every write.

The country page charts demands per year, outcomes per platform, delays to a
first outcome and the demanding actors: grouping a large country's facts costs
tens of milliseconds per query. Each confirmed dispute's contribution is
stored (DisputeRollup) and summed per country (CountryRollup); saving or
deleting a dispute, demand, outcome or party recomputes that one dispute's
contribution (a few small queries) and applies the difference, inside the
same transaction. Bulk writes send no signals: call `disputes_refresh` after
them, or `rebuild` (`manage.py rebuild_rollups`) after bulk loads.

Functions take an `apps` registry so that the data migration can run them on
historical models.
"""

from bisect import bisect_right
from collections import Counter

from django.apps import apps as global_apps
from django.db.models import Count, F, Min, Q

from .dbfunctions import DaysBetween, Year

CONFIRMED = "confirmed"
DEMANDING = "demanding"
# Upper limits in days of the delay buckets of selectors.DELAY_BUCKETS (the last is open).
DELAY_LIMITS = [7, 31, 92, 366]


def _contributions(dispute_ids=None, apps=global_apps) -> Counter:
    """{(dispute_id, country, metric, key, sub): n} for confirmed disputes
    (all of them, or those in `dispute_ids`) and their confirmed facts."""
    Dispute = apps.get_model("disputes", "Dispute")
    Demand = apps.get_model("disputes", "Demand")
    Outcome = apps.get_model("disputes", "Outcome")
    DisputeParty = apps.get_model("disputes", "DisputeParty")

    def scoped(qs, field="dispute_id"):
        return qs if dispute_ids is None else qs.filter(**{f"{field}__in": dispute_ids})

    rows = Counter()
    for pk, country, status in scoped(Dispute.objects.filter(review_state=CONFIRMED), "pk").values_list(
        "pk", "country", "status"
    ):
        rows[pk, country, "status", status, ""] += 1
    demands = scoped(Demand.objects.filter(review_state=CONFIRMED, dispute__review_state=CONFIRMED)).order_by()
    for pk, country, year, demand_type, n in (
        demands.annotate(year=Year("date"))
        .values_list("dispute_id", "dispute__country", "year", "demand_type")
        .annotate(n=Count("id"))
    ):
        rows[pk, country, "demands", str(year) if year else "", demand_type] += n
    outcomes = scoped(Outcome.objects.filter(review_state=CONFIRMED, dispute__review_state=CONFIRMED)).order_by()
    for pk, country, actor_id, made_to_id, kind, n in (
        outcomes.values_list("dispute_id", "dispute__country", "actor_id", "demand__made_to_id", "kind")
        .annotate(n=Count("id"))
    ):
        rows[pk, country, "outcomes", f"{actor_id or ''}:{made_to_id or ''}", kind] += n
    for pk, country, days in (
        demands.filter(date__isnull=False)
        .annotate(first=Min("outcomes__date", filter=Q(outcomes__review_state=CONFIRMED)))
        .filter(first__isnull=False)
        .annotate(days=DaysBetween("first", "date"))
        .values_list("dispute_id", "dispute__country", "days")
    ):
        rows[pk, country, "delay", str(bisect_right(DELAY_LIMITS, days)), ""] += 1
    parties = scoped(DisputeParty.objects.filter(role=DEMANDING, dispute__review_state=CONFIRMED))
    for pk, country, actor_id in parties.values_list("dispute_id", "dispute__country", "actor_id").distinct():
        rows[pk, country, "government", str(actor_id), ""] += 1
    return rows


def disputes_refresh(dispute_ids, apps=global_apps) -> None:
    """Recompute these disputes' contributions and move their countries' sums by the difference."""
    DisputeRollup = apps.get_model("disputes", "DisputeRollup")
    CountryRollup = apps.get_model("disputes", "CountryRollup")
    dispute_ids = sorted({pk for pk in dispute_ids if pk is not None})
    if not dispute_ids:
        return
    new = _contributions(dispute_ids, apps)
    stored = DisputeRollup.objects.filter(dispute_id__in=dispute_ids)
    old = Counter({(r.dispute_id, r.country, r.metric, r.key, r.sub): r.n for r in stored})
    if new == old:
        return  # e.g. a candidate fact added or edited: nothing public changed
    stored.delete()
    DisputeRollup.objects.bulk_create(
        DisputeRollup(dispute_id=pk, country=c, metric=m, key=k, sub=s, n=n) for (pk, c, m, k, s), n in new.items()
    )
    delta = Counter()
    for (_, *cell), n in new.items():
        delta[tuple(cell)] += n
    for (_, *cell), n in old.items():
        delta[tuple(cell)] -= n
    for (country, metric, key, sub), n in delta.items():
        if not n:
            continue
        cell = CountryRollup.objects.filter(country=country, metric=metric, key=key, sub=sub)
        if not cell.update(n=F("n") + n):
            CountryRollup.objects.create(country=country, metric=metric, key=key, sub=sub, n=n)
    CountryRollup.objects.filter(country__in={c for c, *_ in delta}, n__lte=0).delete()


def rebuild(apps=global_apps) -> None:
    """Recompute every rollup from the data (after bulk loads; in the migration)."""
    DisputeRollup = apps.get_model("disputes", "DisputeRollup")
    CountryRollup = apps.get_model("disputes", "CountryRollup")
    rows = _contributions(None, apps)
    DisputeRollup.objects.all().delete()
    CountryRollup.objects.all().delete()
    DisputeRollup.objects.bulk_create(
        (DisputeRollup(dispute_id=pk, country=c, metric=m, key=k, sub=s, n=n) for (pk, c, m, k, s), n in rows.items()),
        batch_size=2000,
    )
    sums = Counter()
    for (_, *cell), n in rows.items():
        sums[tuple(cell)] += n
    CountryRollup.objects.bulk_create(
        (CountryRollup(country=c, metric=m, key=k, sub=s, n=n) for (c, m, k, s), n in sums.items()), batch_size=2000
    )


def on_change(sender, instance, created=False, raw=False, **kwargs) -> None:
    """post_save/post_delete of a dispute, demand, outcome or party."""
    if created and getattr(instance, "review_state", CONFIRMED) != CONFIRMED:
        return  # a new candidate counts nowhere yet
    disputes_refresh([instance.pk if sender._meta.model_name == "dispute" else instance.dispute_id])
