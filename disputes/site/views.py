"""The researcher pages. Each view validates its query with a form, asks a
selector and renders; HTMX requests get only the partial they swap."""

from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from disputes.models import Actor, ActorRedirect, ApiToken, Dispute, DisputeRedirect, Platform
from disputes.vocab import COUNTRY_CODES, country_name

from . import exports, selectors, tokens
from .caching import cached, data_version, lazy_items
from .forms import CompareForm, DisputeFilterForm, PageForm, SearchForm, TimelineForm
from .links import safe_href
from .search import MARK_END, MARK_START
from .search import search as full_text_search
from .tokens import export_limit

PER_PAGE = 25


def _partial(request, template: str, partial: str) -> str:
    """The partial for an HTMX swap; the whole page otherwise (and when htmx
    restores history it did not cache, it needs the whole page)."""
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{partial}"
    return template


def _bad_request(request, template: str, context: dict):
    return render(request, template, context, status=400)


# Home ---------------------------------------------------------------------------------------------


@require_safe
def home(request):
    def load():
        return {"figures": selectors.home_figures(), "latest": selectors.latest_facts(10)}

    context = {
        # Figures and the latest events are a cached template fragment keyed by this
        # version (rendering the events was most of a warm request): on a hit their data is
        # never loaded.
        "data_version": data_version(),
        **lazy_items(("figures", "latest"), load),
    }
    return render(request, "disputes/home.html", context)


@require_safe
@staff_member_required
@vary_on_headers("HX-Request")
def ingestion_health(request):
    template = _partial(request, "disputes/ingestion_health.html", "health-panel")
    return render(request, template, {"health": selectors.ingestion_health()})


# Disputes list -----------------------------------------------------------------------------------


