"""The views of the pages layer: thin, each parses its request and hands plain values down.

home, an occupation's page (and its SOC-code address), search and browse. Their builders live
beside them: profile.py, alternatives.py, browse.py; the URLs in urls.py.
"""

from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from careers.cache import TIMEOUT, content_version
from careers.pages import browse, profile
from occupations.models import Occupation, SocLevel
from occupations.search import search as run_search
from salaries.queries import us_wage_columns, us_wage_of

SEARCH_EXAMPLES = ["medical coder", "RHIT", "29-2072", "registered nurse", "electrician"]


def home(request):
    profiles = list(
        Occupation.objects.with_profile()
        .annotate(alternative_count=Count("alternatives"))
        .order_by("title")
    )
    # The fullest profile leads: the one that points readers to the most alternatives.
    featured = max(profiles, key=lambda p: p.alternative_count, default=None)
    others = [item for item in profiles if item is not featured]
    return render(request, "home.html", {"featured": featured, "profiles": others})


def occupation_by_code(request, code):
    occupation = get_object_or_404(Occupation, soc_code=code)
    url = occupation.get_absolute_url()
    # A group's page is its browse page, where a profile's query string means nothing.
    if request.META.get("QUERY_STRING") and not occupation.is_soc_group:
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


def occupation_detail(request, slug):
    version = content_version(request)
    shareable = profile.shareable(request)
    document_key = profile.document_key(slug, request.GET, version=version) if shareable else None
    if document_key:
        html = cache.get(document_key)
        if html is not None:
            return HttpResponse(html)
    page_request = profile.ProfileRequest.parse(
        slug=slug, params=request.GET, user=request.user, version=version
    )
    if page_request is None:
        raise Http404("No occupation has this address.")
    context = {"page": profile.page(page_request, version=version)}
    html = render_to_string("occupations/detail.html", context, request)
    # A visitor's document is the same for every visitor unless rendering it asked for a CSRF
    # token (a form in it), which is personal.
    if document_key and page_request.canonical and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        cache.set(document_key, html, TIMEOUT)
    return HttpResponse(html)


def search(request):
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    outcome = run_search(
        request.GET.get("q", ""),
        page,
        version=content_version(request),
        columns=us_wage_columns("p"),
    )
    names = [result.columns.get("release_name") for result in outcome.results]
    base = f"{reverse('search:results')}?{urlencode({'q': outcome.query.text})}"
    return render(
        request,
        "occupations/search.html",
        {
            "query": outcome.query.text,
            "outcome": outcome,
            "results": [(result, us_wage_of(result.columns)) for result in outcome.results],
            "release_name": next((name for name in names if name), ""),
            "previous_url": f"{base}&page={outcome.page - 1}" if outcome.page > 1 else "",
            "next_url": (
                f"{base}&page={outcome.page + 1}" if outcome.page < outcome.num_pages else ""
            ),
            "examples": SEARCH_EXAMPLES,
        },
    )


def browse_index(request):
    return render(request, "occupations/browse.html", browse.browse_index(request.GET))


def group_page(request, code):
    group = browse.major_group(code)
    if group is None:
        raise Http404("No SOC group has this code.")
    if group.level != SocLevel.MAJOR:
        # Minor and broad groups are shown as a filter of their major group's page.
        return redirect(browse.filtered_group_url(code, request.GET), permanent=True)
    return render(request, "occupations/browse_group.html", browse.group_page(group, request.GET))


def occupation_page(request, slug):
    """/occupations/<slug>/. A SOC group has one page, its browse page (the richer one: its
    groups, its occupations with filters and sorting), so the group's slug address redirects
    there for good; the query string of a profile (release, salary table) means nothing there.
    Anything else is an occupation's page."""
    target = browse.group_address(slug, version=content_version(request))
    if target:
        return redirect(target, permanent=True)
    return occupation_detail(request, slug)
