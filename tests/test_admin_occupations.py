"""Staff edit profiles in Django admin: the change shows at once, the history keeps it, a revert
puts it back, and bad input gets a form error instead of a 500."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.forms import Textarea
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from careers.cache import content_version
from occupations.models import Certification, Occupation, Responsibility

MRS = "/occupations/medical-records-specialist/"


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor@example.com", "pw-editor-123")
    client.force_login(user)
    return client


@pytest.fixture
def mrs(db):
    return Occupation.objects.get(slug="medical-records-specialist")


def _field_data(form, data):
    for bound in form:
        value = bound.value()
        if value is None:
            value = ""
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            value = [str(v) for v in value]
        data[bound.html_name] = value


def form_data(response) -> dict:
    """The POST data that submits an admin form exactly as rendered: main form and inlines."""
    data = {}
    _field_data(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _field_data(formset.management_form, data)
        for form in formset.forms:
            _field_data(form, data)
    return data


def change_url(occupation):
    return reverse("admin:occupations_occupation_change", args=[occupation.pk])


def test_staff_edit_shows_on_the_page_at_once_and_history_keeps_it(staff, client, mrs):
    # The data load's versions (the profile file's, the O*NET import's); the edit adds one.
    versions = mrs.history.count()
    assert "Keeps patients" in client.get(MRS).content.decode()  # cached now
    versions = mrs.history.count()  # the data load's: the profile's, then the BLS import's
    response = staff.get(change_url(mrs))
    assert response.status_code == 200
    data = form_data(response)
    data["summary"] = "Edited summary for the test."
    data["responsibilities-0-text"] = "An edited first responsibility."

    response = staff.post(change_url(mrs), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    mrs.refresh_from_db()
    assert mrs.summary == "Edited summary for the test."
    page = client.get(MRS).content.decode()
    assert '<p class="lead">Edited summary for the test.</p>' in page
    assert "<li>An edited first responsibility.</li>" in page

    history = staff.get(reverse("admin:occupations_occupation_history", args=[mrs.pk]))
    html = history.content.decode()
    assert history.status_code == 200
    assert "editor@example.com" in html
    assert mrs.history.count() == versions + 1
    assert mrs.history.first().history_user.email == "editor@example.com"
    # The list edit is listed too, linked to the item's own history.
    assert "Changes to this profile's lists" in html
    assert "An edited first responsibility." in html


def test_revert_in_history_restores_the_profile(staff, client, mrs):
    # The data load's versions (the profile file's, the O*NET import's); edit and revert add two.
    versions = mrs.history.count()
    original = mrs.summary
    versions = mrs.history.count()
    data = form_data(staff.get(change_url(mrs)))
    data["summary"] = "A summary to be reverted."
    assert staff.post(change_url(mrs), data).status_code == 302
    assert "A summary to be reverted." in client.get(MRS).content.decode()

    loaded = mrs.history.order_by("history_date").first()  # the version the data load made
    revert_url = reverse(
        "admin:occupations_occupation_simple_history", args=[mrs.pk, loaded.history_id]
    )
    response = staff.get(revert_url)
    assert response.status_code == 200
    response = staff.post(revert_url, form_data(response))
    assert response.status_code == 302

    mrs.refresh_from_db()
    assert mrs.summary == original
    page = client.get(MRS).content.decode()
    assert f'<p class="lead">{escape(original)}</p>' in page
    assert mrs.history.count() == versions + 2


def test_a_list_item_can_be_reverted_from_its_own_history(staff, client, mrs):
    item = mrs.responsibilities.order_by("position").first()
    original = item.text
    data = form_data(staff.get(change_url(mrs)))
    data["responsibilities-0-text"] = "Temporary wording."
    assert staff.post(change_url(mrs), data).status_code == 302
    item.refresh_from_db()
    assert item.text == "Temporary wording."

    first = item.history.order_by("history_date").first()
    url = reverse("admin:occupations_responsibility_simple_history", args=[item.pk, first.pk])
    assert staff.post(url, form_data(staff.get(url))).status_code == 302
    item.refresh_from_db()
    assert item.text == original
    assert f"<li>{original}</li>" in client.get(MRS).content.decode()


SOC_FORMAT = "Enter a SOC code in the form NN-NNNN, for example 29-2072."


@pytest.mark.parametrize(
    ("bad_code", "message"),
    [
        ("292072", SOC_FORMAT),
        ("29-207", SOC_FORMAT),
        ("ab-cdef", SOC_FORMAT),
        ("29-20721", "Ensure this value has at most 7 characters (it has 8)."),
    ],
)
def test_invalid_soc_code_is_a_form_error_and_changes_nothing(staff, mrs, bad_code, message):
    before = (mrs.soc_code, mrs.updated_at, mrs.history.count())
    data = form_data(staff.get(change_url(mrs)))
    data["soc_code"] = bad_code
    data["summary"] = "Must not be saved."
    response = staff.post(change_url(mrs), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    mrs.refresh_from_db()
    assert (mrs.soc_code, mrs.updated_at, mrs.history.count()) == before


def test_duplicate_slug_is_a_form_error_and_changes_nothing(staff, db):
    clerk = Occupation.objects.get(slug="file-clerk")
    data = form_data(staff.get(change_url(clerk)))
    data["slug"] = "medical-records-specialist"
    response = staff.post(change_url(clerk), data)
    assert response.status_code == 200
    assert "Occupation with this Slug already exists." in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.slug == "file-clerk"


def test_duplicate_soc_code_is_a_form_error(staff, db):
    clerk = Occupation.objects.get(slug="file-clerk")
    data = form_data(staff.get(change_url(clerk)))
    data["soc_code"] = "29-2072"
    response = staff.post(change_url(clerk), data)
    assert response.status_code == 200
    assert "Occupation with this SOC code already exists." in response.content.decode()


def add_data(staff, **values):
    data = form_data(staff.get(reverse("admin:occupations_occupation_add")))
    data.update(values)
    return data


def test_blank_soc_code_is_saved_as_none_so_many_roles_can_lack_one(staff, db):
    url = reverse("admin:occupations_occupation_add")
    for n in (1, 2):
        data = add_data(staff, title=f"Role {n}", slug=f"role-{n}", soc_code="", level="")
        response = staff.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(
        Occupation.objects.filter(slug__in=["role-1", "role-2"]).values_list("soc_code", flat=True)
    ) == [None, None]


def test_level_and_soc_code_must_come_together(staff, db):
    url = reverse("admin:occupations_occupation_add")
    response = staff.post(url, add_data(staff, title="X", slug="x", soc_code="97-0001", level=""))
    assert response.status_code == 200
    assert "Choose the SOC level of an occupation with a SOC code." in response.content.decode()
    response = staff.post(url, add_data(staff, title="X", slug="x", soc_code="", level="detailed"))
    assert "Leave the level empty for an occupation without a SOC code." in (
        response.content.decode()
    )
    assert not Occupation.objects.filter(slug="x").exists()


def test_written_profile_needs_a_summary(staff, db):
    url = reverse("admin:occupations_occupation_add")
    response = staff.post(url, add_data(staff, title="X", slug="x", has_profile="on", summary=""))
    assert response.status_code == 200
    assert "A written profile needs a summary." in response.content.decode()


def test_alternative_must_say_what_it_shares(staff, mrs):
    data = form_data(staff.get(change_url(mrs)))
    for name in ("shared_tasks", "shared_knowledge", "shared_environment"):
        data[f"alternatives-0-{name}"] = ""
    response = staff.post(change_url(mrs), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say what this alternative shares: tasks, knowledge or work environment." in html
    assert "Constraint" not in html


def test_occupation_cannot_be_its_own_alternative(staff, mrs):
    data = form_data(staff.get(change_url(mrs)))
    data["alternatives-0-alternative"] = str(mrs.pk)
    response = staff.post(change_url(mrs), data)
    assert response.status_code == 200
    assert "An occupation cannot be an alternative to itself." in response.content.decode()


@pytest.mark.parametrize(
    "query", ["Coding Specialist", "29-2072", "medical records specialist"]
)  # fmt: skip
def test_changelist_searches_titles_codes_and_alternate_titles(staff, db, query):
    response = staff.get(reverse("admin:occupations_occupation_changelist"), {"q": query})
    assert response.status_code == 200
    assert "Medical Records Specialist" in [
        str(o.title) for o in response.context["cl"].result_list
    ]


def test_changelist_filters_by_written_profile_and_level(staff, db):
    url = reverse("admin:occupations_occupation_changelist")
    response = staff.get(url, {"has_profile__exact": "1", "level__exact": "detailed"})
    assert response.status_code == 200
    results = list(response.context["cl"].result_list)
    assert results and all(o.has_profile and o.level == "detailed" for o in results)


def test_change_form_links_to_the_page_on_the_site(staff, mrs):
    html = staff.get(change_url(mrs)).content.decode()
    content_type = ContentType.objects.get_for_model(Occupation)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, mrs.pk])
    assert f'href="{view_on_site}"' in html
    assert staff.get(view_on_site)["Location"].endswith(MRS)


def test_deleting_a_profile_in_admin_bumps_the_content_stamp(staff, db):
    coder = Occupation.objects.get(slug="medical-coder")
    before = content_version()
    url = reverse("admin:occupations_occupation_delete", args=[coder.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not Occupation.objects.filter(slug="medical-coder").exists()
    assert content_version() > before
    assert "/occupations/medical-coder/" not in staff.get(MRS).content.decode()


def test_certification_admin_searches_by_abbreviation(staff, db):
    response = staff.get(reverse("admin:occupations_certification_changelist"), {"q": "RHIT"})
    assert [c.abbreviation for c in response.context["cl"].result_list] == ["RHIT"]


def test_certification_edit_shows_on_profiles(staff, client, db):
    rhit = Certification.objects.get(abbreviation="RHIT")
    url = reverse("admin:occupations_certification_change", args=[rhit.pk])
    client.get(MRS)
    data = form_data(staff.get(url))
    data["name"] = "Registered Health Information Technician (edited)"
    assert staff.post(url, data).status_code == 302
    assert "Registered Health Information Technician (edited)" in client.get(MRS).content.decode()


def test_list_item_admins_stay_off_the_admin_index(staff, db):
    html = staff.get(reverse("admin:index")).content.decode()
    assert reverse("admin:occupations_occupation_changelist") in html
    assert reverse("admin:occupations_responsibility_changelist") not in html
    assert Responsibility.objects.exists()


# Editing and reverting as a staff editor does it in a browser


def browser_form_data(response) -> dict:
    """form_data as a browser submits it: every textarea's line breaks as CRLF (the HTML
    standard's rule for submitting a form)."""
    data = form_data(response)
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms += inline.formset.forms
    for form in forms:
        for bound in form:
            value = data.get(bound.html_name)
            if isinstance(bound.field.widget, Textarea) and isinstance(value, str):
                data[bound.html_name] = value.replace("\n", "\r\n")
    return data


