"""Curation: every domain model, with history, filters, inlines and merges."""

import copy
import hashlib
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from ingestion.models import Article

from . import services
from .site import selectors
from .countries import country_name
from .site.forms import TimelineForm
from .site.highlight import highlight
from .site.links import external_link
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
    PlatformReport,
    ReviewState,
    ShutdownEvent,
    Topic,
    http_url,
)

# Filters -------------------------------------------------------------------------


class CountryFilter(admin.SimpleListFilter):
    """Lists only the countries that occur, by name, not all 250 codes."""

    title = "country"
    parameter_name = "country"
    field = "country"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.model._default_manager.exclude(**{self.field: ""})
            .order_by()
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
        records = list(queryset)
        drafted = [r for r in records if getattr(r, "drafted_fields", None)]
        ready = [r for r in records if r not in drafted]
        n = services.review_set_state(records=ready, state=ReviewState.CONFIRMED, user=request.user)
        self.message_user(request, f"Confirmed {n}.")
        if drafted:
            self.message_user(request, f"Not confirmed, their text is still the annotator's draft (edit it first): "
                              f"{', '.join(map(str, drafted))}.", messages.WARNING)

    @admin.action(description="Reject selected", permissions=["change"])
    def reject_selected(self, request, queryset):
        n = services.review_set_state(records=queryset, state=ReviewState.REJECTED, user=request.user)
        self.message_user(request, f"Rejected {n}.")


class HttpURLWidget(AdminURLFieldWidget):
    """Links the current value ("Currently: …") only when it is http(s); Django's widget also
    links ftp, and echoes back whatever a refused form was sent."""

    def __init__(self, attrs=None):
        super().__init__(attrs, validator_class=lambda: http_url)


HTTP_URL_FIELDS = {models.URLField: {"widget": HttpURLWidget}}


# Evidence helpers ----------------------------------------------------------------


class QuotePickerMixin:
    """Shows the evidence's article text; selecting a passage in it fills the quote
    and its offsets (static/js/quote_picker.js). The server checks them on save."""

    class Media:
        js = ["js/quote_picker.js"]
        css = {"all": ["css/review.css"]}

    @admin.display(description="article text")
    def article_text(self, obj):
        if obj is None or obj.article_id is None:
            return "Choose an article and save: its text then shows here, to select the quote in."
        text = obj.article.text
        spans = [(obj.quote_start, obj.quote_end, "evidence")] if obj.quote_start is not None else []
        return format_html(
            '<details class="quote-picker"><summary>Select the quote in the article text '
            "({} characters)</summary>"
            '<div class="quote-picker-text" data-quote-picker>{}</div></details>',
            len(text),
            highlight(text, spans),
        )


def _row_label(instance) -> str:
    """Which row a curator has to fix, in words: the article and the fact for evidence."""
    if isinstance(instance, Evidence):
        source = (
            f"“{instance.article.title or 'untitled'}” ({instance.article.outlet or 'unknown outlet'})"
            if instance.article_id else instance.source_url or instance.outlet or "no source"
        )
        fact = instance.demand or instance.outcome or instance.event
        return f"{source}, for {fact._meta.verbose_name} “{fact}”" if fact else source
    return str(instance) if instance.pk else "new row"


class RowErrorsMixin:
    """Inline errors are listed at the top of the page, each naming its row: on a
    long change page the row itself may be far below."""

    def render_change_form(self, request, context, *args, **kwargs):
        for inline in context.get("inline_admin_formsets", []):
            formset, name = inline.formset, inline.opts.verbose_name
            for error in formset.non_form_errors():
                self.message_user(request, f"{capfirst(name)}: {error}", messages.ERROR)
            for number, form in enumerate(formset.forms, start=1):
                if not form.errors:
                    continue
                problems = "; ".join(
                    (f"{form.fields[field].label}: " if field in form.fields else "") + " ".join(errors)
                    for field, errors in form.errors.items()
                )
                self.message_user(
                    request, f"{capfirst(name)} {number} — {_row_label(form.instance)}: {problems}", messages.ERROR
                )
        return super().render_change_form(request, context, *args, **kwargs)


