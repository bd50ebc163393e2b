"""The read-only JSON API: plain views, the same filters as the pages, and a
hand-written OpenAPI description (openapi.py)."""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_safe

from disputes.models import (
    UNREVIEWED_LABEL,
    Actor,
    ActorKind,
    Demand,
    DemandType,
    Dispute,
    DisputeParty,
    Evidence,
    Outcome,
    OutcomeKind,
    Platform,
)
from disputes.vocab import COUNTRY_CHOICES
from ingestion.models import Article

from . import exports, selectors
from .forms import DisputeFilterForm
from .links import safe_href
from .openapi import PAGE_MAX, openapi_document
from .search import article_match_sql, terms


class PagingForm(forms.Form):
    # The bounds openapi.py documents. Signed-in researchers may ask for the larger page size;
    # visitors are held to settings.API_PAGE_SIZE_MAX_ANONYMOUS in _paginated.
    page = forms.IntegerField(required=False, min_value=1, max_value=PAGE_MAX)
    page_size = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page_size"].validators.append(MaxValueValidator(settings.API_PAGE_SIZE_MAX_USER))


class DisputeApiForm(PagingForm, DisputeFilterForm):
    pass


def _choice(choices):
    return forms.ChoiceField(required=False, choices=[("", "")] + list(choices))


class FactFilterForm(PagingForm):
    dispute = forms.SlugField(required=False, max_length=200)
    country = _choice(COUNTRY_CHOICES)
    platform = _choice(Platform.choices)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)


class DemandApiForm(FactFilterForm):
    demand_type = _choice(DemandType.choices)


class OutcomeApiForm(FactFilterForm):
    kind = _choice(OutcomeKind.choices)


class ActorApiForm(PagingForm):
    kind = _choice(ActorKind.choices)
    country = _choice(COUNTRY_CHOICES)
    platform = _choice(Platform.choices)


class ArticleApiForm(PagingForm):
    q = forms.CharField(required=False, max_length=200)
    dispute = forms.SlugField(required=False, max_length=200)
    outlet = forms.CharField(required=False, max_length=200)
    published_from = forms.DateField(required=False)
    published_to = forms.DateField(required=False)


def _errors(form):
    return exports.json_response({"errors": form.errors.get_json_data()}, status=400)


def _paginated(request, form, queryset, serialise):
    size = form.cleaned_data.get("page_size") or 25
    allowed = settings.API_PAGE_SIZE_MAX_USER if request.user.is_authenticated else settings.API_PAGE_SIZE_MAX_ANONYMOUS
    if size > allowed:
        return exports.json_response(
            {"errors": {"page_size": [{"message": f"At most {allowed} per page; sign in or send an API token "
                                                  "(Authorization: Bearer ...) for larger pages.", "code": "max_value"}]}},
            status=400,
        )
    page = Paginator(queryset, size).get_page(form.cleaned_data.get("page"))
    query = request.GET.copy()

    def link(number):
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return exports.json_response(
        {
            "count": page.paginator.count,
            "page": page.number,
            "page_size": size,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialise(request, item) for item in page],
        }
    )


def _actor_ref(actor):
    return None if actor is None else {"slug": actor.slug, "name": actor.name}


