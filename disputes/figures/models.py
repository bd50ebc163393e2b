"""The platforms' own figures: rows of their transparency reports and the shutdown
events others record. Models of the disputes app (app_label kept), re-exported by
disputes.models."""

import datetime

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from disputes.models.core import Dispute, PartyRole, Platform, ReviewState, in_vocabulary
from disputes.vocab import country_name


class ReportSource(models.TextChoices):
    GOOGLE = "google", "Google"
    META = "meta", "Meta"
    TWITTER = "twitter", "Twitter / X"


class ReportDataset(models.TextChoices):
    GOOGLE_SUMMARY = "google-summary", "Google: requests by requester (2019–)"
    GOOGLE_DETAILED = "google-detailed", "Google: requests by product and reason"
    GOOGLE_HISTORICAL = "google-historical", "Google: requests (2009–2019 format)"
    META = "meta", "Meta: items restricted by surface (2018-H2–)"
    META_COMBINED = "meta-combined", "Meta: items restricted, all surfaces (2013–2018-H1)"
    TWITTER = "twitter-legal-demands", "Twitter: legal demands"


class ComplianceBasis(models.TextChoices):
    NONE = "", "—"
    ITEMS = "items", "Share of items removed"
    REQUESTS = "requests", "Share of requests complied with"


class PlatformReportQuerySet(models.QuerySet):
    def for_country(self, code: str):
        return self.filter(country=code.upper())

    def for_platform(self, platform: str):
        return self.filter(platform=platform)

    def revised(self):
        """Figures the publisher changed since we first imported them."""
        return self.filter(revised_at__isnull=False)


class PlatformReport(models.Model):
    """One figure a platform published about government demands in a country
    and half-year: a row of Google's, Meta's or Twitter's transparency report.

    Imported only (`import_transparency`); `source_key` identifies the
    publisher's row across downloads, so a re-import updates it and keeps the
    figures it replaced in `previous_values`."""

    Source = ReportSource
    Dataset = ReportDataset
    ComplianceBasis = ComplianceBasis

    # Figures a publisher can revise; a change to one of them is a revision.
    FIGURES = ("requests", "requests_below", "items", "items_below", "compliance_rate")

    source = models.CharField(max_length=10, choices=ReportSource.choices)
    dataset = models.CharField(max_length=24, choices=ReportDataset.choices)
    publisher = models.CharField(max_length=100)
    source_key = models.CharField(
        max_length=300, help_text="The publisher's row, stable across downloads."
    )
    source_file = models.CharField(max_length=255, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2; empty for Europol and Interpol."
    )
    country_name = models.CharField(max_length=100, help_text="As the publisher wrote it.")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    product = models.CharField(max_length=100, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    requests = models.PositiveIntegerField(null=True, blank=True)
    requests_below = models.PositiveIntegerField(
        null=True, blank=True, help_text='Published as "<N": fewer than this many, figure withheld.'
    )
    items = models.PositiveIntegerField(null=True, blank=True)
    items_below = models.PositiveIntegerField(null=True, blank=True)
    items_unit = models.CharField(max_length=40, default="items")
    compliance_rate = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Percent, 0–100."
    )
    compliance_basis = models.CharField(
        max_length=10, choices=ComplianceBasis.choices, blank=True, default=""
    )
    requester_type = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=100, blank=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The publisher's row as read.")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revised_at = models.DateTimeField(null=True, blank=True)
    previous_values = models.JSONField(
        default=dict, blank=True, help_text="Figures before the latest revision."
    )
    revisions = models.JSONField(
        default=list, blank=True, help_text="Every revision: when, from which file, old → new."
    )

    objects = PlatformReportQuerySet.as_manager()

    class Meta:
        ordering = ["country", "platform", "period_start", "id"]
        get_latest_by = "period_start"
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="platformreport_unique_source_row"),
            in_vocabulary("source", ReportSource, "platformreport_source_valid"),
            in_vocabulary("dataset", ReportDataset, "platformreport_dataset_valid"),
            in_vocabulary("platform", Platform, "platformreport_platform_valid"),
            in_vocabulary("compliance_basis", ComplianceBasis, "platformreport_basis_valid"),
            models.CheckConstraint(
                condition=Q(requests__isnull=True) | Q(requests__gte=0), name="platformreport_requests_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(items__isnull=True) | Q(items__gte=0), name="platformreport_items_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(compliance_rate__isnull=True) | Q(compliance_rate__gte=0, compliance_rate__lte=100),
                name="platformreport_rate_0_100",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="platformreport_end_not_before_start"
            ),
        ]
        indexes = [
            # Country page: one country's series per publisher dataset and platform, by period.
            models.Index(fields=["country", "dataset", "platform", "period_start"], name="platformreport_country_idx"),
            # Platform page: one platform's series per dataset across countries, by period.
            models.Index(fields=["platform", "dataset", "period_start"], name="platformreport_platform_idx"),
        ]

    def __str__(self):
        label = self.country or self.country_name
        return f"{self.get_source_display()} {label} {self.platform} {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.period_start.year}-H{1 if self.period_start.month <= 6 else 2}"

    @property
    def country_display(self) -> str:
        return country_name(self.country) if self.country else self.country_name


