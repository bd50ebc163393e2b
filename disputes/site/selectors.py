"""Read logic of the researcher pages: one function (or QuerySet method) per
page section, each a fixed number of queries whatever the amount of data.

Public pages read confirmed data only. Aggregations group by plain dates and
bucket years in Python: SQLite runs Django's Extract/Trunc functions as Python
callbacks per row (see PERF-NOTES), and a country has few distinct dates.
"""

import datetime
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q

from disputes.dbfunctions import DaysBetween, Year
from disputes.figures.selectors import (
    platform_figures_for_country,
    platform_figures_for_platform,
    shutdown_events_for_country,
)
from disputes.models import (
    Actor,
    CountryRollup,
    Demand,
    DemandType,
    Dispute,
    DisputeParty,
    DisputeStatus,
    Event,
    Evidence,
    Outcome,
    Platform,
    ReviewState,
    Topic,
    format_date,
)
from disputes.vocab import country_name
from ingestion.models import Article
from ingestion.selectors import ingestion_health as health_of_ingestion

from . import charts
from .search import dispute_match_sql, terms

CONFIRMED = ReviewState.CONFIRMED
TARGETED = DisputeParty.Role.TARGETED
DEMANDING = DisputeParty.Role.DEMANDING
PLATFORM_LABELS = dict(Platform.choices)

# How researchers read outcomes: did the platform give way, resist, or go to court?
OUTCOME_GROUPS = {
    "complied": "Complied",
    "partially_complied": "Partially complied",
    "refused": "Refused",
    "challenged_in_court": "Went to court",
    "other": "Other outcome",
}
DELAY_BUCKETS = [
    (7, "< 1 week"),
    (31, "< 1 month"),
    (92, "< 3 months"),
    (366, "< 1 year"),
    (None, "> 1 year"),
]


MAX_COLUMNS = 12


def outcome_group(kind: str) -> str:
    return kind if kind in OUTCOME_GROUPS else "other"


# Disputes list -----------------------------------------------------------------------------


def targets_prefetch() -> Prefetch:
    """The targeted platforms of each dispute, as `dispute.targets`."""
    return Prefetch(
        "party_roles",
        queryset=DisputeParty.objects.filter(role=TARGETED).select_related("actor").order_by("actor__name"),
        to_attr="targets",
    )


