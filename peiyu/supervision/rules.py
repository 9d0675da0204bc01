"""The supervision rules: they read the history (annual inspections, sanctions, listings,
notices, visits) and propose what the office should decide, with the facts and the rule behind
each proposal. Nothing is decided here; staff decide each proposal.

The engine streams organizations in chunks and reads each table once per chunk, so a province
of a million organizations is a few million rows read, not a few million queries.

Rules (DOMAIN.md §4–§5; seed 004 for the inspection ones):
- one year's inspection missed → warning;
- two consecutive years missed or failed → revocation of registration;
- basic pass two years running, with a valid grade → grade downgrade (39号令 Art. 30);
- the annual report submitted after the deadline → abnormal-activity list;
- not found at the registered address on two visits at least 20 days apart → abnormal-activity list;
- a rectification notice not complied with → abnormal-activity list;
- a warning or a fine under the large-fine threshold → abnormal-activity list;
- on the abnormal-activity list for two full years, a fine at or above the threshold, two or
  more warnings or small fines within three years, suspension of activities, revocation or a
  fraudulent change → serious-violation list;
- on the serious-violation list with two clean years since → removal.
An abnormal-activity listing that needed no rectification ends by itself six months after it
began; that is carried out, not proposed (``expire_listings``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core import options
from peiyu.orgs.models import Organization, Source, Status
from peiyu.supervision.models import (
    AnnualReport,
    Campaign,
    CampaignStatus,
    Conclusion,
    CreditList,
    Grade,
    GradeStatus,
    Listing,
    ListingStatus,
    NoticeStatus,
    ProposalAction,
    RectificationNotice,
    ReportStatus,
    Sanction,
    SanctionKind,
    Visit,
    VisitStatus,
)
from peiyu.supervision.options import LARGE_FINE, SERIOUS_CLEAN_YEARS

CHUNK = 5000
MISSED, EXEMPT, PENDING = "missed", "exempt", "pending"
BAD = {MISSED, Conclusion.FAIL}
UNREACHABLE_GAP_DAYS = 20

# What each rule proposes, and the ground a listing gets from it.
RULES: dict[str, tuple[str, str]] = {
    "missed_once": (ProposalAction.WARNING, ""),
    "two_bad_years": (ProposalAction.REVOCATION, ""),
    "basic_pass_twice": (ProposalAction.DOWNGRADE, ""),
    "late_report": (ProposalAction.ABNORMAL_LIST, "late_report"),
    "unreachable": (ProposalAction.ABNORMAL_LIST, "unreachable"),
    "rectification_not_done": (ProposalAction.ABNORMAL_LIST, "rectification_not_done"),
    "warning_or_small_fine": (ProposalAction.ABNORMAL_LIST, "warning_or_small_fine"),
    "abnormal_two_years": (ProposalAction.SERIOUS_LIST, "abnormal_two_years"),
    "large_fine": (ProposalAction.SERIOUS_LIST, "large_fine"),
    "repeated_penalties": (ProposalAction.SERIOUS_LIST, "repeated_penalties"),
    "stop_activity": (ProposalAction.SERIOUS_LIST, "stop_activity"),
    "revoked": (ProposalAction.SERIOUS_LIST, "revoked"),
    "fraudulent_change": (ProposalAction.SERIOUS_LIST, "fraudulent_change"),
    "serious_clean": (ProposalAction.REMOVAL, ""),
}


def basis(rule: str) -> str:
    return {
        "missed_once": _(
            "An organization that does not take the annual inspection is warned (登记管理条例; seed 004: one year missed → warning)."
        ),
        "two_bad_years": _(
            "Two consecutive years without the annual inspection, or failing it, lead to revocation of the registration (seed 004; 登记管理条例 penalty articles)."
        ),
        "basic_pass_twice": _(
            "A basic pass two years running is a ground to lower the grade (民政部令第39号 Art. 30)."
        ),
        "late_report": _(
            "Not filing the annual work report on time puts an organization on the abnormal-activity list (民政部令第60号)."
        ),
        "unreachable": _(
            "An organization that cannot be reached at its registered address goes on the abnormal-activity list (民政部令第60号)."
        ),
        "rectification_not_done": _(
            "Not completing ordered rectification on time puts an organization on the abnormal-activity list (民政部令第60号)."
        ),
        "warning_or_small_fine": _(
            "A warning, or a fine under 50,000 yuan, puts an organization on the abnormal-activity list (民政部令第60号)."
        ),
        "abnormal_two_years": _(
            "Two full years on the abnormal-activity list lead to the serious-violation list (民政部令第60号)."
        ),
        "large_fine": _(
            "A fine of 50,000 yuan or more leads to the serious-violation list (民政部令第60号)."
        ),
        "repeated_penalties": _(
            "Two or more warnings or fines under 50,000 yuan within three years lead to the serious-violation list (民政部令第60号)."
        ),
        "stop_activity": _(
            "An order to suspend activities leads to the serious-violation list (民政部令第60号)."
        ),
        "revoked": _("Revocation of the registration leads to the serious-violation list (民政部令第60号)."),
        "fraudulent_change": _(
            "A change registration revoked for fraud leads to the serious-violation list (民政部令第60号)."
        ),
        "serious_clean": _(
            "After two full years with no new ground, an organization is removed from the serious-violation list (民政部令第60号)."
        ),
    }[rule]


@dataclass
class Draft:
    organization_id: int
    rule: str
    key: str
    facts: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return RULES[self.rule][0]


def years_ago(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _facts(years: Sequence[tuple[int, str, bool]]) -> list[str]:
    """The inspection years as sentences; built only for organizations a rule fires on, since
    translating for every organization of a province was a third of the engine's time."""
    return [
        _("%(year)d annual inspection: %(result)s.") % {"year": y, "result": _label(r)}
        for y, r, _late in years
    ]


