"""Needs (群众需求): a resident's or a village worker's need, its possible duplicates and their
merging and the office's decision (accept, decline or answer). The coverage view is in
``funding.coverage``; duplicates are found by ``Need.objects.duplicates_of``.

A need arrives ``new``; the office accepts it (it goes into the procurement catalog's pool, and
linking it to a catalog item accepts it too), answers it directly, declines it with a reason,
or merges it into another need of the same county, which then counts its supporters. Every step
is a move along ``NEED_TRANSITIONS`` with its event row."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.funding.models import NEED_TRANSITIONS, Need, NeedSource, NeedStatus
from peiyu.funding.services.common import event, locked, move, require, require_region
from peiyu.orgs.models import Field, TargetGroup
from peiyu.regions.models import Level, Region

ADD = "funding.add_need"
CHANGE = "funding.change_need"
# How an office's decision moves a need.
ACTIONS = {"accept": NeedStatus.ACCEPTED, "decline": NeedStatus.DECLINED, "answer": NeedStatus.ANSWERED}


def _place(region: Region) -> None:
    if region.level not in (Level.TOWN, Level.VILLAGE):
        raise DomainError(_("A need is raised for a village, a community or a whole town."))


@audit.service("funding.submit_need")
def submit_need(
    *,
    title: str,
    description: str,
    field: Field,
    region: Region,
    source: str,
    by: User | None,
    target_group: TargetGroup | None = None,
    submitter_name: str = "",
    contact: str = "",
) -> Need:
    """Record a need: from the portal (no account, source portal) or entered by a village
    worker or the office (``funding.add_need``, in their own region)."""
    if by is None:
        if source != NeedSource.PORTAL:
            raise DomainError(_("A need without an account comes from the portal."))
    else:
        require(by, ADD)
        require_region(by, region.code)
        if source not in (NeedSource.VILLAGE, NeedSource.STAFF):
            raise DomainError(_("A need entered by staff comes from a village worker or the office."))
    _place(region)
    title = " ".join(title.split())
    if not title:
        raise DomainError(_("Say in a few words what is needed."))
    if not field.is_active:
        raise DomainError(_("This field of activity is no longer in use."))
    need = Need.objects.create(
        title=title[:100],
        description=description.strip(),
        field=field,
        target_group=target_group,
        region=region,
        source=source,
        submitter_name=submitter_name.strip(),
        contact=contact.replace(" ", "").strip(),
        submitted_by=by,
    )
    event(subject=need, action="submitted", by=by, to_status=need.status)
    return need


@audit.service("funding.merge_needs")
def merge_needs(need: Need, *, into: Need, by: User, note: str = "") -> Need:
    """Merge ``need`` into ``into``: it is marked merged and ``into`` counts its supporters.
    Needs of different fields may be merged, needs of different counties may not."""
    require(by, CHANGE)
    if need.pk == into.pk:
        raise DomainError(_("A need cannot be merged into itself."))
    # Lock both in key order, so that two merges of the same pair cannot deadlock.
    first, second = sorted([need, into], key=lambda n: n.pk)
    first, second = locked(first), locked(second)
    need, into = (first, second) if first.pk == need.pk else (second, first)
    for side in (need, into):
        require_region(by, side.region_id)
    if need.region_id[:6] != into.region_id[:6]:
        raise DomainError(_("Needs of different counties cannot be merged."))
    if into.status in (NeedStatus.MERGED, NeedStatus.DECLINED):
        raise DomainError(
            _("Need %(reference)s is %(status)s; merge into a need that stands.")
            % {"reference": into.reference, "status": into.get_status_display()}
        )
    need.merged_into = into
    move(
        need,
        to=NeedStatus.MERGED,
        transitions=NEED_TRANSITIONS,
        by=by,
        note=note.strip() or _("Merged into %(reference)s.") % {"reference": into.reference},
        fields=("merged_into",),
    )
    into.supporters += need.supporters
    into.version += 1
    into.save(update_fields=["supporters", "version"])
    event(
        subject=into,
        action="merged_in",
        by=by,
        note=_("%(reference)s merged in: %(count)d more residents raise this need.")
        % {"reference": need.reference, "count": need.supporters},
    )
    return need


@audit.service("funding.decide_need")
def decide_need(
    need: Need, *, action: str, by: User, note: str = "", seen_version: int | None = None
) -> Need:
    """Accept a need, decline it or answer it directly. A decline's reason and an answer are
    what the resident reads with the reference number, so both need a text."""
    require(by, CHANGE)
    if action not in ACTIONS:
        raise DomainError(_("Choose to accept, decline or answer the need."))
    need = locked(need, seen_version=seen_version)
    require_region(by, need.region_id)
    note = note.strip()
    fields: tuple[str, ...] = ()
    if action in ("decline", "answer"):
        if not note:
            raise DomainError(
                pgettext("funding decision", "Give the reason for declining.")
                if action == "decline"
                else _("Write the answer.")
            )
        need.answer, need.answered_on = note, timezone.localdate()
        fields = ("answer", "answered_on")
    return move(need, to=ACTIONS[action], transitions=NEED_TRANSITIONS, by=by, note=note, fields=fields)


def accept_linked(need: Need, *, by: User, note: str) -> None:
    """A new need linked to a catalog item is taken up: accept it (other statuses stay)."""
    if need.status == NeedStatus.NEW:
        move(need, to=NeedStatus.ACCEPTED, transitions=NEED_TRANSITIONS, by=by, note=note)
