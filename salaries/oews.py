"""Import BLS OEWS estimates (BLS's own column layout) into Area, Occupation and WageEstimate.

The file goes through PostgreSQL COPY into a temporary staging table of text columns, one row
per line of the file with its row number, and everything after that is set-based SQL: checking
every cell against what BLS may put in its column, creating the areas and SOC occupations the
file introduces, and one INSERT ... ON CONFLICT DO UPDATE that writes only rows whose figures
differ. Row-by-row ORM saves would take minutes for a metro file; this takes seconds.

The whole import is one transaction, so an invalid row leaves the database exactly as it was,
and the error names the file, the row (as a person counts lines, the header being row 1) and
the column. Every occupation the import creates or changes gets a history record in the same
transaction, written in one statement, so that admin's history shows what the import did and a
revert to a version before a later edit restores the BLS classification as well.
"""

import csv
import gzip
import re
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zipfile import BadZipFile

import psycopg
from django.db import DataError, connection, models, transaction

from occupations.history import record_history
from occupations.models import Occupation, SocLevel
from occupations.slugs import unique_slug
from salaries.models import FIGURES, Area, AreaType, FigureStatus, Release, WageEstimate

STAGING = "oews_staging"
TYPED = "oews_typed"
CHUNK = 1 << 20
# Rows between progress reports while reading a workbook (openpyxl reads a few thousand a
# second); a CSV reports once per chunk read.
XLSX_PROGRESS_EVERY = 1_000

AREA_TYPES = {
    "1": AreaType.NATIONAL,
    "2": AreaType.STATE,
    "3": AreaType.TERRITORY,
    "4": AreaType.METRO,
    "6": AreaType.NONMETRO,
}
STATE_LEVEL_TYPES = {AreaType.NATIONAL, AreaType.STATE, AreaType.TERRITORY}
LEVELS = [SocLevel.TOTAL, SocLevel.MAJOR, SocLevel.MINOR, SocLevel.BROAD, SocLevel.DETAILED]
TOTAL_CODE = "00-0000"

# Rows for one industry or one kind of ownership (in BLS's "all data" files) are not what the
# site shows; only cross-industry rows for all ownerships are imported, the rest are counted.
CROSS_INDUSTRY = "cross-industry"
ALL_OWNERSHIPS = "1235"


class OEWSImportError(Exception):
    """A file that cannot be imported; the message names the file, row and column."""


@dataclass(frozen=True)
class Column:
    """A text column: what BLS puts in it, as a regular expression and in words."""

    name: str
    pattern: re.Pattern
    expected: str

    def check(self, value: str) -> str | None:
        """None if the value is valid, else what is wrong with it."""
        if self.pattern.fullmatch(value):
            return None
        return f"{_shown(value)} is not {self.expected}"


@dataclass(frozen=True)
class FigureSpec:
    """A figure column: a number that fits its WageEstimate field exactly, or a BLS marker."""

    field: str
    name: str
    markers: tuple[str, ...]
    integer: bool
    whole: int  # digits before the decimal point
    places: int  # digits after it

    @classmethod
    def of(cls, field_name: str, bls_name: str) -> "FigureSpec":
        field = WageEstimate._meta.get_field(field_name)
        markers = tuple(FIGURE_MARKERS.get(bls_name, WAGE_MARKERS))
        if isinstance(field, models.DecimalField):
            whole, places = field.max_digits - field.decimal_places, field.decimal_places
            return cls(field_name, bls_name, markers, False, whole, places)
        # Nine digits: BLS's largest figure, U.S. total employment, has nine, and an integer
        # column holds any nine-digit number.
        return cls(field_name, bls_name, markers, True, 9, 0)

    @property
    def expected(self) -> str:
        if self.integer:
            number = "a whole number like 53740"
        else:
            example = "9" * min(self.whole, 2) + "." + "5" * self.places
            number = f"a number with at most {self.places} decimal places, like {example}"
        return f"{number}, or " + " or ".join(MARKER_WORDS[marker] for marker in self.markers)

    def check(self, value: str) -> str | None:
        if value in self.markers:
            return None
        whole, dot, fraction = value.partition(".")
        if (
            re.fullmatch(r"[0-9]+", whole)
            and (not dot or re.fullmatch(r"[0-9]+", fraction))
            and len(whole) <= self.whole
            and len(fraction) <= self.places
        ):
            return None
        return f"{_shown(value)} is not {self.expected}"

    def valid_sql(self, column: str) -> str:
        """The same check in SQL, to find the first invalid row once a conversion failed."""
        markers = ", ".join(f"'{marker}'" for marker in self.markers)
        if self.integer:
            number = f"{column} ~ '^[0-9]+$' AND length({column}) <= {self.whole}"
        else:
            dot = f"strpos({column}, '.')"
            number = (
                f"{column} ~ '^[0-9]+([.][0-9]+)?$' AND CASE WHEN {dot} = 0 "
                f"THEN length({column}) <= {self.whole} "
                f"ELSE {dot} <= {self.whole + 1} AND length({column}) - {dot} <= {self.places} END"
            )
        return f"({column} IN ({markers}) OR ({number}))"

    def fits_sql(self, field: str) -> str:
        """The converted value fits its column exactly: no rounding, no overflow."""
        if self.integer:
            return f"({field} IS NULL OR {field} >= 0)"
        return (
            f"({field} IS NULL OR ({field} >= 0 AND {field} < {10**self.whole} "
            f"AND scale({field}) <= {self.places}))"
        )

    def value_sql(self, column: str) -> str:
        markers = ", ".join(f"'{marker}'" for marker in self.markers)
        cast = "integer" if self.integer else "numeric"
        return f"CASE WHEN {column} IN ({markers}) THEN NULL ELSE {column}::{cast} END"

    def status_sql(self, column: str) -> str:
        whens = " ".join(
            f"WHEN '{marker}' THEN '{MARKER_STATUS[marker]}'" for marker in self.markers
        )
        return f"CASE {column} {whens} ELSE '{FigureStatus.AVAILABLE}' END"