def _label(result: str) -> str:
    return {
        MISSED: _("not taken"),
        EXEMPT: _("exempt"),
        PENDING: _("pending"),
        Conclusion.PASS: _("pass"),
        Conclusion.BASIC_PASS: _("basic pass"),
        Conclusion.FAIL: _("fail"),
    }[result]


@dataclass
class Context:
    """What the rules read, for one chunk of organizations."""

    today: datetime.date
    campaigns: dict[str, list[tuple[int, int, datetime.date]]]  # authority → (year, id, deadline)
    reports: dict[int, dict[int, tuple[str, str, datetime.date | None]]] = field(default_factory=dict)
    sanctions: dict[int, list[tuple[int, str, Decimal | None, datetime.date]]] = field(default_factory=dict)
    listings: dict[int, list[tuple[int, str, str, str, datetime.date | None]]] = field(default_factory=dict)
    notices: dict[int, list[tuple[int, str, datetime.date]]] = field(default_factory=dict)
    unreachable: dict[int, list[datetime.date]] = field(default_factory=dict)
    graded: set[int] = field(default_factory=set)
    large_fine: Decimal = Decimal(50_000)
    clean_years: int = 2


def campaigns_by_authority(today: datetime.date) -> dict[str, list[tuple[int, int, datetime.date]]]:
    """Campaigns whose deadline has passed: only those can have been missed."""
    found: dict[str, list[tuple[int, int, datetime.date]]] = defaultdict(list)
    rows = Campaign.objects.exclude(status=CampaignStatus.DRAFT).filter(authority_deadline__lt=today)
    for authority, year, pk, deadline in rows.order_by("year").values_list(
        "authority_id", "year", "pk", "authority_deadline"
    ):
        found[authority].append((year, pk, deadline))
    return found


