"""Views of the kernel that know nothing of occupations or wages: health, robots.txt, errors."""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache


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


def bad_request(request, exception):
    # The site's page rather than Django's bare one. And not Django's view, whose CSRF decorator
    # reads request.POST: when the body was the trouble, reading it again can raise again.
    return render(request, "400.html", status=400)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the failure may be the database they would query.
    return HttpResponse(render_to_string("500.html"), status=500)
