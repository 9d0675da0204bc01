"""The people app's entries in the workbench's to-do panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.todos import Todo
from peiyu.people.models import Certificate, CertificateStatus, HoursStatus, ServiceRecord


def hours_to_decide(user: User) -> list[Todo]:
    if not user.has_perm("people.decide_hours"):
        return []
    count = ServiceRecord.objects.visible_to(user).filter(status=HoursStatus.PENDING)[:1000].count()
    if not count:
        return []
    return [
        Todo(
            _("Service hours waiting for approval"), count, reverse("people:record-list") + "?status=pending"
        )
    ]


def certificates_to_issue(user: User) -> list[Todo]:
    if not user.has_perm("people.issue_certificate"):
        return []
    count = Certificate.objects.visible_to(user).filter(status=CertificateStatus.REQUESTED).count()
    if not count:
        return []
    url = reverse("people:certificate-list") + "?status=requested"
    return [Todo(_("Certificates requested"), count, url)]
