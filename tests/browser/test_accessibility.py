"""Every page type, as a screen-reader or keyboard user meets it: axe-core finds no WCAG 2.x A/AA
violation, every control is reachable with Tab and shows where the focus is, and the skip link
takes the keyboard past the header."""

import pytest

# Page types and a representative address for each; {names} come from the site_pages fixture.
PAGES = {
    "home": "/",
    "browse": "/occupations/",
    "group": "/occupations/groups/{group_code}/",
    "profile": "/occupations/{profile}/",
    "profile-percentiles": "/occupations/{profile}/?wages=annual#salaries",
    "data-only": "/occupations/{data_only}/",
    "states": "/states/",
    "state": "/states/ca/",
    "compare-form": "/salaries/{profile}/compare/",
    "compare-result": "/salaries/{profile}/compare/?compare=1&state=CA&state=TX&state=NY",
    "compare-error": "/salaries/{profile}/compare/?compare=1&state=CA",
    "search-form": "/search/",
    "search-results": "/search/?q=medical",
    "search-no-results": "/search/?q=zzqxj",
    "pricing": "/pricing/",
    "about-data": "/about/data/",
    "signup": "/accounts/signup/",
    "signup-sent": "/accounts/signup/sent/",
    "login": "/accounts/login/",
    "account": "/accounts/",
    "password-change": "/accounts/password/change/",
    "password-reset": "/accounts/password/reset/",
    "password-reset-sent": "/accounts/password/reset/sent/",
    "logout-confirm": "/accounts/logout/",
    "not-found": "/occupations/no-such-occupation/",
    "admin-login": "/admin/login/",
}
# Pages seen logged in, as their users see them.
LOGGED_IN = {"account", "password-change", "logout-confirm"}


@pytest.fixture
def site_pages(salary_data, wages, django_user_model):
    """Addresses for every page type: the profile with state figures for two releases, a SOC
    group holding an occupation that has figures but no written profile, and a reader."""
    from occupations.models import Occupation, SocLevel

    group = Occupation.objects.create(
        title="Test Group Occupations", slug="test-group", soc_code="98-0000",
        level=SocLevel.MAJOR,
    )  # fmt: skip
    data_only = wages.occupation("Test Data Technician")
    data_only.parent = group
    data_only.save()
    wages.state_table(data_only, wages.release(2031))
    django_user_model.objects.create_user(email="reader@example.com", password="read-pass-123")
    data = {"group_code": group.soc_code, "profile": salary_data.slug, "data_only": data_only.slug}
    return {name: path.format(**data) for name, path in PAGES.items()}


def visit(page, login, site_pages, name):
    if name in LOGGED_IN:
        login("reader@example.com", "read-pass-123")
    response = page.goto(site_pages[name])
    expected = 404 if name == "not-found" else 200
    assert response.status == expected, f"{name}: {response.status}"


FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]"
)

# Number every visible element that Tab should reach (tabindex="-1" takes an element out of the
# tab order on purpose, and a closed <details> hides all but its summary), and log every element
# that receives the focus from now on, with whether the focus can be seen there: inside the
# viewport, with an outline at least 2px wide, the browser's own focus ring (outline-style auto,
# which the Django admin relies on) or a box shadow. Logging in the page instead of asking after
# each key press keeps the test fast.
WATCH_FOCUS = """(selector) => {
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('details:not([open]) > :not(summary)');
  const found = [...document.querySelectorAll(selector)]
    .filter((el) => el.getAttribute('tabindex') !== '-1' && visible(el));
  found.forEach((el, i) => el.setAttribute('data-focus-index', String(i)));
  window.focusLog = [];
  document.addEventListener('focusin', (event) => {
    const el = event.target;
    if (!el.hasAttribute || !el.hasAttribute('data-focus-index')) return;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    window.focusLog.push({
      index: Number(el.getAttribute('data-focus-index')),
      html: el.outerHTML.slice(0, 120),
      indicator: style.outlineStyle === 'auto'
        || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
        || style.boxShadow !== 'none',
      onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight,
    });
  });
  return found.map((el) => el.outerHTML.slice(0, 120));
}"""


def tab_through(page):
    """Press Tab round the whole page; return the focusable elements and the focus log.

    A page may start with the focus inside it (the admin's autofocus), so Tab is pressed a few
    more times than there are elements, which brings the focus round through the top again.
    """
    focusables = page.evaluate(WATCH_FOCUS, FOCUSABLE)
    for _ in range(len(focusables) + 4):
        page.keyboard.press("Tab")
    return focusables, page.evaluate("window.focusLog")


@pytest.mark.parametrize("name", PAGES)
def test_page_passes_axe_and_works_from_the_keyboard(
    page, login, site_pages, assert_accessible, name
):
    visit(page, login, site_pages, name)
    assert_accessible(page)

    focusables, log = tab_through(page)
    reached = {step["index"] for step in log}
    missed = [html for index, html in enumerate(focusables) if index not in reached]
    assert not missed, f"Not reachable with Tab: {missed}"
    invisible = {step["html"] for step in log if not (step["indicator"] and step["onScreen"])}
    assert not invisible, f"Focus not visible on: {sorted(invisible)}"


