from django.shortcuts import get_object_or_404, redirect, render

from occupations.models import Occupation


def occupation_list(request):
    profiles = Occupation.objects.with_profile().order_by("title")
    return render(request, "occupations/list.html", {"profiles": profiles})


def occupation_by_code(request, code):
    occupation = get_object_or_404(Occupation, soc_code=code)
    url = occupation.get_absolute_url()
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


def occupation_detail(request, slug):
    occupation = get_object_or_404(Occupation.objects.for_profile_page(), slug=slug)
    return render(request, "occupations/detail.html", {"occupation": occupation})
