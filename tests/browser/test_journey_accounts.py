"""A visitor signs up by an emailed link, sees the Free plan's alternatives, is upgraded by staff
in the admin, and sees every alternative on the next visit."""

import re

from django.core import mail

PROFILE = "medical-records-specialist"


def alternatives_shown(page):
    page.goto(f"/occupations/{PROFILE}/")
    return page.locator("#alternatives li.alternative").count()


def test_visitor_signs_up_sees_free_alternatives_and_more_once_staff_upgrade_them(
    page, new_page, django_user_model, assert_accessible
):
    from careers.models import Plan, PlanOffer

    free_limit = PlanOffer.objects.get(plan=Plan.FREE).alternatives_limit
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("reader@example.com")
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/accounts/signup/sent/$"))
    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert not django_user_model.objects.exists()

    # The link in the email opens the last step: choosing the password.
    [message] = mail.outbox
    assert message.to == ["reader@example.com"]
    link = re.search(r"https?://\S+/accounts/signup/\S+/\S+/", message.body).group(0)
    page.goto(link)
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-long-pass-phrase-42")
    page.get_by_label("Password again").fill("a-long-pass-phrase-42")
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/accounts/$"))
    user = django_user_model.objects.get(email="reader@example.com")
    assert user.plan == Plan.FREE

    assert alternatives_shown(page) == free_limit
    assert (
        page.locator("#alternatives")
        .get_by_role("link", name=re.compile("pricing|unlock|more", re.I))
        .count()
        == 1
    )

    # A staff member upgrades the reader in the admin, in a browser of their own.
    django_user_model.objects.create_superuser(email="staff@example.com", password="staff-pass-123")
    admin = new_page()
    admin.goto("/admin/login/")
    admin.get_by_label("Email address").fill("staff@example.com")
    admin.get_by_label("Password").fill("staff-pass-123")
    admin.get_by_role("button", name="Log in").click()
    admin.goto(f"/admin/careers/user/{user.pk}/change/")
    admin.locator("select#id_plan").select_option(Plan.PREMIUM.value)
    admin.get_by_role("button", name="Save", exact=True).first.click()
    admin.wait_for_load_state()
    user.refresh_from_db()
    assert user.plan == Plan.PREMIUM

    # The reader's next visit shows every alternative, without logging in again, and no longer
    # offers an upgrade.
    assert alternatives_shown(page) == 10 > free_limit
    assert page.locator("#alternatives .alternatives-more").count() == 0
