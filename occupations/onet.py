"""Import the O*NET database, as O*NET publishes it, into Occupation and the Onet* tables.

A source is a folder or a .zip of one O*NET release: the text release (db_30_1_text: one
tab-delimited file per part, CRLF line ends, a header row), the Excel release (db_29_0_excel:
one .xlsx per part, the same columns), or the project's facts-only fixtures (the text layout,
gzipped). Its release comes from its `Read Me.txt` ("O*NET 30.1 Database", "December 2025
Release"), and a folder or zip named like db_30_1_text must say the same. Several sources can be
imported in one run: a part given by more than one comes from the newest release, and the run
says so.

Every file goes through PostgreSQL COPY into a temporary staging table of text columns, one row
per line with its row number, and the checks are set-based SQL over it: every cell against what
O*NET puts in its column, codes against Occupation Data, duplicates that disagree. The writes
replace what each file covers and touch only rows that differ. The whole run is one
transaction: an invalid file leaves the database exactly as it was, and the error names the
file, the row (the header being row 1) and the column.

A file of another release mixed into a source is refused. O*NET's files carry no release
marker of their own, so two kinds of evidence are used: the SHA-256 of every file of the
releases this project has met (a 29.0 file in a 30.1 folder is then named for what it is), and
the Date column (MM/YYYY) that most parts carry: no row of a release can be dated after the
release's own month, so a newer file in an older folder is caught whatever its digest. Column
sets and occupation lists do not tell releases apart: 29.0 and 30.1 have the same columns and
the same 1,016 occupations.

A re-run with the same files does nothing at all: each part's digest is kept in DataPart, and a
file whose digest and release match what was loaded last is skipped.
"""

# The SQL here is assembled from this module's constants and the staging table's own column
# names (c1, c2, ...); the files' cells reach PostgreSQL only through COPY and parameters.
# ruff: noqa: S608

import gzip
import hashlib
import io
import re
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zipfile import BadZipFile, ZipFile

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from occupations.history import record_history
from occupations.models import (
    DataPart,
    DataSource,
    Occupation,
    OnetDescription,
    OnetEducation,
    OnetEducationCategory,
    OnetInterest,
    OnetJobZone,
    OnetRating,
    OnetRelated,
    OnetTask,
    OnetTechnology,
    OnetTitle,
    SocLevel,
)
from occupations.slugs import unique_slug

STAGING = "onet_staging"
WANTED = "onet_wanted"

# The CC BY 4.0 notice O*NET asks for, in its words (onet/README.md); pages add what we changed.
ATTRIBUTION = (
    "This page includes information from the {releases} by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 license. "
    "O*NET® is a trademark of USDOL/ETA."
)
CHANGES = "Ranked and summarised by Career Explorer."

# SHA-256 of the published files this project has met, with the release they belong to
# (onet/SHA256SUMS in the shared data folder).
KNOWN_FILES = {
    "e06145d5847d7d754bcb1ad3cef7be58cba848474c84e9be3d48e24759a61ce3": ("29.0", "Knowledge.xlsx"),
    "13b2aa4c08e6c9a3708d5e5ac83e13da5cc184e3798313c8942a266d00593ace": (
        "29.0",
        "Occupation Data.xlsx",
    ),
    "47c929b55153bde8c13ea8630a9834223eed3246cd77faf9d062536af8c9cd3f": (
        "29.0",
        "Related Occupations.xlsx",
    ),
    "b37610db0213ee0c885df1b7cf9022089bcddf4f99bf7322884a6b316845af74": ("29.0", "Skills.xlsx"),
    "528592356fba6dba707e6c66a36faf7cc3b2a815f478eaa23e0425fcb62c7283": (
        "30.1",
        "Alternate Titles.txt",
    ),
    "9276926ce21572ba39b8ec04aba1c884770aa514e2e0e50b9e375461aed35b52": (
        "30.1",
        "Education, Training, and Experience Categories.txt",
    ),
    "595807bd081653b31c37a518a0360b68fe28075811bdfd60f082a60b8a4f4ee1": (
        "30.1",
        "Education, Training, and Experience.txt",
    ),
    "fcf714f700c1f974f7761b9e22b9d1e068e0d83329dea747c1099d691a97aaee": ("30.1", "Interests.txt"),
    "0d705299759ff75785a3c503dc39da21db26ec652afac145c65736149d3744ea": (
        "30.1",
        "Job Zone Reference.txt",
    ),
    "7b13748f1d880dbbc6bd2a5f91bd457492f82c3f3bf9bd64909e73f600cd5fba": ("30.1", "Job Zones.txt"),
    "63e6029d3d30ff5c7cf39b5304a733b77a409e01c65ae7095fe92f6d18d74a66": (
        "30.1",
        "Occupation Data.txt",
    ),
    "af539f6f01a36e9514a0dd13cbe125df8cca1114c690505342837f338621906c": (
        "30.1",
        "Related Occupations.txt",
    ),
    "feef19fa87b666be26356b92f67d6f8d056d274dbdf3ed4a085b0708c7256f81": (
        "30.1",
        "Sample of Reported Titles.txt",
    ),
    "093fae042127cddb2913f78e54c62a7ef6b7a82578d6ea1b60f928f6893470a7": (
        "30.1",
        "Task Statements.txt",
    ),
    "a6e7ea1fb368659a3a8ffe2895d8343cbe80b61efbb2db39cb3cb0f9bd56d3b4": (
        "30.1",
        "Technology Skills.txt",
    ),
}


class OnetImportError(Exception):
    """Input that cannot be imported; the message names the file, row and column."""


Progress = Callable[[str], None]


def _silent(message: str) -> None:
    pass


def _shown(value: str) -> str:
    return repr(value) if value else "empty"


# Releases and sources ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Release:
    month: date  # the first day of the release's month; orders releases
    version: str  # "30.1"

    @property
    def label(self) -> str:
        return f"O*NET {self.version} ({self.month:%B %Y})"


MONTHS = {
    name: number
    for number, name in enumerate(
        [
            *("January", "February", "March", "April", "May", "June", "July", "August"),
            *("September", "October", "November", "December"),
        ],
        start=1,
    )
}
README = "Read Me.txt"
README_PATTERN = re.compile(
    r"O\*NET ([0-9]+\.[0-9]+) Database\s+(" + "|".join(MONTHS) + r") ([0-9]{4}) Release"
)
NAME_PATTERN = re.compile(r"db_([0-9]+)_([0-9]+)(?:_(?:text|excel))?", re.I)


def parse_readme(text: str, where: str) -> Release:
    match = README_PATTERN.search(text)
    if not match:
        raise OnetImportError(
            f"{where}: does not name an O*NET release (expected lines like "
            "'O*NET 30.1 Database' and 'December 2025 Release')"
        )
    version, month, year = match.groups()
    return Release(month=date(int(year), MONTHS[month], 1), version=version)


