"""The activities app's entries in the workbench's to-do panel: mediations running past their
time limit, agreements past their performance date that no follow-up visit has checked, and
council decisions past their due date. Each is a scoped count linking to the list that shows
exactly those rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.activities import options
from peiyu.activities.models import (
    CaseQuerySet,
    CaseStatus,
    Decision,
    DecisionStatus,
    MediationCase,
    Performance,
)
from peiyu.core.options import value_of
from peiyu.core.todos import Todo


def overdue_cases(cases: CaseQuerySet, region_code: str) -> CaseQuerySet:
    """Cases still open after the mediation time limit (a local setting, 30 days)."""
    days = int(value_of(options.MEDIATION_DAYS.key, region_code or ""))
    since = timezone.localdate() - datetime.timedelta(days=days)
    return cases.filter(status__in=[CaseStatus.REGISTERED, CaseStatus.MEDIATING], registered_on__lt=since)


def follow_ups_due(cases: CaseQuerySet) -> CaseQuerySet:
    """Agreements whose performance date has passed with no visit that found them performed
    or not (the committee supervises performance, 人民调解法 Art. 31)."""
    return cases.filter(
        status=CaseStatus.SUCCEEDED, performance=Performance.PENDING, performance_due__lt=timezone.localdate()
    )


def overdue_decisions(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    return decisions.filter(
        adopted=True,
        status__in=[DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS],
        due_on__lt=timezone.localdate(),
    )


def mediation(user: User) -> list[Todo]:
    if not user.has_perm("activities.change_mediationcase") or not user.is_staff_account:
        return []
    cases = MediationCase.objects.visible_to(user)
    url = reverse("activities:case-list")
    todos = []
    if count := overdue_cases(cases, user.region_id or "").count():
        todos.append(Todo(_("Mediations past their time limit"), count, f"{url}?due=overdue"))
    if count := follow_ups_due(cases).count():
        todos.append(Todo(_("Agreements due for a follow-up visit"), count, f"{url}?due=follow_up", "info"))
    return todos


def decisions(user: User) -> list[Todo]:
    if not user.has_perm("activities.change_decision") or not user.is_staff_account:
        return []
    count = overdue_decisions(Decision.objects.visible_to(user)).count()
    if not count:
        return []
    return [
        Todo(
            _("Council decisions past their due date"),
            count,
            reverse("activities:decision-list") + "?overdue=1",
        )
    ]


PROVIDERS: list[Callable[[User], list[Todo]]] = [mediation, decisions]
