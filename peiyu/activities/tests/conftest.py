"""Fixtures of the activities app: the people app's organization and volunteer factories, and a
mediator of a 戴埠镇 village committee."""

import pytest

from peiyu.activities.models import Mediator
from peiyu.people.tests.conftest import make_volunteer, organization  # noqa: F401 - shared fixtures
from peiyu.testing import DAIBU, first_village


@pytest.fixture
def mediator(regions: None) -> Mediator:
    return Mediator.objects.create(
        name="周调解", region=first_village(DAIBU), committee="集镇社区人民调解委员会"
    )
