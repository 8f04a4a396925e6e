from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string

from occupations.models import Occupation
from occupations.sections import occupation_page, visitor_page_html


def occupation_by_code(request, code):
    occupation = get_object_or_404(Occupation, soc_code=code)
    url = occupation.get_absolute_url()
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


def occupation_detail(request, slug):
    page = occupation_page(request, slug)
    if page is None:
        raise Http404("No occupation has this address.")
    html = visitor_page_html(
        request, page, lambda: render_to_string("occupations/detail.html", page, request)
    )
    if html is not None:
        return HttpResponse(html)
    return render(request, "occupations/detail.html", page)
