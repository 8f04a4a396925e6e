import pytest


@pytest.fixture
def site_data(db):
    """The fixtures `make run` loads, in the test database."""
    from django.core.management import call_command

    call_command("load_site_data", verbosity=0)
