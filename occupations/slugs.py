"""The one rule that names an occupation's page: its title, made unique by its code.

Every writer of Occupation rows (the OEWS import, the seed's wage table, the O*NET import, the
profile files) goes through unique_slug(), so the same title always gets the same address
whichever file introduced it.
"""

from django.utils.text import slugify

MAX_BASE = 190


def unique_slug(title: str, code: str, used: set[str]) -> str:
    """`title` as a slug; with the code appended when another occupation has that slug
    already (41-2010 and 41-2011 are both "Cashiers"), and a counter after that. The slug
    chosen is added to `used`, so one call per row keeps a batch unique too."""
    base = slugify(title)[:MAX_BASE] or slugify(code)
    slug = base
    if slug in used:
        slug = f"{base}-{slugify(code)}"
    suffix = 2
    while slug in used:
        slug = f"{base}-{slugify(code)}-{suffix}"
        suffix += 1
    used.add(slug)
    return slug
