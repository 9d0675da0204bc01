"""The monthly figures of a region: its mediation cases registered in the period (handled,
successful, performed, confirmed, the amount involved, the rates) and the activities held in it
(events, people served, legal education, consultations). The figures page, its export, the
analytics of issue 9 and the ``activities_mediation_month_ms`` benchmark all read them here."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from peiyu.activities.models import Activity, MediationCase
from peiyu.core.scoping import in_subtree
from peiyu.lib.divisions import LEVEL_DIGITS, prefix_of


def month_span(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_figures(region_code: str, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The figures of the region's subtree for cases registered and activities held between
    ``start`` and ``end`` (both included): two queries, each on its (region, day) index."""
    where = in_subtree(prefix_of(region_code))
    cases = MediationCase.objects.filter(where, registered_on__range=(start, end)).figures()
    activities = Activity.objects.filter(where, held_on__range=(start, end)).figures()
    return {**cases, **activities}


def month_figures(region_code: str, year: int, month: int) -> dict[str, Any]:
    return period_figures(region_code, *month_span(year, month))


def figures_by_child(region_code: str, start: datetime.date, end: datetime.date) -> dict[str, dict[str, Any]]:
    """The mediation figures per child region (towns of a county, villages of a town), keyed by
    the child's 12-digit code."""
    prefix = prefix_of(region_code)
    widths = sorted(LEVEL_DIGITS.values())
    digits = next((w for w in widths if w > len(prefix)), widths[-1])  # the children's prefix
    return MediationCase.objects.filter(in_subtree(prefix), registered_on__range=(start, end)).figures_by(
        digits
    )
