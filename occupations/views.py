from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from occupations.models import Occupation
from occupations.sections import alternatives_section, group_path, profile_body
from salaries.profile import salary_section

# Enough parent links for a detailed occupation's whole SOC path (broad, minor, major, root).
GROUP_PATH = "parent__parent__parent__parent"


def occupation_list(request):
    profiles = Occupation.objects.with_profile().order_by("title")
    breadcrumbs = [{"label": "Occupations", "url": ""}]
    return render(
        request, "occupations/list.html", {"profiles": profiles, "breadcrumbs": breadcrumbs}
    )


def occupation_by_code(request, code):
    occupation = get_object_or_404(Occupation, soc_code=code)
    url = occupation.get_absolute_url()
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


def occupation_detail(request, slug):
    occupation = get_object_or_404(Occupation.objects.select_related(GROUP_PATH), slug=slug)
    groups = group_path(occupation)
    salary = salary_section(request, occupation)
    breadcrumbs = [
        {"label": "Occupations", "url": reverse("occupations:list")},
        *({"label": group.title, "url": group.get_absolute_url()} for group in groups),
        {"label": occupation.title, "url": ""},
    ]
    context = {
        "occupation": occupation,
        "breadcrumbs": breadcrumbs,
        "body": profile_body(occupation, has_salary=bool(salary)),
        "salary": salary,
        "alternatives": alternatives_section(request, occupation),
    }
    return render(request, "occupations/detail.html", context)
