"""Selection within the budget in rank order, staff overrides with a recorded reason, the public
notice (公示) and objections."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.options import value_of
from peiyu.funding import options
from peiyu.funding.models import (
    APPLICATION_TRANSITIONS,
    ROUND_TRANSITIONS,
    Application,
    ApplicationStatus,
    LastProjectRule,
    NeedSource,
    Objection,
    Round,
    RoundStatus,
)
from peiyu.funding.services.common import event, locked, move, require, require_region
from peiyu.funding.services.rounds import MANAGE, current

RANKED = [ApplicationStatus.SCORED, ApplicationStatus.SELECTED, ApplicationStatus.NOT_SELECTED]


def rule_text(round: Round) -> str:
    """The selection rule as the round page and the notice state it."""
    base = _(
        "Projects are funded in rank order by final score (ties: the higher review score, then the earlier "
        "submission) while the budget lasts; a project below %(mark)s points is not funded."
    ) % {"mark": round.pass_mark}
    if round.last_project_rule == LastProjectRule.PARTIAL:
        last = _(
            "When a project does not fit, it is offered the remaining budget if that covers at least %(share)d%% "
            "of its request; otherwise it is skipped and the next one that fits in full is funded."
        ) % {"share": round.partial_share}
    elif round.last_project_rule == LastProjectRule.STOP:
        last = _(
            "Selection stops at the first project that does not fit; the remaining budget stays unspent."
        )
    else:
        last = _("A project that does not fit is skipped, and the next one that fits in full is funded.")
    return f"{base} {last}"


def _set(
    application: Application, *, selected: bool, awarded: Decimal | None, note: str, by: User, round: Round
) -> None:
    application.awarded = awarded if selected else None
    application.selection_note = note
    to = ApplicationStatus.SELECTED if selected else ApplicationStatus.NOT_SELECTED
    fields = ("awarded", "selection_note", "rank", "overridden", "override_reason")
    if application.status == to:
        application.version += 1
        application.save(update_fields=[*fields, "version"])
        return
    move(
        application, to=to, transitions=APPLICATION_TRANSITIONS, by=by, round=round, note=note, fields=fields
    )


@audit.service("funding.select_projects")
def select_projects(round: Round, *, by: User) -> list[Application]:
    """Rank the scored applications and fund them in order within the budget, under the
    round's rule for the last project that does not fit. Overrides stand and count first."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.REVIEW)
    waiting = list(
        round.applications.filter(status=ApplicationStatus.REVIEWING).values_list("title", flat=True)
    )
    unfinal = list(
        round.applications.filter(status__in=RANKED, final_score__isnull=True).values_list("title", flat=True)
    )
    if waiting or unfinal:
        raise DomainError(
            _("Scoring is not finished for: %(titles)s.") % {"titles": "、".join([*waiting, *unfinal][:10])}
        )
    ranked = list(round.applications.filter(status__in=RANKED).ranked().select_for_update())
    if not ranked:
        raise DomainError(_("No application has been scored."))
    remaining = round.budget - sum(
        (a.awarded or Decimal(0) for a in ranked if a.overridden and a.status == ApplicationStatus.SELECTED),
        Decimal(0),
    )
    stopped = False
    for position, application in enumerate(ranked, start=1):
        application.rank = position
        if application.overridden:
            application.save(update_fields=["rank"])
            continue
        request = application.requested
        if application.final_score is not None and application.final_score < round.pass_mark:
            _set(
                application,
                selected=False,
                awarded=None,
                by=by,
                round=round,
                note=_("Below the lowest fundable score (%(mark)s).") % {"mark": round.pass_mark},
            )
        elif stopped:
            _set(
                application,
                selected=False,
                awarded=None,
                by=by,
                round=round,
                note=_("Selection stopped at an earlier project that did not fit."),
            )
        elif request <= remaining:
            remaining -= request
            _set(application, selected=True, awarded=request, by=by, round=round, note=_("Funded in full."))
        elif (
            round.last_project_rule == LastProjectRule.PARTIAL
            and remaining > 0
            and remaining * 100 >= request * round.partial_share
        ):
            _set(
                application,
                selected=True,
                awarded=remaining,
                by=by,
                round=round,
                note=_("Offered the remaining %(amount)s yuan (%(share)d%% of its request).")
                % {"amount": remaining, "share": int(remaining * 100 / request)},
            )
            remaining = Decimal(0)
        else:
            stopped = round.last_project_rule == LastProjectRule.STOP
            _set(
                application,
                selected=False,
                awarded=None,
                by=by,
                round=round,
                note=_("Does not fit in the remaining %(amount)s yuan.") % {"amount": remaining},
            )
    event(subject=round, action="selected", by=by, note=_("%(left)s yuan left") % {"left": remaining})
    return ranked


