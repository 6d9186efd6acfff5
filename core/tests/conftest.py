import pytest

from core.configuration import clear_cache


@pytest.fixture(autouse=True)
def _fresh_configuration_cache():
    # A test's rows are rolled back without a delete signal: read them from the database anew.
    clear_cache()
    yield
    clear_cache()
