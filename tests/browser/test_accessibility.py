"""Every page type, as a screen-reader or keyboard user meets it: axe-core finds no WCAG 2.x A/AA
violation, every control is reachable with Tab and shows where the focus is, and the skip link
takes the keyboard past the header."""

import pytest

# Page types and a representative address for each.
PAGES = {
    "home": "/",
    "browse": "/occupations/",
    "search-form": "/search/",
    "search-results": "/search/?q=nurse",
    "search-no-results": "/search/?q=zzqxj",
    "not-found": "/occupations/no-such-occupation/",
    "admin-login": "/admin/login/",
}

FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)

# Number every visible focusable element, so that Tab can be followed element by element.
LABEL_FOCUSABLES = """(selector) => {
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const found = [...document.querySelectorAll(selector)].filter(visible);
  found.forEach((el, i) => el.setAttribute('data-focus-index', String(i)));
  return found.map((el) => el.outerHTML.slice(0, 120));
}"""

# Where the focus is and whether it can be seen: inside the viewport, with an outline at least
# 2px wide, the browser's own focus ring (outline-style auto, which the Django admin relies on)
# or a box shadow.
ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || !el.hasAttribute('data-focus-index')) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    index: Number(el.getAttribute('data-focus-index')),
    html: el.outerHTML.slice(0, 120),
    indicator: style.outlineStyle === 'auto'
      || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
      || style.boxShadow !== 'none',
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight,
  };
}"""


def tab_through(page, limit=600):
    """Press Tab round the whole page once; return what had the focus at each step.

    A page may start with the focus inside it (the admin's autofocus), so the focus is followed
    out of the document and back in from the top until an element comes round a second time.
    """
    steps, seen, outside = [], set(), 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active is None:
            outside += 1
            if outside > 3:
                break
            continue
        outside = 0
        if active["index"] in seen:
            break
        seen.add(active["index"])
        steps.append(active)
    return steps


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_violations(page, assert_accessible, path):
    page.goto(path)
    assert_accessible(page)


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_every_control_is_reachable_by_tab_with_visible_focus(page, path):
    page.goto(path)
    focusables = page.evaluate(LABEL_FOCUSABLES, FOCUSABLE)
    steps = tab_through(page)

    reached = {step["index"] for step in steps}
    missed = [html for index, html in enumerate(focusables) if index not in reached]
    assert not missed, f"Not reachable with Tab: {missed}"
    invisible = [step["html"] for step in steps if not (step["indicator"] and step["onScreen"])]
    assert not invisible, f"Focus not visible on: {invisible}"


@pytest.mark.parametrize("path", ["/", "/occupations/", "/search/?q=nurse"])
def test_skip_link_is_first_shows_on_focus_and_moves_focus_to_main(page, path):
    page.goto(path)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link stays off-screen when focused"

    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")
