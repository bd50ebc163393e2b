from django.contrib import admin
from django.urls import include, path

from config.health import health

admin.site.site_header = "Standoff curation"
admin.site.site_title = "Standoff"
admin.site.index_title = "Curate disputes, actors and evidence"
admin.site.index_template = "admin/standoff_index.html"

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/review/", include("disputes.admin.review_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("disputes.site.api_urls")),
    path("", include("disputes.site.urls")),
]
