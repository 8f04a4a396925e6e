from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string

from careers.cache import content_version
from occupations.models import Occupation
from occupations.sections import (
    occupation_page,
    occupation_page_key,
    visitor_document_key,
    visitor_page_html,
)


def occupation_by_code(request, code):
    occupation = get_object_or_404(Occupation, soc_code=code)
    url = occupation.get_absolute_url()
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


def occupation_detail(request, slug):
    version = content_version()
    document_key = visitor_document_key(request, slug, version)
    if document_key and not len(messages.get_messages(request)):
        html = cache.get(document_key)
        if html is not None:
            return HttpResponse(html)
    key = occupation_page_key(request, slug, version=version)
    if key is None:
        raise Http404("No occupation has this address.")
    html = visitor_page_html(
        request,
        key,
        lambda: render_to_string("occupations/detail.html", occupation_page(request, key), request),
        document_key=document_key,
    )
    if html is not None:
        return HttpResponse(html)
    return render(request, "occupations/detail.html", occupation_page(request, key))
