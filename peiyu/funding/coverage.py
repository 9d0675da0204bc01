"""The coverage view of needs (群众需求): per place (the towns of a county, or a town and its
villages) and field, the needs that stand and their supporters, against the active
organizations of that place working in the field. A read over needs and the registry."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as member

from django.db.models import Count, Sum
from django.db.models.functions import Substr

from peiyu.core.scoping import in_subtree
from peiyu.funding.models import Need
from peiyu.lib.divisions import LEVEL_DIGITS
from peiyu.orgs.models import Field, Organization, Status
from peiyu.regions.models import LEVEL_ORDER, Level, Region


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
    in_base = in_subtree(base.prefix)
    needs = Need.objects.counted().filter(in_base)
    if year:
        needs = needs.filter(created_at__year=year)
    need_counts = (
        needs.annotate(place=Substr("region_id", 1, digits))
        .values("place", "field_id")
        .annotate(count=Count("id"), supporters=Sum("supporters"))
        .order_by()
    )
    org_counts = (
        Organization.objects.filter(in_base, status=Status.ACTIVE, activity_fields__isnull=False)
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
