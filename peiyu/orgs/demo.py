"""Demo data for the registry: the social organizations of 溧阳市 (320481) as the 溧阳市司法局's
2016 plan (seed 000) lays them out, about 300 in all:

* the four industry associations (人民调解协会, 社区矫正协会, 法治宣传教育协会, 企业法律顾问协会);
* the hubs (the civil-affairs incubation centre, the justice-administration incubation centre
  built on it, the 法治文化创作社) and their member organizations;
* one or two grassroots organizations in every town (ten 法律服务团, personal mediation rooms,
  法律服务社), professional and network organizations;
* a 百姓议事堂 in most villages, and other filed community organizations.

Most records are imported in one batch, as an office brings its existing ledger. About thirty
applications then go through the real services over the past half year: filings decided by the
戴埠镇 and 天目湖镇 officers, registrations and upgrades decided by the county officer, change
requests, a deregistration, a return, a refusal, and a few still waiting for a decision. The
clock is set back for each step, so timelines, decision documents and filing numbers read in
order. Everything is drawn from a seeded generator; ``build`` does nothing once the demo exists.
"""

from __future__ import annotations

import contextlib
import datetime
import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import User
from peiyu.lib import uscc
from peiyu.orgs import services
from peiyu.orgs.forms import OrganizationForm, list_choices, region_choices
from peiyu.orgs.importing import create_records
from peiyu.orgs.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Category,
    DevelopmentType,
    DocumentCounter,
    EstablishedHow,
    Field,
    LegalForm,
    Office,
    Organization,
    PartyOrganization,
    Source,
    TargetGroup,
)
from peiyu.regions.demo import DEMO_COUNTY
from peiyu.regions.models import Region

COUNTY_CODE = DEMO_COUNTY.ljust(12, "0")
MARKER = "溧阳市人民调解协会"  # present once the registry demo is built
SEED = 20160511  # the date of the plan
LEDGER = "溧阳市社会组织台账（2010—2025）.xlsx"
JUSTICE = "溧阳市司法局"
CIVIL_AFFAIRS = "溧阳市民政局"
IMPORTED_DAYS_AGO = 200
HALL = "百姓议事堂"
# Share of a town's villages and communities with a 百姓议事堂 (the plan wants one in each).
HALL_SHARE = {"戴埠镇": 0.8, "天目湖镇": 0.75}
HALL_SHARE_DEFAULT = 0.62

ASSOCIATION = LegalForm.ASSOCIATION.value
INSTITUTION = LegalForm.SERVICE_INSTITUTION.value
FOUNDATION = LegalForm.FOUNDATION.value
TYPE_CODE = {ASSOCIATION: "51", INSTITUTION: "52", FOUNDATION: "53"}
FILING_SERIES = "filing-number"  # the counter series of peiyu.orgs.docx.next_filing_number


@dataclass(frozen=True)
class Registered:
    """A registered organization of the ledger."""

    name: str
    legal_form: str
    category: str
    development_type: str
    fields: str
    groups: str
    guidance: str
    established: str
    description: str
    town: str = ""  # the town it is based in; the county when empty
    how: str = EstablishedHow.SPONSORED
    people: tuple[int, int] = (15, 60)


R = Registered
TRADE, CHARITY, COMMUNITY, SCIENCE = "trade", "charity", "community", "science"
GRASSROOTS, HUB, INDUSTRY, PROFESSIONAL, NETWORK = "grassroots", "hub", "industry", "professional", "network"
INCUBATED = EstablishedHow.INCUBATED.value
INCUBATOR_ADDRESS = "溧阳市社会组织孵化中心"

DEREGISTERED = "溧阳市和谐家园法律咨询服务中心"
ARTS = "溧阳市文学艺术界联合会"

