"""Incubation figures at province scale: the overdue residents list, subsidy totals and the
services by type of a county centre's cohort (issue 6).

* ``incubation_overdue_list_ms``: the residents list filtered to "Past the end (overdue)" as the
  view runs it: the queryset built by the view's own ``filtered()`` (``visible_to(user)
  .for_listing().current().overdue(today)`` with the services' count and hours and the waiting
  extension annotated, ordered by end date), the count and the first page of the view's paginator
  (``paginate``: ``PAGE_SIZE`` rows, count not capped), each row's incubator, place, cohort and
  organization read; as the county officer of the county with most current residents and as an
  officer bound to the province; p95 over ``LIST_ROUNDS``. The ratio divides it by the same count
  and page written by hand (the page selects the same columns of the same five tables and its
  rows' services by correlated subqueries); counts, ids, order and annotations are checked equal.
  Comment lines give the whole page through the view, and the list's default page.
* ``incubation_subsidy_totals_ms``: ``Subsidy.objects.visible_to(user).totals()`` (granted or
  paid, per year and incubator: start-up, residency, paid, to pay, total) for the whole province
  and for that county, p95 over ``TOTALS_ROUNDS``, against the ``GROUP BY`` written by hand; every
  number checked equal. Comment lines give the province's current year alone (the list's year
  filter) and the whole subsidy list page through the view.
* ``incubation_services_by_type_ms``: the cohort report's services aggregate
  (``reports._services(call)``: count, hours and attendees by service type) for the cohort of the
  busiest county centre in the last full year, p95 over ``SERVICES_ROUNDS``, against the same
  ``GROUP BY`` by hand; a comment line gives the same by delivery day (every service of the
  centre's residents delivered that year) and the whole ``cohort_report``.

The data: an incubation centre in each of Jiangsu's counties and a station in about a third of
its towns (the shipped division data), each with a growth rubric, one call for intake (the
cohort) a year and a training event a month (two at county centres); residencies since
``FIRST_YEAR`` (a group being formed, a filed or a registered organization; most graduated or
left early, ``Size.current`` in residence, some of them past their end without an approved
extension), with extensions, services (individual ones and attendance at training events, in
proportion to the time in residence), growth assessments at intake, midway and exit, residency
subsidies per year within the cap and start-up subsidies for graduates that registered, and the
``IncubationEvent`` row of each status step the services would write. Graduates are in the
registry (filed, or registered with a valid credit code); their search documents are left empty:
these figures do not search. Everything is written with raw bulk inserts (``COPY`` on
PostgreSQL, ``executemany`` on SQLite), ``CHUNK`` residencies at a time, with the tables'
secondary indexes, unique and foreign-key constraints dropped (SQLite: the search triggers too),
then rebuilt and the tables analyzed.
"""

from __future__ import annotations

import bisect
import datetime
import json
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from bench.orgs import COLUMNS as ORG_COLUMNS
from bench.orgs import DATA, FTS_TRIGGERS, Place, _ensure_regions, _p, _person, _places, _static_files
from bench.people import _drop_secondary, _execute, _fetch, _insert, _plan_of
from peiyu.accounts.models import User
from peiyu.accounts.services import create_account
from peiyu.core.paging import PAGE_SIZE
from peiyu.core.scoping import code_range
from peiyu.incubation import reports
from peiyu.incubation.forms.residencies import OVERDUE, ResidencyFilterForm
from peiyu.incubation.models import (
    Assessment,
    Call,
    Dimension,
    Extension,
    IncubationEvent,
    Incubator,
    Residency,
    Service,
    Subsidy,
    TrainingEvent,
)
from peiyu.incubation.services.common import add_months
from peiyu.incubation.views.residencies import filtered, reminder_days
from peiyu.lib import uscc
from peiyu.lib.divisions import prefix_of
from peiyu.orgs import search as engine_search
from peiyu.orgs.models import Organization
from peiyu.regions.models import Region


@dataclass(frozen=True)
class Size:
    residencies: int
    current: int  # in residence today
    services: int
    subsidies: int


SIZES = {
    "full": Size(residencies=200_000, current=8_000, services=4_000_000, subsidies=300_000),
    "small": Size(residencies=10_000, current=400, services=200_000, subsidies=15_000),
}
SEED = 20261124
CHUNK = 5_000  # residencies generated and inserted at a time (about 100,000 services)
FIRST_YEAR = 2021
STATION_SHARE = 1 / 3  # of the towns, with a station
COUNTY_SHARE = 0.35  # of the residencies, at county centres
PAST_END = 0.15  # of the current residents, past their end (overdue)
GRADUATED = 0.80  # of the ended residencies; the rest left early
EXTENDED = 0.06
APPLICANTS = (("group", 0.60), ("filed", 0.90), ("registered", 1.0))
MONTHLY = 5_000  # residency subsidy per month in residence (yuan), up to the cap
CAP = 30_000
STARTUP = 30_000
LIST_ROUNDS = 100
PAGE_ROUNDS = 30
TOTALS_ROUNDS = 50
SERVICES_ROUNDS = 100
WARMUP = 10
ORG_BODY = 50_000_000  # credit-code bodies apart from the other groups' organizations

ORG = Organization._meta.db_table
INCUBATOR = Incubator._meta.db_table
CALL = Call._meta.db_table
DIMENSION = Dimension._meta.db_table
TRAINING = TrainingEvent._meta.db_table
RESIDENCY = Residency._meta.db_table
EXTENSION = Extension._meta.db_table
SERVICE = Service._meta.db_table
ASSESSMENT = Assessment._meta.db_table
SUBSIDY = Subsidy._meta.db_table
EVENT = IncubationEvent._meta.db_table
REGION = Region._meta.db_table
LOADED = (
    ORG,
    INCUBATOR,
    CALL,
    DIMENSION,
    TRAINING,
    RESIDENCY,
    EXTENSION,
    SERVICE,
    ASSESSMENT,
    SUBSIDY,
    EVENT,
)
# Quoted: the dimension table has a column named "order".
COLUMNS = {
    ORG: [*ORG_COLUMNS, "search_text"],
    **{
        model._meta.db_table: [f'"{f.column}"' for f in model._meta.concrete_fields]
        for model in (
            Incubator, Call, Dimension, TrainingEvent, Residency, Extension, Service, Assessment, Subsidy,
            IncubationEvent,
        )
    },
}  # fmt: skip

