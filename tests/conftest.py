import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the site's data once per test session, as `make run` does.

    Ordinary tests run inside a transaction that is rolled back, so they all see this data.
    Transactional tests (live_server, browser) flush the tables afterwards; pytest-django runs
    them last, and they load what they need themselves (the `site_data` fixture does).
    """
    with django_db_blocker.unblock():
        call_command("load_site_data", verbosity=0)


@pytest.fixture
def site_data(request, db):
    """The fixtures `make run` loads. Already there for ordinary tests; reloaded after a flush."""
    from occupations.models import Occupation

    if not Occupation.objects.exists():
        call_command("load_site_data", verbosity=0)
