from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("", api.index, name="index"),
    path("openapi.json", api.openapi, name="openapi"),
    path("disputes/", api.disputes, name="disputes"),
    path("disputes/<slug:slug>/", api.dispute, name="dispute"),
    path("demands/", api.demands, name="demands"),
    path("outcomes/", api.outcomes, name="outcomes"),
    path("actors/", api.actors, name="actors"),
    path("articles/", api.articles, name="articles"),
]
