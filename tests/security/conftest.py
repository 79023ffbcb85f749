"""The API fixtures (an app on each engine, the test world, each role's credentials)."""

from tests.api.conftest import client, headers, world  # noqa: F401
