"""Curating actors: aliases, merges and redirects."""

from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..models import Actor, ActorAlias, ActorRedirect
from .common import (
    HTTP_URL_FIELDS,
    CountryFilter,
    MergeMixin,
    ReadOnlyRedirectAdmin,
    RowErrorsMixin,
)


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


@admin.register(ActorAlias)
class ActorAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "actor"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]
    list_select_related = ["actor"]


@admin.register(ActorRedirect)
class ActorRedirectAdmin(ReadOnlyRedirectAdmin):
    list_display = ["old_slug", "actor", "created_at"]
    search_fields = ["old_slug", "actor__slug"]