# fmt: off
REGISTERED = [
    # 行业型: the four associations of the plan, §四(四).
    R(MARKER, ASSOCIATION, TRADE, INDUSTRY, "dispute legal_education", "residents", JUSTICE, "2016-07-18",
      "全市人民调解组织和人民调解员的行业协会：开展调解员培训和等级评定，组织疑难纠纷会商，协助发放调解个案补贴。",
      people=(120, 260)),
    R("溧阳市社区矫正协会", ASSOCIATION, CHARITY, INDUSTRY, "rehabilitation safety",
      "community_corrections released_prisoners", JUSTICE, "2016-08-09",
      "组织社会力量参与社区矫正和安置帮教，开展教育帮扶、心理疏导和就业指导。", people=(60, 140)),
    R("溧阳市法治宣传教育协会", ASSOCIATION, CHARITY, INDUSTRY, "legal_education", "residents enterprises", JUSTICE,
      "2016-08-26", "组织法治宣讲团和普法志愿者，开展“法律进村居、进企业、进校园”活动。", people=(80, 200)),
    R("溧阳市企业法律顾问协会", ASSOCIATION, TRADE, INDUSTRY, "legal_aid legal_education", "enterprises", JUSTICE,
      "2016-09-20", "企业法律顾问和公司律师的行业协会：开展业务交流和培训，为中小企业提供法律体检。",
      people=(50, 120)),
    # 枢纽型, §四(二).
    R("溧阳市社会组织孵化中心", INSTITUTION, COMMUNITY, HUB, "charity volunteering resident_service", "residents",
      CIVIL_AFFAIRS, "2014-10-15", "为入驻的社会组织提供登记辅导、政策解读、能力培训、项目设计和资源对接。",
      town="溧城街道", people=(8, 15)),
    R("溧阳市司法行政社会组织孵化中心", INSTITUTION, CHARITY, HUB, "legal_aid dispute legal_education", "residents",
      JUSTICE, "2016-05-26",
      "培育全市司法行政领域社会组织，孵化周期三至六个月；运营公益项目和司法社工培育体系，开展绩效评估。",
      town="溧城街道", people=(6, 12)),
    R("溧阳市法治文化创作社", ASSOCIATION, CHARITY, HUB, "legal_education culture_sports", "residents", JUSTICE,
      "2016-10-12", "依托书法、诗词、民间艺术团体，创作法治书画、诗歌、动漫、影视和曲艺作品。", people=(30, 80)),
    R("溧阳市书法家协会", ASSOCIATION, "", "", "culture_sports", "residents", ARTS, "2010-04-16",
      "团结书法工作者和爱好者，举办展览、讲座和书法进基层活动。", people=(90, 180)),
    R("溧阳市少儿书法协会", ASSOCIATION, "", "", "culture_sports youth", "children", ARTS, "2011-06-01",
      "开展少儿书法培训、比赛和展览。", people=(40, 90)),
    R("溧阳市天目湖诗社", ASSOCIATION, "", "", "culture_sports", "residents", ARTS, "2012-03-21",
      "组织诗词创作、吟诵和交流，编印社刊。", town="天目湖镇", people=(40, 100)),
    R("溧阳市民间艺术家协会", ASSOCIATION, "", "", "culture_sports", "residents", ARTS, "2013-09-10",
      "挖掘和传承民间艺术，组织曲艺、剪纸、竹编等展演。", people=(50, 120)),
    # 专业型, §四(三).
    R("溧阳市志愿者协会", ASSOCIATION, CHARITY, PROFESSIONAL, "volunteering", "residents", "共青团溧阳市委员会",
      "2010-12-05", "招募、培训和管理志愿者，承接各类志愿服务项目。", people=(150, 400)),
    R("溧阳市老龄协会", ASSOCIATION, CHARITY, PROFESSIONAL, "elderly_care legal_aid", "elderly", CIVIL_AFFAIRS,
      "2011-05-18", "维护老年人合法权益，开展敬老助老和老年法律咨询。", people=(60, 150)),
    R("溧阳市退（离）休教师协会", ASSOCIATION, CHARITY, PROFESSIONAL, "legal_education youth",
      "children at_risk_youth", "溧阳市教育局", "2012-09-10",
      "组织退（离）休教师担任法治辅导员，开展青少年法治教育和关爱帮扶。", people=(80, 160)),
    R("溧阳市心理咨询师协会", ASSOCIATION, SCIENCE, PROFESSIONAL, "mental_health", "residents", CIVIL_AFFAIRS,
      "2015-11-06", "心理咨询从业者的学术交流和继续教育，组织心理健康公益讲座。", people=(30, 70)),
    R("溧阳市心桥心理咨询服务中心", INSTITUTION, CHARITY, PROFESSIONAL, "mental_health rehabilitation",
      "community_corrections mental_illness", JUSTICE, "2017-03-15",
      "为社区矫正对象、刑满释放人员及其家属提供心理评估、疏导和危机干预。", how=INCUBATED, people=(8, 20)),
    R("溧阳市阳光社会工作服务中心", INSTITUTION, COMMUNITY, PROFESSIONAL, "rehabilitation resident_service",
      "community_corrections released_prisoners", JUSTICE, "2017-06-28",
      "承接社区矫正和安置帮教社会工作服务，开展个案管理和社会适应性帮扶。", how=INCUBATED, people=(10, 25)),
    R("溧阳市春晖青少年关爱服务中心", INSTITUTION, CHARITY, PROFESSIONAL, "youth legal_education",
      "at_risk_youth children_of_detained", JUSTICE, "2018-04-20",
      "关爱服刑人员未成年子女和有不良行为青少年，开展结对帮扶和法治教育。", how=INCUBATED, people=(10, 30)),
    R("溧阳市新航安置帮教服务中心", INSTITUTION, CHARITY, PROFESSIONAL, "rehabilitation", "released_prisoners",
      JUSTICE, "2018-09-12", "为刑满释放人员提供过渡性安置、技能培训和就业推荐。", how=INCUBATED, people=(6, 15)),
    R("溧阳市巾帼维权服务中心", INSTITUTION, CHARITY, PROFESSIONAL, "legal_aid dispute", "women children",
      CIVIL_AFFAIRS, "2019-03-08", "为妇女儿童提供法律咨询、婚姻家庭纠纷调解和反家暴援助。", how=INCUBATED,
      people=(8, 20)),
    R("溧阳市禁毒社会工作服务中心", INSTITUTION, CHARITY, PROFESSIONAL, "rehabilitation safety",
      "drug_rehabilitation", CIVIL_AFFAIRS, "2019-06-26", "承接社区戒毒社区康复社会工作服务，开展禁毒宣传。",
      how=INCUBATED, people=(8, 18)),
    R("溧阳市和顺婚姻家庭调解服务中心", INSTITUTION, COMMUNITY, PROFESSIONAL, "dispute mental_health",
      "women residents", JUSTICE, "2020-05-20", "调解婚姻家庭纠纷，开展婚前辅导和家庭关系咨询。", how=INCUBATED,
      people=(6, 15)),
    R("溧阳市法律援助基金会", FOUNDATION, CHARITY, PROFESSIONAL, "legal_aid charity",
      "poor_families migrant_workers", JUSTICE, "2018-12-04",
      "募集资金资助困难群众、农民工法律援助案件和法律援助志愿者。", people=(5, 12)),
    R(DEREGISTERED, INSTITUTION, COMMUNITY, PROFESSIONAL, "legal_aid", "residents", JUSTICE, "2017-08-15",
      "为社区居民提供法律咨询和代写法律文书服务。", town="昆仑街道", people=(4, 10)),
    # 网络型, §四(五).
    R("溧阳市网络普法联盟", ASSOCIATION, CHARITY, NETWORK, "legal_education", "residents", JUSTICE, "2016-10-28",
      "依托12348平台，联合相关部门、法律服务机构和新媒体开展网络普法。", people=(30, 60)),
    R("溧阳市法律服务网络联盟", ASSOCIATION, CHARITY, NETWORK, "legal_aid legal_education", "residents enterprises",
      JUSTICE, "2019-07-16", "联合律师事务所、基层法律服务所和公证机构，通过互联网提供在线法律咨询。",
      people=(25, 50)),
    R("溧阳市12348法律服务志愿者协会", ASSOCIATION, CHARITY, NETWORK, "legal_aid volunteering", "residents",
      JUSTICE, "2017-11-09", "组织法律服务志愿者在12348热线和网络平台值守答疑。", people=(40, 90)),
    # 基层基础型, registered.
    R("溧阳市昆仑街道睦邻社区服务中心", INSTITUTION, COMMUNITY, GRASSROOTS, "resident_service mutual_aid",
      "residents elderly", CIVIL_AFFAIRS, "2018-06-12", "开展社区睦邻互助、居家养老和矛盾纠纷排查服务。",
      town="昆仑街道", how=INCUBATED, people=(10, 30)),
    R("溧阳市上兴镇乡贤调解服务中心", INSTITUTION, COMMUNITY, GRASSROOTS, "dispute legal_education", "residents",
      JUSTICE, "2019-10-22", "组织乡贤参与矛盾纠纷调解和法治宣传。", town="上兴镇", people=(8, 20)),
]
# fmt: on

