"""bench/pages.py's URLconf: the site's URLs, and a bare view the pages are compared with."""

from django.http import HttpResponse
from django.urls import path

from lms.urls import urlpatterns as site_urlpatterns


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("_bench/ok", ok, name="bench_ok"), *site_urlpatterns]
