"""Import BLS Employment Projections: occupation.xlsx (Table 1.2) as BLS publishes it.

    manage.py import_projections occupation.xlsx
    manage.py import_projections occupation.xlsx --education education.xlsx

--education cross-checks Table 5.4's education and training assignments against Table 1.2.
One transaction: an invalid row stops it with the file, row and column named, a non-zero exit
and the database unchanged. Importing the same workbook again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from occupations.management.commands.import_onet import Progress
from occupations.projections import ProjectionsImportError, import_projections


class Command(BaseCommand):
    help = "Import BLS Employment Projections (occupation.xlsx, Table 1.2)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="BLS's occupation.xlsx.")
        parser.add_argument(
            "--education", type=Path, metavar="PATH", help="BLS's education.xlsx (Table 5.4)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Check and write even a workbook loaded already."
        )

    def handle(self, *args, path: Path, education, force: bool, verbosity: int, **options):
        for given in (path, education):
            if given is not None and not given.is_file():
                raise CommandError(f"{given}: no such file")
        progress = Progress(self.stderr, verbosity)
        try:
            result = import_projections(
                path=path, education_path=education, force=force, progress=progress
            )
        except ProjectionsImportError as error:
            raise CommandError(f"{error}. Nothing was imported.") from None
        except DatabaseError as error:
            raise CommandError(
                f"{path.name}: the database refused the data ({error}). Nothing was imported."
            ) from None
        finally:
            progress.done()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(result.summary()))
