"""Activities figure: a county's monthly mediation and activity figures (issue 8, item 6).

* ``activities_mediation_month_ms``: ``peiyu.activities.figures.month_figures(county, year,
  month)`` as the figures page, its export and the analytics read it: the mediation figures of
  the cases registered in the county that month (registered, handled, successful, agreements
  performed, judicial confirmations, the amount involved, the handled and success rates) and the
  activities held there (events, people served, legal-education events, consultations), two
  aggregate queries, each on its ``(region, day)`` index. p95 over ``MONTH_RUNS`` (county, month)
  pairs drawn from the province's counties and the generated months, after ``WARMUP`` runs; each
  variant measured goes first (on a cold cache) for as many pairs as the others. The ratio
  divides it by the same two aggregate statements written by hand and run on the cursor; the
  bench checks that both give the same numbers for every pair. Comment lines give the busiest
  county's month, its twelve months (``period_figures``), its towns (``figures_by_child``), the
  plans of the two raw statements, and the same figures read with the county's regions listed
  instead of a range of codes (``_proposed``), with their plans.

The data: ``Size.activities`` activities and ``Size.cases`` mediation cases (10,000,000 records
in all at ``full``) over Jiangsu's real villages and towns (the shipped division data; urban
communities weighted twice), from ``FIRST_YEAR`` to yesterday, growing from year to year, with
the seasons (fewer in the Spring Festival month, more in March and around 12·4 National
Constitution Day for activities; more family and wage disputes around the new year), made day
after day as the application records them (ids follow the days). Activities
are legal-education events, consultations, services, training and rule-of-law culture, more than
half by one of ``Size.organizations`` filed community organizations of their county, the rest by
the village (or town) itself, with people served by kind. Cases are registered with the village's
(or town's) mediation committee, by dispute type and source as 司法部 statistics count them; a case
registered more than ``SETTLED_DAYS`` ago is concluded (about 97% with an agreement, written or
oral, with an amount for most, performed for most once followed up, judicially confirmed for
about one in ten written agreements), the recent ones registered or being mediated. Case numbers
follow each county's yearly series. Everything is written with raw bulk inserts (``COPY`` on
PostgreSQL, ``executemany`` on SQLite), ``CHUNK`` rows at a time, with the two tables' secondary
indexes, unique and foreign-key constraints dropped, then rebuilt and the tables analyzed.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from bench.orgs import COLUMNS as ORG_COLUMNS
from bench.orgs import DATA, FTS_TRIGGERS, Place, _ensure_regions, _p, _person, _places
from bench.people import _drop_secondary, _execute, _fetch, _insert, _plan_of
from peiyu.accounts.models import User
from peiyu.activities import figures
from peiyu.activities.models import Activity, MediationCase
from peiyu.core.scoping import code_range, in_subtree
from peiyu.lib.divisions import is_urban_village, prefix_of
from peiyu.orgs import search as engine_search
from peiyu.orgs.models import Field, Organization
from peiyu.regions.models import Region


@dataclass(frozen=True)
class Size:
    activities: int
    cases: int
    organizations: int


SIZES = {
    "full": Size(activities=6_000_000, cases=4_000_000, organizations=3_000),
    "small": Size(activities=120_000, cases=80_000, organizations=300),
}
SEED = 20261126
CHUNK = 100_000  # rows made and inserted at a time
FIRST_YEAR = 2021
GROWTH = 0.12  # each year holds this much more than the one before
SETTLED_DAYS = 45  # cases registered longer ago than this are concluded
MONTH_RUNS = 20
WARMUP = 3
TARGET_MS = 200
ACTIVITY = Activity._meta.db_table
CASE = MediationCase._meta.db_table
ORG = Organization._meta.db_table
LOADED = (ACTIVITY, CASE)
ACTIVITY_COLUMNS = [f.column for f in Activity._meta.concrete_fields]
CASE_COLUMNS = [f.column for f in MediationCase._meta.concrete_fields]

# (kind, share, people served (low, high), fields, titles)
# fmt: off
KINDS = [
    ("legal_education", 0.34, (30, 260), ("legal_education",), (
        "民法典宣讲进村居", "反电信网络诈骗宣传", "宪法宣传周集中宣讲", "以案释法讲座", "法律明白人入户宣讲",
        "防范养老诈骗宣传", "未成年人保护法进校园", "农村土地承包法律知识讲座", "反家庭暴力法宣传",
    )),
    ("consultation", 0.30, (1, 25), ("legal_aid", "dispute"), (
        "法律咨询服务日", "律师坐班接待", "公共法律服务站接待", "赶集日法律咨询摊位", "线上法律咨询答疑",
    )),
    ("service", 0.16, (5, 80), ("resident_service", "elderly_care", "mutual_aid", "rehabilitation"), (
        "上门代写法律文书", "独居老人走访关爱", "社区矫正对象走访帮教", "困难群众法律援助申请协助", "矛盾纠纷排查走访",
    )),
    ("training", 0.12, (10, 60), ("dispute", "volunteering", "legal_education"), (
        "人民调解员业务培训", "法律明白人培训", "网格员法律知识培训", "志愿者调解技巧培训",
    )),
    ("culture", 0.06, (60, 500), ("culture_sports", "legal_education"), (
        "法治文艺演出", "法治书画展", "法治电影放映", "法治文化墙揭牌",
    )),
    ("other", 0.02, (5, 60), ("volunteering",), ("平安建设志愿巡防", "禁毒宣传志愿活动")),
]
# (dispute type, share, amount involved (yuan, low, high) or None, summaries, terms)
DISPUTES = [
    ("neighbour", 0.22, (0, 5_000), ("邻里之间因排水、通行产生纠纷", "楼上漏水致楼下受损引发纠纷", "邻居噪音扰民引发争吵"),
     "双方互谅互让，恢复通行，今后相互体谅"),
    ("marriage_family", 0.20, (0, 80_000), ("夫妻感情不和引发家庭矛盾", "子女赡养老人费用分担纠纷", "离婚后子女抚养费纠纷"),
     "子女按月支付赡养费，轮流照顾老人"),
    ("housing", 0.08, (1_000, 60_000), ("宅基地翻建边界纠纷", "房屋租赁押金纠纷"), "按原界址翻建，一方适当补偿"),
    ("contract", 0.07, (2_000, 150_000), ("买卖合同货款纠纷", "承揽合同工程款纠纷"), "分期支付欠款"),
    ("business", 0.03, (5_000, 200_000), ("合伙经营利润分配纠纷", "养殖场租赁经营纠纷"), "按出资比例分配，结清账目"),
    ("damages", 0.09, (1_000, 80_000), ("饲养的狗咬伤路人引发赔偿纠纷", "施工损坏相邻房屋赔偿纠纷"), "一次性赔偿医疗费等损失"),
    ("land", 0.08, (0, 50_000), ("土地承包经营权流转纠纷", "山林权属边界纠纷", "土地流转租金纠纷"), "按合同约定支付租金，重新确认界址"),
    ("demolition", 0.02, (10_000, 300_000), ("征地补偿款分配纠纷",), "按户籍人口分配补偿款"),
    ("environment", 0.01, (0, 20_000), ("养殖异味污染纠纷",), "限期整改，给予适当补偿"),
    ("labour", 0.06, (2_000, 60_000), ("拖欠农民工工资纠纷", "工伤赔偿纠纷"), "用人单位限期结清工资"),
    ("consumer", 0.03, (200, 20_000), ("装修质量纠纷", "预付卡退费纠纷"), "商家退还部分费用"),
    ("medical", 0.01, (5_000, 150_000), ("诊疗费用及损害赔偿纠纷",), "医疗机构给予一次性补偿"),
    ("traffic", 0.05, (2_000, 120_000), ("电动车与行人碰撞赔偿纠纷", "交通事故医疗费赔偿纠纷"), "肇事方赔偿医疗费、误工费"),
    ("property_management", 0.04, (500, 20_000), ("物业费收缴纠纷", "小区停车位纠纷"), "业主补缴物业费，物业整改服务"),
    ("other", 0.01, None, ("其他民间纠纷",), "双方达成谅解"),
]
SOURCES = (("application", 0.60), ("initiative", 0.30), ("police", 0.05), ("court", 0.03), ("government", 0.02))
# fmt: on
ORG_WORDS = (
    "人民调解志愿队",
    "法律明白人服务队",
    "法治宣传志愿服务队",
    "平安巡防队",
    "乡贤调解会",
    "巾帼志愿服务队",
)
VENUES = ("党群服务中心", "新时代文明实践站", "文化广场", "村（居）委会会议室")
ACTIVITY_MONTHS = (0.9, 0.6, 1.2, 1.0, 1.0, 1.1, 0.9, 0.9, 1.0, 0.8, 1.1, 1.3)
CASE_MONTHS = (1.3, 1.2, 1.0, 1.0, 0.9, 0.9, 1.0, 0.9, 1.0, 1.1, 1.0, 1.2)


@dataclass
class Generated:
    """What the run needs to know about the data, gathered while it is made."""

    rows: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    per_county: Counter[str] = field(default_factory=Counter)
    county_names: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _day_plan(cumulative: list[float], count: int) -> Iterator[int]:
    """The day (index) of each of ``count`` rows, in order, spread by the days' weights."""
    total, made = cumulative[-1], 0
    for day, weight in enumerate(cumulative):
        upto = round(weight / total * count)
        for _n in range(upto - made):
            yield day
        made = upto