@dataclass(frozen=True)
class Spec:
    """What the import reads from one O*NET file."""

    part: str
    columns: tuple[str, ...]  # read; a file without one of them is refused
    optional: tuple[str, ...] = ()  # read when present
    known: tuple[str, ...] = ()  # O*NET's other columns for the file: accepted, not read


PARTS = {
    spec.part: spec
    for spec in [
        Spec("Occupation Data", ("O*NET-SOC Code", "Title"), optional=("Description",)),
        Spec(
            "Related Occupations",
            ("O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier", "Index"),
            known=("Title", "Related Title"),
        ),
        Spec(
            "Alternate Titles",
            ("O*NET-SOC Code", "Alternate Title", "Short Title", "Source(s)"),
            known=("Title",),
        ),
        Spec(
            "Sample of Reported Titles",
            ("O*NET-SOC Code", "Reported Job Title", "Shown in My Next Move"),
            known=("Title",),
        ),
        Spec(
            "Job Zone Reference",
            ("Job Zone", "Name"),
            known=("Experience", "Education", "Job Training", "Examples", "SVP Range"),
        ),
        Spec("Job Zones", ("O*NET-SOC Code", "Job Zone", "Date"), known=("Title", "Domain Source")),
        Spec(
            "Education, Training, and Experience Categories",
            ("Element ID", "Element Name", "Scale ID", "Category", "Category Description"),
            known=("Scale Name",),
        ),
        Spec(
            "Education, Training, and Experience",
            ("O*NET-SOC Code", "Element ID", "Scale ID", "Category", "Data Value", "Date"),
            known=(
                "Title",
                "Element Name",
                "Scale Name",
                "N",
                "Standard Error",
                "Lower CI Bound",
                "Upper CI Bound",
                "Recommend Suppress",
                "Domain Source",
            ),
        ),
        Spec(
            "Technology Skills",
            (
                "O*NET-SOC Code",
                "Example",
                "Commodity Code",
                "Commodity Title",
                "Hot Technology",
                "In Demand",
            ),
            known=("Title",),
        ),
        Spec(
            "Task Statements",
            ("O*NET-SOC Code", "Task ID", "Task", "Task Type", "Date"),
            known=("Title", "Incumbents Responding", "Domain Source"),
        ),
        Spec(
            "Interests",
            ("O*NET-SOC Code", "Element ID", "Scale ID", "Data Value", "Date"),
            known=("Title", "Element Name", "Scale Name", "Domain Source"),
        ),
        *(
            Spec(
                domain,
                (
                    "O*NET-SOC Code",
                    "Element ID",
                    "Element Name",
                    "Scale ID",
                    "Data Value",
                    "Not Relevant",
                    "Date",
                ),
                known=(
                    "Title",
                    "Scale Name",
                    "N",
                    "Standard Error",
                    "Lower CI Bound",
                    "Upper CI Bound",
                    "Recommend Suppress",
                    "Domain Source",
                ),
            )
            for domain in ("Skills", "Knowledge")
        ),
    ]
}
# Reference files first: the files that use their codes are checked against them.
ORDER = list(PARTS)
EXTENSIONS = {".txt": "text", ".txt.gz": "text", ".xlsx": "excel"}


@dataclass
class SourceFile:
    part: str
    name: str  # as O*NET names it: "Occupation Data.txt"
    label: str  # where it is, for messages: "db_30_1_text/Occupation Data.txt"
    kind: str  # text or excel
    release: Release
    read: Callable[[], bytes]

    def data(self) -> bytes:
        """The file's bytes (decompressed); a damaged compressed file says so."""
        try:
            return self.read()
        except (BadZipFile, EOFError, zlib.error, gzip.BadGzipFile) as error:
            raise OnetImportError(
                f"{self.label}: the compressed file is damaged or truncated ({error})"
            ) from None
        except OSError as error:
            raise OnetImportError(f"{self.label}: cannot read the file ({error})") from None


@dataclass
class Source:
    path: Path
    release: Release
    files: dict[str, SourceFile]


def _part_of(name: str) -> tuple[str, str] | None:
    for extension, kind in EXTENSIONS.items():
        if name.lower().endswith(extension):
            stem = name[: -len(extension)]
            if stem in PARTS:
                return stem, kind
    return None


def open_source(path: Path | str) -> Source:
    """The release and the O*NET files of a folder or a .zip."""
    path = Path(path)
    if path.is_dir():
        names = {entry.name: entry for entry in path.iterdir() if entry.is_file()}
        if README not in names:
            raise OnetImportError(f"{path.name}: no '{README}' (is this an O*NET download?)")
        release = parse_readme(
            names[README].read_text(encoding="utf-8", errors="replace"), f"{path.name}/{README}"
        )

        def reader(entry: Path) -> Callable[[], bytes]:
            if entry.name.lower().endswith(".gz"):
                return lambda: gzip.decompress(entry.read_bytes())
            return entry.read_bytes

        members = {name: reader(entry) for name, entry in names.items()}
    elif path.is_file() and path.suffix.lower() == ".zip":
        try:
            archive = ZipFile(path)
        except BadZipFile as error:
            raise OnetImportError(
                f"{path.name}: not a complete zip file, truncated or damaged ({error})"
            ) from None
        # O*NET's zips hold one folder (db_30_1_text/...); the names inside it count.
        entries = {
            Path(info.filename).name: info for info in archive.infolist() if not info.is_dir()
        }
        if README not in entries:
            raise OnetImportError(f"{path.name}: no '{README}' inside (is this O*NET's zip?)")

        def member(info) -> Callable[[], bytes]:
            return lambda: archive.read(info)

        members = {name: member(info) for name, info in entries.items()}
        readme = SourceFile("", README, f"{path.name}/{README}", "text", None, members[README])
        release = parse_readme(readme.data().decode("utf-8", "replace"), readme.label)
    elif not path.exists():
        raise OnetImportError(f"{path}: no such file or folder")
    else:
        raise OnetImportError(
            f"{path.name}: not an O*NET download; give its folder or its .zip "
            "(db_30_1_text.zip, db_29_0_excel.zip)"
        )
    named = NAME_PATTERN.fullmatch(path.stem if path.is_file() else path.name)
    if named and f"{int(named[1])}.{int(named[2])}" != release.version:
        raise OnetImportError(
            f"{path.name}: the name says O*NET {int(named[1])}.{int(named[2])} but its "
            f"{README} says {release.label}"
        )
    files = {}
    for name, read in sorted(members.items()):
        found = _part_of(name)
        if not found:
            continue
        part, kind = found
        if part in files:
            raise OnetImportError(
                f"{path.name}: {files[part].name} and {name} are both {part}; keep one"
            )
        files[part] = SourceFile(part, name, f"{path.name}/{name}", kind, release, read)
    if not files:
        raise OnetImportError(f"{path.name}: none of the O*NET files this import reads is there")
    return Source(path, release, files)