def tracked(occupation) -> dict:
    """What the page is built from, without the time of the last save."""
    names = [field.attname for field in Occupation._meta.concrete_fields]
    return {name: getattr(occupation, name) for name in names if name != "updated_at"}


def test_an_edit_and_a_revert_to_the_version_before_restore_the_page_exactly(staff, mrs):
    visitor = Client()
    before_page = visitor.get(MRS).content.decode()
    assert "<dt>Part of</dt>" in before_page
    before = tracked(mrs)
    data = browser_form_data(staff.get(change_url(mrs)))
    assert "\r\n" in data["overview"]  # the browser's line breaks are in the test
    data["summary"] = "Keeps records. (Edited in a test.)"
    assert staff.post(change_url(mrs), data).status_code == 302
    assert "Keeps records. (Edited in a test.)" in visitor.get(MRS).content.decode()

    version_before = mrs.history.all()[1]  # newest first: the edit, then the one before it
    revert = reverse(
        "admin:occupations_occupation_simple_history", args=[mrs.pk, version_before.pk]
    )
    response = staff.post(revert, browser_form_data(staff.get(revert)))

    assert response.status_code == 302
    mrs.refresh_from_db()
    assert tracked(mrs) == before
    assert mrs.bls_title == "Medical Records Specialists" and mrs.parent is not None
    assert visitor.get(MRS).content.decode() == before_page


