"""What the admin modules share: list filters, merging, review actions, the quote picker, row errors."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.text import capfirst

from .. import services
from ..models import (
    Evidence,
    Platform,
    ReviewState,
    http_url,
)
from ..site.highlight import highlight
from ..vocab import country_name

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


def entered_by_curator(evidence, user) -> None:
    """Evidence a curator types in is reviewed by them: it is confirmed as it is made.
    Their accepting or rejecting a report lands in its history under their name."""
    if evidence.pk is None:
        evidence.review_state = ReviewState.CONFIRMED
    if evidence.created_by_id is None:
        evidence.created_by = user
    evidence._history_user = user


class ReadOnlyRedirectAdmin(admin.ModelAdmin):
    """Redirects are written by merges; curators only look at them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
