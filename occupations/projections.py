"""Import BLS Employment Projections (occupation.xlsx, Table 1.2) as BLS publishes it.

Table 1.2 has a title row ("Table 1.2 Occupational projections, 2024–2034, ..."), a header
row, one row per line item or summary group (summary titles indented with spaces), `—` where a
figure does not apply, and footnotes below. The edition comes from the title row. Line items
and the all-occupations row (00-0000) are kept, summaries are counted; each line item is linked
to the occupation with its SOC code, and each Employment Matrix aggregate to every SOC
occupation it combines (AGGREGATES), so that no occupation BLS projects is left without its
figures. Optionally education.xlsx (Table 5.4) is cross-checked against the three education and
training columns.

As in the other imports: COPY into a staging table of text columns with row numbers, checks in
SQL, errors naming file, row and column, one transaction, only differing rows written, and a
file whose digest was loaded last time is skipped.
"""

# The SQL here is assembled from this module's constants and the staging table's own column
# names (c1, c2, ...); the workbook's cells reach PostgreSQL only through COPY and parameters.
# BLS writes its periods with en dashes, and its headers must match as BLS spells them.
# ruff: noqa: S608, RUF001, RUF002

import hashlib
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from occupations.models import (
    DataPart,
    DataSource,
    EntryEducation,
    Occupation,
    OnTheJobTraining,
    Projection,
    ProjectionCoverage,
    ProjectionRelease,
    SocLevel,
    WorkExperience,
)

STAGING = "projections_staging"
EDUCATION_STAGING = "projections_education_staging"
WANTED = "projections_wanted"
TABLE = "Table 1.2"
EDUCATION_TABLE = "Table 5.4"
TOTAL_CODE = "00-0000"
NOT_APPLICABLE = "—"
TOP_CODED = ">=$239,200"

# The twelve Employment Matrix line items that are not SOC 2018 detailed occupations, and the
# SOC detailed occupations each one combines: those of the same broad group that have no line
# item of their own (checked against the SOC 2018 definitions and the OEWS occupations in
# tests/test_import_projections.py).
AGGREGATES = {
    "13-1020": ("13-1021", "13-1022", "13-1023"),
    "13-2020": ("13-2022", "13-2023"),
    "21-1018": ("21-1011", "21-1014"),
    "25-2052": ("25-2055", "25-2056"),
    "25-9045": ("25-9042", "25-9043", "25-9049"),
    "29-2010": ("29-2011", "29-2012"),
    "31-1120": ("31-1121", "31-1122"),
    "39-7010": ("39-7011", "39-7012"),
    "47-4090": ("47-4091", "47-4099"),
    "51-2028": ("51-2022", "51-2023"),
    "51-2090": ("51-2092", "51-2099"),
    "53-1047": ("53-1042", "53-1043", "53-1044", "53-1049"),
}


class ProjectionsImportError(Exception):
    """A workbook that cannot be imported; the message names the file, row and column."""


@dataclass(frozen=True)
class Column:
    field: str  # our name for it
    header: str  # BLS's, without the footnote mark
    pattern: str  # what BLS puts in it (PostgreSQL and Python read it alike)
    expected: str


NUMBER = r"-?[0-9]{1,7}(\.[0-9])?"
CATEGORY_WORDS = {
    "education": EntryEducation,
    "work_experience": WorkExperience,
    "training": OnTheJobTraining,
}


def _labels(choices) -> str:
    return "|".join(re.escape(label) for value, label in choices.choices if value)


COLUMNS = [
    Column("title", "2024 National Employment Matrix title", r"\s*\S.*", "a title"),
    Column(
        "code", "2024 National Employment Matrix code", r"[0-9]{2}-[0-9]{4}", "a code like 29-2072"
    ),
    Column("type", "Occupation type", r"Line item|Summary", "Line item or Summary"),
    Column("employment_base", "Employment, 2024", NUMBER, "employment in thousands, like 194.8"),
    Column("employment_target", "Employment, 2034", NUMBER, "employment in thousands, like 208.6"),
    Column("change", "Employment change, numeric, 2024–34", NUMBER, "a change in thousands"),
    Column("change_percent", "Employment change, percent, 2024–34", NUMBER, "a percentage"),
    Column(
        "self_employed_percent",
        "Percent self employed, 2024",
        NUMBER + "|—",
        "a percentage or — (not available)",
    ),
    Column(
        "openings",
        "Occupational openings, 2024–34 annual average",
        NUMBER,
        "openings in thousands, like 14.2",
    ),
    Column(
        "median_wage",
        "Median annual wage, dollars, 2024",
        r"[0-9]{1,7}|>=\$239,200|—",
        "a wage in dollars, >=$239,200 (top-coded) or —",
    ),
    Column(
        "education",
        "Typical education needed for entry",
        _labels(EntryEducation) + "|—",
        "one of BLS's education categories, or —",
    ),
    Column(
        "work_experience",
        "Work experience in a related occupation",
        _labels(WorkExperience) + "|—",
        "5 years or more, Less than 5 years, None, or —",
    ),
    Column(
        "training",
        "Typical on-the-job training needed to attain competency in the occupation",
        _labels(OnTheJobTraining) + "|—",
        "one of BLS's on-the-job training categories, or —",
    ),
]
KNOWN = {
    "Employment distribution, percent, 2024",
    "Employment distribution, percent, 2034",
    "Related Occupational Outlook Handbook (OOH) content",
    "Related Occupational Outlook Handbook (OOH) content xlsx",
}
EDUCATION_COLUMNS = [COLUMNS[0], COLUMNS[1], *COLUMNS[-3:]]


