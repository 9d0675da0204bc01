"""Demo data for incubation in 溧阳市 (320481), on the registry and people demos (seed 000 五(一)):

* the county incubation centre, 溧阳市社会组织孵化中心: built by civil affairs, run by the
  溧阳市司法行政社会组织孵化中心 formed on it, operated through the ``incubator`` demo account,
  with its staff, the scoring form and the growth rubric every incubator starts with;
* a town station in each of the ten towns that have a 法律服务团, run by that group; the stations
  of 戴埠镇 and 天目湖镇 each hold a village group the 法律服务团 serves;
* last year's cohort: a call, applications scored by two reviewers, seven groups admitted in
  the spring, served and assessed for three to six months. Five graduated by filing with their
  town, one registered with the county and got the start-up subsidy, one left early; their
  residency subsidies were granted and paid;
* this year's residents at every stage, admitted through a rolling call now closed: a month in,
  two months in, four months in and ready to graduate (the issue's story), within the reminder
  window, past the end, extended, asking for an extension, and one whose filing waits for the
  戴埠镇 officer; residency subsidies paid and some granted and waiting for the county officer;
* the open call of the season with two applications waiting, one of them scored;
* training events with their attendance sheets.

Everything goes through the incubation and registry services, each step with the clock set
back to its day, in the order things happened. Filings of towns without a demo officer are
decided by an officer account made for that town (nobody signs in with it). Everything is drawn
from a seeded generator; ``build`` does nothing once the demo exists.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import heapq
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from random import Random
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import AccountType, User
from peiyu.incubation.models import (
    Call,
    CallStatus,
    Channel,
    Dimension,
    Extension,
    ExtensionStatus,
    Incubator,
    IntakeApplication,
    IntakeStatus,
    Level,
    Residency,
    ResidencyStatus,
    ServiceKind,
    Stage,
    Subsidy,
    SubsidyKind,
    SubsidyStatus,
)
from peiyu.incubation.services import graduation, incubators, intake, residencies, subsidies
from peiyu.incubation.services.common import add_months
from peiyu.lib import uscc
from peiyu.orgs import demo as orgs_demo
from peiyu.orgs import services as registry
from peiyu.orgs.demo import _clock, committee_name, is_real_town, is_rural, short_name
from peiyu.orgs.forms import OrganizationForm, list_choices, region_choices
from peiyu.orgs.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Category,
    DevelopmentType,
    EstablishedHow,
    Field,
    LegalForm,
    Organization,
    PartyOrganization,
    Source,
    TargetGroup,
)
from peiyu.people import demo as people_demo
from peiyu.people.models import Expert
from peiyu.regions.demo import DEMO_COUNTY
from peiyu.regions.models import Region

COUNTY_CODE = DEMO_COUNTY.ljust(12, "0")
SEED = 20160526  # the day the justice-administration incubation centre was set up
CENTRE = "溧阳市社会组织孵化中心"
CENTRE_OPERATOR = "溧阳市司法行政社会组织孵化中心"  # seed 000: formed on the civil-affairs centre
SERVICE_GROUP = "{town}法律服务团"
STATION = "{town}社会组织孵化站"
MONTHLY_SUBSIDY = 2000  # residency subsidy per month in residence, paid by the quarter
PAYMENT_DAYS = 25  # from grant to payment
LEGAL_FIELDS = ("legal_aid", "dispute", "legal_education")


@dataclass(frozen=True)
class Group:
    """A group applying to an incubator: who it is, where it works, what it wants to do."""

    name: str
    town: str
    fields: str
    groups: str
    members: int
    plan: str
    support: str


# Last year's cohort: (group, outcome, months and days in residence when it files or leaves).
FILING, REGISTRATION, EXIT, DECLINED = "filing", "registration", "exit", "declined"
REGISTERED_NAME = "溧阳市和睦家事调解服务中心"
EXIT_REASON = (
    "负责人和多名骨干随工程项目转往外地务工，留下的成员难以维持日常活动。经本组申请并与孵化中心协商，"
    "提前退出孵化；条件成熟后可重新申请入驻。"
)
# fmt: off
COHORT: list[tuple[Group, str, int, int]] = [
    (Group("戴埠镇银龄调解队", "戴埠镇", "dispute elderly_care", "elderly residents", 12,
           "组织退休教师、老党员等低龄老人，排查调处邻里、赡养和土地纠纷，开展老年人防诈骗宣传。",
           "调解技巧培训、备案辅导、活动场地"), FILING, 4, 2),
    (Group("上黄镇邻里守望队", "上黄镇", "safety mutual_aid", "residents elderly", 15,
           "组织村民夜间巡查、照看独居老人，发现矛盾纠纷及时报告村调委会。",
           "队伍管理制度、志愿者招募、备案指导"), FILING, 3, 16),
    (Group("天目湖镇青少年法治宣讲团", "天目湖镇", "legal_education youth", "children residents", 9,
           "由返乡大学生和中小学教师组成，走进学校和村（社区）开展青少年法治宣讲和模拟法庭。",
           "宣讲课程设计、项目书撰写、专家指导"), FILING, 5, 4),
    (Group("别桥镇“老娘舅”调解工作室", "别桥镇", "dispute legal_education", "residents", 6,
           "由在村里有威望的老同志牵头，就地调解婚姻家庭、邻里和宅基地纠纷，收集社情民意。",
           "调解文书规范、卷宗管理、备案辅导"), FILING, 4, 18),
    (Group("社渚镇巾帼普法志愿队", "社渚镇", "legal_education volunteering", "women children", 14,
           "组织妇女骨干学习民法典婚姻家庭编和反家庭暴力法，入户宣传并协助排查婚姻家庭矛盾。",
           "志愿者培训、活动策划、财务记账"), FILING, 5, 20),
    (Group("溧城街道家事调解志愿团", "溧城街道", "dispute mental_health", "residents women", 10,
           "由心理咨询师、婚姻家庭咨询师和退休法官组成，为婚姻家庭纠纷当事人提供调解和心理疏导。",
           "登记注册协助、章程起草、财务托管"), REGISTRATION, 5, 6),
    (Group("竹箦镇农民工维权互助组", "竹箦镇", "legal_aid mutual_aid", "migrant_workers", 8,
           "组织在本地务工的农民工互帮互助，收集欠薪、工伤等法律需求，对接法律援助。",
           "法律援助对接、骨干培训"), EXIT, 2, 5),
    (Group("南渡镇垂钓爱好者协会", "南渡镇", "culture_sports", "residents", 30,
           "组织垂钓比赛和钓友交流活动。", "活动场地"), DECLINED, 0, 0),
]
COHORT_DECLINE = (
    "本期招募面向法律援助、矛盾纠纷调解和法治宣传领域的群众团体；该协会以文体娱乐为主，"
    "建议在所在村（社区）备案，参加镇文体活动。"
)

# This year's residents by stage: (group, months and days since it was admitted).
MONTH, TWO_MONTHS, READY, ENDING = "month", "two_months", "ready", "ending"
OVERDUE, EXTENDED, EXTENSION_ASKED, GRADUATING = "overdue", "extended", "extension_asked", "graduating"
CURRENT: dict[str, tuple[Group, int, int]] = {
    MONTH: (Group("南渡镇新市民互助服务队", "南渡镇", "mutual_aid legal_aid", "migrant_workers residents", 11,
                  "帮助外来务工人员及其家庭融入本地，提供法律咨询转介，调处租房和劳务纠纷。",
                  "骨干培训、法律援助对接"), 1, 0),
    TWO_MONTHS: (Group("埭头镇禁毒宣传志愿队", "埭头镇", "safety legal_education", "residents children", 13,
                       "在村（社区）和学校开展禁毒宣传，协助社区戒毒康复人员回归社会。",
                       "宣传材料设计、志愿者管理"), 2, 0),
    # The story: a forming group admitted, served for four months, scored midway.
    READY: (Group("上兴镇“和事佬”调解小组", "上兴镇", "dispute", "residents", 7,
                  "由村民小组长和老党员组成，调解邻里、土地流转和家庭纠纷，协助村调委会开展矛盾排查。",
                  "调解业务培训、卷宗规范、备案辅导"), 4, 0),
    ENDING: (Group("竹箦镇留守儿童关爱小队", "竹箦镇", "youth mutual_aid", "children", 12,
                   "组织志愿者结对留守儿童，开展课后陪伴、安全教育和亲情连线。",
                   "项目设计、志愿者培训"), 5, 15),
    OVERDUE: (Group("社渚镇安置帮教志愿小组", "社渚镇", "rehabilitation", "released_prisoners community_corrections",
                    8, "协助司法所开展刑满释放人员和社区矫正对象的走访帮教、技能培训和就业推荐。",
                    "专业督导、政策解读"), 6, 20),
    EXTENDED: (Group("溧城街道心理疏导志愿团", "溧城街道", "mental_health", "residents elderly", 9,
                     "由心理咨询师和社工组成，为独居老人和矛盾纠纷当事人提供心理疏导。",
                     "登记注册协助、督导"), 7, 10),
    EXTENSION_ASKED: (Group("别桥镇反诈宣传志愿队", "别桥镇", "safety legal_education", "elderly residents", 16,
                            "进村入户开展防范电信网络诈骗宣传，组织老年人反诈讲座。",
                            "宣讲培训、活动台账"), 4, 25),
    GRADUATING: (Group("戴埠镇竹海邻里调解队", "戴埠镇", "dispute mutual_aid", "residents", 10,
                       "在南山竹海景区周边村组调解民宿经营、山林权属和邻里纠纷。",
                       "调解技巧、备案辅导"), 4, 15),
}
CURRENT_DECLINED = Group("天目湖镇茶叶营销合作小组", "天目湖镇", "rural_technology", "residents", 20,
                         "联合茶农统一包装、统一销售白茶。", "市场推广")
CURRENT_DECLINE = "该小组以统一销售、经营获利为目的，属于经营性合作组织，不属于孵化对象。"
EXTENSION_REASON = "志愿团正在筹备登记为社会服务机构，章程和验资材料尚在准备，申请延长孵化期三个月完成登记。"
EXTENSION_ASKED_REASON = "队伍负责人刚刚调整，新任负责人需要接受备案前的辅导，申请延长孵化期两个月。"
# The open call's applicants; the first is scored.
OPEN_APPLICANTS = [
    Group("古县街道社区矫正帮扶志愿队", "古县街道", "rehabilitation volunteering", "community_corrections", 9,
          "协助司法所对社区矫正对象开展走访、公益劳动组织和心理疏导。", "专业培训、督导"),
    Group("上黄镇农村产权纠纷调解小组", "上黄镇", "dispute legal_aid", "residents", 6,
          "调处土地承包经营权流转、宅基地和山林权属纠纷。", "法律知识培训、调解文书"),
]
# The village groups two town stations serve: (town, the name after the village's, fields, target
# groups, months and days since admitted, plan).
STATION_RESIDENTS = [
    ("戴埠镇", "乡风文明劝导队", "resident_service dispute", "residents", 2, 10,
     "劝导红白喜事大操大办、高价彩礼等陈规陋习，调解由此引发的家庭矛盾。"),
    ("天目湖镇", "护河志愿队", "environment volunteering", "residents", 3, 5,
     "巡查村内河塘，劝阻乱倒垃圾和非法捕捞，宣传水污染防治法。"),
]
# fmt: on

CENTRE_DESCRIPTION = (
    "溧阳市社会组织孵化中心由溧阳市民政局建设。2016年起，市司法局利用中心组建溧阳市司法行政社会组织孵化中心，"
    "由其运营。中心面向法律援助、矛盾纠纷调解、法治宣传等领域的初创社会组织和村（居）民自发成立的群众团体，"
    "提供共享办公场地、登记备案辅导、政策解读、能力培训、项目设计、专家链接、财务托管和注册协助，"
    "孵化周期三至六个月；期满经成长评估合格的，指导其向镇（街道）申请备案或向市民政局申请登记，"
    "登记的给予开办补贴。"
)
STATION_DESCRIPTION = (
    "由{group}运营，依托{town}司法所，扶持村（居）民自发成立的群众性社会组织：提供法律咨询、备案辅导、"
    "调解业务指导和活动场地，成熟后向镇（街道）申请备案。"
)
CALL_TEXT = (
    "溧阳市社会组织孵化中心现面向全市招募{year}年第{number}期入驻对象。招募对象：在本市开展法律援助、矛盾纠纷调解、"
    "法治宣传、平安建设等服务的初创社会组织和村（居）民自发成立的群众团体。入驻期限三至六个月，中心免费提供办公"
    "工位、登记备案辅导、能力培训、项目设计和财务托管等服务，并按规定给予孵化补贴。{when}；请通过本平台提交申请，"
    "或到中心现场报名。"
)
CALL_NEED = (
    "各镇（街道）司法所反映，村（居）自发成立的调解、普法和帮扶团队不少，但缺少活动规则、台账和骨干培训，"
    "达不到备案条件。"
)
STAFF = [
    ("汤建华", "主任", False),
    ("周婷", "副主任、项目主管（中级社会工作师）", True),
    ("史晓燕", "社工（助理社会工作师）", True),
    ("芮志明", "财务托管专员", False),
    ("潘立新", "法律顾问（律师）", False),
]
# Who delivers each kind of service at the county centre, and what was done.
SERVICES: dict[str, tuple[str, str]] = {
    ServiceKind.OFFICE_SPACE: (CENTRE, "安排共享办公工位，开通会议室和培训室预约。"),
    ServiceKind.REGISTRATION_GUIDANCE: (
        "溧阳市民政局社会组织管理科",
        "讲解社区社会组织备案条件和材料，指导起草活动规则（章程）。",
    ),
    ServiceKind.POLICY: ("溧阳市司法局基层工作科", "解读人民调解、法律援助和政府购买服务的相关政策。"),
    ServiceKind.INFORMATION: (
        CENTRE_OPERATOR,
        "推送公益创投和政府购买服务项目信息，协助建立成员名册和活动台账。",
    ),
    ServiceKind.TRAINING: (CENTRE_OPERATOR, "骨干成员参加矛盾纠纷排查和调解实务培训。"),
    ServiceKind.HUMAN_RESOURCES: ("溧阳市志愿者协会", "协助招募志愿者，发布志愿服务招募信息。"),
    ServiceKind.PROJECT_DESIGN: (
        "溧阳市阳光社会工作服务中心",
        "一对一辅导需求调研和项目书撰写，梳理服务对象和活动计划。",
    ),
    ServiceKind.FINANCIAL_CUSTODY: (CENTRE_OPERATOR, "代管账目，指导建立收支登记簿和票据管理制度。"),
    ServiceKind.MANAGEMENT: ("溧阳市阳光社会工作服务中心", "协助制定例会制度、志愿者管理办法和活动台账。"),
    ServiceKind.REGISTRATION_ASSISTANCE: (
        CENTRE_OPERATOR,
        "协助准备备案（登记）材料，预审活动规则、成员名册和负责人信息。",
    ),
}
MIDDLE_KINDS = [
    ServiceKind.POLICY,
    ServiceKind.INFORMATION,
    ServiceKind.TRAINING,
    ServiceKind.HUMAN_RESOURCES,
    ServiceKind.PROJECT_DESIGN,
    ServiceKind.EXPERT_LINK,
    ServiceKind.FINANCIAL_CUSTODY,
    ServiceKind.MANAGEMENT,
]
STATION_SERVICES = [
    (ServiceKind.POLICY, "律师进村讲解村规民约修订和移风易俗的法律边界。"),
    (ServiceKind.TRAINING, "基层法律服务工作者讲授劝导和调解的方法，分析典型案例。"),
    (ServiceKind.REGISTRATION_GUIDANCE, "指导制定活动规则和成员名册，讲解向镇备案的条件。"),
    (ServiceKind.INFORMATION, "介绍镇公共法律服务站和村法律顾问的联系方式，协助建立活动台账。"),
]
# The pool's experts the centre calls on (by position in the people demo's list).
EXPERT_POSITIONS = (3, 4, 10)
# The centre's training events: (title, kind, provider, hours, days ago or None for last year's).
EVENTS: list[tuple[str, str, str, str, int | None]] = [
    (
        "社区社会组织登记备案辅导会",
        ServiceKind.REGISTRATION_GUIDANCE,
        "溧阳市民政局社会组织管理科",
        "2.5",
        None,
    ),
    ("公益项目设计工作坊", ServiceKind.PROJECT_DESIGN, "溧阳市阳光社会工作服务中心", "6", 75),
    ("社会组织财务管理与记账实务培训", ServiceKind.TRAINING, "溧阳市天正会计师事务所", "3", 40),
    ("备案登记政策解读会", ServiceKind.REGISTRATION_GUIDANCE, "溧阳市民政局社会组织管理科", "2", 12),
]
COMMENTS = {
    Stage.INTAKE: "初创期：有牵头人和几名骨干，活动靠热情维持，尚无活动规则和台账。",
    Stage.MIDWAY: "已制定活动规则，按月开展活动，骨干分工逐步明确，开始记录收支。",
    Stage.EXIT: "治理结构基本健全，能独立策划和实施服务，账目清楚，具备备案（登记）条件。",
}
CHINESE_NUMBERS = "一二三四"

Step = tuple[datetime.date, Callable[[], object]]
Story = Iterator[datetime.date]  # a story yields the day of its next step


def build() -> dict[str, int]:
    """Build the incubation demo of 溧阳市 once (on the people demo); return the counts."""
    people_demo.build()
    users = {account.username: user for account, user in accounts_demo.build()}
    if not Incubator.objects.filter(name=CENTRE, region_id=COUNTY_CODE).exists():
        # Notes and reasons are stored as written: in the offices' language.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            _Demo(users).build()
    return counts()


def counts() -> dict[str, int]:
    incubators_ = Incubator.objects.filter(region__code__startswith=DEMO_COUNTY)
    residents = Residency.objects.filter(incubator__in=incubators_)
    money = Subsidy.objects.counted().filter(incubator__in=incubators_)
    return {
        "incubators": incubators_.count(),
        "stations": incubators_.filter(level=Level.TOWN).count(),
        "residents": residents.current().count(),
        "graduates": residents.filter(status=ResidencyStatus.GRADUATED).count(),
        "open_calls": Call.objects.filter(incubator__in=incubators_, status=CallStatus.OPEN).count(),
        "waiting": IntakeApplication.objects.filter(incubator__in=incubators_).waiting().count(),
        "subsidies": int(money.aggregate(total=Sum("amount"))["total"] or 0),
        "paid": int(money.filter(status=SubsidyStatus.PAID).aggregate(total=Sum("amount"))["total"] or 0),
    }


def call_title(year: int, number: int) -> str:
    return f"{year}年第{CHINESE_NUMBERS[number - 1]}期入驻招募"


@dataclass
class _Resident:
    """One applicant followed through its stay; the rows appear as its steps run."""

    group: Group
    region: Region
    leader: tuple[str, str]
    established: datetime.date
    points: list[list[int]]  # per stage (intake, midway, exit), per dimension
    quality: float  # how reviewers see its application, as a share of the maximum
    portal: bool
    application: IntakeApplication | None = None
    residency: Residency | None = None
    extension: Extension | None = None
    granted: list[Subsidy] = field(default_factory=list)

    @property
    def stay(self) -> Residency:
        if self.residency is None:
            raise orgs_demo.DemoDataError(f"{self.group.name} was not admitted")
        return self.residency


class _Demo:
    def __init__(self, users: dict[str, User]) -> None:
        self.rng = Random(SEED)  # noqa: S311 - made-up demo data, not secrets
        self.county_officer = users["county"]
        self.operator = users["incubator"]
        self.officers = {user.region_id: user for user in (users["daibu"], users["tianmuhu"])}
        self.tz = timezone.get_current_timezone()
        self.now = timezone.localtime()
        self.today = self.now.date()
        self.last_moment = self.now - datetime.timedelta(days=3650)
        self.county = Region.objects.get(code=COUNTY_CODE)
        self.towns = {
            t.name: t for t in Region.objects.filter(parent=self.county).order_by("code") if is_real_town(t)
        }
        self.villages = {
            name: list(Region.objects.filter(parent=town).order_by("code"))
            for name, town in self.towns.items()
        }
        self.regions = region_choices(Region.objects.subtree(DEMO_COUNTY))
        self.field_choices = list_choices(Field)
        self.group_choices = list_choices(TargetGroup)
        self.legal_fields = list(Field.objects.filter(code__in=LEGAL_FIELDS).order_by("pk"))
        self.codes = set(Organization.objects.exclude(uscc="").values_list("uscc", flat=True))
        self.operating = self.organization(CENTRE_OPERATOR)
        self.service_groups = {
            o.region.name: o
            for o in Organization.objects.filter(
                name__endswith="法律服务团", source=Source.FILED, region__parent=self.county
            )
            .select_related("region")
            .order_by("region_id")
        }
        self.experts = self.pool_experts()
        self.vouchers: Counter[int] = Counter()
        self.incubators: dict[str, Incubator] = {}
        self.calls: dict[str, Call] = {}
        self.starts = {stage: self.ago(months, days) for stage, (_g, months, days) in CURRENT.items()}
        self.rolling_opens = min(self.starts.values()) - datetime.timedelta(days=30)
        self.rolling_closes = self.today - datetime.timedelta(days=40)
        self.open_opens = self.today - datetime.timedelta(days=12)
        # Last year's cohort ran from January to the autumn, before this year's call opened.
        self.cohort_year = self.rolling_opens.year - (1 if self.rolling_opens.month < 11 else 0)
        self.cohort_opens = datetime.date(self.cohort_year, 1, 6)
        self.numbers: dict[str, tuple[int, int]] = {}  # call → (year, number in the year)
        for key, day in (
            ("cohort", self.cohort_opens),
            ("rolling", self.rolling_opens),
            ("open", self.open_opens),
        ):
            self.numbers[key] = (day.year, sum(year == day.year for year, _n in self.numbers.values()) + 1)

    # -- values ---------------------------------------------------------------------------------

    @staticmethod
    def organization(name: str) -> Organization:
        found = Organization.objects.filter(name=name).first()
        if found is None:
            raise orgs_demo.DemoDataError(f"{name} is not in the registry demo")
        return found

    def pool_experts(self) -> list[Expert]:
        found = []
        for position in EXPERT_POSITIONS:
            _surname, title, employer, _codes, _expertise = people_demo.EXPERTS[position]
            expert = (
                Expert.objects.filter(title=title, employer=employer, region=self.county)
                .order_by("pk")
                .first()
            )
            if expert is None:
                raise orgs_demo.DemoDataError(f"no expert {title} of {employer} in the people demo")
            found.append(expert)
        return found

    def ago(self, months: int, days: int) -> datetime.date:
        return add_months(self.today, -months) - datetime.timedelta(days=days)

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(max(0, (end - start).days) + 1))

    def phone(self) -> str:
        return f"{self.rng.choice(orgs_demo.MOBILE_PREFIXES)}0000{self.rng.randrange(10_000):04d}"

    def person(self) -> tuple[str, str]:
        return self.rng.choice(orgs_demo.SURNAMES) + self.rng.choice(orgs_demo.GIVEN_NAMES), self.phone()

    def credit_code(self) -> str:
        while True:
            body = "MJ" + "".join(self.rng.choice(uscc.ALPHABET) for _ in range(6))
            code = uscc.make(department_type="52", division=DEMO_COUNTY, body8=body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def voucher(self, year: int) -> str:
        self.vouchers[year] += 1
        return f"溧民财〔{year}〕{self.vouchers[year]:03d}号"

    def home(self, town: str) -> Region:
        """A village of the town (a community in the old town), drawn once per group."""
        villages = self.villages[town]
        rural = [v for v in villages if is_rural(v)]
        return self.rng.choice(rural if rural and town != "溧城街道" else villages)

    def resident(
        self, group: Group, started: datetime.date | None, region: Region | None = None
    ) -> _Resident:
        rng = self.rng
        intake_points = [rng.randint(6, 11) for _d in range(5)]
        midway = [min(20, p + rng.randint(2, 4)) for p in intake_points]
        exit_points = [min(20, p + rng.randint(1, 4)) for p in midway]
        formed = (started or self.today) - datetime.timedelta(days=rng.randint(60, 400))
        return _Resident(
            group=group,
            region=region or self.home(group.town),
            leader=self.person(),
            established=formed,
            points=[intake_points, midway, exit_points],
            quality=rng.uniform(0.68, 0.9),
            portal=rng.random() < 0.7,
        )

    def officer(self, region: Region) -> User:
        """The town officer who decides the filings of ``region``'s town; towns without a demo
        officer get an account nobody signs in with."""
        town = Region.objects.get(code=region.code[:9].ljust(12, "0"))
        if town.code not in self.officers:
            existing = (
                User.objects.filter(region=town, groups__name="town_officer", is_active=True)
                .order_by("pk")
                .first()
            )
            self.officers[town.code] = existing or self.account(town)
        return self.officers[town.code]

    def account(self, town: Region) -> User:
        """A town officer's account without a usable password, made as the supervision demo
        makes its evaluators' accounts: it acts in the story, nobody signs in with it."""
        user = User.objects.create(
            username=f"town{town.code[6:9]}",
            password=make_password(None),
            date_joined=timezone.now(),
            display_name=f"{town.name} {self.rng.choice(orgs_demo.SURNAMES)}干事",
            account_type=AccountType.STAFF,
            region=town,
        )
        user.groups.add(AuthGroup.objects.get(name="town_officer"))
        return user

    # -- the clock ------------------------------------------------------------------------------

    def at(self, day: datetime.date, minute: int) -> datetime.datetime:
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=self.tz)
        return midnight + datetime.timedelta(minutes=minute)

    def clock(self, day: datetime.date) -> contextlib.AbstractContextManager[None]:
        """Run a step on ``day`` in office hours, after the step before it."""
        if day >= self.today:
            raise orgs_demo.DemoDataError(f"a step on {day} has not happened yet")
        moment = self.at(day, self.rng.randint(8 * 60 + 30, 17 * 60))
        if moment <= self.last_moment:
            moment = self.last_moment + datetime.timedelta(minutes=self.rng.randint(3, 20))
        self.last_moment = moment
        return _clock(moment)

    def run(self, stories: list[Story]) -> None:
        """Run the stories' steps in the order of their days, each at its own moment."""
        queue: list[tuple[datetime.date, int, Story]] = []
        for tick, story in enumerate(stories):
            first = next(story, None)
            if first is not None:
                heapq.heappush(queue, (first, tick, story))
        tick = len(stories)
        while queue:
            day, _tick, story = heapq.heappop(queue)
            with self.clock(day):
                following = next(story, None)
            if following is not None:
                if following < day:
                    raise orgs_demo.DemoDataError("a story went back in time")
                heapq.heappush(queue, (following, tick, story))
                tick += 1

    @staticmethod
    def story(steps: list[Step]) -> Story:
        """Run planned steps in the order of their days (steps of one day as listed)."""
        for day, step in sorted(steps, key=lambda s: s[0]):
            yield day
            step()

    # -- incubators -----------------------------------------------------------------------------

    def centre(self) -> Incubator:
        return self.incubators[CENTRE]

    def setup(self) -> Story:
        opened = datetime.date(self.cohort_year - 1, 12, 1)
        yield opened
        self.create_centre()
        self.create_stations()
        yield opened + datetime.timedelta(days=3)
        incubators.save_staff(
            self.centre(),
            rows=[
                {"name": name, "duty": duty, "phone": self.phone(), "is_social_worker": social_worker}
                for name, duty, social_worker in STAFF
            ],
            by=self.operator,
        )

    def create_centre(self) -> None:
        centre = incubators.create_incubator(
            values=incubators.IncubatorValues(
                name=CENTRE,
                level=Level.COUNTY,
                region=self.county,
                operator=self.operating,
                capacity=12,
                address="溧阳市燕山中路88号（溧阳市社会组织服务中心三楼）",
                floor_area=1200,
                phone=f"0519-8726{self.rng.randrange(10_000):04d}",
                fields=self.legal_fields,
                description=CENTRE_DESCRIPTION,
                opened_on=datetime.date(2014, 10, 15),
            ),
            by=self.county_officer,
        )
        self.incubators[CENTRE] = centre
        incubators.link_operator_account(centre, account=self.operator, by=self.county_officer)

    def create_stations(self) -> None:
        """A station in each town with a 法律服务团, run by the group (seed 000 五(一))."""
        for town, group in self.service_groups.items():
            name = STATION.format(town=town)
            self.incubators[name] = incubators.create_incubator(
                values=incubators.IncubatorValues(
                    name=name,
                    level=Level.TOWN,
                    region=group.region,
                    operator=group,
                    capacity=self.rng.randint(3, 5),
                    address=f"溧阳市{town}公共法律服务中心",
                    floor_area=self.rng.choice((60, 80, 120, 150)),
                    phone=f"0519-87{self.rng.randrange(1_000_000):06d}",
                    fields=self.legal_fields,
                    description=STATION_DESCRIPTION.format(group=group.name, town=town),
                    opened_on=datetime.date(2016, 9, 1) + datetime.timedelta(days=self.rng.randrange(180)),
                ),
                by=self.county_officer,
            )

    # -- calls ----------------------------------------------------------------------------------

    def call(self, key: str, opens: datetime.date, closes: datetime.date, places: int) -> Story:
        """Prepare a call, open it and close it the day after its last (the open one stays open)."""
        year, number = self.numbers[key]
        rolling = key == "rolling"
        when = (
            "常年滚动受理，成熟一个、评审一个、入驻一个"
            if rolling
            else f"报名截止日期为{self.chinese_date(closes)}"
        )
        yield opens - datetime.timedelta(days=4)
        self.calls[key] = incubators.create_call(
            self.centre(),
            values=incubators.CallValues(
                title=call_title(year, number),
                text=CALL_TEXT.format(year=year, number=CHINESE_NUMBERS[number - 1], when=when),
                need=CALL_NEED,
                places=places,
                opens_on=opens,
                closes_on=closes,
                fields=self.legal_fields,
            ),
            by=self.operator,
        )
        yield opens
        self.calls[key] = incubators.move_call(self.calls[key], to=CallStatus.OPEN, by=self.operator)
        if closes < self.today:
            yield closes + datetime.timedelta(days=1)
            self.calls[key] = incubators.move_call(self.calls[key], to=CallStatus.CLOSED, by=self.operator)

    # -- steps of a resident --------------------------------------------------------------------

    def submit(self, r: _Resident, call: str | None, officer: User | None = None) -> None:
        """Apply to the centre's ``call`` (on the portal, or at the office), or, with no call, to
        the officer's town station, entered by the officer."""
        g = r.group
        leader, phone = r.leader
        by: User | None = self.operator
        channel: str = Channel.OFFICE
        if call is None:
            if officer is None:
                raise orgs_demo.DemoDataError(f"{g.name}: a station application is entered by an officer")
            incubator, by = self.station_of(officer), officer
        else:
            incubator = self.centre()
            if r.portal:
                by, channel = None, Channel.PORTAL
        r.application = intake.submit_intake(
            incubator=incubator,
            applicant=intake.Applicant(
                name=g.name,
                region=r.region,
                contact_name=leader,
                contact_phone=phone,
                plan=g.plan,
                members=g.members,
                support_needed=g.support,
                fields=list(Field.objects.filter(code__in=g.fields.split())),
            ),
            by=by,
            call=self.calls[call] if call is not None else None,
            channel=channel,
        )

    def station_of(self, officer: User) -> Incubator:
        return next(
            i for i in self.incubators.values() if i.level == Level.TOWN and i.region_id == officer.region_id
        )

    def review(self, r: _Resident, reviewer: User) -> None:
        application = r.application
        if application is None:
            raise orgs_demo.DemoDataError(f"{r.group.name} has not applied")
        criteria = application.incubator.criteria.filter(is_active=True)
        intake.review_intake(
            application,
            scores={
                c.pk: max(
                    0, min(c.max_points, round(c.max_points * (r.quality + self.rng.uniform(-0.06, 0.06))))
                )
                for c in criteria
            },
            by=reviewer,
            comment="需求明确，骨干稳定，建议入驻。" if r.quality >= 0.6 else "服务领域与本期招募方向不符。",
        )

    def decide(self, r: _Resident, *, by: User, started: datetime.date | None = None, note: str = "") -> None:
        if r.application is None:
            raise orgs_demo.DemoDataError(f"{r.group.name} has not applied")
        admitted = started is not None
        intake.decide_intake(
            r.application,
            decision=IntakeStatus.ADMITTED if admitted else IntakeStatus.DECLINED,
            by=by,
            note=note or ("经评审，同意入驻。" if admitted else ""),
            started_on=started,
            workspace=self.workspace() if admitted and r.application.incubator.level == Level.COUNTY else "",
        )
        if admitted:
            r.residency = Residency.objects.get(intake=r.application)

    def workspace(self) -> str:
        return f"{self.rng.choice('ABC')}区{self.rng.randint(1, 12):02d}号工位"

    def serve(self, r: _Resident, values: residencies.ServiceValues, by: User | None = None) -> None:
        residencies.record_service(r.stay, values=values, by=by or self.operator)

    def assess(self, r: _Resident, stage: str, day: datetime.date, by: User | None = None) -> None:
        dimensions = list(Dimension.objects.filter(incubator_id=r.stay.incubator_id, is_active=True))
        points = r.points[list(Stage.values).index(stage)]
        if len(dimensions) != len(points):
            raise orgs_demo.DemoDataError("the growth rubric is not the default one")
        residencies.assess_growth(
            r.stay,
            stage=stage,
            scores={d.pk: min(p, d.max_points) for d, p in zip(dimensions, points, strict=True)},
            by=by or self.operator,
            assessed_on=day,
            comment=COMMENTS[Stage(stage)],
        )

    def payload(self, r: _Resident, kind: str) -> dict[str, Any]:
        """The record the registry receives, through the form every record passes through."""
        g = r.group
        leader, phone = r.leader
        data: dict[str, Any] = {
            "name": g.name,
            "source": Source.FILED,
            "category": Category.COMMUNITY,
            "development_type": DevelopmentType.GRASSROOTS,
            "activity_fields": g.fields.split(),
            "target_groups": g.groups.split(),
            "region": r.region.code,
            "address": f"{short_name(r.region)}党群服务中心",
            "established_how": EstablishedHow.INCUBATED,
            "active_people": g.members + self.rng.randint(2, 6),
            "leader_name": leader,
            "leader_phone": phone,
            "guidance_unit": committee_name(r.region),
            "party_organization": PartyOrganization.NONE,
            "has_charter": True,
            "description": g.plan,
            "established_on": r.established,
        }
        if kind == ApplicationKind.REGISTRATION:
            contact, contact_phone = self.person()
            data.update(
                name=REGISTERED_NAME,
                source=Source.REGISTERED,
                legal_form=LegalForm.SERVICE_INSTITUTION,
                category=Category.CHARITY,
                development_type=DevelopmentType.PROFESSIONAL,
                region=self.towns[g.town].code,
                address=orgs_demo.INCUBATOR_ADDRESS,  # incubated organizations keep their office there
                contact_name=contact,
                contact_phone=contact_phone,
                guidance_unit=orgs_demo.JUSTICE,
                party_organization=PartyOrganization.INSTRUCTOR,
                has_board=True,
                has_supervisors=True,
            )
        form = OrganizationForm(
            data,
            regions=self.regions,
            field_choices=self.field_choices,
            group_choices=self.group_choices,
            purpose="application",
        )
        if not form.is_valid():
            raise orgs_demo.DemoDataError(f"{data['name']}: {form.errors.as_text()}")
        return registry.payload_from(form.cleaned_data)

    def graduate(self, r: _Resident, kind: str) -> None:
        r.residency = graduation.start_graduation(
            r.stay, by=self.operator, kind=kind, payload=self.payload(r, kind)
        )

    def registry_decides(self, r: _Resident) -> None:
        application = Application.objects.filter(residencies=r.stay).get()
        if application.kind == ApplicationKind.REGISTRATION:
            registry.decide_application(
                application,
                decision=ApplicationStatus.APPROVED,
                by=self.county_officer,
                assigned_uscc=self.credit_code(),
            )
        else:
            registry.decide_application(
                application,
                decision=ApplicationStatus.APPROVED,
                by=self.officer(r.region),
                note="材料齐全，准予备案。",
            )
        r.residency = Residency.objects.get(pk=r.stay.pk)

    def leave(self, r: _Resident, day: datetime.date) -> None:
        r.residency = residencies.exit_residency(r.stay, reason=EXIT_REASON, by=self.operator, ended_on=day)

    def grant(self, r: _Resident, amount: int, year: int, period: str) -> None:
        r.granted.append(
            subsidies.grant_residency_subsidy(
                r.stay,
                amount=Decimal(amount),
                year=year,
                by=self.county_officer,
                period=period,
                note=f"按入驻月数每月{MONTHLY_SUBSIDY:,}元。",
            )
        )

    def pay(self, r: _Resident, day: datetime.date, startup: bool = False) -> None:
        if startup:
            subsidy = Subsidy.objects.get(residency=r.stay, kind=SubsidyKind.STARTUP)
        else:
            subsidy = r.granted.pop(0)
        subsidies.pay_subsidy(subsidy, paid_on=day, voucher=self.voucher(day.year), by=self.county_officer)

    def request_extension(self, r: _Resident, months: int, reason: str) -> None:
        r.extension = residencies.request_extension(r.stay, months=months, reason=reason, by=self.operator)

    def approve_extension(self, r: _Resident) -> None:
        if r.extension is None:
            raise orgs_demo.DemoDataError(f"{r.group.name} asked for no extension")
        residencies.decide_extension(
            r.extension,
            decision=ExtensionStatus.APPROVED,
            by=self.county_officer,
            note="同意延长三个月，请抓紧完成登记准备。",
        )
        r.residency = Residency.objects.get(pk=r.stay.pk)

    # -- plans ----------------------------------------------------------------------------------

    def service_values(self, kind: str, day: datetime.date) -> residencies.ServiceValues:
        rng = self.rng
        expert = None
        if kind == ServiceKind.EXPERT_LINK:
            expert = rng.choice(self.experts)
            provider = f"{expert.name}（{expert.employer}）"
            text = f"对接专家库专家，就组织定位、服务模式和{rng.choice(('项目评估', '合规管理', '骨干成长'))}提供咨询。"
        else:
            provider, text = SERVICES[kind]
        return residencies.ServiceValues(
            kind=kind,
            delivered_on=day,
            provider=provider,
            hours=Decimal(rng.choice(("1", "1.5", "2", "2", "2.5", "3", "4"))),
            attendees=1 if kind == ServiceKind.OFFICE_SPACE else rng.randint(2, 8),
            description=text,
            expert=expert,
        )

    def services(self, r: _Resident, start: datetime.date, last: datetime.date, *, files: bool) -> list[Step]:
        """Services from the first day to ``last``: a desk, guidance, then a mix every two or
        three weeks, and help with the papers before it files."""
        plan = [ServiceKind.OFFICE_SPACE, ServiceKind.REGISTRATION_GUIDANCE]
        days = [start, start + datetime.timedelta(days=self.rng.randint(4, 9))]
        day = days[-1] + datetime.timedelta(days=self.rng.randint(10, 20))
        while day < last - datetime.timedelta(days=7 if files else 0):
            plan.append(self.rng.choice(MIDDLE_KINDS))
            days.append(day)
            day += datetime.timedelta(days=self.rng.randint(10, 20))
        if files:
            plan.append(ServiceKind.REGISTRATION_ASSISTANCE)
            days.append(last - datetime.timedelta(days=self.rng.randint(2, 6)))
        return [
            (d, functools.partial(self.serve, r, self.service_values(k, d)))
            for k, d in zip(plan, days, strict=True)
            if d <= last
        ]

    @staticmethod
    def period(first: datetime.date, months: int) -> str:
        """The months a subsidy is for: 2025年3月—2025年5月, or 2025年6月 alone."""
        last = add_months(first, months - 1)
        labels = [f"{day.year}年{day.month}月" for day in (first, last)]
        return labels[0] if months == 1 else "—".join(labels)

    @staticmethod
    def chinese_date(day: datetime.date) -> str:
        return f"{day.year}年{day.month}月{day.day}日"

    def quarterly_subsidies(self, r: _Resident, start: datetime.date, until: datetime.date) -> list[Step]:
        """A quarter's subsidy ten days after each full quarter in residence before ``until``,
        paid some weeks later; the latest may still wait for payment."""
        steps: list[Step] = []
        for quarter in (1, 2, 3):
            end = add_months(start, 3 * quarter)
            granted = end + datetime.timedelta(days=10)
            if end > until or granted >= self.today:
                break
            last_month = end - datetime.timedelta(days=1)
            period = self.period(add_months(start, 3 * quarter - 3), 3)
            steps.append(
                (granted, functools.partial(self.grant, r, 3 * MONTHLY_SUBSIDY, last_month.year, period))
            )
            paid = granted + datetime.timedelta(days=PAYMENT_DAYS + self.rng.randint(0, 5))
            if paid < self.today:
                steps.append((paid, functools.partial(self.pay, r, paid)))
        return steps

    def assessments(
        self, r: _Resident, start: datetime.date, last: datetime.date, *, exits: bool
    ) -> list[Step]:
        intake_day = start + datetime.timedelta(days=self.rng.randint(5, 8))
        steps: list[Step] = [(intake_day, functools.partial(self.assess, r, Stage.INTAKE, intake_day))]
        midway = add_months(start, 3) - datetime.timedelta(days=self.rng.randint(0, 6))
        if exits:
            midway = min(midway, start + (last - start) // 2)
        if midway < last and midway > intake_day and (exits or midway < self.today):
            steps.append((midway, functools.partial(self.assess, r, Stage.MIDWAY, midway)))
        if exits:
            steps.append((last, functools.partial(self.assess, r, Stage.EXIT, last)))
        return steps

    # -- last year's cohort ---------------------------------------------------------------------

    def cohort(self, group: Group, outcome: str, months: int, days: int, index: int) -> Story:
        y = self.cohort_year
        opens, closes = self.cohort_opens, datetime.date(y, 2, 14)
        start = datetime.date(y, 3, 3) if index % 3 else datetime.date(y, 3, 10)
        r = self.resident(group, start)
        if outcome == DECLINED:
            r.quality = 0.45
        steps: list[Step] = [
            (
                self.day_between(opens + datetime.timedelta(days=2), closes),
                functools.partial(self.submit, r, "cohort"),
            ),
            (datetime.date(y, 2, 17 + index % 2), functools.partial(self.review, r, self.operator)),
            (datetime.date(y, 2, 19 + index % 3), functools.partial(self.review, r, self.county_officer)),
        ]
        if outcome == DECLINED:
            steps.append(
                (
                    datetime.date(y, 2, 26),
                    functools.partial(self.decide, r, by=self.operator, note=COHORT_DECLINE),
                )
            )
            return self.story(steps)
        end = add_months(start, months) + datetime.timedelta(days=days)
        steps.append((start, functools.partial(self.decide, r, by=self.operator, started=start)))
        steps += self.services(r, start, end - datetime.timedelta(days=1), files=outcome != EXIT)
        steps += self.assessments(r, start, end, exits=True)
        steps += self.left_early(r, start, end) if outcome == EXIT else self.graduated(r, start, end, outcome)
        return self.story(steps)

    def left_early(self, r: _Resident, start: datetime.date, end: datetime.date) -> list[Step]:
        """Leave with the reason; the months spent are subsidized."""
        granted = end + datetime.timedelta(days=10)
        paid = granted + datetime.timedelta(days=PAYMENT_DAYS)
        months = max(1, round((end - start).days / 30))
        amount, period = months * MONTHLY_SUBSIDY, self.period(start, months)
        return [
            (end, functools.partial(self.leave, r, end)),
            (granted, functools.partial(self.grant, r, amount, end.year, period)),
            (paid, functools.partial(self.pay, r, paid)),
        ]

    def graduated(self, r: _Resident, start: datetime.date, end: datetime.date, outcome: str) -> list[Step]:
        """File with the town (or register with the county, and get the start-up subsidy paid);
        the quarter's subsidy, then the months after it once graduated."""
        kind = ApplicationKind.REGISTRATION if outcome == REGISTRATION else ApplicationKind.FILING
        decided = end + datetime.timedelta(days=12 if outcome == REGISTRATION else self.rng.randint(3, 8))
        steps: list[Step] = [
            (end, functools.partial(self.graduate, r, kind)),
            (decided, functools.partial(self.registry_decides, r)),
        ]
        if outcome == REGISTRATION:
            paid = decided + datetime.timedelta(days=20)
            steps.append((paid, functools.partial(self.pay, r, paid, True)))
        steps += self.quarterly_subsidies(r, start, decided)
        quarter = add_months(start, 3)
        final = decided + datetime.timedelta(days=10)
        paid = final + datetime.timedelta(days=PAYMENT_DAYS)
        months = max(1, round((decided - quarter).days / 30))
        amount, period = months * MONTHLY_SUBSIDY, self.period(quarter, months)
        steps.append((final, functools.partial(self.grant, r, amount, decided.year, period)))
        steps.append((paid, functools.partial(self.pay, r, paid)))
        return steps

    # -- this year's residents ------------------------------------------------------------------

    def current(self, stage: str) -> Story:
        group, _months, _days = CURRENT[stage]
        start = self.starts[stage]
        yesterday = self.today - datetime.timedelta(days=1)
        r = self.resident(group, start)
        submitted = min(start - datetime.timedelta(days=self.rng.randint(8, 20)), self.rolling_closes)
        steps: list[Step] = [
            (submitted, functools.partial(self.submit, r, "rolling")),
            (
                submitted + datetime.timedelta(days=self.rng.randint(2, 4)),
                functools.partial(self.review, r, self.operator),
            ),
            (start, functools.partial(self.decide, r, by=self.operator, started=start)),
        ]
        files = stage == GRADUATING
        last = self.today - datetime.timedelta(days=6) if files else yesterday
        steps += self.services(r, start, last, files=files or stage == READY)
        steps += self.assessments(r, start, last, exits=False)
        steps += self.turns(r, stage, start, last)
        steps += self.quarterly_subsidies(r, start, self.today)
        return self.story(steps)

    def turns(self, r: _Resident, stage: str, start: datetime.date, last: datetime.date) -> list[Step]:
        """What sets a stage apart: a filing waiting for the town, or an extension."""
        if stage == GRADUATING:
            return [
                (last, functools.partial(self.assess, r, Stage.EXIT, last)),
                (last, functools.partial(self.graduate, r, ApplicationKind.FILING)),
            ]
        if stage == EXTENDED:
            asked = add_months(start, 6) - datetime.timedelta(days=20)
            return [
                (asked, functools.partial(self.request_extension, r, 3, EXTENSION_REASON)),
                (asked + datetime.timedelta(days=6), functools.partial(self.approve_extension, r)),
            ]
        if stage == EXTENSION_ASKED:
            asked = self.today - datetime.timedelta(days=4)
            return [(asked, functools.partial(self.request_extension, r, 2, EXTENSION_ASKED_REASON))]
        return []

    def declined_current(self) -> Story:
        r = self.resident(CURRENT_DECLINED, None)
        submitted = self.rolling_opens + datetime.timedelta(days=self.rng.randint(10, 30))
        return self.story(
            [
                (submitted, functools.partial(self.submit, r, "rolling")),
                (submitted + datetime.timedelta(days=3), functools.partial(self.review, r, self.operator)),
                (
                    submitted + datetime.timedelta(days=6),
                    functools.partial(self.decide, r, by=self.operator, note=CURRENT_DECLINE),
                ),
            ]
        )

    def open_applicants(self) -> Story:
        first, second = (self.resident(group, None) for group in OPEN_APPLICANTS)
        first.portal = second.portal = True
        first.quality = 0.82
        return self.story(
            [
                (self.today - datetime.timedelta(days=9), functools.partial(self.submit, first, "open")),
                (self.today - datetime.timedelta(days=5), functools.partial(self.submit, second, "open")),
                (
                    self.today - datetime.timedelta(days=3),
                    functools.partial(self.review, first, self.operator),
                ),
            ]
        )

    def station_resident(
        self, town: str, suffix: str, fields: str, groups: str, months: int, days: int, plan: str
    ) -> Story:
        village = self.rng.choice([v for v in self.villages[town] if is_rural(v)])
        group = Group(
            name=f"{short_name(village)}{suffix}",
            town=town,
            fields=fields,
            groups=groups,
            members=self.rng.randint(8, 15),
            plan=plan,
            support="法律咨询、备案辅导",
        )
        start = self.ago(months, days)
        r = self.resident(group, start, region=village)
        officer = self.officer(village)
        provider = SERVICE_GROUP.format(town=town)
        steps: list[Step] = [
            (start - datetime.timedelta(days=6), functools.partial(self.submit, r, None, officer)),
            (start, functools.partial(self.decide, r, by=officer, started=start)),
            (
                start + datetime.timedelta(days=7),
                functools.partial(self.assess, r, Stage.INTAKE, start + datetime.timedelta(days=7), officer),
            ),
        ]
        day = start + datetime.timedelta(days=self.rng.randint(3, 10))
        for kind, text in STATION_SERVICES:
            if day >= self.today:
                break
            values = residencies.ServiceValues(
                kind=kind,
                delivered_on=day,
                provider=provider,
                hours=Decimal(self.rng.choice(("1.5", "2", "2.5"))),
                attendees=self.rng.randint(3, 10),
                description=text,
            )
            steps.append((day, functools.partial(self.serve, r, values, officer)))
            day += datetime.timedelta(days=self.rng.randint(14, 24))
        return self.story(steps)

    # -- training -------------------------------------------------------------------------------

    def training(self, title: str, kind: str, provider: str, hours: str, days_ago: int | None) -> Story:
        held = (
            datetime.date(self.cohort_year, 4, 16)
            if days_ago is None
            else self.today - datetime.timedelta(days=days_ago)
        )
        yield held - datetime.timedelta(days=10)
        event = residencies.create_training_event(
            self.centre(),
            values=residencies.EventValues(
                title=title,
                held_on=held,
                hours=Decimal(hours),
                provider=provider,
                kind=kind,
                place="孵化中心二楼培训室",
                description=f"{title}，面向在孵组织负责人和骨干。",
            ),
            by=self.operator,
        )
        yield held
        present = Residency.objects.filter(incubator=self.centre(), started_on__lte=held).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=held)
        )
        residencies.record_attendance(
            event,
            attendance={
                pk: self.rng.randint(1, 3) for pk in present.order_by("pk").values_list("pk", flat=True)
            },
            by=self.operator,
        )

    # -- the whole ------------------------------------------------------------------------------

    def build(self) -> None:
        y = self.cohort_year
        stories: list[Story] = [
            self.setup(),
            self.call("cohort", self.cohort_opens, datetime.date(y, 2, 14), 8),
            *(self.cohort(*spec, index=n) for n, spec in enumerate(COHORT)),
            self.call("rolling", self.rolling_opens, self.rolling_closes, 10),
            *(self.current(stage) for stage in CURRENT),
            self.declined_current(),
            self.call("open", self.open_opens, self.today + datetime.timedelta(days=25), 4),
            self.open_applicants(),
            *(self.station_resident(*spec) for spec in STATION_RESIDENTS),
            *(self.training(*spec) for spec in EVENTS),
        ]
        self.run(stories)
