"""Curation: every domain model, with history, filters, inlines and merges."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .countries import country_name
from .models import (
    Actor,
    ActorAlias,
    ActorRedirect,
    Demand,
    Dispute,
    DisputeParty,
    DisputeRedirect,
    Event,
    Evidence,
    Outcome,
    Penalty,
    Platform,
    ReviewState,
    Topic,
)

# Filters -------------------------------------------------------------------------


class CountryFilter(admin.SimpleListFilter):
    """Lists only the countries that occur, by name, not all 250 codes."""

    title = "country"
    parameter_name = "country"
    field = "country"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request)
            .exclude(**{self.field: ""})
            .values_list(self.field, flat=True)
            .distinct()
        )
        return sorted(((c, country_name(c)) for c in codes), key=lambda item: item[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class DisputeCountryFilter(CountryFilter):
    field = "dispute__country"


class PlatformFilter(admin.SimpleListFilter):
    title = "platform"
    parameter_name = "platform"
    lookup = "parties__platform"

    def lookups(self, request, model_admin):
        return Platform.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.lookup: self.value()}).distinct()
        return queryset


class DisputePlatformFilter(PlatformFilter):
    lookup = "dispute__parties__platform"


# Merging -------------------------------------------------------------------------


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(queryset=None, widget=forms.RadioSelect, label="Keep")

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = queryset


class MergeMixin:
    """An admin action that folds the selected records into the one a curator keeps."""

    merge_service = None

    def has_merge_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.merge_{opts.model_name}")

    @admin.action(description="Merge selected into one…", permissions=["merge"])
    def merge_selected(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, "Select at least two records to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "confirm" in request.POST else None, queryset=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            for source in queryset.exclude(pk=target.pk):
                type(self).merge_service(source=source, target=target, user=request.user)
            self.message_user(request, f"Merged into “{target}”. Old addresses now redirect to it.")
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", target.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/disputes/merge.html", context)


class ReviewActionsMixin:
    @admin.action(description="Confirm selected", permissions=["change"])
    def confirm_selected(self, request, queryset):
        n = services.review_set_state(records=queryset, state=ReviewState.CONFIRMED, user=request.user)
        self.message_user(request, f"Confirmed {n}.")

    @admin.action(description="Reject selected", permissions=["change"])
    def reject_selected(self, request, queryset):
        n = services.review_set_state(records=queryset, state=ReviewState.REJECTED, user=request.user)
        self.message_user(request, f"Rejected {n}.")


# Actors --------------------------------------------------------------------------


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1


@admin.register(Actor)
class ActorAdmin(MergeMixin, SimpleHistoryAdmin):
    merge_service = services.actor_merge
    list_display = ["name", "kind", "country", "platform", "parent", "dispute_count"]
    list_filter = ["kind", CountryFilter, "platform"]
    search_fields = ["name", "slug", "aliases__name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActorAliasInline]
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").annotate(
            n_disputes=Count("party_roles__dispute", distinct=True)
        )

    @admin.display(description="disputes", ordering="n_disputes")
    def dispute_count(self, obj):
        return obj.n_disputes

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates


# Disputes ------------------------------------------------------------------------


class DisputePartyInline(admin.TabularInline):
    model = DisputeParty
    extra = 1
    autocomplete_fields = ["actor"]


class DemandInline(admin.TabularInline):
    model = Demand
    extra = 0
    fields = ["demand_type", "date", "date_precision", "made_by", "made_to", "accounts_targeted", "legal_basis", "review_state"]
    autocomplete_fields = ["made_by", "made_to"]
    show_change_link = True


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ["kind", "date", "date_precision", "demand", "actor", "accounts_withheld", "review_state"]
    autocomplete_fields = ["actor"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the demands of this dispute can be answered here.
        if db_field.name == "demand" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = Demand.objects.filter(dispute_id=request.resolver_match.kwargs["object_id"])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["kind", "date", "date_precision", "title", "actor", "review_state"]
    autocomplete_fields = ["actor"]
    show_change_link = True


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 0
    fields = [("demand", "outcome", "event"), ("source_url", "outlet", "published"), "article", "quote", "note"]
    raw_id_fields = ["article", "demand", "outcome", "event"]
    show_change_link = True


@admin.register(Dispute)
class DisputeAdmin(MergeMixin, ReviewActionsMixin, SimpleHistoryAdmin):
    merge_service = services.dispute_merge
    list_display = ["title", "country", "status", "review_state", "start_date", "demand_count"]
    list_filter = [
        "review_state",
        "status",
        CountryFilter,
        PlatformFilter,
        ("demands__demand_type", admin.ChoicesFieldListFilter),
        ("outcomes__kind", admin.ChoicesFieldListFilter),
        "topics",
    ]
    search_fields = ["title", "slug", "summary", "party_roles__actor__name"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    filter_horizontal = ["topics"]
    inlines = [DisputePartyInline, DemandInline, OutcomeInline, EventInline, EvidenceInline]
    actions = ["confirm_selected", "reject_selected", "merge_selected"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "country", "status", "summary", "topics"]}),
        ("Dates", {"fields": [("start_date", "start_precision"), ("end_date", "end_precision")]}),
        ("Review", {"fields": ["review_state", "review_note"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_demands=Count("demands", distinct=True))

    @admin.display(description="demands", ordering="n_demands")
    def demand_count(self, obj):
        return obj.n_demands

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates


# Facts ---------------------------------------------------------------------------


class PenaltyInline(admin.TabularInline):
    model = Penalty
    extra = 1


class FactEvidenceInline(admin.StackedInline):
    """Evidence for one fact; its dispute is filled in from the fact on save."""

    model = Evidence
    extra = 0
    fields = [("source_url", "outlet", "published"), "article", "quote", ("quote_start", "quote_end"), "note"]
    raw_id_fields = ["article"]


class FactAdmin(ReviewActionsMixin, SimpleHistoryAdmin):
    list_select_related = ["dispute"]
    date_hierarchy = "date"
    actions = ["confirm_selected", "reject_selected"]
    autocomplete_fields = ["dispute"]

    def save_formset(self, request, form, formset, change):
        # Evidence entered on a fact belongs to the fact's dispute too.
        if formset.model is Evidence:
            for evidence in formset.save(commit=False):
                evidence.dispute = form.instance.dispute
                if evidence.created_by_id is None:
                    evidence.created_by = request.user
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
    list_display = ["__str__", "dispute", "demand", "actor", "review_state"]
    list_filter = ["review_state", "kind", DisputeCountryFilter, DisputePlatformFilter]
    search_fields = ["details", "dispute__title"]
    autocomplete_fields = ["dispute", "actor"]
    list_select_related = ["dispute", "demand", "actor"]
    raw_id_fields = ["demand"]
    inlines = [FactEvidenceInline]


@admin.register(Event)
class EventAdmin(FactAdmin):
    list_display = ["title", "kind", "date", "dispute", "review_state"]
    list_filter = ["review_state", "kind", DisputeCountryFilter, DisputePlatformFilter]
    search_fields = ["title", "description", "dispute__title"]
    autocomplete_fields = ["dispute", "actor"]
    inlines = [FactEvidenceInline]


@admin.register(Penalty)
class PenaltyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "demand", "amount", "currency"]
    list_filter = ["kind"]
    search_fields = ["description", "demand__dispute__title"]
    raw_id_fields = ["demand"]
    list_select_related = ["demand"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "dispute", "outlet", "published"]
    list_filter = [DisputeCountryFilter, "outlet"]
    search_fields = ["quote", "note", "outlet", "source_url", "dispute__title"]
    autocomplete_fields = ["dispute"]
    raw_id_fields = ["demand", "outcome", "event", "article"]
    list_select_related = ["dispute", "demand", "outcome", "event", "article"]
    date_hierarchy = "published"
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(DisputeParty)
class DisputePartyAdmin(SimpleHistoryAdmin):
    list_display = ["dispute", "actor", "role"]
    list_filter = ["role"]
    search_fields = ["dispute__title", "actor__name"]
    autocomplete_fields = ["dispute", "actor"]
    list_select_related = ["dispute", "actor"]


@admin.register(ActorAlias)
class ActorAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "actor"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]
    list_select_related = ["actor"]


class ReadOnlyRedirectAdmin(admin.ModelAdmin):
    """Redirects are written by merges; curators only look at them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DisputeRedirect)
class DisputeRedirectAdmin(ReadOnlyRedirectAdmin):
    list_display = ["old_slug", "dispute", "created_at"]
    search_fields = ["old_slug", "dispute__slug"]


@admin.register(ActorRedirect)
class ActorRedirectAdmin(ReadOnlyRedirectAdmin):
    list_display = ["old_slug", "actor", "created_at"]
    search_fields = ["old_slug", "actor__slug"]
