"""Exports of awarded grants: a 360Giving Data Standard package (schema 1.4, vendored in
``schema/`` for the tests) and the .xlsx sheets. Both start from any queryset of applications
and keep only the awarded ones, with their contracts and paid tranches."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from peiyu.funding.models import (
    Application,
    ApplicationStatus,
    Contract,
    FundingEvent,
    Round,
    Stage,
    Tranche,
    TrancheStatus,
)
from peiyu.lib.xlsx import Sheet
from peiyu.orgs.docx import office_name
from peiyu.regions.models import Level, Region

SCHEMA_VERSION = "1.4"  # the package's ``version``: major.minor of the standard
CURRENCY = "CNY"
COUNTRY = "CN"
ZERO = Decimal(0)


def awarded(applications: QuerySet[Application]) -> QuerySet[Application]:
    """The awarded applications among ``applications``, with everything the exports read."""
    return (
        applications.filter(status=ApplicationStatus.AWARDED)
        .select_related("round__region", "organization__region__parent", "field", "area", "contract")
        # Both keep their models' ordering: tranches by position, evaluations by date.
        .prefetch_related("contract__tranches", "contract__evaluations")
        .order_by("round__year", "round_id", "rank", "id")
    )


def contract_of(application: Application) -> Contract | None:
    try:
        return application.contract
    except Contract.DoesNotExist:
        return None


def paid_tranches(contract: Contract | None) -> list[Tranche]:
    if contract is None:
        return []
    return [t for t in contract.tranches.all() if t.status == TrancheStatus.PAID]


def paid_amount(contract: Contract | None) -> Decimal:
    return sum((t.amount for t in paid_tranches(contract)), ZERO)


def latest_totals(contract: Contract | None) -> dict[str, Decimal | None]:
    """The latest mid-term and final evaluation totals (None where there is none yet)."""
    totals: dict[str, Decimal | None] = {Stage.MID_TERM: None, Stage.FINAL: None}
    for evaluation in contract.evaluations.all() if contract is not None else []:
        totals[evaluation.stage] = evaluation.total
    return totals


# 360Giving ---------------------------------------------------------------------------------------


def prefix(region_code: str) -> str:
    """The publisher prefix of a county's grants. 360Giving prefixes start with ``360G`` and
    use hyphens between parts; the county's six-digit code keeps counties apart."""
    return f"360G-peiyu-{region_code[:6]}"


def _slug(text: str) -> str:
    # The standard asks for no slashes or spaces in identifiers, special characters replaced by
    # underscores; a contract number such as 溧阳市购〔2026〕7号 becomes 2026_7, unique per county.
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_")


def grant_id(application: Application) -> str:
    contract = contract_of(application)
    local = _slug(contract.number) if contract is not None else ""
    return f"{prefix(application.round.region_id)}-{local or f'A{application.pk}'}"


def recipient_id(application: Application) -> str:
    """An org-id: ``CN-USCC-`` and the unified social credit code, else an internal identifier
    under the publisher's prefix (a filed community organization has no credit code)."""
    organization = application.organization
    if organization.uscc:
        return f"CN-USCC-{organization.uscc}"
    return f"{prefix(application.round.region_id)}-org-{organization.pk}"


def funder(county: Region) -> dict[str, str]:
    """The county's civil-affairs bureau, under a stable internal identifier."""
    return {"id": f"{prefix(county.code)}-civil_affairs", "name": office_name(county)}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _stamp(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _locality(region: Region) -> str:
    # A village or community belongs to its town, which is the address's locality.
    if region.level == Level.VILLAGE and region.parent is not None:
        return region.parent.name
    return region.name


def _last_changes(applications: list[Application]) -> dict[tuple[str, int], datetime.datetime]:
    """When each application, contract and tranche last moved, from the funding history."""
    ids: dict[str, list[int]] = defaultdict(list)
    for application in applications:
        ids["application"].append(application.pk)
        contract = contract_of(application)
        if contract is not None:
            ids["contract"].append(contract.pk)
            ids["tranche"].extend(t.pk for t in contract.tranches.all())
    if not ids:
        return {}
    which = Q()
    for subject, pks in ids.items():
        which |= Q(subject=subject, subject_id__in=pks)
    rows = FundingEvent.objects.filter(which).values("subject", "subject_id").annotate(last=Max("at"))
    return {(row["subject"], row["subject_id"]): row["last"] for row in rows}


def _modified(application: Application, changes: dict[tuple[str, int], datetime.datetime]) -> str:
    contract = contract_of(application)
    moments = [application.created_at, changes.get(("application", application.pk))]
    if contract is not None:
        moments += [contract.created_at, changes.get(("contract", contract.pk))]
        moments += [changes.get(("tranche", t.pk)) for t in contract.tranches.all()]
    return _stamp(max(m for m in moments if m is not None))


def _transactions(application: Application, recipient: str, provider: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{grant_id(application)}-T{tranche.position}",
            "transactionDate": tranche.paid_on.isoformat(),
            "currency": CURRENCY,
            "value": _number(tranche.amount),
            "description": _("Tranche %(position)d (%(milestone)s), voucher %(voucher)s")
            % {
                "position": tranche.position,
                "milestone": tranche.get_milestone_display(),
                "voucher": tranche.voucher or "—",
            },
            "provider": provider,
            "recipient": recipient,
        }
        for tranche in paid_tranches(contract_of(application))
        if tranche.paid_on is not None
    ]


