"""Fixtures of the activities app: the people app's organization and volunteer factories."""

from peiyu.people.tests.conftest import make_volunteer, organization  # noqa: F401 - shared fixtures
