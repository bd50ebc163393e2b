from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Standoff curation"
admin.site.site_title = "Standoff"
admin.site.index_title = "Curate disputes, actors and evidence"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("disputes.urls")),
]
