"""Demo data for the people app, in 溧阳市 (320481), on top of the registry demo:

* about 4,000 volunteers living in the villages and communities (more where more people live),
  with valid identity numbers, mobile phones, skills and availability. The platform went live
  two years ago with the 溧阳市志愿者协会's roll imported; since then residents registered on
  the portal (these have an account), or were registered by an organization or an office;
* the organizations they serve with (the county's volunteer, legal and charity associations,
  the towns' legal service groups, the villages' volunteer teams) and the teams those run;
* two years of service hours, ending yesterday: a skewed distribution, as in real life, so most
  volunteers have no star, a good number one or two, few four or five. Records of one person
  never overlap. Organizers' own records are approved as made; hours reported by volunteers
  or taken from QR check-ins wait for the organizer (the recent ones still do) and a few are
  declined with a reason. The 人民调解协会 (the demo organization account) and the legal service
  groups of 戴埠镇 and 天目湖镇 run activities with QR check-in: past ones, one today with
  check-in open and a few upcoming;
* a few certificates issued and requested through the real services; the volunteer demo account
  bound to a volunteer of 戴埠镇 with approved and pending hours and an issued certificate;
* 30 experts (the expert demo account is one) with affiliations and review history, 20 social
  workers with their training, and a legal adviser for every town with a year of work log.

Hours are written in bulk, not through ``record_hours`` (a hundred thousand records would take
minutes): the approved totals and star levels are set from what is written, exactly as the
services keep them, and one audit entry records the load. Everything is drawn from a seeded
generator; ``build`` does nothing once the demo exists.
"""

from __future__ import annotations

import bisect
import datetime
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import AccountType, User
from peiyu.core import audit, options
from peiyu.lib import idcard
from peiyu.orgs import demo as orgs_demo
from peiyu.orgs.demo import MARKER as ORGS_MARKER
from peiyu.orgs.demo import is_real_town, short_name
from peiyu.orgs.models import DocumentCounter, Field, Organization, Status
from peiyu.people.models import (
    Affiliation,
    Assignment,
    Availability,
    CertificationLevel,
    CheckIn,
    Engagement,
    EngagementKind,
    Enrollment,
    Expert,
    HoursSource,
    HoursStatus,
    LegalAdviser,
    RegisteredVia,
    Relation,
    ServiceActivity,
    ServiceRecord,
    Skill,
    SocialWorker,
    Team,
    Training,
    Volunteer,
    WorkKind,
    WorkLog,
)
from peiyu.people.options import STAR_THRESHOLDS, star_level
from peiyu.people.services.certificates import issue_certificate, request_certificate
from peiyu.people.services.hours import check_in
from peiyu.regions.demo import DEMO_COUNTY
from peiyu.regions.models import Level, Region

VOLUNTEERS = 4000
SEED = 20241121  # the platform went live two years ago
DAYS = 730  # two years of service hours
COUNTY_CODE = DEMO_COUNTY.ljust(12, "0")
LOAD = "溧阳市志愿服务演示数据"
VOLUNTEER_SERIES = "volunteer"  # peiyu.people.services.volunteers.next_volunteer_number

# How volunteers came onto the platform (per cent).
VIA_SHARES = {
    RegisteredVia.IMPORT.value: 25,  # the 志愿者协会's roll, imported at launch
    RegisteredVia.PORTAL.value: 30,
    RegisteredVia.ORGANIZATION.value: 30,
    RegisteredVia.STAFF.value: 15,
}

# The county organizations volunteers serve with, and how many do.
COUNTY_HOSTS = {
    "溧阳市志愿者协会": 12,
    ORGS_MARKER: 6,
    "溧阳市12348法律服务志愿者协会": 4,
    "溧阳市法治宣传教育协会": 4,
    "溧阳市老龄协会": 3,
    "溧阳市退（离）休教师协会": 3,
    "溧阳市社区矫正协会": 2,
    "溧阳市巾帼维权服务中心": 2,
    "溧阳市春晖青少年关爱服务中心": 2,
    "溧阳市新航安置帮教服务中心": 1,
    "溧阳市禁毒社会工作服务中心": 1,
    "溧阳市心桥心理咨询服务中心": 1,
    "溧阳市阳光社会工作服务中心": 1,
    "溧阳市社会组织孵化中心": 1,
}
# The village organizations that take volunteers (not the dance teams or the 议事堂).
LOCAL_SUFFIXES = ("志愿服务队", "志愿队", "巡防队", "明白人服务队", "老年协会", "邻里互助会")
# The town organizations that do (not the one-man mediation rooms or the small 法律服务社).
TOWN_HOST_WORDS = ("志愿", "法律服务团", "社区服务中心")
# Organizations running activities with QR check-in, with how many a week.
ACTIVITY_HOSTS = {ORGS_MARKER: 2.0, "戴埠镇法律服务志愿队": 1.0, "天目湖镇法律服务团": 1.0}

# fmt: off
TEAMS = {
    "溧阳市志愿者协会": [
        ("应急救援志愿服务队", "参与防汛抗旱、森林防火和突发事件现场秩序维护。"),
        ("助老助残志愿服务队", "定期上门看望独居、失能老人和残疾人，提供生活帮助。"),
        ("文明交通志愿服务队", "在城区主要路口开展文明交通劝导。"),
        ("生态环保志愿服务队", "开展河湖巡查、垃圾分类宣传和植树护绿。"),
    ],
    ORGS_MARKER: [
        ("调解志愿服务队", "协助村（居）调委会排查化解邻里、婚姻家庭和土地纠纷。"),
        ("矛盾纠纷排查小分队", "节假日和重点时段走访排查矛盾纠纷苗头。"),
    ],
    "溧阳市12348法律服务志愿者协会": [("热线值守队", "在12348公共法律服务热线和网络平台值守答疑。")],
    "溧阳市法治宣传教育协会": [("法治宣讲志愿团", "开展法律进村居、进企业、进校园宣讲。")],
    "溧阳市退（离）休教师协会": [("“五老”法治辅导队", "退休教师担任中小学校法治辅导员。")],
    "溧阳市老龄协会": [("银龄互助志愿队", "低龄老人帮扶高龄老人，开展敬老助老服务。")],
    "溧阳市社区矫正协会": [("帮教志愿队", "协助司法所开展社区矫正对象走访帮教。")],
}