def choose_files(sources: list[Source]) -> tuple[list[SourceFile], list[str]]:
    """One file per part, the newest release's; and a sentence for each part given twice."""
    chosen: dict[str, SourceFile] = {}
    notes = []
    for source in sorted(sources, key=lambda source: source.release, reverse=True):
        for part, file in source.files.items():
            if part not in chosen:
                chosen[part] = file
                continue
            winner = chosen[part]
            if winner.release == file.release:
                raise OnetImportError(
                    f"{part} is in both {winner.label} and {file.label}, of the same release "
                    f"({file.release.label}); give it once"
                )
            notes.append(
                f"{part}: {winner.release.label} ({winner.label}) used, "
                f"not {file.release.label} ({file.label})"
            )
    return [chosen[part] for part in ORDER if part in chosen], notes


# Results ----------------------------------------------------------------------------------------


@dataclass
class PartResult:
    part: str
    file: str
    release: Release
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: bool = False

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted

    def summary(self) -> str:
        if self.skipped:
            return f"{self.part} ({self.release.label}): the same file as last time, skipped"
        return (
            f"{self.part} ({self.release.label}, {self.file}): {self.rows:,} rows read, "
            f"{self.inserted:,} inserted, {self.updated:,} updated, {self.deleted:,} deleted"
        )


@dataclass
class ImportResult:
    parts: list[PartResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    occupations_created: int = 0
    occupations_updated: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(
            self.occupations_created
            or self.occupations_updated
            or any(part.changed for part in self.parts)
        )

    def summary(self) -> str:
        lines = [*self.notes, *(part.summary() for part in self.parts)]
        lines.append(
            f"Occupations: {self.occupations_created:,} created, "
            f"{self.occupations_updated:,} updated; {self.seconds:.1f} s"
        )
        return "\n".join(lines)


# The import -------------------------------------------------------------------------------------


def import_onet(
    *, paths: list[Path | str], force: bool = False, progress: Progress = _silent
) -> ImportResult:
    """Import O*NET folders or zips; raises OnetImportError and writes nothing if any file is
    invalid. force=True re-checks and rewrites files whose digest says they were loaded."""
    started = time.monotonic()
    sources = [open_source(path) for path in paths]
    files, notes = choose_files(sources)
    result = ImportResult(notes=notes)
    loaded = {part.part: part for part in DataPart.objects.filter(source=DataSource.ONET)}
    with transaction.atomic(), connection.cursor() as cursor:
        for file in files:
            data = file.data()
            digest = hashlib.sha256(data).hexdigest()
            _check_known_digest(file, digest)
            part = PartResult(file.part, file.label, file.release)
            result.parts.append(part)
            previous = loaded.get(file.part)
            if (
                not force
                and previous
                and (previous.digest, previous.release) == (digest, file.release.version)
            ):
                part.skipped = True
                continue
            progress(f"Reading {file.label}")
            stage = _Staged(cursor, file, data, progress)
            part.rows = stage.rows
            progress(f"Checking {file.label}")
            PART_IMPORTERS[file.part](stage, part, result)
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}, {WANTED}")
            _record(file, digest, part.rows, loaded)
    result.seconds = time.monotonic() - started
    return result


def _record(file: SourceFile, digest: str, rows: int, loaded: dict) -> None:
    wanted = {
        "release": file.release.version,
        "released": file.release.month,
        "file": file.label,
        "digest": digest,
        "rows": rows,
    }
    current = loaded.get(file.part)
    if current and all(getattr(current, name) == value for name, value in wanted.items()):
        return
    DataPart.objects.update_or_create(
        source=DataSource.ONET,
        part=file.part,
        defaults={**wanted, "loaded_at": timezone.now()},
    )


def _check_known_digest(file: SourceFile, digest: str) -> None:
    known = KNOWN_FILES.get(digest)
    if known and known[0] != file.release.version:
        version, name = known
        raise OnetImportError(
            f"{file.label}: this is {name} of O*NET {version} (its SHA-256 says so), not part "
            f"of {file.release.label} like the rest of its folder; keep each release in a "
            "folder of its own"
        )


