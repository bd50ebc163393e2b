from django.urls import path, re_path

from . import syndication, views

app_name = "disputes"

urlpatterns = [
    path("", views.home, name="home"),
    path("ingestion-health/", views.ingestion_health, name="ingestion-health"),
    path("disputes/", views.dispute_list, name="list"),
    re_path(r"^disputes/export\.(?P<fmt>csv|json)$", views.dispute_export, name="list-export"),
    path("disputes/<slug:slug>/", views.dispute_detail, name="detail"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("platforms/<slug:platform>/", views.platform_detail, name="platform"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor"),
    path("compare/", views.compare, name="compare"),
    re_path(r"^compare/export\.(?P<fmt>csv|json)$", views.compare, name="compare-export"),
    path("search/", views.search, name="search"),
    path("account/", views.account, name="account"),
    path("account/tokens/", views.token_create, name="token-create"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    re_path(r"^search/export\.(?P<fmt>csv|json)$", views.search_export, name="search-export"),
    path("feeds/events/", syndication.EventFeed(), name="feed"),
    path("feeds/countries/<str:code>/", syndication.CountryEventFeed(), name="feed-country"),
    path("feeds/platforms/<slug:platform>/", syndication.PlatformEventFeed(), name="feed-platform"),
]