def test_a_save_that_changes_one_field_records_one_change(staff, mrs, html_table):
    list_versions = Responsibility.history.filter(occupation_id=mrs.pk).count()
    data = browser_form_data(staff.get(change_url(mrs)))
    data["summary"] = "Keeps records. (Edited in a test.)"

    assert staff.post(change_url(mrs), data).status_code == 302

    latest = mrs.history.first()
    assert [change.field for change in latest.diff_against(latest.prev_record).changes] == [
        "summary"
    ]
    assert Responsibility.history.filter(occupation_id=mrs.pk).count() == list_versions
    history = staff.get(reverse("admin:occupations_occupation_history", args=[mrs.pk]))
    header, newest, *_ = html_table(history.content.decode(), "change-history")
    changes = newest[header.index("Changes")]
    assert changes.startswith("Summary:") and changes.count(":") == 1, changes


def test_line_breaks_typed_in_admin_are_stored_as_lf(staff, mrs):
    data = form_data(staff.get(change_url(mrs)))
    data["overview"] = "First paragraph.\r\n\r\nSecond paragraph.\rThird line."
    data["responsibilities-0-text"] = "One line.\r\nAnother line."

    assert staff.post(change_url(mrs), data).status_code == 302

    mrs.refresh_from_db()
    assert mrs.overview == "First paragraph.\n\nSecond paragraph.\nThird line."
    first = mrs.responsibilities.order_by("position", "id").first()
    assert first.text == "One line.\nAnother line."


def test_history_pages_say_who_or_what_made_each_change(staff, mrs, html_table):
    html = staff.get(reverse("admin:occupations_occupation_history", args=[mrs.pk])).content
    header, *rows = html_table(html.decode(), "change-history")

    by, reason = header.index("Changed by"), header.index("Change reason")
    assert [row[by] for row in rows] == ["Import, data load or script"] * len(rows)
    # Each import names its file (O*NET's, loaded last, is the newest); the profile loader
    # gives no reason, shown as a dash.
    assert [row[reason] for row in rows] == [
        "O*NET import of db_30_1/Occupation Data.txt.gz",
        "BLS OEWS import of oews_2025_national_state.csv.gz",
        "—",
    ]
    # The BLS import gave the profile its group; the group it had before (none) reads as a
    # dash, not as a deleted occupation.
    changes = rows[1][header.index("Changes")]
    assert "Parent: — → Health Technologists and Technicians (29-2000)" in changes
    assert "pk=None" not in html.decode()