def _dispute_json(request, d):
    return {
        "slug": d.slug,
        "title": d.title,
        "country": d.country,
        "status": d.status,
        "start": d.start_date,
        "start_precision": d.start_precision,
        "end": d.end_date,
        "end_precision": d.end_precision,
        "summary": d.summary,
        "platforms": sorted({p.actor.platform for p in d.targets if p.actor.platform}),
        "url": request.build_absolute_uri(d.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:dispute", args=[d.slug])),
    }


def _demand_json(request, d):
    return {
        "id": d.pk,
        "dispute": d.dispute.slug,
        "country": d.dispute.country,
        "date": d.date,
        "date_precision": d.date_precision,
        "demand_type": d.demand_type,
        "made_by": _actor_ref(d.made_by),
        "made_to": _actor_ref(d.made_to),
        "platform": d.made_to.platform if d.made_to else "",
        "accounts_targeted": d.accounts_targeted,
        "items_targeted": d.items_targeted,
        "legal_basis": d.legal_basis,
        "deadline": d.deadline,
        "description": d.description,
        "penalties": [
            {"kind": p.kind, "amount": p.amount, "currency": p.currency, "description": p.description}
            for p in d.penalties.all()
        ],
    }


def _outcome_json(request, o):
    return {
        "id": o.pk,
        "dispute": o.dispute.slug,
        "country": o.dispute.country,
        "demand": o.demand_id,
        "date": o.date,
        "date_precision": o.date_precision,
        "kind": o.kind,
        "actor": _actor_ref(o.actor),
        "details": o.details,
        "accounts_withheld": o.accounts_withheld,
        "fine_amount": o.fine_amount,
        "fine_currency": o.fine_currency,
    }


def _actor_json(request, a):
    return {
        "slug": a.slug,
        "name": a.name,
        "kind": a.kind,
        "country": a.country,
        "platform": a.platform,
        "parent": a.parent.slug if a.parent else None,
        "aliases": [alias.name for alias in a.aliases.all()],
        "url": request.build_absolute_uri(reverse("disputes:actor", args=[a.slug])),
    }


def _article_json(request, a):
    payload = {
        "id": a.pk,
        "title": a.title,
        "outlet": a.outlet,
        "url": safe_href(a.canonical_url or a.url),  # consumers make links of it
        "published": a.published,
        "language": a.language,
    }
    if request.user.is_authenticated:
        # Signed-in researchers also get the unreviewed archive, labelled as such.
        payload["reviewed"] = a.reviewed
        if not a.reviewed:
            payload["label"] = UNREVIEWED_LABEL
    return payload


@require_safe
def index(request):
    links = {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in
             ("disputes", "demands", "outcomes", "actors", "articles", "openapi")}
    return exports.json_response({"name": "Standoff API", "version": "1", "endpoints": links})


@require_safe
def openapi(request):
    return exports.json_response(openapi_document(request.build_absolute_uri("/api/")))


@require_safe
def disputes(request):
    form = DisputeApiForm(request.GET)
    if not form.is_valid():
        return _errors(form)
    qs = selectors.disputes_filtered(form.cleaned_data).prefetch_related(selectors.targets_prefetch())
    return _paginated(request, form, qs, _dispute_json)


@require_safe
def dispute(request, slug):
    d = Dispute.objects.public().filter(slug=slug).prefetch_related(selectors.targets_prefetch()).first()
    if d is None:
        raise Http404("No such dispute")
    payload = _dispute_json(request, d)
    demands = d.demands.public().select_related("dispute", "made_by", "made_to")
    payload["demands"] = [_demand_json(request, x) for x in demands.prefetch_related("penalties")]
    outcomes = d.outcomes.public().select_related("dispute", "actor")
    payload["outcomes"] = [_outcome_json(request, x) for x in outcomes]
    payload["parties"] = [
        {"role": p.role, **_actor_ref(p.actor)} for p in d.party_roles.select_related("actor")
    ]
    payload["events"] = [
        {"id": e.pk, "date": e.date, "date_precision": e.date_precision, "kind": e.kind, "title": e.title,
         "description": e.description}
        for e in d.events.public()
    ]
    return exports.json_response(payload)


def _facts(model, form):
    data = form.cleaned_data
    qs = model.objects.public()
    if data["dispute"]:
        qs = qs.filter(dispute__slug=data["dispute"])
    if data["country"]:
        qs = qs.filter(dispute__country=data["country"])
    if data["date_from"]:
        qs = qs.filter(date__gte=data["date_from"])
    if data["date_to"]:
        qs = qs.filter(date__lte=data["date_to"])
    if data["platform"]:
        qs = qs.filter(
            Exists(DisputeParty.objects.filter(dispute=OuterRef("dispute"), role="targeted",
                                               actor__platform=data["platform"]))
        )
    return qs.order_by("-date", "-id")


def _fact_list(request, form_class, model, kind_field: str, related: tuple, serialise, prefetch=()):
    """One list endpoint of facts: filtered by `_facts`, then by their own kind field."""
    form = form_class(request.GET)
    if not form.is_valid():
        return _errors(form)
    qs = _facts(model, form).select_related(*related).prefetch_related(*prefetch)
    if form.cleaned_data[kind_field]:
        qs = qs.filter(**{kind_field: form.cleaned_data[kind_field]})
    return _paginated(request, form, qs, serialise)


@require_safe
def demands(request):
    return _fact_list(request, DemandApiForm, Demand, "demand_type", ("dispute", "made_by", "made_to"),
                      _demand_json, prefetch=("penalties",))


@require_safe
def outcomes(request):
    return _fact_list(request, OutcomeApiForm, Outcome, "kind", ("dispute", "actor"), _outcome_json)


@require_safe
def actors(request):
    form = ActorApiForm(request.GET)
    if not form.is_valid():
        return _errors(form)
    qs = Actor.objects.select_related("parent").prefetch_related("aliases").order_by("name", "id")
    for name in ("kind", "country", "platform"):
        if form.cleaned_data[name]:
            qs = qs.filter(**{name: form.cleaned_data[name]})
    return _paginated(request, form, qs, _actor_json)


@require_safe
def articles(request):
    form = ArticleApiForm(request.GET)
    if not form.is_valid():
        return _errors(form)
    data = form.cleaned_data
    qs = (
        Article.objects.for_user(request.user)
        .annotate(reviewed=Exists(Article.objects.public().filter(pk=OuterRef("pk"))))
        .order_by("-published", "-id")
    )
    if data["q"]:
        qs = qs.filter(pk__in=article_match_sql(data["q"])) if terms(data["q"]) else qs.none()
    if data["dispute"]:
        cited = Evidence.objects.public().filter(dispute__slug=data["dispute"])
        qs = qs.filter(pk__in=cited.values("article_id"))
    if data["outlet"]:
        qs = qs.filter(outlet=data["outlet"])
    if data["published_from"]:
        qs = qs.filter(published__gte=data["published_from"])
    if data["published_to"]:
        qs = qs.filter(published__lte=data["published_to"])
    return _paginated(request, form, qs, _article_json)