def disputes_filtered(data: dict):
    """Confirmed disputes matching a cleaned `DisputeFilterForm`, in its order."""
    qs = Dispute.objects.public()
    if data.get("country"):
        qs = qs.filter(country=data["country"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    # IN (subquery) rather than correlated EXISTS: the database reads the few
    # matching parties or demands through their index once, instead of probing
    # for every dispute.
    if data.get("platform"):
        parties = DisputeParty.objects.filter(role=TARGETED, actor__platform=data["platform"])
        qs = qs.filter(pk__in=parties.values("dispute_id"))
    if data.get("actor"):
        qs = qs.filter(pk__in=DisputeParty.objects.filter(actor__slug=data["actor"]).values("dispute_id"))
    if data.get("demand_type"):
        # Literal states: the outer query keeps public disputes only, and a join here would cost.
        demands = Demand.objects.filter(review_state=CONFIRMED, demand_type=data["demand_type"])
        qs = qs.filter(pk__in=demands.values("dispute_id"))
    if data.get("outcome"):
        outcomes = Outcome.objects.filter(review_state=CONFIRMED, kind=data["outcome"])
        qs = qs.filter(pk__in=outcomes.values("dispute_id"))
    if data.get("topic"):
        qs = qs.filter(topics__slug=data["topic"])
    if data.get("date_from"):
        qs = qs.filter(start_date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(start_date__lte=data["date_to"])
    if data.get("q"):
        qs = qs.filter(pk__in=dispute_match_sql(data["q"])) if terms(data["q"]) else qs.none()
    order = {
        "oldest": ["start_date", "title"],
        "title": ["title"],
        "country": ["country", "-start_date", "title"],
    }.get(data.get("sort") or "", ["-start_date", "title"])
    return qs.order_by(*order)


def countries_with_disputes() -> list[tuple[str, str]]:
    codes = Dispute.objects.public().order_by().values_list("country", flat=True).distinct()
    return sorted(((code, country_name(code)) for code in codes), key=lambda item: item[1])


def topic_choices() -> list[tuple[str, str]]:
    return list(Topic.objects.values_list("slug", "name"))


# Home ------------------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    """A demand, outcome, event or report in a dispute's history."""

    kind: str  # demand, outcome, event, reporting
    date: datetime.date | None
    precision: str
    obj: object
    evidence: list = field(default_factory=list)

    @property
    def date_display(self) -> str:
        return format_date(self.date, self.precision)

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.obj.pk}"

    @property
    def sort_key(self):
        """Date order that respects precision: a vague date stands at the start
        of its period, before the precise dates inside it ("June 2021" before
        "3 June 2021"); undated entries come last."""
        order = {"demand": 0, "event": 1, "outcome": 2, "reporting": 3}[self.kind]
        vagueness = {"year": 0, "month": 1}.get(self.precision, 2)
        return (self.date or datetime.date.max, vagueness, order, self.obj.pk)


def home_figures(today: datetime.date | None = None) -> dict:
    today = today or datetime.date.today()
    # Confirmed disputes per country and status, from the rollups (a few hundred rows).
    by_status, countries = Counter(), set()
    for country, status, n in CountryRollup.objects.filter(metric="status").values_list("country", "key", "n"):
        by_status[status] += n
        countries.add(country)
    statuses = [(label, by_status.get(value, 0), value) for value, label in DisputeStatus.choices]
    return {
        "disputes": sum(by_status.values()),
        "statuses": statuses,
        "countries": len(countries),
        # Probe each platform actor for one confirmed dispute rather than
        # scanning every party of every dispute.
        "platforms": Actor.objects.platforms()
        .exclude(platform="")
        .filter(
            Exists(
                DisputeParty.objects.filter(
                    actor=OuterRef("pk"), role=TARGETED, dispute__review_state=CONFIRMED
                )
            )
        )
        .order_by()
        .values("platform")
        .distinct()
        .count(),
        "recent_demands": _recent_demands(today - datetime.timedelta(days=365)),
    }


def _recent_demands(since: datetime.date) -> int:
    """Confirmed demands of confirmed disputes dated after `since`.

    The recent demands (an index range) less the few whose dispute is not confirmed: joining
    them to every confirmed dispute made PostgreSQL hash the whole disputes table (10.6 ms
    against 3.7 ms at 10,000 disputes; SQLite is the same either way).
    """
    recent = Demand.objects.filter(review_state=CONFIRMED, date__gt=since)
    unconfirmed = [state for state in ReviewState.values if state != CONFIRMED]
    return recent.count() - recent.filter(dispute__review_state__in=unconfirmed).count()


# Each order follows the index that serves it (demand_state_date_idx is
# ascending, scanned backwards; outcome/event_latest_idx are descending), so
# that the database reads the newest rows first instead of sorting them all.
_LATEST = (
    ("demand", Demand, ("dispute", "made_by", "made_to"), ("-date", "-id")),
    ("outcome", Outcome, ("dispute", "actor"), ("-date", "id")),
    ("event", Event, ("dispute", "actor"), ("-date", "id")),
)


def latest_facts(limit: int = 10, *, country: str = "", platform: str = "") -> list[TimelineEntry]:
    """The most recent confirmed demands, outcomes and events across disputes (3 queries).

    The dispute's own review state is checked on the fetched rows rather than in
    SQL: a condition on the joined table leads SQLite to scan every dispute.
    Confirmed facts of unconfirmed disputes are rare, so fetching a few extra
    rows is enough to fill the list.
    """
    entries = []
    for kind, model, related, order in _LATEST:
        qs = model.objects.filter(review_state=CONFIRMED, date__isnull=False).select_related(*related)
        if country:
            qs = qs.filter(dispute__country=country)
        if platform:
            qs = qs.filter(
                dispute__in=DisputeParty.objects.filter(role=TARGETED, actor__platform=platform).values("dispute_id")
            )
        for obj in qs.order_by(*order)[: limit * 3]:
            if obj.dispute.review_state == CONFIRMED:
                entries.append(TimelineEntry(kind, obj.date, obj.date_precision, obj))
    entries.sort(key=lambda e: (e.date, e.kind, e.obj.pk), reverse=True)
    return entries[:limit]


def recently_confirmed(limit: int = 50, *, country: str = "", platform: str = "") -> list[TimelineEntry]:
    """Confirmed demands, outcomes and events, most recently confirmed or edited
    first (3 queries): what feed readers have not seen yet. Confirming saves the
    row, so `updated_at` is the confirmation time of a fact not edited since."""
    entries = []
    for kind, model, related, _ in _LATEST:
        qs = model.objects.public().select_related(*related)
        if country:
            qs = qs.filter(dispute__country=country)
        if platform:
            qs = qs.filter(
                dispute__in=DisputeParty.objects.filter(role=TARGETED, actor__platform=platform).values("dispute_id")
            )
        entries += [TimelineEntry(kind, obj.date, obj.date_precision, obj) for obj in qs.order_by("-updated_at")[:limit]]
    entries.sort(key=lambda e: e.obj.updated_at, reverse=True)
    return entries[:limit]


def ingestion_health() -> dict:
    """The public face of ingestion.selectors.ingestion_health: counts by state,
    sources, queue lengths and runs in progress (no URLs or error texts, which
    stay with curators in the admin)."""
    health = health_of_ingestion(failures=0)
    total = sum(health.counts.values())
    failed = health.counts.get(Article.Status.FAILED, 0)
    return {
        "states": [(label, health.counts.get(value, 0), value) for value, label in Article.Status.choices],
        "total": total,
        "failed": failed,
        "failure_share": (failed / total) if total else 0,
        "sources_enabled": sum(1 for s in health.sources if s.source.enabled),
        "sources_total": len(health.sources),
        "queues": health.queues,
        "running": health.running,
        "latest": Article.objects.order_by("-id").values_list("created_at", flat=True).first(),
    }


# Dispute page --------------------------------------------------------------------------------


@dataclass
class Story:
    """One story as reported, shown once however many outlets syndicated it."""

    evidence: Evidence
    copies: list[Evidence]

    @property
    def others(self) -> int:
        return len(self.other_outlets)

    @property
    def other_outlets(self) -> list[str]:
        """Outlets that carried the same story; the same source cited twice is not one."""
        return sorted({_outlet(e) for e in self.copies} - {_outlet(self.evidence), ""})


def _outlet(evidence: Evidence) -> str:
    return (evidence.article.outlet if evidence.article else evidence.outlet) or evidence.source_url


def _story_key(evidence: Evidence):
    article = evidence.article
    if article is not None:
        # Ingestion groups syndicated near-copies of one wire story into a cluster.
        if article.cluster_id:
            return ("cluster", article.cluster_id)
        if article.title:
            return ("title", article.title.strip().lower())
        return ("article", article.pk)
    return ("url", evidence.source_url)


def group_stories(evidence: list[Evidence]) -> list[Story]:
    """Collapse syndicated copies (one story cluster, or the same headline) into one story each."""
    stories: dict = {}
    for item in evidence:
        key = _story_key(item)
        if key in stories:
            stories[key].copies.append(item)
        else:
            stories[key] = Story(item, [])
    return list(stories.values())


def _report_precision(evidence: Evidence) -> str:
    """Evidence keeps no precision: a hand-entered source dated on the 1st of
    January was given as a year (the demo loader stores "2021" so)."""
    if evidence.article_id or evidence.published is None:
        return "day"
    if evidence.published.day == 1:
        return "year" if evidence.published.month == 1 else "month"
    return "day"


DISPUTE_PAGE_KEYS = (
    "parties", "demanding", "targeted", "other_parties", "topics", "demands", "unanswered_outcomes", "timeline",
    "stories", "related",
)


def _shown(related, states):
    """The public page shows what `public()` allows; the curators' preview adds candidates."""
    return related.public() if states == (CONFIRMED,) else related.filter(review_state__in=states)


def dispute_page(dispute: Dispute, *, states=(CONFIRMED,)) -> dict:
    """Everything the dispute page shows, in a fixed number of queries.

    `states` are the review states of the facts shown: the curators' preview
    before accepting adds the candidates."""
    parties = list(dispute.party_roles.select_related("actor").order_by("role", "actor__name"))
    demands = list(
        _shown(dispute.demands, states)
        .select_related("made_by", "made_to")
        .prefetch_related("penalties")
    )
    outcomes = list(_shown(dispute.outcomes, states).select_related("actor"))
    events = list(_shown(dispute.events, states).select_related("actor"))
    evidence = list(_shown(dispute.evidence, states).select_related("article").order_by("published", "id"))

    by_fact = defaultdict(list)
    general = []
    for item in evidence:
        if item.demand_id:
            by_fact[("demand", item.demand_id)].append(item)
        elif item.outcome_id:
            by_fact[("outcome", item.outcome_id)].append(item)
        elif item.event_id:
            by_fact[("event", item.event_id)].append(item)
        else:
            general.append(item)
    known = {("demand", d.pk) for d in demands} | {("outcome", o.pk) for o in outcomes} | {("event", e.pk) for e in events}

    answers = defaultdict(list)
    for outcome in outcomes:
        outcome.stories = group_stories(by_fact[("outcome", outcome.pk)])
        if outcome.demand_id:
            answers[outcome.demand_id].append(outcome)
    for demand in demands:
        demand.answers = answers[demand.pk]
        demand.stories = group_stories(by_fact[("demand", demand.pk)])
    for event in events:
        event.stories = group_stories(by_fact[("event", event.pk)])

    # Reporting: every story once, whichever fact it supports.
    public = general + [e for key, items in by_fact.items() if key in known for e in items]
    public.sort(key=lambda e: (e.published or datetime.date.max, e.pk))
    stories = group_stories(public)

    timeline = (
        [TimelineEntry("demand", d.date, d.date_precision, d, d.stories) for d in demands]
        + [TimelineEntry("outcome", o.date, o.date_precision, o, o.stories) for o in outcomes]
        + [TimelineEntry("event", e.date, e.date_precision, e, e.stories) for e in events]
        + [TimelineEntry("reporting", s.evidence.published, _report_precision(s.evidence), s.evidence, [s])
           for s in stories]
    )
    timeline.sort(key=lambda e: e.sort_key)
    return {
        "parties": parties,
        "demanding": [p for p in parties if p.role == DEMANDING],
        "targeted": [p for p in parties if p.role == TARGETED],
        "other_parties": [p for p in parties if p.role not in (DEMANDING, TARGETED)],
        "topics": list(dispute.topics.all()),
        "demands": demands,
        "unanswered_outcomes": [o for o in outcomes if not o.demand_id],
        "timeline": timeline,
        "stories": stories,
        "related": related_disputes(dispute, [p.actor.platform for p in parties if p.role == TARGETED]),
    }


def related_disputes(dispute: Dispute, platforms: list[str], limit: int = 6) -> list[Dispute]:
    """Other disputes of the same country or against the same platforms (1 query)."""
    same_platform = Exists(
        DisputeParty.objects.filter(
            dispute=OuterRef("pk"), role=TARGETED, actor__platform__in=[p for p in platforms if p]
        )
    )
    return list(
        Dispute.objects.public()
        .exclude(pk=dispute.pk)
        .filter(Q(country=dispute.country) | same_platform)
        .order_by("-start_date", "title")[:limit]
    )


# Aggregations for country, platform and actor pages ---------------------------------------


def _demands_by_year(demands, title: str) -> charts.Chart:
    return _demands_chart(
        demands.order_by().annotate(year=Year("date")).values_list("year", "demand_type").annotate(n=Count("id")), title
    )


def _demands_chart(counts, title: str) -> charts.Chart:
    """Stacked columns per year from (year or None, demand type, n)."""
    data: dict[str, Counter] = defaultdict(Counter)
    for year, demand_type, n in counts:
        data[str(year) if year else "Undated"][demand_type] += n
    years = sorted(data, key=lambda y: (y == "Undated", y))
    return charts.stacked_columns(
        "demands-by-year", title, {y: dict(data[y]) for y in years}, dict(DemandType.choices), unit="demands"
    )


def _delays(demands, title: str) -> charts.Chart:
    """How long from each demand to the first confirmed outcome answering it.

    One pass: demands joined to their outcomes, grouped per demand, the day
    count computed in SQL; Python only buckets the integers.
    """
    rows = (
        demands.order_by()
        .filter(date__isnull=False)
        .annotate(first=Min("outcomes__date", filter=Q(outcomes__review_state=CONFIRMED)))
        .filter(first__isnull=False)
        .annotate(days=DaysBetween("first", "date"))
        .values_list("days", flat=True)
    )
    limits = [limit for limit, _ in DELAY_BUCKETS if limit]
    return _delay_chart(Counter(bisect_right(limits, days) for days in rows), title)


def _delay_chart(counts: Counter, title: str) -> charts.Chart:
    """Columns per delay bucket from {bucket index: demands}."""
    data = {label: {"answered": counts.get(i, 0)} for i, (_, label) in enumerate(DELAY_BUCKETS)} if counts else {}
    return charts.stacked_columns("delay", title, data, {"answered": "Demands answered"}, unit="demands")


def _outcomes_by(outcomes, key: str, label_of, title: str, slug: str) -> charts.Chart:
    counts = outcomes.order_by().values_list(key, "kind").annotate(n=Count("id"))
    return _outcomes_chart(counts, key.endswith("country"), label_of, title, slug)


def _outcomes_chart(counts, by_country: bool, label_of, title: str, slug: str) -> charts.Chart:
    """Stacked columns per country or platform from (column, outcome kind, n)."""
    data: dict[str, Counter] = defaultdict(Counter)
    names = {}
    for column, kind, n in counts:
        if column:
            data[column][outcome_group(kind)] += n
            names[column] = label_of(column)
    columns = sorted(data, key=lambda c: (-sum(data[c].values()), c))
    shown = {c: dict(data[c]) for c in columns[:MAX_COLUMNS]}
    if len(columns) > MAX_COLUMNS:
        rest = Counter()
        for c in columns[MAX_COLUMNS:]:
            rest.update(data[c])
        shown["others"] = dict(rest)
        names["others"] = f"{len(columns) - MAX_COLUMNS} others"
    # Axis labels stay short (country codes); the table and tooltips name them in full.
    short = {c: (c if by_country else names[c]) for c in names}
    short["others"] = "Others"
    return charts.stacked_columns(
        slug, title, shown, OUTCOME_GROUPS, unit="outcomes", names=names, short_names=short
    )


COUNTRY_PAGE_KEYS = (
    "statuses", "dispute_count", "demand_chart", "outcome_chart", "delay_chart", "government", "figures",
)


def country_overview(code: str) -> dict:
    """The country page's figures, read from its rollups (2 queries, see disputes/rollups.py)."""
    rows = defaultdict(list)
    for metric, key, sub, n in CountryRollup.objects.filter(country=code).values_list("metric", "key", "sub", "n"):
        rows[metric].append((key, sub, n))
    # Outcomes are rolled up by actor ids, so that an actor's platform code is
    # read now: the platform that acted is the outcome's own actor when it is
    # a platform, else the platform the answered demand was made to.
    outcome_keys = [(key.split(":"), kind, n) for key, kind, n in rows["outcomes"]]
    government_ids = {int(key): n for key, _, n in rows["government"]}
    actor_ids = {int(pk) for ids, _, _ in outcome_keys for pk in ids if pk} | set(government_ids)
    actors = Actor.objects.in_bulk(actor_ids)

    def acting_platform(actor_id: str, made_to_id: str) -> str:
        actor = actors.get(int(actor_id)) if actor_id else None
        if actor is not None:
            return actor.platform
        made_to = actors.get(int(made_to_id)) if made_to_id else None
        return made_to.platform if made_to else ""

    by_status = {key: n for key, _, n in rows["status"]}
    government = []
    for pk, n in government_ids.items():
        if pk in actors:
            actors[pk].dispute_count = n
            government.append(actors[pk])
    government.sort(key=lambda actor: (-actor.dispute_count, actor.name))
    return {
        "statuses": [(label, by_status.get(value, 0), value) for value, label in DisputeStatus.choices],
        "dispute_count": sum(by_status.values()),
        "demand_chart": _demands_chart(
            ((int(year) if year else None, demand_type, n) for year, demand_type, n in rows["demands"]),
            f"Demands per year by type, {country_name(code)}",
        ),
        "outcome_chart": _outcomes_chart(
            ((acting_platform(*ids), kind, n) for ids, kind, n in outcome_keys), False,
            lambda p: PLATFORM_LABELS.get(p, p), "Outcomes by platform", "outcomes-by-platform",
        ),
        "delay_chart": _delay_chart(
            Counter({int(bucket): n for bucket, _, n in rows["delay"]}), "Time from demand to first outcome"
        ),
        "government": government,
    }


def platform_overview(code: str) -> dict:
    demands = Demand.objects.public().filter(made_to__platform=code)
    outcomes = Outcome.objects.public().filter(
        Q(actor__platform=code) | Q(actor__isnull=True, demand__made_to__platform=code)
    )
    return {
        "actors": list(Actor.objects.filter(platform=code).select_related("parent")),
        "demand_chart": _demands_by_year(demands, f"Demands received per year by type, {PLATFORM_LABELS[code]}"),
        "outcome_chart": _outcomes_by(
            outcomes, "dispute__country", country_name, "Compliance by country", "compliance-by-country"
        ),
        "delay_chart": _delays(demands, "Time from demand to first outcome"),
    }


def actor_overview(actor: Actor) -> dict:
    roles = list(
        actor.party_roles.filter(dispute__in=Dispute.objects.public())
        .select_related("dispute")
        .order_by("-dispute__start_date")[:100]
    )
    made = Demand.objects.public().filter(made_by=actor)
    received = Demand.objects.public().filter(made_to=actor)
    demands = received if actor.kind == Actor.Kind.PLATFORM else made
    outcomes = Outcome.objects.public().filter(actor=actor)
    return {
        "roles": roles,
        "aliases": list(actor.aliases.all()),
        "children": list(actor.children.all()),
        "demands_label": "received" if actor.kind == Actor.Kind.PLATFORM else "made",
        "demand_list": list(demands.select_related("dispute", "made_by", "made_to").order_by("-date")[:50]),
        "demand_chart": _demands_by_year(
            demands,
            f"Demands {'received' if actor.kind == Actor.Kind.PLATFORM else 'made'} per year by type",
        ),
        "outcome_chart": _outcomes_by(
            outcomes, "dispute__country", country_name, "Outcomes by country", "outcomes-by-country"
        ),
    }


# Compare ----------------------------------------------------------------------------------------


@dataclass
class Cell:
    """`answered` counts the outcomes answering a demand; `complied` those that gave way."""

    disputes: int = 0
    demands: int = 0
    answered: int = 0
    complied: int = 0

    @property
    def compliance(self) -> float | None:
        return self.complied / self.answered if self.answered else None


COMPLYING = ("complied", "partially_complied")


def compare_matrix() -> dict:
    """Countries × platforms: disputes, demands and compliance (3 queries)."""
    cells: dict[tuple[str, str], Cell] = defaultdict(Cell)
    for country, platform, n in (
        DisputeParty.objects.filter(role=TARGETED, dispute__review_state=CONFIRMED)
        .exclude(actor__platform="")
        .order_by()
        .values_list("dispute__country", "actor__platform")
        .annotate(n=Count("dispute", distinct=True))
    ):
        cells[country, platform].disputes = n
    for country, platform, n in (
        Demand.objects.public()
        .exclude(made_to__platform="")
        .exclude(made_to__isnull=True)
        .order_by()
        .values_list("dispute__country", "made_to__platform")
        .annotate(n=Count("id"))
    ):
        cells[country, platform].demands = n
    for country, platform, kind, n in (
        Outcome.objects.public()
        .filter(demand__isnull=False)
        .exclude(demand__made_to__platform="")
        .exclude(demand__made_to__isnull=True)
        .order_by()
        .values_list("dispute__country", "demand__made_to__platform", "kind")
        .annotate(n=Count("id"))
    ):
        cells[country, platform].answered += n
        if kind in COMPLYING:
            cells[country, platform].complied += n
    countries = sorted({c for c, _ in cells}, key=country_name)
    order = {value: i for i, value in enumerate(Platform.values)}
    platforms = sorted({p for _, p in cells}, key=lambda p: order.get(p, 99))
    return {
        "countries": [(c, country_name(c)) for c in countries],
        "platforms": [(p, PLATFORM_LABELS.get(p, p)) for p in platforms],
        "rows": [(c, country_name(c), [cells.get((c, p)) for p in platforms]) for c in countries],
    }


# Search --------------------------------------------------------------------------------------------


# Platforms' own figures beside the disputes ---------------------------------------------


def _figures(series: list[dict], disputes, slug: str) -> dict:
    disputes = list(disputes.order_by("start_date", "title").values_list("start_date", "title", "slug"))
    return {
        "charts": charts.figures_timelines(series, [(day, title) for day, title, _ in disputes], slug=slug),
        "disputes": disputes,
    }


def figures_for_country(code: str) -> dict:
    """The platforms' own figures for a country beside its disputes, on one time axis."""
    figures = _figures(
        platform_figures_for_country(code), Dispute.objects.public().for_country(code), "country-figures"
    )
    figures["shutdowns"] = shutdown_events_for_country(code)
    return figures


def figures_for_platform(code: str) -> dict:
    """A platform's own worldwide figures beside the disputes that target it."""
    return _figures(
        platform_figures_for_platform(code, granularity="year"),
        Dispute.objects.public().for_platform(code),
        "platform-figures",
    )
