"""Finding one's way: the states index and the pages people look for are linked from every page,
the site has an icon, and "About the data" names every source and release the site uses."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils.html import escape

from careers.models import User
from occupations.onet import attribution
from salaries.figures import NOTES

PAGES = [
    "/",
    "/occupations/",
    "/occupations/groups/29-0000/",
    "/occupations/medical-records-specialist/",
    "/states/",
    "/states/ca/",
    "/salaries/medical-records-specialist/compare/",
    "/search/?q=coder",
    "/pricing/",
    "/about/data/",
    "/accounts/login/",
    "/accounts/signup/",
    "/occupations/no-such-page/",
]
FOOTER_LINKS = {
    "/occupations/": "Browse occupations",
    "/states/": "Wages by state",
    "/search/": "Search",
    "/pricing/": "Plans and pricing",
    "/about/data/": "About the data and its sources",
}


def part(html, tag, css_class):
    match = re.search(rf'<{tag} class="{css_class}".*?</{tag}>', html, flags=re.S)
    assert match, f"no <{tag} class={css_class}>"
    return match.group(0)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_the_states_index_and_the_pages_people_look_for(client, db, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    html = response.content.decode()
    assert '<a href="/states/"' in part(html, "header", "site-header")
    footer = part(html, "footer", "site-footer")
    for url, label in FOOTER_LINKS.items():
        assert re.search(rf'<a href="{re.escape(url)}"[^>]*>{label}</a>', footer), (path, label)


def test_the_footer_marks_the_page_you_are_on(client, db):
    footer = part(client.get("/about/data/").content.decode(), "footer", "site-footer")
    assert '<a href="/about/data/" aria-current="page">' in footer
    assert '<a href="/states/" aria-current="page">' not in footer


def test_every_page_links_the_icon_and_favicon_ico_leads_to_it(client, db):
    html = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon and icon.group(1).startswith("/static/img/favicon")
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == icon.group(1)
    assert "max-age=86400" in response["Cache-Control"]
    svg = Path(finders.find("img/favicon.svg")).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<title>Career Explorer</title>" in svg


def test_about_the_data_names_every_source_and_release(client, db):
    response = client.get("/about/data/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "<h1>About the data</h1>",
        "OEWS May 2025</strong>, published May 15, 2026",
        "OEWS May 2023</strong>",
        "Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, "
        "May 2025.",
        "BLS Employment Projections 2024-34 (released 2025)",
        "O*NET 30.1 (December 2025)",
        "O*NET 29.0 (August 2024)",
        escape(attribution()),
        "https://creativecommons.org/licenses/by/4.0/",
        "Regional Price Parities",
        "Bureau of Economic Analysis",
        "2018 Standard Occupational Classification",
    ]:
        assert text in html, text
    # The May 2023 table holds the seed occupation only, and the page says so.
    assert re.search(r"OEWS May 2023</strong>[^<]*: estimates for 1 occupation only\.", html)
    assert "on the site for that occupation, so that pay can be followed over time" in html
    assert re.search(r"OEWS May 2025</strong>[^<]*: estimates for 1,\d{3} occupations", html)


def test_about_the_data_explains_every_marker_as_the_tables_word_it(client, db):
    html = client.get("/about/data/").content.decode()
    table = re.search(r'<table class="markers-table">.*?</table>', html, flags=re.S).group(0)
    for note in NOTES.values():
        assert f'<th scope="row">{escape(note.label)}</th>' in table, note.key
        assert escape(note.text) in table, note.key
    for sign in ("*", "**", "#"):
        assert f"<code>{sign}</code>" in table


def test_every_note_has_a_bls_and_a_download_wording():
    from careers.pages.about import BLS_MARKS, CSV_MARKS

    assert set(BLS_MARKS) == set(NOTES) == set(CSV_MARKS)


def test_about_the_data_is_cached_under_the_content_version(client, db, django_assert_num_queries):
    client.get("/about/data/")
    with django_assert_num_queries(1):  # the content stamp
        assert client.get("/about/data/").status_code == 200


def test_about_the_data_reads_the_same_for_members(client, db):
    visitor = client.get("/about/data/").content.decode()
    client.force_login(User.objects.create_user(email="reader@example.com", password="x"))
    member = client.get("/about/data/").content.decode()
    section = re.compile(r'<div class="wrap narrow about-data">.*?</div>\s*</main>', flags=re.S)
    assert section.search(visitor).group(0) == section.search(member).group(0)
