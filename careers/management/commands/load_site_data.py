"""Load every fixture the site needs, idempotently: `make run` calls this after migrate.

Each step writes only what is missing or differs, so loading again changes nothing, and it
keeps what staff have edited in admin (plan names, prices and limits; written profiles).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from careers.services import ensure_plan_offers
from occupations.onet import OnetImportError, import_onet
from occupations.projections import ProjectionsImportError, import_projections
from occupations.services import ProfileDataError, load_profiles
from salaries.oews import OEWSImportError
from salaries.services import WageDataError, load_wage_data

FIXTURES = settings.BASE_DIR / "fixtures"
# O*NET's facts (no descriptions, no task statements): 30.1, and Skills and Knowledge from
# 29.0, which the 30.1 copy at hand lacks. See fixtures/onet/README.md.
ONET_FIXTURES = [FIXTURES / "onet" / "db_30_1", FIXTURES / "onet" / "db_29_0"]
PROJECTIONS_FIXTURE = FIXTURES / "projections" / "occupation.xlsx"


class Command(BaseCommand):
    help = (
        "Load the site's fixtures (plans, occupation profiles, wage data, O*NET facts, "
        "projections). Safe to run again."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        with transaction.atomic():
            plans = ensure_plan_offers()
            if verbosity:
                self.stdout.write(f"Plans: {plans} created")
            # Written profiles: an upsert that leaves BLS fields and staff edits alone.
            try:
                profiles = load_profiles()
            except ProfileDataError as error:
                raise CommandError(f"Profiles not loaded: {error}") from None
            if verbosity:
                self.stdout.write(f"Occupation profiles: {profiles}")
            # Wage data after the profiles: areas and releases, the seed's May 2023 table, then
            # BLS's May 2025 national and state file. Each step writes only what differs and
            # bumps the content stamp only if it changed something.
            try:
                wages = load_wage_data()
            except (WageDataError, OEWSImportError) as error:
                raise CommandError(f"Wage data not loaded: {error}") from None
            if verbosity:
                self.stdout.write(f"Wage data: {wages}")
            # O*NET and the projections after the wages: the SOC groups are there to place
            # the occupations O*NET adds. Files loaded before are skipped by their digest.
            try:
                onet = import_onet(paths=ONET_FIXTURES)
                outlook = import_projections(path=PROJECTIONS_FIXTURE)
            except (OnetImportError, ProjectionsImportError) as error:
                raise CommandError(f"O*NET or projections data not loaded: {error}") from None
            if verbosity:
                self.stdout.write(f"O*NET: {onet.summary()}")
                self.stdout.write(f"Employment Projections: {outlook.summary()}")
        if verbosity:
            self.stdout.write(self.style.SUCCESS("Site data loaded."))
