"""The state salary section of an occupation's page (owned by the salaries pages work)."""


def salary_section(request, occupation) -> str:
    """HTML of the page's salary section, rendered once and cached; "" when there is no data."""
    return ""