def _shown(value: str) -> str:
    return repr(value) if value else "empty"


MARKER_WORDS = {
    "*": "* (wage not available)",
    "**": "** (employment not available)",
    "#": "# (top-coded)",
    "": "empty (not applicable)",
}
MARKER_STATUS = {
    "*": FigureStatus.NOT_AVAILABLE,
    "**": FigureStatus.EMPLOYMENT_NOT_AVAILABLE,
    "#": FigureStatus.TOP_CODED,
    "": FigureStatus.NOT_APPLICABLE,
}

# Which markers BLS uses in which column (see the README of the data folder).
FIGURE_MARKERS = {
    "TOT_EMP": ["**"],
    "EMP_PRSE": ["**"],
    "JOBS_1000": ["**", ""],
    "LOC_QUOTIENT": ["**", ""],
    "MEAN_PRSE": ["*"],
}
WAGE_MARKERS = ["*", "#"]

AREA_COLUMNS = [
    Column("AREA", re.compile(r"[0-9]{1,7}"), "a BLS area code of 1 to 7 digits, like 99 or 06"),
    Column("AREA_TITLE", re.compile(r"\S.{0,199}", re.S), "an area name of 1 to 200 characters"),
    Column("AREA_TYPE", re.compile(r"[12346]"), "an area type: 1, 2, 3, 4 or 6"),
    Column("PRIM_STATE", re.compile(r"[A-Z]{2}"), "a two-letter state abbreviation like CA"),
]
OCCUPATION_COLUMNS = [
    Column("OCC_CODE", re.compile(r"[0-9]{2}-[0-9]{4}"), "a SOC code like 29-2072"),
    Column("OCC_TITLE", re.compile(r"\S.{0,199}", re.S), "a title of 1 to 200 characters"),
    Column(
        "O_GROUP",
        re.compile(r"total|major|minor|broad|detailed"),
        "total, major, minor, broad or detailed",
    ),
]
FLAG_COLUMNS = [
    Column("ANNUAL", re.compile(r"TRUE|", re.I), "TRUE or empty"),
    Column("HOURLY", re.compile(r"TRUE|", re.I), "TRUE or empty"),
]
FIGURE_COLUMNS = [FigureSpec.of(field, bls) for field, bls in FIGURES]
REQUIRED = [*AREA_COLUMNS, *OCCUPATION_COLUMNS, *FIGURE_COLUMNS, *FLAG_COLUMNS]


@dataclass
class ImportResult:
    file: str
    release: Release
    rows_read: int = 0
    skipped: int = 0
    inserted: int = 0
    updated: int = 0
    areas_created: int = 0
    areas_updated: int = 0
    occupations_created: int = 0
    occupations_updated: int = 0
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        return self.rows_read - self.skipped

    @property
    def unchanged(self) -> int:
        return self.imported - self.inserted - self.updated

    @property
    def changed(self) -> bool:
        return bool(
            self.inserted
            or self.updated
            or self.areas_created
            or self.areas_updated
            or self.occupations_created
            or self.occupations_updated
        )

    def summary(self) -> str:
        text = (
            f"{self.file} into {self.release.name}: {self.rows_read:,} rows read, "
            f"{self.inserted + self.updated:,} changed ({self.inserted:,} inserted, "
            f"{self.updated:,} updated), {self.unchanged:,} unchanged"
        )
        if self.skipped:
            text += f", {self.skipped:,} industry- or ownership-specific rows skipped"
        text += (
            f"; areas {self.areas_created:,} created, {self.areas_updated:,} updated; "
            f"occupations {self.occupations_created:,} created, "
            f"{self.occupations_updated:,} updated; {self.seconds:.1f} s"
        )
        return text