# (title, content) of the service each field of activity brings.
WORK: dict[str, list[tuple[str, str]]] = {
    "volunteering": [
        ("环境卫生整治", "清理村道和河塘沿岸垃圾，劝导文明养犬。"),
        ("文明交通劝导", "在路口劝导行人和电动车文明出行、佩戴头盔。"),
        ("助老上门服务", "走访独居老人，帮助打扫卫生、代购生活用品。"),
        ("垃圾分类宣传", "入户发放垃圾分类指南，现场指导分类投放。"),
        ("爱心义诊协助", "协助医护人员维持秩序、登记测量血压。"),
        ("防汛值守", "汛期沿河巡查，协助转移低洼地带群众。"),
    ],
    "resident_service": [
        ("便民服务日", "为群众代办社保、医保业务，解答政策咨询。"),
        ("邻里节活动服务", "组织邻里节活动，维护现场秩序。"),
        ("入户走访", "走访困难家庭，了解需求并登记反馈。"),
    ],
    "legal_education": [
        ("普法宣传进村居", "发放普法资料，解答群众常见法律疑问。"),
        ("民法典宣讲", "讲解民法典婚姻家庭、继承编常用条文。"),
        ("防范电信网络诈骗宣传", "讲解常见诈骗手法，指导安装国家反诈中心APP。"),
        ("青少年法治课堂", "到学校开展法治教育，讲解校园欺凌防范。"),
        ("宪法宣传周活动", "设立宣传点，组织宪法知识有奖问答。"),
    ],
    "dispute": [
        ("矛盾纠纷排查走访", "走访重点户，排查邻里、婚姻家庭和土地纠纷苗头。"),
        ("人民调解值班", "在调解室值班，接待群众来访并协助调解。"),
        ("邻里纠纷调解协助", "协助调解员做双方当事人工作，记录调解经过。"),
    ],
    "legal_aid": [
        ("法律咨询服务日", "现场解答劳动争议、婚姻家庭和借贷纠纷咨询。"),
        ("12348热线值守", "在公共法律服务热线值守，解答来电咨询。"),
        ("农民工讨薪法律咨询", "为农民工讲解追讨劳动报酬的途径和证据准备。"),
    ],
    "elderly_care": [
        ("敬老院慰问服务", "陪伴老人聊天，表演文艺节目，帮助整理房间。"),
        ("老年人防诈骗讲座", "讲解保健品骗局和养老诈骗，发放提示卡。"),
        ("重阳节敬老活动", "为高龄老人理发、测血压，送上慰问品。"),
    ],
    "youth": [
        ("关爱留守儿童", "陪伴留守儿童学习，开展安全教育和亲情沟通。"),
        ("暑期托管志愿服务", "在暑期托管班辅导作业、组织活动。"),
    ],
    "rehabilitation": [
        ("社区矫正帮教走访", "协助司法所走访社区矫正对象，了解思想和生活情况。"),
        ("安置帮教座谈", "组织刑满释放人员座谈，宣讲就业帮扶政策。"),
    ],
    "safety": [
        ("夜间平安巡防", "在村（社区）巡逻，检查重点部位，提醒关好门窗。"),
        ("消防安全隐患排查", "入户检查电动车充电和用火用电安全。"),
    ],
    "environment": [
        ("河塘巡查", "巡查河塘水质和沿岸垃圾，劝阻乱倒乱排。"),
        ("植树护绿", "参加义务植树，给新栽树木浇水培土。"),
    ],
    "mutual_aid": [
        ("邻里互助帮扶", "结对照看独居老人，帮助困难邻居。"),
        ("困难家庭走访慰问", "走访困难家庭，送去慰问品并登记需求。"),
    ],
    "mental_health": [
        ("心理健康宣传", "开展心理健康知识宣传，发放心理援助热线卡片。"),
        ("心理疏导陪伴", "在专业人员指导下陪伴服务对象，做好记录。"),
    ],
    "culture_sports": [("文艺演出志愿服务", "参加文艺演出，协助搭台和维持秩序。")],
    "charity": [("慈善募捐活动协助", "协助开展“慈善一日捐”，登记善款物资。")],
}
# Where some services of the county organizations take place, rather than in a village.
COUNTY_PLACES = {
    "法律咨询服务日": ["溧阳市公共法律服务中心", "溧阳市民广场"],
    "12348热线值守": ["溧阳市公共法律服务中心"],
    "宪法宣传周活动": ["溧阳市民广场", "燕山公园"],
    "文明交通劝导": ["燕山路与平陵路交叉口", "昆仑路与南大街交叉口"],
    "敬老院慰问服务": ["溧阳市社会福利中心"],
    "防汛值守": ["丹金溧漕河沿线", "南河沿线"],
    "人民调解值班": ["溧阳市公共法律服务中心"],
}
VILLAGE_PLACES = ["党群服务中心", "新时代文明实践站", "文化广场"]
DECLINE_REASONS = [
    "时长与活动签到记录不符，请按实际服务时间重新申报。",
    "该时段本组织未安排此项志愿服务，请核实服务组织。",
    "申报内容属于个人事务，不属于志愿服务。",
    "活动当天已改期，未实际开展服务。",
]
CORRECTION_REASONS = [
    "录入有误：经核对该志愿者未参加本次活动。",
    "录入有误：活动时间登记错误，请以组织方更正后的记录为准。",
]
# fmt: on

SURNAMES = "王陈张李周吴史狄彭潘汤马蒋钱徐沈朱宋芮强许姜黄曹任虞邵葛孙刘赵杨胡彭袁丁"
# Given names by generation (born before 1975, 1975–1989, 1990 on) and sex: first and second
# characters, and a few one-character names for the younger ones.
GIVEN = {
    ("old", "male"): ("建国志卫永文德荣金根明福春伟长保兴洪", "华平明强林生军民良清兴宝康发中荣新祥海东"),
    ("old", "female"): ("秀桂玉美月惠菊金凤爱小红雪彩丽春", "英芳兰珍娟琴芬花萍华梅娣仙凤霞妹"),
    ("mid", "male"): ("海晓志建俊文国永立伟", "峰东斌华军明波涛龙宇刚杰"),
    ("mid", "female"): ("晓丽雪春海琳燕小美", "燕敏娟静琴芳霞丽萍红洁"),
    ("young", "male"): ("子浩宇俊梓一家思文嘉天佳明泽博", "轩然航辰杰涵博豪宇睿文阳凯铭源"),
    ("young", "female"): ("欣梓雨诗佳思心一可紫晓语雅若", "怡涵萱琪悦彤妍然婷雯菲洁璐瑶"),
}
SINGLE = {"male": "伟勇军斌杰涛磊超浩亮强鹏", "female": "静丽敏燕艳娟婷洁琳莉"}
# fmt: off
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "147", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "166", "173", "177", "178", "180", "181", "182", "183", "185", "187", "188", "189", "191",
    "198", "199",
)
# fmt: on

# Minutes of the day of the four slots a day of service is made of; "f" (all day) takes the
# morning and the afternoon. Records of one person never share a slot, so never overlap.
SLOTS = {"m": (480, 720), "a": (810, 1050), "e": (1110, 1290), "f": (510, 1020)}
ACTIVITY_SPANS = {"m": (510, 690), "a": (840, 1020), "e": (1140, 1260)}  # inside the slots
SLOT_PARTS = {"m": ("m",), "a": ("a",), "e": ("e",), "f": ("m", "a")}


@dataclass
class _Plan:
    """A volunteer before it is written, with what is drawn for them."""

    volunteer: Volunteer
    registered_at: datetime.datetime
    active_from: datetime.date
    organizations: list[Organization]
    joined: list[datetime.date]
    yearly_hours: float
    skills: list[Skill]
    teams: list[Team] = field(default_factory=list)
    busy: set[tuple[int, str]] = field(default_factory=set)
    portal_account: User | None = None


@dataclass(slots=True)
class _Session:
    plan: int
    organization: Organization
    started_at: datetime.datetime
    ended_at: datetime.datetime
    source: str
    title: str
    place: str
    content: str
    activity: ServiceActivity | None = None
    status: str = HoursStatus.APPROVED
    decided_at: datetime.datetime | None = None
    reason: str = ""

    @property
    def minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)


def build(volunteers: int = VOLUNTEERS) -> int:
    """Build the people demo of 溧阳市 once (on the registry demo); return how many volunteers exist."""
    orgs_demo.build()
    users = {account.username: user for account, user in accounts_demo.build()}
    if not Volunteer.objects.filter(account=users["volunteer"]).exists():
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            _Demo(users, volunteers).build()
    return Volunteer.objects.count()


