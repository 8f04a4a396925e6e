import csv
import gzip
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

# The product owner's shared folder: beside the checkout (CI's clone) or the workplace's copy.
SHARED_DIR = next(
    (
        path
        for path in (Path(settings.BASE_DIR).parent / "shared", Path("/work/shared"))
        if path.is_dir()
    ),
    Path(settings.BASE_DIR).parent / "shared",
)


# The tables an import or a site-data load writes.
WAGE_DATA_TABLES = [
    "salaries_wageestimate",
    "salaries_area",
    "occupations_occupation",
    "salaries_release",
]
ONET_TABLES = [
    "occupations_historicaloccupation",
    "occupations_datapart",
    "occupations_onetdescription",
    "occupations_onettask",
    "occupations_onettitle",
    "occupations_onetrelated",
    "occupations_onetjobzone",
    "occupations_oneteducationcategory",
    "occupations_oneteducation",
    "occupations_onettechnology",
    "occupations_onetinterest",
    "occupations_onetrating",
    "occupations_projectionrelease",
    "occupations_projection",
    "occupations_projectioncoverage",
    "careers_contentstamp",
]


def read_rows(path):
    """The rows of a BLS CSV (or .csv.gz) file as dicts keyed by upper-cased column name, to
    compare the database with the file."""
    path = Path(path)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8-sig") as stream:
        reader = csv.reader(stream)
        header = [name.strip().upper() for name in next(reader)]
        for row in reader:
            yield dict(zip(header, row, strict=True))


def snapshot() -> dict:
    """Row count and checksum of every table an import writes: equal before and after means
    the database was left exactly as it was."""
    with connection.cursor() as cursor:
        # Ordered by the row's text: some O*NET tables are keyed by occupation, not by id.
        return {
            table: cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
                f"FROM {table} t"
            ).fetchone()
            for table in WAGE_DATA_TABLES + ONET_TABLES
        }


def site_tables() -> list[str]:
    """Every table load_site_data writes: the occupations and salaries apps' and the plans'."""
    from django.apps import apps

    tables = [
        model._meta.db_table
        for app in ("occupations", "salaries")
        for model in apps.get_app_config(app).get_models()
    ]
    return [*tables, "careers_planoffer", "careers_historicalplanoffer", "careers_contentstamp"]


# The session's site data as PostgreSQL's binary COPY of each table, taken once it is loaded.
_SAVED_SITE_DATA: dict[str, bytes] = {}


def save_site_data() -> None:
    with connection.cursor() as cursor:
        for table in site_tables():
            with cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                _SAVED_SITE_DATA[table] = b"".join(bytes(block) for block in copy)


