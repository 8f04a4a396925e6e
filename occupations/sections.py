"""The parts of an occupation's page, each rendered once and cached as HTML.

Keys carry the content stamp (careers.cache), so an admin save or an import that bumps it retires
every copy. A part that depends on the viewer must put what it depends on in its key parts.
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from careers.cache import cached_html
from careers.gating import cache_parts, gated_alternatives, plan_offers
from careers.plans import viewer_plan
from occupations.models import Occupation, SocLevel

SOC = (
    "the Standard Occupational Classification (SOC), the system U.S. statistical agencies use "
    "to sort jobs"
)
# The opening sentence of the page of an occupation or group that has no written profile.
CLASSIFICATION_INTROS = {
    SocLevel.TOTAL: f"Every occupation in {SOC}, divided into the major groups below.",
    SocLevel.MAJOR: f"A major group of {SOC}. It is divided into the groups below.",
    SocLevel.MINOR: f"A minor group of {SOC}. It is divided into the occupations below.",
    SocLevel.BROAD: f"A broad occupation of {SOC}. It covers the detailed occupations below.",
    SocLevel.DETAILED: f"A detailed occupation of {SOC}. There is no written career profile "
    "for it yet.",
}


def profile_body(occupation, *, has_salary: bool) -> str:
    """The page's heading and every section except salaries and alternatives.

    `has_salary` only decides whether the table of contents links to the salary section.
    """

    def render():
        full = Occupation.objects.for_profile_page().get(pk=occupation.pk)
        context = {
            "occupation": full,
            "groups": group_path(occupation),
            "has_salary": has_salary,
        }
        if full.has_profile:
            return render_to_string("occupations/_profile.html", context)
        context["intro"] = CLASSIFICATION_INTROS.get(full.level, "")
        context["children"] = list(full.children.order_by("soc_code"))
        if not context["children"] and full.parent_id:
            context["siblings"] = list(
                full.parent.children.exclude(pk=full.pk).order_by("soc_code")
            )
        return render_to_string("occupations/_classification.html", context)

    return mark_safe(cached_html("occupation-body", [occupation.pk, has_salary], render))  # noqa: S308


def alternatives_section(request, occupation) -> str:
    """HTML of the "Alternative occupations" section (id="alternatives"); "" if there are none.

    Gated by the viewer's plan (careers.gating): only the alternatives the plan shows are fetched,
    and the cached copy is keyed by the plan and every plan's current limit, so a copy made for
    one plan is never served to another and a limit changed in admin applies on the next request.
    """
    plan = viewer_plan(request.user)
    offers = plan_offers()

    def render():
        gated = gated_alternatives(occupation=occupation, plan=plan, offers=offers)
        if not gated.total:
            return ""
        return render_to_string(
            "occupations/_alternatives.html",
            {"occupation": occupation, "gated": gated, "alternatives": gated.shown},
        )

    parts = [occupation.pk, *cache_parts(plan, offers)]
    return mark_safe(cached_html("occupation-alternatives", parts, render))  # noqa: S308


def group_path(occupation) -> list:
    """The SOC groups above this occupation, broadest first, without the all-occupations root.

    Reads only `parent` links, which the page's query fetches with select_related.
    """
    groups = []
    parent = occupation.parent
    # SOC has four levels below the root; the bound guards against a loop made in admin.
    while parent is not None and len(groups) < 5:
        if parent.level != SocLevel.TOTAL:
            groups.append(parent)
        parent = parent.parent
    return groups[::-1]
