"""The domain: who demanded what of whom, under which law, with which threat,
and what happened next — each fact tied to the evidence that reports it."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .. import vocab
from ..vocab import COUNTRY_CHOICES, COUNTRY_CODES, country_name

# Addresses curators enter are rendered as links, so only web addresses are accepted (the
# URLField default also allows ftp).
http_url = URLValidator(schemes=["http", "https"])


class ReviewState(models.TextChoices):
    """Machine-proposed records wait as candidates until a curator decides."""

    CANDIDATE = "candidate"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class LoadedReviewState:
    """Remembers the review state a row was read with (Django's `from_db` hook), so that
    taking back a confirmation counts as a public change (disputes.site.caching)."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_review_state = instance.__dict__.get("review_state")
        return instance


class Precision(models.TextChoices):
    """How much of a date the reporting gives: "in June 2021" is month precision."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


# The platform vocabulary of the labelled corpus (X is `twitter`), from disputes.vocab.PLATFORMS.
Platform = models.TextChoices("Platform", [(term.code.upper(), (term.code, term.label)) for term in vocab.PLATFORMS])


def truncate_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Store vague dates on their first day so that sorting and ranges stay honest."""
    if value is None:
        return None
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def format_date(value: datetime.date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def in_vocabulary(field: str, choices: type[models.TextChoices], name: str, blank: bool = False):
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


class FuzzyDateMixin(models.Model):
    """A dated fact (demand, outcome, event) whose date may be vague."""

    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)

    class Meta:
        abstract = True

    @property
    def date_display(self) -> str:
        return format_date(self.date, self.date_precision)

    def clean(self):
        super().clean()
        self.date = truncate_date(self.date, self.date_precision)


class DraftedTextMixin(models.Model):
    """Text fields the annotator drafted: they cannot be published as they are,
    until a curator edits or approves them (disputes.services.dispute_accept)."""

    drafted_fields = models.JSONField(
        default=list, blank=True, help_text="Text fields still as the annotator drafted them."
    )

    class Meta:
        abstract = True

    def is_draft(self, field: str) -> bool:
        return field in (self.drafted_fields or [])


class DecisionHistory(models.Model):
    """Base of the historical records of curated rows: the curator decision
    (accept, reject...) that made a change, so that reverting the decision
    restores every row it changed (disputes.services.decision_revert)."""

    history_decision = models.UUIDField(null=True, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True


# Actors -----------------------------------------------------------------------


class ActorQuerySet(models.QuerySet):
    def platforms(self):
        return self.filter(kind=Actor.Kind.PLATFORM)

    def governmental(self):
        return self.filter(kind__in=Actor.GOVERNMENT_KINDS)


class ActorKind(models.TextChoices):
    GOVERNMENT = "government"
    MINISTRY = "ministry"
    REGULATOR = "regulator"
    COURT = "court"
    LEGISLATURE = "legislature"
    POLICE = "police"
    HEAD_OF_STATE = "head_of_state", "Head of state"
    OFFICIAL = "official"
    PLATFORM = "platform"
    COMPANY = "company"
    CIVIL_SOCIETY = "civil_society", "Civil society"
    OTHER = "other"


class Actor(models.Model):
    """A government body, official, platform, company or civil-society group."""

    Kind = ActorKind

    GOVERNMENT_KINDS = (
        Kind.GOVERNMENT,
        Kind.MINISTRY,
        Kind.REGULATOR,
        Kind.COURT,
        Kind.LEGISLATURE,
        Kind.POLICE,
        Kind.HEAD_OF_STATE,
        Kind.OFFICIAL,
    )

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The body an official belongs to, or the company that owns a platform.",
    )
    platform = models.CharField(
        max_length=20,
        choices=Platform.choices,
        blank=True,
        help_text="For platforms: the vocabulary value used in /platforms/ addresses. "
        "Several products may share one (Google Search and Google Play are both google).",
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True, validators=[http_url])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [("merge_actor", "Can merge two actors into one")]
        constraints = [
            # One "Ministry of Justice" per country; case differences are not new actors.
            models.UniqueConstraint(Lower("name"), "country", name="actor_unique_name_per_country"),
            in_vocabulary("kind", ActorKind, "actor_kind_valid"),
            in_vocabulary("platform", Platform, "actor_platform_valid", blank=True),
            models.CheckConstraint(
                condition=Q(country__in=[*COUNTRY_CODES, ""]), name="actor_country_valid"
            ),
            models.CheckConstraint(
                condition=Q(platform="") | Q(kind="platform"), name="actor_platform_code_only_on_platforms"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="actor_not_own_parent"),
        ]
        indexes = [
            # Actor pages per country and the annotator's gazetteer by kind.
            models.Index(fields=["country", "kind"], name="actor_country_kind_idx"),
            # Platform pages: the actors (Google Search, Google Play...) behind one platform code.
            models.Index(fields=["platform"], name="actor_platform_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country})" if self.country else self.name

    def get_absolute_url(self):
        if self.platform and self.platform != Platform.OTHER:
            return reverse("disputes:platform", args=[self.platform])
        return reverse("disputes:actor", args=[self.slug])

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def clean(self):
        super().clean()
        if self.platform and self.kind != self.Kind.PLATFORM:
            raise ValidationError({"platform": "Only platforms carry a platform code."})
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": "An actor cannot be its own ancestor."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class ActorAlias(models.Model):
    """Another name the news uses for an actor: "MeitY", "IT Ministry", "X"."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "actor aliases"
        constraints = [
            models.UniqueConstraint(Lower("name"), "actor", name="alias_unique_per_actor"),
        ]

    def __str__(self):
        return self.name


class ActorRedirect(models.Model):
    """Keeps the address of an actor merged into another one working."""

    old_slug = models.SlugField(max_length=200, unique=True)
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.actor.slug}"


# Disputes ---------------------------------------------------------------------


class Topic(models.Model):
    """A fixed vocabulary, seeded by a data migration."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DisputeQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(review_state=ReviewState.CONFIRMED)

    def public(self):
        """What the public sees: the disputes a curator confirmed. Every page, the API,
        feeds, exports, search, rollups and the dataset release read this."""
        return self.confirmed()

    def candidates(self):
        return self.filter(review_state=ReviewState.CANDIDATE)

    def for_country(self, code: str):
        return self.filter(country=code.upper())

    def for_platform(self, platform: str):
        """Disputes in which the platform is a targeted party."""
        return self.filter(
            party_roles__role=DisputeParty.Role.TARGETED, party_roles__actor__platform=platform
        ).distinct()


class DisputeStatus(models.TextChoices):
    ACTIVE = "active"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    DORMANT = "dormant"


class Dispute(LoadedReviewState, DraftedTextMixin, models.Model):
    """A conflict between a government and one or more platforms over content."""

    Status = DisputeStatus

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    country = models.CharField(
        max_length=2, choices=COUNTRY_CHOICES, help_text="The demanding government's country (or EU)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    end_date = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    summary = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="disputes")
    parties = models.ManyToManyField(Actor, through="DisputeParty", related_name="disputes")
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.CANDIDATE
    )
    review_note = models.TextField(blank=True, help_text="Why a curator confirmed or rejected it.")
    status_overridden = models.BooleanField(
        default=False, help_text="A curator set the status by hand: the outcomes no longer change it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[topics], bases=[DecisionHistory])
    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        get_latest_by = "start_date"
        permissions = [("merge_dispute", "Can merge two disputes into one")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="dispute_end_not_before_start",
            ),
            in_vocabulary("status", DisputeStatus, "dispute_status_valid"),
            in_vocabulary("review_state", ReviewState, "dispute_review_state_valid"),
            in_vocabulary("start_precision", Precision, "dispute_start_precision_valid"),
            in_vocabulary("end_precision", Precision, "dispute_end_precision_valid"),
            models.CheckConstraint(condition=Q(country__in=COUNTRY_CODES), name="dispute_country_valid"),
        ]
        indexes = [
            # Country pages: the confirmed disputes of one country, newest first.
            models.Index(fields=["country", "review_state", "-start_date"], name="dispute_country_idx"),
            # Disputes list and home figures: confirmed disputes by status and date.
            models.Index(fields=["review_state", "status", "-start_date"], name="dispute_state_idx"),
            # Disputes list, unfiltered: confirmed disputes newest first, one page at a time.
            models.Index(fields=["review_state", "-start_date", "title"], name="dispute_list_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("disputes:detail", args=[self.slug])

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def start_display(self) -> str:
        return format_date(self.start_date, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_date(self.end_date, self.end_precision)

    def clean(self):
        super().clean()
        self.start_date = truncate_date(self.start_date, self.start_precision)
        self.end_date = truncate_date(self.end_date, self.end_precision)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end cannot be before the start."})




class PartyRole(models.TextChoices):
    DEMANDING = "demanding", "Demanding government body"
    TARGETED = "targeted", "Targeted platform"
    COURT = "court"
    OTHER = "other"


class DisputeParty(models.Model):
    """An actor's role in a dispute."""

    Role = PartyRole

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="party_roles")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="party_roles")
    role = models.CharField(max_length=10, choices=Role.choices)
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "actor__name"]
        verbose_name_plural = "dispute parties"
        constraints = [
            models.UniqueConstraint(fields=["dispute", "actor", "role"], name="party_unique_role"),
            in_vocabulary("role", PartyRole, "party_role_valid"),
        ]
        indexes = [
            # Platform and actor pages, and the list's platform filter: the disputes an
            # actor is party to, by role, read from the index alone.
            models.Index(fields=["actor", "role", "dispute"], name="party_actor_role_dispute_idx"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"


class DisputeRedirect(models.Model):
    """Keeps the permanent link of a dispute merged into another one working."""

    old_slug = models.SlugField(max_length=200, unique=True)
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.dispute.slug}"


# Demands, outcomes, events ------------------------------------------------------


class DisputeFactQuerySet(models.QuerySet):
    def confirmed(self):
        """Confirmed facts of confirmed disputes."""
        return self.filter(
            review_state=ReviewState.CONFIRMED, dispute__review_state=ReviewState.CONFIRMED
        )

    def public(self):
        """What the public sees: the confirmed facts of confirmed disputes."""
        return self.confirmed()

    def candidates(self):
        return self.filter(review_state=ReviewState.CANDIDATE)


class DisputeFact(LoadedReviewState, FuzzyDateMixin):
    """What demands, outcomes and events share: a vague date, a review state, timestamps.
    Each keeps its own `dispute` key (the related names differ) and history."""

    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.CANDIDATE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DisputeFactQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["date", "id"]
        constraints = [
            in_vocabulary("review_state", ReviewState, "%(class)s_review_state_valid"),
            in_vocabulary("date_precision", Precision, "%(class)s_precision_valid"),
        ]


# Built from disputes/vocab.py, which also gives each type its verb phrase and corpus value.
DemandType = models.TextChoices(
    "DemandType",
    [(term.value.upper(), (term.value, term.label)) for term in vocab.DEMAND_TYPES],
    module=__name__,
)


class Demand(DisputeFact):
    """What a government body demanded of a platform."""

    Type = DemandType

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="demands")
    made_by = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="demands_made"
    )
    made_to = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="demands_received"
    )
    demand_type = models.CharField(max_length=24, choices=Type.choices)
    accounts_targeted = models.PositiveIntegerField(null=True, blank=True)
    items_targeted = models.PositiveIntegerField(
        null=True, blank=True, help_text="Posts, pages, videos, URLs or apps targeted."
    )
    legal_basis = models.CharField(max_length=300, blank=True)
    deadline = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    claim = models.OneToOneField(
        "ingestion.Claim",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demand",
        help_text="The annotator's claim this candidate was proposed from.",
    )
    history = HistoricalRecords(bases=[DecisionHistory])

    class Meta(DisputeFact.Meta):
        constraints = DisputeFact.Meta.constraints + [
            in_vocabulary("demand_type", DemandType, "demand_type_valid"),
            models.CheckConstraint(
                condition=Q(accounts_targeted__isnull=True) | Q(accounts_targeted__gte=0),
                name="demand_accounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(items_targeted__isnull=True) | Q(items_targeted__gte=0),
                name="demand_items_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(date__isnull=True) | Q(deadline__gte=F("date")),
                name="demand_deadline_not_before_date",
            ),
        ]
        indexes = [
            # Dispute timeline: a dispute's demands in date order.
            models.Index(fields=["dispute", "date"], name="demand_timeline_idx"),
            # Country charts: demands per year by type.
            models.Index(fields=["demand_type", "date"], name="demand_type_date_idx"),
            # Home page: confirmed demands of the last twelve months, and the latest ones in
            # the full order of latest_facts (with the id, many facts dated "2021" sort without
            # reading them all).
            models.Index(fields=["review_state", "date", "id"], name="demand_state_date_idx"),
            # Disputes list filtered by demand type: the disputes, read from the index alone.
            models.Index(fields=["demand_type", "review_state", "dispute"], name="demand_type_dispute_idx"),
        ]

    def __str__(self):
        return f"{self.get_demand_type_display()} ({self.date_display or 'undated'})"

    @property
    def verb_phrase(self) -> str:
        """What was asked, completing "asked Twitter to …" ("withhold accounts")."""
        return vocab.demand_verb(self.demand_type)

    @property
    def sentence(self) -> str:
        """The demand as a sentence without its date, for feeds and plain text."""
        by = self.made_by.name if self.made_by_id else "A government body"
        to = self.made_to.name if self.made_to_id else "the platform"
        return f"{by} asked {to} to {self.verb_phrase}"

    def clean(self):
        super().clean()
        if self.deadline and self.date and self.deadline < self.date:
            raise ValidationError({"deadline": "The deadline cannot be before the demand."})


class PenaltyKind(models.TextChoices):
    JAIL_TERM = "jail_term", "Jail term"
    FINE = "fine", "Fine"
    BAN = "ban", "Ban"
    THROTTLE = "throttle", "Throttling"
    ARREST = "arrest", "Arrest"
    LICENSE_REVOCATION = "license_revocation", "Licence revocation"
    AD_BAN = "ad_ban", "Advertising ban"
    OTHER = "other", "Other"


class Penalty(models.Model):
    """A sanction threatened for not complying with a demand."""

    Kind = PenaltyKind

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="penalties")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, e.g. EUR, INR, TRY.")
    description = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords(bases=[DecisionHistory])

    class Meta:
        ordering = ["kind"]
        verbose_name_plural = "penalties"
        constraints = [
            in_vocabulary("kind", PenaltyKind, "penalty_kind_valid"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="penalty_amount_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""), name="penalty_amount_has_currency"
            ),
        ]

    def __str__(self):
        if self.amount is not None:
            return f"{self.get_kind_display()}: {self.amount:,.0f} {self.currency}"
        return self.get_kind_display()