Progress = Callable[[str], None]


def _silent(message: str) -> None:
    pass


def release_year_from_filename(name: str) -> int | None:
    """The year in a BLS file name (oews_2025_metro.csv.gz, state_M2025_dl.xlsx), if only one."""
    years = {int(year) for year in re.findall(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])", name)}
    return years.pop() if len(years) == 1 else None


def import_oews(
    *, path: Path | str, release: Release, progress: Progress = _silent
) -> ImportResult:
    """Import one BLS OEWS file into `release`; raises OEWSImportError and writes nothing if
    the file is invalid."""
    path = Path(path)
    started = time.monotonic()
    result = ImportResult(file=path.name, release=release)
    with transaction.atomic(), connection.cursor() as cursor:
        header = _stage(cursor, path, progress)
        columns = {name: f"c{index}" for index, name in enumerate(header, start=1)}
        checker = _Checker(cursor, path.name, columns)
        result.rows_read, result.skipped = checker.count_rows()
        progress(f"Checking {result.rows_read:,} rows")
        areas, occupations = checker.areas_and_occupations()
        progress("Updating areas and occupations")
        result.areas_created, result.areas_updated = _upsert_areas(cursor, areas)
        result.occupations_created, result.occupations_updated = _upsert_occupations(
            cursor, occupations, reason=f"BLS OEWS import of {path.name}"
        )
        progress("Converting figures")
        checker.convert()
        checker.check_duplicates()
        progress(f"Writing {result.imported:,} wage rows")
        result.inserted, result.updated = write_estimates(cursor, release)
        cursor.execute(f"DROP TABLE {STAGING}, {TYPED}")
    result.seconds = time.monotonic() - started
    return result


# Staging --------------------------------------------------------------------------------------


def _create_staging(cursor, width: int) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    columns = ", ".join(f"c{index} text" for index in range(1, width + 1))
    # Row 1 is the header, so the first data row is row 2, as in a spreadsheet.
    cursor.execute(
        f"CREATE TEMP TABLE {STAGING} (row_no integer GENERATED BY DEFAULT AS IDENTITY "
        f"(START WITH 2), {columns}) ON COMMIT DROP"
    )


def _stage(cursor, path: Path, progress: Progress) -> list[str]:
    name = path.name.lower()
    if name.endswith(".xlsx"):
        return _stage_xlsx(cursor, path, progress)
    if name.endswith((".csv", ".csv.gz")):
        return _stage_csv(cursor, path, progress)
    raise OEWSImportError(
        f"{path.name}: unknown file type; use BLS's .xlsx, or .csv or .csv.gz "
        "(unzip BLS's .zip downloads first)"
    )


def _check_header(file: str, header: list[str]) -> list[str]:
    header = [str(name or "").strip().upper() for name in header]
    seen = set()
    for name in header:
        if name and name in seen:
            raise OEWSImportError(f"{file}, row 1, column {name}: the column appears twice")
        seen.add(name)
    missing = [column.name for column in REQUIRED if column.name not in seen]
    if missing:
        raise OEWSImportError(
            f"{file}, row 1: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (is this a BLS OEWS file?)"
        )
    return header


def _open_bytes(path: Path):
    try:
        if path.name.lower().endswith(".gz"):
            return gzip.open(path, "rb")
        return path.open("rb")
    except OSError as error:
        raise OEWSImportError(f"{path.name}: cannot open the file ({error.strerror})") from None


