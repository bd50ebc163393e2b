from django.urls import path

from . import views

app_name = "disputes"

urlpatterns = [
    path("", views.home, name="home"),
    path("disputes/", views.dispute_list, name="list"),
    path("disputes/<slug:slug>/", views.dispute_detail, name="detail"),
    path("platforms/<slug:platform>/", views.platform_detail, name="platform"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor"),
]
