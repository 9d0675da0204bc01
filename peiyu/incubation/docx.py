"""The incubation app's Word documents: the residency agreement (入驻协议) and a training
event's attendance sheet (签到表), rendered from ``documents/`` in Chinese whatever the user's
interface language. Both are printed on demand to be signed on paper, so nothing is stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from peiyu.core.options import value_of
from peiyu.incubation import options
from peiyu.incubation.models import Residency, ServiceKind, TrainingEvent
from peiyu.lib import docx
from peiyu.orgs.docx import official

TEMPLATES = Path(__file__).resolve().parent / "documents"


@official
def residency_agreement(residency: Residency) -> bytes:
    incubator, intake = residency.incubator, residency.intake
    context = {
        "number": residency.agreement_number,
        "incubator": incubator.name,
        "address": incubator.address,
        "operator": incubator.operator.name if incubator.operator else "",
        "resident": residency.name,
        "region": residency.region.path_name(),
        "contact_name": intake.contact_name if intake else "",
        "started_on": residency.started_on,
        "planned_end_on": residency.planned_end_on,
        "min_months": value_of(options.MIN_MONTHS.key, incubator.region_id),
        "max_months": value_of(options.MAX_MONTHS.key, incubator.region_id),
        "workspace": residency.workspace,
        "services": "、".join(str(label) for label in ServiceKind.labels),
        # The agreement is signed on admission, whenever it is printed.
        "date": intake.decided_at if intake and intake.decided_at else residency.started_on,
    }
    return docx.render(TEMPLATES / "residency_agreement.docx", context)


@official
def attendance_sheet(
    training: TrainingEvent, *, residents: Sequence[Residency], attendance: Mapping[int, int]
) -> bytes:
    """The sheet to sign at the event: a row per resident expected, with the number of people
    already recorded for it, if any."""
    rows = [
        {"number": index, "name": resident.name, "people": attendance.get(resident.pk, "")}
        for index, resident in enumerate(residents, start=1)
    ]
    context = {
        "title": training.title,
        "incubator": training.incubator.name,
        "held_on": training.held_on,
        "hours": f"{training.hours.normalize():f}",
        "place": training.place,
        "provider": training.provider,
        "rows": rows,
    }
    return docx.render(TEMPLATES / "attendance_sheet.docx", context)