# Staging ----------------------------------------------------------------------------------------


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Staged:
    """One file in the staging table, its columns checked against what O*NET names them."""

    def __init__(self, cursor, file: SourceFile, data: bytes, progress: Progress):
        self.cursor, self.file, self.label = cursor, file, file.label
        self.spec = PARTS[file.part]
        if file.kind == "excel":
            header, rows = self._excel_rows(data)
        else:
            header, rows = self._text_header(data), None
        self.header = header
        self.col = self._columns(header)
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        columns = ", ".join(f"c{index} text" for index in range(1, len(header) + 1))
        # Row 1 is the header, so the first data row is row 2, as a person counts lines.
        cursor.execute(
            f"CREATE TEMP TABLE {STAGING} (row_no integer GENERATED BY DEFAULT AS IDENTITY "
            f"(START WITH 2), {columns}) ON COMMIT DROP"
        )
        names = ", ".join(f"c{index}" for index in range(1, len(header) + 1))
        try:
            if rows is None:
                # O*NET's text is tab-delimited with no quoting at all: CSV mode with a quote
                # character that never occurs reads every field literally, and CRLF is a line end.
                copy_sql = (
                    f"COPY {STAGING} ({names}) FROM STDIN WITH (FORMAT csv, DELIMITER E'\\t', "
                    f"QUOTE E'\\x01', HEADER true, FORCE_NOT_NULL ({names}))"
                )
                with cursor.copy(copy_sql) as copy:
                    copy.write(data)
            else:
                with cursor.copy(f"COPY {STAGING} (row_no, {names}) FROM STDIN") as copy:
                    for row_no, row in rows:
                        copy.write_row([row_no, *row])
        except psycopg.Error as error:
            raise self._copy_error(error) from None
        self.rows = cursor.execute(f"SELECT count(*) FROM {STAGING}").fetchone()[0]
        if not self.rows:
            raise OnetImportError(f"{self.label}: the file has a header but no rows")

    def _text_header(self, data: bytes) -> list[str]:
        if not data.strip():
            raise OnetImportError(f"{self.label}: the file is empty")
        first = data.split(b"\n", 1)[0].rstrip(b"\r")
        try:
            return first.decode("utf-8-sig").split("\t")
        except UnicodeDecodeError:
            raise OnetImportError(f"{self.label}, row 1: the header is not UTF-8 text") from None

    def _excel_rows(self, data: bytes) -> tuple[list[str], Iterator]:
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = workbook.get_sheet_by_index(0).to_python()
        except (CalamineError, ValueError, OSError) as error:
            raise OnetImportError(
                f"{self.label}: not a readable Excel workbook ({error})"
            ) from None
        if not sheet or not any(sheet[0]):
            raise OnetImportError(f"{self.label}: the file is empty")
        header = [_xlsx_text(value) for value in sheet[0]]
        while header and not header[-1]:
            header.pop()
        width = len(header)

        def rows():
            for row_no, row in enumerate(sheet[1:], start=2):
                cells = [_xlsx_text(value) for value in row]
                if not any(cells):
                    continue  # a blank line at the end of a sheet
                if any(cells[width:]):
                    raise OnetImportError(
                        f"{self.label}, row {row_no}: the row has more cells than the header"
                    )
                cells = cells[:width] + [""] * (width - len(cells))
                yield row_no, cells

        return header, rows()

    def _columns(self, header: list[str]) -> dict[str, str]:
        """O*NET's column name -> staging column, for the columns the import reads."""
        header = [name.strip() for name in header]
        spec = self.spec
        allowed = {*spec.columns, *spec.optional, *spec.known}
        seen = set()
        for name in header:
            if name in seen:
                raise OnetImportError(
                    f"{self.label}, row 1, column {name}: the column appears twice"
                )
            seen.add(name)
            if name not in allowed:
                raise OnetImportError(
                    f"{self.label}, row 1, column {_shown(name)}: not a column of O*NET's "
                    f"{spec.part} (expected {', '.join(spec.columns)})"
                )
        missing = [name for name in spec.columns if name not in seen]
        if missing:
            raise OnetImportError(
                f"{self.label}, row 1: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (O*NET's {spec.part} has "
                f"{', '.join(spec.columns)})"
            )
        return {name: f"c{index}" for index, name in enumerate(header, start=1) if name in seen}

    def _copy_error(self, error: psycopg.Error) -> OnetImportError:
        diag = error.diag
        where = re.search(r"line (\d+)(?:, column c(\d+))?", diag.context or "")
        message = diag.message_primary or str(error)
        missing = re.match(r'missing data for column "c(\d+)"', message)
        column = None
        if missing:
            column = self.header[int(missing.group(1)) - 1]
            message = "the row has fewer fields than the header"
        elif message.startswith("extra data after last expected column"):
            message = "the row has more fields than the header"
        elif where and where.group(2):
            column = self.header[int(where.group(2)) - 1]
        if message.startswith("invalid byte sequence"):
            message = "the text is not UTF-8"
        place = f"{self.label}, row {where.group(1)}" if where else self.label
        if column:
            place += f", column {column}"
        return OnetImportError(f"{place}: {message}")

    # Checks -----------------------------------------------------------------------------------

    def fail(self, row_no, column: str, message: str):
        raise OnetImportError(f"{self.label}, row {row_no}, column {column}: {message}")

    def value(self, row_no: int, column: str) -> str:
        return self.cursor.execute(
            f"SELECT {self.col[column]} FROM {STAGING} WHERE row_no = %s",
            [row_no],
        ).fetchone()[0]

    def check_patterns(self, patterns: dict[str, tuple[str, str]]) -> None:
        """Every cell of these columns matches its pattern; the first row that does not (in
        one pass over the table) is named with its column and value."""
        names = [name for name in patterns if name in self.col]
        selects = ", ".join(f"min(row_no) FILTER (WHERE {self.col[name]} !~ %s)" for name in names)
        firsts = self.cursor.execute(
            f"SELECT {selects} FROM {STAGING}",
            [f"^(?:{patterns[name][0]})$" for name in names],
        ).fetchone()
        failures = [(row_no, name) for row_no, name in zip(firsts, names, strict=True) if row_no]
        if failures:
            row_no, name = min(failures, key=lambda failure: (failure[0], names.index(failure[1])))
            self.fail(
                row_no, name, f"{_shown(self.value(row_no, name))} is not {patterns[name][1]}"
            )

    def check_sql(self, column: str, bad: str, message: Callable[[str], str]) -> None:
        """The first row where the SQL condition `bad` holds fails, naming `column`."""
        row_no = self.cursor.execute(f"SELECT min(row_no) FROM {STAGING} s WHERE {bad}").fetchone()[
            0
        ]
        if row_no:
            self.fail(row_no, column, message(self.value(row_no, column)))

    def check_dates(self) -> None:
        """No row is dated after its release's month: such a file is from a later release."""
        if "Date" not in self.col:
            return
        self.check_patterns({"Date": (DATE, "a month like 08/2023 (MM/YYYY)")})
        release = self.file.release
        column = self.col["Date"]
        self.check_sql(
            "Date",
            f"to_date({column}, 'MM/YYYY') > DATE '{release.month.isoformat()}'",
            lambda value: (
                f"{value} is after {release.label}: this file is from a later release than "
                "the rest of its folder; keep each release in a folder of its own"
            ),
        )

    def check_codes(self, column: str = "O*NET-SOC Code") -> None:
        """Every code names an occupation that Occupation Data gave (now or earlier)."""
        self.check_sql(
            column,
            f"NOT EXISTS (SELECT 1 FROM {Occupation._meta.db_table} o "
            f"WHERE o.onet_code = s.{self.col[column]})",
            lambda value: (
                f"{value} is not in Occupation Data (import Occupation Data with it, or "
                "correct the code)"
            ),
        )

    def check_disagreeing(self, keys: list[str], values: list[str]) -> None:
        """Rows with the same key must say the same; exact repeats are read once."""
        key = ", ".join(self.col[name] for name in keys)
        vals = ", ".join(self.col[name] for name in values)
        found = self.cursor.execute(
            f"""
            WITH firsts AS (
                SELECT DISTINCT ON ({key}) row_no, {key}, {vals} FROM {STAGING}
                ORDER BY {key}, row_no
            )
            SELECT s.row_no, f.row_no FROM {STAGING} s JOIN firsts f USING ({key})
            WHERE s.row_no <> f.row_no
                AND ({", ".join(f"s.{self.col[n]}" for n in values)})
                    IS DISTINCT FROM ({", ".join(f"f.{self.col[n]}" for n in values)})
            ORDER BY s.row_no LIMIT 1
            """
        ).fetchone()
        if found:
            row_no, first_row = found
            for name in values:
                value, first = self.value(row_no, name), self.value(first_row, name)
                if value != first:
                    described = ", ".join(f"{n} {self.value(row_no, n)}" for n in keys)
                    self.fail(
                        row_no,
                        name,
                        f"{_shown(value)} disagrees with {_shown(first)} in row {first_row} "
                        f"for the same {described}",
                    )

    def distinct(self, keys: list[str]) -> str:
        """FROM clause of the staged rows, one per key (exact repeats read once)."""
        key = ", ".join(self.col[name] for name in keys)
        return f"(SELECT DISTINCT ON ({key}) * FROM {STAGING} ORDER BY {key}, row_no) s"

    def c(self, name: str) -> str:
        return f"s.{self.col[name]}"


