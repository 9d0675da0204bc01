"""Supervision figures at province scale: the rules engine over a million registered
organizations with three years of annual inspections behind them (issue 5).

* ``supervision_rules_1m_s``: ``credit.run_rules(today=TODAY)`` end to end (the drafts of
  ``rules.run``, the proposals written by ``bulk_create``, ``expire_listings`` and the audit
  entry), committed, on an empty proposals table each round (the proposals are deleted between
  rounds), median of ``ROUNDS``. A comment line gives ``list(rules.run(TODAY))`` alone, and how
  its time splits between the engine's per-chunk loads and the rest (the organizations' query and
  the rules in Python). The ratio divides it by one hand-written SQL statement per engine (CTEs
  and window functions) that produces the same set of (organization, rule, key) for the
  inspection rules (``missed_once``, ``two_bad_years``, ``basic_pass_twice``, ``late_report``)
  and the sanction rules (``large_fine``, ``warning_or_small_fine``, ``repeated_penalties``);
  both sets are checked equal and counted per rule. The raw side writes nothing and leaves out
  the seven other rules (a few hundred proposals), so the ratio is what the engine costs over the
  query that finds the bulk of its proposals.

The data: ``SIZES`` registered organizations (associations, service institutions, a few
foundations) in Jiangsu's real villages, registered by their county (``authority`` = the
county's code) between 2005 and 2024, 95% active, with valid credit codes and names unique per
county; one closed campaign per county for 2023, 2024 and 2025 (reports due at the guidance unit
by 31 March and at the authority by 31 May of the next year); an annual report per organization
and campaign year in a realistic mix (about 85% pass, 8% basic pass, 2% fail, 5% missed, that is
no report or a draft; about 2% submitted after the deadline; some 2025 reports still waiting for
a decision), drawn per organization from one of two profiles so that bad years come together as
they do in life (a fifth of the organizations are shaky); warnings, small and large fines and a
few suspensions, with the listings they led to (abnormal-activity listings that end by
themselves six months on, serious-violation listings for large fines), late-report and older
rectification listings; valid and expired grades; on-site visits, a few unreachable twice, and
rectification notices, some not complied with. Everything is streamed ``CHUNK`` organizations at
a time with raw bulk inserts (``COPY`` on PostgreSQL, ``executemany`` on SQLite) with the tables'
secondary indexes, unique and foreign-key constraints dropped (SQLite: the search triggers too),
then rebuilt and the tables analyzed. Search documents are left empty: the rules do not read
them.
"""

from __future__ import annotations

import cProfile
import datetime
import io
import os
import pstats
import random
import statistics
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.orgs import COLUMNS as ORG_COLUMNS
from bench.orgs import DATA, FTS_TRIGGERS, SUFFIXES, TOPICS, Place, _body8, _ensure_regions, _person, _places
from bench.people import _drop_secondary, _execute, _insert
from peiyu.accounts.models import User
from peiyu.core.models import OptionValue
from peiyu.lib import uscc
from peiyu.orgs import search as engine_search
from peiyu.orgs.models import Organization
from peiyu.supervision import rules
from peiyu.supervision.models import (
    AnnualReport,
    Campaign,
    Grade,
    Listing,
    Proposal,
    RectificationNotice,
    Sanction,
    Visit,
)
from peiyu.supervision.options import LARGE_FINE
from peiyu.supervision.services import credit


@dataclass(frozen=True)
class Size:
    organizations: int


SIZES = {"full": Size(organizations=1_000_000), "small": Size(organizations=20_000)}
SEED = 20261123
CHUNK = 5_000  # organizations generated and inserted at a time (about 15,000 reports)
TODAY = datetime.date(2026, 6, 1)
YEARS = (2023, 2024, 2025)
ROUNDS = 3
RAW_RULES = (
    "missed_once", "two_bad_years", "basic_pass_twice", "late_report",
    "large_fine", "warning_or_small_fine", "repeated_penalties",
)  # fmt: skip

ORG = Organization._meta.db_table
CAMPAIGN = Campaign._meta.db_table
REPORT = AnnualReport._meta.db_table
SANCTION = Sanction._meta.db_table
LISTING = Listing._meta.db_table
GRADE = Grade._meta.db_table
VISIT = Visit._meta.db_table
NOTICE = RectificationNotice._meta.db_table
PROPOSAL = Proposal._meta.db_table
LOADED = (ORG, REPORT, SANCTION, LISTING, GRADE, VISIT, NOTICE)