class OutcomeKind(models.TextChoices):
    COMPLIED = "complied"
    PARTIALLY_COMPLIED = "partially_complied", "Partially complied"
    REFUSED = "refused"
    CHALLENGED_IN_COURT = "challenged_in_court", "Challenged in court"
    NEGOTIATING = "negotiating"
    FINE_IMPOSED = "fine_imposed", "Fine imposed"
    SERVICE_BLOCKED = "service_blocked", "Service blocked"
    SERVICE_THROTTLED = "service_throttled", "Service throttled"
    STAFF_ARRESTED = "staff_arrested", "Staff arrested"
    BAN_LIFTED = "ban_lifted", "Ban lifted"
    DEMAND_WITHDRAWN = "demand_withdrawn", "Demand withdrawn"


# Outcomes that end what they answer (the status rule, disputes.services.dispute_status_from_facts):
# the platform did what was asked, the block was lifted, or the government dropped the demand.
# Partial compliance, refusal, a court challenge, talks, fines, blocks, throttling and arrests
# leave it open; so do court rulings (events), which may be appealed: a curator who knows a
# ruling is final sets the status by hand.
ENDING_OUTCOMES = frozenset({OutcomeKind.COMPLIED, OutcomeKind.BAN_LIFTED, OutcomeKind.DEMAND_WITHDRAWN})