def _abbreviations(names: dict[str, str]) -> dict[str, str]:
    """Each county's short name in case numbers: its first character, or as many as make it
    unique in the province (溧阳市 and 溧水区 cannot both be 溧)."""
    short: dict[str, str] = {}
    for code, name in sorted(names.items()):
        for length in range(1, len(name) + 1):
            if name[:length] not in short.values():
                short[code] = name[:length]
                break
    return short


class Maker:
    """Makes up the province's activities and mediation cases, chunk by chunk, as row tuples
    ready for the engine."""

    def __init__(self, size: Size, villages: list[Place], towns: list[Place], user_id: int) -> None:
        self.size = size
        self.rng = random.Random(SEED)
        self.postgres = connection.vendor == "postgresql"
        self.user_id = user_id
        self.villages = villages
        self.towns = {t.town_code: t for t in towns}
        self.place_weights = _cumulative([2.0 if is_urban_village(v.code) else 1.0 for v in villages])
        self.generated = Generated(county_names={v.county_code: v.county for v in villages})
        self.abbreviation = _abbreviations(self.generated.county_names)
        today = timezone.localdate()
        self.today = today
        first = datetime.date(FIRST_YEAR, 1, 1).toordinal()
        self.days = [datetime.date.fromordinal(d) for d in range(first, today.toordinal())]
        self.iso = [d.isoformat() for d in self.days]
        self.day_index = {d: i for i, d in enumerate(self.days)}
        self.activity_days = _cumulative(
            [(1 + GROWTH) ** (d.year - FIRST_YEAR) * ACTIVITY_MONTHS[d.month - 1] for d in self.days]
        )
        self.case_days = _cumulative(
            [(1 + GROWTH) ** (d.year - FIRST_YEAR) * CASE_MONTHS[d.month - 1] for d in self.days]
        )
        self.kinds = _cumulative([k[1] for k in KINDS])
        self.disputes = _cumulative([d[1] for d in DISPUTES])
        self.sources = _cumulative([s[1] for s in SOURCES])
        self.field_ids = dict(Field.objects.values_list("code", "id"))
        suffix = "+00" if self.postgres else ""
        # Local times of day (Asia/Shanghai) as UTC on the same day: 09:00, 14:00, 19:00.
        self.slots = [
            (f" 01:00:00{suffix}", f" 03:00:00{suffix}"),
            (f" 06:00:00{suffix}", f" 08:30:00{suffix}"),
        ]
        self.slots.append((f" 11:00:00{suffix}", f" 12:30:00{suffix}"))
        now = timezone.now()
        self.now = now.isoformat(sep=" ") if self.postgres else now.replace(tzinfo=None).isoformat(sep=" ")
        self.orgs_by_county: dict[str, list[int]] = defaultdict(list)
        self.serial: Counter[tuple[str, int]] = Counter()
        self.next_activity = 1
        self.next_case = 1
        # Rows are made day after day, as they are recorded: ids follow the days.
        self.activity_plan = _day_plan(self.activity_days, size.activities)
        self.case_plan = _day_plan(self.case_days, size.cases)

    # -- organizations ----------------------------------------------------------------------

    def organizations(self) -> list[tuple[Any, ...]]:
        """Filed community organizations that hold activities, in villages of every county."""
        rng = self.rng
        first = int(_fetch(f"SELECT COALESCE(MAX(id), 0) FROM {ORG}")[0][0]) + 1
        rows = []
        for pk in range(first, first + self.size.organizations):
            place = self.villages[bisect.bisect(self.place_weights, rng.random() * self.place_weights[-1])]
            leader, phone = _person(rng)
            established = datetime.date(rng.randint(2012, 2022), rng.randint(1, 12), rng.randint(1, 28))
            row = {
                "id": pk, "name": f"{place.town}{place.name}{rng.choice(ORG_WORDS)}", "source": "filed",
                "legal_form": "", "uscc": "", "filing_number": f"{place.town_code[:9]}-{established.year}-{pk:07d}",
                "category": "community", "development_type": "grassroots", "region_id": place.code,
                "authority_id": place.town_code, "address": f"{place.town}{place.name}", "established_how": "community",
                "active_people": rng.randint(5, 60), "leader_name": leader, "leader_phone": phone,
                "contact_name": "", "contact_phone": "", "guidance_unit": f"{place.town}人民政府",
                "party_organization": "none", "has_charter": True, "has_member_congress": False, "has_board": False,
                "has_supervisors": False, "is_decoupled": False, "pledge_signed_on": None, "description": "",
                "established_on": established.isoformat(), "filed_on": established.isoformat(),
                "registered_on": None, "ended_on": None, "status": "active", "version": 1,
                "created_at": self.now, "updated_at": self.now,
            }  # fmt: skip
            rows.append((*(row[c] for c in ORG_COLUMNS), ""))
            self.orgs_by_county[place.county_code].append(pk)
        return rows

    # -- activities ---------------------------------------------------------------------------

    def activities(self, count: int) -> list[tuple[Any, ...]]:
        rng = self.rng
        random_ = rng.random
        villages, weights, total = self.villages, self.place_weights, self.place_weights[-1]
        iso, plan = self.iso, self.activity_plan
        kinds, kind_total = self.kinds, self.kinds[-1]
        fields, slots, kinds_seen = self.field_ids, self.slots, self.generated.kinds
        per_county = self.generated.per_county
        rows = []
        for _n in range(count):
            pk = self.next_activity
            self.next_activity += 1
            place = villages[bisect.bisect(weights, random_() * total)]
            day_at = next(plan)
            day = iso[day_at]
            kind, _share, (low, high), kind_fields, titles = KINDS[
                bisect.bisect(kinds, random_() * kind_total)
            ]
            kinds_seen[kind] += 1
            per_county[place.county_code] += 1
            at_town = random_() < 0.12
            region = place.town_code if at_town else place.code
            where = f"{place.town}综治中心" if at_town else f"{place.name}{VENUES[int(random_() * 4)]}"
            organizations = self.orgs_by_county.get(place.county_code)
            organization = (
                organizations[int(random_() * len(organizations))]
                if organizations and random_() < 0.55
                else None
            )
            starts: str | None = None
            ends: str | None = None
            if random_() < 0.6:
                start_time, end_time = slots[int(random_() * 3)]
                starts, ends = day + start_time, day + end_time
            title = titles[int(random_() * len(titles))]
            rows.append(
                (
                    pk, organization, region, kind, f"{place.name}{title}", day,
                    starts, ends, where, fields.get(kind_fields[int(random_() * len(kind_fields))]),
                    low + int(random_() * (high - low + 1)), None, "", f"{pk:032x}", self.user_id, 1, self.now,
                )
            )  # fmt: skip
        return rows

    # -- mediation cases ----------------------------------------------------------------------

    def cases(self, count: int) -> list[tuple[Any, ...]]:
        rng = self.rng
        random_ = rng.random
        villages, weights, total = self.villages, self.place_weights, self.place_weights[-1]
        days, plan = self.days, self.case_plan
        last = len(days) - 1
        disputes, dispute_total = self.disputes, self.disputes[-1]
        sources, source_total = self.sources, self.sources[-1]
        statuses, per_county = self.generated.statuses, self.generated.per_county
        d = self.date
        rows = []
        for _n in range(count):
            pk = self.next_case
            self.next_case += 1
            place = villages[bisect.bisect(weights, random_() * total)]
            county = place.county_code
            per_county[county] += 1
            at = next(plan)
            registered = days[at]
            self.serial[(county, registered.year)] += 1
            number = f"（{registered.year}）{self.abbreviation[county]}人调字第{self.serial[(county, registered.year)]}号"
            at_town = random_() < 0.15
            region = place.town_code if at_town else place.code
            committee = f"{place.town}人民调解委员会" if at_town else f"{place.name}人民调解委员会"
            organizations = self.orgs_by_county.get(county)
            organization = (
                organizations[int(random_() * len(organizations))]
                if organizations and random_() < 0.08
                else None
            )
            dispute, _share, amounts, summaries, terms = DISPUTES[
                bisect.bisect(disputes, random_() * dispute_total)
            ]
            source = SOURCES[bisect.bisect(sources, random_() * source_total)][0]
            summary = f"{place.name}{summaries[int(random_() * len(summaries))]}"
            age = last - at
            concluded = age > SETTLED_DAYS or random_() < age / SETTLED_DAYS
            status = "succeeded" if concluded and random_() < 0.97 else "failed" if concluded else (
                "registered" if age < 3 else "mediating"
            )  # fmt: skip
            statuses[status] += 1
            form = text = method = failure = routes = court = ""
            amount: str | None = None
            agreed = due = performed_on = applied = confirmed = closed = None
            performance = "pending"
            if status == "succeeded":
                agreed_at = min(last, at + int(random_() * 20))
                closed = agreed = d(agreed_at)
                written = random_() < 0.7
                form = "written" if written else "oral"
                text = terms
                method = "当场履行" if random_() < 0.4 else "分期履行"
                due = d(agreed_at + 30)
                if amounts is not None and random_() < 0.75:
                    low, high = amounts
                    amount = f"{low + int(random_() * (high - low)) // 100 * 100}.00"
                followed = last - agreed_at > 30 or random_() < 0.5
                if followed:
                    r = random_()
                    performance = "performed" if r < 0.95 else "partly" if r < 0.985 else "not_performed"
                    if performance == "performed":
                        performed_on = d(min(last, agreed_at + 1 + int(random_() * 40)))
                if written and random_() < 0.1 and last - agreed_at > 1:
                    applied_at = agreed_at + 1 + int(random_() * min(29, last - agreed_at - 1))
                    applied = d(applied_at)
                    court = f"{place.county}人民法院"
                    confirmed_at = applied_at + 3 + int(random_() * 12)
                    confirmed = d(confirmed_at) if confirmed_at <= last else None
            elif status == "failed":
                closed = d(min(last, at + int(random_() * 25)))
                failure = "一方当事人拒绝继续调解" if random_() < 0.6 else "双方分歧较大，未能达成协议"
                routes = "已告知当事人可依法申请仲裁或向人民法院提起诉讼"
            rows.append(
                (
                    pk, number, region, committee, organization, dispute, source, summary, "", d(at), status, amount,
                    form, text, agreed, method, due, performance, performed_on, applied, court, confirmed, failure,
                    routes, closed, random_() < 0.02, random_() < 0.01, f"{pk:032x}", self.user_id, 1, self.now,
                )
            )  # fmt: skip
        return rows

    def date(self, index: int) -> str:
        return (
            self.iso[index]
            if index < len(self.iso)
            else (self.days[0] + datetime.timedelta(index)).isoformat()
        )


