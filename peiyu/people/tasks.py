"""Background tasks of the people app."""

from __future__ import annotations

from django_tasks import task

from peiyu.regions.models import Region


@task()
def recompute_star_levels(region_code: str) -> int:
    """Bring star levels in line after a region's thresholds changed."""
    from peiyu.people.services.hours import recompute_stars

    region = Region.objects.filter(code=region_code).first()
    return recompute_stars(region) if region is not None else 0