class Outcome(DraftedTextMixin, DisputeFact):
    """What happened: in a dispute, optionally answering one demand."""

    Kind = OutcomeKind

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="outcomes")
    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    details = models.TextField(blank=True)
    unlinked_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the annotator linked this outcome to no demand."
    )
    accounts_withheld = models.PositiveIntegerField(null=True, blank=True)
    fine_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    fine_currency = models.CharField(max_length=3, blank=True)
    claim = models.OneToOneField(
        "ingestion.Claim",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcome",
        help_text="The annotator's claim this candidate was proposed from.",
    )
    history = HistoricalRecords(bases=[DecisionHistory])

    class Meta(DisputeFact.Meta):
        constraints = DisputeFact.Meta.constraints + [
            in_vocabulary("kind", OutcomeKind, "outcome_kind_valid"),
            models.CheckConstraint(
                condition=Q(accounts_withheld__isnull=True) | Q(accounts_withheld__gte=0),
                name="outcome_accounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | Q(fine_amount__gte=0),
                name="outcome_fine_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | ~Q(fine_currency=""),
                name="outcome_fine_has_currency",
            ),
        ]
        indexes = [
            # Dispute timeline: a dispute's outcomes in date order.
            models.Index(fields=["dispute", "date"], name="outcome_timeline_idx"),
            # Platform and country charts: outcomes by kind.
            models.Index(fields=["kind", "date"], name="outcome_kind_date_idx"),
            # Home page and feeds: the latest confirmed outcomes across all disputes.
            models.Index(fields=["review_state", "-date", "id"], name="outcome_latest_idx"),
            # Disputes list filtered by outcome: the disputes, read from the index alone.
            models.Index(fields=["kind", "review_state", "dispute"], name="outcome_kind_dispute_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.date_display or 'undated'})"

    def clean(self):
        super().clean()
        if self.demand_id and self.dispute_id and self.demand.dispute_id != self.dispute_id:
            raise ValidationError({"demand": "The demand belongs to another dispute."})


class EventKind(models.TextChoices):
    MEETING = "meeting"
    MEETING_DECLINED = "meeting_declined", "Meeting declined"
    STATEMENT = "statement"
    COURT_HEARING = "court_hearing", "Court hearing"
    COURT_RULING = "court_ruling", "Court ruling"
    LAW_PASSED = "law_passed", "Law passed"
    LAW_PROPOSED = "law_proposed", "Law proposed"
    OTHER = "other"


class Event(DraftedTextMixin, DisputeFact):
    """Any other dated milestone: a meeting declined, a statement, a hearing, a law."""

    Kind = EventKind

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    history = HistoricalRecords(bases=[DecisionHistory])

    class Meta(DisputeFact.Meta):
        constraints = DisputeFact.Meta.constraints + [
            in_vocabulary("kind", EventKind, "event_kind_valid"),
        ]
        indexes = [
            # Dispute timeline: a dispute's events in date order.
            models.Index(fields=["dispute", "date"], name="event_timeline_idx"),
            # Home page: the latest confirmed events across all disputes.
            models.Index(fields=["review_state", "-date", "id"], name="event_latest_idx"),
        ]

    def __str__(self):
        return self.title


def quote_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span ``text[start:end]`` without the whitespace around it.

    Quotes are stored trimmed: forms strip what a curator submits, so a quote that
    began with a space or ended with a line break could never be saved back unchanged.
    """
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + lead + len(piece.strip())


def _squashed(text: str) -> str:
    return " ".join(text.split())



# How the unreviewed archive of ingested articles is labelled for signed-in researchers.
UNREVIEWED_LABEL = "unreviewed, machine-annotated"


class EvidenceQuerySet(models.QuerySet):
    def public(self):
        """What the public sees: confirmed evidence of a confirmed dispute whose
        fact, if it supports one, is confirmed too."""
        confirmed = ReviewState.CONFIRMED
        return self.filter(
            Q(demand__isnull=True) | Q(demand__review_state=confirmed),
            Q(outcome__isnull=True) | Q(outcome__review_state=confirmed),
            Q(event__isnull=True) | Q(event__review_state=confirmed),
            review_state=confirmed,
            dispute__review_state=confirmed,
        )

    def candidates(self):
        return self.filter(review_state=ReviewState.CANDIDATE)

    def reports(self):
        """An ingested article attached to a dispute as a whole, not quoted for one fact."""
        return self.filter(article__isnull=False, demand__isnull=True, outcome__isnull=True, event__isnull=True)


class Evidence(LoadedReviewState, models.Model):
    """Ties a fact to its source: an ingested article with a quote, or a URL a
    curator entered by hand. `dispute` is always set (it makes the dispute's
    reporting one query); at most one of demand, outcome and event narrows it.

    What the annotator attaches waits as a candidate until a curator accepts it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    article = models.ForeignKey(
        "ingestion.Article", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    quote = models.TextField(blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    source_url = models.URLField(max_length=2000, blank=True, validators=[http_url])
    outlet = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.CANDIDATE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(bases=[DecisionHistory])
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["published", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            in_vocabulary("review_state", ReviewState, "evidence_review_state_valid"),
            models.CheckConstraint(
                condition=(
                    Q(demand__isnull=True, outcome__isnull=True)
                    | Q(demand__isnull=True, event__isnull=True)
                    | Q(outcome__isnull=True, event__isnull=True)
                ),
                name="evidence_supports_one_fact",
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=False) | ~Q(source_url=""), name="evidence_has_source"
            ),
            # An article is attached to a dispute once (it may support several disputes).
            models.UniqueConstraint(
                fields=["dispute", "article"],
                condition=Q(article__isnull=False, demand__isnull=True, outcome__isnull=True, event__isnull=True),
                name="evidence_article_once_per_dispute",
            ),
            models.CheckConstraint(
                condition=Q(quote_start__isnull=True, quote_end__isnull=True)
                | Q(quote_start__isnull=False, quote_end__gte=F("quote_start")),
                name="evidence_quote_span_valid",
            ),
        ]
        indexes = [
            # Dispute page: all reporting for one dispute, by date.
            models.Index(fields=["dispute", "published"], name="evidence_dispute_idx"),
            # Curation: a dispute's reports waiting for review ("3 new reports to review").
            models.Index(fields=["dispute", "review_state"], name="evidence_dispute_state_idx"),
        ]

    def __str__(self):
        return f"{self.outlet or self.source_url or self.article} — {self.target}"

    @property
    def target(self):
        return self.demand or self.outcome or self.event or self.dispute

    def clean(self):
        super().clean()
        errors = {}
        if sum(x is not None for x in (self.demand_id, self.outcome_id, self.event_id)) > 1:
            errors["demand"] = "Evidence supports one fact: a demand, an outcome or an event."
        for field in ("demand", "outcome", "event"):
            fact = getattr(self, field)
            if fact is not None and self.dispute_id and fact.dispute_id != self.dispute_id:
                errors[field] = f"This {field} belongs to another dispute."
        if not self.article_id and not self.source_url:
            errors["source_url"] = "Give an ingested article or a source URL."
        if (self.quote_start is None) != (self.quote_end is None):
            errors["quote_end"] = "Give both quote offsets or neither."
        elif self.quote_start is not None and self.quote_end < self.quote_start:
            errors["quote_end"] = "The quote cannot end before it starts."
        elif self.article_id and self.quote_start is not None:
            text = self.article.text
            # Browsers and forms change line endings and surrounding whitespace: compare
            # the words, then store the exact (trimmed) slice of the article.
            if self.quote_end > len(text):
                errors["quote_end"] = f"The article text has only {len(text)} characters."
            elif _squashed(text[self.quote_start : self.quote_end]) != _squashed(self.quote):
                errors["quote"] = "The quote does not match the article text at these offsets."
            else:
                self.quote_start, self.quote_end = quote_span(text, self.quote_start, self.quote_end)
                self.quote = text[self.quote_start : self.quote_end]
        else:
            self.quote = self.quote.strip()
        if errors:
            raise ValidationError(errors)


# Researchers' API tokens ---------------------------------------------------------------


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A researcher's key to the API, with the higher limits of a signed-in user.

    Only a hash is stored: the token is shown once, when it is made.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, e.g. “thesis scraper”.")
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


# Rollups ------------------------------------------------------------------------------


class RollupMetric(models.TextChoices):
    STATUS = "status"  # key: dispute status
    DEMANDS = "demands"  # key: year ("" undated), sub: demand type
    OUTCOMES = "outcomes"  # key: "outcome actor id:answered demand's made_to id", sub: outcome kind
    DELAY = "delay"  # key: index of the delay bucket from demand to first outcome
    GOVERNMENT = "government"  # key: id of a demanding actor


class RollupCell(models.Model):
    """One figure of a country's page: a metric, its key and sub-key, and a count."""

    country = models.CharField(max_length=2)
    metric = models.CharField(max_length=12, choices=RollupMetric.choices)
    key = models.CharField(max_length=40, blank=True)
    sub = models.CharField(max_length=40, blank=True)

    class Meta:
        abstract = True


class DisputeRollup(RollupCell):
    """What one confirmed dispute adds to its country's figures (see disputes/rollups.py).

    Kept so that a change to a dispute or its facts updates CountryRollup by
    difference; `dispute_id` is no foreign key, so that the rows outlive a
    deleted dispute until its contribution has been subtracted."""

    dispute_id = models.IntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Refreshing one dispute: its previous contribution.
            models.Index(fields=["dispute_id"], name="disputerollup_dispute_idx"),
        ]

    def __str__(self):
        return f"{self.dispute_id} {self.metric} {self.key} {self.sub}: {self.n}"


class CountryRollup(RollupCell):
    """Confirmed figures of a country's page, summed over its disputes: read in
    one query instead of grouping tens of thousands of facts."""

    n = models.IntegerField()

    class Meta:
        constraints = [
            # Also the index of the country page, which reads one country's rows.
            models.UniqueConstraint(fields=["country", "metric", "key", "sub"], name="countryrollup_unique"),
        ]

    def __str__(self):
        return f"{self.country} {self.metric} {self.key} {self.sub}: {self.n}"
