"""The workbench's to-do panel: mediations past the time limit (a local setting), agreements due
for a follow-up visit and council decisions past their due date, each counted in scope and
linking to the list of exactly those rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from peiyu.accounts.models import User
from peiyu.activities.models import Mediator
from peiyu.activities.services import deliberation
from peiyu.activities.tests.test_deliberation import council_of, meeting_of
from peiyu.activities.tests.test_mediation import agreed, registered
from peiyu.core.services import set_option
from peiyu.testing import LIYANG, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = timezone.localdate()


def todos(client: Client) -> dict[str, tuple[int, str]]:
    return {t.label: (t.count, t.url) for t in client.get("/workbench/").context["todos"]}


def test_mediation_and_decision_todos(
    village_worker: User, tianmuhu_officer: User, administrator: User, mediator: Mediator, login: Login
) -> None:
    registered(village_worker, days_ago=40)  # past the 30 days
    registered(village_worker, days_ago=10)
    agreed(registered(village_worker, days_ago=20), village_worker, mediator, days_ago=5)  # due today
    late = agreed(registered(village_worker, days_ago=20), village_worker, mediator, days_ago=8)
    late.performance_due = TODAY - datetime.timedelta(days=1)
    late.save(update_fields=["performance_due"])
    council = council_of(10)
    meeting = deliberation.record_meeting(
        meeting_of(council), attendees=list(council.members.all()[:6]), minutes="议定", by=village_worker
    )
    deliberation.record_decision(
        meeting,
        text="修路灯",
        votes_for=6,
        votes_against=0,
        abstentions=0,
        responsible="村委会",
        due_on=TODAY - datetime.timedelta(days=1),
        by=village_worker,
    )
    client = login(village_worker)
    found = todos(client)
    assert found[gettext("Mediations past their time limit")] == (1, "/activities/cases/?due=overdue")
    assert found[gettext("Agreements due for a follow-up visit")] == (1, "/activities/cases/?due=follow_up")
    assert found[gettext("Council decisions past their due date")] == (1, "/activities/decisions/?overdue=1")
    for label in ("Mediations past their time limit", "Agreements due for a follow-up visit"):
        count, url = found[gettext(label)]
        page = client.get(url)
        assert page.status_code == 200 and len(page.context["page"].object_list) == count
    assert len(client.get("/activities/decisions/?overdue=1").context["page"].object_list) == 1
    # The time limit is a local setting; another town sees none of it.
    set_option(key="activities.mediation_days", region=region(LIYANG), text="60", by=administrator)
    assert "Mediations past their time limit" not in todos(client)
    assert not any(
        label.startswith(("Mediations", "Agreements", "Council")) for label in todos(login(tianmuhu_officer))
    )
