"""Demo data for supervision in 溧阳市 (320481), on the registry and people demos:

* the annual inspections of the last two years (2024 and 2025 when built in late 2026) over
  the county's registered organizations: most pass, some pass basically or fail with their
  reasons, a few miss the year or report after the deadline; the demo organization account's
  association files and passes both. The reports are written in bulk, in the state the
  inspection services leave them (submitted, returned, decided, with their event rows), and
  one audit entry records the load;
* what follows, through the real services with the clock set back for each step: sanctions,
  the rules run after the inspection closed and again as of today, the county officer's
  decisions on their proposals (warnings, organizations on the abnormal-activity list, one of
  them rectified and awaiting removal, one on the serious-violation list, several proposals
  still waiting), this year's on-site inspection plan with findings and rectification notices,
  last year's grade evaluation round scored by experts of the pool and concluded (mostly 1A
  and 2A, certificates for 3A and above), this year's round taking applications, and citizen
  reports waiting for the office.

Everything is drawn from a seeded generator; ``build`` does nothing once the demo exists.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import random
from collections.abc import Iterator
from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import AccountType, User
from peiyu.core import audit, options
from peiyu.orgs import demo as orgs_demo
from peiyu.orgs.demo import DemoDataError, short_name
from peiyu.orgs.models import LegalForm, Organization, Source, Status
from peiyu.people import demo as people_demo
from peiyu.people.models import Expert
from peiyu.regions.demo import DEMO_COUNTY
from peiyu.regions.models import Region
from peiyu.supervision.models import (
    AnnualReport,
    Campaign,
    CampaignStatus,
    ChecklistItem,
    CitizenReport,
    Conclusion,
    CreditList,
    FindingResult,
    Grade,
    GradeEntry,
    Indicator,
    InspectionPlan,
    Listing,
    ListingStatus,
    Proposal,
    ProposalStatus,
    RectificationNotice,
    ReportStatus,
    Sanction,
    SanctionKind,
    SupervisionEvent,
    Visit,
)
from peiyu.supervision.options import AUTHORITY_DEADLINE, GUIDANCE_DEADLINE, PHOTO_MAX_MB
from peiyu.supervision.services import citizen, credit, grades, onsite
from peiyu.supervision.services.inspection import exemption, report_kind

COUNTY_CODE = DEMO_COUNTY.ljust(12, "0")
SEED = 20250108  # the day the 2024 inspection opened
LOAD = "溧阳市社会组织年检演示数据"

# The organizations the story follows (names from the registry demo).
MARKER = orgs_demo.MARKER  # the organization account's: passes both years, 4A
TWO_BAD = "溧阳市和顺婚姻家庭调解服务中心"  # fails, then misses: revocation proposed; not found on site
MISSED_EARLIER = "溧阳市法律服务网络联盟"  # missed the earlier year
MISSED = ("溧阳市民间艺术家协会", "溧阳市天目湖诗社")  # missed the last year: warned
FAILED = "溧阳市新航安置帮教服务中心"  # basic pass, then fail; inspected on site and rectified
BASIC_TWICE = "溧阳市少儿书法协会"  # basic pass twice with a grade: downgrade proposed
LATE_RECTIFIED = "溧阳市心理咨询师协会"  # reported late: abnormal-activity list, rectified
LATE_LISTED = "溧阳市昆仑街道睦邻社区服务中心"  # reported late: abnormal-activity list, notice overdue
LATE_EARLIER = "溧阳市禁毒社会工作服务中心"  # reported late the earlier year
PENALIZED = "溧阳市企业法律顾问协会"  # a warning and a fine: both credit lists
FINED_EARLIER = "溧阳市法治文化创作社"  # fined the earlier year: not evaluated, listing not proposed again
RETURNED = "溧阳市志愿者协会"  # last year's report returned once for correction
FUND = "溧阳市法律援助基金会"
YOUTH = "溧阳市春晖青少年关爱服务中心"
CALLIGRAPHY = "溧阳市书法家协会"
NEW_ORGANIZATION = "溧阳市天目湖律师调解工作室"  # registered this year: too new to be evaluated
# Registered organizations that did not apply for last year's grade evaluation; they apply now.
NOT_APPLYING = ("溧阳市法治宣传教育协会", "溧阳市12348法律服务志愿者协会", "溧阳市上兴镇乡贤调解服务中心")

PASS, BASIC, FAIL, MISS = Conclusion.PASS.value, Conclusion.BASIC_PASS.value, Conclusion.FAIL.value, "missed"
# name → outcome of (the earlier year, the last year); everyone else passes.
STORY: dict[str, tuple[str, str]] = {
    MARKER: (PASS, PASS),
    TWO_BAD: (FAIL, MISS),
    MISSED_EARLIER: (MISS, PASS),
    MISSED[0]: (PASS, MISS),
    MISSED[1]: (PASS, MISS),
    FAILED: (BASIC, FAIL),
    BASIC_TWICE: (BASIC, BASIC),
    LATE_LISTED: (PASS, BASIC),
    PENALIZED: (PASS, BASIC),
    FINED_EARLIER: (BASIC, PASS),
}
LATE = {(LATE_EARLIER, 0), (LATE_RECTIFIED, 1), (LATE_LISTED, 1)}  # (name, 0 earlier / 1 last year)
REASONS = {
    (TWO_BAD, 0): "未按规定建立会计账簿，全年收支未纳入单位银行账户核算；负责人变更后未办理变更登记；"
    "全年基本未开展章程规定的业务活动。",
    (FAILED, 0): "理事会全年仅召开一次，未按章程规定每半年召开；财务报告未经审计，部分支出凭证不全。",
    (FAILED, 1): "全年仅开展帮教活动两次，未按章程开展业务活动；存在白条入账，财务收支混乱；"
    "上年度年检指出的问题未整改。",
    (BASIC_TWICE, 0): "会员大会未按章程规定按期召开；年度工作报告所附财务报表未加盖单位公章。",
    (BASIC_TWICE, 1): "会员大会仍未按期召开，上年度年检指出的问题整改不到位；收取会费未开具合规票据。",
    (LATE_LISTED, 1): "年度工作报告逾期报送；未在规定时间内向社会公开年度工作报告。",
    (PENALIZED, 1): "年度内因负责人变更后未按规定办理变更登记受到警告处罚；内部管理制度不健全。",
    (FINED_EARLIER, 0): "年度内因超出章程规定的宗旨和业务范围开展活动受到罚款处罚；财务管理不够规范。",
}
RETURN_REASON = "所附财务报表未经审计，也未加盖单位公章，请补充审计报告后重新提交。"

# The panel of the people demo's grade-evaluation engagements (experts by position in its list).
PANELS = {"溧阳市老龄协会": (4, 15, 23), "溧阳市退（离）休教师协会": (6, 16, 24)}
POOL = (0, 4, 6, 15, 16, 23, 24)  # the evaluators; position 0 is the expert demo account
# Grades of the evaluation round: seed 004's distribution (of 40: 14×1A, 16×2A, 7×3A, 3×4A).
FIXED_LEVELS = {
    MARKER: 4,
    "溧阳市老龄协会": 3,
    "溧阳市退（离）休教师协会": 3,
    BASIC_TWICE: 2,
    PENALIZED: 2,
    FAILED: 1,
    LATE_LISTED: 1,
    MISSED[0]: 1,
    MISSED[1]: 1,
}
BANDS = {1: (520, 592), 2: (608, 692), 3: (708, 790), 4: (808, 868), 5: (905, 940)}

HIGHLIGHTS = {
    "dispute": "参与排查调处矛盾纠纷{a}件，调解成功率{p}%",
    "legal_education": "开展法治宣传讲座和“法律进村居”活动{b}场次",
    "legal_aid": "提供法律咨询{c}人次，协助办理法律援助案件{d}件",
    "rehabilitation": "结对帮扶社区矫正对象和刑满释放人员{d}人",
    "mental_health": "开展心理健康讲座{b}场、个案心理疏导{c}人次",
    "youth": "开展青少年法治教育和关爱活动{b}场次",
    "volunteering": "组织志愿服务活动{b}场次，参与志愿者{c}人次",
    "elderly_care": "开展敬老助老服务{b}场次",
    "culture_sports": "举办展览、讲座和展演活动{b}场次",
    "charity": "资助困难群众{d}人",
    "resident_service": "开展便民服务{b}场次",
    "safety": "开展平安宣传和隐患排查{b}次",
    "mutual_aid": "组织邻里互助结对{d}对",
}
GOVERNANCE = [
    "完成换届选举，产生新一届理事会和负责人，已办理负责人变更登记。",
    "修订章程，经会员大会通过后报登记管理机关核准。",
    "增设监事，健全内部监督机制。",
]
EVENTS = [
    "承接溧阳市司法局政府购买服务项目。",
    "获评溧阳市优秀社会组织。",
    "参加溧阳市社会组织公益创投大赛，项目获得立项资助。",
]
INSPECTORS = ("王科长、李明（溧阳市民政局）", "王科长、周婷（溧阳市民政局）", "李明、汤建新（溧阳市民政局）")

Step = tuple[str, str, str, User | None, str, datetime.datetime]  # action, from, to, actor, note, at


@contextlib.contextmanager
def _clock(moment: datetime.datetime) -> Iterator[None]:
    """Let the services believe it is ``moment``: their dates, events and numbers follow."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def inspected_year(today: datetime.date) -> int:
    """The last inspected year: its reports were due the next spring, and the following year's
    supervision (rules, decisions, on-site visits) has run into the autumn. 2025 from November
    2026 to October 2027."""
    return today.year - 1 if today >= datetime.date(today.year, 11, 1) else today.year - 2