def grant(application: Application, *, funders: dict[str, dict[str, str]], modified: str) -> dict[str, Any]:
    """One awarded application as a 360Giving grant."""
    round, organization, contract = application.round, application.organization, contract_of(application)
    if round.region_id not in funders:
        funders[round.region_id] = funder(round.region)
    funding = funders[round.region_id]
    recipient = recipient_id(application)
    amount = application.awarded if application.awarded is not None else application.requested
    award_date = (contract.signed_on if contract else None) or round.notice_ends_on
    if award_date is None:
        award_date = timezone.localtime(contract.created_at if contract else application.created_at).date()
    result: dict[str, Any] = {
        "id": grant_id(application),
        "title": application.title,
        "description": application.summary or application.title,
        "currency": CURRENCY,
        "amountAppliedFor": _number(application.requested),
        "amountAwarded": _number(amount),
        "amountDisbursed": _number(paid_amount(contract)),
        "awardDate": award_date.isoformat(),
        "fromOpenCall": "Yes",
        "recipientOrganization": [
            {
                "id": recipient,
                "name": organization.name,
                "addressLocality": _locality(organization.region),
                "addressCountry": COUNTRY,
            }
        ],
        "fundingOrganization": [funding],
        "grantProgramme": [{"code": f"{prefix(round.region_id)}-round-{round.pk}", "title": round.title}],
        "beneficiaryLocation": [
            {
                "id": application.area_id,
                "name": application.area.name,
                "countryCode": COUNTRY,
                "geoCode": application.area_id,
            }
        ],
        "classifications": [
            {
                "vocabulary": f"{prefix(round.region_id)}-field",
                "code": application.field.code,
                "title": application.field.name,
            }
        ],
        "dateModified": modified,
    }
    if contract is not None:
        result["plannedDates"] = [
            {"startDate": contract.starts_on.isoformat(), "endDate": contract.ends_on.isoformat()}
        ]
        transactions = _transactions(application, recipient, funding["id"])
        if transactions:
            result["disbursementTransaction"] = transactions
    return result


def grants_360giving(applications: QuerySet[Application], *, title: str = "") -> dict[str, Any]:
    """A 360Giving package of the awarded grants among ``applications``. The standard wants at
    least one grant in a package: callers with nothing awarded say so instead of publishing."""
    rows = list(awarded(applications))
    changes = _last_changes(rows)
    funders: dict[str, dict[str, str]] = {}
    grants = [grant(a, funders=funders, modified=_modified(a, changes)) for a in rows]
    counties = sorted(funders)
    package: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "title": title or _("Awarded grants"),
        "description": _(
            "Grants awarded in venture-philanthropy rounds and purchases of services, with the "
            "tranches paid so far. Exported from Peiyu."
        ),
        "modified": _stamp(timezone.now()),
        "identifier": f"{prefix(counties[0])}-grants" if len(counties) == 1 else "360G-peiyu-grants",
        "grants": grants,
    }
    if len(counties) == 1:
        package["publisher"] = {
            "identifier": funders[counties[0]]["id"],
            "name": funders[counties[0]]["name"],
        }
    return package


# .xlsx -----------------------------------------------------------------------------------------


def _grant_row(application: Application) -> tuple[Any, ...]:
    contract = contract_of(application)
    awarded_amount = application.awarded if application.awarded is not None else application.requested
    paid = paid_amount(contract)
    totals = latest_totals(contract)
    organization = application.organization
    return (
        application.round.year,
        application.round.title,
        organization.name,
        organization.code,
        application.title,
        application.field.name,
        application.area.name,
        awarded_amount,
        paid,
        (contract.amount if contract else awarded_amount) - paid,
        contract.number if contract else "",
        contract.get_status_display() if contract else "",
        totals[Stage.MID_TERM],
        totals[Stage.FINAL],
        application.final_score,
    )


def _summary_rows(rounds: Iterable[Round], rows: list[Application]) -> list[tuple[Any, ...]]:
    sums: dict[int, dict[str, Any]] = defaultdict(lambda: {"count": 0, "awarded": ZERO, "paid": ZERO})
    for application in rows:
        entry = sums[application.round_id]
        entry["count"] += 1
        entry["awarded"] += application.awarded if application.awarded is not None else application.requested
        entry["paid"] += paid_amount(contract_of(application))
    lines = []
    for round in rounds:
        entry = sums[round.pk]
        lines.append(
            (
                round.year,
                round.title,
                round.get_status_display(),
                round.budget,
                entry["count"],
                entry["awarded"],
                entry["paid"],
                entry["awarded"] - entry["paid"],
                round.budget - entry["awarded"],
            )
        )
    return lines


def grants_sheets(applications: QuerySet[Application], rounds: Iterable[Round]) -> list[Sheet]:
    """One row per awarded grant, and a summary row per round of ``rounds`` (pass them with
    ``with_budget()``)."""
    rows = list(awarded(applications))
    headers = [
        _("Year"),
        pgettext("funding round", "Round"),
        _("Organization"),
        _("Credit code or filing number"),
        _("Project"),
        _("Field"),
        _("Where it serves"),
        _("Awarded (yuan)"),
        _("Paid (yuan)"),
        _("To pay (yuan)"),
        _("Contract number"),
        _("Contract status"),
        _("Mid-term evaluation"),
        _("Final evaluation"),
        _("Final score"),
    ]
    summary = [
        _("Year"),
        pgettext("funding round", "Round"),
        _("Status"),
        _("Budget (yuan)"),
        _("Projects awarded"),
        _("Awarded (yuan)"),
        _("Paid (yuan)"),
        _("To pay (yuan)"),
        _("Budget not awarded (yuan)"),
    ]
    return [
        (_("Grants"), headers, [_grant_row(a) for a in rows]),
        (_("Rounds"), summary, _summary_rows(rounds, rows)),
    ]