class _CachedCountPaginator(Paginator):
    """Counting a filtered list is most of its cost; the count is cached per
    filter and data version like the rows' fragment. `object_list` may be a
    lazy object: when both count and rows come from the cache, the queryset is
    never even built."""

    def __init__(self, *args, key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._key = key

    def _check_object_list_is_ordered(self):
        pass  # every list here is ordered; checking would build a lazy queryset

    @cached_property
    def count(self):
        return cached("dispute-count", lambda: self.object_list.count(), key=self._key)

    def page(self, number):
        # The page's rows are sliced lazily: when they come from a cached fragment, building
        # the filtered queryset (a third of a warm list request) is skipped too.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(SimpleLazyObject(lambda: self.object_list[bottom:top]), number, self)


def _filter_form(request) -> DisputeFilterForm:
    return DisputeFilterForm(
        request.GET,
        countries=cached("countries", selectors.countries_with_disputes),
        topics=cached("topics", selectors.topic_choices),
    )


@require_safe
@vary_on_headers("HX-Request")
def dispute_list(request):
    form = _filter_form(request)
    template = _partial(request, "disputes/dispute_list.html", "dispute-browser")
    if not form.is_valid():
        return _bad_request(request, template, {"form": form, "filters": form.fields_html(), "page": None})
    disputes = SimpleLazyObject(
        lambda: selectors.disputes_filtered(form.cleaned_data).prefetch_related(selectors.targets_prefetch())
    )
    query = request.GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    page = _CachedCountPaginator(disputes, PER_PAGE, key=query).get_page(form.cleaned_data.get("page"))
    context = {
        "form": form,
        # The filter menus depend only on the query and on the data (which countries and
        # topics have disputes): rendered once per data version.
        "filters": cached("dispute-filters", form.fields_html, key=query),
        "page": page,
        "query": query,
        "data_version": data_version(),
    }
    return render(request, template, context)


@require_safe
def dispute_export(request, fmt):
    form = DisputeFilterForm(request.GET)
    if not form.is_valid():
        return exports.json_response({"errors": form.errors.get_json_data()}, status=400)
    limit = export_limit(request)
    matching = selectors.disputes_filtered(form.cleaned_data)
    truncated = matching.count() > limit
    disputes = matching.prefetch_related(selectors.targets_prefetch())[:limit].iterator(chunk_size=2000)
    absolute = request.build_absolute_uri
    if fmt == "csv":
        response = exports.csv_response("disputes.csv", exports.DISPUTE_HEADER, exports.dispute_rows(disputes, absolute))
    else:
        rows = [exports.dispute_dict(d, absolute) for d in disputes]
        response = exports.json_response(
            {"filters": form.filter_data(), "count": len(rows), "truncated": truncated, "limit": limit, "disputes": rows},
            filename="disputes.json",
        )
    # Visitors get the first `limit` rows; signing in raises the limit.
    response["X-Export-Limit"] = str(limit)
    response["X-Export-Truncated"] = "true" if truncated else "false"
    return response


# Dispute page ------------------------------------------------------------------------------------


def _get_dispute(slug: str) -> Dispute | str:
    """The confirmed dispute at this address, or the address it moved to."""
    dispute = Dispute.objects.public().filter(slug=slug).first()
    if dispute is not None:
        return dispute
    moved = DisputeRedirect.objects.filter(old_slug=slug).select_related("dispute").first()
    if moved is not None:
        return moved.dispute.get_absolute_url()
    raise Http404("No such dispute")


@require_safe
@vary_on_headers("HX-Request")
def dispute_detail(request, slug):
    dispute = _get_dispute(slug)
    if isinstance(dispute, str):
        return redirect(dispute, permanent=True)
    form = TimelineForm({"kind": request.GET.get("kind", "")})
    kind = form.cleaned_data["kind"] if form.is_valid() else ""

    def load():
        data = cached("dispute-page", selectors.dispute_page, dispute, key=str(dispute.pk))
        if kind:
            data = {**data, "timeline": [entry for entry in data["timeline"] if entry.kind == kind]}
        return data

    context = {
        "dispute": dispute,
        "timeline_form": form,
        "kind": kind,
        "permalink": request.build_absolute_uri(dispute.get_absolute_url()),
        # The body is a cached template fragment keyed by this version: on a hit
        # its data is never loaded.
        "data_version": data_version(),
        **lazy_items(selectors.DISPUTE_PAGE_KEYS, load),
    }
    status = 200 if form.is_valid() else 400
    return render(request, _partial(request, "disputes/dispute_detail.html", "timeline"), context, status=status)


# Country, platform, actor ---------------------------------------------------------------------


def _disputes_page(request, disputes, key: str):
    form = PageForm(request.GET)
    number = form.cleaned_data["page"] if form.is_valid() else 1
    paginator = _CachedCountPaginator(disputes.prefetch_related(selectors.targets_prefetch()), PER_PAGE, key=key)
    return paginator.get_page(number)


@require_safe
@vary_on_headers("HX-Request")
def country_detail(request, code):
    if code.upper() not in COUNTRY_CODES:
        raise Http404("No such country")
    if code != code.upper():
        return redirect("disputes:country", code=code.upper(), permanent=True)
    page = _disputes_page(request, Dispute.objects.public().for_country(code), key=f"country:{code}")
    template = _partial(request, "disputes/country_detail.html", "dispute-page")

    def load():
        return {
            **cached("country", selectors.country_overview, code),
            "figures": cached("country-figures", selectors.figures_for_country, code),
        }

    context = {
        "code": code,
        "name": country_name(code),
        "page": page,
        "data_version": data_version(),
        # Figures and charts are cached template fragments keyed by this
        # version: on a hit their data is never loaded.
        **({} if request.htmx else lazy_items(selectors.COUNTRY_PAGE_KEYS, load)),
    }
    return render(request, template, context)


@require_safe
@vary_on_headers("HX-Request")
def platform_detail(request, platform):
    if platform not in Platform.values:
        raise Http404("No such platform")
    disputes = Dispute.objects.public().for_platform(platform).order_by("-start_date", "title")
    page = _disputes_page(request, disputes, key=f"platform:{platform}")
    template = _partial(request, "disputes/platform_detail.html", "dispute-page")
    context = {
        "platform": platform,
        "name": dict(Platform.choices)[platform],
        "page": page,
        "data_version": data_version(),
        **({} if request.htmx else cached("platform", selectors.platform_overview, platform)),
        "figures": None if request.htmx else cached("platform-figures", selectors.figures_for_platform, platform),
    }
    return render(request, template, context)


@require_safe
def actor_detail(request, slug):
    if slug.isdigit():
        actor = get_object_or_404(Actor, pk=int(slug))
        return redirect("disputes:actor", slug=actor.slug, permanent=True)
    actor = Actor.objects.filter(slug=slug).select_related("parent").first()
    if actor is None:
        moved = get_object_or_404(ActorRedirect.objects.select_related("actor"), old_slug=slug)
        return redirect(moved.actor.get_absolute_url(), permanent=True)
    return render(request, "disputes/actor_detail.html", {"actor": actor, **selectors.actor_overview(actor)})


# Compare and search ---------------------------------------------------------------------------


@require_safe
@vary_on_headers("HX-Request")
def compare(request, fmt=""):
    form = CompareForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, "disputes/compare.html", {"form": form})
    matrix = cached("compare", selectors.compare_matrix)
    if fmt:
        return _compare_export(fmt, matrix)
    metric = form.cleaned_data["metric"] or "disputes"
    template = _partial(request, "disputes/compare.html", "matrix")
    return render(request, template, {"form": form, "metric": metric, **matrix})