@dataclass
class ImportResult:
    file: str
    release: str = ""
    rows: int = 0
    summaries: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    covered: int = 0
    coverage_changed: int = 0
    unmatched: tuple[str, ...] = ()
    education_checked: int = 0
    skipped: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted or self.coverage_changed)

    def summary(self) -> str:
        if self.skipped:
            return f"{self.file}: the same file as last time, skipped"
        text = (
            f"{self.file} (Employment Projections {self.release}): {self.rows:,} rows read, "
            f"{self.summaries:,} summary rows left out; projections {self.inserted:,} inserted, "
            f"{self.updated:,} updated, {self.deleted:,} deleted; {self.covered:,} occupations "
            f"covered ({self.coverage_changed:,} links changed)"
        )
        if self.unmatched:
            text += (
                f"; {len(self.unmatched)} codes with no occupation in the database: "
                f"{', '.join(self.unmatched)}"
            )
        if self.education_checked:
            text += f"; {self.education_checked:,} rows of {EDUCATION_TABLE} agree"
        return f"{text}; {self.seconds:.1f} s"


Progress = Callable[[str], None]


def _silent(message: str) -> None:
    pass


def _shown(value: str) -> str:
    return repr(value) if value else "empty"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _header_name(value: str) -> str:
    """BLS's header without its footnote mark ("...2024[1]")."""
    return re.sub(r"\[[0-9]+\]$", "", value.strip())