# Cell patterns (PostgreSQL and Python read them alike) -----------------------------------------

CODE = (r"[0-9]{2}-[0-9]{4}\.[0-9]{2}", "an O*NET-SOC code like 29-2072.00")
DATE = r"(0[1-9]|1[0-2])/[0-9]{4}"
ELEMENT = (r"[0-9]+(\.[0-9A-Za-z]+)+", "an O*NET element ID like 2.A.1.a")
YES_NO = (r"[YN]", "Y or N")


def text(max_length: int | None, what: str = "a title") -> tuple[str, str]:
    """Text that does not start with a space; PostgreSQL's regular expressions count to 255."""
    if max_length is None:
        return (r"\S.*", f"{what}, not empty")
    return (rf"\S.{{0,{max_length - 1}}}", f"{what} of 1 to {max_length} characters")


def number(whole: int, places: int, example: str) -> tuple[str, str]:
    return (
        rf"[0-9]{{1,{whole}}}(\.[0-9]{{1,{places}}})?",
        f"a number like {example} (at most {places} decimals)",
    )


# Writing ----------------------------------------------------------------------------------------


def _sync(
    cursor,
    model,
    *,
    keys: list[str],
    values: list[str],
    select: str,
    scope: str = "true",
) -> tuple[int, int, int]:
    """Make `model`'s rows within `scope` exactly the rows of `select` (columns keys + values):
    delete the rows it lacks, update the rows that differ, insert the new ones. Unchanged rows
    are not touched, so a second run writes nothing."""
    table = model._meta.db_table
    cursor.execute(f"DROP TABLE IF EXISTS {WANTED}")
    cursor.execute(f"CREATE TEMP TABLE {WANTED} ON COMMIT DROP AS {select}")
    match = " AND ".join(f"t.{key} = w.{key}" for key in keys)
    deleted = cursor.execute(
        f"DELETE FROM {table} t WHERE ({scope}) AND NOT EXISTS "
        f"(SELECT 1 FROM {WANTED} w WHERE {match})"
    ).rowcount
    updated = 0
    if values:
        updated = cursor.execute(
            f"UPDATE {table} t SET {', '.join(f'{v} = w.{v}' for v in values)} "
            f"FROM {WANTED} w WHERE {match} AND ({scope}) AND "
            f"({', '.join(f't.{v}' for v in values)}) IS DISTINCT FROM "
            f"({', '.join(f'w.{v}' for v in values)})"
        ).rowcount
    columns = ", ".join([*keys, *values])
    inserted = cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {WANTED} w "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {match} AND ({scope}))"
    ).rowcount
    return inserted, updated, deleted


def _occupation_id(code_sql: str) -> str:
    return f"(SELECT o.id FROM {Occupation._meta.db_table} o WHERE o.onet_code = {code_sql})"


def _apply(part: PartResult, counts: tuple[int, int, int]) -> None:
    inserted, updated, deleted = counts
    part.inserted += inserted
    part.updated += updated
    part.deleted += deleted


# Occupation Data ----------------------------------------------------------------------------


def _soc_parent(code: str, levels: dict[str, str]) -> str | None:
    """The nearest SOC group of a detailed occupation that the database has: broad NN-NNN0,
    minor NN-NN00 or NN-N000, major NN-0000 (as salaries/oews.py places BLS's rows)."""
    wanted = [
        (code[:6] + "0", SocLevel.BROAD),
        (code[:5] + "00", SocLevel.MINOR),
        (code[:4] + "000", SocLevel.MINOR),
        (code[:3] + "0000", SocLevel.MAJOR),
    ]
    for candidate, level in wanted:
        if candidate != code and levels.get(candidate) == level:
            return candidate
    return None


