"""The written profile keeps the plans' gating in its prose too: an alternative a plan does not
unlock is not named anywhere on that plan's page, in a link or in a sentence."""

import pytest
from django.test import Client

from careers.models import Plan, PlanOffer, User
from occupations.models import Occupation

PROFILE = "medical-records-specialist"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def viewer(plan):
    client = Client()
    if plan is not None:
        client.force_login(User.objects.create_user(f"{plan}@example.com", "x", plan=plan))
    return client


@pytest.mark.parametrize(
    ("plan", "limit_of"),
    [(None, Plan.FREE), (Plan.FREE, Plan.FREE), (Plan.BASIC, Plan.BASIC), (Plan.PREMIUM, None)],
    ids=["visitor", "free", "basic", "premium"],
)
def test_no_alternative_locked_for_the_plan_is_named_on_its_profile_page(db, plan, limit_of):
    profile = Occupation.objects.get(slug=PROFILE)
    titles = [
        link.alternative.title
        for link in profile.alternatives.select_related("alternative").order_by("position", "id")
    ]
    limit = PlanOffer.objects.get(plan=limit_of).alternatives_limit if limit_of else None
    unlocked, locked = titles[:limit], titles[limit:] if limit is not None else []

    response = viewer(plan).get(profile.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode().lower()
    assert unlocked and all(title.lower() in page for title in unlocked)
    named = [title for title in locked if title.lower() in page]
    assert named == [], f"named on the {plan or 'visitor'} page though locked: {named}"