# (pass, basic pass, fail, missed) per campaign year for the two profiles: 80% reliable and 20%
# shaky give 85% / 8% / 2% / 5% overall, with bad years coming together.
RELIABLE = (0.93, 0.05, 0.005, 0.015)
SHAKY = (0.53, 0.20, 0.08, 0.19)
SHAKY_SHARE = 0.20
LATE = 0.02  # of the reports submitted, after the authority's deadline
EXEMPT = 0.003
STILL_PENDING_2025 = 0.08  # of the 2025 reports submitted on time, not decided yet
RETURNED_2025 = 0.01
ACTIVE, DEREGISTERED = 0.95, 0.035  # the rest revoked
LEGAL_FORMS = (("association", "51", 0.55), ("service_institution", "52", 0.98), ("foundation", "53", 1.0))
FLAVOURS = [
    "青年",
    "老年",
    "妇女",
    "新时代",
    "乡贤",
    "银发",
    "阳光",
    "和谐",
    "幸福",
    "同心",
    "红枫",
    "春晖",
    "启明",
    "惠民",
    "邻里",
    "桑榆",
]
CATEGORIES = ("trade", "science", "charity", "community")
DEVELOPMENT = ("grassroots", "hub", "industry", "professional", "network")
ACTIVITIES = (
    "全年开展公益活动{n}次，服务群众{m}人次。",
    "举办培训讲座{n}场，参与会员{m}人次。",
    "组织志愿服务{n}次，受益群众{m}人。",
)
REASONS = {
    "basic_pass": ("财务管理制度不健全", "未按章程按期换届", "内部治理不规范", "会计核算不规范"),
    "fail": ("未按规定使用票据", "财务收支未纳入法定账户", "超出章程规定的宗旨和业务范围开展活动"),
}
SMALL_FINES = (1_000, 2_000, 3_000, 5_000, 8_000, 10_000, 20_000, 30_000, 49_000)
LARGE_FINES = (50_000, 50_000, 60_000, 80_000, 100_000, 150_000, 200_000)
SANCTION_REASONS = {
    "warning": "未按规定参加年度检查",
    "fine": "违反规定收取费用",
    "stop_activity": "超出章程规定的宗旨和业务范围进行活动",
}


