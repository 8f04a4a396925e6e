"""Import O*NET's database, as O*NET publishes it: folders or .zips of a release.

    manage.py import_onet db_30_1_text.zip
    manage.py import_onet path/to/db_30_1_text path/to/db_29_0_excel

Reads Occupation Data (titles, and descriptions when the Description column is there), Related
Occupations, Alternate Titles, Sample of Reported Titles, Job Zones (+ Job Zone Reference),
Education, Training, and Experience (+ Categories), Technology Skills, Task Statements,
Interests, Skills and Knowledge. A part given by several paths comes from the newest release.
The import is one transaction: an invalid file stops it with the file, row and column named, a
non-zero exit and the database unchanged. Importing the same files again changes nothing.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from occupations.onet import OnetImportError, import_onet


class Command(BaseCommand):
    help = "Import O*NET folders or zips (text or Excel release) into the occupation tables."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            type=Path,
            help="O*NET downloads: a folder or .zip of a release (db_30_1_text.zip, ...).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Check and write every file, even one whose digest says it is loaded already.",
        )

    def handle(self, *args, paths: list[Path], force: bool, verbosity: int, **options):
        progress = Progress(self.stderr, verbosity)
        try:
            result = import_onet(paths=paths, force=force, progress=progress)
        except OnetImportError as error:
            raise CommandError(f"{error}. Nothing was imported.") from None
        except DatabaseError as error:
            # A check the importer missed and the database caught: still nothing was written.
            raise CommandError(
                f"The database refused the data ({error}). Nothing was imported."
            ) from None
        finally:
            progress.done()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(result.summary()))


class Progress:
    """Phases, rewritten in place on a terminal (at most ten times a second); one line per
    phase at --verbosity 2 when not on a terminal; nothing otherwise."""

    REDRAW_EVERY = 0.1

    def __init__(self, stream, verbosity: int):
        self.stream = stream
        self.live = verbosity >= 1 and stream.isatty()
        self.log = verbosity >= 2 and not self.live
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.shown = False

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        if self.live and now - self.drawn_at >= self.REDRAW_EVERY:
            self._write(f"\r\x1b[K{message} ({now - self.started:.1f} s)", ending="")
            self.drawn_at, self.shown = now, True
        elif self.log:
            self._write(f"{message} ({now - self.started:.1f} s)")

    def done(self) -> None:
        if self.shown:
            self._write("\r\x1b[K", ending="")

    def _write(self, text: str, **kwargs) -> None:
        # Progress is not an error: no red on a terminal.
        self.stream.write(text, style_func=str, **kwargs)
        self.stream.flush()