@audit.service("funding.override_selection")
def override_selection(
    application: Application, *, selected: bool, reason: str, by: User, amount: Decimal | None = None
) -> Application:
    """Staff put an application in or out of the selection against the ranking; the reason is
    required and stays with it. An award must fit in the budget left by the others."""
    require(by, MANAGE)
    require_region(by, application.round.region_id)
    round = current(application.round, RoundStatus.REVIEW, RoundStatus.NOTICE)
    application = locked(application)
    if application.status not in RANKED:
        raise DomainError(_("Only scored applications are selected."))
    if not reason.strip():
        raise DomainError(_("An override needs a recorded reason."))
    if selected:
        amount = application.requested if amount is None else amount
        if not 0 < amount <= application.requested:
            raise DomainError(_("The award must be above zero and no more than the request."))
        others = round.applications.filter(status=ApplicationStatus.SELECTED).exclude(pk=application.pk)
        taken = sum((a.awarded or Decimal(0) for a in others), Decimal(0))
        room = round.budget - taken
        if amount > room:
            raise DomainError(_("Only %(room)s yuan of the budget is left for it.") % {"room": room})
    application.overridden = True
    application.override_reason = reason.strip()
    _set(
        application,
        selected=selected,
        awarded=amount if selected else None,
        by=by,
        round=round,
        note=_("Override: %(reason)s") % {"reason": reason.strip()},
    )
    return application


@audit.service("funding.start_notice")
def start_notice(round: Round, *, by: User, starts_on: datetime.date | None = None) -> Round:
    """Publish the selection on the portal for the notice period (a local setting, 7 days)."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.REVIEW)
    if round.applications.filter(status__in=[ApplicationStatus.REVIEWING, ApplicationStatus.SCORED]).exists():
        raise DomainError(_("Run the selection first: every scored application must be selected or not."))
    if not round.applications.filter(status=ApplicationStatus.SELECTED).exists():
        raise DomainError(_("No project has been selected."))
    starts_on = starts_on or timezone.localdate()
    days = int(value_of(options.NOTICE_DAYS.key, round.region_id))
    round.notice_starts_on = starts_on
    round.notice_ends_on = starts_on + datetime.timedelta(days=days - 1)
    return move(
        round,
        to=RoundStatus.NOTICE,
        transitions=ROUND_TRANSITIONS,
        by=by,
        note=f"{round.notice_starts_on} – {round.notice_ends_on}",
        fields=("notice_starts_on", "notice_ends_on"),
    )


@audit.service("funding.record_objection")
def record_objection(
    round: Round,
    *,
    text: str,
    by: User | None,
    received_on: datetime.date | None = None,
    application: Application | None = None,
    name: str = "",
    contact: str = "",
) -> Objection:
    """An objection received during the notice: from the portal (``by`` is None) or written
    down by staff. Outside the notice it is refused."""
    if by is not None:
        require(by, MANAGE)
        require_region(by, round.region_id)
    round = current(round, RoundStatus.NOTICE)
    received_on = received_on or timezone.localdate()
    if not text.strip():
        raise DomainError(_("Write down the objection."))
    if received_on > timezone.localdate():
        raise DomainError(_("The date received cannot be in the future."))
    if (
        round.notice_starts_on is None
        or round.notice_ends_on is None
        or not (round.notice_starts_on <= received_on <= round.notice_ends_on)
    ):
        raise DomainError(
            _("The public notice runs from %(start)s to %(end)s; objections are received only then.")
            % {"start": round.notice_starts_on, "end": round.notice_ends_on}
        )
    if application is not None and application.round_id != round.pk:
        raise DomainError(_("That application is not in this round."))
    objection = Objection.objects.create(
        round=round,
        application=application,
        text=text.strip(),
        name=name.strip(),
        contact=contact.strip(),
        received_on=received_on,
        channel=NeedSource.PORTAL if by is None else NeedSource.STAFF,
    )
    event(subject=objection, action="received", by=by, round=round, note=text.strip()[:200])
    return objection


@audit.service("funding.answer_objection")
def answer_objection(objection: Objection, *, answer: str, upheld: bool, by: User) -> Objection:
    """Answer an objection; an upheld one is followed by an override with the same reason
    where the selection changes."""
    require(by, MANAGE)
    require_region(by, objection.round.region_id)
    round = current(objection.round, RoundStatus.NOTICE)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered_on is not None:
        raise DomainError(_("This objection has been answered already."))
    if not answer.strip():
        raise DomainError(_("Write the answer."))
    objection.answer, objection.upheld = answer.strip(), upheld
    objection.answered_on, objection.answered_by = timezone.localdate(), by
    objection.save(update_fields=["answer", "upheld", "answered_on", "answered_by"])
    event(subject=objection, action="answered", by=by, round=round, note=answer.strip()[:200])
    return objection