def _plus_months(day: datetime.date, months: int) -> datetime.date:
    """As ``credit.expiry_of`` counts months."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


# --------------------------------------------------------------------------------------------
# Generating the data


@dataclass
class Generated:
    """What the run needs to know about the data, gathered while it is made."""

    campaigns: int = 0
    counties: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    late: int = 0
    pairs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class Maker:
    """Makes up registered organizations and their supervision history, chunk by chunk."""

    def __init__(self, villages: list[Place], user_id: int) -> None:
        self.villages = villages
        self.user_id = user_id
        self.rng = random.Random(SEED)
        self.postgres = connection.vendor == "postgresql"
        self.tz = "+00" if self.postgres else ""
        self.counties = sorted({p.county_code for p in villages})
        self.county_names = {p.county_code: p.county for p in villages}
        # Villages of one county may share a short name: names are kept unique per (county, short
        # name) by a counter per group, topic and suffix.
        groups: dict[tuple[str, str], int] = {}
        self.group = [groups.setdefault((p.county_code, p.name), len(groups)) for p in villages]
        self.combinations = len(TOPICS) * len(SUFFIXES)
        self.taken = array("H", bytes(2 * len(groups) * self.combinations))
        self.first_day = datetime.date(2004, 1, 1).toordinal()
        last = datetime.date(2032, 1, 1).toordinal()
        self.days = [datetime.date.fromordinal(d).isoformat() for d in range(self.first_day, last)]
        self.minutes = [f"{m // 60:02d}:{m % 60:02d}:00{self.tz}" for m in range(1440)]
        offset = datetime.datetime(2025, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).utcoffset()
        assert offset is not None
        self.offset = int(offset.total_seconds()) // 60
        self.now = (
            timezone.now().isoformat(sep=" ")
            if self.postgres
            else timezone.now().replace(tzinfo=None).isoformat(sep=" ")
        )
        self.campaign_ids: dict[tuple[str, int], int] = {}
        self.deadline = {y: datetime.date(y + 1, 5, 31).toordinal() for y in YEARS}
        self.generated = Generated()
        self.ids: Counter[str] = Counter()

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def day(self, ordinal: int) -> str:
        return self.days[ordinal - self.first_day]

    def moment(self, ordinal: int, minute: int) -> str:
        """A local day and minute as the engine stores it: UTC (naive on SQLite)."""
        utc_day, utc_minute = divmod(ordinal * 1440 + minute - self.offset, 1440)
        return f"{self.days[utc_day - self.first_day]} {self.minutes[utc_minute]}"

    def campaigns(self) -> list[tuple[Any, ...]]:
        rows = []
        for county in self.counties:
            for year in YEARS:
                pk = self.next_id(CAMPAIGN)
                self.campaign_ids[county, year] = pk
                opened = datetime.date(year, 12, 15).toordinal()
                closed = datetime.date(year + 1, 6, 15).toordinal()
                rows.append(
                    (
                        pk, year, county, f"{year + 1}-03-31", f"{year + 1}-05-31", "closed",
                        f"请于{year + 1}年5月31日前报送{year}年度工作报告。", None,
                        self.moment(opened, 9 * 60), self.moment(closed, 9 * 60), 3,
                    )
                )  # fmt: skip
        self.generated.campaigns, self.generated.counties = len(rows), len(self.counties)
        return rows

    def name(self, village: int, place: Place) -> str:
        rng = self.rng
        topic, suffix = rng.randrange(len(TOPICS)), rng.randrange(len(SUFFIXES))
        slot = self.group[village] * self.combinations + topic * len(SUFFIXES) + suffix
        n = self.taken[slot]
        self.taken[slot] = n + 1
        base = f"{TOPICS[topic]}{SUFFIXES[suffix]}"
        if n == 0:
            return f"{place.name}{base}"
        flavour = FLAVOURS[(n - 1) % len(FLAVOURS)]
        again = (n - 1) // len(FLAVOURS)
        return f"{place.name}{flavour}{base}" + (f"（{again + 1}）" if again else "")

    def chunk(self, first: int, last: int) -> dict[str, list[tuple[Any, ...]]]:
        """The organizations ``first`` ≤ index < ``last`` and their history, as rows per table."""
        rng = self.rng
        random_ = rng.random
        rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for index in range(first, last):
            pk = index + 1
            v = rng.randrange(len(self.villages))
            place = self.villages[v]
            county = place.county_code
            registered = rng.randint(
                datetime.date(2005, 1, 1).toordinal(), datetime.date(2024, 12, 31).toordinal()
            )
            r = random_()
            status = "active" if r < ACTIVE else "deregistered" if r < ACTIVE + DEREGISTERED else "revoked"
            ended = None
            if status != "active":
                start = max(registered + 200, datetime.date(2021, 1, 1).toordinal())
                ended = rng.randint(start, max(start, datetime.date(2026, 3, 31).toordinal()))
            r = random_()
            form, prefix = next((f, p) for f, p, share in LEGAL_FORMS if r < share)
            body = _body8(index)
            code17 = f"{prefix}{county[:6]}{body}{uscc.inner_check_character(body)}"
            leader, phone = _person(rng)
            day = self.day(registered)
            rows[ORG].append(
                (
                    pk, self.name(v, place), "registered", form, code17 + uscc.check_character(code17), "",
                    rng.choice(CATEGORIES), rng.choice(DEVELOPMENT), place.code, county,
                    f"{place.town}{place.name}", "", rng.randint(10, 500), leader, phone, "", "",
                    f"{place.county}民政局", rng.choice(("none", "none", "joint", "instructor")),
                    True, form == "association", True, random_() < 0.6, random_() < 0.8, None, "",
                    day, None, day, None if ended is None else self.day(ended), status, 1, self.now, self.now, "",
                )
            )  # fmt: skip
            shaky = random_() < SHAKY_SHARE
            ended_year = 9999 if ended is None else datetime.date.fromordinal(ended).year
            registered_year = datetime.date.fromordinal(registered).year
            late_years = []
            for year in YEARS:
                if registered_year > year or ended_year <= year:
                    continue
                if self.report(rows, pk, county, year, shaky):
                    late_years.append(year)
            self.history(rows, pk, county, shaky, late_years, active=status == "active")
        return rows

    def report(
        self, rows: dict[str, list[tuple[Any, ...]]], org: int, county: str, year: int, shaky: bool
    ) -> bool:
        """The organization's report for ``year`` (or none); True if it was submitted late."""
        rng = self.rng
        random_ = rng.random
        generated = self.generated
        generated.pairs += 1
        p_pass, p_basic, p_fail, _p_missed = SHAKY if shaky else RELIABLE
        r = random_()
        outcome = (
            "pass"
            if r < p_pass
            else "basic_pass"
            if r < p_pass + p_basic
            else "fail"
            if r < p_pass + p_basic + p_fail
            else "missed"
        )
        deadline = self.deadline[year]
        opened = datetime.date(year + 1, 1, 5).toordinal()
        late = False
        status, conclusion, reasons, exemption = "decided", "", "", ""
        if outcome == "missed":
            r = random_()
            if r < 0.5:
                generated.outcomes["missed (no report)"] += 1
                return False
            if r < 0.9:
                status, submitted = "draft", None
                generated.outcomes["missed (draft)"] += 1
            else:  # submitted late, not decided yet
                status, late = "submitted", True
                submitted = rng.randint(deadline + 1, deadline + 120)
                generated.outcomes["missed (late, undecided)"] += 1
        else:
            late = random_() < LATE
            submitted = rng.randint(deadline + 1, deadline + 120) if late else rng.randint(opened, deadline)
            if outcome == "pass" and random_() < EXEMPT:
                status, exemption = "exempt", "当年成立未满六个月"
                generated.outcomes["exempt"] += 1
            elif year == 2025 and not late and random_() < STILL_PENDING_2025 + RETURNED_2025:
                status = (
                    "submitted"
                    if random_() < STILL_PENDING_2025 / (STILL_PENDING_2025 + RETURNED_2025)
                    else "returned"
                )
                generated.outcomes[f"pending ({status})"] += 1
            else:
                conclusion = outcome
                if outcome in REASONS:
                    reasons = rng.choice(REASONS[outcome])
                generated.outcomes[outcome] += 1
        generated.late += late
        minute = rng.randrange(1440)
        income = rng.randrange(0, 3_000_000) if submitted is not None else None
        rows[REPORT].append(
            (
                self.next_id(REPORT), self.campaign_ids[county, year], org, "inspection", status,
                rng.choice(ACTIVITIES).format(n=rng.randint(2, 40), m=rng.randint(20, 3000)),
                income, None if income is None else income * rng.randint(60, 110) // 100,
                None if income is None else rng.randrange(0, 5_000_000), rng.randint(0, 12), "", "",
                None if submitted is None else self.moment(submitted, minute), conclusion, reasons, exemption,
                None, self.moment(submitted + rng.randint(5, 60), 10 * 60) if conclusion else None, 1,
            )
        )  # fmt: skip
        return late

    def listing(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        org: int,
        kind: str,
        ground: str,
        notified: int,
        *,
        needs_rectification: bool,
        removed: bool = False,
    ) -> None:
        """A listing notified on ``notified`` and listed 15 days later (if that has come);
        one that needs no rectification ends six months on, as ``expire_listings`` would."""
        listed: int | None = notified + 15
        today = TODAY.toordinal()
        status, rectified, removed_on, reason = "listed", None, None, ""
        if listed > today:
            status, listed = "notified", None
        elif not needs_rectification:
            expiry = _plus_months(datetime.date.fromordinal(listed), 6).toordinal()
            if expiry <= today:
                status, removed_on, reason = "removed", expiry, "列入满六个月，无需整改，自动移出"
        elif removed:
            rectified = min(today, listed + self.rng.randint(20, 90))
            status, removed_on, reason = "removed", min(today, rectified + 5), "已完成整改"
        rows[LISTING].append(
            (
                self.next_id(LISTING), org, kind, ground, "", needs_rectification, status, self.day(notified),
                None if listed is None else self.day(listed), None if rectified is None else self.day(rectified),
                None if removed_on is None else self.day(removed_on), reason, None, self.user_id, 1,
            )
        )  # fmt: skip

    def history(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        org: int,
        county: str,
        shaky: bool,
        late_years: list[int],
        *,
        active: bool,
    ) -> None:
        """Sanctions and their listings, late-report and older listings, grades, visits and notices."""
        rng = self.rng
        random_ = rng.random
        today = TODAY.toordinal()
        # Late reports of earlier years: mostly listed, half of those rectified since.
        for year in late_years:
            if year < 2025 and random_() < 0.7:
                notified = self.deadline[year] + rng.randint(60, 150)
                self.listing(
                    rows,
                    org,
                    "abnormal",
                    "late_report",
                    notified,
                    needs_rectification=True,
                    removed=random_() < 0.5,
                )
        if shaky and random_() < 0.01:  # an older listing never put right
            notified = rng.randint(
                datetime.date(2022, 1, 1).toordinal(), datetime.date(2025, 6, 1).toordinal()
            )
            self.listing(rows, org, "abnormal", "rectification_not_done", notified, needs_rectification=True)
        if random_() < (0.08 if shaky else 0.01):
            for _n in range(rng.choice((1, 1, 1, 1, 1, 1, 1, 2, 2, 3))):
                decided = rng.randint(datetime.date(2019, 1, 1).toordinal(), today - 7)
                r = random_()
                kind, amount = (
                    ("warning", None) if r < 0.55
                    else ("fine", rng.choice(SMALL_FINES)) if r < 0.88
                    else ("fine", rng.choice(LARGE_FINES)) if r < 0.95
                    else ("stop_activity", None)
                )  # fmt: skip
                year = datetime.date.fromordinal(decided).year
                rows[SANCTION].append(
                    (
                        self.next_id(SANCTION), org, kind, amount, self.day(decided),
                        f"{county[:6]}民罚〔{year}〕{rng.randint(1, 400)}号", SANCTION_REASONS[kind], self.user_id,
                    )
                )  # fmt: skip
                notified = decided + rng.randint(3, 15)
                if kind == "stop_activity" or (amount or 0) >= 50_000:
                    if random_() < 0.8:
                        ground = "stop_activity" if kind == "stop_activity" else "large_fine"
                        self.listing(rows, org, "serious", ground, notified, needs_rectification=True)
                elif random_() < 0.6:
                    self.listing(
                        rows, org, "abnormal", "warning_or_small_fine", notified, needs_rectification=False
                    )
        if random_() < (0.01 if shaky else 0.03):
            awarded = rng.randint(
                datetime.date(2019, 1, 1).toordinal(), datetime.date(2025, 12, 31).toordinal()
            )
            start = datetime.date.fromordinal(awarded)
            until = datetime.date(start.year + 5, start.month, min(start.day, 28)).toordinal() - 1
            valid = until >= today
            level = rng.choices((1, 2, 3, 4, 5), weights=(5, 20, 45, 22, 8))[0]
            rows[GRADE].append(
                (
                    self.next_id(GRADE), org, level, self.day(awarded), self.day(until), None,
                    "valid" if valid else "expired", None if valid else self.day(until), "" if valid else "有效期届满", None,
                )
            )  # fmt: skip
        if active and random_() < (0.05 if shaky else 0.006):
            planned = rng.randint(datetime.date(2024, 1, 1).toordinal(), today - 30)
            unreachable = self.visit(rows, org, county, planned)
            if unreachable and random_() < 0.6:
                self.visit(rows, org, county, planned + rng.randint(20, 60), again=True)

    def visit(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        org: int,
        county: str,
        planned: int,
        *,
        again: bool = False,
    ) -> bool:
        """One visit (and a notice after some); True if nobody was found."""
        rng = self.rng
        random_ = rng.random
        r = random_()
        status = "done" if again or r < 0.85 else "planned" if r < 0.95 else "cancelled"
        inspected = planned + rng.randint(0, 5) if status == "done" else None
        unreachable = status == "done" and random_() < (0.7 if again else 0.08)
        pk = self.next_id(VISIT)
        rows[VISIT].append(
            (
                pk, None, org, self.day(planned), None if inspected is None else self.day(inspected), "张伟、李娜",
                status, "登记住所无人，无法联系" if unreachable else "", unreachable, None, 1,
            )
        )  # fmt: skip
        if inspected is not None and not unreachable and random_() < 0.25:
            deadline = inspected + 30
            r = random_()
            notice = "closed" if r < 0.7 else "failed" if r < 0.85 else "open"
            if deadline >= TODAY.toordinal():
                notice = "open"
            rows[NOTICE].append(
                (
                    self.next_id(NOTICE), pk, org, f"{county[:6]}民整〔{datetime.date.fromordinal(inspected).year}〕{pk}号",
                    "完善财务管理制度，按章程召开理事会。", self.day(deadline), notice,
                    None if notice == "open" else self.day(deadline + 3), "" if notice == "open" else "复查完毕",
                    None, self.user_id, self.moment(inspected, 15 * 60), 1,
                )
            )  # fmt: skip
        return unreachable