def _stage_csv(cursor, path: Path, progress: Progress) -> list[str]:
    with _open_bytes(path) as stream:
        lines_sent = 0
        try:
            chunk = stream.read(CHUNK)
            while b"\n" not in chunk and len(chunk) < 4 * CHUNK:
                more = stream.read(CHUNK)
                if not more:
                    break
                chunk += more
            if not chunk.strip():
                raise OEWSImportError(f"{path.name}: the file is empty")
            first_line = chunk.split(b"\n", 1)[0]
            try:
                header = next(csv.reader([first_line.decode("utf-8-sig").rstrip("\r")]))
            except UnicodeDecodeError:
                raise OEWSImportError(
                    f"{path.name}, row 1: the header is not UTF-8 text (save the file as CSV UTF-8)"
                ) from None
            header = _check_header(path.name, header)
            _create_staging(cursor, len(header))
            names = ", ".join(f"c{index}" for index in range(1, len(header) + 1))
            # Empty fields as '' rather than NULL: BLS's "empty" is a value of its own.
            copy_sql = (
                f"COPY {STAGING} ({names}) FROM STDIN "
                f"WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL ({names}))"
            )
            with cursor.copy(copy_sql) as copy:
                while chunk:
                    copy.write(chunk)
                    lines_sent += chunk.count(b"\n")
                    progress(f"Reading {path.name}: {lines_sent - 1:,} rows")
                    chunk = stream.read(CHUNK)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            raise OEWSImportError(
                f"{path.name}, row {lines_sent + 1}: the compressed file is damaged or "
                f"truncated ({error})"
            ) from None
        except psycopg.Error as error:
            raise _copy_error(path.name, header, error) from None
    return header


_COPY_MESSAGES = {
    "extra data after last expected column": "the row has more fields than the header",
    "unterminated CSV quoted field": "a quoted field is not closed",
}


def _copy_error(file: str, header: list[str], error: psycopg.Error) -> OEWSImportError:
    """Turn PostgreSQL's COPY error into one that names the file's row and column."""
    diag = error.diag
    where = re.search(r"line (\d+)(?:, column c(\d+))?", diag.context or "")
    message = diag.message_primary or str(error)
    missing = re.match(r'missing data for column "c(\d+)"', message)
    column = None
    if missing:
        column = header[int(missing.group(1)) - 1]
        message = "the row has fewer fields than the header"
    elif where and where.group(2):
        column = header[int(where.group(2)) - 1]
    if message.startswith("invalid byte sequence"):
        message = "the text is not UTF-8 (save the file as CSV UTF-8)"
    message = _COPY_MESSAGES.get(message, message)
    place = f"{file}, row {where.group(1)}" if where else file
    if column:
        place += f", column {column}"
    return OEWSImportError(f"{place}: {message}")


