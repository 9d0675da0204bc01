"""Needs (群众需求): a resident's or a village worker's need, its possible duplicates and their
merging, the office's decision (accept, decline or answer), and the coverage view of needs by
place and field against the organizations active there.

A need arrives ``new``; the office accepts it (it goes into the procurement catalog's pool, and
linking it to a catalog item accepts it too), answers it directly, declines it with a reason,
or merges it into another need of the same county, which then counts its supporters. Every step
is a move along ``NEED_TRANSITIONS`` with its event row."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as member

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.scoping import code_range
from peiyu.funding.models import NEED_TRANSITIONS, Need, NeedSource, NeedStatus
from peiyu.funding.services.common import event, locked, move, require, require_region
from peiyu.lib.divisions import LEVEL_DIGITS
from peiyu.lib.search import normalize
from peiyu.orgs.models import Field, Organization, Status, TargetGroup
from peiyu.regions.models import LEVEL_ORDER, Level, Region

ADD = "funding.add_need"
CHANGE = "funding.change_need"
# How an office's decision moves a need.
ACTIONS = {"accept": NeedStatus.ACCEPTED, "decline": NeedStatus.DECLINED, "answer": NeedStatus.ANSWERED}
# Needs that still stand for themselves and ask for a service: counted on the coverage view.
COUNTED = (NeedStatus.NEW, NeedStatus.ACCEPTED, NeedStatus.ANSWERED)
# Candidates a duplicate search reads at most (the newest first).
DUPLICATE_CANDIDATES = 500


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


def _bigrams(text: str) -> set[str]:
    plain = normalize(text)
    return {plain[i : i + 2] for i in range(len(plain) - 1)}


def find_duplicates(need: Need) -> list[Need]:
    """The open needs of the same place and field whose titles share a two-character token
    with this one, the closest first (most shared tokens, then the most supported)."""
    wanted = _bigrams(need.title)
    if not wanted:
        return []
    candidates = (
        Need.objects.open()
        .filter(region_id=need.region_id, field_id=need.field_id)
        .exclude(pk=need.pk)
        .select_related("region", "field")
        .order_by("-created_at", "-id")[:DUPLICATE_CANDIDATES]
    )
    scored = [(len(wanted & _bigrams(other.title)), other) for other in candidates]
    found = [(shared, other) for shared, other in scored if shared]
    found.sort(key=lambda pair: (-pair[0], -pair[1].supporters, pair[1].pk))
    return [other for _shared, other in found]


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


# The coverage view -----------------------------------------------------------------------------


@dataclass
class Cell:
    needs: int = 0
    supporters: int = 0
    organizations: int = 0

    @property
    def uncovered(self) -> bool:
        """Needs here and no active organization of this place working in the field."""
        return self.needs > 0 and self.organizations == 0


@dataclass
class Row:
    region: Region
    cells: list[Cell] = member(default_factory=list)

    @property
    def needs(self) -> int:
        return sum(c.needs for c in self.cells)

    @property
    def supporters(self) -> int:
        return sum(c.supporters for c in self.cells)

    @property
    def uncovered(self) -> int:
        return sum(1 for c in self.cells if c.uncovered)


@dataclass
class Coverage:
    """Needs (with their supporters) and active organizations, per place (rows: the towns of a
    county, or the villages of a town) and field (columns)."""

    base: Region
    fields: list[Field]
    rows: list[Row]
    totals: list[Cell]

    @property
    def needs(self) -> int:
        return sum(c.needs for c in self.totals)

    @property
    def uncovered(self) -> int:
        return sum(row.uncovered for row in self.rows)


def _row_regions(base: Region) -> list[Region]:
    """The places a coverage table has a row for: a county's towns; a town as a whole (for
    needs raised for the whole town) and its villages; a village alone."""
    if base.level == Level.VILLAGE:
        return [base]
    children = list(Region.objects.children_of(base))
    return [base, *children] if base.level == Level.TOWN else children


def _digits(base: Region) -> int:
    """How many leading digits of a code name the row a region falls in."""
    below = LEVEL_ORDER[min(LEVEL_ORDER.index(Level(base.level)) + 1, len(LEVEL_ORDER) - 1)]
    return LEVEL_DIGITS[below]


def coverage(base: Region, *, year: int | None = None) -> Coverage:
    """Count, under ``base``, the needs that stand (new, accepted, answered) and the active
    organizations by place and field. Two grouped queries, whatever the number of rows."""
    rows, digits = _row_regions(base), _digits(base)
    low, high = code_range(base.prefix)
    in_base = {"region_id__gte": low, "region_id__lt": high}
    needs = Need.objects.filter(status__in=COUNTED, **in_base)
    if year:
        needs = needs.filter(created_at__year=year)
    need_counts = (
        needs.annotate(place=Substr("region_id", 1, digits))
        .values("place", "field_id")
        .annotate(count=Count("id"), supporters=Sum("supporters"))
        .order_by()
    )
    org_counts = (
        Organization.objects.filter(status=Status.ACTIVE, activity_fields__isnull=False, **in_base)
        .annotate(place=Substr("region_id", 1, digits))
        .values("place", "activity_fields")
        .annotate(count=Count("id", distinct=True))
        .order_by()
    )
    cells: dict[tuple[str, int], Cell] = {}
    for row in need_counts:
        cell = cells.setdefault((row["place"], row["field_id"]), Cell())
        cell.needs, cell.supporters = row["count"], row["supporters"] or 0
    for row in org_counts:
        cells.setdefault((row["place"], row["activity_fields"]), Cell()).organizations = row["count"]
    places = {region.code[:digits] for region in rows}
    used = {field_id for place, field_id in cells if place in places}
    fields = [f for f in Field.objects.all() if f.pk in used]
    table = []
    for region in rows:
        place = region.code[:digits]
        table.append(Row(region, [cells.get((place, f.pk), Cell()) for f in fields]))
    totals = [
        Cell(
            needs=sum(r.cells[i].needs for r in table),
            supporters=sum(r.cells[i].supporters for r in table),
            organizations=sum(r.cells[i].organizations for r in table),
        )
        for i in range(len(fields))
    ]
    return Coverage(base=base, fields=fields, rows=table, totals=totals)


def need_years(needs: QuerySet[Need]) -> list[int]:
    """The years ``needs`` were raised in, newest first, for a year filter."""
    return [d.year for d in needs.dates("created_at", "year", order="DESC")]


def in_subtree(code: str, lookup: str = "region_id") -> Q:
    """Rows whose region lies under ``code`` (a prefix), as a range of codes."""
    low, high = code_range(code)
    return Q(**{f"{lookup}__gte": low, f"{lookup}__lt": high})
