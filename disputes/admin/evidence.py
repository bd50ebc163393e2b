"""Curating evidence: the reports and quotes behind disputes and facts."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import Evidence
from .common import (
    HTTP_URL_FIELDS,
    DisputeCountryFilter,
    QuotePickerMixin,
    ReviewActionsMixin,
    entered_by_curator,
)


@admin.register(Evidence)
class EvidenceAdmin(QuotePickerMixin, ReviewActionsMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "dispute", "outlet", "published", "review_state"]
    list_filter = ["review_state", DisputeCountryFilter, "outlet"]
    actions = ["confirm_selected", "reject_selected"]
    search_fields = ["quote", "note", "outlet", "source_url", "dispute__title"]
    autocomplete_fields = ["dispute"]
    raw_id_fields = ["demand", "outcome", "event", "article"]
    list_select_related = ["dispute", "demand", "outcome", "event", "article"]
    date_hierarchy = "published"
    fields = [
        "dispute", "review_state", ("demand", "outcome", "event"), ("source_url", "outlet", "published"), "article",
        "quote", ("quote_start", "quote_end"), "article_text", "note", ("created_by", "created_at"),
    ]
    readonly_fields = ["article_text", "created_by", "created_at"]
    formfield_overrides = HTTP_URL_FIELDS

    def get_fields(self, request, obj=None):
        # What a curator enters is confirmed as it is made: no state to choose on adding.
        return [f for f in super().get_fields(request, obj) if obj is not None or f != "review_state"]

    def save_model(self, request, obj, form, change):
        entered_by_curator(obj, request.user)
        super().save_model(request, obj, form, change)