def _xlsx_text(value) -> str:
    """A spreadsheet cell as BLS's CSV would write it: numbers as numbers, markers as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr() is the shortest text that reads back as the same float: 25.84, not
        # 25.839999999999999857891452847979962825775146484375.
        return format(Decimal(repr(value)), "f")
    return str(value)


def _stage_xlsx(cursor, path: Path, progress: Progress) -> list[str]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise OEWSImportError(f"{path.name}: no such file") from None
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
        raise OEWSImportError(f"{path.name}: not a readable XLSX workbook ({error})") from None
    try:
        rows, header = _data_sheet_rows(path.name, workbook)
        header = _check_header(path.name, header)
        _create_staging(cursor, len(header))
        names = ", ".join(f"c{index}" for index in range(1, len(header) + 1))
        width = len(header)
        with cursor.copy(f"COPY {STAGING} (row_no, {names}) FROM STDIN") as copy:
            for row_no, row in rows:
                cells = [_xlsx_text(value) for value in row]
                if not any(cells):
                    continue  # a blank line at the end of a sheet
                if len(cells) > width:
                    if any(cells[width:]):
                        raise OEWSImportError(
                            f"{path.name}, row {row_no}: the row has more cells than the header"
                        )
                    cells = cells[:width]
                cells.extend([""] * (width - len(cells)))
                copy.write_row([row_no, *cells])
                if row_no % XLSX_PROGRESS_EVERY == 0:
                    progress(f"Reading {path.name}: {row_no - 1:,} rows")
    except psycopg.Error as error:
        raise _copy_error(path.name, header, error) from None
    finally:
        workbook.close()
    return header


def _data_sheet_rows(file: str, workbook) -> tuple[Iterator, list]:
    """The rows of the sheet whose first row holds BLS's column names (BLS workbooks may also
    carry a sheet of field descriptions)."""
    for sheet in workbook.worksheets:
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        first = next(rows, None)
        if first is None:
            continue
        names = {str(value).strip().upper() for value in first[1] if value is not None}
        if {"AREA", "OCC_CODE"} <= names:
            return rows, list(first[1])
    raise OEWSImportError(f"{file}: no sheet has BLS's columns (AREA, OCC_CODE, ...) in row 1")


# Checking -------------------------------------------------------------------------------------


def _kept_rows_condition(columns: dict[str, str], prefix: str = "") -> str:
    conditions = ["true"]
    if "I_GROUP" in columns:
        conditions.append(f"lower({prefix}{columns['I_GROUP']}) IN ('{CROSS_INDUSTRY}', '')")
    if "OWN_CODE" in columns:
        conditions.append(f"{prefix}{columns['OWN_CODE']} IN ('{ALL_OWNERSHIPS}', '')")
    return " AND ".join(conditions)


class _Checker:
    """Checks of the staged rows; each failure raises OEWSImportError naming row and column.

    Area and occupation columns repeat the same few hundred values, so they are checked once
    per distinct value. Figures are checked by converting them (see convert()), which the
    import has to do anyway; only when that fails is the file searched cell by cell for the
    first invalid row, and Python says which of its cells is wrong and why.
    """

    def __init__(self, cursor, file: str, columns: dict[str, str]):
        self.cursor = cursor
        self.file = file
        self.col = columns
        self.keep = _kept_rows_condition(columns)

    def fail(self, row_no, column: str, message: str):
        raise OEWSImportError(f"{self.file}, row {row_no}, column {column}: {message}")

    def count_rows(self) -> tuple[int, int]:
        rows, skipped = self.cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE NOT ({self.keep})) FROM {STAGING}"  # noqa: S608
        ).fetchone()
        if not rows:
            raise OEWSImportError(f"{self.file}: the file has a header but no rows")
        if skipped == rows:
            raise OEWSImportError(
                f"{self.file}: no cross-industry rows for all ownerships (I_GROUP "
                f"{CROSS_INDUSTRY}, OWN_CODE {ALL_OWNERSHIPS}); nothing to import"
            )
        return rows, skipped

    def find_invalid_row(self) -> int | None:
        """The first row with a figure or flag BLS would not write, checked cell by cell.

        Only needed when a conversion failed, to say where: valid files never run it."""
        annual, hourly = (f"upper({self.col[name]})" for name in ("ANNUAL", "HOURLY"))
        conditions = [figure.valid_sql(self.col[figure.name]) for figure in FIGURE_COLUMNS]
        conditions += [f"{annual} IN ('TRUE', '')", f"{hourly} IN ('TRUE', '')"]
        conditions.append(f"NOT ({annual} = 'TRUE' AND {hourly} = 'TRUE')")
        return self.cursor.execute(
            f"SELECT min(row_no) FROM {STAGING} WHERE {self.keep} "  # noqa: S608
            f"AND NOT ({' AND '.join(conditions)})"
        ).fetchone()[0]

    def convert(self) -> None:
        """Turn the kept rows into typed figures and statuses (the TYPED table), in one pass.

        The casts reject what is not a number at all, and the check that follows rejects a
        number that the database would have to round or could not hold. Either way, the
        first invalid row is then explained cell by cell.
        """
        inner, outer = [], []
        for figure in FIGURE_COLUMNS:
            column = "s." + self.col[figure.name]
            inner += [
                f"{figure.value_sql(column)} AS {figure.field}",
                f"{figure.status_sql(column)} AS {figure.field}_status",
            ]
            outer.append(figure.fits_sql(figure.field))
        inner += [f"upper(s.{self.col[name]}) AS {name.lower()}" for name in ("ANNUAL", "HOURLY")]
        outer += [
            "annual IN ('TRUE', '')",
            "hourly IN ('TRUE', '')",
            "NOT (annual = 'TRUE' AND hourly = 'TRUE')",
        ]
        sql = f"""
            CREATE TEMP TABLE {TYPED} ON COMMIT DROP AS
            SELECT t.*, ({" AND ".join(outer)}) AS valid
            FROM (
                SELECT s.row_no, a.id AS area_id, o.id AS occupation_id, {", ".join(inner)}
                FROM {STAGING} s
                JOIN {Area._meta.db_table} a ON a.code = s.{self.col["AREA"]}
                JOIN {Occupation._meta.db_table} o ON o.soc_code = s.{self.col["OCC_CODE"]}
                WHERE {_kept_rows_condition(self.col, prefix="s.")}
                OFFSET 0
            ) t
        """  # noqa: S608
        try:
            with transaction.atomic(), _hash_joins(self.cursor):
                self.cursor.execute(sql)
        except DataError as error:
            row_no = self.find_invalid_row()
            if row_no is None:
                raise OEWSImportError(f"{self.file}: {error}") from None
            self.explain_row(row_no)
        row_no = self.cursor.execute(
            f"SELECT min(row_no) FROM {TYPED} WHERE valid IS NOT TRUE"  # noqa: S608
        ).fetchone()[0]
        if row_no is not None:
            self.explain_row(row_no)

    def explain_row(self, row_no: int):
        """Say what is wrong with one row: its first invalid cell."""
        names = [column.name for column in REQUIRED]
        selected = ", ".join(self.col[name] for name in names)
        values = self.cursor.execute(
            f"SELECT {selected} FROM {STAGING} WHERE row_no = %s",  # noqa: S608
            [row_no],
        ).fetchone()
        row = dict(zip(names, values, strict=True))
        for column in REQUIRED:
            problem = column.check(row[column.name])
            if problem:
                self.fail(row_no, column.name, problem)
        if row["ANNUAL"].upper() == "TRUE" and row["HOURLY"].upper() == "TRUE":
            self.fail(row_no, "HOURLY", "ANNUAL and HOURLY cannot both be TRUE")
        raise OEWSImportError(f"{self.file}, row {row_no}: the row does not fit BLS's layout")

    def areas_and_occupations(self) -> tuple[dict[str, tuple], dict[str, tuple]]:
        """Code -> ((other values), first row) for the areas and the occupations of the file,
        each checked once, and the same on every row that names it."""
        area_names = [column.name for column in AREA_COLUMNS]
        occupation_names = [column.name for column in OCCUPATION_COLUMNS]
        area_cols = [self.col[name] for name in area_names]
        occupation_cols = [self.col[name] for name in occupation_names]
        groups = self.cursor.execute(
            f"SELECT GROUPING({area_cols[0]}), {', '.join(area_cols + occupation_cols)}, "  # noqa: S608
            f"min(row_no) FROM {STAGING} WHERE {self.keep} "
            f"GROUP BY GROUPING SETS (({', '.join(area_cols)}), ({', '.join(occupation_cols)})) "
            "ORDER BY min(row_no)"
        ).fetchall()
        areas = [(*g[1:5], g[-1]) for g in groups if g[0] == 0]
        occupations = [(*g[5:8], g[-1]) for g in groups if g[0] == 1]
        # Report the earliest bad row of either kind, as a person reading the file meets it.
        problems = [
            problem
            for problem in (
                self._first_invalid(areas, AREA_COLUMNS),
                self._first_invalid(occupations, OCCUPATION_COLUMNS),
            )
            if problem
        ]
        if problems:
            self.fail(*min(problems))
        areas = self._consistent(areas, area_names)
        occupations = self._consistent(occupations, occupation_names)
        self._check_state_areas(areas)
        self._check_levels(occupations)
        return areas, occupations

    def _first_invalid(self, groups: list[tuple], columns: list[Column]):
        for group in groups:  # in the order of their first row
            for column, value in zip(columns, group, strict=False):
                problem = column.check(value)
                if problem:
                    return group[-1], column.name, problem
        return None

    def _consistent(self, groups: list[tuple], names: list[str]) -> dict[str, tuple]:
        """Code -> (values, first row); a code given different values on different rows fails
        at the first row that disagrees with the code's first row."""
        first = {}
        for group in groups:
            key, values, row_no = group[0], group[1:-1], group[-1]
            if key in first:
                earlier_values, earlier_row = first[key]
                differs = next(i for i, value in enumerate(values) if value != earlier_values[i])
                self.fail(
                    row_no,
                    names[differs + 1],
                    f"{values[differs]!r} differs from {earlier_values[differs]!r} given for "
                    f"{names[0]} {key} in row {earlier_row}",
                )
            first[key] = (values, row_no)
        return first

    def _check_state_areas(self, areas: dict[str, tuple]) -> None:
        """One area per abbreviation among the U.S., states and territories, as in the
        database's unique constraint."""
        by_abbreviation = {}
        for code, ((_title, type_code, state), row_no) in areas.items():
            if AREA_TYPES[type_code] not in STATE_LEVEL_TYPES:
                continue
            if state in by_abbreviation:
                other_code, other_row = by_abbreviation[state]
                self.fail(
                    row_no,
                    "PRIM_STATE",
                    f"{state} is already the state of area {other_code} (row {other_row})",
                )
            by_abbreviation[state] = (code, row_no)
        clashes = Area.objects.filter(
            type__in=STATE_LEVEL_TYPES, state_abbr__in=list(by_abbreviation)
        ).exclude(code__in=[code for code, _ in by_abbreviation.values()])
        for area in clashes:
            code, row_no = by_abbreviation[area.state_abbr]
            self.fail(
                row_no,
                "PRIM_STATE",
                f"{area.state_abbr} belongs to area {area.code} ({area.name}) in the database, "
                f"not to area {code}",
            )

    def _check_levels(self, occupations: dict[str, tuple]) -> None:
        for code, ((_title, level), row_no) in occupations.items():
            if (code == TOTAL_CODE) != (level == SocLevel.TOTAL):
                self.fail(
                    row_no,
                    "O_GROUP",
                    f"{level!r} for {code}: only {TOTAL_CODE} is the total of all occupations",
                )
            if level == SocLevel.MAJOR and not code.endswith("-0000"):
                self.fail(row_no, "O_GROUP", f"'major' for {code}: major groups are NN-0000")

    def check_duplicates(self) -> None:
        duplicate = self.cursor.execute(
            f"SELECT min(row_no), max(row_no) FROM {TYPED} "  # noqa: S608
            "GROUP BY area_id, occupation_id HAVING count(*) > 1 ORDER BY max(row_no) LIMIT 1"
        ).fetchone()
        if duplicate:
            first_row, row_no = duplicate
            area, code = self.cursor.execute(
                f"SELECT {self.col['AREA']}, {self.col['OCC_CODE']} FROM {STAGING} "  # noqa: S608
                "WHERE row_no = %s",
                [row_no],
            ).fetchone()
            self.fail(
                row_no,
                "OCC_CODE",
                f"a second row for area {area} and occupation {code} "
                f"(the first is row {first_row})",
            )