def build() -> dict[str, int]:
    """Build the supervision demo of 溧阳市 once (on the people demo); return the counts."""
    people_demo.build()
    users = {account.username: user for account, user in accounts_demo.build()}
    year = inspected_year(timezone.localdate())
    if not Campaign.objects.filter(authority_id=COUNTY_CODE, year__lte=year).exists():
        # Notes, reasons and documents are stored as written: in the offices' language.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            _Demo(users, year).build()
    return counts()


def counts() -> dict[str, int]:
    reports = AnnualReport.objects.filter(campaign__authority_id=COUNTY_CODE)
    listings = Listing.objects.filter(organization__region__code__startswith=DEMO_COUNTY)
    proposals = Proposal.objects.filter(organization__region__code__startswith=DEMO_COUNTY)
    return {
        "campaigns": Campaign.objects.filter(authority_id=COUNTY_CODE).count(),
        "reports": reports.count(),
        "decided": reports.filter(status=ReportStatus.DECIDED).count(),
        "proposals": proposals.count(),
        "pending": proposals.filter(status=ProposalStatus.PENDING).count(),
        "sanctions": Sanction.objects.filter(organization__region__code__startswith=DEMO_COUNTY).count(),
        "listings": listings.filter(status=ListingStatus.LISTED).count(),
        "visits": Visit.objects.filter(organization__region__code__startswith=DEMO_COUNTY).count(),
        "notices": RectificationNotice.objects.filter(
            organization__region__code__startswith=DEMO_COUNTY
        ).count(),
        "entries": GradeEntry.objects.filter(round__region_id=COUNTY_CODE).count(),
        "grades": Grade.objects.filter(organization__region__code__startswith=DEMO_COUNTY).count(),
        "citizen_reports": CitizenReport.objects.filter(region__code__startswith=DEMO_COUNTY).count(),
    }