class _Demo:
    def __init__(self, users: dict[str, User], volunteers: int) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - made-up demo data, not secrets
        self.count = volunteers
        self.users = users
        self.county_officer = users["county"]
        self.organization_account = users["org"]
        self.tz = timezone.get_current_timezone()
        self.now = timezone.localtime()
        self.today = self.now.date()
        self.first_day = self.today - datetime.timedelta(days=DAYS)
        self.last_day = self.today - datetime.timedelta(days=1)
        self.launch = self.at(self.first_day - datetime.timedelta(days=3), 600)
        self.county = Region.objects.get(code=COUNTY_CODE)
        self.towns = [
            t for t in Region.objects.filter(parent=self.county).order_by("code") if is_real_town(t)
        ]
        self.villages = list(
            Region.objects.filter(parent__in=self.towns, level=Level.VILLAGE).order_by("code")
        )
        self.village_weights = list(_cumulative([v.population or 3000 for v in self.villages]))
        self.thresholds: list[int] = options.value_of(STAR_THRESHOLDS.key, COUNTY_CODE)
        self.skills = {s.code: s for s in Skill.objects.all()}
        self.officers = {
            accounts_demo.DAIBU.ljust(12, "0"): users["daibu"],
            accounts_demo.TIANMUHU.ljust(12, "0"): users["tianmuhu"],
        }
        self.organizations = {
            o.name: o
            for o in Organization.objects.filter(region__code__startswith=DEMO_COUNTY, status=Status.ACTIVE)
            .select_related("region")
            .prefetch_related("activity_fields")
        }
        self.marker = self.organizations[ORGS_MARKER]
        self.work: dict[int, list[tuple[str, str]]] = {}
        self.used_phones = set(Volunteer.objects.values_list("phone", flat=True))
        self.used_ids = set(Volunteer.objects.values_list("id_number", flat=True)) | set(
            SocialWorker.objects.values_list("id_number", flat=True)
        )
        self.usernames = set(User.objects.values_list("username", flat=True))

    # -- values ---------------------------------------------------------------------------------

    def at(self, day: datetime.date, minute: int) -> datetime.datetime:
        """The aware moment ``minute`` minutes into ``day``, local time."""
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=self.tz)
        return midnight + datetime.timedelta(minutes=minute)

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(max(0, (end - start).days) + 1))

    def name(self, sex: str, born: int) -> str:
        generation = "old" if born < 1975 else "mid" if born < 1990 else "young"
        if generation != "old" and self.rng.random() < 0.15:
            given = self.rng.choice(SINGLE[sex])
        else:
            first, second = GIVEN[(generation, sex)]
            given = self.rng.choice(first) + self.rng.choice(second)
            if given[0] == given[1]:
                given = given[0] + self.rng.choice(second)
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def identity(self, born: datetime.date, sex: str) -> str:
        """A valid identity number of 溧阳市 (position 17 odd for men), not yet used."""
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if sex == "male" else 0)
            number = idcard.make(region=DEMO_COUNTY, birth=born, sequence=sequence)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def birth(self, first_year: int, last_year: int) -> datetime.date:
        return self.day_between(datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31))

    def decider(self, organization: Organization) -> User:
        """Who approves an organization's hours: its own account, else the office over it."""
        if organization.pk == self.marker.pk:
            return self.organization_account
        return self.officers.get(organization.region_id[:9].ljust(12, "0"), self.county_officer)

    def place_in(self, village: Region) -> str:
        return f"{short_name(village)}{self.rng.choice(VILLAGE_PLACES)}"

    def work_of(self, organization: Organization) -> list[tuple[str, str]]:
        """The services an organization's volunteers do, from its fields of activity."""
        if organization.pk not in self.work:
            codes = [f.code for f in organization.activity_fields.all()]
            self.work[organization.pk] = [item for code in codes for item in WORK.get(code, [])] or WORK[
                "volunteering"
            ]
        return self.work[organization.pk]

    # -- organizations, teams and activities ----------------------------------------------------

    def hosts(self) -> None:
        """The county organizations with their weights, and each village's own."""
        self.county_hosts = [
            (self.organizations[n], w) for n, w in COUNTY_HOSTS.items() if n in self.organizations
        ]
        by_region: dict[str, list[Organization]] = defaultdict(list)
        for organization in self.organizations.values():
            by_region[organization.region_id].append(organization)
        self.local: dict[str, list[tuple[Organization, int]]] = {}
        for village in self.villages:
            own = [(o, 3) for o in by_region[village.code] if o.name.endswith(LOCAL_SUFFIXES)]
            town = [
                (o, 1)
                for o in by_region[village.parent_id or ""]
                if o.development_type == "grassroots" and any(word in o.name for word in TOWN_HOST_WORDS)
            ]
            self.local[village.code] = own + town

    def build_teams(self) -> dict[int, list[Team]]:
        teams = [
            Team(
                name=f"{name}{suffix}",
                region=self.organizations[name].region,
                organization=self.organizations[name],
                description=description,
            )
            for name, specs in TEAMS.items()
            if name in self.organizations
            for suffix, description in specs
        ]
        by_organization: dict[int, list[Team]] = defaultdict(list)
        for team in Team.objects.bulk_create(teams):
            if team.organization_id is not None:
                by_organization[team.organization_id].append(team)
        return by_organization

    def activity_villages(self, organization: Organization) -> list[Region]:
        if organization.region_id == COUNTY_CODE:
            return self.villages
        return [v for v in self.villages if v.parent_id == organization.region_id]

    def past_activities(self) -> dict[int, tuple[list[int], list[ServiceActivity]]]:
        """The QR-check-in activities of the past two years, by organization: (days, activities)."""
        activities: list[ServiceActivity] = []
        for name, per_week in ACTIVITY_HOSTS.items():
            organization = self.organizations.get(name)
            if organization is None:
                continue
            creator = self.decider(organization)
            villages = self.activity_villages(organization)
            work = self.work_of(organization)
            for _week in range(int(DAYS / 7 * per_week)):
                day = self.day_between(self.first_day, self.last_day)
                slot = self.rng.choices("mae", weights=(5, 4, 1))[0]
                start, end = ACTIVITY_SPANS[slot]
                village = self.rng.choice(villages)
                title, content = self.rng.choice(work)
                activities.append(
                    ServiceActivity(
                        organization=organization,
                        title=title,
                        place=self.place_in(village),
                        region=village,
                        starts_at=self.at(day, start),
                        ends_at=self.at(day, end),
                        content=content,
                        is_open=False,
                        created_by=creator,
                    )
                )
        activities.sort(key=lambda a: (a.organization_id, a.starts_at))
        ServiceActivity.objects.bulk_create(activities)
        schedule: dict[int, tuple[list[int], list[ServiceActivity]]] = {}
        for activity in activities:
            days, listed = schedule.setdefault(activity.organization_id, ([], []))
            days.append(timezone.localtime(activity.starts_at).date().toordinal())
            listed.append(activity)
        return schedule

    # -- volunteers -----------------------------------------------------------------------------

    def plan(self, *, via: str | None = None, village: Region | None = None) -> _Plan:
        rng = self.rng
        via = via or rng.choices(list(VIA_SHARES), weights=list(VIA_SHARES.values()))[0]
        village = village or rng.choices(self.villages, cum_weights=self.village_weights)[0]
        decade = rng.choices([1950, 1960, 1970, 1980, 1990, 2000], weights=[14, 22, 16, 15, 15, 18])[0]
        born = self.birth(decade, min(decade + 9, 2008))
        sex = "female" if rng.random() < 0.58 else "male"
        age = (self.today - born).days // 365
        if via == RegisteredVia.IMPORT:
            registered_at = self.launch
            active_from = self.first_day
        else:
            day = self.day_between(self.first_day, self.last_day)
            registered_at = self.at(day, rng.randrange(480, 1200))
            active_from = day + datetime.timedelta(days=rng.randrange(15))
        organizations, joined = self.enrollments(village, registered_at.date(), via)
        zero = 0.2 if via == RegisteredVia.IMPORT else 0.1
        core = 0.11 if age >= 55 else 0.05
        if rng.random() < zero:
            yearly = 0.0
        elif rng.random() < core:
            yearly = min(950.0, rng.lognormvariate(5.99, 0.5))  # a median of 400 hours a year
        else:
            yearly = min(950.0, rng.lognormvariate(3.4, 1.15))  # a median of 30
        volunteer = Volunteer(
            name=self.name(sex, born.year),
            id_type="resident",
            id_number=self.identity(born, sex),
            birth_date=born,
            sex=sex,
            phone=self.phone(),
            region=village,
            availability=self.availability(age),
            registered_via=via,
        )
        return _Plan(
            volunteer=volunteer,
            registered_at=registered_at,
            active_from=active_from,
            organizations=organizations,
            joined=joined,
            yearly_hours=yearly,
            skills=self.pick_skills(age),
        )

    def enrollments(
        self, village: Region, registered: datetime.date, via: str
    ) -> tuple[list[Organization], list[datetime.date]]:
        rng = self.rng
        local = self.local.get(village.code, [])
        chosen: list[Organization] = []

        def pick(pool: Sequence[tuple[Organization, int]]) -> None:
            candidates = [(o, w) for o, w in pool if o not in chosen]
            if candidates:
                chosen.append(rng.choices([o for o, _ in candidates], weights=[w for _, w in candidates])[0])

        # Where the village has organizations of its own, half serve there; the town's
        # organizations are small and take fewer.
        near = 0.55 if any(weight > 1 for _o, weight in local) else 0.2
        pick(local if local and rng.random() < near else self.county_hosts)
        for chance in (0.35, 0.1):
            if rng.random() < chance:
                pick(local if local and rng.random() < near * 0.7 else self.county_hosts)
        if via == RegisteredVia.IMPORT:
            # The imported roll is the 志愿者协会's: everyone on it serves with it.
            association = self.organizations.get("溧阳市志愿者协会")
            if association is not None and association not in chosen:
                chosen.insert(0, association)
            first = self.day_between(datetime.date(2015, 1, 1), registered)
        else:
            first = registered
        joined = [first] + [self.day_between(first, first + datetime.timedelta(days=240)) for _ in chosen[1:]]
        return chosen, [min(day, self.last_day) for day in joined]

    def availability(self, age: int) -> list[str]:
        chances = (
            {"weekday": 0.9, "weekend": 0.5, "evening": 0.2, "holiday": 0.3}
            if age >= 60
            else {"weekday": 0.1, "weekend": 0.8, "evening": 0.3, "holiday": 0.8}
            if age < 23
            else {"weekday": 0.15, "weekend": 0.8, "evening": 0.5, "holiday": 0.5}
        )
        chosen = sorted(value for value, chance in chances.items() if self.rng.random() < chance)
        return chosen or [Availability.WEEKEND.value]

    def pick_skills(self, age: int) -> list[Skill]:
        weights = {
            "community": 6,
            "elderly_care": 6 if age >= 50 else 2,
            "mediation": 5 if age >= 45 else 1,
            "legal": 2,
            "arts": 3,
            "environment": 3,
            "tutoring": 4 if age < 30 or age >= 60 else 2,
            "it": 4 if age < 40 else 0,
            "publicity": 3 if age < 45 else 1,
            "translation": 2 if age < 30 else 0,
            "medical": 1,
            "counselling": 1,
            "disability": 2,
            "emergency": 2 if age < 55 else 0,
            "driving": 2 if 25 <= age < 60 else 0,
        }
        available = [(self.skills[c], w) for c, w in weights.items() if c in self.skills and w]
        count = self.rng.choices([0, 1, 2, 3], weights=[2, 4, 3, 1])[0]
        chosen: list[Skill] = []
        for _ in range(count):
            pool = [(s, w) for s, w in available if s not in chosen]
            if pool:
                chosen.append(self.rng.choices([s for s, _ in pool], weights=[w for _, w in pool])[0])
        return chosen

    # -- hours ----------------------------------------------------------------------------------

    def sessions(
        self, index: int, plan: _Plan, schedule: dict[int, tuple[list[int], list[ServiceActivity]]]
    ) -> list[_Session]:
        """Service until the volunteer's hours for their active span are reached."""
        rng = self.rng
        span = (self.last_day - plan.active_from).days + 1
        if span <= 0 or not plan.yearly_hours or not plan.organizations:
            return []
        target = plan.yearly_hours * span / 365 * 60
        durations: tuple[int, ...]
        if plan.yearly_hours < 60:
            durations = (60, 90, 120, 120, 150, 180, 180, 240)
        elif plan.yearly_hours < 250:
            durations = (120, 150, 180, 180, 210, 240, 240, 300, 360)
        else:
            durations = (180, 240, 240, 300, 360, 420, 480, 480)
        weekdays = "weekday" in plan.volunteer.availability
        evenings = "evening" in plan.volunteer.availability
        has_account = plan.portal_account is not None
        weights = [6] + [4] * (len(plan.organizations) - 1)
        result: list[_Session] = []
        done = 0.0
        failures = 0
        while done < target and failures < 40:
            k = rng.choices(range(len(plan.organizations)), weights=weights)[0]
            organization = plan.organizations[k]
            start = max(plan.active_from, plan.joined[k])
            if start > self.last_day:
                failures += 1
                continue
            hosted = schedule.get(organization.pk)
            session = None
            if hosted is not None and rng.random() < 0.6:
                session = self.at_activity(index, plan, organization, hosted, start, has_account)
            if session is None:
                session = self.on_own(
                    index, plan, organization, start, durations, weekdays, evenings, has_account
                )
            if session is None:
                failures += 1
                continue
            result.append(session)
            done += session.minutes
        return result

    def at_activity(
        self,
        index: int,
        plan: _Plan,
        organization: Organization,
        hosted: tuple[list[int], list[ServiceActivity]],
        start: datetime.date,
        has_account: bool,
    ) -> _Session | None:
        days, activities = hosted
        low = bisect.bisect_left(days, start.toordinal())
        if low >= len(activities):
            return None
        for _try in range(3):
            i = self.rng.randrange(low, len(activities))
            activity = activities[i]
            local = timezone.localtime(activity.starts_at)
            slot = "m" if local.hour < 12 else "a" if local.hour < 18 else "e"
            key = (days[i], slot)
            if key in plan.busy:
                continue
            plan.busy.add(key)
            if has_account and self.rng.random() < 0.75:
                source = HoursSource.CHECK_IN.value
                started = activity.starts_at - datetime.timedelta(minutes=self.rng.randrange(0, 20))
                ended = activity.ends_at + datetime.timedelta(minutes=self.rng.randrange(-15, 25))
            else:
                source = HoursSource.RECORDED.value
                started, ended = activity.starts_at, activity.ends_at
            return _Session(
                plan=index,
                organization=organization,
                started_at=started,
                ended_at=ended,
                source=source,
                title=activity.title,
                place=activity.place,
                content=activity.content,
                activity=activity,
            )
        return None

    def on_own(
        self,
        index: int,
        plan: _Plan,
        organization: Organization,
        start: datetime.date,
        durations: Sequence[int],
        weekdays: bool,
        evenings: bool,
        has_account: bool,
    ) -> _Session | None:
        rng = self.rng
        minutes = rng.choice(durations)
        if minutes > 240:
            slot = "f"
        elif minutes > 180:
            slot = rng.choice("ma")
        else:
            slot = rng.choices("mae", weights=(4, 4, 3 if evenings else 1))[0]
        for _try in range(6):
            day = self.day_between(start, self.last_day)
            if not weekdays and day.weekday() < 5 and rng.random() < 0.75:
                continue
            ordinal = day.toordinal()
            parts = [(ordinal, part) for part in SLOT_PARTS[slot]]
            if any(p in plan.busy for p in parts):
                continue
            plan.busy.update(parts)
            low, high = SLOTS[slot]
            begin = low + rng.randrange((high - low - minutes) // 30 + 1) * 30
            title, content = rng.choice(self.work_of(organization))
            if title in COUNTY_PLACES and (title == "12348热线值守" or organization.region_id == COUNTY_CODE):
                place = rng.choice(COUNTY_PLACES[title])
            else:
                place = self.place_in(plan.volunteer.region)
            source = HoursSource.RECORDED.value
            if has_account and rng.random() < 0.35:
                source = HoursSource.SELF_REPORTED.value
            return _Session(
                plan=index,
                organization=organization,
                started_at=self.at(day, begin),
                ended_at=self.at(day, begin + minutes),
                source=source,
                title=title,
                place=place,
                content=content,
            )
        return None

    def decide(self, session: _Session) -> None:
        """Organizers' own records are approved as made; the others wait for the organizer, who
        decides within days: the recent ones are still waiting."""
        rng = self.rng
        age = (self.today - timezone.localtime(session.ended_at).date()).days
        if session.source == HoursSource.RECORDED:
            session.decided_at = session.ended_at + datetime.timedelta(minutes=20)
            if rng.random() < 0.003:
                session.status = HoursStatus.DECLINED
                session.reason = rng.choice(CORRECTION_REASONS)
                session.decided_at += datetime.timedelta(days=rng.randint(2, 20))
        else:
            waiting = 0.85 if age <= 7 else 0.35 if age <= 30 else 0.05 if age <= 60 else 0.0
            if rng.random() < waiting:
                session.status = HoursStatus.PENDING
                session.decided_at = None
                return
            session.decided_at = session.ended_at + datetime.timedelta(hours=rng.randint(2, 240))
            if rng.random() < 0.035:
                session.status = HoursStatus.DECLINED
                session.reason = rng.choice(DECLINE_REASONS)
        session.decided_at = min(session.decided_at, self.now - datetime.timedelta(minutes=5))

    # -- the demo volunteer ---------------------------------------------------------------------

    def own_plan(self) -> _Plan:
        """The volunteer demo account's record: a young woman of a 戴埠镇 village who registered
        on the portal at launch and mediates with the 人民调解协会."""
        village = Region.objects.filter(
            parent_id=accounts_demo.DAIBU.ljust(12, "0"), level=Level.VILLAGE
        ).order_by("code")[0]
        plan = self.plan(via=RegisteredVia.PORTAL, village=village)
        born = datetime.date(1996, 4, 18)
        plan.volunteer.name = "赵晓雯"
        plan.volunteer.birth_date = born
        plan.volunteer.sex = "female"
        plan.volunteer.id_number = self.identity(born, "female")
        plan.volunteer.availability = ["evening", "holiday", "weekend"]
        plan.volunteer.account = self.users["volunteer"]
        plan.portal_account = self.users["volunteer"]
        plan.registered_at = self.at(self.first_day, 750)
        plan.active_from = self.first_day + datetime.timedelta(days=6)
        local = [o for o, _w in self.local.get(village.code, []) if o.pk != self.marker.pk]
        daibu = self.organizations.get("戴埠镇法律服务志愿队")
        plan.organizations = [self.marker, *([daibu] if daibu else local[:1])]
        plan.joined = [plan.active_from] * len(plan.organizations)
        plan.yearly_hours = 85.0
        plan.skills = [s for c, s in self.skills.items() if c in ("mediation", "legal", "publicity")]
        return plan

    def own_recent(self, plan: _Plan) -> list[_Session]:
        """Two self-reported services of the past fortnight waiting, and one declined."""
        result = []
        for days_ago, slot, minutes, status in (
            (3, "e", 150, HoursStatus.PENDING),
            (10, "a", 180, HoursStatus.PENDING),
            (40, "m", 120, HoursStatus.DECLINED),
        ):
            day = self.today - datetime.timedelta(days=days_ago)
            while any((day.toordinal(), p) in plan.busy for p in SLOT_PARTS[slot]):
                day -= datetime.timedelta(days=1)
            plan.busy.update((day.toordinal(), p) for p in SLOT_PARTS[slot])
            begin = SLOTS[slot][0] + 30
            title, content = WORK["dispute"][0]
            session = _Session(
                plan=0,
                organization=self.marker,
                started_at=self.at(day, begin),
                ended_at=self.at(day, begin + minutes),
                source=HoursSource.SELF_REPORTED.value,
                title=title,
                place=self.place_in(plan.volunteer.region),
                content=content,
                status=status,
            )
            if status == HoursStatus.DECLINED:
                session.decided_at = session.ended_at + datetime.timedelta(days=2)
                session.reason = DECLINE_REASONS[1]
            result.append(session)
        return result

    # -- writing --------------------------------------------------------------------------------

    def number(self, plans: list[_Plan]) -> None:
        """Volunteer numbers in the order of registration, year by year, continuing the county's
        counters (so numbers given afterwards by the services follow on)."""
        counters = {
            c.year: c for c in DocumentCounter.objects.filter(office=self.county, series=VOLUNTEER_SERIES)
        }
        last = {year: counter.last for year, counter in counters.items()}
        for plan in sorted(plans, key=lambda p: p.registered_at):
            year = plan.registered_at.year
            last[year] = last.get(year, 0) + 1
            plan.volunteer.number = f"{DEMO_COUNTY}{year % 100:02d}{last[year]:06d}"
        for year, counter in counters.items():
            counter.last = last[year]
        DocumentCounter.objects.bulk_update(counters.values(), ["last"])
        DocumentCounter.objects.bulk_create(
            DocumentCounter(office=self.county, series=VOLUNTEER_SERIES, year=year, last=n)
            for year, n in last.items()
            if year not in counters
        )

    def portal_accounts(self, plans: list[_Plan]) -> None:
        """Accounts of those who registered themselves (usernames are their phones; no demo
        password: only the volunteer demo account signs in)."""
        new = []
        for plan in plans:
            if plan.volunteer.registered_via != RegisteredVia.PORTAL or plan.portal_account is not None:
                continue
            username = plan.volunteer.phone
            if username in self.usernames:
                continue
            self.usernames.add(username)
            plan.portal_account = User(
                username=username,
                password=make_password(None),
                display_name=plan.volunteer.name,
                phone=plan.volunteer.phone,
                account_type=AccountType.VOLUNTEER,
                date_joined=plan.registered_at,
            )
            new.append(plan.portal_account)
        User.objects.bulk_create(new, batch_size=500)
        group = Group.objects.get(name="volunteer")
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in new], batch_size=1000
        )
        for plan in plans:
            if plan.portal_account is not None:
                plan.volunteer.account = plan.portal_account

    def write_volunteers(self, plans: list[_Plan]) -> None:
        volunteers = Volunteer.objects.bulk_create([p.volunteer for p in plans], batch_size=500)
        for plan, volunteer in zip(plans, volunteers, strict=True):
            volunteer.registered_at = plan.registered_at
        Volunteer.objects.bulk_update(volunteers, ["registered_at"], batch_size=500)
        skills = Volunteer.skills.through
        skills.objects.bulk_create(
            [skills(volunteer_id=p.volunteer.pk, skill_id=s.pk) for p in plans for s in p.skills],
            batch_size=2000,
        )
        teams = Volunteer.teams.through
        teams.objects.bulk_create(
            [teams(volunteer_id=p.volunteer.pk, team_id=t.pk) for p in plans for t in p.teams],
            batch_size=2000,
        )
        Enrollment.objects.bulk_create(
            [
                Enrollment(volunteer=p.volunteer, organization=o, joined_on=day)
                for p in plans
                for o, day in zip(p.organizations, p.joined, strict=True)
            ],
            batch_size=2000,
        )

    def write_records(self, plans: list[_Plan], sessions: list[_Session]) -> int:
        deciders = {o.pk: self.decider(o) for p in plans for o in p.organizations}
        first = (ServiceRecord.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        written = 0
        for start in range(0, len(sessions), 5000):
            batch = sessions[start : start + 5000]
            records = []
            for s in batch:
                plan = plans[s.plan]
                decider = deciders[s.organization.pk]
                own = s.source == HoursSource.RECORDED
                records.append(
                    ServiceRecord(
                        volunteer=plan.volunteer,
                        organization=s.organization,
                        activity=s.activity,
                        title=s.title,
                        place=s.place,
                        content=s.content,
                        started_at=s.started_at,
                        ended_at=s.ended_at,
                        minutes=s.minutes,
                        source=s.source,
                        status=s.status,
                        decline_reason=s.reason,
                        recorded_by=decider if own else plan.portal_account,
                        decided_by=decider if s.decided_at is not None else None,
                        decided_at=s.decided_at,
                    )
                )
            ServiceRecord.objects.bulk_create(records)
            CheckIn.objects.bulk_create(
                [
                    CheckIn(
                        activity=r.activity,
                        volunteer=r.volunteer,
                        checked_in_at=r.started_at,
                        checked_out_at=r.ended_at,
                        record=r,
                    )
                    for r in records
                    if r.source == HoursSource.CHECK_IN
                ]
            )
            written += len(records)
        # Recorded, or reported, shortly after the service.
        ServiceRecord.objects.filter(pk__gte=first).update(
            created_at=F("ended_at") + datetime.timedelta(minutes=15)
        )
        return written

    # -- activities today and upcoming, check-ins, certificates ---------------------------------

    def current_activities(self) -> ServiceActivity:
        """The 人民调解协会's activity under way now (check-in open) and its next ones."""
        hour = self.now.hour
        title, content = (
            ("法律咨询服务日", "现场解答劳动争议、婚姻家庭和借贷纠纷咨询。")
            if 7 <= hour < 19
            else ("夜间矛盾纠纷排查", "走访夜市和出租房集中区域，排查纠纷苗头。")
        )
        start = self.now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1)
        villages = [v for v in self.villages if v.parent_id == accounts_demo.DAIBU.ljust(12, "0")]
        today = ServiceActivity(
            organization=self.marker,
            title=title,
            place=self.place_in(villages[0]),
            region=villages[0],
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=4),
            content=content,
            created_by=self.organization_account,
        )
        upcoming = []
        for days, minute, (title, content) in (
            (3, 540, WORK["legal_education"][2]),
            (6, 840, WORK["dispute"][0]),
            (10, 540, WORK["legal_education"][1]),
            (17, 870, WORK["legal_aid"][0]),
        ):
            village = self.rng.choice(self.villages)
            day = self.today + datetime.timedelta(days=days)
            upcoming.append(
                ServiceActivity(
                    organization=self.marker,
                    title=title,
                    place=self.place_in(village),
                    region=village,
                    starts_at=self.at(day, minute),
                    ends_at=self.at(day, minute + 150),
                    content=content,
                    created_by=self.organization_account,
                )
            )
        ServiceActivity.objects.bulk_create([today, *upcoming])
        return today

    def certificates(self, plans: list[_Plan], approved_at: dict[tuple[int, int], int]) -> tuple[int, int]:
        """Issued and requested through the real services; return (issued, requested)."""
        own = plans[0]
        mine = request_certificate(
            volunteer=own.volunteer,
            organization=self.marker,
            by=self.users["volunteer"],
            purpose="单位评先评优",
        )
        issue_certificate(mine, by=self.organization_account)
        issued, requested = 1, 0
        association = self.organizations.get("溧阳市志愿者协会")
        hosts = [
            (self.marker, self.organization_account),
            *([(association, self.county_officer)] if association else []),
        ]
        purposes = ["学校综合素质评价", "评优评先", "入党积极分子考察", "积分落户申请", ""]
        for organization, issuer in hosts:
            served = sorted(
                (i for i in range(1, len(plans)) if approved_at.get((i, organization.pk), 0) >= 600),
                key=lambda i: plans[i].volunteer.number,
            )
            picks = self.rng.sample(served, min(len(served), 3))
            for i in picks:  # made out and issued by the organizer
                certificate = request_certificate(
                    volunteer=plans[i].volunteer,
                    organization=organization,
                    by=issuer,
                    purpose=self.rng.choice(purposes),
                )
                issue_certificate(certificate, by=issuer)
                issued += 1
            asking = [i for i in served if i not in picks and plans[i].portal_account is not None]
            for i in self.rng.sample(asking, min(len(asking), 1)):  # waiting for the organizer
                account = plans[i].portal_account
                if account is not None:
                    request_certificate(
                        volunteer=plans[i].volunteer,
                        organization=organization,
                        by=account,
                        purpose=self.rng.choice(purposes[:-1]),
                    )
                    requested += 1
        return issued, requested

    def open_check_ins(self, activity: ServiceActivity, plans: list[_Plan]) -> int:
        """A few volunteers of the 人民调解协会 have checked in at today's activity."""
        enrolled = [
            (p.volunteer, p.portal_account)
            for p in plans[1:]
            if p.portal_account is not None and self.marker in p.organizations
        ][:3]
        for n, (volunteer, account) in enumerate(enrolled):
            moment = min(self.now, activity.starts_at + datetime.timedelta(minutes=5 + 7 * n))
            check_in(activity, volunteer=volunteer, by=account, at=moment)
        return len(enrolled)

    # -- experts, social workers, legal advisers ------------------------------------------------

    def experts(self) -> int:
        fields = {f.code: f for f in Field.objects.all()}
        experts: list[Expert] = []
        links: list[list[str]] = []
        for n, (surname, title, employer, codes, expertise) in enumerate(EXPERTS):
            sex = "female" if n % 3 == 1 else "male"
            name = surname + self.name(sex, self.rng.randint(1960, 1985))[1:]
            available = n not in (9, 17, 26)
            experts.append(
                Expert(
                    name="刘建华" if n == 0 else name,
                    title=title,
                    employer=employer,
                    expertise=expertise,
                    phone=self.phone(),
                    region=self.county,
                    is_available=available,
                    availability_note="" if available else self.rng.choice(UNAVAILABLE),
                    account=self.users["expert"] if n == 0 else None,
                )
            )
            links.append(codes.split())
        Expert.objects.bulk_create(experts)
        through = Expert.fields.through
        through.objects.bulk_create(
            [
                through(expert_id=e.pk, field_id=fields[c].pk)
                for e, codes in zip(experts, links, strict=True)
                for c in codes
                if c in fields
            ]
        )
        affiliations = []
        for expert, ties in zip(experts, EXPERT_TIES, strict=True):
            for name, relation, since, until, note in ties:
                organization = self.organizations.get(name)
                if organization is None:
                    continue
                affiliations.append(
                    Affiliation(
                        expert=expert,
                        organization=organization,
                        relation=relation,
                        since=datetime.date.fromisoformat(since),
                        until=datetime.date.fromisoformat(until) if until else None,
                        note=note,
                    )
                )
        Affiliation.objects.bulk_create(affiliations)
        engagements = []
        for kind, title, days_ago, reference, panel in ENGAGEMENTS:
            for n in panel:
                engagements.append(
                    Engagement(
                        expert=experts[n],
                        kind=kind,
                        title=title,
                        held_on=self.today - datetime.timedelta(days=days_ago),
                        reference=reference,
                    )
                )
        Engagement.objects.bulk_create(engagements)
        return len(experts)

    def social_workers(self) -> int:
        employers = [self.organizations[n] for n in SOCIAL_WORK_EMPLOYERS if n in self.organizations]
        streets = [t.code for t in self.towns if t.is_urban]
        urban = [v for v in self.villages if v.is_urban and v.parent_id in streets]
        in_towns = [v for v in self.villages if v.is_urban and v.parent_id not in streets]
        communities = self.rng.sample(urban, min(len(urban), 17)) + self.rng.sample(
            in_towns, min(len(in_towns), 3)
        )
        levels = (
            [CertificationLevel.SENIOR.value] * 2
            + [CertificationLevel.INTERMEDIATE.value] * 5
            + [CertificationLevel.ASSISTANT.value] * 12
            + [""]
        )
        workers = []
        for n, community in enumerate(communities[:20]):
            level = levels[n % len(levels)]
            sex = "female" if self.rng.random() < 0.7 else "male"
            born = self.birth(1972, 1985) if level == CertificationLevel.SENIOR else self.birth(1980, 2001)
            certified = (
                self.birth(max(born.year + 23, 2010), min(2025, self.today.year - 1)) if level else None
            )
            code = {"assistant": "1", "intermediate": "2", "senior": "3"}.get(level, "")
            workers.append(
                SocialWorker(
                    name=self.name(sex, born.year),
                    id_number=self.identity(born, sex),
                    sex=sex,
                    phone=self.phone(),
                    level=level,
                    certificate_number=(
                        f"{certified.year}{DEMO_COUNTY[:4]}{code}{self.rng.randrange(10**5):05d}"
                        if certified
                        else ""
                    ),
                    certified_on=certified,
                    employer=self.rng.choice(employers) if employers and self.rng.random() < 0.8 else None,
                    community=community,
                )
            )
        SocialWorker.objects.bulk_create(workers)
        trainings = []
        for worker in workers:
            for title, provider, hours in self.rng.sample(TRAININGS, self.rng.randint(1, 4)):
                trainings.append(
                    Training(
                        social_worker=worker,
                        title=title,
                        provider=provider,
                        held_on=self.day_between(self.today - datetime.timedelta(days=900), self.last_day),
                        hours=Decimal(hours),
                    )
                )
        Training.objects.bulk_create(trainings)
        return len(workers)

    def legal_advisers(self) -> int:
        advisers = []
        for n, town in enumerate(self.towns):
            sex = "female" if self.rng.random() < 0.35 else "male"
            born = self.birth(1968, 1992)
            first = max(born.year + 25, 2008)
            licensed = self.rng.randint(first, max(first, 2020))
            advisers.append(
                LegalAdviser(
                    name=self.name(sex, born.year),
                    firm=LAW_FIRMS[n % len(LAW_FIRMS)],
                    license_number=f"13204{licensed}{1 if sex == 'male' else 2}1{self.rng.randrange(10**6):06d}",
                    phone=self.phone(),
                    region=town,
                )
            )
        LegalAdviser.objects.bulk_create(advisers)
        year_ago = self.today - datetime.timedelta(days=365)
        assignments: list[tuple[Assignment, str]] = []
        for adviser, town in zip(advisers, self.towns, strict=True):
            villages = [v for v in self.villages if v.parent_id == town.code]
            picks = self.rng.sample(villages, min(len(villages), self.rng.randint(3, 5)))
            starts = datetime.date(year_ago.year, 1, 1)
            for village in picks:
                assignments.append(
                    (Assignment(adviser=adviser, village=village, starts_on=starts), short_name(village))
                )
            organizations = [
                o
                for o in self.organizations.values()
                if o.region_id.startswith(town.code[:9]) and o.development_type == "grassroots"
            ]
            organizations.sort(key=lambda o: (o.region_id != town.code, o.name))
            for organization in organizations[: self.rng.randint(1, 2)]:
                assignments.append(
                    (
                        Assignment(adviser=adviser, organization=organization, starts_on=starts),
                        organization.name,
                    )
                )
            if len(villages) > len(picks) and self.rng.random() < 0.4:  # handed over to a colleague
                earlier = next(v for v in villages if v not in picks)
                assignments.append(
                    (
                        Assignment(
                            adviser=adviser,
                            village=earlier,
                            starts_on=datetime.date(year_ago.year - 2, 1, 1),
                            ends_on=datetime.date(year_ago.year - 1, 12, 31),
                        ),
                        short_name(earlier),
                    )
                )
        Assignment.objects.bulk_create([a for a, _ in assignments])
        logs = []
        kinds = list(WORK_LOG)
        for adviser, town in zip(advisers, self.towns, strict=True):
            current = [
                (a, place) for a, place in assignments if a.adviser_id == adviser.pk and a.ends_on is None
            ]
            recorder = self.officers.get(town.code, self.county_officer)
            for _n in range(self.rng.randint(48, 72)):
                kind = self.rng.choices(kinds, weights=[45, 20, 15, 12, 8])[0]
                low, high, templates = WORK_LOG[kind]
                chosen, place = self.rng.choice(current)
                assignment = None if kind == WorkKind.OTHER and self.rng.random() < 0.5 else chosen
                logs.append(
                    WorkLog(
                        adviser=adviser,
                        assignment=assignment,
                        kind=kind,
                        held_on=self.day_between(year_ago, self.last_day),
                        hours=Decimal(self.rng.randint(low * 2, high * 2)) / 2,
                        summary=self.rng.choice(templates).format(place=place, town=town.name),
                        recorded_by=recorder,
                    )
                )
        WorkLog.objects.bulk_create(logs)
        return len(advisers)

    # -- the whole ------------------------------------------------------------------------------

    def build(self) -> None:
        self.hosts()
        teams = self.build_teams()
        schedule = self.past_activities()
        plans = [self.own_plan()] + [self.plan() for _ in range(self.count)]
        self.portal_accounts(plans)
        sessions: list[_Session] = []
        for index, plan in enumerate(plans):
            plan.teams = [
                self.rng.choice(teams[o.pk])
                for o in plan.organizations
                if o.pk in teams and self.rng.random() < 0.5
            ]
            sessions.extend(self.sessions(index, plan, schedule))
        for session in sessions:
            self.decide(session)
        sessions.extend(self.own_recent(plans[0]))
        approved: dict[int, int] = defaultdict(int)
        approved_at: dict[tuple[int, int], int] = defaultdict(int)
        for session in sessions:
            if session.status == HoursStatus.APPROVED:
                approved[session.plan] += session.minutes
                approved_at[(session.plan, session.organization.pk)] += session.minutes
        for index, plan in enumerate(plans):
            plan.volunteer.approved_minutes = approved[index]
            plan.volunteer.star_level = star_level(approved[index] / 60, self.thresholds)
        self.number(plans)
        self.write_volunteers(plans)
        records = self.write_records(plans, sessions)
        ServiceActivity.objects.filter(pk__in=[a.pk for _d, acts in schedule.values() for a in acts]).update(
            created_at=F("starts_at") - datetime.timedelta(days=5)
        )
        today = self.current_activities()
        audit.record(
            event="people.demo_load",
            target_model=Volunteer,
            target_repr=LOAD,
            actor=None,
            data={
                "volunteers": len(plans),
                "service_records": records,
                "approved_minutes": sum(approved.values()),
                "activities": sum(len(acts) for _d, acts in schedule.values()) + 5,
                "teams": sum(len(t) for t in teams.values()),
            },
            region_code=COUNTY_CODE,
        )
        self.open_check_ins(today, plans)
        self.certificates(plans, approved_at)
        self.experts()
        self.social_workers()
        self.legal_advisers()