COLUMNS = {
    ORG: [*ORG_COLUMNS, "search_text"],
    REPORT: [f.column for f in AnnualReport._meta.concrete_fields],
    SANCTION: [f.column for f in Sanction._meta.concrete_fields],
    LISTING: [f.column for f in Listing._meta.concrete_fields],
    GRADE: [f.column for f in Grade._meta.concrete_fields],
    VISIT: [f.column for f in Visit._meta.concrete_fields],
    NOTICE: [f.column for f in RectificationNotice._meta.concrete_fields],
}


def _generate(size: Size, maker: Maker) -> Iterator[str]:
    """Generate and insert everything; yield progress comments at full scale."""
    seconds = maker.generated.seconds
    postgres = maker.postgres
    _insert(CAMPAIGN, [f.column for f in Campaign._meta.concrete_fields], maker.campaigns())
    started = time.perf_counter()
    rebuild = _drop_secondary(LOADED)
    if not postgres:
        # Outside a transaction; the connection is closed after the load, and reopened with them on.
        _execute("PRAGMA foreign_keys = OFF", "PRAGMA cache_size = -1048576", *FTS_TRIGGERS)
    make = insert = 0.0
    report = max(size.organizations // 10, CHUNK)
    for first in range(0, size.organizations, CHUNK):
        t0 = time.perf_counter()
        rows = maker.chunk(first, min(first + CHUNK, size.organizations))
        t1 = time.perf_counter()
        for table in LOADED:
            if rows[table]:
                _insert(table, COLUMNS[table], rows[table])
                maker.generated.rows[table] += len(rows[table])
        make, insert = make + t1 - t0, insert + time.perf_counter() - t1
        done = first + CHUNK
        if done % report == 0 and done < size.organizations:
            yield (
                f"#   … {done:,} organizations, {maker.generated.rows[REPORT]:,} reports "
                f"({time.perf_counter() - started:.0f} s: made {make:.0f} s, inserted {insert:.0f} s)"
            )
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
                for t in (CAMPAIGN, *LOADED)
                if maker.ids[t]
            ),
            *(f"VACUUM ANALYZE {t}" for t in (CAMPAIGN, *LOADED, PROPOSAL)),
        )
    else:
        _execute("PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)")
    seconds["analyze"] = time.perf_counter() - started
    connection.close()  # measure with connections as the application opens them


