"""The registry's entry in the workbench to-do panel: applications waiting for the user."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.todos import Todo
from peiyu.orgs.models import DECIDE_PERMISSION, Application, ApplicationStatus


def applications_to_decide(user: User) -> list[Todo]:
    kinds = [kind for kind, permission in DECIDE_PERMISSION.items() if user.has_perm(permission)]
    if not kinds or not user.is_staff_account:
        return []
    count = (
        Application.objects.visible_to(user)
        .filter(kind__in=kinds, status=ApplicationStatus.SUBMITTED)
        .count()
    )
    if not count:
        return []
    return [Todo(_("Applications waiting for a decision"), count, reverse("orgs:application-list"))]
