from django.contrib import admin
from django.urls import path

from . import review_views

app_name = "review"

# Inside the admin: its login, its staff check and its look.
urlpatterns = [
    path("", admin.site.admin_view(review_views.queue), name="queue"),
    path("<str:kind>/<int:pk>/accept/", admin.site.admin_view(review_views.accept), name="accept"),
    path("<str:kind>/<int:pk>/reject/", admin.site.admin_view(review_views.reject), name="reject"),
    path("dispute/<int:pk>/attach/", admin.site.admin_view(review_views.attach), name="attach"),
]
