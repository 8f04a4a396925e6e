"""Load the written occupation profiles from fixtures/profiles/ (load_site_data runs this too).

Writes only what differs from the files, so running it again changes nothing. Profiles that staff
have edited in admin are kept as they are unless --overwrite-staff-edits is given.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from occupations.services import PROFILES_DIR, ProfileDataError, load_profiles


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class Command(BaseCommand):
    help = "Create or update the written occupation profiles from their JSON files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=PROFILES_DIR,
            help=f"Folder of profile files (default: {PROFILES_DIR}).",
        )
        parser.add_argument(
            "--overwrite-staff-edits",
            action="store_true",
            help="Also put back the file's version of profiles that staff edited in admin.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, write nothing."
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                result = load_profiles(
                    directory=options["directory"],
                    overwrite_staff_edits=options["overwrite_staff_edits"],
                )
                if options["dry_run"]:
                    raise DryRun
        except ProfileDataError as error:
            raise CommandError(f"Profiles not loaded: {error}") from None
        except DryRun:
            self.stdout.write(f"Dry run, nothing written. Would have: {result}")
            return
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Profiles loaded: {result}"))