class _Demo:
    def __init__(self, users: dict[str, User], year: int) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - made-up demo data, not secrets
        self.year = year  # the last inspected year; the one before is inspected too
        self.county_officer = users["county"]
        self.organization_account = users["org"]
        self.tz = timezone.get_current_timezone()
        self.now = timezone.localtime()
        self.today = self.now.date()
        self.county = Region.objects.get(code=COUNTY_CODE)
        self.registered = {
            o.name: o
            for o in Organization.objects.filter(source=Source.REGISTERED, authority_id=COUNTY_CODE)
            .select_related("region")
            .prefetch_related("activity_fields", "accounts")
            .order_by("pk")
        }
        for name in (*STORY, FUND, YOUTH, CALLIGRAPHY, NEW_ORGANIZATION, *NOT_APPLYING, *PANELS):
            if name not in self.registered:
                raise DemoDataError(f"{name} is not in the registry demo")
        self.money: dict[int, tuple[float, float]] = {}  # organization → (income, net assets)
        self.staff: dict[int, int] = {}
        self.last_moment = self.now - datetime.timedelta(days=3650)

    # -- values ---------------------------------------------------------------------------------

    def org(self, name: str) -> Organization:
        return self.registered[name]

    def at(self, day: datetime.date, minute: int) -> datetime.datetime:
        """The aware moment ``minute`` minutes into ``day``, local time."""
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=self.tz)
        return midnight + datetime.timedelta(minutes=minute)

    def office_hours(self, day: datetime.date) -> datetime.datetime:
        return self.at(day, self.rng.randint(8 * 60 + 30, 17 * 60))

    def clock(self, day: datetime.date) -> contextlib.AbstractContextManager[None]:
        """Run a step on ``day`` in office hours, after the previous step of that day."""
        moment = self.office_hours(day)
        if moment.date() == self.last_moment.date() and moment <= self.last_moment:
            moment = self.last_moment + datetime.timedelta(minutes=self.rng.randint(3, 20))
        self.last_moment = min(moment, self.now)
        return _clock(self.last_moment)

    def day(self, year: int, month: int, day: int) -> datetime.date:
        return datetime.date(year, month, day)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(max(0, (end - start).days) + 1))

    def phone(self) -> str:
        return f"{self.rng.choice(orgs_demo.MOBILE_PREFIXES)}0000{self.rng.randrange(10_000):04d}"

    @staticmethod
    def deadline(key: str, year: int) -> datetime.date:
        month, day = (int(part) for part in options.value_of(key, COUNTY_CODE).split("-"))
        return datetime.date(year + 1, month, day)

    # -- annual inspection (bulk) ---------------------------------------------------------------

    def inspections(self) -> dict[str, int]:
        rows: list[tuple[AnnualReport, list[Step]]] = []
        events: list[SupervisionEvent] = []
        moments: list[datetime.datetime] = []
        for offset, year in enumerate((self.year - 1, self.year)):
            opened = self.at(self.day(year + 1, 1, 8), 9 * 60 + 30)
            closed = self.at(self.day(year + 1, 7, 10), 16 * 60)
            campaign = Campaign.objects.create(
                year=year,
                authority=self.county,
                guidance_deadline=self.deadline(GUIDANCE_DEADLINE.key, year),
                authority_deadline=self.deadline(AUTHORITY_DEADLINE.key, year),
                status=CampaignStatus.CLOSED,
                notes=f"请各社会组织于{year + 1}年3月31日前将{year}年度工作报告报业务主管单位初审，"
                f"5月31日前报送登记管理机关。",
                opened_by=self.county_officer,
                opened_at=opened,
                closed_at=closed,
                version=2,
            )
            moves: list[tuple[str, str, str, datetime.datetime]] = [
                ("opened", "", CampaignStatus.OPEN, opened),
                ("closed", CampaignStatus.OPEN, CampaignStatus.CLOSED, closed),
            ]
            for action, before, after, moment in moves:
                events.append(
                    SupervisionEvent(
                        subject="campaign",
                        subject_id=campaign.pk,
                        action=action,
                        from_status=before,
                        to_status=after,
                        actor=self.county_officer,
                    )
                )
                moments.append(moment)
            due = [
                o
                for o in self.registered.values()
                if o.registered_on is not None
                and o.registered_on <= datetime.date(year, 12, 31)
                and (o.status == Status.ACTIVE or (o.ended_on is not None and o.ended_on > opened.date()))
            ]
            rows.extend(self.report(campaign, o, offset) for o in due)
        AnnualReport.objects.bulk_create([report for report, _steps in rows], batch_size=500)
        for report, steps in rows:
            for action, before, after, actor, note, moment in steps:
                events.append(
                    SupervisionEvent(
                        organization_id=report.organization_id,
                        subject="annualreport",
                        subject_id=report.pk,
                        action=action,
                        from_status=before,
                        to_status=after,
                        actor=actor,
                        note=note,
                    )
                )
                moments.append(moment)
        SupervisionEvent.objects.bulk_create(events, batch_size=500)
        for event, moment in zip(events, moments, strict=True):
            event.at = moment  # auto_now_add stamped them now
        SupervisionEvent.objects.bulk_update(events, ["at"], batch_size=500)
        return {"reports": len(rows), "events": len(events)}

    def report(
        self, campaign: Campaign, organization: Organization, offset: int
    ) -> tuple[AnnualReport, list[Step]]:
        """A report as the inspection services leave it, with its steps."""
        rng = self.rng
        year = campaign.year
        report = AnnualReport(campaign=campaign, organization=organization, kind=report_kind(organization))
        reason = exemption(organization, year, COUNTY_CODE)
        if reason:
            report.status, report.exemption = ReportStatus.EXEMPT, reason
            return report, []
        values = self.contents(organization, year)
        outcome = STORY.get(organization.name, (PASS, PASS))[offset]
        if outcome == MISS:
            if organization.name == MISSED[0]:  # began a draft and never finished it
                report.activities = str(values["activities"])
                report.version = 2
            return report, []
        for key, value in values.items():
            setattr(report, key, value)
        deadline = campaign.authority_deadline
        late = (organization.name, offset) in LATE
        if late:
            submitted_on = deadline + datetime.timedelta(days=rng.randint(4, 18))
        else:
            submitted_on = self.day_between(self.day(year + 1, 2, 20), deadline - datetime.timedelta(days=3))
        by = self.organization_account if self.organization_account in organization.accounts.all() else None
        # Organizations without an account bring a paper report, which the office enters.
        submitter = by or self.county_officer
        submitted = self.office_hours(submitted_on)
        note = _("Submitted after the deadline of %(date)s.") % {"date": deadline} if late else ""
        steps: list[Step] = [
            ("submitted", ReportStatus.DRAFT, ReportStatus.SUBMITTED, submitter, note, submitted)
        ]
        version = 3  # saved, submitted
        if organization.name == RETURNED and offset == 1:
            returned = self.office_hours(submitted_on + datetime.timedelta(days=rng.randint(5, 9)))
            submitted = self.office_hours(returned.date() + datetime.timedelta(days=rng.randint(3, 6)))
            steps += [
                (
                    "returned",
                    ReportStatus.SUBMITTED,
                    ReportStatus.RETURNED,
                    self.county_officer,
                    RETURN_REASON,
                    returned,
                ),
                ("submitted", ReportStatus.RETURNED, ReportStatus.SUBMITTED, submitter, "", submitted),
            ]
            version += 3  # returned, saved, submitted again
        latest = self.day(year + 1, 7, 8)
        decided_on = min(latest, submitted.date() + datetime.timedelta(days=rng.randint(4, 28)))
        decided = max(self.office_hours(decided_on), submitted + datetime.timedelta(hours=2))
        reasons = REASONS.get((organization.name, offset), "")
        if outcome != PASS and not reasons:
            raise DemoDataError(f"{organization.name}: a {outcome} states its reasons")
        steps.append(
            ("decided", ReportStatus.SUBMITTED, ReportStatus.DECIDED, self.county_officer, reasons, decided)
        )
        report.status = ReportStatus.DECIDED
        report.submitted_at = submitted
        report.conclusion = outcome
        report.reasons = reasons
        report.decided_by = self.county_officer
        report.decided_at = decided
        report.version = version + 1
        return report, steps

    def contents(self, organization: Organization, year: int) -> dict[str, object]:
        """What an organization writes in its report, its money scaled to its size and form."""
        rng = self.rng
        people = organization.active_people or 10
        form = organization.legal_form
        weak = organization.name in (TWO_BAD, FAILED)
        if organization.pk not in self.money:
            if form == LegalForm.FOUNDATION:
                income, net = rng.uniform(3e5, 9e5), rng.uniform(2.2e6, 3.2e6)
            elif form == LegalForm.ASSOCIATION:
                projects = rng.uniform(3e4, 3e5) if rng.random() < 0.6 else 0.0
                income, net = people * rng.uniform(80, 220) + projects, rng.uniform(4e4, 4e5)
            else:
                income, net = rng.uniform(6e4, 4e5) * (1 + people / 25), rng.uniform(3.5e4, 3e5)
            if weak:
                income *= 0.3
            self.money[organization.pk] = (income, net)
        base, net = self.money[organization.pk]
        income = base * rng.uniform(0.85, 1.15)
        if form == LegalForm.FOUNDATION:
            expenditure = net * rng.uniform(0.1, 0.16) + income * rng.uniform(0.05, 0.1)
        else:
            expenditure = income * rng.uniform(0.82, 1.04)
        net = max(net + income - expenditure, rng.uniform(2e4, 4e4))
        self.money[organization.pk] = (base, net)
        if organization.pk not in self.staff:
            if form == LegalForm.FOUNDATION:
                self.staff[organization.pk] = rng.randint(2, 3)
            elif form == LegalForm.ASSOCIATION:
                self.staff[organization.pk] = rng.randint(1, 3) + (people > 100)
            else:
                self.staff[organization.pk] = min(12, rng.randint(2, 4) + people // 8)
        staff = max(1, self.staff[organization.pk] + rng.choice((-1, 0, 0, 0, 1)))
        return {
            "activities": self.activities(organization, year, weak),
            "income": _yuan(income),
            "expenditure": _yuan(expenditure),
            "net_assets": _yuan(net),
            "staff": staff,
            "governance_changes": rng.choice(GOVERNANCE) if rng.random() < 0.15 else "无",
            "major_events": rng.choice(EVENTS) if rng.random() < 0.2 and not weak else "无",
        }

    def activities(self, organization: Organization, year: int, weak: bool) -> str:
        rng = self.rng
        name = organization.name
        own = next(
            (
                word
                for suffix, word in (("基金会", "本基金会"), ("会", "本会"), ("社", "本社"), ("盟", "本联盟"))
                if name.endswith(suffix)
            ),
            "本中心",
        )
        if weak:
            return f"{year}年，{own}因人员变动，仅开展活动{rng.randint(1, 2)}次。"
        codes = [f.code for f in organization.activity_fields.all() if f.code in HIGHLIGHTS]
        picked = rng.sample(codes, min(2, len(codes)))
        numbers = {
            "a": rng.randint(20, 160),
            "p": rng.randint(92, 99),
            "b": rng.randint(6, 40),
            "c": rng.randint(80, 900),
            "d": rng.randint(5, 60),
        }
        highlights = "，".join(HIGHLIGHTS[code].format(**numbers) for code in picked)
        sessions = rng.randint(12, 80)
        served = sessions * rng.randint(20, 90)
        text = (
            f"{year}年，{own}围绕章程规定的宗旨和业务范围开展工作，"
            f"{organization.description.rpartition('：')[2]}"
            f"全年共开展各类活动{sessions}场次，服务群众约{served}人次"
        )
        return f"{text}；{highlights}。" if highlights else f"{text}。"

    # -- sanctions, the rules and their proposals -----------------------------------------------

    def sanction(
        self, name: str, kind: str, on: datetime.date, reference: str, reason: str, amount: int = 0
    ) -> Sanction:
        with self.clock(on):
            return credit.record_sanction(
                organization=self.org(name),
                kind=kind,
                decided_on=on,
                amount=Decimal(amount) if amount else None,
                reference=reference,
                reason=reason,
                by=self.county_officer,
            )

    def proposal(self, name: str, rule: str) -> Proposal | None:
        return Proposal.objects.filter(organization=self.org(name), rule=rule).order_by("pk").last()

    def decide(self, name: str, rule: str, on: datetime.date, *, accept: bool, note: str) -> None:
        proposal = self.proposal(name, rule)
        if proposal is None:
            raise DemoDataError(f"the rules proposed no {rule} for {name}")
        with self.clock(on):
            credit.decide_proposal(proposal, accept=accept, note=note, by=self.county_officer)

    def confirm(self, name: str, credit_list: str, on: datetime.date) -> Listing:
        listing = Listing.objects.filter(
            organization=self.org(name), list=credit_list, status=ListingStatus.NOTIFIED
        ).get()
        with self.clock(on):
            return credit.confirm_listing(listing, by=self.county_officer)

    def run_rules(self, on: datetime.date) -> None:
        with self.clock(on):
            credit.run_rules(today=on)

    def earlier_sanctions(self) -> None:
        """Penalties decided before the last grade evaluation round."""
        y = self.year
        self.sanction(
            FINED_EARLIER,
            SanctionKind.FINE,
            self.day(y - 1, 10, 16),
            f"溧民罚〔{y - 1}〕3号",
            "超出章程规定的宗旨和业务范围进行活动，组织书画作品有偿展销。",
            amount=3000,
        )
        self.sanction(
            PENALIZED,
            SanctionKind.WARNING,
            self.day(y, 8, 20),
            f"溧民罚〔{y}〕5号",
            "负责人变更后未按规定办理变更登记。",
        )

    def credit(self) -> None:
        y = self.year
        # The rules run after the inspection closes; the office decides over the summer.
        self.run_rules(self.day(y + 1, 7, 15))
        for name in (LATE_RECTIFIED, LATE_LISTED):
            self.decide(
                name,
                "late_report",
                self.day(y + 1, 7, 20),
                accept=True,
                note=f"经核实，该单位{y}年度工作报告逾期报送，依法列入活动异常名录。",
            )
        for name in MISSED:
            self.decide(
                name,
                "missed_once",
                self.day(y + 1, 7, 21),
                accept=True,
                note=f"未参加{y}年度年检，经书面催告仍未报送年度工作报告，给予警告。",
            )
        self.decide(
            PENALIZED,
            "warning_or_small_fine",
            self.day(y + 1, 7, 22),
            accept=True,
            note="受到警告处罚，依据《社会组织信用信息管理办法》列入活动异常名录。",
        )
        self.decide(
            FINED_EARLIER,
            "warning_or_small_fine",
            self.day(y + 1, 7, 22),
            accept=False,
            note=f"该罚款决定作出于{y - 1}年，当年已依法公示并执行完毕，不再列入。",
        )
        for name in (LATE_RECTIFIED, LATE_LISTED, PENALIZED):
            self.confirm(name, CreditList.ABNORMAL, self.day(y + 1, 8, 5))
        self.sanction(
            PENALIZED,
            SanctionKind.FINE,
            self.day(y + 1, 9, 10),
            f"溧民罚〔{y + 1}〕4号",
            "违反规定开展评比达标表彰活动，并向参评企业收取费用。",
            amount=5000,
        )
        self.run_rules(self.day(y + 1, 9, 15))
        self.decide(
            PENALIZED,
            "repeated_penalties",
            self.day(y + 1, 9, 18),
            accept=True,
            note="三年内两次受到行政处罚，列入严重违法失信名单。",
        )
        self.confirm(PENALIZED, CreditList.SERIOUS, self.day(y + 1, 10, 10))
        # Rectified a few days ago: to be removed within five working days.
        listing = Listing.objects.get(
            organization=self.org(LATE_RECTIFIED), list=CreditList.ABNORMAL, status=ListingStatus.LISTED
        )
        with self.clock(self.days_ago(2)):
            credit.record_rectification(listing, on=self.days_ago(3), by=self.county_officer)

    # -- on-site inspection ---------------------------------------------------------------------

    def findings(self, organization: Organization, problems: dict[str, str]) -> list[onsite.Result]:
        results = []
        for item in ChecklistItem.objects.filter(is_active=True).order_by("position", "code"):
            if item.code in problems:
                results.append(onsite.Result(item, FindingResult.PROBLEM, problems[item.code]))
            elif item.code == "members" and organization.legal_form != LegalForm.ASSOCIATION:
                results.append(onsite.Result(item, FindingResult.NOT_APPLICABLE))
            else:
                results.append(onsite.Result(item, FindingResult.OK))
        return results

    def visit(
        self,
        plan: InspectionPlan,
        name: str,
        inspected_on: datetime.date,
        *,
        problems: dict[str, str] | None = None,
        summary: str = "",
        unreachable: bool = False,
    ) -> Visit:
        organization = self.org(name)
        with self.clock(inspected_on - datetime.timedelta(days=10)):
            visit = onsite.plan_visit(
                organization=organization, planned_on=inspected_on, plan=plan, by=self.county_officer
            )
        with self.clock(inspected_on):
            return onsite.record_visit(
                visit,
                inspected_on=inspected_on,
                inspectors=self.rng.choice(INSPECTORS),
                results=[] if unreachable else self.findings(organization, problems or {}),
                summary=summary,
                unreachable=unreachable,
                by=self.county_officer,
            )

    def notice(self, visit: Visit, requirements: str, deadline: datetime.date) -> RectificationNotice:
        issued = (visit.inspected_on or self.today) + datetime.timedelta(days=2)
        with self.clock(issued):
            return onsite.issue_notice(
                visit, requirements=requirements, deadline=deadline, by=self.county_officer
            )

    def onsite(self) -> None:
        y = self.year + 1
        with self.clock(self.day(y, 3, 5)):
            plan = onsite.create_plan(
                title=f"溧阳市{y}年度社会组织实地检查计划",
                region=self.county,
                starts_on=self.day(y, 3, 15),
                ends_on=max(self.day(y, 12, 15), self.today + datetime.timedelta(days=30)),
                description="按照“双随机、一公开”要求抽取登记的社会组织开展实地检查，重点检查内部治理、"
                "财务管理和业务活动；对上年度年检基本合格、不合格和未参加年检的社会组织逐一检查。",
                by=self.county_officer,
            )
        self.visit(plan, MARKER, self.day(y, 5, 12), summary="各项制度健全，档案规范，未发现问题。")
        self.visit(plan, RETURNED, self.day(y, 6, 5), summary="财务报表已补充审计，未发现问题。")
        self.visit(
            plan,
            TWO_BAD,
            self.day(y, 6, 18),
            unreachable=True,
            summary="检查组按登记住所前往，现场无该中心办公人员，电话联系负责人未接通。",
        )
        failed = self.visit(
            plan,
            FAILED,
            self.day(y, 7, 22),
            problems={
                "vouchers": f"{y - 1}年度有3笔支出以白条入账，合计4,860元。",
                "minutes": f"理事会会议记录不全，{y - 1}年下半年无会议记录。",
                "activities": "全年仅开展帮教活动2次，业务活动明显不足。",
            },
            summary="年检不合格后的跟踪检查，发现3项问题。",
        )
        closed = self.notice(
            failed,
            "一、白条入账的支出补齐合规票据或作出书面说明，建立报销审批制度；二、按章程定期召开理事会并完整记录；"
            "三、制定年度活动计划，按章程开展帮教服务。",
            self.day(y, 8, 31),
        )
        with self.clock(self.day(y, 8, 27)):
            onsite.recheck_notice(
                closed,
                rectified=True,
                rechecked_on=self.day(y, 8, 27),
                note="已补齐票据并建立报销审批制度；7、8月召开理事会两次，记录完整；已开展帮教活动4次。整改到位。",
                by=self.county_officer,
            )
        late = self.visit(
            plan,
            LATE_LISTED,
            self.day(y, 9, 2),
            problems={
                "financial_statements": f"未编制{y - 1}年度财务会计报告，仅有收支流水账。",
                "disclosure": f"未按规定向社会公开{y - 1}年度工作报告。",
            },
        )
        self.notice(
            late,
            "一、按《民间非营利组织会计制度》编制年度财务会计报告；二、在统一信息平台公开年度工作报告。",
            self.day(y, 10, 15),
        )
        penalized = self.visit(
            plan,
            PENALIZED,
            self.day(y, 10, 23),
            problems={
                "members": "会费标准调整未经会员大会表决通过。",
                "major_decisions": "以协会名义开展评比表彰活动，未按规定履行决策程序和报告义务。",
            },
        )
        self.notice(
            penalized,
            "一、会费标准提交会员大会表决并公示；二、停止未经批准的评比表彰活动，退还已收取的费用。",
            max(self.day(y, 11, 25), self.today + datetime.timedelta(days=20)),
        )
        with self.clock(self.days_ago(5)):
            onsite.plan_visit(
                organization=self.org(FUND),
                planned_on=self.today + datetime.timedelta(days=9),
                plan=plan,
                inspectors=INSPECTORS[0],
                by=self.county_officer,
            )

    # -- grade evaluation -----------------------------------------------------------------------

    def evaluators(self) -> dict[int, Expert]:
        """The pool's evaluators by position in the people demo's list, each with an account
        to score with (no demo password: only the expert demo account signs in)."""
        found: dict[int, Expert] = {}
        for position in POOL:
            _surname, title, employer, _codes, _expertise = people_demo.EXPERTS[position]
            expert = (
                Expert.objects.filter(title=title, employer=employer, region=self.county)
                .order_by("pk")
                .first()
            )
            if expert is None:
                raise DemoDataError(f"no expert {title} of {employer} in the people demo")
            found[position] = expert
        missing = [(p, e) for p, e in found.items() if e.account_id is None]
        accounts = [
            User(
                username=f"expert{position:02d}",
                password=make_password(None),
                display_name=f"评审专家 {expert.name}",
                phone=expert.phone,
                account_type=AccountType.EXPERT,
                date_joined=self.at(self.day(self.year, 11, 1), 9 * 60),
            )
            for position, expert in missing
        ]
        User.objects.bulk_create(accounts)
        group = Group.objects.get(name="expert")
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in accounts]
        )
        for (_position, expert), account in zip(missing, accounts, strict=True):
            expert.account = account
            expert.save(update_fields=["account"])
        return found

    def split(self, total: int, indicators: list[Indicator]) -> dict[int, Decimal]:
        """Points per indicator adding up to ``total``, each near the same share of its maximum."""
        share = total / sum(i.points for i in indicators)
        values = [
            min(i.points, max(0, round(i.points * (share + self.rng.uniform(-0.08, 0.08)))))
            for i in indicators
        ]
        order = list(range(len(indicators)))
        while (gap := total - sum(values)) != 0:
            self.rng.shuffle(order)
            for n in order:
                if gap > 0 and values[n] < indicators[n].points:
                    values[n], gap = values[n] + 1, gap - 1
                elif gap < 0 and values[n] > 0:
                    values[n], gap = values[n] - 1, gap + 1
                if gap == 0:
                    break
        return {i.pk: Decimal(v) for i, v in zip(indicators, values, strict=True)}

    def levels(self, names: list[str]) -> dict[str, int]:
        """Seed 004's distribution over the scored entries, the story's own fixed."""
        n = len(names)
        quota = {4: max(2, round(n * 3 / 40)), 3: round(n * 7 / 40), 2: round(n * 16 / 40)}
        quota[1] = n - sum(quota.values())
        result = {name: FIXED_LEVELS[name] for name in names if name in FIXED_LEVELS}
        for level in result.values():
            quota[level] -= 1
        rest = [name for name in names if name not in result]
        self.rng.shuffle(rest)
        for level in (4, 3, 2, 1):
            for _n in range(max(0, quota[level])):
                if rest:
                    result[rest.pop()] = level
        for name in rest:
            result[name] = 1
        return result

    def last_round(self) -> None:
        y = self.year
        officer = self.county_officer
        experts = self.evaluators()
        with self.clock(self.day(y, 11, 10)):
            grade_round = grades.create_round(
                year=y, region=self.county, title=f"溧阳市{y}年度社会组织等级评估", by=officer
            )
        applicants = [
            o
            for o in self.registered.values()
            if o.status == Status.ACTIVE
            and o.registered_on is not None
            and o.registered_on.year < y - 1
            and o.name not in NOT_APPLYING
        ]
        entries: list[GradeEntry] = []
        for n, organization in enumerate(applicants):
            with self.clock(self.day(y, 11, 10) + datetime.timedelta(days=n * 25 // len(applicants))):
                entries.append(grades.add_entry(grade_round, organization=organization, by=officer))
        scored = [e for e in entries if not e.refusal_reasons]
        levels = self.levels([e.organization.name for e in scored])
        for n, entry in enumerate(scored):
            name = entry.organization.name
            conflicts = {
                p for p, e in experts.items() if entry.organization_id in e.conflicting_organization_ids()
            }
            positions = PANELS.get(name) or tuple(self.rng.sample([p for p in POOL if p not in conflicts], 3))
            with self.clock(self.day(y, 12, 8) + datetime.timedelta(days=n // 6)):
                grades.assign_evaluators(entry, experts=[experts[p] for p in positions], by=officer)
        with self.clock(self.day(y + 1, 1, 5)):
            grades.start_scoring(grade_round, by=officer)
        for n, entry in enumerate(scored):
            entry.refresh_from_db()
            if entry.indicator_set is None:
                raise DemoDataError(f"{entry.organization.name} has no indicator set")
            indicators = grades.scored_indicators(entry.indicator_set)
            low, high = BANDS[levels[entry.organization.name]]
            target = self.rng.randint(low + 5, high - 5)
            panel = list(entry.evaluators.order_by("pk"))
            spread = [self.rng.randint(-15, 15) for _e in panel[:-1]]
            spread.append(-sum(spread))
            for expert, delta in zip(panel, spread, strict=True):
                if expert.account is None:
                    raise DemoDataError(f"{expert.name} has no account to score with")
                with self.clock(self.day(y + 1, 1, 5) + datetime.timedelta(days=n // 4)):
                    grades.submit_scores(
                        entry,
                        evaluator=expert,
                        points=self.split(target + delta, indicators),
                        by=expert.account,
                    )
        notice_day = self.day(y + 1, 1, 19)
        with self.clock(notice_day):
            grades.start_notice(grade_round, by=officer, starts_on=notice_day)
        objected = next(
            e for e in scored if levels[e.organization.name] == 3 and e.organization.name not in FIXED_LEVELS
        )
        with self.clock(notice_day + datetime.timedelta(days=2)):
            objection = grades.record_objection(
                objected,
                text=f"听说{objected.organization.name}去年被民政局约谈过，评3A是否合适？",
                received_on=notice_day + datetime.timedelta(days=2),
                contact=self.phone(),
                by=officer,
            )
        with self.clock(notice_day + datetime.timedelta(days=10)):
            grades.answer_objection(
                objection,
                answer="经复核，约谈系日常监管提醒，不属于行政处罚，评估期内无影响等级评定的情形，维持原评估等级。",
                upheld=False,
                answered_on=notice_day + datetime.timedelta(days=10),
                by=officer,
            )
        concluded = self.day(y + 1, 2, 3)
        with self.clock(concluded):
            grades.conclude_round(grade_round, by=officer, on=concluded)

    def open_round(self) -> None:
        y = self.year + 1
        officer = self.county_officer
        with self.clock(self.day(y, 10, 20)):
            grade_round = grades.create_round(
                year=y, region=self.county, title=f"溧阳市{y}年度社会组织等级评估", by=officer
            )
        names = [*NOT_APPLYING, MISSED_EARLIER, FINED_EARLIER, LATE_LISTED, PENALIZED, NEW_ORGANIZATION]
        for n, name in enumerate(names):
            with self.clock(self.day(y, 10, 22) + datetime.timedelta(days=n)):
                grades.add_entry(grade_round, organization=self.org(name), by=officer)

    # -- citizen reports ------------------------------------------------------------------------

    def photo(self) -> citizen.PreparedPhoto:
        """A small made-up snapshot: sky, a building with windows, the street."""
        rng = self.rng
        image = Image.new("RGB", (320, 240), (rng.randint(150, 200), rng.randint(190, 220), 235))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 170, 320, 240), fill=(110, 110, 105))
        left, top = rng.randint(20, 120), rng.randint(40, 90)
        draw.rectangle((left, top, left + 170, 170), fill=(rng.randint(180, 230), 180, 160))
        for row in range(top + 12, 150, 28):
            for column in range(left + 12, left + 160, 32):
                draw.rectangle((column, row, column + 16, row + 14), fill=(70, 90, 120))
        draw.rectangle((left + 60, top - 14, left + 110, top), fill=(200, 30, 30))  # a sign
        output = io.BytesIO()
        image.save(output, format="JPEG", quality=70)
        limit = int(options.value_of(PHOTO_MAX_MB.key, COUNTY_CODE)) * 1024 * 1024
        return citizen.prepare_photo(output.getvalue(), max_bytes=limit)

    def filed(self, suffix: str) -> Organization:
        candidates = list(
            Organization.objects.filter(
                source=Source.FILED,
                status=Status.ACTIVE,
                name__endswith=suffix,
                region__code__startswith=DEMO_COUNTY,
            )
            .select_related("region")
            .order_by("pk")
        )
        if not candidates:
            raise DemoDataError(f"no {suffix} in the registry demo")
        return self.rng.choice(candidates)

    def citizen_reports(self) -> None:
        officer = self.county_officer
        dance, elders, hall = self.filed("广场舞队"), self.filed("老年协会"), self.filed("议事堂")
        volunteers, patrol = self.filed("志愿服务队"), self.filed("平安巡防队")
        town = Region.objects.get(code=f"{DEMO_COUNTY}002".ljust(12, "0"))  # 溧城街道
        youth, calligraphy = self.org(YOUTH), self.org(CALLIGRAPHY)
        stories: list[tuple[int, Organization | None, Region, str, bool, bool]] = [
            # days ago, organization concerned, where, text, contact given, photo
            (
                38,
                calligraphy,
                calligraphy.region,
                f"{calligraphy.name}在市文化馆开办书法培训班，每期收费800元，社会组织可以收费办班吗？",
                True,
                False,
            ),
            (
                30,
                patrol,
                patrol.region,
                f"{patrol.name}的队员戴着写有“执法”字样的红袖标，在村口拦车检查，还说不配合要罚款。",
                False,
                True,
            ),
            (
                24,
                youth,
                youth.region,
                f"{youth.name}以“关爱帮扶”名义联系我们家长，说孩子参加寒假“成长营”要交3600元，"
                "说是政府项目却要家长自己出钱，感觉不对劲。",
                True,
                False,
            ),
            (
                17,
                dance,
                dance.region,
                f"{dance.name}每天晚上在{short_name(dance.region)}文化广场跳舞，音响开得很大，"
                "经常跳到晚上十点以后，附近居民休息受影响，希望有关部门管一管。",
                True,
                True,
            ),
            (
                12,
                elders,
                elders.region,
                f"听村里老人说，{elders.name}最近组织老年人免费参观“养生基地”，到了以后推销保健品，"
                "有的老人花了好几千元，怀疑有人拿提成。",
                False,
                True,
            ),
            (
                8,
                None,
                town,
                "有人以“溧阳市国学文化教育促进会”的名义在菜场门口招收少儿国学班学员，每人收费1980元，"
                "说是民政部门批准的社会组织，请核实是否登记过。",
                True,
                True,
            ),
            (
                5,
                hall,
                hall.region,
                f"{hall.address or short_name(hall.region)}门口挂着{hall.name}的牌子，"
                "我来了三次都锁着门，电话也没人接，不知道平时有没有活动。",
                False,
                False,
            ),
            (
                2,
                volunteers,
                volunteers.region,
                f"{volunteers.name}要求新加入的志愿者每人交200元服装费，也没有收据，志愿服务不是不收费的吗？",
                True,
                False,
            ),
        ]
        reports: list[CitizenReport] = []
        for days, organization, region, text, contact, photo in stories:
            with _clock(self.at(self.days_ago(days), self.rng.randint(7 * 60, 22 * 60))):
                reports.append(
                    citizen.submit_citizen_report(
                        region=region,
                        text=text,
                        organization_name=organization.name if organization else "溧阳市国学文化教育促进会",
                        contact=self.phone() if contact else "",
                        photos=[self.photo()] if photo else [],
                    )
                )
        dismissed, warned, inspected = reports[:3]
        with _clock(self.office_hours(self.days_ago(35))):
            citizen.dismiss_citizen_report(
                dismissed,
                reply=f"您好，经核实，{calligraphy.name}开办的书法培训班属于章程规定的业务范围，收费标准经会员代表大会"
                "通过并已公示，收支纳入协会账户统一核算，未发现违规情形。感谢您对社会组织工作的监督。",
                by=officer,
            )
        with _clock(self.office_hours(self.days_ago(26))):
            citizen.warn_on_citizen_report(
                warned,
                organization=patrol,
                reminder="巡防队为群众性自治组织，无行政执法权。请立即停止拦车检查、收回“执法”字样袖标，并加强队员教育管理。",
                reply="您好，经核实，已向该巡防队发出书面提醒，要求立即停止拦车检查并收回相关袖标。感谢您的监督。",
                by=officer,
            )
        with _clock(self.office_hours(self.days_ago(1))):
            citizen.open_inspection_on_citizen_report(
                inspected,
                organization=youth,
                planned_on=self.today + datetime.timedelta(days=7),
                reply="您好，您反映的情况已受理，我局将于近期对该中心开展实地检查，核实收费情况。",
                by=officer,
            )

    # -- the whole ------------------------------------------------------------------------------

    def build(self) -> None:
        loaded = self.inspections()
        audit.record(
            event="supervision.demo_load",
            target_model=AnnualReport,
            target_repr=LOAD,
            actor=None,
            data={"years": [self.year - 1, self.year], **loaded},
            region_code=COUNTY_CODE,
        )
        # In the order things happened: the round runs from November to February, the rules
        # after the inspection closes in July, on-site work from spring to autumn.
        self.earlier_sanctions()
        self.last_round()
        self.credit()
        self.onsite()
        self.open_round()
        self.citizen_reports()
        credit.run_rules()


def _yuan(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")