def restore_site_data() -> None:
    """Put the session's site data back after a transactional test's flush: a COPY per table
    (a second or two) instead of every import again (tens of seconds with O*NET's facts).
    Triggers are off while copying (the rows were checked when they were loaded, and their
    keys point at rows restored alongside), which needs a superuser; otherwise, load again."""
    from django.db import transaction

    with connection.cursor() as cursor:
        superuser = cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not _SAVED_SITE_DATA or not superuser.fetchone()[0]:
            call_command("load_site_data", verbosity=0)
            return
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
            # Whatever a fixture wrote since the flush (a factory's row, the version's row)
            # gives way to the saved state.
            cursor.execute(f"TRUNCATE {', '.join(_SAVED_SITE_DATA)}")
            for table, data in _SAVED_SITE_DATA.items():
                with cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(data)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the site's data once per test session, as `make run` does.

    Ordinary tests run inside a transaction that is rolled back, so they all see this data.
    Transactional tests (live_server, browser) flush the tables afterwards; pytest-django runs
    them last, and they get the data back from the copy saved here (the `site_data` fixture).
    """
    with django_db_blocker.unblock():
        call_command("load_site_data", verbosity=0)
        save_site_data()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached HTML and vocabularies are keyed by the content stamp, which each test's rollback
    rewinds: no test may see what another one cached."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_data(request, db):
    """The fixtures `make run` loads. Already there for ordinary tests; restored after a flush."""
    from occupations.models import Occupation

    if not Occupation.objects.exists():
        restore_site_data()


# ---- salary pages: small factories for wage figures (helper C) ----

STATES = [
    ("01", "AL", "Alabama"), ("02", "AK", "Alaska"), ("04", "AZ", "Arizona"),
    ("05", "AR", "Arkansas"), ("06", "CA", "California"), ("08", "CO", "Colorado"),
    ("09", "CT", "Connecticut"), ("10", "DE", "Delaware"), ("11", "DC", "District of Columbia"),
    ("12", "FL", "Florida"), ("13", "GA", "Georgia"), ("15", "HI", "Hawaii"),
    ("16", "ID", "Idaho"), ("17", "IL", "Illinois"), ("18", "IN", "Indiana"),
    ("19", "IA", "Iowa"), ("20", "KS", "Kansas"), ("21", "KY", "Kentucky"),
    ("22", "LA", "Louisiana"), ("23", "ME", "Maine"), ("24", "MD", "Maryland"),
    ("25", "MA", "Massachusetts"), ("26", "MI", "Michigan"), ("27", "MN", "Minnesota"),
    ("28", "MS", "Mississippi"), ("29", "MO", "Missouri"), ("30", "MT", "Montana"),
    ("31", "NE", "Nebraska"), ("32", "NV", "Nevada"), ("33", "NH", "New Hampshire"),
    ("34", "NJ", "New Jersey"), ("35", "NM", "New Mexico"), ("36", "NY", "New York"),
    ("37", "NC", "North Carolina"), ("38", "ND", "North Dakota"), ("39", "OH", "Ohio"),
    ("40", "OK", "Oklahoma"), ("41", "OR", "Oregon"), ("42", "PA", "Pennsylvania"),
    ("44", "RI", "Rhode Island"), ("45", "SC", "South Carolina"), ("46", "SD", "South Dakota"),
    ("47", "TN", "Tennessee"), ("48", "TX", "Texas"), ("49", "UT", "Utah"),
    ("50", "VT", "Vermont"), ("51", "VA", "Virginia"), ("53", "WA", "Washington"),
    ("54", "WV", "West Virginia"), ("55", "WI", "Wisconsin"), ("56", "WY", "Wyoming"),
]  # fmt: skip


class WageFactory:
    """Areas, releases, occupations and wage estimates for tests, without BLS files.

    Figures are given by field name: a number means an available figure, a BLS marker ("*",
    "**", "#", "-", "?") means that status and no value; figures not given are "?" (not in the
    source). Test occupations use SOC codes in 98-xxxx, which BLS does not use.
    """

    def __init__(self):
        self._soc = 0

    def area(self, abbr):
        from salaries.models import Area, AreaType

        if abbr == "US":
            defaults = {"type": AreaType.NATIONAL, "name": "U.S.", "state_abbr": "US"}
            return Area.objects.get_or_create(code="99", defaults=defaults)[0]
        if abbr in {"PR", "GU", "VI"}:
            code, name = {"PR": ("72", "Puerto Rico"), "GU": ("66", "Guam"),
                          "VI": ("78", "Virgin Islands")}[abbr]  # fmt: skip
            defaults = {"type": AreaType.TERRITORY, "name": name, "state_abbr": abbr}
            return Area.objects.get_or_create(code=code, defaults=defaults)[0]
        code, _, name = next(state for state in STATES if state[1] == abbr)
        defaults = {"type": AreaType.STATE, "name": name, "state_abbr": abbr}
        return Area.objects.get_or_create(code=code, defaults=defaults)[0]

    def release(self, year=2031, name=None):
        import datetime

        from salaries.models import Release

        return Release.objects.get_or_create(
            year=year,
            defaults={
                "name": name or f"May {year}",
                "reference_period": datetime.date(year, 5, 1),
                "citation": f"Source: U.S. Bureau of Labor Statistics, OEWS, May {year}.",
            },
        )[0]

    def occupation(self, title=None, *, level="detailed"):
        from occupations.models import Occupation

        self._soc += 1
        code = f"98-{self._soc:04d}"
        title = title or f"Test Occupation {self._soc}"
        return Occupation.objects.create(
            title=title, slug=f"test-occupation-{code}", soc_code=code, level=level
        )

    def estimate(
        self, *, occupation, release, area, annual_only=False, hourly_only=False, **figures
    ):
        from salaries.models import FIGURES, FigureStatus, WageEstimate

        markers = {status.value for status in FigureStatus} - {FigureStatus.AVAILABLE}
        values = {}
        for field, _ in FIGURES:
            given = figures.pop(field, FigureStatus.NOT_IN_SOURCE)
            if given in markers:
                values[field], values[f"{field}_status"] = None, given
            else:
                values[field], values[f"{field}_status"] = given, FigureStatus.AVAILABLE
        assert not figures, f"unknown figures {figures}"
        if isinstance(area, str):
            area = self.area(area)
        return WageEstimate.objects.create(
            occupation=occupation, release=release, area=area,
            annual_only=annual_only, hourly_only=hourly_only, **values,
        )  # fmt: skip

    def state_table(self, occupation, release, *, states=None, national=True, **overrides):
        """Estimates for every state (or `states`): distinct, predictable figures per state.

        overrides: {abbr: {field: value or marker}} to put markers in chosen rows.
        """
        from decimal import Decimal

        chosen = states or [abbr for _, abbr, _ in STATES]
        rows = []
        for index, abbr in enumerate(chosen):
            annual = 40_000 + 1_000 * ((index * 7) % 51)
            figures = {
                "annual_median": annual,
                "hourly_median": (Decimal(annual) / 2080).quantize(Decimal("0.01")),
                "employment": 100 + 10 * ((index * 29) % 51),
                "annual_p10": annual - 10_000, "annual_p25": annual - 5_000,
                "annual_p75": annual + 5_000, "annual_p90": annual + 10_000,
                "hourly_p10": Decimal("10.00") + index, "hourly_p25": Decimal("12.00") + index,
                "hourly_p75": Decimal("30.00") + index, "hourly_p90": Decimal("40.00") + index,
            }  # fmt: skip
            figures.update(overrides.get(abbr, {}))
            rows.append(self.estimate(occupation=occupation, release=release, area=abbr,
                                      **figures))  # fmt: skip
        if national:
            rows.append(self.estimate(
                occupation=occupation, release=release, area="US", employment=150_000,
                annual_median=50_000, hourly_median=Decimal("24.04"), annual_p10=35_000,
                annual_p25=42_000, annual_p75=60_000, annual_p90=75_000,
                hourly_p10=Decimal("16.83"), hourly_p25=Decimal("20.19"),
                hourly_p75=Decimal("28.85"), hourly_p90=Decimal("36.06"),
            ))  # fmt: skip
        return rows


@pytest.fixture
def wages(db):
    return WageFactory()


def table_rows(html, table_id):
    """[[cell text, ...], ...] of the body rows of <table id=table_id>, header row first.

    Text hidden for screen readers only (class visually-hidden) is left out, so cells read as
    a sighted visitor sees them.
    """
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth = 0
            self.rows = []
            self.cell = None
            self.hidden = 0
            self.stack = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "table" and attrs.get("id") == table_id:
                self.depth = 1
                return
            if not self.depth:
                return
            if tag in ("span", "a", "abbr", "sup"):
                hidden = "visually-hidden" in (attrs.get("class") or "")
                self.stack.append(hidden)
                self.hidden += hidden
            if tag == "tr":
                self.rows.append([])
            if tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if not self.depth:
                return
            if tag == "table":
                self.depth = 0
            if tag in ("span", "a", "abbr", "sup") and self.stack:
                self.hidden -= self.stack.pop()
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data):
            if self.depth and self.cell is not None and not self.hidden:
                self.cell.append(data)

    parser = Parser()
    parser.feed(html)
    return parser.rows


@pytest.fixture
def html_table():
    """table_rows(html, table_id): a table's rows as the cell texts a reader sees."""
    return table_rows


# ---- end of salary pages factories ----


def render_salary_section(occupation, query: str = "") -> str:
    """An occupation's salary section as its page shows it, for `query` (a query string such
    as "?sort=-annual_median"), rendered afresh: the same builder and template the page uses,
    without the page around it or its cache."""
    from django.http import QueryDict
    from django.template.loader import render_to_string

    from careers.cache import content_version
    from salaries.sections import StateTableQuery, releases_with_data, salary_section

    releases = releases_with_data(occupation.pk, version=content_version())
    if not releases:
        return ""
    query = StateTableQuery.from_params(QueryDict(query.lstrip("?")), releases)
    context = {"salary": salary_section(occupation, query, releases), "occupation": occupation}
    return render_to_string("salaries/salary_section.html", context)