def load(ids: Sequence[int], context: Context) -> None:
    """Read what the rules need for a chunk of organizations (``ids`` ascending). Rows are
    selected by the chunk's key range rather than a list of 5,000 keys: the engines scan an
    index range far faster than they match a long IN list; rows of organizations outside the
    chunk that fall in the range are simply not looked at."""
    low, high = ids[0], ids[-1]
    reports: dict[int, dict[int, tuple[str, str, datetime.date | None]]] = defaultdict(dict)
    zone = timezone.get_current_timezone()
    for org, campaign, status, conclusion, submitted in AnnualReport.objects.filter(
        organization_id__gte=low, organization_id__lte=high
    ).values_list("organization_id", "campaign_id", "status", "conclusion", "submitted_at"):
        reports[org][campaign] = (
            status,
            conclusion,
            submitted.astimezone(zone).date() if submitted else None,
        )
    context.reports = reports
    sanctions: dict[int, list[tuple[int, str, Decimal | None, datetime.date]]] = defaultdict(list)
    for pk, org, kind, amount, day in Sanction.objects.filter(
        organization_id__gte=low, organization_id__lte=high
    ).values_list("pk", "organization_id", "kind", "amount", "decided_on"):
        sanctions[org].append((pk, kind, amount, day))
    context.sanctions = sanctions
    listings: dict[int, list[tuple[int, str, str, str, datetime.date | None]]] = defaultdict(list)
    for pk, org, kind, ground, status, listed in Listing.objects.filter(
        organization_id__gte=low, organization_id__lte=high
    ).values_list("pk", "organization_id", "list", "ground", "status", "listed_on"):
        listings[org].append((pk, kind, ground, status, listed))
    context.listings = listings
    notices: dict[int, list[tuple[int, str, datetime.date]]] = defaultdict(list)
    for pk, org, number, deadline in RectificationNotice.objects.filter(
        organization_id__gte=low, organization_id__lte=high, status=NoticeStatus.FAILED
    ).values_list("pk", "organization_id", "number", "deadline"):
        notices[org].append((pk, number, deadline))
    context.notices = notices
    unreachable: dict[int, list[datetime.date]] = defaultdict(list)
    for org, day in Visit.objects.filter(
        organization_id__gte=low, organization_id__lte=high, status=VisitStatus.DONE, unreachable=True
    ).values_list("organization_id", "inspected_on"):
        if day is not None:
            unreachable[org].append(day)
    context.unreachable = unreachable
    context.graded = set(
        Grade.objects.filter(
            organization_id__gte=low,
            organization_id__lte=high,
            status=GradeStatus.VALID,
            valid_until__gte=context.today,
        ).values_list("organization_id", flat=True)
    )


def year_result(
    status: str,
    conclusion: str,
    submitted_on: datetime.date | None,
    deadline: datetime.date,
    today: datetime.date,
) -> str:
    """One inspection year's outcome: exempt, the conclusion, pending (submitted by the deadline
    and not yet decided, or the deadline not yet passed), or missed."""
    if status == ReportStatus.EXEMPT:
        return EXEMPT
    if status == ReportStatus.DECIDED and conclusion:
        return conclusion
    if submitted_on is not None and submitted_on <= deadline:
        return PENDING
    return MISSED if today > deadline else PENDING


def outcomes(
    org: int, authority: str | None, registered: datetime.date | None, context: Context
) -> list[tuple[int, str, bool]]:
    """(year, outcome, late) for every closed campaign since registration, oldest first."""
    result = []
    own = context.reports.get(org, {})
    for year, campaign, deadline in context.campaigns.get(authority or "", []):
        if registered is not None and registered.year > year:
            continue
        status, conclusion, submitted = own.get(campaign, ("", "", None))
        outcome = year_result(status, conclusion, submitted, deadline, context.today)
        result.append((year, outcome, submitted is not None and submitted > deadline))
    return result


def evaluate(
    org: int, authority: str | None, registered: datetime.date | None, active: bool, context: Context
) -> Iterator[Draft]:
    years = outcomes(org, authority, registered, context)
    listed = {
        (kind, ground)
        for _pk, kind, ground, status, _day in context.listings.get(org, [])
        if status != ListingStatus.REMOVED
    }
    if active and years:
        year, result, late = years[-1]
        previous = years[-2][1] if len(years) > 1 and years[-2][0] == year - 1 else None
        if result in BAD and previous in BAD:
            yield Draft(org, "two_bad_years", f"two_bad_years:{org}:{year}", _facts(years[-2:]))
        elif result == MISSED:
            yield Draft(org, "missed_once", f"missed_once:{org}:{year}", _facts(years[-1:]))
        if result == Conclusion.BASIC_PASS and previous == Conclusion.BASIC_PASS and org in context.graded:
            yield Draft(org, "basic_pass_twice", f"basic_pass_twice:{org}:{year}", _facts(years[-2:]))
        if late and (CreditList.ABNORMAL, "late_report") not in listed:
            yield Draft(
                org,
                "late_report",
                f"late_report:{org}:{year}",
                [_("The %(year)d annual report was submitted after the deadline.") % {"year": year}],
            )
    yield from _visits_and_notices(org, listed, context)
    yield from _sanctions(org, listed, context)
    yield from _listings(org, context)


