"""The wage data in the admin: staff look up what imports wrote; only release details are edited."""

import pytest
from django.urls import reverse

from careers.cache import content_version
from salaries.models import Area, Release, WageEstimate


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_superuser(
        email="editor@example.com", password="a long enough password"
    )


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_the_wage_list_costs_the_same_queries_for_any_page(
    admin_client, django_assert_max_num_queries
):
    url = reverse("admin:salaries_wageestimate_changelist")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = admin_client.get(url, {"p": 3, "release__id__exact": "2"})
    assert response.status_code == 200


def test_staff_find_an_occupations_figures_by_soc_code_and_state(admin_client):
    response = admin_client.get(
        reverse("admin:salaries_wageestimate_changelist"), {"q": "29-2072 California"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Medical Records Specialist" in html
    # May 2023's seed row and May 2025's BLS row for California.
    assert "53740" in html and "May 2023" in html and "May 2025" in html


def test_markers_show_as_markers_in_the_list(admin_client):
    response = admin_client.get(
        reverse("admin:salaries_wageestimate_changelist"), {"q": "29-1022 Alabama"}
    )
    assert "# At or above the top of BLS" in response.content.decode()


def test_wage_estimates_and_areas_can_be_viewed_but_not_changed(admin_client):
    wage = WageEstimate.objects.filter(occupation__soc_code="29-2072").first()
    view = admin_client.get(reverse("admin:salaries_wageestimate_change", args=[wage.pk]))
    assert view.status_code == 200
    assert b'name="_save"' not in view.content
    assert admin_client.get(reverse("admin:salaries_wageestimate_add")).status_code == 403
    delete = reverse("admin:salaries_wageestimate_delete", args=[wage.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert WageEstimate.objects.filter(pk=wage.pk).exists()

    area = Area.objects.get(code="06")
    assert (
        admin_client.get(reverse("admin:salaries_area_changelist"), {"q": "CA"}).status_code == 200
    )
    response = admin_client.post(
        reverse("admin:salaries_area_change", args=[area.pk]),
        {"code": "06", "type": "state", "name": "Golden State", "state_abbr": "CA"},
    )
    assert response.status_code == 403
    area.refresh_from_db()
    assert area.name == "California"


def test_editing_a_release_bumps_the_content_version(admin_client):
    release = Release.objects.get(year=2025)
    stamp = content_version()
    response = admin_client.post(
        reverse("admin:salaries_release_change", args=[release.pk]),
        {
            "name": "May 2025",
            "bls_code": "2025A01",
            "source": release.source,
            "reference_period": "2025-05-01",
            "published_on": "2026-05-15",
            "citation": release.citation + " Retrieved 2026-06-01.",
        },
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.citation.endswith("Retrieved 2026-06-01.")
    assert release.year == 2025
    assert content_version() == stamp + 1


def test_a_release_cannot_be_deleted_from_the_admin(admin_client):
    release = Release.objects.get(year=2023)
    url = reverse("admin:salaries_release_delete", args=[release.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Release.objects.filter(pk=release.pk).exists()
