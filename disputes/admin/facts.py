"""Curating a dispute's facts: demands (with penalties), outcomes and events."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    Demand,
    Event,
    Evidence,
    Outcome,
    Penalty,
)
from .common import (
    HTTP_URL_FIELDS,
    DisputeCountryFilter,
    DisputePlatformFilter,
    QuotePickerMixin,
    ReviewActionsMixin,
    RowErrorsMixin,
    entered_by_curator,
)


class PenaltyInline(admin.TabularInline):
    model = Penalty
    extra = 1


class FactEvidenceInline(QuotePickerMixin, admin.StackedInline):
    """Evidence for one fact; its dispute is filled in from the fact on save."""

    model = Evidence
    extra = 0
    fields = [("source_url", "outlet", "published"), "article", "quote", ("quote_start", "quote_end"),
              "article_text", "note"]
    readonly_fields = ["article_text"]
    raw_id_fields = ["article"]
    formfield_overrides = HTTP_URL_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")


class FactAdmin(RowErrorsMixin, ReviewActionsMixin, SimpleHistoryAdmin):
    list_select_related = ["dispute"]
    date_hierarchy = "date"
    actions = ["confirm_selected", "reject_selected"]
    autocomplete_fields = ["dispute"]

    def get_fields(self, request, obj=None):
        # The shared fields come first in the model (DisputeFact); the review state reads
        # last, after what it reviews, as before the base existed.
        fields = super().get_fields(request, obj)
        last = [name for name in ("review_state", "drafted_fields") if name in fields]
        return [name for name in fields if name not in last] + last

    def save_model(self, request, obj, form, change):
        # A text the curator edited is theirs, no longer the annotator's draft.
        if getattr(obj, "drafted_fields", None):
            obj.drafted_fields = [f for f in obj.drafted_fields if f not in form.changed_data]
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Evidence entered on a fact belongs to the fact's dispute too.
        if formset.model is Evidence:
            for evidence in formset.save(commit=False):
                evidence.dispute = form.instance.dispute
                entered_by_curator(evidence, request.user)
                evidence.save()
            for obj in formset.deleted_objects:
                obj.delete()
            return
        super().save_formset(request, form, formset, change)


@admin.register(Demand)
class DemandAdmin(FactAdmin):
    list_display = ["__str__", "dispute", "made_by", "made_to", "accounts_targeted", "review_state"]
    list_filter = ["review_state", "demand_type", DisputeCountryFilter, DisputePlatformFilter]
    search_fields = ["description", "legal_basis", "dispute__title"]
    autocomplete_fields = ["dispute", "made_by", "made_to"]
    list_select_related = ["dispute", "made_by", "made_to"]
    inlines = [PenaltyInline, FactEvidenceInline]


@admin.register(Outcome)
class OutcomeAdmin(FactAdmin):
    list_display = ["__str__", "dispute", "demand", "unlinked_reason", "actor", "review_state"]
    list_filter = ["review_state", "kind", DisputeCountryFilter, DisputePlatformFilter]
    search_fields = ["details", "dispute__title"]
    autocomplete_fields = ["dispute", "actor"]
    list_select_related = ["dispute", "demand", "actor"]
    raw_id_fields = ["demand"]
    readonly_fields = ["drafted_fields"]
    inlines = [FactEvidenceInline]


@admin.register(Event)
class EventAdmin(FactAdmin):
    list_display = ["title", "kind", "date", "dispute", "review_state"]
    list_filter = ["review_state", "kind", DisputeCountryFilter, DisputePlatformFilter]
    search_fields = ["title", "description", "dispute__title"]
    autocomplete_fields = ["dispute", "actor"]
    readonly_fields = ["drafted_fields"]
    inlines = [FactEvidenceInline]


@admin.register(Penalty)
class PenaltyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "demand", "amount", "currency"]
    list_filter = ["kind"]
    search_fields = ["description", "demand__dispute__title"]
    raw_id_fields = ["demand"]
    list_select_related = ["demand"]
