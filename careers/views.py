"""Views of the kernel that know nothing of occupations or wages: health, robots.txt, the
favicon, errors."""

from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /accounts/", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


# The site's icon, as base.html links it.
FAVICON = "img/favicon.svg"


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers and crawlers ask for whatever the page links: the icon's
    static address. Not permanent: that address carries the file's hash, which changes with it."""
    return HttpResponseRedirect(static(FAVICON))


def bad_request(request, exception):
    # The site's page rather than Django's bare one. And not Django's view, whose CSRF decorator
    # reads request.POST: when the body was the trouble, reading it again can raise again.
    return render(request, "400.html", status=400)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the failure may be the database they would query.
    return HttpResponse(render_to_string("500.html"), status=500)