@contextmanager
def _hash_joins(cursor):
    """Plan joins with the staging tables as hash joins.

    The staging tables have no statistics (ANALYZE would cost more than it saves), and on a bad
    row estimate the planner may choose nested loops that take minutes. Every staged row meets
    one area, one occupation and at most one current row: hash joins, one pass each.
    """
    cursor.execute("SET LOCAL enable_nestloop = off")
    yield
    cursor.execute("RESET enable_nestloop")


# Writing --------------------------------------------------------------------------------------


def _upsert_areas(cursor, areas: dict[str, tuple]) -> tuple[int, int]:
    """Create the areas the file introduces and bring the others' BLS name up to date."""
    wanted = {
        code: (str(AREA_TYPES[type_code]), title, state)
        for code, ((title, type_code, state), _) in areas.items()
    }
    current = {
        code: values
        for code, *values in Area.objects.filter(code__in=list(wanted)).values_list(
            "code", "type", "name", "state_abbr"
        )
    }
    # Only rows that differ reach the upsert: ON CONFLICT would lock every existing row.
    codes = [code for code, values in wanted.items() if tuple(current.get(code, ())) != values]
    if not codes:
        return 0, 0
    table = Area._meta.db_table
    rows = cursor.execute(
        f"""
        INSERT INTO {table} (code, type, name, state_abbr)
        SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[])
        ON CONFLICT (code) DO UPDATE
            SET type = EXCLUDED.type, name = EXCLUDED.name, state_abbr = EXCLUDED.state_abbr
        RETURNING xmax = 0
        """,  # noqa: S608
        [codes, *([wanted[code][i] for code in codes] for i in range(3))],
    ).fetchall()
    created = sum(1 for (inserted,) in rows if inserted)
    return created, len(rows) - created