class ShutdownExtent(models.TextChoices):
    FULL_NETWORK = "full_network", "Full network"
    SERVICE_BASED = "service_based", "Service-based (platform block)"
    BOTH = "both", "Full network and service-based"


class ShutdownEventQuerySet(models.QuerySet):
    def for_country(self, code: str):
        """Events in a country, including multi-country rows that name it."""
        return self.filter(country_codes__contains=f",{code.upper()},")

    def platform_blocks(self):
        return self.exclude(extent=ShutdownExtent.FULL_NETWORK)


class ShutdownEvent(models.Model):
    """A government-ordered shutdown or platform block from Access Now's
    #KeepItOn STOP dataset. Curators may link it to the dispute it belongs to;
    the importer suggests one when country, platform and dates match."""

    Extent = ShutdownExtent

    # Days of slack when matching dates: news gives many dispute dates to the month.
    SUGGESTION_SLACK_DAYS = 31

    source_key = models.CharField(max_length=200, unique=True)
    publisher = models.CharField(max_length=100, default="Access Now #KeepItOn STOP")
    source_file = models.CharField(max_length=255, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    country = models.CharField(max_length=2, help_text="First country of the row.")
    countries = models.JSONField(default=list, blank=True)
    # ",BI,KE,RW," — lets `for_country` match multi-country rows on every database.
    country_codes = models.CharField(max_length=200, editable=False)
    country_names = models.CharField(max_length=300)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    start_type = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, blank=True)
    extent = models.CharField(max_length=15, choices=ShutdownExtent.choices)
    shutdown_type = models.CharField(max_length=50, blank=True)
    affected_network = models.CharField(max_length=50, blank=True)
    area_name = models.TextField(blank=True)
    services_affected = models.JSONField(default=list, blank=True)
    other_services = models.TextField(blank=True)
    justification = models.CharField(max_length=300, blank=True)
    cause = models.CharField(max_length=100, blank=True)
    ordered_by = models.CharField(max_length=200, blank=True)
    decision_maker = models.TextField(blank=True)
    count_year = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence_urls = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    an_link = models.CharField(max_length=500, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.SET_NULL, related_name="shutdown_events",
        help_text="Set by a curator.",
    )
    suggested_dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="suggested_shutdown_events", editable=False, help_text="Same country, a blocked platform targeted, overlapping dates.",
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["raw"])
    objects = ShutdownEventQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "id"]
        get_latest_by = "start"
        constraints = [
            in_vocabulary("extent", ShutdownExtent, "shutdownevent_extent_valid"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="shutdownevent_end_not_before_start"
            ),
            models.CheckConstraint(condition=~Q(country=""), name="shutdownevent_has_country"),
        ]
        indexes = [
            # Country page: a country's events by year (multi-country rows go through country_codes).
            models.Index(fields=["country", "start"], name="shutdownevent_country_idx"),
            # Curation: unlinked platform blocks, newest first.
            models.Index(fields=["extent", "dispute", "-start"], name="shutdownevent_curation_idx"),
        ]

    def __str__(self):
        return f"{self.country_names} {self.get_extent_display().lower()} from {self.start}"

    @property
    def platforms(self) -> list[str]:
        """Vocabulary platforms this event blocked (not SMS, calls or "other")."""
        return [s for s in self.services_affected if s in Platform.values and s != Platform.OTHER]

    @property
    def country_list(self) -> list[str]:
        return self.countries or [self.country]

    @property
    def known_end(self) -> datetime.date:
        """The last day the event is known to have lasted: an ongoing event runs
        to today; one whose end Access Now did not record, only its first day."""
        if self.end:
            return self.end
        if self.status.casefold() == "ongoing":
            return datetime.date.today()
        return self.start

    def matching_disputes(self):
        """Disputes a curator may link: the same country, a blocked platform among
        the targeted parties, and dates that overlap (with slack for vague dates)."""
        platforms = self.platforms
        if not platforms:
            return Dispute.objects.none()
        slack = datetime.timedelta(days=self.SUGGESTION_SLACK_DAYS)
        return (
            Dispute.objects.exclude(review_state=ReviewState.REJECTED)
            .filter(
                country__in=self.country_list,
                party_roles__role=PartyRole.TARGETED,
                party_roles__actor__platform__in=platforms,
            )
            .filter(Q(start_date__isnull=True) | Q(start_date__lte=self.known_end + slack))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start - slack))
            .distinct()
        )

    def best_matching_dispute(self):
        """The matching dispute that started closest to the event; confirmed
        disputes win ties."""
        def distance(dispute):
            days = abs((dispute.start_date - self.start).days) if dispute.start_date else 10**6
            return days, dispute.review_state != ReviewState.CONFIRMED, dispute.pk

        return min(self.matching_disputes(), key=distance, default=None)