def _generate(size: Size, maker: Maker) -> Iterator[str]:
    """Generate and insert everything; yield progress comments at full scale."""
    seconds, counted = maker.generated.seconds, maker.generated.rows
    postgres = maker.postgres
    organizations = maker.organizations()
    if not postgres:
        _execute(*FTS_TRIGGERS)  # the search index is not read here
    _insert(ORG, [*ORG_COLUMNS, "search_text"], organizations)
    counted[ORG] = len(organizations)
    if not postgres:
        _execute(*engine_search.SQLITE_SCHEMA)
    started = time.perf_counter()
    rebuild = _drop_secondary(LOADED)
    if not postgres:
        # Outside a transaction; the connection is closed after the load, and reopened with them on.
        _execute("PRAGMA foreign_keys = OFF", "PRAGMA cache_size = -1048576")
    make = insert = 0.0
    total = size.activities + size.cases
    report = max(total // 10, CHUNK)
    done = 0
    for table, count, chunk in (
        (ACTIVITY, size.activities, maker.activities),
        (CASE, size.cases, maker.cases),
    ):
        columns = ACTIVITY_COLUMNS if table == ACTIVITY else CASE_COLUMNS
        for first in range(0, count, CHUNK):
            t0 = time.perf_counter()
            rows = chunk(min(CHUNK, count - first))
            t1 = time.perf_counter()
            _insert(table, columns, rows)
            counted[table] += len(rows)
            make, insert = make + t1 - t0, insert + time.perf_counter() - t1
            done += len(rows)
            if done % report < CHUNK and done < total:
                yield (
                    f"#   … {counted[ACTIVITY]:,} activities, {counted[CASE]:,} cases "
                    f"({time.perf_counter() - started:.0f} s: made {make:.0f} s, inserted {insert:.0f} s)"
                )
    assert counted[ACTIVITY] == size.activities and counted[CASE] == size.cases, counted
    seconds["make"], seconds["insert"] = make, insert
    started = time.perf_counter()
    if postgres:
        _execute("SET maintenance_work_mem = '1GB'", "SET max_parallel_maintenance_workers = 2")
        _execute(*rebuild)
        _execute("RESET maintenance_work_mem", "RESET max_parallel_maintenance_workers")
    else:
        _execute("PRAGMA threads = 2", "PRAGMA cache_size = -2097152", *rebuild)
    seconds["index"] = time.perf_counter() - started
    started = time.perf_counter()
    if postgres:
        _execute(
            *(
                f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"
                for t in LOADED
            ),
            f"VACUUM ANALYZE {ORG}",
            *(f"VACUUM ANALYZE {t}" for t in LOADED),
        )
    else:
        _execute("PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)")
    seconds["analyze"] = time.perf_counter() - started
    connection.close()  # measure with connections as the application opens them


# --------------------------------------------------------------------------------------------
# Measuring

CASE_SQL = (
    "SELECT COUNT(*), "
    "COUNT(*) FILTER (WHERE status IN ('succeeded', 'failed')), "
    "COUNT(*) FILTER (WHERE status = 'succeeded'), "
    "COUNT(*) FILTER (WHERE status = 'succeeded' AND performance = 'performed'), "
    "COUNT(*) FILTER (WHERE confirmed_on IS NOT NULL), "
    "SUM(amount) FILTER (WHERE status = 'succeeded') "
    f"FROM {CASE} WHERE region_id >= %s AND region_id < %s AND registered_on BETWEEN %s AND %s"
)
ACTIVITY_SQL = (
    "SELECT COUNT(*), SUM(beneficiaries), "
    "COUNT(*) FILTER (WHERE kind = 'legal_education'), "
    "SUM(beneficiaries) FILTER (WHERE kind = 'consultation') "
    f"FROM {ACTIVITY} WHERE region_id >= %s AND region_id < %s AND held_on BETWEEN %s AND %s"
)
# The same with the subtree given as its regions' codes: the (region, day) index then seeks each
# region's month instead of scanning every row of the county (see _proposed).
PLACES_SQL = f"region_id IN (SELECT code FROM {Region._meta.db_table} WHERE code >= %s AND code < %s)"
CASE_IN_SQL = CASE_SQL.replace("region_id >= %s AND region_id < %s", PLACES_SQL)
ACTIVITY_IN_SQL = ACTIVITY_SQL.replace("region_id >= %s AND region_id < %s", PLACES_SQL)
CASE_KEYS = ("registered", "handled", "succeeded", "performed", "confirmed", "amount")
ACTIVITY_KEYS = ("activities", "served", "legal_education", "consultations")


def _params(county: str, start: datetime.date, end: datetime.date) -> list[Any]:
    low, high = code_range(county[:6])
    return [low, high, connection.ops.adapt_datefield_value(start), connection.ops.adapt_datefield_value(end)]


def _raw(county: str, start: datetime.date, end: datetime.date, *, listed: bool = False) -> dict[str, Any]:
    """The same two aggregates by hand on the cursor (``listed``: the regions listed)."""
    params = _params(county, start, end)
    with connection.cursor() as cursor:
        cursor.execute(CASE_IN_SQL if listed else CASE_SQL, params)
        cases = cursor.fetchone()
        cursor.execute(ACTIVITY_IN_SQL if listed else ACTIVITY_SQL, params)
        activities = cursor.fetchone()
    return {**dict(zip(CASE_KEYS, cases, strict=True)), **dict(zip(ACTIVITY_KEYS, activities, strict=True))}


def _proposed(county: str, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """``period_figures`` as it would read with the subtree given as its regions' codes (a
    subquery on the regions' primary key) instead of a range of codes: the change proposed for
    ``peiyu.activities.figures`` when the headline misses its target."""
    places = Region.objects.filter(in_subtree(prefix_of(county), "code")).values("code")
    cases = MediationCase.objects.filter(region_id__in=places, registered_on__range=(start, end)).figures()
    held = Activity.objects.filter(region_id__in=places, held_on__range=(start, end)).figures()
    return {**cases, **held}


def _same(ours: dict[str, Any], raw: dict[str, Any]) -> bool:
    """Peiyu's figures and the raw engine's agree (amounts to the fen; the raw sums of an empty
    month are NULL where Peiyu says 0)."""
    for key in (*CASE_KEYS, *ACTIVITY_KEYS):
        value = raw[key]
        mine = ours[key]
        if key == "amount":
            if Decimal(str(value or 0)).quantize(Decimal("0.01")) != Decimal(mine).quantize(Decimal("0.01")):
                return False
        elif int(value or 0) != int(mine):
            return False
    return True


def _ms(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def _pairs(
    generated: Generated, today: datetime.date, count: int, rng: random.Random
) -> list[tuple[str, int, int]]:
    """(county, year, month): counties drawn in proportion to their records (so the busy ones
    come up), months among the complete months generated."""
    counties = sorted(generated.per_county)
    weights = _cumulative([generated.per_county[c] for c in counties])
    months = [
        (y, m)
        for y in range(FIRST_YEAR, today.year + 1)
        for m in range(1, 13)
        if (y, m) < (today.year, today.month)
    ]
    pairs = []
    for _n in range(count):
        county = counties[bisect.bisect(weights, rng.random() * weights[-1])]
        year, month = rng.choice(months)
        pairs.append((county, year, month))
    return pairs


def _month(pairs: list[tuple[str, int, int]], *, proposed: bool = False) -> dict[str, Any]:
    times: dict[str, list[float]] = defaultdict(list)
    for number, (county, year, month) in enumerate(pairs):
        start, end = figures.month_span(year, month)
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("ours", functools.partial(figures.month_figures, county, year, month)),
            ("raw", functools.partial(_raw, county, start, end)),
        ]
        if proposed:
            steps += [
                ("proposed", functools.partial(_proposed, county, start, end)),
                ("raw_listed", functools.partial(_raw, county, start, end, listed=True)),
            ]
        # Each variant goes first (on a cold cache) for as many pairs as the others.
        shift = number % len(steps)
        found: dict[str, Any] = {}
        for name, step in steps[shift:] + steps[:shift]:
            elapsed, found[name] = _ms(step)
            times[name].append(elapsed)
        for name in found:
            assert _same(found["ours"], found[name]), (county, year, month, name, found)
        times["registered"].append(found["ours"]["registered"])
        times["activities"].append(found["ours"]["activities"])
    return times


def _plans(county: str, year: int, month: int, *, listed: bool = False) -> tuple[str, str]:
    params = _params(county, *figures.month_span(year, month))
    if listed:
        return _plan_of(CASE_IN_SQL, params), _plan_of(ACTIVITY_IN_SQL, params)
    return _plan_of(CASE_SQL, params), _plan_of(ACTIVITY_SQL, params)


def run(*, scale: str) -> Iterator[str]:
    size = SIZES[scale]
    DATA.mkdir(exist_ok=True)
    _ensure_regions()
    villages, _liyang, towns = _places()
    user = User.objects.create(
        username="bench-activities-data", is_superuser=True, is_staff=True, account_type="staff"
    )
    maker = Maker(size, villages, towns, user.pk)
    started = time.perf_counter()
    yield from _generate(size, maker)
    made = time.perf_counter() - started
    generated = maker.generated
    seconds, counted = generated.seconds, generated.rows
    statuses = ", ".join(f"{k} {v / size.cases:.2%}" for k, v in generated.statuses.most_common())
    kinds = ", ".join(f"{k} {v / size.activities:.1%}" for k, v in generated.kinds.most_common())
    today = timezone.localdate()
    yield (
        f"# Jiangsu ({len(generated.county_names)} counties, {len(villages):,} villages, {len(towns):,} towns), "
        f"{FIRST_YEAR}-01-01 to {today - datetime.timedelta(days=1)}: {counted[ACTIVITY]:,} activities ({kinds}) "
        f"and {counted[CASE]:,} mediation cases ({statuses}), {counted[ORG]:,} organizations; generated in "
        f"{made:.0f} s: rows made {seconds['make']:.0f} s, inserted {seconds['insert']:.0f} s (indexes and "
        f"constraints dropped), rebuilt {seconds['index']:.0f} s, analyzed {seconds['analyze']:.0f} s"
    )

    rng = random.Random(SEED + 1)
    _month(_pairs(generated, today, WARMUP, rng))
    pairs = _pairs(generated, today, MONTH_RUNS, rng)
    times = _month(pairs, proposed=True)
    ours, raw = _p(times["ours"], 95), _p(times["raw"], 95)
    yield f"BENCH activities_mediation_month_ms {ours:.1f} ms ratio={ours / raw:.2f} target=≤{TARGET_MS}ms"
    yield (
        f"# month_figures over {MONTH_RUNS} (county, month) pairs of {len({p[0] for p in pairs})} counties: p95 "
        f"{ours:.1f} ms, p50 {_p(times['ours'], 50):.1f} ms; the two raw statements p95 {raw:.1f} ms, p50 "
        f"{_p(times['raw'], 50):.1f} ms; per month {_p(times['registered'], 50):.0f} cases and "
        f"{_p(times['activities'], 50):.0f} activities (median), at most {max(times['registered']):.0f} and "
        f"{max(times['activities']):.0f}; every pair gave the same numbers both ways"
    )

    busiest = generated.per_county.most_common(1)[0][0]
    name = generated.county_names[busiest]
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    busy = _month([(busiest, year, month)] * 10)
    result = figures.month_figures(busiest, year, month)
    yield (
        f"# {name}, the busiest county ({generated.per_county[busiest]:,} records), {year}-{month:02d}: "
        f"p95 {_p(busy['ours'], 95):.1f} ms, raw {_p(busy['raw'], 95):.1f} ms; {result['registered']:,} cases "
        f"registered, handled {result['handled_rate']}%, successful {result['success_rate']}%, "
        f"{result['activities']:,} activities serving {result['served']:,}"
    )
    start, end = datetime.date(year - 1 + month // 12, month % 12 + 1, 1), figures.month_span(year, month)[1]
    year_times = [_ms(functools.partial(figures.period_figures, busiest, start, end))[0] for _n in range(5)]
    towns_result: dict[str, Any] = {}
    child_times = []
    for _n in range(5):
        elapsed, towns_result = _ms(functools.partial(figures.figures_by_child, busiest, start, end))
        child_times.append(elapsed)
    month_start = figures.month_span(year, month)[0]
    by_month = functools.partial(figures.figures_by_child, busiest, month_start, end)
    month_child = [_ms(by_month)[0] for _n in range(5)]
    yield (
        f"#   the twelve months to {end} (period_figures): median {_p(year_times, 50):.1f} ms; figures_by_child "
        f"({len(towns_result)} towns) over those twelve months median {_p(child_times, 50):.1f} ms, over the "
        f"month median {_p(month_child, 50):.1f} ms"
    )
    cases_plan, activities_plan = _plans(busiest, year, month)
    yield f"#   plans of the raw statements: cases: {cases_plan}; activities: {activities_plan}"
    proposed, listed = _p(times["proposed"], 95), _p(times["raw_listed"], 95)
    year_proposed = [_ms(functools.partial(_proposed, busiest, start, end))[0] for _n in range(5)]
    yield (
        f"# proposed: the county's regions listed (region_id IN (SELECT code FROM regions_region WHERE code in "
        f"the county's range)) instead of the range of codes, same {MONTH_RUNS} pairs, same numbers: p95 "
        f"{proposed:.1f} ms, p50 {_p(times['proposed'], 50):.1f} ms (ratio {proposed / listed:.2f} to the raw "
        f"statements written so, p95 {listed:.1f} ms); {name}'s twelve months median {_p(year_proposed, 50):.1f} ms"
    )
    cases_plan, activities_plan = _plans(busiest, year, month, listed=True)
    yield f"#   plans with the regions listed: cases: {cases_plan}; activities: {activities_plan}"