def _visits_and_notices(org: int, listed: set[tuple[str, str]], context: Context) -> Iterator[Draft]:
    days = sorted(context.unreachable.get(org, []))
    if (
        len(days) >= 2
        and (days[-1] - days[0]).days >= UNREACHABLE_GAP_DAYS
        and (CreditList.ABNORMAL, "unreachable") not in listed
    ):
        facts = [_("Not found at its registered address on %(date)s.") % {"date": day} for day in days[-2:]]
        yield Draft(org, "unreachable", f"unreachable:{org}:{days[-1]}", facts)
    for pk, number, deadline in context.notices.get(org, []):
        facts = [
            _("Rectification notice %(number)s (deadline %(date)s) was not complied with.")
            % {"number": number, "date": deadline}
        ]
        yield Draft(org, "rectification_not_done", f"rectification_not_done:{pk}", facts)


def _sanctions(org: int, listed: set[tuple[str, str]], context: Context) -> Iterator[Draft]:
    window = years_ago(context.today, 3)
    small: list[tuple[int, datetime.date, str]] = []
    for pk, kind, amount, day in sorted(context.sanctions.get(org, []), key=lambda s: s[3]):
        label = _("%(kind)s on %(date)s") % {"kind": SanctionKind(kind).label, "date": day}
        if amount:
            label += _(", %(amount)s yuan") % {"amount": f"{amount:,.0f}"}
        if kind == SanctionKind.FINE and amount is not None and amount >= context.large_fine:
            yield Draft(org, "large_fine", f"large_fine:{pk}", [label])
        elif kind in (SanctionKind.WARNING, SanctionKind.FINE):
            yield Draft(org, "warning_or_small_fine", f"warning_or_small_fine:{pk}", [label])
            if day > window:
                small.append((pk, day, label))
        elif kind in ("stop_activity", "revocation", "fraudulent_change"):
            rule = {
                "stop_activity": "stop_activity",
                "revocation": "revoked",
                "fraudulent_change": "fraudulent_change",
            }[kind]
            yield Draft(org, rule, f"{rule}:{pk}", [label])
    if len(small) >= 2:
        yield Draft(
            org, "repeated_penalties", f"repeated_penalties:{org}:{small[-1][0]}", [s[2] for s in small]
        )


def _listings(org: int, context: Context) -> Iterator[Draft]:
    two_years_ago = years_ago(context.today, 2)
    rows = context.listings.get(org, [])
    serious = [r for r in rows if r[1] == CreditList.SERIOUS and r[3] == ListingStatus.LISTED]
    for pk, kind, ground, status, listed_on in rows:
        if (
            kind == CreditList.ABNORMAL
            and status == ListingStatus.LISTED
            and listed_on
            and listed_on <= two_years_ago
            and not serious
        ):
            facts = [
                _("On the abnormal-activity list since %(date)s (%(ground)s).")
                % {"date": listed_on, "ground": ground}
            ]
            yield Draft(org, "abnormal_two_years", f"abnormal_two_years:{pk}", facts)
    clean_since = years_ago(context.today, context.clean_years)
    for pk, _kind, _ground, _status, listed_on in serious:
        later = [s for s in context.sanctions.get(org, []) if listed_on is None or s[3] > listed_on]
        if listed_on and listed_on <= clean_since and not later:
            facts = [
                _("On the serious-violation list since %(date)s, with no new ground since.")
                % {"date": listed_on}
            ]
            yield Draft(org, "serious_clean", f"serious_clean:{pk}", facts)


def run(today: datetime.date | None = None) -> Iterator[Draft]:
    """Every proposal the history supports today (existing ones included: keys dedupe)."""
    today = today or timezone.localdate()
    context = Context(today=today, campaigns=campaigns_by_authority(today))
    organizations = Organization.objects.filter(source=Source.REGISTERED).order_by("pk")
    last = 0
    settings: dict[str, tuple[Decimal, int]] = {}
    while True:
        rows = list(
            organizations.filter(pk__gt=last).values_list(
                "pk", "authority_id", "registered_on", "status", "region_id"
            )[:CHUNK]
        )
        if not rows:
            return
        last = rows[-1][0]
        load([r[0] for r in rows], context)
        for pk, authority, registered, status, region in rows:
            # Settings are read per county, once per run, not per organization.
            county = region[:6]
            if county not in settings:
                settings[county] = (
                    Decimal(options.value_of(LARGE_FINE.key, region)),
                    options.value_of(SERIOUS_CLEAN_YEARS.key, region),
                )
            context.large_fine, context.clean_years = settings[county]
            yield from evaluate(pk, authority, registered, status == Status.ACTIVE, context)
