"""A staff member edits a profile in the admin, sees the change on the site, and reverts it
from the history (django-simple-history)."""

PROFILE = "medical-records-specialist"


def test_staff_edits_a_profile_in_admin_and_reverts_it(page, browser_data, django_user_model):
    from occupations.models import Occupation

    occupation = Occupation.objects.get(slug=PROFILE)
    original = occupation.summary
    django_user_model.objects.create_superuser(email="editor@example.com", password="edit-pass-123")
    page.goto("/admin/login/")
    page.get_by_label("Email address").fill("editor@example.com")
    page.get_by_label("Password").fill("edit-pass-123")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/admin/occupations/occupation/{occupation.pk}/change/")
    edited = "Keeps patients' health records accurate, complete and private. (Edited in a test.)"
    page.get_by_label("Summary").fill(edited)
    page.get_by_role("button", name="Save", exact=True).first.click()
    page.wait_for_load_state()
    page.goto(f"/occupations/{PROFILE}/")
    assert edited in page.content()

    # History lists both versions; reverting the older one brings the text back.
    page.goto(f"/admin/occupations/occupation/{occupation.pk}/history/")
    versions = page.locator("#change-history tbody tr")
    assert versions.count() >= 2
    versions.last.get_by_role("link").first.click()
    page.get_by_role("button", name="Revert").first.click()
    page.wait_for_load_state()
    page.goto(f"/occupations/{PROFILE}/")
    assert original in page.content()
    assert edited not in page.content()
    occupation.refresh_from_db()
    assert occupation.summary == original