def _cumulative(weights: Sequence[int]) -> list[int]:
    total, result = 0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


# fmt: off
# (surname, title, employer, fields of expertise, expertise); the first is the expert demo account.
EXPERTS = [
    ("刘", "教授", "常州大学史良法学院", "dispute legal_education", "基层社会治理、人民调解制度研究"),
    ("陈", "教授", "南京师范大学社会发展学院", "youth mental_health", "社会工作理论与实务、青少年社会工作"),
    ("王", "副教授", "江苏理工学院", "volunteering charity", "公益项目设计与评估、志愿服务管理"),
    ("周", "副教授", "常州工学院", "resident_service mutual_aid", "社区治理、社区社会组织培育"),
    ("孙", "教授", "河海大学公共管理学院", "charity resident_service", "非营利组织管理、政府购买服务"),
    ("沈", "高级讲师", "中共溧阳市委党校", "legal_education safety", "基层治理、法治政府建设"),
    ("史", "研究员", "常州市社会科学院", "charity resident_service", "社会组织发展、社会治理评估"),
    ("蒋", "高级社会工作师", "溧阳市阳光社会工作服务中心", "rehabilitation mental_health", "社区矫正社会工作、个案管理"),
    ("吴", "高级社会工作师", "常州市社会工作者协会", "elderly_care mental_health", "社会工作督导、老年社会工作"),
    ("徐", "高级社会工作师", "溧阳市禁毒社会工作服务中心", "rehabilitation safety", "禁毒社会工作、社区康复"),
    ("潘", "律师", "江苏平陵律师事务所", "legal_aid dispute", "民商事诉讼、社会组织法律合规"),
    ("狄", "律师", "江苏濑水律师事务所", "legal_aid", "劳动争议、农民工权益保护"),
    ("彭", "律师", "江苏天目律师事务所", "dispute legal_aid", "婚姻家庭、继承纠纷"),
    ("马", "律师", "江苏溧州律师事务所", "legal_education legal_aid", "行政法、政府法律顾问"),
    ("汤", "律师", "江苏南山竹海律师事务所", "legal_aid", "公司治理、企业合规"),
    ("钱", "高级会计师", "溧阳正信会计师事务所", "charity", "非营利组织财务审计、专项资金绩效评价"),
    ("曹", "高级会计师", "溧阳市财政局（退休）", "charity", "财政专项资金管理、政府购买服务预算"),
    ("许", "高级会计师", "常州恒信会计师事务所", "charity volunteering", "社会组织财务管理、内部控制"),
    ("芮", "注册会计师", "溧阳正信会计师事务所", "charity", "审计鉴证、清算审计"),
    ("姜", "注册会计师", "溧阳天衡税务师事务所", "charity", "非营利组织免税资格、税务筹划"),
    ("黄", "副主任医师", "溧阳市人民医院心理科", "mental_health", "心理危机干预、精神障碍社区康复"),
    ("葛", "国家二级心理咨询师", "溧阳市心桥心理咨询服务中心", "mental_health rehabilitation", "心理咨询、团体辅导"),
    ("虞", "国家二级心理咨询师", "溧阳市实验小学", "mental_health youth", "青少年心理健康教育"),
    ("宋", "高级经济师", "溧阳市民政局（退休）", "charity resident_service", "社会组织登记管理、年度检查"),
    ("任", "高级政工师", "溧阳市总工会", "volunteering resident_service", "社会组织党建、群团工作"),
    ("邵", "中学高级教师", "溧阳市第一中学", "youth legal_education", "青少年法治教育"),
    ("朱", "高级农艺师", "溧阳市农业农村局", "rural_technology", "农业技术推广、农村合作组织"),
    ("强", "副教授", "常州大学环境与安全工程学院", "environment", "环境治理、环保公众参与"),
    ("张", "主任医师", "溧阳市中医医院", "elderly_care", "老年健康服务、医养结合"),
    ("李", "教授", "南京大学社会学院", "charity volunteering", "慈善事业、社会组织评估"),
]
UNAVAILABLE = ["2026年下半年在外访学", "近期承担省级课题，暂不参加评审", "身体原因，暂停参加评审"]
# Each expert's ties to organizations: (organization, relation, since, until, note).
EXPERT_TIES: list[list[tuple[str, str, str, str, str]]] = [
    [("溧阳市人民调解协会", Relation.ADVISER, "2021-03-01", "", "协会学术顾问")],
    [("溧阳市社会组织孵化中心", Relation.ADVISER, "2019-05-01", "2023-04-30", "孵化导师，聘期届满")],
    [("溧阳市志愿者协会", Relation.ADVISER, "2020-09-01", "", "志愿服务培训讲师")],
    [("溧阳市社会组织孵化中心", Relation.ADVISER, "2022-01-01", "", "孵化导师")],
    [],
    [("溧阳市法治宣传教育协会", Relation.MEMBER, "2017-06-01", "", "")],
    [],
    [("溧阳市阳光社会工作服务中心", Relation.EMPLOYEE, "2017-07-01", "", "督导")],
    [("溧阳市春晖青少年关爱服务中心", Relation.ADVISER, "2018-06-01", "2022-05-31", "专业督导，已到期")],
    [("溧阳市禁毒社会工作服务中心", Relation.EMPLOYEE, "2019-07-01", "", "项目主管")],
    [("溧阳市企业法律顾问协会", Relation.MEMBER, "2016-10-01", ""  , ""),
     ("溧阳市法律援助基金会", Relation.ADVISER, "2019-01-01", "", "常年法律顾问")],
    [("溧阳市12348法律服务志愿者协会", Relation.MEMBER, "2018-03-01", "", "值守律师")],
    [("溧阳市和顺婚姻家庭调解服务中心", Relation.ADVISER, "2020-06-01", "", "法律顾问")],
    [("溧阳市企业法律顾问协会", Relation.MEMBER, "2016-10-01", "", "")],
    [("溧阳市企业法律顾问协会", Relation.MEMBER, "2017-01-01", "2024-12-31", "已退会")],
    [("溧阳市法律援助基金会", Relation.ADVISER, "2019-01-01", "", "财务顾问")],
    [],
    [],
    [("溧阳市志愿者协会", Relation.ADVISER, "2021-01-01", "2023-12-31", "年度审计，合同到期")],
    [],
    [("溧阳市心理咨询师协会", Relation.MEMBER, "2015-11-06", "", "理事")],
    [("溧阳市心桥心理咨询服务中心", Relation.EMPLOYEE, "2017-03-15", "", "负责人"),
     ("溧阳市心理咨询师协会", Relation.MEMBER, "2016-01-01", "", "")],
    [("溧阳市心理咨询师协会", Relation.MEMBER, "2018-05-01", "", "")],
    [],
    [],
    [("溧阳市退（离）休教师协会", Relation.MEMBER, "2020-09-01", "", "")],
    [],
    [],
    [("溧阳市老龄协会", Relation.ADVISER, "2019-10-01", "", "健康顾问")],
    [],
]
# (kind, subject, days ago, reference, experts by position).
ENGAGEMENTS = [
    (EngagementKind.REVIEW, "溧阳市社会组织公益创投项目评审", 200, "溧民社〔2026〕8号", (0, 2, 4, 15, 23)),
    (EngagementKind.REVIEW, "溧阳市社会组织公益创投项目评审", 565, "溧民社〔2025〕6号", (1, 3, 16, 29)),
    (EngagementKind.DEFENSE, "溧阳市司法行政社会组织孵化中心出壳答辩（第九批）", 150, "", (0, 5, 10, 21)),
    (EngagementKind.EVALUATION, "溧阳市社会组织等级评估：溧阳市老龄协会", 320, "溧民社〔2026〕15号", (4, 15, 23)),
    (EngagementKind.EVALUATION, "溧阳市社会组织等级评估：溧阳市退（离）休教师协会", 318, "溧民社〔2026〕15号", (6, 16, 24)),
    (EngagementKind.INSPECTION, "社会组织年度检查抽查", 240, "", (16, 18, 23)),
    (EngagementKind.TRAINING, "社会组织负责人培训班授课：社会组织财务管理", 90, "", (17,)),
    (EngagementKind.TRAINING, "社会组织负责人培训班授课：公益项目设计", 95, "", (2,)),
]
SOCIAL_WORK_EMPLOYERS = [
    "溧阳市阳光社会工作服务中心",
    "溧阳市禁毒社会工作服务中心",
    "溧阳市益心社会工作服务中心",
    "溧阳市昆仑街道睦邻社区服务中心",
    "溧阳市春晖青少年关爱服务中心",
    "溧阳市新航安置帮教服务中心",
    "溧阳市巾帼维权服务中心",
]
TRAININGS = [
    ("社会工作者继续教育（年度）", "常州市民政局", "24.0"),
    ("社区矫正社会工作实务培训", "溧阳市司法局", "16.0"),
    ("禁毒社会工作专题培训", "溧阳市禁毒委员会办公室", "8.0"),
    ("心理危机干预技能培训", "溧阳市心理咨询师协会", "12.0"),
    ("社会工作督导能力提升班", "江苏省社会工作协会", "32.0"),
    ("老年社会工作专题培训", "溧阳市民政局", "8.0"),
    ("社区社会组织培育实务", "溧阳市社会组织孵化中心", "6.0"),
]
LAW_FIRMS = [
    "江苏平陵律师事务所",
    "江苏濑水律师事务所",
    "江苏天目律师事务所",
    "江苏溧州律师事务所",
    "江苏南山竹海律师事务所",
    "江苏燕湖律师事务所",
]
# For each kind of legal adviser's work: hours (from, to) and what is written down.
WORK_LOG: dict[str, tuple[int, int, list[str]]] = {
    WorkKind.CONSULTATION: (1, 3, [
        "为{place}村民解答土地承包经营权流转问题",
        "接待{place}群众咨询赡养纠纷",
        "解答{place}居民关于物业费的法律疑问",
        "为{place}村民解答征地补偿政策",
        "解答{place}群众追讨劳动报酬的问题",
        "为{place}群众讲解继承和遗嘱的法律规定",
    ]),
    WorkKind.DOCUMENT_REVIEW: (1, 4, [
        "审查{place}集体土地租赁合同",
        "审查{place}村级工程施工合同",
        "审核{place}村规民约修订稿",
        "审查{place}章程修订草案",
        "为{place}起草房屋租赁协议范本",
    ]),
    WorkKind.MEDIATION: (2, 4, [
        "参与调解{place}邻里宅基地纠纷",
        "参与调解{place}一起赡养纠纷",
        "协助调委会调解{place}土地流转纠纷",
        "参与调解{place}一起劳务费纠纷",
    ]),
    WorkKind.LECTURE: (1, 3, [
        "在{place}开展民法典专题讲座",
        "在{place}开展防范电信网络诈骗法治宣传",
        "为{place}“法律明白人”授课",
        "在{place}开展反家庭暴力法宣传",
    ]),
    WorkKind.OTHER: (1, 3, [
        "参加{town}司法所法律顾问工作例会",
        "参加溧阳市司法局法律顾问业务培训",
        "整理{place}法律顾问工作台账",
        "陪同{town}司法所走访重点矛盾纠纷当事人",
    ]),
}
# fmt: on