# Actors --------------------------------------------------------------------------


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1


@admin.register(Actor)
class ActorAdmin(RowErrorsMixin, MergeMixin, SimpleHistoryAdmin):
    merge_service = services.actor_merge
    formfield_overrides = HTTP_URL_FIELDS
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

class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept in the history; the annotator will not propose these claims again.",
    )


class AcceptForm(forms.Form):
    """The text a candidate is published with: the annotator's drafts, prefilled,
    edited or approved by the curator; the status the facts give unless chosen."""

    title = forms.CharField(max_length=300)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    status = forms.ChoiceField(
        choices=[("", "As the outcomes say"), *Dispute.Status.choices], required=False,
        help_text="Choosing one overrides the status rule for this dispute.",
    )
    reason = forms.CharField(max_length=2000, required=False, help_text="Kept in the history.")
    drafts_approved = forms.BooleanField(
        required=False, label="I have read the drafted text left unchanged and approve it as it stands."
    )
    previewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        for outcome in self.outcomes:
            self.fields[f"outcome_{outcome.pk}"] = forms.CharField(
                label=f"{outcome.get_kind_display()} ({outcome.date_display or 'undated'})",
                widget=forms.Textarea(attrs={"rows": 2}), initial=outcome.details,
                help_text=outcome.unlinked_reason and f"Not linked to a demand: {outcome.unlinked_reason}",
            )

    def outcome_details(self) -> dict[int, str]:
        return {o.pk: self.cleaned_data[f"outcome_{o.pk}"] for o in self.outcomes}

    def fingerprint(self) -> str:
        """What the preview showed; accepting other values needs a new preview."""
        data = self.cleaned_data
        values = [data["title"], data["summary"], data["status"], *map(str, sorted(self.outcome_details().items()))]
        return hashlib.sha256("\x1f".join(values).encode()).hexdigest()


class AttachForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Dispute.objects.none(), label="Attach to")

    def __init__(self, *args, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Dispute.objects.exclude(review_state=ReviewState.REJECTED).filter(country__in=countries)
        )




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
    fields = ["kind", "date", "date_precision", "demand", "unlinked_reason", "actor", "accounts_withheld", "review_state"]
    readonly_fields = ["unlinked_reason"]
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


def _entered_by_curator(evidence, user) -> None:
    """Evidence a curator types in is reviewed by them: it is confirmed as it is made.
    Their accepting or rejecting a report lands in its history under their name."""
    if evidence.pk is None:
        evidence.review_state = ReviewState.CONFIRMED
    if evidence.created_by_id is None:
        evidence.created_by = user
    evidence._history_user = user


class EvidenceInline(QuotePickerMixin, admin.StackedInline):
    """The dispute's own reporting (articles and sources about it as a whole), folded.
    A fact's evidence is edited on the fact's page, and all of it is one click away in
    the evidence list (see `evidence_list`): hundreds of rows would bury the page."""

    model = Evidence
    extra = 0
    verbose_name = "report"
    verbose_name_plural = "reporting"
    classes = ["collapse"]
    fields = ["review_state", ("source_url", "outlet", "published"), "article", "quote",
              ("quote_start", "quote_end"), "article_text", "note"]
    readonly_fields = ["article_text"]
    raw_id_fields = ["article"]
    formfield_overrides = HTTP_URL_FIELDS
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "review_state":
            field.initial = ReviewState.CONFIRMED  # a row a curator adds is theirs, reviewed
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            demand__isnull=True, outcome__isnull=True, event__isnull=True
        ).select_related("article")


def _in_review_queue(request) -> bool:
    return request.GET.get("review_state__exact") == ReviewState.CANDIDATE


