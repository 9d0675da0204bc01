"""The incubation app's entries in the workbench's to-do panel."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.options import value_of
from peiyu.core.todos import Todo
from peiyu.incubation import options
from peiyu.incubation.models import (
    Extension,
    ExtensionStatus,
    IntakeApplication,
    Residency,
    Subsidy,
    SubsidyStatus,
)


def intake_waiting(user: User) -> list[Todo]:
    if not user.has_perm("incubation.decide_intake"):
        return []
    count = IntakeApplication.objects.visible_to(user).waiting().count()
    url = reverse("incubation:intake-list") + "?status=submitted"
    return [Todo(_("Intake applications waiting"), count, url)] if count else []


def residencies_ending(user: User) -> list[Todo]:
    """Residents past their end (overdue) and those within the reminder window."""
    if not user.has_perm("incubation.view_residency"):
        return []
    today = timezone.localdate()
    mine = Residency.objects.visible_to(user)
    todos = []
    overdue = mine.overdue(today).count()
    if overdue:
        todos.append(
            Todo(
                _("Residents past their end"),
                overdue,
                reverse("incubation:residency-list") + "?due=overdue",
                "danger",
            )
        )
    days = (
        value_of(options.REMINDER_DAYS.key, user.region_id)
        if user.region_id
        else options.REMINDER_DAYS.default
    )
    ending = mine.ending_within(today, today + datetime.timedelta(days=days)).count()
    if ending:
        todos.append(
            Todo(
                _("Residencies ending within %(days)s days") % {"days": days},
                ending,
                reverse("incubation:residency-list") + "?due=soon",
            )
        )
    return todos


def extensions_waiting(user: User) -> list[Todo]:
    if not user.has_perm("incubation.decide_extension"):
        return []
    count = Extension.objects.visible_to(user).filter(status=ExtensionStatus.REQUESTED).count()
    url = reverse("incubation:residency-list") + "?due=extension"
    return [Todo(_("Extensions to decide"), count, url)] if count else []


def subsidies_to_pay(user: User) -> list[Todo]:
    if not user.has_perm("incubation.pay_subsidy"):
        return []
    count = Subsidy.objects.visible_to(user).filter(status=SubsidyStatus.GRANTED).count()
    url = reverse("incubation:subsidy-list") + f"?status={SubsidyStatus.GRANTED}"
    return [Todo(_("Subsidies to pay"), count, url)] if count else []


PROVIDERS: list[Callable[[User], list[Todo]]] = [
    intake_waiting,
    residencies_ending,
    extensions_waiting,
    subsidies_to_pay,
]