UPGRADED_FROM_LEDGER = "南渡镇法律服务社"

# Members of each hub (names); the workflow's organizations are added to these.
HUB_MEMBERS = {
    "溧阳市司法行政社会组织孵化中心": [
        "溧阳市心桥心理咨询服务中心",
        "溧阳市阳光社会工作服务中心",
        "溧阳市春晖青少年关爱服务中心",
        "溧阳市新航安置帮教服务中心",
        "溧阳市和顺婚姻家庭调解服务中心",
        "溧阳市12348法律服务志愿者协会",
        "溧阳市天目湖律师调解工作室",
        "溧阳市戴埠镇调解志愿者协会",
        "天目湖镇茶乡法律服务社",
    ],
    "溧阳市社会组织孵化中心": [
        "溧阳市昆仑街道睦邻社区服务中心",
        "溧阳市巾帼维权服务中心",
        "溧阳市禁毒社会工作服务中心",
        "溧阳市益心社会工作服务中心",
    ],
    "溧阳市法治文化创作社": [
        "溧阳市书法家协会",
        "溧阳市少儿书法协会",
        "溧阳市天目湖诗社",
        "溧阳市民间艺术家协会",
        "溧阳市法治宣传教育协会",
    ],
}

# The one or two grassroots organizations the 司法所 of each town set up (§四(一)): a personal
# mediation room led by a respected local figure (老X) or a 法律服务社; and, in ten towns, a
# 法律服务团 (§五(一)).
MEDIATION_ROOM = "老{surname}调解工作室"
TOWN_GRASSROOTS = {
    "昆仑街道": MEDIATION_ROOM,
    "溧城街道": "法律服务社",
    "古县街道": MEDIATION_ROOM,
    "埭头镇": "法律服务社",
    "上黄镇": MEDIATION_ROOM,
    "别桥镇": "法律服务社",
    "上兴镇": MEDIATION_ROOM,
    "竹箦镇": "法律服务社",
    "南渡镇": "法律服务社",
    "社渚镇": MEDIATION_ROOM,
}
WITHOUT_SERVICE_GROUP = {"昆仑街道", "古县街道"}  # the plan wants ten 法律服务团


@dataclass(frozen=True)
class Kind:
    """A kind of filed community organization."""

    suffix: str
    fields: str
    groups: str
    people: tuple[int, int]
    how: str
    where: str  # "village", "community" or "" for both
    description: str


SPONTANEOUS, BY_COMMUNITY = EstablishedHow.SPONTANEOUS.value, EstablishedHow.COMMUNITY.value
# fmt: off
KINDS = [
    Kind("广场舞队", "culture_sports", "residents women", (15, 60), SPONTANEOUS, "",
         "组织村（居）民开展广场舞健身，参加镇村文艺演出。"),
    Kind("老年协会", "elderly_care culture_sports", "elderly", (30, 150), BY_COMMUNITY, "",
         "组织老年人文体活动，开展互助养老、节日慰问和老年人法律咨询。"),
    Kind("志愿服务队", "volunteering resident_service", "residents", (15, 80), BY_COMMUNITY, "",
         "开展环境整治、助老助残、法治宣传等志愿服务。"),
    Kind("邻里互助会", "mutual_aid", "residents elderly poor_families", (10, 40), SPONTANEOUS, "",
         "邻里之间结对互助，照看独居老人，帮扶困难家庭。"),
    Kind("巾帼志愿服务队", "volunteering mutual_aid", "women children", (12, 40), BY_COMMUNITY, "",
         "开展家庭教育、婚姻家庭矛盾排查和关爱留守儿童活动。"),
    Kind("平安巡防队", "safety", "residents", (10, 30), BY_COMMUNITY, "",
         "开展夜间巡逻、防诈骗宣传和安全隐患排查。"),
    Kind("法律明白人服务队", "legal_education dispute", "residents", (6, 15), BY_COMMUNITY, "",
         "由“法律明白人”宣讲常用法律知识，参与矛盾纠纷排查和调解。"),
    Kind("乡贤理事会", "dispute resident_service", "residents", (7, 20), BY_COMMUNITY, "village",
         "组织乡贤为村级事务出谋划策，参与矛盾纠纷调解和公益事业。"),
    Kind("腰鼓队", "culture_sports", "residents women", (16, 40), SPONTANEOUS, "village",
         "组织腰鼓表演，参加节庆文艺活动。"),
    Kind("农技服务队", "rural_technology", "residents", (8, 25), BY_COMMUNITY, "village",
         "为农户提供种植养殖技术指导和农资选购咨询。"),
    Kind("读书会", "culture_sports youth", "residents children", (15, 50), SPONTANEOUS, "community",
         "组织亲子阅读、读书分享和法治读本共读活动。"),
    Kind("银发志愿服务队", "volunteering elderly_care", "elderly", (15, 50), BY_COMMUNITY, "community",
         "组织低龄老人帮扶高龄、独居老人，开展楼道邻里守望。"),
    Kind("环保志愿队", "environment volunteering", "residents", (12, 40), SPONTANEOUS, "",
         "开展垃圾分类宣传、河塘巡查和环境整治。"),
]
# fmt: on
KIND = {kind.suffix: kind for kind in KINDS}
TEA_GROWERS = Kind(
    "茶农互助会",
    "rural_technology mutual_aid",
    "residents",
    (20, 60),
    SPONTANEOUS,
    "village",
    "茶农之间互助采茶、交流制茶技术，调处茶园用工和地界纠纷。",
)
OTHER_COMMUNITY_ORGANIZATIONS = 80

