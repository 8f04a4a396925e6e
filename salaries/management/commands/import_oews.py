"""Import a BLS OEWS file (.csv, .csv.gz or .xlsx, in BLS's column layout) into one release.

    manage.py import_oews oews_2025_metro.csv.gz
    manage.py import_oews state_M2025_dl.xlsx --release 2025

The release is read from the file name (a four-digit year) unless --release names it. The import
is one transaction: an invalid row stops it with the file, row and column named, a non-zero exit
and the database unchanged. Importing the same file again changes nothing.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from salaries.models import Release
from salaries.oews import OEWSImportError, import_oews, release_year_from_filename


class Command(BaseCommand):
    help = "Import BLS OEWS estimates (.csv, .csv.gz or .xlsx, BLS's layout) into a release."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A BLS OEWS file: .csv, .csv.gz or .xlsx.")
        parser.add_argument(
            "--release",
            type=int,
            metavar="YEAR",
            help="The release's year, e.g. 2025; by default the year in the file name.",
        )

    def handle(self, *args, file: Path, release: int | None, verbosity: int, **options):
        year = release or release_year_from_filename(file.name)
        if year is None:
            raise CommandError(
                f"{file.name}: the file name gives no release year; add --release YEAR"
            )
        if release and release_year_from_filename(file.name) not in (None, release):
            self.stderr.write(
                self.style.WARNING(f"{file.name}: importing into release {release} as asked")
            )
        target = Release.objects.filter(year=year).first()
        if target is None:
            known = ", ".join(f"{r.year} ({r.name})" for r in Release.objects.newest_first())
            raise CommandError(
                f"Release {year} is not in the database (known: {known or 'none'}). "
                "Add it to fixtures/releases.json and run load_site_data, or pass --release."
            )
        if not file.is_file():
            raise CommandError(f"{file}: no such file")

        progress = self._progress(verbosity)
        try:
            result = import_oews(path=file, release=target, progress=progress)
        except OEWSImportError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        except DatabaseError as error:
            # A check the importer missed and the database caught: still nothing was written.
            raise CommandError(
                f"{file.name}: the database refused the data ({error}). Nothing was imported."
            ) from None
        finally:
            progress.done()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(result.summary()))

    def _progress(self, verbosity: int):
        return _Progress(
            self.stderr, live=verbosity >= 1 and self.stderr.isatty(), log=verbosity >= 2
        )


class _Progress:
    """Phases and rows read, rewritten in place on a terminal (at most ten times a second);
    one line per phase at --verbosity 2 when not on a terminal; nothing otherwise."""

    REDRAW_EVERY = 0.1

    def __init__(self, stream, *, live: bool, log: bool):
        self.stream, self.live, self.log = stream, live, log
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.shown = False

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        reading = message.startswith("Reading")
        if self.live and (not reading or now - self.drawn_at >= self.REDRAW_EVERY):
            self._write(f"\r\x1b[K{message} ({now - self.started:.1f} s)", ending="")
            self.drawn_at, self.shown = now, True
        elif self.log and not self.live and not reading:
            self._write(f"{message} ({now - self.started:.1f} s)")

    def done(self) -> None:
        if self.shown:
            self._write("\r\x1b[K", ending="")

    def _write(self, text: str, **kwargs) -> None:
        # Progress is not an error: no red on a terminal.
        self.stream.write(text, style_func=str, **kwargs)
        self.stream.flush()