def parent_code(code: str, level: str, levels: dict[str, str]) -> str | None:
    """The nearest enclosing SOC group that exists: broad NN-NNN0, then minor NN-NN00 or
    NN-N000 (BLS's minor groups include 15-1200), then major NN-0000. Major groups and the
    total have no parent."""
    if level in (SocLevel.TOTAL, SocLevel.MAJOR):
        return None
    rank = LEVELS.index(level)
    for candidate in (code[:6] + "0", code[:5] + "00", code[:4] + "000", code[:3] + "0000"):
        if candidate == code or candidate not in levels:
            continue
        if LEVELS.index(levels[candidate]) < rank:
            return candidate
    return None


def _upsert_occupations(cursor, occupations: dict[str, tuple], *, reason: str) -> tuple[int, int]:
    """Create the SOC occupations and groups the file introduces; bring the BLS title, level
    and group of the others up to date. A written profile keeps its own title and slug.

    Every row created or changed gets a history record saying `reason`; unchanged rows none."""
    existing = {o.soc_code: o for o in Occupation.objects.filter(soc_code__isnull=False)}
    used_slugs = set(Occupation.objects.values_list("slug", flat=True))
    new = [
        Occupation(
            soc_code=code,
            title=title,
            bls_title=title,
            level=level,
            slug=unique_slug(title, code, used_slugs),
        )
        # Detailed occupations first: when a group shares its title (41-2010 and 41-2011,
        # Cashiers), the occupation people look for gets the plain slug.
        for code, ((title, level), _) in sorted(
            occupations.items(), key=lambda item: (-LEVELS.index(item[1][0][1]), item[0])
        )
        if code not in existing
    ]
    Occupation.objects.bulk_create(new)
    created = {occupation.soc_code for occupation in new}
    existing.update((occupation.soc_code, occupation) for occupation in new)

    # Groups known from earlier files count too: a metro file lists no broad or minor groups,
    # and must not move its occupations out of the groups the national file put them in.
    levels = {code: occupation.level for code, occupation in existing.items()}
    levels.update({code: values[1] for code, (values, _) in occupations.items()})
    changes = []
    for code, ((bls_title, level), _) in occupations.items():
        occupation = existing[code]
        parent = parent_code(code, level, levels)
        parent_id = existing[parent].pk if parent else None
        # A title still equal to the BLS title was never written by a person: it follows BLS.
        follows_bls = not occupation.has_profile and occupation.title == occupation.bls_title
        title = bls_title if follows_bls else occupation.title
        wanted = (title, bls_title, level, parent_id)
        current = (occupation.title, occupation.bls_title, occupation.level, occupation.parent_id)
        if wanted != current:
            changes.append((code, occupation.pk, *wanted))
    if changes:
        # One statement for any number of rows (bulk_update's CASE grows with the square).
        cursor.execute(
            f"""
            UPDATE {Occupation._meta.db_table} o
            SET title = v.title, bls_title = v.bls_title, level = v.level,
                parent_id = v.parent_id, updated_at = now()
            FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::bigint[])
                AS v(id, title, bls_title, level, parent_id)
            WHERE o.id = v.id
            """,  # noqa: S608
            [list(column) for column in list(zip(*changes, strict=True))[1:]],
        )
    created_ids = [occupation.pk for occupation in new]
    changed_ids = [change[1] for change in changes if change[0] not in created]
    record_history(cursor, created_ids=created_ids, changed_ids=changed_ids, reason=reason)
    # New occupations get their group here too, but they count as created, not updated.
    return len(new), len(changed_ids)


