from tests.e2e.conftest import world  # noqa: F401  (the same world as the e2e tests)
