"""Writes to the wage data: the reference fixtures, the seed's state table, the bundled BLS file.

Every loader here is an idempotent upsert that writes only what differs and reports what it
changed, so `make run` can call them on every start: a second run writes nothing and leaves
the content stamp (and with it every cached page) alone.
"""

import csv
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from occupations.models import Occupation, SocLevel
from occupations.slugs import unique_slug
from salaries import oews
from salaries.models import FIGURES, Area, FigureStatus, Release, WageEstimate

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
AREAS_FILE = FIXTURES_DIR / "areas.json"
RELEASES_FILE = FIXTURES_DIR / "releases.json"
BLS_FILE = FIXTURES_DIR / "oews_2025_national_state.csv.gz"


@dataclass(frozen=True)
class SeedTable:
    """A state wage table kept in the seed's own columns: State | Median Salary | Median
    Hourly | Positions. The other figures were not published with it."""

    file: Path
    soc_code: str
    bls_title: str
    release_year: int


SEED_TABLES = [
    SeedTable(
        file=FIXTURES_DIR / "wages_may2023_medical_records_specialists.csv",
        soc_code="29-2072",
        bls_title="Medical Records Specialists",
        release_year=2023,
    ),
]
SEED_COLUMNS = ["State", "Median Salary", "Median Hourly", "Positions"]
SEED_FIGURES = {"Median Salary": "annual_median", "Median Hourly": "hourly_median"}


class WageDataError(Exception):
    """A fixture that cannot be loaded; the message names the file, row and column."""


# Areas and releases ---------------------------------------------------------------------------

AREA_FIELDS = ["code", "type", "name", "state_abbr"]
RELEASE_FIELDS = [
    "year",
    "name",
    "bls_code",
    "source",
    "reference_period",
    "published_on",
    "citation",
]


def _read_fixture(path: Path, model, fields: list[str]) -> list[dict]:
    """The objects of a Django-format fixture file, checked against the expected fields."""
    label = model._meta.label_lower
    try:
        objects = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise WageDataError(f"{Path(path).name}: cannot read the file ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise WageDataError(
            f"{Path(path).name}, line {error.lineno}: not valid JSON ({error.msg})"
        ) from None
    if not isinstance(objects, list):
        raise WageDataError(f"{Path(path).name}: expected a list of {label} objects")
    entries = []
    for number, item in enumerate(objects, start=1):
        where = f"{Path(path).name}, object {number}"
        if not isinstance(item, dict) or item.get("model") != label:
            raise WageDataError(f"{where}: expected an object with model {label!r}")
        values = item.get("fields")
        if not isinstance(values, dict) or set(values) != set(fields):
            raise WageDataError(f"{where}: fields must be exactly {', '.join(fields)}")
        entries.append({"where": where, "values": values})
    return entries


def _upsert_by(model, key: str, entries: list[dict]) -> int:
    """Create or update `model` rows matched on `key`, writing only rows that differ; only the
    fields the fixture gives are touched."""
    existing = {
        getattr(obj, key): obj
        for obj in model.objects.filter(**{f"{key}__in": [e["values"][key] for e in entries]})
    }
    changed = 0
    for entry in entries:
        values = entry["values"]
        obj = existing.get(values[key]) or model()
        before = {name: getattr(obj, name) for name in values}
        for name, value in values.items():
            setattr(obj, name, value)
        try:
            obj.full_clean()
        except ValidationError as error:
            raise WageDataError(f"{entry['where']}: {'; '.join(error.messages)}") from None
        # Compare after cleaning, so that "2025-05-01" and date(2025, 5, 1) are the same.
        if obj.pk and all(before[name] == getattr(obj, name) for name in values):
            continue
        obj.save()
        changed += 1
    return changed


@transaction.atomic
def load_areas(*, path: Path = AREAS_FILE) -> int:
    """The U.S., states, DC and territories; metro areas come with the BLS files."""
    return _upsert_by(Area, "code", _read_fixture(path, Area, AREA_FIELDS))


@transaction.atomic
def load_releases(*, path: Path = RELEASES_FILE) -> int:
    return _upsert_by(Release, "year", _read_fixture(path, Release, RELEASE_FIELDS))


# The seed's state table -----------------------------------------------------------------------

_WHOLE = re.compile(r"^[0-9]{1,3}(,[0-9]{3})*$|^[0-9]+$")
_CENTS = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")


def _seed_value(text: str, column: str, where: str):
    if column in ("Median Salary", "Positions"):
        if not _WHOLE.match(text):
            raise WageDataError(f"{where}, column {column}: {text!r} is not a whole number")
        return int(text.replace(",", ""))
    if not _CENTS.match(text):
        raise WageDataError(
            f"{where}, column {column}: {text!r} is not an amount with at most two decimals"
        )
    return Decimal(text)


