"""Load every fixture the site needs, idempotently: `make run` calls this after migrate.

Fixtures use natural keys or fixed primary keys, so loading them again changes nothing.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

FIXTURES = [
    "plans",
    "occupations",
]


class Command(BaseCommand):
    help = "Load the site's fixtures (plans, occupation profiles, wage data). Safe to run again."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        with transaction.atomic():
            for fixture in FIXTURES:
                call_command("loaddata", fixture, verbosity=verbosity)
        if verbosity:
            self.stdout.write(self.style.SUCCESS("Site data loaded."))
