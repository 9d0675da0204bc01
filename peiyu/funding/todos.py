"""The funding app's entries in the workbench's to-do panel: one count per kind of waiting
work, each a scoped query, each linking to the list that shows exactly those rows."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.todos import Todo
from peiyu.funding.forms.contracts import FINAL_DUE, TO_PAY
from peiyu.funding.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    CaseSubsidy,
    CaseSubsidyStatus,
    Contract,
    ContractStatus,
    Need,
    NeedStatus,
    Objection,
    Round,
    RoundStatus,
    Tranche,
    TrancheStatus,
)

MANAGE = "funding.manage_round"


def _todo(label: str, count: int, url: str, level: str = "warning") -> list[Todo]:
    return [Todo(label, count, url, level)] if count else []


def needs_waiting(user: User) -> list[Todo]:
    if not user.has_perm("funding.change_need"):
        return []
    count = Need.objects.visible_to(user).filter(status=NeedStatus.NEW).count()
    return _todo(_("New needs to answer"), count, reverse("funding:need-list") + f"?status={NeedStatus.NEW}")


def applications_waiting(user: User) -> list[Todo]:
    """Outlines to decide while their round is open, and applications found ineligible that may
    be checked again (after the record was corrected) before the panels are drawn."""
    if not user.has_perm(MANAGE):
        return []
    applications = Application.objects.visible_to(user)
    url = reverse("funding:application-list")
    outlines = applications.filter(status=ApplicationStatus.OUTLINE, round__status=RoundStatus.OPEN).count()
    ineligible = applications.filter(
        status=ApplicationStatus.INELIGIBLE, round__status__in=[RoundStatus.OPEN, RoundStatus.REVIEW]
    ).count()
    return [
        *_todo(_("Outlines to decide"), outlines, f"{url}?status={ApplicationStatus.OUTLINE}"),
        *_todo(
            _("Ineligible applications to check again"),
            ineligible,
            f"{url}?status={ApplicationStatus.INELIGIBLE}",
            "info",
        ),
    ]


def notices(user: User) -> list[Todo]:
    """Objections waiting for an answer during a notice, and notices that have run their course
    with every objection answered, ready to be concluded."""
    if not user.has_perm(MANAGE):
        return []
    todos = []
    waiting = Objection.objects.visible_to(user).filter(
        answered_on__isnull=True, round__status=RoundStatus.NOTICE
    )
    rounds = list(waiting.values_list("round_id", flat=True).distinct()[:2])
    if rounds:
        # One round: straight to its objections; several: to the rounds in notice.
        url = (
            reverse("funding:objection-list", args=[rounds[0]])
            if len(rounds) == 1
            else reverse("funding:round-list") + f"?status={RoundStatus.NOTICE}"
        )
        todos.append(Todo(_("Objections to answer"), waiting.count(), url, "danger"))
    unanswered = Objection.objects.filter(round=OuterRef("pk"), answered_on__isnull=True)
    ended = (
        Round.objects.visible_to(user)
        .filter(status=RoundStatus.NOTICE, notice_ends_on__lt=timezone.localdate())
        .exclude(Exists(unanswered))
        .count()
    )
    todos += _todo(
        _("Public notices ended, to conclude"),
        ended,
        reverse("funding:round-list") + f"?status={RoundStatus.NOTICE}",
    )
    return todos


def contracts_waiting(user: User) -> list[Todo]:
    """Contracts to sign, tranches released and not yet paid, and contracts past their end
    without a final evaluation."""
    todos: list[Todo] = []
    url = reverse("funding:contract-list")
    if user.has_perm("funding.change_contract"):
        count = Contract.objects.visible_to(user).filter(status=ContractStatus.DRAFT).count()
        todos += _todo(_("Contracts to sign"), count, f"{url}?status={ContractStatus.DRAFT}")
    if user.has_perm("funding.pay_tranche"):
        count = Tranche.objects.visible_to(user).filter(status=TrancheStatus.DUE).count()
        todos += _todo(_("Tranches released, to pay"), count, f"{url}?attention={TO_PAY}")
    if user.has_perm("funding.add_evaluation"):
        count = Contract.objects.visible_to(user).final_due(timezone.localdate()).count()
        todos += _todo(
            _("Contracts ended without a final evaluation"), count, f"{url}?attention={FINAL_DUE}", "danger"
        )
    return todos


def case_subsidies_to_pay(user: User) -> list[Todo]:
    if not user.has_perm("funding.pay_case_subsidy"):
        return []
    count = CaseSubsidy.objects.visible_to(user).filter(status=CaseSubsidyStatus.GRANTED).count()
    url = reverse("funding:case-subsidy-list") + f"?status={CaseSubsidyStatus.GRANTED}"
    return _todo(_("Mediation subsidies to pay"), count, url)


def reviews_due(user: User) -> list[Todo]:
    """An expert's declarations (before the file opens) and scores still due."""
    if not user.has_perm("funding.add_reviewscore"):
        return []
    mine = Assignment.objects.visible_to(user).filter(application__round__status=RoundStatus.REVIEW)
    url = reverse("funding:review-list")
    return [
        *_todo(_("Conflict declarations due"), mine.filter(status=AssignmentStatus.DRAWN).count(), url),
        *_todo(_("Reviews to score"), mine.filter(status=AssignmentStatus.OPEN).count(), url),
    ]


PROVIDERS: list[Callable[[User], list[Todo]]] = [
    needs_waiting,
    applications_waiting,
    notices,
    contracts_waiting,
    case_subsidies_to_pay,
    reviews_due,
]
