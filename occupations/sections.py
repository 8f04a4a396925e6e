"""The parts of an occupation's page, each rendered once and cached as HTML.

Keys carry the content stamp (careers.cache), so an admin save or an import that bumps it retires
every copy. A part that depends on the viewer must put what it depends on in its key parts.
"""

import hashlib
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from careers.cache import TIMEOUT, cached_html, content_version
from careers.gating import cache_parts, gated_alternatives, plan_offers
from careers.plans import viewer_plan
from occupations.models import Occupation, SocLevel
from salaries.profile import StateTableQuery, releases_with_data, salary_section

# Enough parent links for a detailed occupation's whole SOC path (broad, minor, major, root).
GROUP_PATH = "parent__parent__parent__parent"

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


@dataclass(frozen=True)
class PageKey:
    """What a cached copy of an occupation page depends on: the content stamp and the parts."""

    occupation_id: int
    version: int
    parts: tuple
    # The query string is exactly the normalised salary table choice (or empty), so the page may
    # also be filed under the raw request: see visitor_document_key.
    canonical: bool = False

    def digest(self) -> str:
        raw = "\x1f".join(str(part) for part in (self.version, *self.parts))
        return hashlib.sha256(raw.encode()).hexdigest()


def occupation_page_key(request, slug, *, version: int | None = None) -> PageKey | None:
    """The key of the page this request asks for, or None when no occupation has this slug.

    It covers the occupation, the viewer's plan (and every plan's limit) and the salary table
    choice. A warm call costs one query, the content stamp: the plan limits and the slug's id
    are cached under it.
    """
    if version is None:
        version = content_version()
    occupation_id = _occupation_id(slug, version)
    if occupation_id is None:
        return None
    plan = viewer_plan(request.user)
    offers = plan_offers(version=version)
    salary_parts, canonical = _salary_parts(request, occupation_id, version)
    parts = (occupation_id, *cache_parts(plan, offers), *salary_parts)
    return PageKey(occupation_id, version, parts, canonical)


def occupation_page(request, key: PageKey) -> dict:
    """What the occupation page shows (title, description, breadcrumbs, content).

    The whole of it is cached under `key`; on a miss each section comes from its own cache or is
    rendered.
    """

    def render():
        occupation = Occupation.objects.select_related(GROUP_PATH).get(pk=key.occupation_id)
        groups = group_path(occupation)
        salary = salary_section(request, occupation)
        content = render_to_string(
            "occupations/_page.html",
            {
                "body": profile_body(occupation, has_salary=bool(salary)),
                "salary": salary,
                "related": related_section(occupation),
                "alternatives": alternatives_section(request, occupation),
            },
        )
        return {
            "title": page_title(occupation),
            "description": page_description(occupation),
            "breadcrumbs": [
                {"label": "Occupations", "url": reverse("occupations:list")},
                *({"label": group.title, "url": group.get_absolute_url()} for group in groups),
                {"label": occupation.title, "url": ""},
            ],
            "content": str(content),
        }

    page = dict(cached_html("occupation-page", key.parts, render, version=key.version))
    page["content"] = mark_safe(page["content"])  # noqa: S308 -- rendered by our templates
    return page


# Query-string keys the cached page already accounts for: the salary table's choice.
SHAREABLE_PARAMS = frozenset({"release", "wages", "sort"})


def visitor_document_key(request, slug: str, version: int) -> str | None:
    """Where a visitor's copy of this exact request is filed, or None if it cannot be shared.

    Looked up before anything else, so a warm visit costs the content stamp query and one cache
    read. Only canonical requests are ever filed here (see PageKey.canonical), so junk query
    strings cannot fill the cache; the plan limits need no place in the key because any change
    to them bumps the content stamp.
    """
    if request.user.is_authenticated or not set(request.GET) <= SHAREABLE_PARAMS:
        return None
    pairs = sorted(f"{name}={value}" for name, value in request.GET.items())
    raw = "\x1f".join([str(version), slug, *pairs])
    return "html:occupation-visitor:" + hashlib.sha256(raw.encode()).hexdigest()


def visitor_page_html(request, key: PageKey, render, *, document_key: str | None = None):
    """The whole HTML document for a visitor who is not logged in, rendered once and cached.

    Such visitors all get the same document (same header, no per-user token), so rendering it
    again would only repeat work; it is looked up before anything else is built. None when the
    document is personal: a logged-in viewer, a message waiting to be shown, a query string the
    cache key does not cover (the header echoes ?q=), or a page that asked for a CSRF token.
    """
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return None
    if not set(request.GET) <= SHAREABLE_PARAMS:
        return None
    cache_key = "html:occupation-document:" + key.digest()
    html = cache.get(cache_key)
    if html is None:
        html = render()
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return html
        cache.set(cache_key, html, TIMEOUT)
    if document_key and key.canonical:
        cache.set(document_key, html, TIMEOUT)
    return html


def _occupation_id(slug: str, version: int):
    """The id of the occupation with this slug, remembered per content version."""
    key = "occupation-id:" + hashlib.sha256(f"{version}\x1f{slug}".encode()).hexdigest()
    occupation_id = cache.get(key)
    if occupation_id is None:
        occupation_id = Occupation.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if occupation_id is not None:
            cache.set(key, occupation_id, TIMEOUT)
    return occupation_id


def _salary_parts(request, occupation_id, version) -> tuple[list, bool]:
    """The salary table the query string asks for, normalised as the salary section does it
    (unknown values fall back to defaults, so query-string variants cannot fill the cache), and
    whether the query string already was that normalised choice."""
    releases = releases_with_data(Occupation(pk=occupation_id), version=version)
    if not releases:
        return [], not request.GET
    query = StateTableQuery.from_params(request.GET, releases)
    normalised = {"release": query.release, "wages": query.view, "sort": query.sort}
    canonical = not query.release_unknown and all(
        len(request.GET.getlist(name)) == 1 and request.GET[name] == str(normalised.get(name))
        for name in request.GET
    )
    return [query.release, query.view, query.sort, query.release_unknown], canonical


def page_title(occupation) -> str:
    if occupation.has_profile:
        return f"{occupation.title}: what the job involves"
    if occupation.soc_code:
        return f"{occupation.title} (SOC {occupation.soc_code})"
    return occupation.title


def page_description(occupation) -> str:
    if occupation.has_profile:
        return Truncator(occupation.summary).chars(200)
    level = occupation.get_level_display().lower() if occupation.level else "occupation"
    code = f", SOC {occupation.soc_code}" if occupation.soc_code else ""
    return (
        f"{occupation.title}{code}: {level} in the U.S. Standard Occupational Classification, "
        "with official BLS figures where they are published."
    )


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
        return render_to_string("occupations/_classification.html", context)

    return mark_safe(cached_html("occupation-body", [occupation.pk, has_salary], render))  # noqa: S308


def related_section(occupation) -> str:
    """For an occupation with neither a written profile nor occupations under it: the others in
    its group, shown after its figures so that a reader can move sideways."""
    if occupation.has_profile or occupation.parent_id is None:
        return ""
    siblings = list(occupation.parent.children.exclude(pk=occupation.pk).order_by("soc_code"))
    if not siblings or occupation.children.exists():
        return ""
    return render_to_string(
        "occupations/_related.html", {"occupation": occupation, "siblings": siblings}
    )


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
