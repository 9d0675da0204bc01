"""Demo data for regions: 溧阳市 (320481), the pilot county of seed 000, with plausible
resident populations (the real total is about 785,000; the split between villages is made up)."""

from __future__ import annotations

import hashlib

from peiyu.regions.models import Level, Region
from peiyu.regions.services import load_regions

DEMO_COUNTY = "320481"
DEMO_POPULATION = 785_000


def _weight(code: str, urban: bool | None) -> int:
    digest = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)
    low, high = (4_000, 12_000) if urban else (1_500, 5_000)
    return low + digest % (high - low)


def build() -> None:
    county_code = DEMO_COUNTY.ljust(12, "0")
    if not Region.objects.filter(parent__parent_id=county_code).exists():
        load_regions(under=DEMO_COUNTY)
    county = Region.objects.get(code=county_code)
    if county.population is not None:
        return
    villages = list(Region.objects.subtree(DEMO_COUNTY).filter(level=Level.VILLAGE))
    weights = {v.code: _weight(v.code, v.is_urban) for v in villages}
    scale = DEMO_POPULATION / sum(weights.values())
    for village in villages:
        village.population = round(weights[village.code] * scale)
    Region.objects.bulk_update(villages, ["population"])
    towns = list(Region.objects.filter(parent=county))
    for town in towns:
        town.population = sum(v.population or 0 for v in villages if v.parent_id == town.code)
    Region.objects.bulk_update(towns, ["population"])
    county.population = sum(t.population or 0 for t in towns)
    county.save(update_fields=["population", "updated_at"])
