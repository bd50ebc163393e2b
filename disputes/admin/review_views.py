"""The review queue in the admin (/admin/review/): every waiting item on one
page, decided in place with HTMX. Each decision checks its permission, and
every write goes through `_decide` (the services it calls keep the history)."""

from collections import defaultdict

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from .. import services
from ..models import Demand, Dispute, Event, Outcome, ReviewState
from . import review_queue

TEMPLATE = "admin/disputes/review_queue.html"
FACTS = ("demand", "outcome", "event")
ACCEPTED, EDITED = "Accepted in the review queue", "Edited and accepted in the review queue"


# Forms ---------------------------------------------------------------------------------


class _FactForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date", "deadline"):
            if name in self.fields:
                self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for name in ("description", "details"):
            if name in self.fields:
                self.fields[name].widget = forms.Textarea(attrs={"rows": 2})


class DemandReviewForm(_FactForm):
    class Meta:
        model = Demand
        fields = ["demand_type", "date", "date_precision", "accounts_targeted", "items_targeted",
                  "legal_basis", "description"]


class OutcomeReviewForm(_FactForm):
    class Meta:
        model = Outcome
        fields = ["kind", "date", "date_precision", "demand", "accounts_withheld", "details"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a demand of the same dispute can be the one answered.
        self.fields["demand"].queryset = Demand.objects.filter(dispute_id=self.instance.dispute_id)


class EventReviewForm(_FactForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "date", "date_precision", "description"]


FACT_FORMS = {"demand": DemandReviewForm, "outcome": OutcomeReviewForm, "event": EventReviewForm}


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=2000, error_messages={"required": "Say why: the reason is kept in the history."})


class AttachForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Dispute.objects.none(), label="Attach to",
                                    error_messages={"required": "Choose the dispute to attach it to."})

    def __init__(self, *args, dispute: Dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = self.targets().filter(country=dispute.country).exclude(pk=dispute.pk)

    @staticmethod
    def targets():
        """Disputes a candidate can join: not rejected, confirmed ones first."""
        return Dispute.objects.exclude(review_state=ReviewState.REJECTED).order_by("-review_state", "-start_date", "pk")


# Writes: the one place that calls the services -------------------------------------------


@transaction.atomic
def _decide(*, item, decision: str, user, reason: str = "", target: Dispute | None = None) -> None:
    """Apply a curator's decision. The services decide a fact's candidate quotes with it,
    and a candidate dispute's facts and reports with the dispute."""
    record = item.record
    if item.kind == "dispute":
        if decision == "accept":
            services.dispute_confirm(dispute=record, user=user, reason=reason or ACCEPTED)
        elif decision == "reject":
            services.dispute_reject(dispute=record, user=user, reason=reason)
        else:
            services.dispute_merge(source=record, target=target, user=user)
        return
    state = ReviewState.CONFIRMED if decision == "accept" else ReviewState.REJECTED
    services.review_set_state(records=[record], state=state, user=user, reason=reason or ACCEPTED)


# Helpers -------------------------------------------------------------------------------


def _item(request, kind: str, pk: int, action: str = "change"):
    """The item, once the user may take this action on its kind (403 otherwise)."""
    if kind not in review_queue.MODELS:
        raise Http404
    model = review_queue.MODELS[kind]._meta
    if not request.user.has_perm(f"disputes.{action}_{model.model_name}"):
        raise PermissionDenied
    items = review_queue.load_items(kind, [pk])
    if not items:
        raise Http404
    return items[0]


def _with_forms(items):
    """Edit and attach forms for the waiting items, their choices read in two
    queries for the whole page rather than one per form."""
    waiting = [i for i in items if i.waiting]
    outcome_disputes = {i.record.dispute_id for i in waiting if i.kind == "outcome"}
    demands = defaultdict(list)
    for demand in Demand.objects.filter(dispute_id__in=outcome_disputes).order_by("date", "pk"):
        demands[demand.dispute_id].append((demand.pk, str(demand)))
    countries = {i.record.country for i in waiting if i.kind == "dispute"}
    targets = defaultdict(list)
    if countries:
        for dispute in AttachForm.targets().filter(country__in=countries):
            targets[dispute.country].append((dispute.pk, dispute))
    for item in waiting:
        if item.kind in FACTS and item.form is None:
            item.form = FACT_FORMS[item.kind](instance=item.record, prefix=item.key)
            if item.kind == "outcome":
                item.form.fields["demand"].choices = [("", "---------"), *demands[item.record.dispute_id]]
        if item.kind == "dispute":
            item.attach_form = AttachForm(dispute=item.record, prefix=item.key)
            item.attach_form.fields["target"].choices = [("", "---------")] + [
                (pk, f"{d.title} ({d.get_review_state_display().lower()})")
                for pk, d in targets[item.record.country] if pk != item.record.pk
            ]
    return items


def _respond(request, item, *, group_pks=None):
    """The decided item (or its whole group, for a dispute), swapped in place."""
    if not request.htmx:
        return redirect(reverse("review:queue") + f"#item-{item.key}")
    if item.kind == "dispute" and item.error == "" and group_pks is not None:
        return _group(request, item, group_pks)
    _with_forms([item])
    return render(request, f"{TEMPLATE}#queue-item", {"item": item})


def _group(request, item, fact_pks):
    """A dispute's group after a decision: the dispute, the facts it carried, and
    the reports that wait now that it is confirmed."""
    items = review_queue.load_items("dispute", [item.record.pk])
    for kind, pks in fact_pks.items():
        items += review_queue.load_items(kind, pks)
    items += review_queue.items_from("report", review_queue.waiting("report").filter(dispute_id=item.record.pk))
    group = review_queue.build_groups(_with_forms(items))[0]
    return render(request, f"{TEMPLATE}#queue-group", {"group": group})


def _fact_pks(dispute) -> dict[str, list[int]]:
    return {kind: list(review_queue.waiting(kind).filter(dispute=dispute).values_list("pk", flat=True))
            for kind in FACTS}


# Views ---------------------------------------------------------------------------------


@require_GET
def queue(request):
    if not request.user.has_perm("disputes.change_dispute"):
        raise PermissionDenied
    groups = review_queue.review_queue()
    _with_forms([item for group in groups for item in group.items])
    context = {**admin.site.each_context(request), "title": "Review queue", "groups": groups,
               "counts": review_queue.waiting_counts()}
    return TemplateResponse(request, TEMPLATE, context)


@require_POST
def accept(request, kind: str, pk: int):
    item = _item(request, kind, pk)
    if not item.waiting:
        return _respond(request, item)
    if kind == "dispute" and services.dispute_drafts(item.record):
        # Drafted text is published only as the curator wrote or approved it, after a preview.
        url = reverse("admin:disputes_dispute_accept", args=[pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    group_pks = _fact_pks(item.record) if kind == "dispute" else None
    reason = ACCEPTED
    if kind in FACTS and request.POST.get("edit"):
        item.form = FACT_FORMS[kind](request.POST, instance=item.record, prefix=item.key)
        if not item.form.is_valid():
            item.error = "Correct the fields below, then accept again."
            return _respond(request, item)
        item.record = item.form.save(commit=False)
        # The curator saved the text the form showed: it is theirs now, no longer a draft.
        if getattr(item.record, "drafted_fields", None):
            item.record.drafted_fields = [f for f in item.record.drafted_fields if f not in item.form.fields]
        reason = EDITED
    try:
        _decide(item=item, decision="accept", user=request.user, reason=reason)
    except ValidationError as error:
        item.error = " ".join(error.messages) + " Open Edit, read it, and save."
        return _respond(request, item)
    return _respond(request, _reloaded(item), group_pks=group_pks)


@require_POST
def reject(request, kind: str, pk: int):
    item = _item(request, kind, pk)
    form = RejectForm(request.POST)
    if not item.waiting:
        return _respond(request, item)
    if not form.is_valid():
        item.error = form.errors["reason"][0]
        return _respond(request, item)
    group_pks = _fact_pks(item.record) if kind == "dispute" else None
    _decide(item=item, decision="reject", user=request.user, reason=form.cleaned_data["reason"])
    return _respond(request, _reloaded(item), group_pks=group_pks)


@require_POST
def attach(request, pk: int):
    item = _item(request, "dispute", pk, action="merge")
    if not item.waiting:
        return _respond(request, item)
    form = AttachForm(request.POST, dispute=item.record, prefix=item.key)
    if not form.is_valid():
        item.error = form.errors["target"][0]
        return _respond(request, item)
    item.target = form.cleaned_data["target"]
    _decide(item=item, decision="attach", user=request.user, target=item.target)
    if not request.htmx:
        return redirect("review:queue")
    return render(request, f"{TEMPLATE}#queue-attached", {"item": item, "pk": pk})


def _reloaded(item):
    return review_queue.load_items(item.kind, [item.record.pk])[0]