# Service types with their weights, hours (in half hours, from–to; a service lasts at most 24
# hours) and what was done.
KINDS = {
    "registration_guidance": (12, 1, 6, ("指导完善章程草案", "讲解备案登记流程", "梳理成员名册与负责人材料")),
    "policy": (10, 1, 6, ("解读政府购买服务政策", "解读社会组织税收优惠政策", "解读公益创投申报指南")),
    "information": (12, 1, 4, ("推送公益项目申报信息", "发布志愿服务需求信息", "分享资助方信息")),
    "training": (8, 2, 8, ("开展项目管理培训", "开展志愿者管理培训", "开展新媒体宣传培训")),
    "human_resources": (5, 1, 6, ("协助招募专职社工", "对接高校实习生", "梳理岗位职责")),
    "project_design": (10, 2, 8, ("辅导项目书撰写", "设计社区服务项目", "梳理项目逻辑框架")),
    "expert_link": (6, 2, 6, ("链接法律专家咨询", "链接财务专家辅导", "邀请高校专家督导")),
    "financial_custody": (8, 1, 4, ("代理记账", "指导建立财务制度", "协助编制年度预算")),
    "management": (10, 1, 6, ("内部治理咨询", "理事会议事规则辅导", "年度工作计划辅导")),
    "registration_assistance": (6, 1, 4, ("协助准备登记申请材料", "陪同办理登记手续", "协助刻制印章与开户")),
    "office_space": (8, 8, 48, ("提供办公工位", "提供会议室使用", "提供活动场地")),
}  # fmt: skip
KIND_NAMES = list(KINDS)
KIND_WEIGHTS = [k[0] for k in KINDS.values()]
PROVIDERS = (
    "孵化中心项目主管",
    "孵化中心社工",
    "孵化中心督导",
    "签约律师事务所",
    "签约会计师事务所",
    "高校志愿者团队",
)
EVENT_TITLES = {
    "training": (
        "社会组织项目管理培训",
        "志愿者招募与管理培训",
        "公益传播与新媒体运营培训",
        "社会组织财务规范培训",
    ),
    "policy": ("政府购买服务政策解读会", "社会组织登记管理政策宣讲", "公益创投申报说明会"),
}
DIMENSIONS = ("组织建设", "制度规范", "项目运作", "财务管理", "资源链接", "社会影响")
GROUP_WORDS = (
    "志愿服务队", "邻里互助会", "读书会", "文体队", "法律服务团", "助老服务队", "四点半课堂", "环保志愿队",
    "心理关爱小组", "乡贤理事会", "巾帼互助社", "青年公益社",
)  # fmt: skip
REGISTERED_WORDS = (
    "公益服务",
    "社区发展",
    "邻里互助",
    "乡村振兴",
    "助老服务",
    "青少年成长",
    "社工服务",
    "文化传承",
)
REGISTERED_SUFFIXES = ("服务中心", "发展中心", "服务社", "促进会")
EXIT_REASONS = ("核心成员流失，无法继续开展活动", "主动申请退出孵化", "未按协议参加孵化服务", "迁出本地")
EXTENSION_REASONS = ("登记材料尚在完善，申请延期", "项目周期尚未结束", "等待业务主管单位意见")
THIRD_PARTIES = ("社会工作服务中心", "社会组织发展中心", "公益服务中心")


def _money(value: int) -> str:
    return f"{value}.00"


# --------------------------------------------------------------------------------------------
# Generating the data


@dataclass
class Stay:
    """A residency as planned before its rows are made."""

    incubator: int  # index into Maker.incubators
    region: str
    started: int  # ordinals
    planned: int
    ended: int | None
    status: str
    applicant: str  # group, filed, registered
    extension: tuple[int, str, int] | None = None  # (months, status, requested day)
    services: int = 0
    subsidies: dict[int, int] = field(default_factory=dict)  # year: payments


@dataclass
class Generated:
    """What the run needs to know about the data, gathered while it is made."""

    rows: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    subsidies: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Home:
    """An incubator as the generator needs it."""

    pk: int
    level: str
    region: str
    county: str
    opened: int
    villages: list[Place]
    events: list[tuple[int, int, str, str, str]]  # (held on, id, kind, hours, provider), by day
    dimensions: list[tuple[int, int]]  # (id, max points)
    calls: dict[int, int]  # year: call id