def test_sortable_headers_announce_their_order(page, site_pages):
    page.goto(site_pages["profile"])
    headers = page.locator("section#salaries table thead th")
    sortable = headers.filter(has=page.locator("a"))
    assert sortable.count() >= 3
    # One column is sorted at a time and says so; the others carry no order.
    assert page.locator("section#salaries thead th[aria-sort]:not([aria-sort=none])").count() == 1
    sortable.nth(2).locator("a").click()
    page.wait_for_load_state()
    third = page.locator("section#salaries table thead th").filter(has=page.locator("a")).nth(2)
    assert third.get_attribute("aria-sort") in {"ascending", "descending"}


def test_the_map_has_a_name_and_the_table_is_its_text_equivalent(page, site_pages):
    page.goto(site_pages["profile"])
    picture = page.locator("section#salaries svg[role=img]")
    assert picture.count() == 1
    name = picture.evaluate(
        """svg => svg.getAttribute('aria-labelledby').split(' ')
             .map(id => document.getElementById(id)?.textContent.trim() ?? '').join(' ')"""
    )
    assert "Tile map" in name and "table below" in name
    # Every state on the map is in the table as text, with its figure.
    on_map = set(picture.locator("text").evaluate_all("ts => ts.map(t => t.textContent.trim())"))
    in_table = set(
        page.locator("section#salaries table tbody:not(.reference) abbr").all_inner_texts()
    )
    assert len(on_map) == 51
    assert on_map == in_table
    # The link layer is for pointers only: hidden from screen readers and out of the tab order.
    links = page.locator("section#salaries svg.tile-map-links")
    assert links.get_attribute("aria-hidden") == "true"
    assert set(
        links.locator("a").evaluate_all("as => as.map(a => a.getAttribute('tabindex'))")
    ) == {"-1"}


@pytest.mark.parametrize("name", ["home", "profile", "state", "search-results"])
def test_skip_link_is_first_shows_on_focus_and_moves_focus_to_main(page, site_pages, name):
    page.goto(site_pages[name])
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link stays off-screen when focused"

    page.keyboard.press("Enter")
    # Playwright learns of the fragment navigation by an event: wait for it rather than race it.
    page.wait_for_url("**#main")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_the_lockout_page_passes_axe(page, live_server, assert_accessible, django_user_model):
    import re

    django_user_model.objects.create_user(email="guess@example.com", password="right-pass-123")
    for attempt in range(10):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill("guess@example.com")
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        with page.expect_response(re.compile(r"/accounts/login/")) as answer:
            page.get_by_role("main").get_by_role("button", name=re.compile("log in", re.I)).click()
    assert answer.value.status == 429
    assert page.get_by_role("heading", level=1).count() == 1
    assert_accessible(page)


def test_the_database_outage_page_passes_axe(page, assert_accessible):
    """The page PostgreSQL outages get (careers.middleware), served from the site's own origin
    so that its stylesheet loads as it would."""
    from careers.middleware import unavailable_response

    outage = unavailable_response()
    page.route(
        "**/occupations/",
        lambda route: route.fulfill(
            status=outage.status_code, body=outage.content, content_type="text/html; charset=utf-8"
        ),
    )

    response = page.goto("/occupations/")

    assert response.status == 503
    assert page.get_by_role("heading", level=1).inner_text() == "Temporarily unavailable"
    # The stylesheet loaded, so axe judges the colours and sizes visitors would see.
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 10
    assert_accessible(page)


# The history pages staff read to check and undo edits: a profile's (its own versions and its
# lists' changes), a list item's, a plan offer's and a user's plan history. Each has at least two
# versions, so the table of changes is on the page.
HISTORY_PAGES = ["profile-history", "list-item-history", "plan-offer-history", "user-history"]


@pytest.fixture
def history_pages(browser_data, django_user_model):
    from careers import services
    from careers.models import Plan, PlanOffer
    from occupations.models import Occupation

    editor = django_user_model.objects.create_superuser(
        email="editor@example.com", password="edit-pass-123"
    )
    profile = Occupation.objects.get(slug="medical-records-specialist")
    profile.summary = "Keeps health records accurate and private. (Edited for the test.)"
    profile._history_user = editor
    profile.save()
    item = profile.responsibilities.first()
    item.text = "An edited responsibility."
    item.save()
    offer = PlanOffer.objects.get(plan=Plan.FREE)
    offer.tagline = "Edited for the test."
    offer.save()
    member = django_user_model.objects.create_user(email="member@example.com", password="x")
    services.change_plan(user=member, plan=Plan.BASIC, changed_by=editor, reason="Test upgrade")
    return {
        "profile-history": f"/admin/occupations/occupation/{profile.pk}/history/",
        "list-item-history": f"/admin/occupations/responsibility/{item.pk}/history/",
        "plan-offer-history": f"/admin/careers/planoffer/{offer.pk}/history/",
        "user-history": f"/admin/careers/user/{member.pk}/history/",
    }


@pytest.mark.parametrize("name", HISTORY_PAGES)
def test_admin_history_pages_pass_axe(page, history_pages, assert_accessible, name):
    page.goto("/admin/login/")
    page.get_by_label("Email address").fill("editor@example.com")
    page.get_by_label("Password").fill("edit-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    response = page.goto(history_pages[name])

    assert response.status == 200, f"{name}: {response.status}"
    assert page.locator("#change-history tbody tr").count() >= 2
    assert_accessible(page)