# --------------------------------------------------------------------------------------------
# The hand-written statement


def _raw_sql() -> tuple[str, dict[str, Any]]:
    """One statement producing (organization_id, rule, key) for the inspection and sanction
    rules, as ``rules.evaluate`` does. The report's submission day is the local day (the
    engine converts to the current time zone), and the last of several recent small penalties is
    the latest day's lowest id (the engine sorts the rows it reads newest first, id descending,
    by day, stably)."""
    postgres = connection.vendor == "postgresql"
    large = options_large_fine()
    params: dict[str, Any] = {
        "today": connection.ops.adapt_datefield_value(TODAY),
        "window": connection.ops.adapt_datefield_value(rules.years_ago(TODAY, 3)),
        "large": large,
    }
    if postgres:
        local = "(r.submitted_at AT TIME ZONE %(zone)s)::date"
        since = "EXTRACT(YEAR FROM o.registered_on)"
        params["zone"] = settings.TIME_ZONE
    else:
        offset = datetime.datetime(2025, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).utcoffset()
        assert offset is not None
        local = "date(r.submitted_at, %(offset)s)"
        since = "CAST(substr(o.registered_on, 1, 4) AS INTEGER)"
        params["offset"] = f"{int(offset.total_seconds()) // 60:+d} minutes"
    bad = "('missed', 'fail')"
    sql = f"""
WITH closed AS (
    SELECT id, authority_id, year, authority_deadline FROM {CAMPAIGN}
    WHERE status <> 'draft' AND authority_deadline < %(today)s
), outcomes AS (
    SELECT o.id AS org, c.year,
        CASE WHEN r.status = 'exempt' THEN 'exempt'
             WHEN r.status = 'decided' AND r.conclusion <> '' THEN r.conclusion
             WHEN {local} <= c.authority_deadline THEN 'pending'
             ELSE 'missed' END AS result,
        CASE WHEN {local} > c.authority_deadline THEN 1 ELSE 0 END AS late
    FROM {ORG} o
    JOIN closed c ON c.authority_id = o.authority_id
    LEFT JOIN {REPORT} r ON r.campaign_id = c.id AND r.organization_id = o.id
    WHERE o.source = 'registered' AND o.status = 'active' AND (o.registered_on IS NULL OR {since} <= c.year)
), ranked AS (
    SELECT org, year, result, late, ROW_NUMBER() OVER w AS n, LEAD(year) OVER w AS before_year,
        LEAD(result) OVER w AS before
    FROM outcomes WINDOW w AS (PARTITION BY org ORDER BY year DESC)
), latest AS (
    SELECT org, year, result, late, CASE WHEN before_year = year - 1 THEN before ELSE '' END AS previous
    FROM ranked WHERE n = 1
), penalties AS (
    SELECT s.id, s.organization_id AS org, s.decided_on,
        CASE WHEN s.kind = 'fine' AND COALESCE(s.amount, 0) >= %(large)s THEN 1 ELSE 0 END AS large
    FROM {SANCTION} s JOIN {ORG} o ON o.id = s.organization_id
    WHERE o.source = 'registered' AND s.kind IN ('warning', 'fine')
), recent AS (
    SELECT org, id, ROW_NUMBER() OVER (PARTITION BY org ORDER BY decided_on DESC, id) AS n,
        COUNT(*) OVER (PARTITION BY org) AS k
    FROM penalties WHERE large = 0 AND decided_on > %(window)s
)
SELECT org, 'two_bad_years', 'two_bad_years:' || org || ':' || year FROM latest
WHERE result IN {bad} AND previous IN {bad}
UNION ALL
SELECT org, 'missed_once', 'missed_once:' || org || ':' || year FROM latest
WHERE result = 'missed' AND previous NOT IN {bad}
UNION ALL
SELECT org, 'basic_pass_twice', 'basic_pass_twice:' || org || ':' || year FROM latest
WHERE result = 'basic_pass' AND previous = 'basic_pass'
    AND org IN (SELECT organization_id FROM {GRADE} WHERE status = 'valid' AND valid_until >= %(today)s)
UNION ALL
SELECT org, 'late_report', 'late_report:' || org || ':' || year FROM latest
WHERE late = 1 AND NOT EXISTS (
    SELECT 1 FROM {LISTING} l WHERE l.organization_id = latest.org AND l.list = 'abnormal'
    AND l.ground = 'late_report' AND l.status <> 'removed')
UNION ALL
SELECT org, CASE WHEN large = 1 THEN 'large_fine' ELSE 'warning_or_small_fine' END,
    CASE WHEN large = 1 THEN 'large_fine:' ELSE 'warning_or_small_fine:' END || id
FROM penalties
UNION ALL
SELECT org, 'repeated_penalties', 'repeated_penalties:' || org || ':' || id FROM recent WHERE n = 1 AND k >= 2
"""
    return sql, params


