"""The Django admin under the site's Content Security Policy: every list, add and change page a
staff member opens loads its scripts and styles without one policy violation or script error
(the `page` fixture fails the test on either)."""

from django.contrib import admin
from django.urls import reverse


def test_every_admin_page_works_under_the_content_security_policy(
    page, salary_data, django_user_model
):
    django_user_model.objects.create_superuser(email="staff@example.com", password="staff-123")
    page.goto("/admin/login/")
    page.get_by_label("Email address").fill("staff@example.com")
    page.get_by_label("Password").fill("staff-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    paths = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
    assert len(paths) > 10
    for path in paths:
        response = page.goto(path)
        # A read-only admin refuses the add page; everything else must open.
        assert response.status in {200, 403}, f"{path}: {response.status}"
        if response.status == 200:
            page.wait_for_load_state("load")