def _compare_export(fmt, matrix):
    header = ["country", "platform", "disputes", "demands", "answered", "complied"]
    rows = [
        [code, platform, cell.disputes, cell.demands, cell.answered, cell.complied]
        for code, _, cells in matrix["rows"]
        for (platform, _), cell in zip(matrix["platforms"], cells)
        if cell is not None
    ]
    if fmt == "csv":
        return exports.csv_response("compare.csv", header, rows)
    return exports.json_response({"cells": [dict(zip(header, row)) for row in rows]}, filename="compare.json")


SEARCH_PER_PAGE = 20


@require_safe
@vary_on_headers("HX-Request")
def search(request):
    form = SearchForm(request.GET)
    template = _partial(request, "disputes/search.html", "results")
    if not form.is_valid():
        return _bad_request(request, template, {"form": form})
    q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    number = form.cleaned_data["page"] or 1
    offset = (number - 1) * SEARCH_PER_PAGE
    results = {}
    for section in ("dispute", "article"):
        if kind in ("", section):
            limit = SEARCH_PER_PAGE if kind else 5 if section == "dispute" else 10
            total, hits = full_text_search(
                section, q, limit=limit, offset=offset if kind else 0, archive=request.user.is_authenticated
            )
            results[section] = {"total": total, "hits": hits}
    context = {"form": form, "q": q, "kind": kind, "results": results, "page_number": number,
               "per_page": SEARCH_PER_PAGE}
    return render(request, template, context)


SEARCH_EXPORT_LIMIT = 1000
SEARCH_HEADER = ["kind", "rank", "title", "url", "country_or_outlet", "date", "snippet"]


@require_safe
def search_export(request, fmt):
    """The hits of a search (the best SEARCH_EXPORT_LIMIT of each kind)."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return exports.json_response({"errors": form.errors.get_json_data()}, status=400)
    q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    rows = []
    for section in ("dispute", "article"):
        if kind in ("", section):
            _, hits = full_text_search(section, q, limit=SEARCH_EXPORT_LIMIT, archive=request.user.is_authenticated)
            for hit in hits:
                obj = hit.obj
                if section == "dispute":
                    url, where, date = request.build_absolute_uri(obj.get_absolute_url()), obj.country, obj.start_date
                else:
                    url, where, date = safe_href(obj.canonical_url or obj.url), obj.outlet, obj.published
                snippet = hit.snippet_raw.replace(MARK_START, "").replace(MARK_END, "")
                rows.append([section, round(hit.rank, 4), obj.title, url, where, date, snippet])
    if fmt == "csv":
        return exports.csv_response("search.csv", SEARCH_HEADER, rows)
    return exports.json_response(
        {"q": q, "kind": kind, "results": [dict(zip(SEARCH_HEADER, row)) for row in rows]}, filename="search.json"
    )


# Account: API tokens ---------------------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is it for?")


def _account(request, *, form=None, new_key="", status=200):
    context = {
        "tokens": ApiToken.objects.filter(user=request.user),
        "form": form or TokenForm(),
        "new_key": new_key,
        "limits": {
            "export": settings.EXPORT_LIMIT_USER,
            "export_anonymous": settings.EXPORT_LIMIT_ANONYMOUS,
            "page": settings.API_PAGE_SIZE_MAX_USER,
        },
    }
    template = _partial(request, "disputes/account.html", "token-list")
    return render(request, template, context, status=status)


@login_required
@require_safe
def account(request):
    return _account(request)


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _account(request, form=form, status=400)
    try:
        _, key = tokens.token_create(user=request.user, name=form.cleaned_data["name"])
    except ValueError as exc:
        form.add_error(None, str(exc))
        return _account(request, form=form, status=400)
    return _account(request, new_key=key)


@login_required
@require_POST
def token_revoke(request, token_id):
    # Only the owner's own active tokens: anyone else's id is simply not found.
    if not tokens.token_revoke(user=request.user, token_id=token_id):
        raise Http404("No such token")
    return _account(request) if request.htmx else redirect("disputes:account")