def options_large_fine() -> int:
    """The large-fine threshold: the setting's default, as no county overrides it here."""
    assert not OptionValue.objects.filter(key=LARGE_FINE.key).exists()
    return int(LARGE_FINE.default)


def _raw() -> tuple[float, list[tuple[int, str, str]]]:
    sql, params = _raw_sql()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [(int(o), str(r), str(k)) for o, r, k in cursor.fetchall()]
    return time.perf_counter() - started, rows


# --------------------------------------------------------------------------------------------
# Measuring


class Timer:
    """Wraps a module's function to add up the time spent in it (the application code is
    unchanged: the module attribute is swapped for the run and put back)."""

    def __init__(self, module: Any, name: str) -> None:
        self.module, self.name = module, name
        self.original: Callable[..., Any] = getattr(module, name)
        self.seconds = 0.0
        self.calls = 0

    def __enter__(self) -> Timer:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self.module, self.name, self.original)


def _clear_proposals() -> None:
    _execute(f"DELETE FROM {PROPOSAL}")
    if connection.vendor == "postgresql":
        _execute(f"VACUUM ANALYZE {PROPOSAL}")


def _profile(function: Callable[[], Any], lines: int = 14) -> list[str]:
    profile = cProfile.Profile()
    profile.runcall(function)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(lines)
    total = stats.total_tt  # type: ignore[attr-defined]
    found = []
    for line in out.getvalue().splitlines():
        parts = line.split(None, 5)
        if len(parts) == 6 and parts[1].replace(".", "", 1).isdigit() and parts[0][0].isdigit():
            found.append(
                f"#     {float(parts[1]):6.2f} s tottime {float(parts[3]):6.2f} s cum  ×{parts[0]:>9}  {parts[5]}"
            )
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats("peiyu/", lines)
    ours = []
    for line in out.getvalue().splitlines():
        parts = line.split(None, 5)
        if len(parts) == 6 and parts[1].replace(".", "", 1).isdigit() and parts[0][0].isdigit():
            ours.append(f"#     {float(parts[3]):6.2f} s cum  ×{parts[0]:>9}  {parts[5]}")
    return [
        f"#   cProfile ({total:.1f} s under the profiler), by own time:",
        *found,
        "#   the application's functions by cumulative time:",
        *ours,
    ]