def _read_table(path: Path, sheet_name: str) -> tuple[bytes, list[list[str]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        data = path.read_bytes()
    except OSError as error:
        raise ProjectionsImportError(f"{path.name}: cannot read the file ({error})") from None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as error:
        raise ProjectionsImportError(
            f"{path.name}: not a readable Excel workbook ({error})"
        ) from None
    if sheet_name not in workbook.sheet_names:
        raise ProjectionsImportError(
            f"{path.name}: no sheet '{sheet_name}' (is this BLS's "
            f"{'occupation' if sheet_name == TABLE else 'education'}.xlsx?)"
        )
    rows = [[_cell(v) for v in row] for row in workbook.get_sheet_by_name(sheet_name).to_python()]
    return data, rows


class _Table:
    """One BLS table staged: columns found by BLS's header names, rows numbered as Excel does."""

    def __init__(self, cursor, path: Path, sheet: str, columns: list[Column], staging: str):
        self.cursor, self.file, self.staging = cursor, path.name, staging
        self.data, rows = _read_table(path, sheet)
        if len(rows) < 3 or not rows[0] or not rows[0][0].startswith(sheet):
            raise ProjectionsImportError(
                f"{self.file}, row 1: expected BLS's title row, '{sheet} ...'"
            )
        self.title = rows[0][0]
        header = [_header_name(value) for value in rows[1]]
        while header and not header[-1]:
            header.pop()
        positions = {}
        for index, name in enumerate(header):
            if name in positions:
                self.fail(2, name, "the column appears twice")
            known = name in KNOWN or any(column.header == name for column in COLUMNS)
            if not known:
                self.fail(2, _shown(name), f"not a column of BLS's {sheet}")
            positions[name] = index
        missing = [column.header for column in columns if column.header not in positions]
        if missing:
            raise ProjectionsImportError(
                f"{self.file}, row 2: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}"
            )
        self.columns = columns
        self.col = {column.field: f"c{i}" for i, column in enumerate(columns, start=1)}
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMP TABLE {staging} (row_no integer, "
            + ", ".join(f"{name} text" for name in self.col.values())
            + ") ON COMMIT DROP"
        )
        code_at = positions[COLUMNS[1].header]
        body = [row + [""] * (len(header) - len(row)) for row in rows[2:]]
        # The table ends at the first row without a code; below it come BLS's footnotes.
        end = next((i for i, row in enumerate(body) if not row[code_at].strip()), len(body))
        stray = next((i for i in range(end, len(body)) if body[i][code_at].strip()), None)
        if stray is not None:
            self.fail(end + 3, COLUMNS[1].header, "empty, but more occupations follow")
        count = end
        with cursor.copy(f"COPY {staging} FROM STDIN") as copy:
            for row_no, row in enumerate(body[:end], start=3):
                copy.write_row([row_no, *(row[positions[c.header]] for c in columns)])
        if not count:
            raise ProjectionsImportError(f"{self.file}: {sheet} has a header but no rows")
        self.rows = count

    def fail(self, row_no, column: str, message: str):
        raise ProjectionsImportError(f"{self.file}, row {row_no}, column {column}: {message}")

    def value(self, row_no: int, field: str) -> str:
        return self.cursor.execute(
            f"SELECT {self.col[field]} FROM {self.staging} WHERE row_no = %s", [row_no]
        ).fetchone()[0]

    def header(self, field: str) -> str:
        return next(column.header for column in self.columns if column.field == field)

    def check_patterns(self) -> None:
        selects = ", ".join(
            f"min(row_no) FILTER (WHERE {self.col[c.field]} !~ %s)" for c in self.columns
        )
        firsts = self.cursor.execute(
            f"SELECT {selects} FROM {self.staging}",
            [f"^(?:{c.pattern})$" for c in self.columns],
        ).fetchone()
        failures = [(row_no, i) for i, row_no in enumerate(firsts) if row_no]
        if failures:
            row_no, i = min(failures)
            column = self.columns[i]
            self.fail(
                row_no,
                column.header,
                f"{_shown(self.value(row_no, column.field))} is not {column.expected}",
            )

    def check_sql(self, field: str, bad: str, message: Callable[[str], str]) -> None:
        row_no = self.cursor.execute(
            f"SELECT min(row_no) FROM {self.staging} s WHERE {bad}"
        ).fetchone()[0]
        if row_no:
            self.fail(row_no, self.header(field), message(self.value(row_no, field)))

    def check_duplicates(self) -> None:
        """A code given twice must say the same both times; exact repeats are read once."""
        fields = [c.field for c in self.columns if c.field not in ("code", "title")]
        code = self.col["code"]
        found = self.cursor.execute(
            f"""
            WITH firsts AS (
                SELECT DISTINCT ON ({code}) * FROM {self.staging} ORDER BY {code}, row_no
            )
            SELECT s.row_no, f.row_no FROM {self.staging} s JOIN firsts f USING ({code})
            WHERE s.row_no <> f.row_no AND ({", ".join(f"s.{self.col[n]}" for n in fields)})
                IS DISTINCT FROM ({", ".join(f"f.{self.col[n]}" for n in fields)})
            ORDER BY s.row_no LIMIT 1
            """
        ).fetchone()
        if found:
            row_no, first = found
            for field in fields:
                if self.value(row_no, field) != self.value(first, field):
                    self.fail(
                        row_no,
                        self.header(field),
                        f"{_shown(self.value(row_no, field))} disagrees with "
                        f"{_shown(self.value(first, field))} in row {first} for code "
                        f"{self.value(row_no, 'code')}",
                    )

    def c(self, field: str) -> str:
        return f"s.{self.col[field]}"


def _category(table: _Table, field: str) -> str:
    choices = CATEGORY_WORDS[field]
    whens = " ".join(
        f"WHEN '{label.replace(chr(39), chr(39) * 2)}' THEN '{value}'"
        for value, label in choices.choices
        if value
    )
    return f"CASE {table.c(field)} {whens} ELSE '' END"


def _release(table: _Table) -> ProjectionRelease:
    years = re.search(r"([0-9]{4})[–-]([0-9]{4})", table.title)
    if not years or int(years[2]) != int(years[1]) + 10:
        raise ProjectionsImportError(
            f"{table.file}, row 1: the title names no projection period like 2024–2034"
        )
    base = int(years[1])
    # BLS publishes each edition the year after its base year (2024-34 in 2025).
    release, _ = ProjectionRelease.objects.get_or_create(
        base_year=base, defaults={"target_year": base + 10, "published_year": base + 1}
    )
    return release


def import_projections(
    *,
    path: Path | str,
    education_path: Path | str | None = None,
    force: bool = False,
    progress: Progress = _silent,
) -> ImportResult:
    """Import Table 1.2 (and cross-check Table 5.4); raises ProjectionsImportError and writes
    nothing if a workbook is invalid."""
    path = Path(path)
    started = time.monotonic()
    result = ImportResult(file=path.name)
    with transaction.atomic(), connection.cursor() as cursor:
        progress(f"Reading {path.name}")
        table = _Table(cursor, path, TABLE, COLUMNS, STAGING)
        release = _release(table)
        result.release, result.rows = release.name, table.rows
        education = None
        digest = hashlib.sha256(table.data)
        if education_path is not None:
            progress(f"Reading {Path(education_path).name}")
            education = _Table(
                cursor, Path(education_path), EDUCATION_TABLE, EDUCATION_COLUMNS, EDUCATION_STAGING
            )
            digest.update(education.data)
        digest = digest.hexdigest()
        previous = DataPart.objects.filter(source=DataSource.BLS_PROJECTIONS, part=TABLE).first()
        if not force and previous and (previous.digest, previous.release) == (digest, release.name):
            result.skipped = True
            result.seconds = time.monotonic() - started
            return result
        progress(f"Checking {path.name}")
        _check(table)
        if education is not None:
            result.education_checked = _cross_check(table, education)
        result.summaries = cursor.execute(
            f"SELECT count(*) FROM {STAGING} WHERE {table.col['type']} = 'Summary' "
            f"AND {table.col['code']} <> %s",
            [TOTAL_CODE],
        ).fetchone()[0]
        progress("Writing projections")
        _write(cursor, table, release, result)
        _record(path, education, release, digest, table.rows, previous)
    result.seconds = time.monotonic() - started
    return result


def _check(table: _Table) -> None:
    table.check_patterns()
    line_item = f"{table.c('type')} = 'Line item'"
    for field in ("education", "work_experience", "training"):
        table.check_sql(
            field,
            f"{line_item} AND {table.c(field)} = '{NOT_APPLICABLE}'",
            lambda value: "— on a line item: BLS assigns every occupation a category",
        )
    table.check_sql(
        "code",
        f"{table.c('code')} = '{TOTAL_CODE}' AND {table.c('type')} <> 'Summary'",
        lambda value: f"{TOTAL_CODE} is the total of all occupations, a Summary row",
    )
    if not table.cursor.execute(
        f"SELECT 1 FROM {STAGING} WHERE {table.col['code']} = %s", [TOTAL_CODE]
    ).fetchone():
        raise ProjectionsImportError(
            f"{table.file}: no {TOTAL_CODE} row (Total, all occupations) to compare with"
        )
    table.check_duplicates()


def _cross_check(table: _Table, education: _Table) -> int:
    """Every row of Table 5.4 is a line item of Table 1.2 with the same three education and
    training assignments."""
    education.check_patterns()
    education.check_duplicates()
    code = table.col["code"]
    education.check_sql(
        "code",
        f"NOT EXISTS (SELECT 1 FROM {table.staging} t WHERE t.{code} = {education.c('code')} "
        f"AND t.{table.col['type']} = 'Line item')",
        lambda value: f"{value} is not a line item of {TABLE} in {table.file}",
    )
    for field in ("education", "work_experience", "training"):
        found = table.cursor.execute(
            f"SELECT s.row_no, t.row_no, t.{table.col[field]} FROM {education.staging} s "
            f"JOIN {table.staging} t ON t.{code} = {education.c('code')} "
            f"WHERE t.{table.col[field]} <> {education.c(field)} ORDER BY s.row_no LIMIT 1"
        ).fetchone()
        if found:
            row_no, table_row, value = found
            education.fail(
                row_no,
                education.header(field),
                f"{_shown(education.value(row_no, field))} disagrees with {_shown(value)} "
                f"in {table.file}, {TABLE}, row {table_row}",
            )
    return education.rows


def _write(cursor, table: _Table, release: ProjectionRelease, result: ImportResult) -> None:
    def figure(field):
        return f"{table.c(field)}::numeric"

    wage = table.c("median_wage")
    kept = f"{table.c('type')} = 'Line item' OR {table.c('code')} = '{TOTAL_CODE}'"
    fields = [
        "title",
        "employment_base",
        "employment_target",
        "change",
        "change_percent",
        "self_employed_percent",
        "openings",
        "median_wage",
        "median_wage_status",
        "education",
        "work_experience",
        "training",
    ]
    cursor.execute(f"DROP TABLE IF EXISTS {WANTED}")
    cursor.execute(
        f"""
        CREATE TEMP TABLE {WANTED} ON COMMIT DROP AS
        SELECT DISTINCT ON ({table.c("code")}) %s::bigint AS release_id,
            {table.c("code")} AS code, btrim({table.c("title")}) AS title,
            {figure("employment_base")} AS employment_base,
            {figure("employment_target")} AS employment_target,
            {figure("change")} AS change, {figure("change_percent")} AS change_percent,
            CASE WHEN {table.c("self_employed_percent")} = '{NOT_APPLICABLE}' THEN NULL
                ELSE {figure("self_employed_percent")} END AS self_employed_percent,
            {figure("openings")} AS openings,
            CASE WHEN {wage} ~ '^[0-9]+$' THEN {wage}::integer END AS median_wage,
            CASE WHEN {wage} ~ '^[0-9]+$' THEN 'available'
                WHEN {wage} = '{TOP_CODED}' THEN 'top-coded' ELSE 'not-available' END
                AS median_wage_status,
            {_category(table, "education")} AS education,
            {_category(table, "work_experience")} AS work_experience,
            {_category(table, "training")} AS training
        FROM {STAGING} s WHERE {kept} ORDER BY {table.c("code")}, s.row_no
        """,
        [release.pk],
    )
    projections = Projection._meta.db_table
    match = "t.release_id = w.release_id AND t.code = w.code"
    result.deleted = cursor.execute(
        f"DELETE FROM {projections} t WHERE t.release_id = %s AND NOT EXISTS "
        f"(SELECT 1 FROM {WANTED} w WHERE {match})",
        [release.pk],
    ).rowcount
    result.updated = cursor.execute(
        f"UPDATE {projections} t SET {', '.join(f'{f} = w.{f}' for f in fields)} "
        f"FROM {WANTED} w WHERE {match} AND ({', '.join(f't.{f}' for f in fields)}) "
        f"IS DISTINCT FROM ({', '.join(f'w.{f}' for f in fields)})"
    ).rowcount
    columns = ", ".join(["release_id", "code", *fields])
    result.inserted = cursor.execute(
        f"INSERT INTO {projections} ({columns}) SELECT {columns} FROM {WANTED} w "
        f"WHERE NOT EXISTS (SELECT 1 FROM {projections} t WHERE {match})"
    ).rowcount
    _cover(release, result)


def _cover(release: ProjectionRelease, result: ImportResult) -> None:
    """Link each projection to the occupations it stands for (see AGGREGATES)."""
    projections = dict(release.projections.values_list("code", "pk"))
    occupations = dict(
        Occupation.objects.filter(
            soc_code__isnull=False, level__in=[SocLevel.DETAILED, SocLevel.TOTAL]
        ).values_list("soc_code", "pk")
    )
    wanted = {}
    unmatched = []
    for code, projection in projections.items():
        if code in occupations:
            wanted[occupations[code]] = (projection, False)
        elif code not in AGGREGATES:
            unmatched.append(code)
        for covered in AGGREGATES.get(code, ()):
            if covered in occupations:
                wanted[occupations[covered]] = (projection, True)
            else:
                unmatched.append(covered)
    current = {
        link.occupation_id: link for link in ProjectionCoverage.objects.filter(release=release)
    }
    stale = [
        link.pk
        for occupation, link in current.items()
        if wanted.get(occupation) != (link.projection_id, link.aggregate)
    ]
    ProjectionCoverage.objects.filter(pk__in=stale).delete()
    new = [
        ProjectionCoverage(
            release=release, projection_id=projection, occupation_id=occupation, aggregate=aggregate
        )
        for occupation, (projection, aggregate) in wanted.items()
        if occupation not in current or current[occupation].pk in stale
    ]
    ProjectionCoverage.objects.bulk_create(new)
    result.covered = len(wanted)
    result.coverage_changed = len(stale) + len(new)
    result.unmatched = tuple(sorted(unmatched))


def _record(path, education, release, digest, rows, previous) -> None:
    wanted = {
        "release": release.name,
        # BLS gives the year of publication; the month is not recorded (DataPart.label).
        "released": date(release.published_year, 1, 1),
        "file": path.name + (f" + {education.file}" if education else ""),
        "digest": digest,
        "rows": rows,
    }
    if previous and all(getattr(previous, name) == value for name, value in wanted.items()):
        return
    DataPart.objects.update_or_create(
        source=DataSource.BLS_PROJECTIONS,
        part=TABLE,
        defaults={**wanted, "loaded_at": timezone.now()},
    )
