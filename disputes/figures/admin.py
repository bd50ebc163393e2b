"""Curating the platforms' own figures: imported report rows and shutdown events."""

import json

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from disputes.admin.common import CountryFilter
from disputes.models import PlatformReport, ShutdownEvent
from disputes.site.links import external_link

from . import services


def _pretty_json(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False, default=str))


class RevisedFilter(admin.SimpleListFilter):
    title = "revised by the publisher"
    parameter_name = "revised"

    def lookups(self, request, model_admin):
        return [("yes", "Revised"), ("no", "Never revised")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revised_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(revised_at__isnull=True)
        return queryset


@admin.register(PlatformReport)
class PlatformReportAdmin(admin.ModelAdmin):
    """Publisher figures are imported, never typed in: everything is read-only."""

    list_display = [
        "country_label", "platform", "period_label", "requests_display", "items_display",
        "compliance_rate", "requester_type", "product", "reason", "dataset", "revised_at",
    ]
    list_filter = ["source", "dataset", CountryFilter, "platform", RevisedFilter]
    search_fields = ["country", "country_name", "product", "reason", "requester_type", "source_key"]
    date_hierarchy = "period_start"
    list_per_page = 100
    fieldsets = [
        (None, {"fields": [
            ("source", "dataset", "publisher"), ("country", "country_name"), ("platform", "product"),
            ("period_start", "period_end"), ("requester_type", "reason"),
        ]}),
        ("Figures", {"fields": [
            ("requests", "requests_below"), ("items", "items_below", "items_unit"),
            ("compliance_rate", "compliance_basis"),
        ]}),
        ("Source row", {"fields": [
            "source_key", ("source_file", "source_line"), "raw_display", ("imported_at", "updated_at"),
        ]}),
        ("Revisions", {"fields": ["revised_at", "previous_values_display", "revisions_display"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in PlatformReport._meta.fields] + [
            "raw_display", "previous_values_display", "revisions_display",
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="country", ordering="country")
    def country_label(self, obj):
        return obj.country_display

    @admin.display(description="period", ordering="period_start")
    def period_label(self, obj):
        return obj.period_label

    @admin.display(description="requests", ordering="requests")
    def requests_display(self, obj):
        if obj.requests is None and obj.requests_below:
            return f"<{obj.requests_below}"
        return obj.requests

    @admin.display(description="items", ordering="items")
    def items_display(self, obj):
        if obj.items is None and obj.items_below:
            return f"<{obj.items_below}"
        return obj.items

    @admin.display(description="raw row")
    def raw_display(self, obj):
        return _pretty_json(obj.raw)

    @admin.display(description="figures before the latest revision")
    def previous_values_display(self, obj):
        return _pretty_json(obj.previous_values) if obj.previous_values else "—"

    @admin.display(description="all revisions")
    def revisions_display(self, obj):
        return _pretty_json(obj.revisions) if obj.revisions else "—"


class LinkedFilter(admin.SimpleListFilter):
    title = "linked to a dispute"
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return [("yes", "Linked"), ("suggested", "Not linked, with a suggestion"), ("no", "Not linked")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(dispute__isnull=False)
        if self.value() == "suggested":
            return queryset.filter(dispute__isnull=True, suggested_dispute__isnull=False)
        if self.value() == "no":
            return queryset.filter(dispute__isnull=True)
        return queryset


@admin.register(ShutdownEvent)
class ShutdownEventAdmin(SimpleHistoryAdmin):
    """Imported from Access Now; a curator only links an event to its dispute."""

    list_display = [
        "start", "end", "country_names", "extent", "services", "cause", "dispute", "suggested_dispute",
    ]
    list_filter = [LinkedFilter, "extent", CountryFilter, "count_year", "cause"]
    list_select_related = ["dispute", "suggested_dispute"]
    search_fields = ["country_names", "area_name", "description", "other_services", "source_key"]
    date_hierarchy = "start"
    autocomplete_fields = ["dispute"]
    actions = ["link_suggested", "refresh_suggestions"]
    fieldsets = [
        ("Curation", {"fields": ["dispute", "suggested_dispute"]}),
        (None, {"fields": [
            ("country_names", "countries"), ("start", "start_type"), ("end", "status"),
            ("extent", "shutdown_type", "affected_network"), "area_name",
            ("services_affected", "other_services"), ("cause", "justification"),
            ("ordered_by", "decision_maker"), "count_year", "description", "evidence_links",
        ]}),
        ("Source row", {"fields": [
            "publisher", "source_key", ("source_file", "source_line"), "an_link", "raw_display",
            ("imported_at", "updated_at"),
        ]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ShutdownEvent._meta.fields if f.name != "dispute"] + [
            "evidence_links", "raw_display",
        ]

    def has_add_permission(self, request):
        return False

    @admin.display(description="services")
    def services(self, obj):
        return ", ".join(obj.services_affected)

    @admin.display(description="evidence")
    def evidence_links(self, obj):
        return format_html_join("\n", "<div>{}</div>", ((external_link(url),) for url in obj.evidence_urls)) or "—"

    @admin.display(description="raw row")
    def raw_display(self, obj):
        return _pretty_json(obj.raw)

    @admin.action(description="Link the selected events to their suggested dispute", permissions=["change"])
    def link_suggested(self, request, queryset):
        events = list(queryset.filter(dispute__isnull=True, suggested_dispute__isnull=False))
        for event in events:
            event.dispute_id = event.suggested_dispute_id
            event.save(update_fields=["dispute", "updated_at"])
        self.message_user(request, f"Linked {len(events)} event(s).", messages.SUCCESS)

    @admin.action(description="Refresh dispute suggestions for all unlinked events", permissions=["change"])
    def refresh_suggestions(self, request, queryset):
        count = services.shutdown_events_suggest_disputes()
        self.message_user(request, f"{count} unlinked platform block(s) have a suggestion.", messages.SUCCESS)