def run(*, scale: str) -> Iterator[str]:
    size = SIZES[scale]
    DATA.mkdir(exist_ok=True)
    _ensure_regions()
    villages, _liyang, _towns = _places()
    user = User.objects.create(
        username="bench-supervision", is_superuser=True, is_staff=True, account_type="staff"
    )
    maker = Maker(villages, user.pk)
    started = time.perf_counter()
    yield from _generate(size, maker)
    made = time.perf_counter() - started
    generated = maker.generated
    seconds = generated.seconds
    counted = generated.rows
    yield (
        f"# {size.organizations:,} registered organizations over {len(villages):,} villages of "
        f"{generated.counties} counties, {generated.campaigns} campaigns, {counted[REPORT]:,} annual reports "
        f"for {generated.pairs:,} (organization, year) pairs, {counted[SANCTION]:,} sanctions, "
        f"{counted[LISTING]:,} listings, {counted[GRADE]:,} grades, {counted[VISIT]:,} visits, "
        f"{counted[NOTICE]:,} notices; generated in {made:.0f} s: rows made {seconds['make']:.0f} s, "
        f"inserted {seconds['insert']:.0f} s (indexes and constraints dropped), rebuilt "
        f"{seconds['index']:.0f} s, analyzed {seconds['analyze']:.0f} s"
    )
    mix = ", ".join(
        f"{k} {v / generated.pairs:.1%}" for k, v in sorted(generated.outcomes.items(), key=lambda i: -i[1])
    )
    yield f"# outcomes per (organization, year): {mix}; submitted late {generated.late / generated.pairs:.1%}"

    # The drafts alone, with the engine's loads timed (this also warms the caches).
    with Timer(rules, "load") as load:
        started = time.perf_counter()
        drafts = list(rules.run(TODAY))
        drafts_seconds = time.perf_counter() - started
    keys = {d.key for d in drafts}
    assert len(keys) == len(drafts), "two drafts share a key"

    # The figure: run_rules end to end, on an empty proposals table each round.
    times, writes, expiries = [], [], []
    listings_before = Listing.objects.filter(status="removed").count()
    for _round in range(ROUNDS):
        _clear_proposals()
        with Timer(credit, "expire_listings") as expire:
            started = time.perf_counter()
            result = credit.run_rules(today=TODAY)
            times.append(time.perf_counter() - started)
        expiries.append(expire.seconds)
        writes.append(times[-1] - expire.seconds)
        assert result.found == len(drafts) and result.created == len(keys), (result, len(drafts))
        assert Proposal.objects.count() == len(keys)
    assert Listing.objects.filter(status="removed").count() == listings_before, "a listing expired"
    ours = statistics.median(times)

    # The raw side: the same (organization, rule, key) for the seven rules.
    raw_times, raw_rows = [], []
    for _round in range(ROUNDS):
        elapsed, raw_rows = _raw()
        raw_times.append(elapsed)
    raw = statistics.median(raw_times)
    engine_set = {(d.organization_id, d.rule, d.key) for d in drafts if d.rule in RAW_RULES}
    raw_set = set(raw_rows)
    assert len(raw_set) == len(raw_rows), "the raw statement repeats a row"
    if engine_set != raw_set:
        only_engine = sorted(engine_set - raw_set)[:5]
        only_raw = sorted(raw_set - engine_set)[:5]
        raise AssertionError(f"engine and raw differ: engine only {only_engine}, raw only {only_raw}")

    yield f"BENCH supervision_rules_1m_s {ours:.1f} s ratio={ours / raw:.2f} target=≤60s"
    by_rule = Counter(d.rule for d in drafts)
    raw_by_rule = Counter(rule for _o, rule, _k in raw_rows)
    yield (
        f"# run_rules(today={TODAY}) over {size.organizations:,} organizations, {len(drafts):,} proposals written, "
        f"rounds " + ", ".join(f"{t:.1f}" for t in times) + " s; of the median round, expire_listings "
        f"{statistics.median(expiries):.2f} s; list(rules.run()) alone {drafts_seconds:.1f} s, of which the "
        f"per-chunk loads (rules.load ×{load.calls}) {load.seconds:.1f} s and the organizations' query and the "
        f"rules in Python {drafts_seconds - load.seconds:.1f} s; so building and writing the proposals ("
        f"basis(), Proposal objects, bulk_create, two counts) about {statistics.median(writes) - drafts_seconds:.1f} s"
    )
    yield (
        "# raw statement (CTEs + window functions) "
        + ", ".join(f"{t:.2f}" for t in raw_times)
        + f" s, {len(raw_rows):,} rows, equal to the engine's for its seven rules: "
        + ", ".join(f"{rule} {raw_by_rule[rule]:,}" for rule in RAW_RULES)
    )
    others = ", ".join(f"{rule} {n:,}" for rule, n in sorted(by_rule.items()) if rule not in RAW_RULES)
    yield f"#   the engine's other rules (not in the raw statement): {others or 'none'}"
    if os.environ.get("BENCH_PROFILE"):
        yield from _statements()
        _clear_proposals()
        yield from _profile(lambda: credit.run_rules(today=TODAY))


def _statements() -> Iterator[str]:
    """The drafts once more with the engine's statements captured: their time by table."""
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        list(rules.run(TODAY))
        traced = time.perf_counter() - started
    kinds: dict[str, list[float]] = defaultdict(list)
    for query in captured.captured_queries:
        sql = query["sql"]
        table = sql.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in sql else sql.split()[0]
        kinds[table].append(float(query["time"]))
    yield (
        f"#   the drafts with their statements captured ({traced:.1f} s; on SQLite the rows are read after "
        "execute returns, so this is the time to the first row): "
        + "; ".join(
            f"{table} ×{len(t)} {sum(t):.2f} s"
            for table, t in sorted(kinds.items(), key=lambda item: -sum(item[1]))
        )
    )
