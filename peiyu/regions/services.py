from __future__ import annotations

import csv
import gzip
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import connection
from django.utils.translation import gettext as _

from peiyu.core import audit
from peiyu.core.exceptions import ConflictError, PermissionRefused
from peiyu.lib.divisions import full_code, is_urban_town, is_urban_village, prefix_of
from peiyu.regions.models import Level, Region

if TYPE_CHECKING:
    from peiyu.accounts.models import User

DATA_DIR = Path(__file__).parent / "data"
# The shipped files, from the top of the tree down, with the column naming each row's parent.
SOURCES = [
    ("provinces.csv.gz", Level.PROVINCE, None),
    ("cities.csv.gz", Level.CITY, "provinceCode"),
    ("areas.csv.gz", Level.COUNTY, "cityCode"),
    ("streets.csv.gz", Level.TOWN, "areaCode"),
    ("villages.csv.gz", Level.VILLAGE, "streetCode"),
]
BATCH_SIZE = 2000


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent: str | None
    is_urban: bool | None


@dataclass(frozen=True)
class LoadResult:
    under: str
    created: int
    updated: int
    unchanged: int
    seconds: float

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def read_rows(*, under: str = "", data_dir: Path = DATA_DIR) -> Iterator[RegionRow]:
    """Yield the shipped rows of the subtree under ``under`` and the chain above it, parents
    first. An empty ``under`` means the whole country."""
    prefix = prefix_of(under) if under else ""
    seen: set[str] = set()
    for filename, level, parent_column in SOURCES:
        with gzip.open(data_dir / filename, "rt", encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle):
                short = record["code"]
                # Rows above the subtree are kept only if they are its ancestors.
                if not (short.startswith(prefix) or prefix.startswith(short)):
                    continue
                code = full_code(short)
                # 东莞 441900, 中山 442000 and 儋州 460400 have a pseudo county whose full
                # code is the city's own: the city row stands for both.
                if code in seen:
                    continue
                seen.add(code)
                parent = full_code(record[parent_column]) if parent_column else None
                yield RegionRow(
                    code=code,
                    name=record["name"],
                    level=level,
                    parent=parent,
                    is_urban=_urban(code, level),
                )


def _urban(code: str, level: str) -> bool | None:
    if level == Level.TOWN:
        return is_urban_town(code)
    if level == Level.VILLAGE:
        return is_urban_village(code)
    return None


@audit.service("regions.load")
def load_regions(*, under: str = "", by: User | None = None, data_dir: Path = DATA_DIR) -> LoadResult:
    """Load the shipped division data for a subtree, idempotently: new codes are created,
    renamed or moved ones updated, and edited populations and urban flags are kept."""
    started = time.perf_counter()
    rows = list(read_rows(under=under, data_dir=data_dir))
    codes_prefix = prefix_of(under) if under else ""
    existing = {
        code: (name, level, parent)
        for code, name, level, parent in Region.objects.filter(code__startswith=codes_prefix[:2]).values_list(
            "code", "name", "level", "parent_id"
        )
    }
    new = [row for row in rows if row.code not in existing]
    changed = [
        row
        for row in rows
        if row.code in existing and existing[row.code] != (row.name, row.level, row.parent)
    ]
    Region.objects.bulk_create(
        [
            Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent, is_urban=r.is_urban)
            for r in new
        ],
        batch_size=BATCH_SIZE,
    )
    Region.objects.bulk_update(
        [Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent) for r in changed],
        fields=["name", "level", "parent"],
        batch_size=BATCH_SIZE,
    )
    result = LoadResult(
        under=codes_prefix,
        created=len(new),
        updated=len(changed),
        unchanged=len(rows) - len(new) - len(changed),
        seconds=time.perf_counter() - started,
    )
    audit.record(
        event="regions.load",
        target_model=Region,
        target_pk=codes_prefix,
        target_repr=codes_prefix or "全国",
        action=1,
        data={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    if connection.vendor == "postgresql" and result.created > 10000:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE regions_region")
    return result


@audit.service("regions.update")
def update_region(
    region: Region,
    *,
    population: int | None,
    is_urban: bool | None,
    by: User,
    seen_version: datetime | None = None,
) -> Region:
    """Set the editable facts of a region: its resident population and urban flag. With
    ``seen_version`` (the ``updated_at`` the editor saw), refuse to overwrite a newer edit."""
    if not by.has_perm("regions.change_region"):
        raise PermissionRefused(_("You may not edit regions."))
    current = Region.objects.select_for_update().get(pk=region.pk)
    if seen_version is not None and current.updated_at != seen_version:
        raise ConflictError(
            _("%(name)s was changed by someone else since you opened it; reload and try again.")
            % {"name": region.name}
        )
    region.population = population
    region.is_urban = is_urban
    region.save(update_fields=["population", "is_urban", "updated_at"])
    return region