SURNAMES = "王陈张李周吴史狄彭潘汤马蒋钱徐沈朱宋芮强许姜黄曹任虞邵葛孙刘"
# fmt: off
GIVEN_NAMES = [
    "建国", "国平", "秀英", "志强", "伟", "芳", "丽娟", "建华", "红梅", "卫东", "春燕", "海涛", "晓东", "玉兰", "金花",
    "永康", "文彬", "立新", "桂英", "明", "勇", "敏", "静", "洁", "军", "华", "平", "霞", "小军", "国强", "美芳", "雪芬",
    "志明", "荣生", "金宝", "德兴", "月琴", "小红", "振华", "玉芬", "根林", "伟民", "惠芳", "锁林", "建平", "菊英",
]
# fmt: on
MOBILE_PREFIXES = ("135", "138", "139", "150", "151", "152", "158", "159", "180", "181", "188", "189")


def short_name(region: Region) -> str:
    """The usual name of a village or community: 戴南村村委会 → 戴南村, 河西居委会 → 河西社区."""
    name = region.name
    for suffix in ("村民委员会", "村委会"):
        if name.endswith(suffix):
            base = name.removesuffix(suffix)
            return base if base.endswith("村") else f"{base}村"
    for suffix in ("居民委员会", "居委会"):
        if name.endswith(suffix):
            base = name.removesuffix(suffix)
            return base if base.endswith(("社区", "村")) else f"{base}社区"
    return name


def committee_name(region: Region) -> str:
    """The guidance unit of a village's filed organizations: its villagers' or residents' committee."""
    return f"{short_name(region)}{'村民委员会' if is_rural(region) else '居民委员会'}"


def is_rural(region: Region) -> bool:
    return "村委会" in region.name or "村民委员会" in region.name


def is_real_town(region: Region) -> bool:
    """Towns and streets (001–399), not the prisons and other special areas counted as towns."""
    return int(region.code[6:9]) < 400