def read_seed_table(path: Path) -> dict[str, dict]:
    """State abbreviation -> {field: value}, with every cell checked before anything is
    written."""
    name = Path(path).name
    try:
        with Path(path).open(newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream))
    except OSError as error:
        raise WageDataError(f"{name}: cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise WageDataError(f"{name}: the file is not UTF-8 text") from None
    if not rows or [cell.strip() for cell in rows[0]] != SEED_COLUMNS:
        raise WageDataError(f"{name}, row 1: the header must be {', '.join(SEED_COLUMNS)}")
    states = set(Area.objects.states().values_list("state_abbr", flat=True))
    table = {}
    for number, row in enumerate(rows[1:], start=2):
        where = f"{name}, row {number}"
        if len(row) != len(SEED_COLUMNS):
            raise WageDataError(
                f"{where}: {len(row)} columns, expected {len(SEED_COLUMNS)} "
                f"({', '.join(SEED_COLUMNS)})"
            )
        cells = dict(zip(SEED_COLUMNS, (cell.strip() for cell in row), strict=True))
        state = cells["State"]
        if state not in states:
            raise WageDataError(f"{where}, column State: {state!r} is not a state or DC")
        if state in table:
            raise WageDataError(f"{where}, column State: {state} appears twice")
        values = {"employment": _seed_value(cells["Positions"], "Positions", where)}
        for column, field in SEED_FIGURES.items():
            values[field] = _seed_value(cells[column], column, where)
        table[state] = values
    if not table:
        raise WageDataError(f"{name}: the table has no rows")
    return table


def _soc_occupation(*, soc_code: str, bls_title: str, reason: str) -> tuple[Occupation, bool]:
    """The occupation with this SOC code, created with BLS's title if nobody has written its
    profile yet; an existing occupation (a written profile above all) is left as it is.

    Created through save(), so simple-history records it; `reason` says in that record what
    created it."""
    occupation = Occupation.objects.filter(soc_code=soc_code).first()
    if occupation:
        return occupation, False
    used = set(Occupation.objects.values_list("slug", flat=True))
    occupation = Occupation(
        soc_code=soc_code,
        title=bls_title,
        bls_title=bls_title,
        slug=unique_slug(bls_title, soc_code, used),
        level=SocLevel.DETAILED,
    )
    occupation.full_clean()
    occupation._change_reason = reason
    occupation.save()
    return occupation, True


@transaction.atomic
def load_seed_table(seed: SeedTable) -> int:
    """Write one seed table as wage estimates; returns how many rows it created or changed.

    The seed gives the median salary, median hourly wage and employment. A new row gets every
    other figure as 'not in this release's source' (never a made-up number); on an existing
    row, for instance one a BLS file of the same release filled in, the other figures are left
    as they are.
    """
    table = read_seed_table(seed.file)
    release = Release.objects.filter(year=seed.release_year).first()
    if release is None:
        raise WageDataError(
            f"{seed.file.name}: release {seed.release_year} is not in the database "
            "(load fixtures/releases.json first)"
        )
    occupation, created = _soc_occupation(
        soc_code=seed.soc_code, bls_title=seed.bls_title, reason=f"Seed table {seed.file.name}"
    )
    areas = {area.state_abbr: area for area in Area.objects.states()}
    figures = [*SEED_FIGURES.values(), "employment"]
    rows = []
    for state, values in table.items():
        # Every other figure is "not in this release's source": never a made-up number.
        estimate = WageEstimate(release=release, occupation=occupation, area=areas[state])
        for field, _ in FIGURES:
            setattr(estimate, field, None)
            setattr(estimate, f"{field}_status", FigureStatus.NOT_IN_SOURCE)
        for field, value in values.items():
            setattr(estimate, field, value)
            setattr(estimate, f"{field}_status", FigureStatus.AVAILABLE)
        try:
            # The row may exist already (the write below compares and updates it): every check
            # but that uniqueness one, which leaving out the release skips.
            estimate.full_clean(validate_unique=False, exclude=["release"])
        except ValidationError as error:
            raise WageDataError(
                f"{seed.file.name}, state {state}: {'; '.join(error.messages)}"
            ) from None
        rows.append(estimate)
    changed = _write_seed_rows(rows, release, figures)
    return changed + created


SEED_STAGING = "seed_typed"


def _write_seed_rows(rows: list, release, figures: list[str]) -> int:
    """The seed's rows through the import's bulk write (oews.write_estimates), from a staging
    table of the same shape; only the seed's own figures are compared and updated on a row
    that exists, so a BLS file's other figures for the same release are left as they are."""
    names = [name for field, _ in FIGURES for name in (field, f"{field}_status")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {SEED_STAGING} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT area_id, occupation_id, {', '.join(names)}, '' AS annual, '' AS hourly "
            f"FROM {WageEstimate._meta.db_table} WITH NO DATA"
        )
        with cursor.copy(
            f"COPY {SEED_STAGING} (area_id, occupation_id, {', '.join(names)}, annual, hourly) "
            "FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(
                    [row.area_id, row.occupation_id, *(getattr(row, n) for n in names), "", ""]
                )
        inserted, updated = oews.write_estimates(
            cursor, release, source=SEED_STAGING, figures=figures
        )
        cursor.execute(f"DROP TABLE {SEED_STAGING}")
    return inserted + updated


# Everything `make run` loads ------------------------------------------------------------------


@dataclass
class WageDataResult:
    areas: int = 0
    releases: int = 0
    seed_rows: int = 0
    bls: oews.ImportResult | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.areas or self.releases or self.seed_rows or (self.bls and self.bls.changed)
        )

    def __str__(self):
        text = (
            f"{self.areas} areas, {self.releases} releases and {self.seed_rows} seed table rows "
            "created or changed"
        )
        return f"{text}; {self.bls.summary()}" if self.bls else text


@transaction.atomic
def load_wage_data(*, progress=oews._silent) -> WageDataResult:
    """Areas and releases, the seed tables, then BLS's May 2025 national and state file."""
    result = WageDataResult()
    result.areas = load_areas()
    result.releases = load_releases()
    for seed in SEED_TABLES:
        result.seed_rows += load_seed_table(seed)
    year = oews.release_year_from_filename(BLS_FILE.name)
    result.bls = oews.import_oews(
        path=BLS_FILE, release=Release.objects.get(year=year), progress=progress
    )
    return result