def write_estimates(cursor, release, *, source: str = TYPED, figures=None) -> tuple[int, int]:
    """Write the rows of `source` that are new or differ from the database, in one statement;
    returns (inserted, updated). The one bulk write of wage rows: the import and the seed's
    table (salaries.services) both go through it.

    `source` is a table shaped like TYPED (area_id, occupation_id, every figure and its status,
    annual and hourly as 'TRUE' or ''). `figures` limits what is compared and updated on a row
    that exists (a seed table publishes three figures and must leave a BLS file's others
    alone); new rows always take every column from `source`.

    Unchanged rows are dropped by the join with the current rows before the INSERT sees them:
    ON CONFLICT DO UPDATE ... WHERE would skip them too, but only after locking each one, which
    writes to every page of the table. The ON CONFLICT clause still guards against a row that
    appeared meanwhile.
    """
    table = WageEstimate._meta.db_table
    every = [figure.field for figure in FIGURE_COLUMNS]
    chosen = every if figures is None else [field for field in every if field in figures]

    def columns(names):
        return [name for field in names for name in (field, f"{field}_status")]

    fields = [*columns(every), "annual_only", "hourly_only"]
    values = [*columns(every), "t.annual = 'TRUE'", "t.hourly = 'TRUE'"]
    compared = columns(chosen) + (["annual_only", "hourly_only"] if figures is None else [])
    compared_values = columns(chosen) + (
        ["t.annual = 'TRUE'", "t.hourly = 'TRUE'"] if figures is None else []
    )

    def row(alias, names):
        return ", ".join(name if "." in name else f"{alias}.{name}" for name in names)

    sql = f"""
        WITH written AS (
            INSERT INTO {table} (release_id, area_id, occupation_id, {", ".join(fields)})
            SELECT %(release)s, t.area_id, t.occupation_id, {row("t", values)}
            FROM {source} t
            LEFT JOIN {table} w
                ON w.release_id = %(release)s
                AND w.area_id = t.area_id
                AND w.occupation_id = t.occupation_id
            WHERE w.id IS NULL
                OR ({row("w", compared)}) IS DISTINCT FROM ({row("t", compared_values)})
            ON CONFLICT (release_id, area_id, occupation_id) DO UPDATE
                SET {", ".join(f"{name} = EXCLUDED.{name}" for name in compared)}
                WHERE ({row(table, compared)}) IS DISTINCT FROM ({row("EXCLUDED", compared)})
            RETURNING xmax = 0 AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
        FROM written
    """  # noqa: S608
    with _hash_joins(cursor):
        return cursor.execute(sql, {"release": release.pk}).fetchone()