@contextlib.contextmanager
def _clock(moment: datetime.datetime) -> Iterator[None]:
    """Let the services believe it is ``moment``: their dates, events and document numbers follow."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class DemoDataError(RuntimeError):
    pass


def build() -> int:
    """Build the registry demo of 溧阳市 once; return how many organizations exist."""
    if not Organization.objects.filter(name=MARKER).exists():
        users = {account.username: user for account, user in accounts_demo.build()}
        # Event notes and document titles are stored as written: in the offices' language.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            _Demo(users).build()
    return Organization.objects.count()


Story = Iterator[int]  # a workflow story yields how many days ago its next step happens


class _Demo:
    def __init__(self, users: dict[str, User]) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - made-up demo data, not secrets
        self.county_officer = users["county"]
        self.officers = {  # the town officers who decide filings; other towns' come from the ledger
            accounts_demo.DAIBU.ljust(12, "0"): users["daibu"],
            accounts_demo.TIANMUHU.ljust(12, "0"): users["tianmuhu"],
        }
        self.organization_account = users["org"]
        self.now = timezone.localtime()
        self.imported_at = self.now - datetime.timedelta(days=IMPORTED_DAYS_AGO)
        self.latest = min(datetime.date(2025, 12, 31), self.imported_at.date() - datetime.timedelta(days=1))
        self.regions = region_choices(Region.objects.subtree(DEMO_COUNTY))
        self.field_choices = list_choices(Field)
        self.group_choices = list_choices(TargetGroup)
        self.county = Region.objects.get(code=COUNTY_CODE)
        self.towns = [
            t for t in Region.objects.filter(parent=self.county).order_by("code") if is_real_town(t)
        ]
        self.town_named = {t.name: t for t in self.towns}
        self.villages = {t.code: list(Region.objects.filter(parent=t).order_by("code")) for t in self.towns}
        self.codes = set(Organization.objects.exclude(uscc="").values_list("uscc", flat=True))
        self.last_moment = self.imported_at
        self.daibu = Region.objects.get(code=accounts_demo.DAIBU.ljust(12, "0"))
        self.tianmuhu = Region.objects.get(code=accounts_demo.TIANMUHU.ljust(12, "0"))

    # -- values ---------------------------------------------------------------------------------

    def person(self, surname: str = "") -> tuple[str, str]:
        name = (surname or self.rng.choice(SURNAMES)) + self.rng.choice(GIVEN_NAMES)
        return name, self.phone()

    def phone(self) -> str:
        """An obviously made-up mobile number: 139 0000 1234."""
        return f"{self.rng.choice(MOBILE_PREFIXES)}0000{self.rng.randrange(10_000):04d}"

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        end = min(end, self.latest)
        start = min(start, end)
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def credit_code(self, legal_form: str) -> str:
        while True:
            body = "MJ" + "".join(self.rng.choice(uscc.ALPHABET) for _ in range(6))
            code = uscc.make(department_type=TYPE_CODE[legal_form], division=DEMO_COUNTY, body8=body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def clean(self, data: dict[str, Any], purpose: str) -> dict[str, Any]:
        """Pass a record through the form every record passes through; return its payload."""
        form = OrganizationForm(
            data,
            regions=self.regions,
            field_choices=self.field_choices,
            group_choices=self.group_choices,
            purpose=purpose,
        )
        if not form.is_valid():
            raise DemoDataError(f"{data.get('name')}: {form.errors.as_text()}")
        return services.payload_from(form.cleaned_data)

    def governance(self, legal_form: str, category: str, registered: datetime.date) -> dict[str, Any]:
        rng = self.rng
        pledge = (
            self.day_between(max(registered, datetime.date(2019, 1, 1)), self.latest)
            if rng.random() < 0.55
            else None
        )
        party = rng.choices(
            [
                PartyOrganization.STANDALONE,
                PartyOrganization.JOINT,
                PartyOrganization.INSTRUCTOR,
                PartyOrganization.NONE,
            ],
            weights=[3, 3, 2, 2],
        )[0]
        return {
            "has_charter": True,
            "has_member_congress": legal_form == ASSOCIATION,
            "has_board": legal_form != ASSOCIATION or rng.random() < 0.8,
            "has_supervisors": rng.random() < (0.9 if legal_form == FOUNDATION else 0.65),
            "is_decoupled": category == TRADE,
            "pledge_signed_on": pledge,
            "party_organization": party.value,
        }

    # -- the ledger -----------------------------------------------------------------------------

    @staticmethod
    def address(spec: Registered, region: Region) -> str:
        if spec.how == INCUBATED:
            return INCUBATOR_ADDRESS  # incubated organizations keep their office there
        if spec.town:
            return f"溧阳市{region.name}"
        return f"{spec.guidance}内" if spec.guidance in (JUSTICE, CIVIL_AFFAIRS) else ""

    def registered_record(self, spec: Registered) -> dict[str, Any]:
        established = datetime.date.fromisoformat(spec.established)
        region = self.town_named[spec.town] if spec.town else self.county
        leader, leader_phone = self.person()
        contact, contact_phone = self.person()
        return self.clean(
            {
                "name": spec.name,
                "source": Source.REGISTERED,
                "legal_form": spec.legal_form,
                "uscc": self.credit_code(spec.legal_form),
                "category": spec.category,
                "development_type": spec.development_type,
                "activity_fields": spec.fields.split(),
                "target_groups": spec.groups.split(),
                "region": region.code,
                "address": self.address(spec, region),
                "established_how": spec.how,
                "active_people": self.rng.randint(*spec.people),
                "leader_name": leader,
                "leader_phone": leader_phone,
                "contact_name": contact,
                "contact_phone": contact_phone,
                "guidance_unit": spec.guidance,
                "description": spec.description,
                "established_on": established,
                "registered_on": established,
                **self.governance(spec.legal_form, spec.category, established),
            },
            "import",
        )

    def filed_data(
        self,
        *,
        name: str,
        region: Region,
        fields: str,
        groups: str,
        people: tuple[int, int],
        how: str,
        description: str,
        guidance: str,
        established: datetime.date,
        address: str = "",
        leader: str = "",
    ) -> dict[str, Any]:
        leader_name, leader_phone = self.person(leader)
        return {
            "name": name,
            "source": Source.FILED,
            "category": Category.COMMUNITY,
            "development_type": DevelopmentType.GRASSROOTS,
            "activity_fields": fields.split(),
            "target_groups": groups.split(),
            "region": region.code,
            "address": address,
            "established_how": how,
            "active_people": self.rng.randint(*people),
            "leader_name": leader_name,
            "leader_phone": leader_phone,
            "guidance_unit": guidance,
            "party_organization": (
                PartyOrganization.INSTRUCTOR if self.rng.random() < 0.2 else PartyOrganization.NONE
            ).value,
            "has_charter": self.rng.random() < 0.5,
            "description": description,
            "established_on": established,
        }

    def hall_data(self, village: Region, established: datetime.date) -> dict[str, Any]:
        short = short_name(village)
        focus = "土地承包、宅基地和邻里纠纷" if is_rural(village) else "物业、停车和邻里纠纷"
        return self.filed_data(
            name=f"{short}{HALL}",
            region=village,
            fields="dispute resident_service" + (" legal_education" if self.rng.random() < 0.3 else ""),
            groups="residents",
            people=(9, 21),
            how=BY_COMMUNITY,
            description=f"收集社情民意，组织村（居）民协商议事，就地化解{focus}，开展法治宣传。",
            guidance=committee_name(village),
            established=established,
            address=f"{short}党群服务中心",
        )

    def community_data(self, village: Region, kind: Kind, established: datetime.date) -> dict[str, Any]:
        short = short_name(village)
        return self.filed_data(
            name=f"{short}{kind.suffix}",
            region=village,
            fields=kind.fields,
            groups=kind.groups,
            people=kind.people,
            how=kind.how,
            description=kind.description,
            guidance=committee_name(village),
            established=established,
            address=f"{short}{'文化广场' if 'culture_sports' in kind.fields else '党群服务中心'}",
        )

    def town_grassroots_data(self, town: Region, pattern: str, established: datetime.date) -> dict[str, Any]:
        if pattern == MEDIATION_ROOM:
            surname = self.rng.choice(SURNAMES)
            return self.filed_data(
                name=f"{town.name}{pattern.format(surname=surname)}",
                region=town,
                fields="dispute legal_education",
                groups="residents",
                people=(3, 8),
                how=SPONTANEOUS,
                description="由在当地有威望的乡贤牵头，调解邻里、婚姻家庭和土地纠纷，普及法律常识，收集民情信息。",
                guidance=f"{town.name}司法所",
                established=established,
                address=f"{town.name}公共法律服务站",
                leader=surname,
            )
        return self.filed_data(
            name=f"{town.name}{pattern}",
            region=town,
            fields="legal_aid legal_education dispute",
            groups="residents migrant_workers",
            people=(5, 15),
            how=EstablishedHow.SPONSORED,
            description="为群众提供法律咨询、代写文书和纠纷调解，协助开展特殊人群帮教。",
            guidance=f"{town.name}司法所",
            established=established,
            address=f"{town.name}公共法律服务站",
        )

    def service_group_data(self, town: Region) -> dict[str, Any]:
        return self.filed_data(
            name=f"{town.name}法律服务团",
            region=town,
            fields="legal_aid legal_education dispute",
            groups="residents",
            people=(10, 25),
            how=EstablishedHow.SPONSORED,
            description="由律师、基层法律服务工作者和人民调解员组成，协调辖区法律服务资源，扶持村（居）民自发成立的社会组织。",
            guidance=f"{town.name}司法所",
            established=self.day_between(datetime.date(2016, 6, 1), datetime.date(2016, 12, 20)),
            address=f"{town.name}司法所",
        )

    def choose_halls(self) -> dict[str, list[Region]]:
        halls = {}
        for town in self.towns:
            villages = self.villages[town.code]
            share = HALL_SHARE.get(town.name, HALL_SHARE_DEFAULT)
            count = min(len(villages) - 1, max(1, round(len(villages) * share)))
            halls[town.code] = sorted(self.rng.sample(villages, count), key=lambda v: v.code)
        return halls

    def ledger(self, halls: dict[str, list[Region]], reserved: set[str]) -> list[dict[str, Any]]:
        """The records an office would import: everything but what the workflow creates."""
        records = [self.registered_record(spec) for spec in REGISTERED]
        filed: list[dict[str, Any]] = []
        for town in self.towns:
            if town.name not in WITHOUT_SERVICE_GROUP:
                filed.append(self.service_group_data(town))
            pattern = TOWN_GRASSROOTS.get(town.name)
            if pattern:
                established = self.day_between(datetime.date(2016, 6, 1), datetime.date(2019, 12, 31))
                filed.append(self.town_grassroots_data(town, pattern, established))
            for village in halls[town.code]:
                if f"{short_name(village)}{HALL}" in reserved:
                    continue
                early = self.rng.random() < 0.8  # most answered the 2016 call
                start, end = (2016, 2018) if early else (2019, 2025)
                established = self.day_between(datetime.date(start, 6, 1), datetime.date(end, 12, 31))
                filed.append(self.hall_data(village, established))
        candidates = [
            (village, kind)
            for town in self.towns
            for village in self.villages[town.code]
            for kind in KINDS
            if kind.where in ("", "village" if is_rural(village) else "community")
            and f"{short_name(village)}{kind.suffix}" not in reserved
        ]
        for village, kind in self.rng.sample(candidates, OTHER_COMMUNITY_ORGANIZATIONS):
            established = self.day_between(datetime.date(2010, 1, 1), datetime.date(2025, 12, 31))
            filed.append(self.community_data(village, kind, established))
        for data in filed:
            data["filed_on"] = min(
                self.latest, data["established_on"] + datetime.timedelta(days=self.rng.randint(7, 120))
            )
        self.number_filings(filed)
        return records + [self.clean(data, "import") for data in filed]

    def number_filings(self, filed: list[dict[str, Any]]) -> None:
        """Number filed records as the towns would have (320481103-2017-0004), and tell each
        town's counter, so the filings decided later continue the series."""
        counters = {
            (c.office_id, c.year): c
            for c in DocumentCounter.objects.filter(
                series=FILING_SERIES, office_id__in=[t.code for t in self.towns]
            )
        }
        last = {key: counter.last for key, counter in counters.items()}
        for data in sorted(filed, key=lambda d: (d["filed_on"], d["name"])):
            key = (data["region"][:9].ljust(12, "0"), data["filed_on"].year)
            last[key] = last.get(key, 0) + 1
            data["filing_number"] = f"{key[0][:9]}-{key[1]}-{last[key]:04d}"
        for key, counter in counters.items():
            counter.last = last[key]
        DocumentCounter.objects.bulk_update(counters.values(), ["last"])
        DocumentCounter.objects.bulk_create(
            DocumentCounter(office_id=town, series=FILING_SERIES, year=year, last=number)
            for (town, year), number in last.items()
            if (town, year) not in counters
        )

    # -- the workflow ---------------------------------------------------------------------------

    def moment(self, days_ago: int) -> datetime.datetime:
        day = (self.now - datetime.timedelta(days=days_ago)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        moment = max(
            day + datetime.timedelta(minutes=self.rng.randrange(0, 240)),
            self.last_moment + datetime.timedelta(minutes=7),
        )
        self.last_moment = min(moment, self.now)
        return self.last_moment

    def run(self, stories: list[Story]) -> None:
        """Run the stories' steps in the order of their dates, each at its own moment."""
        queue: list[tuple[int, int, Story]] = []
        tick = 0
        for story in stories:
            heapq.heappush(queue, (-next(story), tick, story))
            tick += 1
        while queue:
            days, _tick, story = heapq.heappop(queue)
            with _clock(self.moment(-days)):
                following = next(story, None)
            if following is not None:
                if following > -days:
                    raise DemoDataError("a story went back in time")
                heapq.heappush(queue, (-following, tick, story))
                tick += 1

    def submit(
        self,
        kind: str,
        payload: dict[str, Any],
        region: Region,
        *,
        organization: Organization | None = None,
        by: User | None = None,
        note: str = "",
    ) -> Application:
        if by is None:
            name = payload.get("leader_name") or (organization.leader_name if organization else "")
            phone = payload.get("leader_phone") or (organization.leader_phone if organization else "")
        else:
            name, phone = "", ""
        return services.submit_application(
            kind=kind,
            payload=payload,
            region=region,
            by=by,
            organization=organization,
            applicant_name=name,
            applicant_phone=phone,
            note=note,
        )

    def decide(
        self, application: Application, decision: str, by: User, note: str = "", code: str = ""
    ) -> Organization | None:
        decided = services.decide_application(
            application, decision=decision, by=by, note=note, assigned_uscc=code
        )
        return decided.organization

    def officer_for(self, region: Region) -> User:
        return self.officers[region.code[:9].ljust(12, "0")]

    def filing(
        self,
        data: dict[str, Any],
        submitted: int,
        decided: int | None,
        decision: str = ApplicationStatus.APPROVED,
        note: str = "",
        applicant_note: str = "",
    ) -> Story:
        region = Region.objects.get(code=data["region"])
        yield submitted
        application = self.submit(
            ApplicationKind.FILING,
            self.clean({**data, "source": Source.FILED}, "application"),
            region,
            note=applicant_note,
        )
        if decided is None:
            return
        yield decided
        self.decide(application, decision, self.officer_for(region), note=note)

    def registration(
        self, data: dict[str, Any], submitted: int, decided: int | None, note: str = ""
    ) -> Story:
        region = Region.objects.get(code=data["region"])
        yield submitted
        application = self.submit(
            ApplicationKind.REGISTRATION,
            self.clean({**data, "source": Source.REGISTERED}, "application"),
            region,
            note=note,
        )
        if decided is None:
            return
        yield decided
        self.decide(
            application,
            ApplicationStatus.APPROVED,
            self.county_officer,
            code=self.credit_code(data["legal_form"]),
        )

    def upgrade(self, name: str, changes: dict[str, Any], submitted: int, decided: int, note: str) -> Story:
        yield submitted
        organization = Organization.objects.get(name=name)
        payload = {**services.payload_of(organization), **changes, "source": Source.REGISTERED, "uscc": ""}
        application = self.submit(
            ApplicationKind.REGISTRATION,
            self.clean(payload, "application"),
            organization.region,
            organization=organization,
            note=note,
        )
        yield decided
        self.decide(
            application,
            ApplicationStatus.APPROVED,
            self.county_officer,
            code=self.credit_code(changes["legal_form"]),
        )

    def change(
        self,
        name: str,
        changes: dict[str, Any],
        submitted: int,
        decided: int | None,
        note: str,
        *,
        by: User | None = None,
        returned: tuple[int, int, str] | None = None,
    ) -> Story:
        yield submitted
        organization = Organization.objects.get(name=name)
        payload = self.clean({**services.payload_of(organization), **changes}, "record")
        application = self.submit(
            ApplicationKind.CHANGE, payload, organization.region, organization=organization, by=by, note=note
        )
        officer = (
            self.county_officer
            if organization.source == Source.REGISTERED
            else self.officer_for(organization.region)
        )
        if returned is not None and by is not None:
            returned_on, resubmitted_on, reason = returned
            yield returned_on
            self.decide(application, ApplicationStatus.RETURNED, officer, note=reason)
            yield resubmitted_on
            services.resubmit_application(application, by=by, note="已按要求补充材料。")
        if decided is None:
            return
        yield decided
        self.decide(application, ApplicationStatus.APPROVED, officer)

    def deregistration(self, name: str, submitted: int, decided: int, note: str) -> Story:
        yield submitted
        organization = Organization.objects.get(name=name)
        application = self.submit(
            ApplicationKind.DEREGISTRATION, {}, organization.region, organization=organization, note=note
        )
        yield decided
        self.decide(application, ApplicationStatus.APPROVED, self.county_officer, note=note)

    def link(self, days: int) -> Story:
        yield days
        services.link_account(
            Organization.objects.get(name=MARKER), account=self.organization_account, by=self.county_officer
        )

    def new_registered(
        self, name: str, legal_form: str, fields: str, groups: str, town: Region, description: str
    ) -> dict[str, Any]:
        leader, leader_phone = self.person()
        contact, contact_phone = self.person()
        return {
            "name": name,
            "legal_form": legal_form,
            "category": Category.CHARITY,
            "development_type": DevelopmentType.PROFESSIONAL,
            "activity_fields": fields.split(),
            "target_groups": groups.split(),
            "region": town.code,
            "established_how": INCUBATED,
            "active_people": self.rng.randint(6, 20),
            "leader_name": leader,
            "leader_phone": leader_phone,
            "contact_name": contact,
            "contact_phone": contact_phone,
            "guidance_unit": JUSTICE,
            "description": description,
            "has_charter": True,
            "has_board": True,
            "has_supervisors": True,
            "party_organization": PartyOrganization.INSTRUCTOR,
        }

    def established_before(self, days_ago: int) -> datetime.date:
        return (self.now - datetime.timedelta(days=days_ago + self.rng.randint(60, 420))).date()

    def stories(self, halls: dict[str, list[Region]]) -> tuple[list[Story], set[str]]:
        """The applications of the past half year, and the names they create (kept out of the ledger)."""
        daibu_halls = halls[self.daibu.code]
        tianmuhu_halls = halls[self.tianmuhu.code]
        daibu_villages = [v for v in self.villages[self.daibu.code] if is_rural(v)]
        tianmuhu_villages = [v for v in self.villages[self.tianmuhu.code] if is_rural(v)]
        daibu_picks = self.rng.sample(daibu_villages, 3)
        tianmuhu_picks = self.rng.sample(tianmuhu_villages, 3)

        def community(village: Region, kind: Kind, days: int) -> dict[str, Any]:
            return self.community_data(village, kind, self.established_before(days))

        def hall(village: Region, days: int) -> dict[str, Any]:
            return self.hall_data(village, self.established_before(days))

        daibu_mediators = self.town_grassroots_data(
            self.daibu, "调解志愿者协会", self.established_before(180)
        )
        daibu_mediators.update(
            activity_fields=["dispute", "volunteering"],
            description="组织退休干部、教师和老党员担任调解志愿者，参与村（居）矛盾纠纷排查调处。",
        )
        daibu_volunteers = self.town_grassroots_data(
            self.daibu, "法律服务志愿队", self.established_before(175)
        )
        daibu_volunteers.update(
            activity_fields=["legal_aid", "legal_education", "volunteering"],
            description="组织法律工作者和志愿者定期进村开展法律咨询、普法讲座和法律体检。",
        )
        tea_service = self.town_grassroots_data(self.tianmuhu, "茶乡法律服务社", self.established_before(178))
        tea_service.update(
            activity_fields=["legal_aid", "dispute", "rural_technology"],
            target_groups=["residents", "migrant_workers"],
            description="为茶农和采茶季外来务工人员提供法律咨询，调处茶园承包、用工和买卖纠纷。",
        )
        open_hall = tianmuhu_halls[0]

        filings: list[tuple[dict[str, Any], int, int | None]] = [
            (daibu_mediators, 182, 178),
            (tea_service, 180, 176),
            (daibu_volunteers, 175, 172),
            (hall(daibu_halls[0], 168), 168, 165),
            (hall(open_hall, 160), 160, 157),
            (hall(daibu_halls[1], 152), 152, 150),
            (community(tianmuhu_picks[0], TEA_GROWERS, 142), 142, 139),
            (hall(tianmuhu_halls[1], 138), 138, 136),
            (hall(daibu_halls[2], 131), 131, 128),
            (hall(tianmuhu_halls[2], 125), 125, 121),
            (hall(daibu_halls[3], 110), 110, 106),
            (community(daibu_picks[0], KIND["巾帼志愿服务队"], 98), 98, 95),
            (community(tianmuhu_picks[1], KIND["志愿服务队"], 90), 90, 87),
            (community(daibu_picks[1], KIND["邻里互助会"], 2), 2, None),  # waiting for 戴埠镇
        ]
        returned = community(tianmuhu_picks[2], KIND["广场舞队"], 22)
        refused = self.filed_data(
            name="戴埠镇农家乐经营户联谊会",
            region=daibu_picks[2],
            fields="rural_technology",
            groups="residents",
            people=(12, 30),
            how=SPONTANEOUS,
            description="联合农家乐经营户统一宣传、统一定价、统一接待游客。",
            guidance=committee_name(daibu_picks[2]),
            established=self.established_before(33),
        )
        lawyers = self.new_registered(
            "溧阳市天目湖律师调解工作室",
            INSTITUTION,
            "dispute legal_aid",
            "residents enterprises",
            self.tianmuhu,
            "由执业律师调解民商事纠纷，承接法院委派、委托调解。",
        )
        social_work = self.new_registered(
            "溧阳市益心社会工作服务中心",
            INSTITUTION,
            "mental_health resident_service",
            "elderly disabled",
            self.town_named["溧城街道"],
            "为独居老人、残疾人提供心理关爱和个案社会工作服务。",
        )
        social_work["guidance_unit"] = CIVIL_AFFAIRS
        waiting = self.new_registered(
            "溧阳市正和律师调解工作室",
            INSTITUTION,
            "dispute",
            "residents enterprises",
            self.town_named["溧城街道"],
            "由执业律师调解婚姻家庭、劳动争议和合同纠纷。",
        )
        for data in (lawyers, social_work, waiting):
            data["established_on"] = None
        ledger_hall = f"{short_name(daibu_halls[4])}{HALL}"
        leader, leader_phone = self.person()

        stories: list[Story] = [
            self.link(190),
            *(self.filing(data, submitted, decided) for data, submitted, decided in filings),
            self.filing(
                refused,
                33,
                30,
                ApplicationStatus.REJECTED,
                note="该联谊会以会员经营获利为目的，属营利性组织，不属于社区社会组织备案范围。",
                applicant_note="申请备案为社区社会组织。",
            ),
            self.filing(
                returned,
                22,
                20,
                ApplicationStatus.RETURNED,
                note="活动场所为村文化广场，请补充村民委员会同意使用的证明和成员名册后重新提交。",
            ),
            self.registration(
                lawyers, 150, 141, note="本工作室已在市司法行政社会组织孵化中心孵化期满，申请登记。"
            ),
            self.change(
                MARKER,
                {
                    "leader_name": leader,
                    "leader_phone": leader_phone,
                    "has_supervisors": True,
                    "pledge_signed_on": (self.now - datetime.timedelta(days=130)).date(),
                },
                120,
                108,
                "协会第二届会员大会完成换届，选举产生新任会长，增设监事。",
                by=self.organization_account,
                returned=(116, 112, "请补充第二届会员大会决议和新任会长的任职材料。"),
            ),
            self.upgrade(
                UPGRADED_FROM_LEDGER,
                {
                    "name": f"溧阳市{UPGRADED_FROM_LEDGER}",
                    "legal_form": INSTITUTION,
                    "category": Category.COMMUNITY,
                    "guidance_unit": JUSTICE,
                    "has_charter": True,
                    "has_board": True,
                    "has_supervisors": True,
                },
                100,
                92,
                "本社备案运行以来服务稳定，已具备登记条件，申请登记为社会服务机构（先备案后登记）。",
            ),
            self.deregistration(
                DEREGISTERED,
                80,
                73,
                "经理事会决议，本中心业务并入法律服务网络联盟成员单位，自行解散，清算已完成。",
            ),
            self.change(
                ledger_hall,
                {"active_people": 24, "activity_fields": ["dispute", "legal_education", "resident_service"]},
                70,
                67,
                "议事堂增补“法律明白人”三名，增加法治宣传活动。",
            ),
            self.change(
                tea_service["name"],
                {"leader_name": self.person()[0], "address": "天目湖镇公共法律服务中心"},
                85,
                83,
                "负责人变更，活动场所迁至镇公共法律服务中心。",
            ),
            self.upgrade(
                daibu_mediators["name"],
                {
                    "name": f"溧阳市{daibu_mediators['name']}",
                    "legal_form": ASSOCIATION,
                    "category": Category.COMMUNITY,
                    "guidance_unit": JUSTICE,
                    "has_charter": True,
                    "has_member_congress": True,
                    "has_board": True,
                },
                62,
                55,
                "协会会员已达五十人，申请登记为社会团体。",
            ),
            self.registration(social_work, 47, 40),
            self.registration(waiting, 6, None, note="申请登记为社会服务机构，章程和验资报告见附件。"),
            self.change(
                f"{short_name(open_hall)}{HALL}",
                {"address": f"{short_name(open_hall)}新时代文明实践站"},
                4,
                None,
                "议事堂活动场所迁至村新时代文明实践站。",
            ),
        ]
        names = {str(data["name"]) for data, _s, _d in filings} | {
            str(returned["name"]),
            f"{short_name(open_hall)}{HALL}",
        }
        return stories, names

    def add_hub_members(self) -> None:
        for hub_name, names in HUB_MEMBERS.items():
            hub = Organization.objects.get(name=hub_name)
            hub.members.add(*Organization.objects.filter(name__in=names))
        incubator = Organization.objects.get(name="溧阳市司法行政社会组织孵化中心")
        incubator.members.add(*Organization.objects.filter(name__endswith="法律服务团"))
        volunteers = Organization.objects.filter(source=Source.FILED, name__endswith="志愿服务队").order_by(
            "id"
        )[:6]
        Organization.objects.get(name="溧阳市社会组织孵化中心").members.add(*volunteers)

    def build(self) -> None:
        Office.objects.get_or_create(
            region=self.county, defaults={"name": CIVIL_AFFAIRS, "number_prefix": "溧民社"}
        )
        halls = self.choose_halls()
        stories, reserved = self.stories(halls)
        records = self.ledger(halls, reserved)
        with _clock(self.imported_at):
            create_records(records, by=self.county_officer, source_name=LEDGER)
        self.run(stories)
        self.add_hub_members()