def _import_occupation_data(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    stage.check_patterns({"O*NET-SOC Code": CODE, "Title": text(200)})
    has_description = "Description" in stage.col
    stage.check_disagreeing(
        ["O*NET-SOC Code"], ["Title", *(["Description"] if has_description else [])]
    )
    rows = stage.cursor.execute(
        f"SELECT {stage.c('O*NET-SOC Code')}, {stage.c('Title')}, min(s.row_no) "
        f"FROM {STAGING} s GROUP BY 1, 2 ORDER BY 1"
    ).fetchall()
    codes = {code: (title, row_no) for code, title, row_no in rows}

    by_soc = {o.soc_code: o for o in Occupation.objects.filter(soc_code__isnull=False)}
    by_onet = {o.onet_code: o for o in Occupation.objects.filter(onet_code__isnull=False)}
    used_slugs = set(Occupation.objects.values_list("slug", flat=True))
    levels = {code: o.level for code, o in by_soc.items()}

    # SOC occupations O*NET names that the database lacks: created, detailed, in their group.
    new = []
    for code, (title, _) in codes.items():
        soc = code[:7]
        if code.endswith(".00") and soc not in by_soc:
            group = _soc_parent(soc, levels)
            new.append(
                Occupation(
                    soc_code=soc,
                    title=title,
                    level=SocLevel.DETAILED,
                    onet_code=code,
                    onet_title=title,
                    parent=by_soc[group] if group else None,
                    slug=unique_slug(title, soc, used_slugs),
                )
            )
    Occupation.objects.bulk_create(new)
    for occupation in new:
        by_soc[occupation.soc_code] = occupation

    # Specialties: rows of their own under their SOC occupation.
    specialties = []
    for code, (title, row_no) in codes.items():
        if code.endswith(".00") or code in by_onet:
            continue
        parent = by_soc.get(code[:7])
        if parent is None:
            stage.fail(
                row_no,
                "O*NET-SOC Code",
                f"{code} is a specialty of SOC occupation {code[:7]}, which neither the file "
                f"({code[:7]}.00) nor the database has",
            )
        specialties.append(
            Occupation(
                title=title,
                onet_code=code,
                onet_title=title,
                parent=parent,
                slug=unique_slug(title, code, used_slugs),
            )
        )
    Occupation.objects.bulk_create(specialties)
    created = [o.pk for o in new + specialties]
    for occupation in specialties:
        by_onet[occupation.onet_code] = occupation

    changes = []
    for code, (title, _) in codes.items():
        occupation = by_soc[code[:7]] if code.endswith(".00") else by_onet[code]
        if occupation.pk in created:
            continue
        # A title nobody changed since O*NET gave it follows O*NET; a SOC occupation's
        # title belongs to BLS (import_oews) or to its editors otherwise.
        follows = (
            not occupation.has_profile
            and occupation.title == occupation.onet_title
            and (occupation.soc_code is None or occupation.bls_title == "")
        )
        wanted_title = title if follows else occupation.title
        parent_id = occupation.parent_id
        if not code.endswith(".00"):
            parent_id = by_soc[code[:7]].pk
        wanted = (wanted_title, code, title, parent_id)
        current = (
            occupation.title,
            occupation.onet_code,
            occupation.onet_title,
            occupation.parent_id,
        )
        if wanted != current:
            changes.append((occupation.pk, *wanted))
    if changes:
        stage.cursor.execute(
            f"""
            UPDATE {Occupation._meta.db_table} o
            SET title = v.title, onet_code = v.onet_code, onet_title = v.onet_title,
                parent_id = v.parent_id, updated_at = now()
            FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::bigint[])
                AS v(id, title, onet_code, onet_title, parent_id)
            WHERE o.id = v.id
            """,
            [list(column) for column in zip(*changes, strict=True)],
        )
    updated = [change[0] for change in changes if change[0] not in created]
    record_history(
        stage.cursor,
        created_ids=created,
        changed_ids=updated,
        reason=f"O*NET import of {stage.label}",
    )
    result.occupations_created += len(created)
    result.occupations_updated += len(updated)
    part.inserted, part.updated = len(created), len(updated)

    if has_description:
        # Only a file with O*NET's Description column speaks for descriptions: the facts-only
        # fixtures leave out the column and with it any say over the descriptions imported.
        _apply(
            part,
            _sync(
                stage.cursor,
                OnetDescription,
                keys=["occupation_id"],
                values=["text"],
                select=f"SELECT {_occupation_id(stage.c('O*NET-SOC Code'))} AS occupation_id, "
                f"{stage.c('Description')} AS text FROM {stage.distinct(['O*NET-SOC Code'])} "
                f"WHERE {stage.c('Description')} <> ''",
            ),
        )


# The other parts ----------------------------------------------------------------------------


TIERS = {"Primary-Short": "primary-short", "Primary-Long": "primary-long"}
TIERS["Supplemental"] = "supplemental"


def _import_related(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    stage.check_patterns(
        {
            "O*NET-SOC Code": CODE,
            "Related O*NET-SOC Code": CODE,
            "Relatedness Tier": ("|".join(TIERS), "Primary-Short, Primary-Long or Supplemental"),
            "Index": (r"[1-9]|1[0-9]|20", "a whole number from 1 to 20"),
        }
    )
    stage.check_codes()
    stage.check_codes("Related O*NET-SOC Code")
    stage.check_sql(
        "Related O*NET-SOC Code",
        f"{stage.c('Related O*NET-SOC Code')} = {stage.c('O*NET-SOC Code')}",
        lambda value: f"{value} is the occupation itself",
    )
    stage.check_disagreeing(
        ["O*NET-SOC Code", "Related O*NET-SOC Code"], ["Relatedness Tier", "Index"]
    )
    stage.check_disagreeing(["O*NET-SOC Code", "Index"], ["Related O*NET-SOC Code"])
    tier = "CASE " + " ".join(
        f"WHEN {stage.c('Relatedness Tier')} = '{label}' THEN '{value}'"
        for label, value in TIERS.items()
    )
    _apply(
        part,
        _sync(
            stage.cursor,
            OnetRelated,
            keys=["occupation_id", "related_id"],
            values=["tier", "index"],
            select=f"SELECT {_occupation_id(stage.c('O*NET-SOC Code'))} AS occupation_id, "
            f"{_occupation_id(stage.c('Related O*NET-SOC Code'))} AS related_id, "
            f"{tier} END AS tier, {stage.c('Index')}::smallint AS index "
            f"FROM {stage.distinct(['O*NET-SOC Code', 'Related O*NET-SOC Code'])}",
        ),
    )


def _import_alternate_titles(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    stage.check_patterns(
        {
            "O*NET-SOC Code": CODE,
            "Alternate Title": text(200),
            "Short Title": (r"n/a|\S.{0,99}", "a short title of 1 to 100 characters, or n/a"),
            "Source(s)": (r"[0-9]{2}(,[0-9]{2}){0,12}", "O*NET source codes like 04,06"),
        }
    )
    stage.check_codes()
    stage.check_disagreeing(["O*NET-SOC Code", "Alternate Title"], ["Short Title", "Source(s)"])
    short = stage.c("Short Title")
    _apply(
        part,
        _sync(
            stage.cursor,
            OnetTitle,
            keys=["occupation_id", "kind", "title"],
            values=["short_title", "sources", "shown_in_my_next_move"],
            select=f"SELECT {_occupation_id(stage.c('O*NET-SOC Code'))} AS occupation_id, "
            f"'alternate'::text AS kind, {stage.c('Alternate Title')} AS title, "
            f"CASE WHEN {short} = 'n/a' THEN '' ELSE {short} END AS short_title, "
            f"{stage.c('Source(s)')} AS sources, false AS shown_in_my_next_move "
            f"FROM {stage.distinct(['O*NET-SOC Code', 'Alternate Title'])}",
            scope="t.kind = 'alternate'",
        ),
    )


def _import_reported_titles(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    stage.check_patterns(
        {
            "O*NET-SOC Code": CODE,
            "Reported Job Title": text(200),
            "Shown in My Next Move": YES_NO,
        }
    )
    stage.check_codes()
    stage.check_disagreeing(["O*NET-SOC Code", "Reported Job Title"], ["Shown in My Next Move"])
    _apply(
        part,
        _sync(
            stage.cursor,
            OnetTitle,
            keys=["occupation_id", "kind", "title"],
            values=["short_title", "sources", "shown_in_my_next_move"],
            select=f"SELECT {_occupation_id(stage.c('O*NET-SOC Code'))} AS occupation_id, "
            f"'reported'::text AS kind, {stage.c('Reported Job Title')} AS title, "
            f"''::text AS short_title, ''::text AS sources, "
            f"{stage.c('Shown in My Next Move')} = 'Y' AS shown_in_my_next_move "
            f"FROM {stage.distinct(['O*NET-SOC Code', 'Reported Job Title'])}",
            scope="t.kind = 'reported'",
        ),
    )


def _import_job_zone_reference(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    # Read to check the zones Job Zones uses; its sentences are O*NET's and are not kept.
    stage.check_patterns({"Job Zone": (r"[1-5]", "a Job Zone from 1 to 5"), "Name": text(100)})
    stage.check_disagreeing(["Job Zone"], ["Name"])
    zones = {
        row[0]
        for row in stage.cursor.execute(f"SELECT {stage.c('Job Zone')} FROM {STAGING} s").fetchall()
    }
    missing = sorted({"1", "2", "3", "4", "5"} - zones)
    if missing:
        raise OnetImportError(f"{stage.label}: Job Zone {', '.join(missing)} is missing")


def _import_job_zones(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    stage.check_patterns({"O*NET-SOC Code": CODE, "Job Zone": (r"[1-5]", "a Job Zone from 1 to 5")})
    stage.check_dates()
    stage.check_codes()
    stage.check_disagreeing(["O*NET-SOC Code"], ["Job Zone"])
    _apply(
        part,
        _sync(
            stage.cursor,
            OnetJobZone,
            keys=["occupation_id"],
            values=["zone"],
            select=f"SELECT {_occupation_id(stage.c('O*NET-SOC Code'))} AS occupation_id, "
            f"{stage.c('Job Zone')}::smallint AS zone "
            f"FROM {stage.distinct(['O*NET-SOC Code'])}",
        ),
    )


EDUCATION_SCALES = ("RL", "RW", "PT", "OJ")


def _import_education_categories(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    stage.check_patterns(
        {
            "Element ID": ELEMENT,
            "Scale ID": (r"[A-Z]{2,3}", "an O*NET scale ID like RL"),
            "Category": (r"[0-9]{1,2}", "a category number"),
            "Category Description": text(None, "a description"),
        }
    )
    stage.check_disagreeing(["Scale ID", "Category"], ["Category Description"])
    scales = ", ".join(f"'{scale}'" for scale in EDUCATION_SCALES)
    # The label is O*NET's name of the category, before " - " and the definition after it.
    _apply(
        part,
        _sync(
            stage.cursor,
            OnetEducationCategory,
            keys=["scale", "category"],
            values=["label"],
            select=f"SELECT {stage.c('Scale ID')} AS scale, "
            f"{stage.c('Category')}::smallint AS category, "
            f"left(split_part({stage.c('Category Description')}, ' - ', 1), 100) AS label "
            f"FROM {stage.distinct(['Scale ID', 'Category'])} "
            f"WHERE {stage.c('Scale ID')} IN ({scales})",
        ),
    )


def _import_education(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    stage.check_patterns(
        {
            "O*NET-SOC Code": CODE,
            "Element ID": ELEMENT,
            "Scale ID": (r"RL|RW|PT|OJ|IM", "RL, RW, PT, OJ or IM"),
            "Category": (r"[0-9]{1,2}|n/a", "a category number or n/a"),
            "Data Value": number(3, 2, "22.50"),
        }
    )
    stage.check_dates()
    stage.check_codes()
    scales = ", ".join(f"'{scale}'" for scale in EDUCATION_SCALES)
    scale, category = stage.c("Scale ID"), stage.c("Category")
    stage.check_sql(
        "Category",
        f"{scale} IN ({scales}) AND NOT EXISTS (SELECT 1 FROM "
        f"{OnetEducationCategory._meta.db_table} c WHERE c.scale = {scale} "
        f"AND c.category::text = {category})",
        lambda value: (
            f"{_shown(value)} is not a category of its scale in Education, Training, and "
            "Experience Categories"
        ),
    )
    stage.check_sql(
        "Data Value",
        f"{scale} IN ({scales}) AND {stage.c('Data Value')}::numeric > 100",
        lambda value: f"{value} is not a percentage from 0 to 100",
    )
    stage.check_disagreeing(
        ["O*NET-SOC Code", "Element ID", "Scale ID", "Category"], ["Data Value"]
    )
    _apply(
        part,
        _sync(
            stage.cursor,
            OnetEducation,
            keys=["occupation_id", "scale", "category"],
            values=["percent"],
            select=f"SELECT {_occupation_id(stage.c('O*NET-SOC Code'))} AS occupation_id, "
            f"{scale} AS scale, {category}::smallint AS category, "
            f"{stage.c('Data Value')}::numeric(5, 2) AS percent "
            f"FROM {stage.distinct(['O*NET-SOC Code', 'Scale ID', 'Category'])} "
            f"WHERE {scale} IN ({scales})",
        ),
    )


def _import_technology(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    stage.check_patterns(
        {
            "O*NET-SOC Code": CODE,
            "Example": text(200, "a name"),
            "Commodity Code": (r"[0-9]{8}", "an eight-digit UNSPSC commodity code"),
            "Commodity Title": text(200),
            "Hot Technology": YES_NO,
            "In Demand": YES_NO,
        }
    )
    stage.check_codes()
    stage.check_disagreeing(
        ["O*NET-SOC Code", "Example"],
        ["Commodity Code", "Commodity Title", "Hot Technology", "In Demand"],
    )
    _apply(
        part,
        _sync(
            stage.cursor,
            OnetTechnology,
            keys=["occupation_id", "example"],
            values=["commodity_code", "commodity_title", "hot", "in_demand"],
            select=f"SELECT {_occupation_id(stage.c('O*NET-SOC Code'))} AS occupation_id, "
            f"{stage.c('Example')} AS example, "
            f"{stage.c('Commodity Code')}::integer AS commodity_code, "
            f"{stage.c('Commodity Title')} AS commodity_title, "
            f"{stage.c('Hot Technology')} = 'Y' AS hot, {stage.c('In Demand')} = 'Y' AS in_demand "
            f"FROM {stage.distinct(['O*NET-SOC Code', 'Example'])}",
        ),
    )


TASK_TYPES = {"Core": "core", "Supplemental": "supplemental", "n/a": ""}


def _import_tasks(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    stage.check_patterns(
        {
            "O*NET-SOC Code": CODE,
            "Task ID": (r"[0-9]{1,9}", "a task number"),
            "Task": text(None, "a task statement"),
            "Task Type": ("|".join(TASK_TYPES), "Core, Supplemental or n/a"),
        }
    )
    stage.check_dates()
    stage.check_codes()
    stage.check_disagreeing(["Task ID"], ["O*NET-SOC Code", "Task", "Task Type"])
    kind = "CASE " + " ".join(
        f"WHEN {stage.c('Task Type')} = '{label}' THEN '{value}'"
        for label, value in TASK_TYPES.items()
    )
    _apply(
        part,
        _sync(
            stage.cursor,
            OnetTask,
            keys=["task_id"],
            values=["occupation_id", "text", "type"],
            select=f"SELECT {stage.c('Task ID')}::integer AS task_id, "
            f"{_occupation_id(stage.c('O*NET-SOC Code'))} AS occupation_id, "
            f"{stage.c('Task')} AS text, {kind} END AS type "
            f"FROM {stage.distinct(['Task ID'])}",
        ),
    )


# O*NET's interest elements: 1.B.1.a-f are the RIASEC scores (OI), 1.B.1.g-i the first, second
# and third high-point interests (IH), whose value is the interest's place in RIASEC order
# (1 Realistic ... 6 Conventional), 0 for none.
INTEREST_ELEMENTS = {
    f"1.B.1.{letter}": code for letter, code in zip("abcdef", "RIASEC", strict=True)
}
HIGH_POINTS = {"1.B.1.g": 1, "1.B.1.h": 2, "1.B.1.i": 3}


def _import_interests(stage: _Staged, part: PartResult, result: ImportResult) -> None:
    elements = "|".join(re.escape(e) for e in [*INTEREST_ELEMENTS, *HIGH_POINTS])
    stage.check_patterns(
        {
            "O*NET-SOC Code": CODE,
            "Element ID": (elements, "an interest element, 1.B.1.a to 1.B.1.i"),
            "Scale ID": (r"OI|IH", "OI or IH"),
            "Data Value": number(1, 2, "3.52"),
        }
    )
    stage.check_dates()
    stage.check_codes()
    element, scale, value = stage.c("Element ID"), stage.c("Scale ID"), stage.c("Data Value")
    scores = ", ".join(f"'{e}'" for e in INTEREST_ELEMENTS)
    stage.check_sql(
        "Scale ID",
        f"({element} IN ({scores})) <> ({scale} = 'OI')",
        lambda value: f"{value} is not the scale of its element (OI for 1.B.1.a-f, IH for g-i)",
    )
    stage.check_sql(
        "Data Value",
        f"{scale} = 'OI' AND {value}::numeric NOT BETWEEN 1 AND 7",
        lambda value: f"{value} is not an interest score from 1 to 7",
    )
    stage.check_sql(
        "Data Value",
        f"{scale} = 'IH' AND {value} !~ '^[0-6](\\.0+)?$'",
        lambda value: f"{value} is not a high-point interest, 0 (none) or 1 to 6",
    )
    stage.check_disagreeing(["O*NET-SOC Code", "Element ID", "Scale ID"], ["Data Value"])
    code = stage.c("O*NET-SOC Code")
    letters = "CASE " + " ".join(
        f"WHEN {element} = '{e}' THEN '{c}'" for e, c in INTEREST_ELEMENTS.items()
    )
    places = "CASE " + " ".join(f"WHEN {element} = '{e}' THEN {n}" for e, n in HIGH_POINTS.items())
    riasec = "RIASEC"
    distinct = stage.distinct(["O*NET-SOC Code", "Element ID", "Scale ID"])
    _apply(
        part,
        _sync(
            stage.cursor,
            OnetInterest,
            keys=["occupation_id", "interest"],
            values=["score", "high_point"],
            select=f"""
                SELECT {_occupation_id("scores.code")} AS occupation_id, scores.interest,
                    scores.score, points.place AS high_point
                FROM (SELECT {code} AS code, {letters} END AS interest,
                        {value}::numeric(3, 2) AS score
                      FROM {distinct} WHERE {scale} = 'OI') scores
                LEFT JOIN (SELECT {code} AS code, {places} END AS place,
                        substr('{riasec}', {value}::numeric::integer, 1) AS interest
                      FROM {distinct} WHERE {scale} = 'IH' AND {value}::numeric > 0) points
                    ON points.code = scores.code AND points.interest = scores.interest
            """,
        ),
    )


def _import_ratings(domain: str):
    def importer(stage: _Staged, part: PartResult, result: ImportResult) -> None:
        stage.check_patterns(
            {
                "O*NET-SOC Code": CODE,
                "Element ID": ELEMENT,
                "Element Name": text(150, "a name"),
                "Scale ID": (r"IM|LV", "IM (importance) or LV (level)"),
                "Data Value": number(1, 2, "4.12"),
                "Not Relevant": (r"Y|N|n/a|", "Y, N, n/a or empty"),
            }
        )
        stage.check_dates()
        stage.check_codes()
        scale, value = stage.c("Scale ID"), stage.c("Data Value")
        stage.check_sql(
            "Data Value",
            f"{scale} = 'IM' AND {value}::numeric NOT BETWEEN 1 AND 5",
            lambda value: f"{value} is not an importance from 1 to 5",
        )
        stage.check_sql(
            "Data Value",
            f"{scale} = 'LV' AND {value}::numeric > 7",
            lambda value: f"{value} is not a level from 0 to 7",
        )
        keys = ["O*NET-SOC Code", "Element ID", "Scale ID"]
        stage.check_disagreeing(keys, ["Element Name", "Data Value", "Not Relevant"])
        # Every element needs both of its ratings.
        code, element = stage.c("O*NET-SOC Code"), stage.c("Element ID")
        stage.check_sql(
            "Scale ID",
            f"NOT EXISTS (SELECT 1 FROM {STAGING} o WHERE o.{stage.col['O*NET-SOC Code']} = "
            f"{code} AND o.{stage.col['Element ID']} = {element} AND "
            f"o.{stage.col['Scale ID']} <> {scale})",
            lambda value: f"{value} is the only rating of its element; IM and LV go together",
        )
        distinct = stage.distinct(keys)
        _apply(
            part,
            _sync(
                stage.cursor,
                OnetRating,
                keys=["occupation_id", "domain", "element_id"],
                values=["element_name", "importance", "level", "level_not_relevant"],
                select=f"""
                    SELECT {_occupation_id(code)} AS occupation_id, '{domain}'::text AS domain,
                        {element} AS element_id, min({stage.c("Element Name")}) AS element_name,
                        max({value}::numeric(3, 2)) FILTER (WHERE {scale} = 'IM') AS importance,
                        max({value}::numeric(3, 2)) FILTER (WHERE {scale} = 'LV') AS level,
                        coalesce(bool_or({stage.c("Not Relevant")} = 'Y')
                            FILTER (WHERE {scale} = 'LV'), false) AS level_not_relevant
                    FROM {distinct} GROUP BY {code}, {element}
                """,
                scope=f"t.domain = '{domain}'",
            ),
        )

    return importer


PART_IMPORTERS = {
    "Occupation Data": _import_occupation_data,
    "Related Occupations": _import_related,
    "Alternate Titles": _import_alternate_titles,
    "Sample of Reported Titles": _import_reported_titles,
    "Job Zone Reference": _import_job_zone_reference,
    "Job Zones": _import_job_zones,
    "Education, Training, and Experience Categories": _import_education_categories,
    "Education, Training, and Experience": _import_education,
    "Technology Skills": _import_technology,
    "Task Statements": _import_tasks,
    "Interests": _import_interests,
    "Skills": _import_ratings("skill"),
    "Knowledge": _import_ratings("knowledge"),
}


# Attribution ------------------------------------------------------------------------------------


def attribution(parts: list[str] | None = None) -> str:
    """O*NET's CC BY 4.0 notice naming the releases actually loaded (of `parts`, or of every
    part), e.g. "... from the O*NET 30.1 Database and the O*NET 29.0 Database by ..."; empty
    when no O*NET data is loaded."""
    records = DataPart.objects.filter(source=DataSource.ONET)
    if parts is not None:
        records = records.filter(part__in=parts)
    versions = sorted(
        set(records.values_list("release", flat=True)),
        key=lambda version: tuple(int(n) for n in version.split(".")),
        reverse=True,
    )
    if not versions:
        return ""
    releases = " and the ".join(f"O*NET {version} Database" for version in versions)
    return f"{ATTRIBUTION.format(releases=releases)} {CHANGES}"