@admin.register(Dispute)
class DisputeAdmin(RowErrorsMixin, MergeMixin, SimpleHistoryAdmin):
    """Disputes; filtered to candidates it is the review queue
    (/admin/disputes/dispute/?review_state__exact=candidate), newest and most confident first."""

    merge_service = services.dispute_merge
    list_display = ["title", "country", "status", "review_state", "start_date", "demand_count"]
    queue_display = ["title", "country", "platforms", "articles", "confidence", "candidate_facts", "created_at"]
    list_filter = [
        "review_state",
        "status",
        CountryFilter,
        PlatformFilter,
        ("demands__demand_type", admin.ChoicesFieldListFilter),
        ("outcomes__kind", admin.ChoicesFieldListFilter),
        "topics",
        "created_at",
    ]
    search_fields = ["title", "slug", "summary", "party_roles__actor__name"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    filter_horizontal = ["topics"]
    inlines = [DisputePartyInline, DemandInline, OutcomeInline, EventInline, EvidenceInline]
    actions = ["accept_selected", "reject_with_reason", "attach_to_dispute", "merge_selected"]
    readonly_fields = ["reporting", "evidence_list"]
    change_form_template = "admin/disputes/dispute_change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "country", ("status", "status_overridden"), "summary", "topics",
                           "evidence_list"]}),
        ("Dates", {"fields": [("start_date", "start_precision"), ("end_date", "end_precision")]}),
        ("Review", {"fields": ["review_state", "review_note"]}),
        ("Reporting", {"fields": ["reporting"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_demands=Count("demands", distinct=True),
                confidence=Max("evidence__article__annotation__relevance"),
                n_articles=Count("evidence__article", distinct=True),
                n_candidate_facts=Count(
                    "demands", filter=Q(demands__review_state=ReviewState.CANDIDATE), distinct=True
                )
                + Count("outcomes", filter=Q(outcomes__review_state=ReviewState.CANDIDATE), distinct=True),
            )
            .prefetch_related("party_roles__actor")
        )

    def get_fieldsets(self, request, obj=None):
        # A candidate is judged by its reporting: show it first, open.
        if obj is not None and obj.review_state == ReviewState.CANDIDATE:
            return [("Reporting that proposed it", {"fields": ["reporting"]}), *self.fieldsets[:-1]]
        return self.fieldsets

    def get_list_display(self, request):
        return self.queue_display if _in_review_queue(request) else self.list_display

    def get_ordering(self, request):
        if _in_review_queue(request):
            return ["-created_at", F("confidence").desc(nulls_last=True)]
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates

    @admin.display(description="demands", ordering="n_demands")
    def demand_count(self, obj):
        return obj.n_demands

    @admin.display(description="platforms")
    def platforms(self, obj):
        return ", ".join(p.actor.name for p in obj.party_roles.all() if p.role == DisputeParty.Role.TARGETED)

    @admin.display(description="articles", ordering="n_articles")
    def articles(self, obj):
        return obj.n_articles

    @admin.display(description="confidence", ordering="confidence")
    def confidence(self, obj):
        return f"{obj.confidence:.2f}" if obj.confidence is not None else "—"

    @admin.display(description="candidate facts", ordering="n_candidate_facts")
    def candidate_facts(self, obj):
        return obj.n_candidate_facts

    @admin.display(description="evidence")
    def evidence_list(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:disputes_evidence_changelist") + f"?dispute__id__exact={obj.pk}"
        return format_html('<a href="{}">All {} evidence rows of this dispute</a> (reporting and each fact’s)',
                           url, obj.evidence.count())

    @admin.display(description="articles with entities and evidence marked")
    def reporting(self, obj):
        return render_to_string("admin/disputes/reporting.html", {"articles": review_articles(obj)})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # What the annotator attached and no curator has accepted yet: not public until then.
        extra_context = {
            **(extra_context or {}),
            "reports_to_review": Evidence.objects.filter(dispute_id=object_id).candidates().count()
            if str(object_id).isdigit() else 0,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        if formset.model is Evidence:
            for evidence in formset.save(commit=False):
                _entered_by_curator(evidence, request.user)
                evidence.save()
            for obj in formset.deleted_objects:
                obj.delete()
            return
        super().save_formset(request, form, formset, change)
    def get_urls(self):
        accept = path("<path:object_id>/accept/", self.admin_site.admin_view(self.accept_view),
                      name="disputes_dispute_accept")
        return [accept, *super().get_urls()]

    def save_model(self, request, obj, form, change):
        # A text the curator edited is theirs, no longer the annotator's draft.
        if obj.drafted_fields:
            obj.drafted_fields = [f for f in obj.drafted_fields if f not in form.changed_data]
        # A status chosen by hand stays: the status rule no longer changes it.
        if "status" in form.changed_data:
            obj.status_overridden = True
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if "_accept" in request.POST and self.has_change_permission(request, obj):
            # Saved; publishing goes through the accept page (text approved, preview seen).
            return redirect("admin:disputes_dispute_accept", obj.pk)
        return super().response_change(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting the dispute to an earlier version also reverts the facts that the
        decisions made since then changed (a rejection's rejected demands come back)."""
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if request.method == "POST" and response.status_code == 302:
                version = self.model.history.filter(history_id=version_id).first()
                later = self.model.history.filter(id=version.id, history_date__gt=version.history_date)
                reason = f"Reverted with the dispute to its version of {version.history_date:%Y-%m-%d %H:%M}"
                for decision_id in services.dispute_decisions(later):
                    services.decision_revert(decision_id=decision_id, user=request.user, reason=reason,
                                             models=services.FACT_MODELS_WITH_PENALTIES)
        return response

    def accept_view(self, request, object_id):
        """Accept a candidate: title and summary written or approved, a preview of the public page, then publish."""
        dispute = self.get_object(request, object_id)
        if dispute is None or not self.has_change_permission(request, dispute):
            raise PermissionDenied
        if dispute.review_state != ReviewState.CANDIDATE:
            self.message_user(request, f"“{dispute}” is not a candidate.", messages.WARNING)
            return redirect("admin:disputes_dispute_change", dispute.pk)
        outcomes = [o for o in dispute.outcomes.candidates() if o.drafted_fields]
        initial = {"title": dispute.title, "summary": dispute.summary}
        form = AcceptForm(request.POST or None, initial=initial, outcomes=outcomes)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if "_accept" in request.POST and data["previewed"] == form.fingerprint():
                try:
                    services.dispute_accept(
                        dispute=dispute, user=request.user, title=data["title"], summary=data["summary"],
                        status=data["status"] or None, reason=data["reason"],
                        drafts_approved=data["drafts_approved"], outcome_details=form.outcome_details(),
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    self.message_user(request, f"Accepted and published “{data['title']}”.")
                    return redirect(reverse("admin:disputes_dispute_changelist") + "?review_state__exact=candidate")
            if not form.errors:
                preview = _accept_preview(request, dispute, form)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Accept “{dispute}”",
            "opts": self.opts,
            "original": dispute,
            "form": form,
            "preview": preview,
            "fingerprint": form.fingerprint() if preview is not None else "",
            "drafted": dispute.drafted_fields,
        }
        return TemplateResponse(request, "admin/disputes/dispute_accept.html", context)

    @admin.action(description="Accept selected with their candidate facts", permissions=["change"])
    def accept_selected(self, request, queryset):
        """Accepts what no draft holds back; a dispute with drafted text goes through its accept page."""
        accepted, held = 0, []
        for dispute in queryset.filter(review_state=ReviewState.CANDIDATE):
            if services.dispute_drafts(dispute):
                held.append(dispute)
                continue
            services.dispute_confirm(dispute=dispute, user=request.user, reason="Accepted")
            accepted += 1
        if accepted:
            self.message_user(request, f"Accepted {accepted}.")
        if len(held) == 1 and not accepted:
            return redirect("admin:disputes_dispute_accept", held[0].pk)
        if held:
            links = format_html_join(", ", '<a href="{}">{}</a>', (
                (reverse("admin:disputes_dispute_accept", args=[d.pk]), d.title) for d in held))
            self.message_user(request, format_html(
                "Not accepted, their text is still the annotator's draft: {}. Accept each on its page.", links
            ), messages.WARNING)
        return None

    @admin.action(description="Reject selected with a reason…", permissions=["change"])
    def reject_with_reason(self, request, queryset):
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            for dispute in queryset:
                services.dispute_reject(dispute=dispute, user=request.user, reason=form.cleaned_data["reason"])
            self.message_user(request, f"Rejected {len(queryset)}.")
            return None
        return self._intermediate(request, queryset, form, "reject_with_reason", "Reject")

    @admin.action(description="Attach selected to an existing dispute…", permissions=["merge"])
    def attach_to_dispute(self, request, queryset):
        countries = set(queryset.values_list("country", flat=True))
        form = AttachForm(request.POST if "confirm" in request.POST else None, countries=countries)
        if form.is_valid():
            target = form.cleaned_data["target"]
            for candidate in queryset.exclude(pk=target.pk):
                services.dispute_merge(source=candidate, target=target, user=request.user)
            self.message_user(request, f"Attached to “{target}”; the proposals wait for review there.")
            return redirect("admin:disputes_dispute_change", target.pk)
        return self._intermediate(request, queryset, form, "attach_to_dispute", "Attach")

    def _intermediate(self, request, queryset, form, action, title):
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title} {self.opts.verbose_name_plural}",
            "button": title,
            "opts": self.opts,
            "form": form,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/disputes/review_action.html", context)


# Facts ---------------------------------------------------------------------------


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
                _entered_by_curator(evidence, request.user)
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
        _entered_by_curator(obj, request.user)
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


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _accept_preview(request, dispute, form) -> str:
    """The public page's body as it would read once accepted, rendered without saving."""
    data = form.cleaned_data
    proposed = copy.copy(dispute)
    proposed.title, proposed.summary = data["title"], data["summary"]
    if data["status"]:
        proposed.status = data["status"]
    elif not dispute.status_overridden:
        services.dispute_status_apply(dispute=proposed)
    page = selectors.dispute_page(proposed, states=(ReviewState.CONFIRMED, ReviewState.CANDIDATE))
    details = form.outcome_details()
    for entry in page["timeline"]:
        if entry.kind == "outcome" and entry.obj.pk in details:
            entry.obj.details = details[entry.obj.pk]
    context = {"dispute": proposed, "kind": "", "timeline_form": TimelineForm({"kind": ""}), **page}
    return render_to_string("admin/disputes/dispute_preview.html", context, request=request)


def review_articles(dispute):
    """The articles behind a dispute, each with its text marked: entities and evidence."""
    article_ids = Evidence.objects.filter(dispute=dispute, article__isnull=False).values_list("article_id", flat=True)
    articles = Article.objects.filter(pk__in=article_ids).select_related("annotation").prefetch_related(
        "mentions"
    )
    quoted = {}
    for article_id, start, end in Evidence.objects.filter(dispute=dispute, quote_start__isnull=False).values_list(
        "article_id", "quote_start", "quote_end"
    ):
        quoted.setdefault(article_id, set()).add((start, end))
    for article in articles:
        spans = [
            (m.start_char, m.end_char, f"entity entity-{m.label.lower()}")
            for m in article.mentions.all()
            if not m.in_title
        ]
        # The quotes themselves, whoever chose them (annotator or curator).
        spans += [(start, end, "evidence") for start, end in quoted.get(article.pk, ())]
        article.marked_text = highlight(article.text, spans)
    return articles

# Platforms' own figures ----------------------------------------------------------


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
