"""Curating disputes: the dispute page with its parties, facts and reporting, accepting and rejecting candidates."""

import copy
import hashlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from ingestion.models import Article

from .. import services
from ..models import (
    Demand,
    Dispute,
    DisputeParty,
    DisputeRedirect,
    Event,
    Evidence,
    Outcome,
    ReviewState,
    Topic,
)
from ..site import selectors
from ..site.forms import TimelineForm
from ..site.highlight import highlight
from .common import (
    HTTP_URL_FIELDS,
    CountryFilter,
    MergeMixin,
    PlatformFilter,
    QuotePickerMixin,
    ReadOnlyRedirectAdmin,
    RowErrorsMixin,
    entered_by_curator,
)


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
                entered_by_curator(evidence, request.user)
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


@admin.register(DisputeRedirect)
class DisputeRedirectAdmin(ReadOnlyRedirectAdmin):
    list_display = ["old_slug", "dispute", "created_at"]
    search_fields = ["old_slug", "dispute__slug"]


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
