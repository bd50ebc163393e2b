"""The site's URLs plus the trivial view that the page benchmark compares against."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html lang=\"en\"><head><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1><p>Hello, {{ name }}.</p></body></html>"
)


def trivial(request):
    return HttpResponse(_TEMPLATE.render({"title": "Trivial", "name": "researcher"}, request))


urlpatterns = [
    path("__bench__/trivial/", trivial),
    path("", include("config.urls")),
]
