"""An occupation's page: what a request asks for, what the page shows, and how it is cached.

A request is parsed once into a ProfileRequest (validated values only). The page is then:
1. for a visitor who is not logged in, the whole HTML document of exactly this request, cached
   under the content version (one cache read, after the one query that reads the version);
2. otherwise the page's content for (occupation, plan, salary table choice), cached under the
   version (cached_fragment), inside a document rendered for this viewer;
3. on a miss, profile_context(): plain values in, the template context out, rendered by
   templates/occupations/_page.html and the templates it includes.
Every part of the key is a validated value (an occupation id, a plan, a known release, view and
sort), so query-string variants cannot fill the cache.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.urls import reverse
from django.utils.text import Truncator

from careers.cache import cache_key, cached, cached_fragment
from careers.models import Plan
from careers.pages.alternatives import gated_alternatives
from careers.plans import plan_offers, viewer_plan
from occupations.models import Occupation, SocLevel
from salaries.sections import PARAMETERS as SALARY_PARAMETERS
from salaries.sections import StateTableQuery, releases_with_data, salary_section

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


def occupation_id(slug: str, *, version: int) -> int | None:
    """The id of the occupation with this slug, remembered per version. Only a slug that was
    found is stored (cached() never stores None), so unknown slugs leave nothing behind."""
    return cached(
        "pages:occupation-id",
        slug,
        version=version,
        compute=lambda: Occupation.objects.filter(slug=slug).values_list("pk", flat=True).first(),
    )


@dataclass(frozen=True)
class ProfileRequest:
    """What one request for an occupation's page asks for, validated."""

    occupation_id: int
    plan: Plan
    salary: StateTableQuery | None
    releases: tuple
    # The query string is exactly the normalised salary choice: a copy of the page may also be
    # filed under the raw request (see document_key).
    canonical: bool

    @classmethod
    def parse(cls, *, slug: str, params, user, version: int) -> "ProfileRequest | None":
        """None when no occupation has this slug."""
        pk = occupation_id(slug, version=version)
        if pk is None:
            return None
        releases = tuple(releases_with_data(pk, version=version))
        salary = StateTableQuery.from_params(params, releases) if releases else None
        canonical = salary.is_exactly(params) if salary else not params
        return cls(pk, viewer_plan(user), salary, releases, canonical)

    def key_parts(self) -> tuple:
        salary = self.salary.key_parts() if self.salary else ()
        return (self.occupation_id, self.plan, *salary)


def shareable(request) -> bool:
    """Whether this request's whole document is the same for everybody who asks it: a visitor
    who is not logged in, with no message waiting, asking only for a salary table choice (the
    header echoes ?q=, so any other parameter makes the document personal)."""
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return False
    return set(request.GET) <= SALARY_PARAMETERS


def document_key(slug: str, params, *, version: int) -> str:
    """Where a visitor's copy of exactly this request is filed. Looked up before anything else
    is built; a copy is only ever stored for a canonical request of a known occupation (see
    page_document), so junk slugs and query strings are looked up but never stored."""
    pairs = sorted(f"{name}={value}" for name, value in params.items())
    raw = "\x1f".join([slug, *pairs])
    return cache_key("pages:occupation-document", raw, version=version)


def page(page_request: ProfileRequest, *, version: int):
    """The page's content (a Fragment whose meta holds title, description and breadcrumbs)."""
    return cached_fragment(
        "pages:occupation",
        *page_request.key_parts(),
        version=version,
        template="occupations/_page.html",
        context=lambda: profile_context(page_request, version=version),
    )


def profile_context(page_request: ProfileRequest, *, version: int) -> dict:
    """Everything the page shows, from plain values: a fixed number of queries whatever the
    plan, the number of states, skills or alternatives."""
    occupation = (
        Occupation.objects.for_profile_page()
        .select_related(GROUP_PATH)
        .get(pk=page_request.occupation_id)
    )
    groups = group_path(occupation)
    salary = None
    if page_request.salary is not None:
        salary = salary_section(occupation, page_request.salary, page_request.releases)
    context = {
        "occupation": occupation,
        "groups": groups,
        "salary": salary,
        "has_salary": salary is not None,
        "alternatives": None,
        "siblings": [],
        "children": [],
        "meta": {
            "title": page_title(occupation),
            "description": page_description(occupation),
            "breadcrumbs": [
                {"label": "Occupations", "url": reverse("occupations:list")},
                *({"label": g.title, "url": g.get_absolute_url()} for g in groups),
                {"label": occupation.title, "url": ""},
            ],
        },
    }
    if occupation.has_alternatives:
        gated = gated_alternatives(
            occupation=occupation, plan=page_request.plan, offers=plan_offers(version=version)
        )
        context["alternatives"] = gated if gated.total else None
    if not occupation.has_profile:
        context["intro"] = CLASSIFICATION_INTROS.get(occupation.level, "")
        context["children"] = list(occupation.children.order_by("soc_code"))
        if occupation.parent_id is not None and not context["children"]:
            # Neither a written profile nor occupations under it: the others in its group,
            # after its figures, so that a reader can move sideways.
            context["siblings"] = list(
                occupation.parent.children.exclude(pk=occupation.pk).order_by("soc_code")
            )
    return context


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