class Maker:
    """Makes up incubators, residencies and everything around them."""

    def __init__(self, size: Size, villages: list[Place], towns: list[Place], user_id: int) -> None:
        self.size = size
        self.rng = random.Random(SEED)
        self.user_id = user_id
        self.postgres = connection.vendor == "postgresql"
        self.today = timezone.localdate().toordinal()
        self.first_day = datetime.date(FIRST_YEAR, 1, 1).toordinal()
        start = datetime.date(2010, 1, 1).toordinal()
        self.day0 = start
        self.days = [datetime.date.fromordinal(d).isoformat() for d in range(start, self.today + 800)]
        tz = "+00" if self.postgres else ""
        self.minutes = [f"{m // 60:02d}:{m % 60:02d}:00{tz}" for m in range(1440)]
        offset = datetime.datetime(2025, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).utcoffset()
        assert offset is not None
        self.offset = int(offset.total_seconds()) // 60
        self.now = self.moment(self.today, 9 * 60)
        self.villages_of_town: dict[str, list[Place]] = defaultdict(list)
        self.villages_of_county: dict[str, list[Place]] = defaultdict(list)
        self.places = {place.code: place for place in villages}
        for place in villages:
            self.villages_of_town[place.town_code].append(place)
            self.villages_of_county[place.county_code].append(place)
        self.towns = [t for t in towns if self.villages_of_town[t.code]]
        self.county_names = {t.county_code: t.county for t in towns}
        self.incubators: list[Home] = []
        self.stays: list[Stay] = []
        self.org_base = int(_fetch(f"SELECT COALESCE(MAX(id), 0) FROM {ORG}")[0][0])
        self.ids: Counter[str] = Counter({ORG: self.org_base})
        self.generated = Generated()
        self.taken: set[tuple[str, str]] = set()
        self.agreements: Counter[tuple[str, int]] = Counter()

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def day(self, ordinal: int) -> str:
        return self.days[ordinal - self.day0]

    def moment(self, ordinal: int, minute: int) -> str:
        """A local day and minute as the engine stores it: UTC (naive on SQLite)."""
        utc_day, utc_minute = divmod(ordinal * 1440 + minute - self.offset, 1440)
        return f"{self.days[utc_day - self.day0]} {self.minutes[utc_minute]}"

    def months(self, ordinal: int, months: int) -> int:
        return add_months(datetime.date.fromordinal(ordinal), months).toordinal()

    # Incubators, their rubrics, calls and training events ---------------------------------

    def homes(self) -> dict[str, list[tuple[Any, ...]]]:
        rng = self.rng
        rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        counties = sorted(self.county_names)
        stations = sorted(
            rng.sample(self.towns, round(len(self.towns) * STATION_SHARE)), key=lambda t: t.code
        )
        places = [("county", code, self.county_names[code], code) for code in counties] + [
            ("town", t.code, t.town, t.county_code) for t in stations
        ]
        for level, region, name, county in places:
            pk = self.next_id(INCUBATOR)
            county_level = level == "county"
            if county_level:
                opened = rng.randint(
                    datetime.date(2015, 1, 1).toordinal(), datetime.date(2020, 6, 30).toordinal()
                )
                title = f"{name}社会组织{rng.choice(('孵化中心', '孵化中心', '孵化基地', '孵化园'))}"
                capacity, area = rng.randint(40, 80), rng.randint(600, 3000)
            else:
                opened = rng.randint(
                    datetime.date(2018, 1, 1).toordinal(), datetime.date(2023, 6, 30).toordinal()
                )
                title = f"{name}社会组织孵化站"
                capacity, area = rng.randint(10, 20), rng.randint(80, 400)
            operator = None
            if rng.random() < (0.7 if county_level else 0.4):  # run by a third party (seed 004)
                name_ = f"{self.county_names[county]}{rng.choice(('启航', '同心', '众益', '阳光'))}"
                operator = self.organization(
                    rows, f"{name_}{rng.choice(THIRD_PARTIES)}", place=None, county=county,
                    established=opened - 700, filed=None, registered=opened - 400,
                )  # fmt: skip
            rows[INCUBATOR].append(
                (
                    pk, title, level, region, operator, capacity, f"{name}人民路{rng.randint(1, 300)}号", area,
                    f"0519-{rng.randint(80000000, 89999999)}", "", self.day(opened), "active", 1, self.now, self.now,
                )
            )  # fmt: skip
            dimensions = []
            points = [20] * 5 if rng.random() < 0.6 else [15, 15, 20, 20, 15, 15]
            for order, max_points in enumerate(points):
                dim = self.next_id(DIMENSION)
                rows[DIMENSION].append((dim, pk, DIMENSIONS[order], max_points, "", order, True))
                dimensions.append((dim, max_points))
            calls = {}
            for year in range(
                max(FIRST_YEAR, datetime.date.fromordinal(opened).year), self.year(self.today) + 1
            ):
                call = self.next_id(CALL)
                calls[year] = call
                current = year == self.year(self.today)
                rows[CALL].append(
                    (
                        call, pk, f"{title}{year}年度入驻招募", f"{title}面向社区社会组织和自组织招募{year}年度入驻对象。",
                        "", capacity * 2, f"{year}-01-05", f"{year}-12-20", "open" if current else "closed",
                        self.user_id, 1, self.moment(datetime.date(year, 1, 4).toordinal(), 600),
                    )
                )  # fmt: skip
            events = []
            month = datetime.date.fromordinal(max(opened, self.first_day)).replace(day=1)
            while month.toordinal() < self.today:
                for _n in range(2 if county_level else 1):
                    held = month.toordinal() + rng.randint(4, 25)
                    if held >= self.today:
                        continue
                    kind = "training" if rng.random() < 0.7 else "policy"
                    event_id = self.next_id(TRAINING)
                    hours = rng.choice(("2.0", "2.5", "3.0", "3.0", "4.0", "6.0"))
                    provider = rng.choice(("孵化中心", "特邀讲师", "高校专家", "民政局社会组织管理科"))
                    rows[TRAINING].append(
                        (
                            event_id, pk, rng.choice(EVENT_TITLES[kind]), kind, self.day(held), hours,
                            f"{title}培训室", provider, "", self.user_id, self.moment(held - 7, 600),
                        )
                    )  # fmt: skip
                    events.append((held, event_id, kind, hours, provider))
                month = add_months(month, 1)
            events.sort()
            villages = self.villages_of_county[county] if county_level else self.villages_of_town[region]
            self.incubators.append(
                Home(pk, level, region, county, opened, villages, events, dimensions, calls)
            )
        return rows

    def year(self, ordinal: int) -> int:
        return datetime.date.fromordinal(ordinal).year

    # Planning the residencies ----------------------------------------------------------------

    def plan(self) -> None:
        """Every residency's incubator, dates, status and applicant, then how many services and
        residency subsidies each gets (exactly ``size.services`` and about ``size.subsidies``)."""
        rng = self.rng
        size = self.size
        county_homes = [i for i, h in enumerate(self.incubators) if h.level == "county"]
        county_weights = [len(self.incubators[i].villages) for i in county_homes]
        town_homes = [i for i, h in enumerate(self.incubators) if h.level == "town"]
        current = set(rng.sample(range(size.residencies), size.current))
        today = self.today
        for index in range(size.residencies):
            if rng.random() < COUNTY_SHARE:
                home = rng.choices(county_homes, weights=county_weights)[0]
            else:
                home = rng.choice(town_homes)
            incubator = self.incubators[home]
            r = rng.random()
            applicant = next(kind for kind, share in APPLICANTS if r < share)
            region = rng.choice(incubator.villages).code
            earliest = max(self.first_day, incubator.opened)
            extension = None
            if index in current:
                if rng.random() < PAST_END:  # past its end, neither extended nor closed yet
                    started = self.months(today - rng.randint(1, 120), -6)
                    planned = self.months(started, 6)
                    self.generated.overdue += 1
                else:
                    started = rng.randint(today - 178, today - 1)
                    planned = self.months(started, 6)
                    if planned - today < 30 and rng.random() < 0.3:
                        extension = (rng.randint(1, 3), "requested", planned - rng.randint(3, 20))
                graduating = (
                    applicant != "registered" and today >= self.months(started, 3) and rng.random() < 0.25
                )
                stay = Stay(
                    home, region, started, planned, None, "graduating" if graduating else "active", applicant
                )
            else:
                started = rng.randint(earliest, today - 100)
                planned = self.months(started, 6)
                if rng.random() < EXTENDED:
                    months = rng.randint(1, 3)
                    approved = rng.random() < 0.85
                    extension = (
                        months,
                        "approved" if approved else "declined",
                        planned - rng.randint(10, 30),
                    )
                    if approved:
                        planned = self.months(planned, months)
                if rng.random() < GRADUATED:
                    status = "graduated"
                    ended = rng.randint(self.months(started, 3), planned)
                else:
                    status = "exited"
                    ended = (
                        planned + rng.randint(1, 60)
                        if rng.random() < 0.1
                        else rng.randint(started + 14, planned)
                    )
                stay = Stay(home, region, started, planned, min(ended, today - 1), status, applicant)
            stay.extension = extension
            self.generated.statuses[stay.status] += 1
            self.stays.append(stay)
        self._plan_services()
        self._plan_subsidies()

    def last_day(self, stay: Stay) -> int:
        return stay.ended if stay.ended is not None else self.today - 1

    def _plan_services(self) -> None:
        rng = self.rng
        weights = [(self.last_day(s) - s.started + 1) * rng.lognormvariate(0, 0.4) for s in self.stays]
        scale = self.size.services / sum(weights)
        for stay, weight in zip(self.stays, weights, strict=True):
            stay.services = max(1, round(weight * scale))
        difference = self.size.services - sum(s.services for s in self.stays)
        while difference:
            stay = rng.choice(self.stays)
            if difference > 0:
                stay.services += 1
                difference -= 1
            elif stay.services > 1:
                stay.services -= 1
                difference += 1

    def startup(self, stay: Stay) -> bool:
        """A filed organization that graduated by registering gets the start-up subsidy."""
        return stay.status == "graduated" and stay.applicant == "filed"

    def _plan_subsidies(self) -> None:
        rng = self.rng
        startups = sum(1 for s in self.stays if self.startup(s))
        pairs = [
            (i, year)
            for i, s in enumerate(self.stays)
            for year in range(self.year(s.started), self.year(self.last_day(s)) + 1)
        ]
        wanted = max(0, self.size.subsidies - startups)
        rng.shuffle(pairs)
        for i, year in pairs[:wanted]:
            self.stays[i].subsidies[year] = 1
        for i, year in rng.sample(pairs, min(len(pairs), max(0, wanted - len(pairs)))):
            self.stays[i].subsidies[year] = 2

    # Organizations ---------------------------------------------------------------------------

    def organization(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        name: str,
        *,
        place: Place | None,
        county: str,
        established: int,
        filed: int | None,
        registered: int | None,
    ) -> int:
        """An organization as it stands today: filed by its town on ``filed``, registered by its
        county on ``registered`` (a filed one that registered keeps its filing number)."""
        rng = self.rng
        pk = self.next_id(ORG)
        leader, phone = _person(rng)
        county_name = self.county_names[county]
        if registered is not None:
            base, n = name, 1
            while (county, name) in self.taken:
                n += 1
                name = f"{base}（{n}）"
            self.taken.add((county, name))
            body = f"{(ORG_BODY + pk) * 7919 % 10**8:08d}"
            code = uscc.make(department_type="52", division=county[:6], body8=body)
        by_town = registered is None and place is not None
        last = registered if registered is not None else filed
        assert last is not None
        row = {
            "id": pk, "name": name, "source": "filed" if registered is None else "registered",
            "legal_form": "" if registered is None else rng.choice(("association", "service_institution")),
            "uscc": "" if registered is None else code,
            "filing_number": "" if filed is None or place is None
            else f"{place.town_code[:9]}-{self.year(filed)}-{pk:07d}",
            "category": rng.choice(("charity", "community")), "development_type": "grassroots",
            "region_id": place.code if place else county, "authority_id": place.town_code if by_town and place else county,
            "address": f"{place.town}{place.name}" if place else county_name,
            "established_how": "incubated", "active_people": rng.randint(5, 80), "leader_name": leader,
            "leader_phone": phone, "contact_name": "", "contact_phone": "",
            "guidance_unit": f"{place.town}人民政府" if by_town and place else f"{county_name}民政局",
            "party_organization": rng.choice(("none", "none", "joint", "instructor")),
            "has_charter": True, "has_member_congress": False, "has_board": registered is not None,
            "has_supervisors": False, "is_decoupled": False, "pledge_signed_on": None, "description": "",
            "established_on": self.day(established), "filed_on": None if filed is None else self.day(filed),
            "registered_on": None if registered is None else self.day(registered), "ended_on": None,
            "status": "active", "version": 1, "created_at": self.moment(min(filed or last, last), 600),
            "updated_at": self.moment(last, 600),
        }  # fmt: skip
        rows[ORG].append((*(row[c] for c in ORG_COLUMNS), ""))
        return pk

    # The residencies' rows ---------------------------------------------------------------------

    def chunk(self, first: int, last: int) -> dict[str, list[tuple[Any, ...]]]:
        rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for index in range(first, last):
            self.residency(rows, index + 1, self.stays[index])
        return rows

    def residency(self, rows: dict[str, list[tuple[Any, ...]]], pk: int, stay: Stay) -> None:
        rng = self.rng
        home = self.incubators[stay.incubator]
        place = self.places[stay.region]
        name = f"{place.name}{rng.choice(GROUP_WORDS)}"
        started, last = stay.started, self.last_day(stay)
        admitted = started - rng.randint(1, 20)
        graduated = stay.ended if stay.status == "graduated" else None
        organization = None
        if stay.applicant != "group":
            # Filed by its town before it came (a filed one that graduated registered since), or
            # registered by its county.
            established = admitted - rng.randint(200, 1500)
            filed = registered = None
            if stay.applicant == "filed":
                filed = admitted - rng.randint(30, 180)
                registered = graduated
            else:
                registered = admitted - rng.randint(30, 180)
            if registered is not None:
                name = f"{place.county}{place.name}{rng.choice(REGISTERED_WORDS)}{rng.choice(REGISTERED_SUFFIXES)}"
            organization = self.organization(
                rows, name, place=place, county=home.county, established=established, filed=filed,
                registered=registered,
            )  # fmt: skip
            name = rows[ORG][-1][1]
        at_start = organization
        if graduated is not None and organization is None:  # the group files
            organization = self.organization(
                rows, name, place=place, county=home.county, established=started, filed=graduated,
                registered=None,
            )  # fmt: skip
        year = self.year(started)
        self.agreements[home.county, year] += 1
        agreement = f"{home.county[:6]}孵〔{year}〕{self.agreements[home.county, year]}号"
        rows[RESIDENCY].append(
            (
                pk, home.pk, None, home.calls.get(year), name, organization, place.code,
                f"{rng.choice('ABCD')}{rng.randint(101, 320)}", self.day(started), self.day(stay.planned),
                None if stay.ended is None else self.day(stay.ended), stay.status,
                rng.choice(EXIT_REASONS) if stay.status == "exited" else "", None, agreement,
                1 + (stay.extension is not None) + (stay.status != "active"), self.moment(admitted, 600),
            )
        )  # fmt: skip
        self.event(rows, pk, "residency", pk, "admitted", "", "active", agreement, admitted)
        self.extension(rows, pk, stay)
        self.ending(rows, pk, stay)
        self.services(rows, pk, stay, home, last)
        self.assessments(rows, pk, stay, home, last)
        self.subsidies(rows, pk, stay, home, at_start, organization, last)

    def event(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        residency: int,
        subject: str,
        subject_id: int,
        action: str,
        before: str,
        after: str,
        note: str,
        day: int,
    ) -> None:
        rows[EVENT].append(
            (
                self.next_id(EVENT), residency, subject, subject_id, action, before, after, self.user_id, note,
                self.moment(day, 540 + self.rng.randrange(480)),
            )
        )  # fmt: skip

    def extension(self, rows: dict[str, list[tuple[Any, ...]]], pk: int, stay: Stay) -> None:
        if stay.extension is None:
            return
        months, status, requested = stay.extension
        extension = self.next_id(EXTENSION)
        reason = self.rng.choice(EXTENSION_REASONS)
        decided = None if status == "requested" else min(self.today - 1, requested + self.rng.randint(1, 7))
        rows[EXTENSION].append(
            (
                extension, pk, months, reason, status, self.user_id, self.moment(requested, 600),
                None if decided is None else self.user_id, None if decided is None else self.moment(decided, 900),
                "" if status != "declined" else "材料不全，不予延期", 1 if decided is None else 2,
            )
        )  # fmt: skip
        self.event(rows, pk, "extension", extension, "requested", "", "", reason, requested)
        if decided is not None:
            if status == "approved":
                before = self.months(stay.planned, -months)
                note = f"{self.day(before)} → {self.day(stay.planned)}"
                self.event(rows, pk, "residency", pk, "extended", "", "", note, decided)
            self.event(rows, pk, "extension", extension, status, "requested", status, "", decided)

    def ending(self, rows: dict[str, list[tuple[Any, ...]]], pk: int, stay: Stay) -> None:
        rng = self.rng
        if stay.status in ("graduated", "graduating") and stay.applicant != "registered":
            end = stay.ended if stay.ended is not None else self.today
            start = max(self.months(stay.started, 3), end - 40)
            day = rng.randint(min(start, end - 1), end - 1)
            self.event(rows, pk, "residency", pk, "graduating", "active", "graduating", f"A{pk:011d}", day)
        if stay.ended is None:
            return
        if stay.status == "graduated":
            before = "active" if stay.applicant == "registered" else "graduating"
            self.event(rows, pk, "residency", pk, "graduated", before, "graduated", "", stay.ended)
        else:
            self.event(
                rows, pk, "residency", pk, "exited", "active", "exited", rng.choice(EXIT_REASONS), stay.ended
            )

    def services(
        self, rows: dict[str, list[tuple[Any, ...]]], pk: int, stay: Stay, home: Home, last: int
    ) -> None:
        rng = self.rng
        random_ = rng.random
        started = stay.started
        events = home.events[
            bisect.bisect_left(home.events, (started,)) : bisect.bisect_right(home.events, (last + 1,))
        ]
        attended = [e for e in events if random_() < 0.5][: stay.services // 2]
        append = rows[SERVICE].append
        for held, event_id, kind, hours, provider in attended:
            append(
                (
                    self.next_id(SERVICE), pk, kind, self.day(held), provider, None, hours, rng.randint(1, 3), "",
                    event_id, self.user_id, self.moment(held, 1020),
                )
            )  # fmt: skip
        span = last - started + 1
        for _n in range(stay.services - len(attended)):
            kind = rng.choices(KIND_NAMES, weights=KIND_WEIGHTS)[0]
            _w, low, high, texts = KINDS[kind]
            day = started + int(random_() * span)
            half_hours = rng.randint(low, high)
            append(
                (
                    self.next_id(SERVICE), pk, kind, self.day(day), rng.choice(PROVIDERS), None,
                    f"{half_hours // 2}.{5 if half_hours % 2 else 0}", rng.randint(1, 6), rng.choice(texts), None,
                    self.user_id, self.moment(day, 480 + rng.randrange(600)),
                )
            )  # fmt: skip

    def assessments(
        self, rows: dict[str, list[tuple[Any, ...]]], pk: int, stay: Stay, home: Home, last: int
    ) -> None:
        rng = self.rng
        level = rng.uniform(0.35, 0.65)
        moments = [("intake", stay.started + rng.randint(0, 14))]
        moments.append(("midway", stay.started + (stay.planned - stay.started) // 2 + rng.randint(-7, 7)))
        if stay.status == "graduated" or (stay.status == "exited" and rng.random() < 0.4):
            moments.append(("exit", last - rng.randint(0, 7)))
        seen = stay.started - 1
        for stage, day in moments:
            if day > last or day <= seen:
                continue
            seen = day
            scores, total, maximum = {}, 0, 0
            for dim, max_points in home.dimensions:
                points = max(0, min(max_points, round(max_points * (level + rng.uniform(-0.1, 0.1)))))
                scores[str(dim)] = points
                total += points
                maximum += max_points
            percent = (Decimal(total * 100) / maximum).quantize(Decimal("0.1"))
            rows[ASSESSMENT].append(
                (
                    self.next_id(ASSESSMENT), pk, stage, self.day(day), self.user_id, json.dumps(scores),
                    f"{total}.0", str(percent), "",
                )
            )  # fmt: skip
            level = min(1.0, level + rng.uniform(0.05, 0.18))

    def subsidies(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        pk: int,
        stay: Stay,
        home: Home,
        at_start: int | None,
        organization: int | None,
        last: int,
    ) -> None:
        rng = self.rng
        this_year = self.year(self.today)
        for year, payments in sorted(stay.subsidies.items()):
            first = max(stay.started, datetime.date(year, 1, 1).toordinal())
            end = min(last, datetime.date(year, 12, 31).toordinal())
            months = max(1, round((end - first + 1) / 30.4))
            amount = min(CAP, MONTHLY * months)
            parts = (
                [amount] if payments == 1 else [amount // 2 // 500 * 500, amount - amount // 2 // 500 * 500]
            )
            for n, part in enumerate(parts):
                granted = (
                    min(self.today - 1, end + rng.randint(3, 20))
                    if n == len(parts) - 1
                    else (first + end) // 2
                )
                period = f"{year}年{datetime.date.fromordinal(first).month}—{datetime.date.fromordinal(end).month}月"
                self.subsidy(
                    rows, pk, "residency", home.pk, at_start, year, part, period, granted, year < this_year
                )
        if self.startup(stay):
            assert stay.ended is not None
            self.subsidy(
                rows, pk, "startup", home.pk, organization, self.year(stay.ended), STARTUP, "", stay.ended,
                self.year(stay.ended) < this_year,
            )  # fmt: skip

    def subsidy(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        pk: int,
        kind: str,
        incubator: int,
        organization: int | None,
        year: int,
        amount: int,
        period: str,
        granted: int,
        past: bool,
    ) -> None:
        rng = self.rng
        r = rng.random()
        status = ("paid" if r < 0.95 else "granted" if r < 0.97 else "cancelled") if past else (
            "paid" if r < 0.5 else "granted" if r < 0.97 else "cancelled"
        )  # fmt: skip
        paid = granted + rng.randint(7, 60) if status == "paid" else None
        if paid is not None and paid >= self.today:
            status, paid = "granted", None
        subsidy = self.next_id(SUBSIDY)
        voucher = f"记-{year}-{subsidy:06d}" if paid else ""
        note = "资金未到位，撤销" if status == "cancelled" else ""
        rows[SUBSIDY].append(
            (
                subsidy, kind, incubator, pk, organization, year, _money(amount), period, status, note,
                self.user_id, self.moment(granted, 600), None if paid is None else self.day(paid), voucher,
                None if paid is None else self.user_id, 1 if status == "granted" else 2,
            )
        )  # fmt: skip
        self.generated.subsidies[f"{kind} {status}"] += 1
        self.event(rows, pk, "subsidy", subsidy, "granted", "", "granted", f"{amount}.00", granted)
        if status == "paid":
            assert paid is not None
            self.event(rows, pk, "subsidy", subsidy, "paid", "granted", "paid", voucher, paid)
        elif status == "cancelled":
            self.event(rows, pk, "subsidy", subsidy, "cancelled", "granted", "cancelled", note, granted + 5)


def _generate(size: Size, maker: Maker) -> Iterator[str]:
    """Plan, generate and insert everything; yield progress comments at full scale."""
    seconds = maker.generated.seconds
    postgres = maker.postgres
    counted = maker.generated.rows
    started = time.perf_counter()
    homes = maker.homes()
    maker.plan()
    # Admission refuses a full incubator: none holds more current residents than its places.
    current = Counter(s.incubator for s in maker.stays if s.ended is None)
    capacity = COLUMNS[INCUBATOR].index('"capacity"')
    homes[INCUBATOR] = [
        (*row[:capacity], max(row[capacity], current[index]), *row[capacity + 1 :])
        for index, row in enumerate(homes[INCUBATOR])
    ]
    seconds["plan"] = time.perf_counter() - started
    started = time.perf_counter()
    rebuild = _drop_secondary(LOADED)
    if not postgres:
        # Outside a transaction; the connection is closed after the load, and reopened with them on.
        _execute("PRAGMA foreign_keys = OFF", "PRAGMA cache_size = -1048576", *FTS_TRIGGERS)
    for table in LOADED:
        if homes[table]:
            _insert(table, COLUMNS[table], homes[table])
            counted[table] += len(homes[table])
    make = insert = 0.0
    report = max(size.residencies // 10, CHUNK)
    for first in range(0, size.residencies, CHUNK):
        t0 = time.perf_counter()
        rows = maker.chunk(first, min(first + CHUNK, size.residencies))
        t1 = time.perf_counter()
        for table in LOADED:
            if rows[table]:
                _insert(table, COLUMNS[table], rows[table])
                counted[table] += len(rows[table])
        make, insert = make + t1 - t0, insert + time.perf_counter() - t1
        done = first + CHUNK
        if done % report == 0 and done < size.residencies:
            yield (
                f"#   … {done:,} residencies, {counted[SERVICE]:,} services "
                f"({time.perf_counter() - started:.0f} s: made {make:.0f} s, inserted {insert:.0f} s)"
            )
    assert counted[SERVICE] == size.services, (counted[SERVICE], size.services)
    seconds["make"], seconds["insert"] = make, insert
    started = time.perf_counter()
    if postgres:
        _execute("SET maintenance_work_mem = '1GB'", "SET max_parallel_maintenance_workers = 2")
        _execute(*rebuild)
        _execute("RESET maintenance_work_mem", "RESET max_parallel_maintenance_workers")
    else:
        _execute("PRAGMA threads = 2", "PRAGMA cache_size = -2097152", *rebuild, *engine_search.SQLITE_SCHEMA)
    seconds["index"] = time.perf_counter() - started
    started = time.perf_counter()
    if postgres:
        _execute(
            *(
                f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"
                for t in LOADED
                if counted[t]
            ),
            *(f"VACUUM ANALYZE {t}" for t in LOADED),
        )
    else:
        _execute("PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)")
    seconds["analyze"] = time.perf_counter() - started
    connection.close()  # measure with connections as the application opens them


# --------------------------------------------------------------------------------------------
# Measuring


def _ms(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def _timed(steps: dict[str, Callable[[], Any]], rounds: int) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Run the steps in turn (their order alternating), ``WARMUP`` rounds untimed; return the
    times and the last results."""
    times: dict[str, list[float]] = defaultdict(list)
    found: dict[str, Any] = {}
    names = list(steps)
    for number in range(WARMUP + rounds):
        for name in names if number % 2 else reversed(names):
            elapsed, found[name] = _ms(steps[name])
            if number >= WARMUP:
                times[name].append(elapsed)
    return times, found


def _users(county: str) -> tuple[User, User]:
    """The county's officer and an officer bound to the province (a county officer's role)."""
    county_officer, province_officer = (
        create_account(
            username=f"bench-incubation-{code}",
            password="Bench-pass-2026",  # noqa: S106 - a throwaway account in the benchmark database
            role="county_officer",
            region=Region.objects.get(code=code),
            by=None,
        )
        for code in (county, "320000000000")
    )
    return county_officer, province_officer


def _scope(user: User) -> tuple[str, str]:
    assert user.region_id
    return code_range(prefix_of(user.region_id))


def _overdue_queryset(user: User, today: datetime.date) -> QuerySet[Residency]:
    """The list page's queryset for "Past the end (overdue)", built by the view's own code."""
    form = ResidencyFilterForm({"due": OVERDUE}, user=user)
    queryset = Residency.objects.visible_to(user).for_listing()
    return filtered(queryset, form, today=today, days=reminder_days(user))


def _overdue_raw_sql() -> tuple[str, str]:
    """The count and the first page by hand: the page's rows with their incubator, cohort,
    organization and place, services (count and hours) and whether an extension waits."""
    where = (
        "WHERE r.status IN ('active', 'graduating') AND r.planned_end_on < %s "
        "AND i.region_id >= %s AND i.region_id < %s "
    )
    page = (
        "SELECT r.id, r.planned_end_on, "
        f"(SELECT COUNT(*) FROM {SERVICE} s WHERE s.residency_id = r.id), "
        f"(SELECT SUM(s.hours) FROM {SERVICE} s WHERE s.residency_id = r.id), "
        f"EXISTS (SELECT 1 FROM {EXTENSION} e WHERE e.residency_id = r.id AND e.status = 'requested'), "
        f"r.*, i.*, c.*, o.*, g.* FROM {RESIDENCY} r JOIN {INCUBATOR} i ON i.id = r.incubator_id "
        f"LEFT JOIN {CALL} c ON c.id = r.call_id LEFT JOIN {ORG} o ON o.id = r.organization_id "
        f"JOIN {REGION} g ON g.code = r.region_id {where}ORDER BY r.planned_end_on, r.id LIMIT {PAGE_SIZE}"
    )
    count = f"SELECT COUNT(*) FROM {RESIDENCY} r JOIN {INCUBATOR} i ON i.id = r.incubator_id {where}"
    return page, count


def _row(pk: int, end: Any, services: int, hours: Any, waiting: Any) -> tuple[int, str, int, Decimal, bool]:
    return (
        int(pk),
        str(end)[:10],
        int(services),
        Decimal(str(hours or 0)).quantize(Decimal("0.1")),
        bool(waiting),
    )


def _overdue(user: User, today: datetime.date) -> dict[str, Any]:
    page_sql, count_sql = _overdue_raw_sql()
    low, high = _scope(user)
    params = [connection.ops.adapt_datefield_value(today), low, high]
    queryset = _overdue_queryset(user, today)  # the filter form's choices are read here, untimed

    def ours() -> tuple[int, list[tuple[int, str, int, Decimal, bool]]]:
        paginator = Paginator(queryset.all(), PAGE_SIZE)  # as the view's paginate()
        page = paginator.page(1)
        rows = []
        for r in page:
            # What the list shows of each row besides its own fields.
            _shown = (r.incubator.name, r.region.name, r.call.title if r.call else "", r.organization)
            rows.append(_row(r.pk, r.planned_end_on, r.service_count, r.service_hours, r.extension_waiting))  # type: ignore[attr-defined]
        return paginator.count, rows

    def raw() -> tuple[int, list[tuple[int, str, int, Decimal, bool]]]:
        with connection.cursor() as cursor:
            cursor.execute(count_sql, params)
            counted = int(cursor.fetchone()[0])
            cursor.execute(page_sql, params)
            return counted, [_row(*row[:5]) for row in cursor.fetchall()]

    times, found = _timed({"ours": ours, "raw": raw}, LIST_ROUNDS)
    assert found["ours"] == found["raw"], (found["ours"], found["raw"])
    count = found["ours"][0]
    expected = Residency.objects.filter(status__in=["active", "graduating"], planned_end_on__lt=today)
    assert count == expected.filter(incubator__region__gte=low, incubator__region__lt=high).count()
    with CaptureQueriesContext(connection) as captured:
        ours()
    plans = [_plan_of(count_sql, params), _plan_of(page_sql, params)]
    return {**times, "count": count, "queries": [q["sql"] for q in captured.captured_queries], "plans": plans}


def _page(user: User, url: str, rounds: int = PAGE_ROUNDS) -> dict[str, Any]:
    """A whole page through the view (the filter form, the queries, the template)."""
    client = Client()
    client.force_login(user)
    times = []
    with override_settings(**_static_files()):
        for number in range(3 + rounds):
            started = time.perf_counter()
            response = client.get(url)
            if number >= 3:
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(url)
            traced = (time.perf_counter() - started) * 1000
    # On SQLite the rows are read after execute returns: a statement's time is to its first row.
    statements = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
    )
    return {"times": times, "queries": len(statements), "traced": traced, "statements": statements}


def _statements_line(page: dict[str, Any]) -> str:
    slowest = "; ".join(f"{ms:.1f} ms {sql[:90]}…" for ms, sql in page["statements"][:3])
    # Captured with their parameters inlined; a literal % must not read as a placeholder.
    sql = page["statements"][0][1]
    return (
        f"#   one more page with its statements captured: {page['traced']:.1f} ms, statements "
        f"{sum(ms for ms, _sql in page['statements']):.1f} ms; slowest: {slowest}\n"
        f"#     plan of the slowest: {_plan_of(sql.replace('%', '%%'), ())}"
    )


def _totals_raw_sql() -> str:
    def total(condition: str) -> str:
        return f"COALESCE(SUM(CASE WHEN {condition} THEN s.amount END), 0)"

    sums = ", ".join(
        total(c)
        for c in ("s.kind = 'startup'", "s.kind = 'residency'", "s.status = 'paid'", "s.status = 'granted'")
    )
    return (
        f"SELECT s.year, s.incubator_id, i.name, {sums}, COALESCE(SUM(s.amount), 0) "
        f"FROM {SUBSIDY} s JOIN {INCUBATOR} i ON i.id = s.incubator_id "
        "WHERE s.status <> 'cancelled' AND i.region_id >= %s AND i.region_id < %s "
        "GROUP BY s.year, s.incubator_id, i.name ORDER BY s.year DESC, i.name"
    )


def _totals(user: User, year: int | None = None) -> dict[str, Any]:
    """The totals in the user's scope, of every year or of ``year`` (the list's year filter)."""
    sql = _totals_raw_sql()
    params: list[Any] = list(_scope(user))
    subsidies = Subsidy.objects.visible_to(user)
    if year is not None:
        sql = sql.replace(" GROUP BY", " AND s.year = %s GROUP BY")
        params.append(year)
        subsidies = subsidies.filter(year=year)
    keys = ("startup", "residency", "paid", "to_pay", "total")

    def ours() -> dict[tuple[int, int], tuple[Decimal, ...]]:
        return {
            (row["year"], row["incubator_id"]): tuple(Decimal(row[k]) for k in keys)
            for row in subsidies.totals()
        }

    def raw() -> dict[tuple[int, int], tuple[Decimal, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {
                (int(y), int(i)): tuple(Decimal(v) for v in values) for y, i, _n, *values in cursor.fetchall()
            }

    times, found = _timed({"ours": ours, "raw": raw}, TOTALS_ROUNDS)
    assert found["ours"] == found["raw"], "subsidy totals differ"
    assert found["ours"], "no subsidies in scope"
    grand = [sum((v[k] for v in found["ours"].values()), Decimal(0)) for k in range(len(keys))]
    return {
        **times,
        "groups": len(found["ours"]),
        "grand": dict(zip(keys, grand, strict=True)),
        "plan": _plan_of(sql, params),
    }


def _services_sql(where: str) -> str:
    return (
        f"SELECT s.kind, COUNT(s.id), SUM(s.hours), SUM(s.attendees) FROM {SERVICE} s "
        f"JOIN {RESIDENCY} r ON r.id = s.residency_id WHERE {where} GROUP BY s.kind"
    )


def _by_kind(rows: Sequence[Sequence[Any]]) -> dict[str, tuple[int, Decimal, int]]:
    return {
        kind: (int(n), Decimal(str(hours)).quantize(Decimal("0.1")), int(a)) for kind, n, hours, a in rows
    }


def _services(call: Call) -> dict[str, Any]:
    """The cohort report's services aggregate, and the same for a year of the centre by delivery day."""
    cohort_sql = _services_sql("r.call_id = %s")
    year = call.opens_on.year
    first, last = (
        connection.ops.adapt_datefield_value(datetime.date(year, m, d)) for m, d in ((1, 1), (12, 31))
    )
    year_sql = _services_sql("r.incubator_id = %s AND s.delivered_on BETWEEN %s AND %s")

    def ours() -> dict[str, tuple[int, Decimal, int]]:
        return {line.kind: (line.count, line.hours, line.attendees) for line in reports._services(call)}

    def raw() -> dict[str, tuple[int, Decimal, int]]:
        return _by_kind(_fetch(cohort_sql, [call.pk]))

    def ours_year() -> dict[str, tuple[int, Decimal, int]]:
        rows = (
            Service.objects.filter(residency__incubator=call.incubator_id, delivered_on__year=year)
            .values("kind")
            .annotate(count=Count("id"), hours=Sum("hours"), attendees=Sum("attendees"))
            .order_by()
        )
        return {r["kind"]: (r["count"], r["hours"], r["attendees"]) for r in rows}

    def raw_year() -> dict[str, tuple[int, Decimal, int]]:
        return _by_kind(_fetch(year_sql, [call.incubator_id, first, last]))

    def report() -> int:
        return reports.cohort_report(call).admitted

    steps = {"ours": ours, "raw": raw, "ours_year": ours_year, "raw_year": raw_year, "report": report}
    times, found = _timed(steps, SERVICES_ROUNDS)
    assert found["ours"] == found["raw"], (found["ours"], found["raw"])
    assert found["ours_year"] == found["raw_year"], (found["ours_year"], found["raw_year"])
    with CaptureQueriesContext(connection) as captured:
        report()
    return {
        **times,
        "cohort": found["ours"],
        "year": found["ours_year"],
        "admitted": found["report"],
        "report_queries": len(captured.captured_queries),
        "plans": [_plan_of(cohort_sql, [call.pk]), _plan_of(year_sql, [call.incubator_id, first, last])],
    }


def _explain(queryset: QuerySet[Any]) -> str:
    # SQLite's lines start with the node ids: "3 0 0 SEARCH …".
    return " / ".join(re.sub(r"^\d+ \d+ \d+ ", "", line.strip()) for line in queryset.explain().splitlines())


def run(*, scale: str) -> Iterator[str]:
    size = SIZES[scale]
    DATA.mkdir(exist_ok=True)
    _ensure_regions()
    villages, _liyang, towns = _places()
    user = User.objects.create(
        username="bench-incubation-data", is_superuser=True, is_staff=True, account_type="staff"
    )
    maker = Maker(size, villages, towns, user.pk)
    started = time.perf_counter()
    yield from _generate(size, maker)
    made = time.perf_counter() - started
    generated = maker.generated
    seconds = generated.seconds
    counted = generated.rows
    levels = Counter(h.level for h in maker.incubators)
    yield (
        f"# {counted[INCUBATOR]:,} incubators ({levels['county']} county centres, {levels['town']} town stations "
        f"in {len(maker.towns):,} towns), {counted[CALL]:,} calls, {counted[TRAINING]:,} training events, "
        f"{counted[RESIDENCY]:,} residencies ("
        + ", ".join(f"{k} {v:,}" for k, v in generated.statuses.most_common())
        + f"; {generated.overdue:,} overdue), {counted[EXTENSION]:,} extensions, {counted[SERVICE]:,} services, "
        f"{counted[ASSESSMENT]:,} assessments, {counted[SUBSIDY]:,} subsidies, {counted[EVENT]:,} events, "
        f"{counted[ORG]:,} organizations; generated in {made:.0f} s: planned "
        f"{seconds['plan']:.0f} s, rows made {seconds['make']:.0f} s, inserted {seconds['insert']:.0f} s "
        f"(indexes and constraints dropped), rebuilt {seconds['index']:.0f} s, analyzed {seconds['analyze']:.0f} s"
    )
    yield "# subsidies: " + ", ".join(f"{k} {v:,}" for k, v in sorted(generated.subsidies.items()))

    current = Counter(
        maker.incubators[s.incubator].county for s in maker.stays if s.status in ("active", "graduating")
    )
    county = current.most_common(1)[0][0]
    name = maker.county_names[county]
    officer, province = _users(county)
    today = timezone.localdate()

    # incubation_overdue_list_ms
    results = {label: _overdue(user, today) for label, user in (("county", officer), ("province", province))}
    worst = max(_p(r["ours"], 95) for r in results.values())
    raw_worst = max(_p(r["raw"], 95) for r in results.values())
    yield f"BENCH incubation_overdue_list_ms {worst:.1f} ms ratio={worst / raw_worst:.2f} target=≤100ms"
    for label, result in results.items():
        who = (
            f"{name}'s county officer ({current[county]:,} current residents)"
            if label == "county"
            else "the province's officer"
        )
        ours, raw = _p(result["ours"], 95), _p(result["raw"], 95)
        page = _page(
            officer if label == "county" else province,
            f"{reverse('incubation:residency-list')}?due={OVERDUE}",
        )
        yield (
            f"# as {who}: {result['count']:,} overdue, count + page of {PAGE_SIZE} p95 {ours:.1f} ms, p50 "
            f"{_p(result['ours'], 50):.1f} ms; raw p95 {raw:.1f} ms (ratio {ours / raw:.2f}); the whole page "
            f"through the view p95 {_p(page['times'], 95):.1f} ms, p50 {_p(page['times'], 50):.1f} ms in "
            f"{page['queries']} queries"
        )
        yield _statements_line(page)
        yield f"#   plans of the raw statements: count: {result['plans'][0]}; page: {result['plans'][1]}"
    for sql in results["province"]["queries"]:
        yield f"#   ORM SQL (province): {sql}"
    page = _page(province, reverse("incubation:residency-list"), rounds=10)
    yield (
        f"#   the residents list's default page (every current resident, newest first) as the province's "
        f"officer: p95 {_p(page['times'], 95):.1f} ms, p50 {_p(page['times'], 50):.1f} ms in {page['queries']} queries"
    )
    yield _statements_line(page)
    queryset = _overdue_queryset(province, today)
    yield f"#   ORM plan of the count (province): {_explain(queryset.order_by().values('pk'))}"
    yield f"#   ORM plan of the page (province): {_explain(queryset[:PAGE_SIZE])}"

    # incubation_subsidy_totals_ms
    results = {label: _totals(user) for label, user in (("province", province), ("county", officer))}
    worst = max(_p(r["ours"], 95) for r in results.values())
    raw_worst = max(_p(r["raw"], 95) for r in results.values())
    yield f"BENCH incubation_subsidy_totals_ms {worst:.1f} ms ratio={worst / raw_worst:.2f} target=≤100ms"
    for label, result in results.items():
        ours, raw = _p(result["ours"], 95), _p(result["raw"], 95)
        grand = ", ".join(f"{k} {v:,.0f}" for k, v in result["grand"].items())
        yield (
            f"# {'the whole province' if label == 'province' else name}: {result['groups']:,} (year, incubator) rows, "
            f"p95 {ours:.1f} ms, p50 {_p(result['ours'], 50):.1f} ms; raw GROUP BY p95 {raw:.1f} ms "
            f"(ratio {ours / raw:.2f}); yuan: {grand}"
        )
        yield f"#   plan of the raw statement: {result['plan']}"
    result = _totals(province, today.year)
    ours, raw = _p(result["ours"], 95), _p(result["raw"], 95)
    yield (
        f"#   the whole province in {today.year} alone (the list's year filter): {result['groups']:,} rows, p95 "
        f"{ours:.1f} ms; raw p95 {raw:.1f} ms (ratio {ours / raw:.2f}); plan of the raw statement: {result['plan']}"
    )
    for label, user in (("county", officer), ("province", province)):
        page = _page(user, reverse("incubation:subsidy-list"), rounds=10)
        yield (
            f"#   the whole subsidy list page as {name}'s officer"
            if label == "county"
            else "#   … as the province's officer"
        ) + (
            f" (every year, no filter) p95 {_p(page['times'], 95):.1f} ms, p50 {_p(page['times'], 50):.1f} ms in "
            f"{page['queries']} queries"
        )
        yield _statements_line(page)

    # incubation_services_by_type_ms
    centres = Counter(s.incubator for s in maker.stays if maker.incubators[s.incubator].level == "county")
    centre = maker.incubators[centres.most_common(1)[0][0]]
    year = today.year - 1
    call = Call.objects.select_related("incubator").get(pk=centre.calls[year])
    result = _services(call)
    ours, raw = _p(result["ours"], 95), _p(result["raw"], 95)
    yield f"BENCH incubation_services_by_type_ms {ours:.1f} ms ratio={ours / raw:.2f} target=≤100ms"
    total = sum(n for n, _h, _a in result["cohort"].values())
    hours = sum((h for _n, h, _a in result["cohort"].values()), Decimal(0))
    yield (
        f"# {call.incubator.name}'s {year} cohort ({result['admitted']:,} residents, {total:,} services, "
        f"{hours:,} hours, {len(result['cohort'])} types): reports._services p95 {ours:.1f} ms, p50 "
        f"{_p(result['ours'], 50):.1f} ms; raw GROUP BY p95 {raw:.1f} ms"
    )
    ours_year, raw_year = _p(result["ours_year"], 95), _p(result["raw_year"], 95)
    year_total = sum(n for n, _h, _a in result["year"].values())
    yield (
        f"#   by delivery day, every service of the centre's residents in {year} ({year_total:,}): p95 "
        f"{ours_year:.1f} ms, raw {raw_year:.1f} ms (ratio {ours_year / raw_year:.2f}); the whole "
        f"cohort_report p95 {_p(result['report'], 95):.1f} ms in {result['report_queries']} queries"
    )
    yield f"#   plans of the raw statements: cohort: {result['plans'][0]}; year: {result['plans'][1]}"
