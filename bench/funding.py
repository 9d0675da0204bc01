"""Funding figure: drawing review panels with conflicts of interest avoided (issue 7, item 11).

* ``funding_draw_ms``: ``peiyu.funding.services.review.draw_panels(round, by=officer, seed=…)``
  end to end, as the round page's "Draw panels" button runs it, for a county round under review
  with ``Size.applications`` eligible applications and a pool of ``Size.experts`` experts: the
  round locked, the applications read, the pool read (available experts with an active account
  at the county and above, their fields of expertise and current affiliations), the load they
  already carry, the plan (``plan_panels``), the draw row with its pool snapshot, the bulk insert
  of the assignments, every application moved to "being reviewed" (its audit entry and event
  row) and the draw's event. Each round runs in a transaction that is rolled back, so every
  round draws the same panels from the same seed; p95 over ``DRAW_ROUNDS``. The ratio divides it
  by the same reads and writes by hand (plain statements, ``executemany`` for the rows, one
  ``UPDATE`` for the applications, the same audit rows and event rows) around the same
  ``plan_panels`` call. The bench checks that both seat the same experts on the same panels in
  the same order, that no drawn expert has a current affiliation with the applicant (one SQL
  query against the affiliations), and that ``verify_draw`` draws the recorded panels again
  from the kept seed and pool. A comment line gives one more draw with its statements captured;
  when the figure misses its target (or with ``BENCH_PROFILE=1``) a cProfile of one draw follows.

The data: one county (溧阳市) with ``Size.organizations`` applicant organizations in its real
villages and towns (filed community organizations and registered ones with valid credit
codes), ``Size.applications`` eligible applications across the registry's fields of activity
(some organizations apply twice), the pool's experts with accounts (about half in the county,
the rest at the city and the province), one to three fields each, plus experts the pool must
leave out (in another county, unavailable, or without an account), and ``Size.affiliations``
current ties (member, employee, adviser) between experts and applicant organizations, each tie
with an expert of the application's field, so that the random draw meets them, plus ties that
have ended and no longer count. Written with raw bulk inserts (``COPY`` on PostgreSQL,
``executemany`` on SQLite); the round itself is made through the services and moved to review
by hand (``start_review`` would check 1,000 organizations' standing, which is not measured here).
"""

from __future__ import annotations

import cProfile
import datetime
import io
import json
import os
import pstats
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.orgs import COLUMNS as ORG_COLUMNS
from bench.orgs import DATA, FTS_TRIGGERS, Place, _ensure_regions, _p, _person, _places
from bench.orgs import _insert as _insert_rows
from bench.people import _execute, _fetch
from peiyu.accounts.models import User
from peiyu.accounts.services import create_account
from peiyu.core.models import AuditEntry
from peiyu.core.options import ancestors, value_of
from peiyu.core.scoping import code_range
from peiyu.funding import options
from peiyu.funding.models import (
    Application,
    Assignment,
    Draw,
    FundingEvent,
    Round,
    RoundStatus,
)
from peiyu.funding.services import review, rounds
from peiyu.funding.services.review import Candidate, Case, plan_panels
from peiyu.lib import uscc
from peiyu.orgs import search as engine_search
from peiyu.orgs.models import Field, Organization
from peiyu.people.models import Affiliation, Expert
from peiyu.regions.models import Region


@dataclass(frozen=True)
class Size:
    applications: int
    organizations: int
    experts: int  # the pool: available, with an active account, at the county and above
    others: int  # experts the pool leaves out: another county, unavailable, or no account
    affiliations: int  # current ties to applicant organizations
    ended: int  # ties that have ended: no longer conflicts


SIZES = {
    "full": Size(
        applications=1_000, organizations=800, experts=5_000, others=600, affiliations=3_000, ended=400
    ),
    "small": Size(applications=200, organizations=160, experts=1_000, others=120, affiliations=600, ended=80),
}
SEED = 20261125
DRAW_SEED = "bench-7f3a9c21"  # the draw's seed: every round draws the same panels
DRAW_ROUNDS = {"full": 20, "small": 40}  # p95 then leaves out the slowest (a garbage collection)
WARMUP = 1
TARGET_MS = 2_000
COUNTY = "320481"  # 溧阳市
COUNTY_CODE = COUNTY.ljust(12, "0")
OTHER_COUNTY = "320412"  # 武进区: experts there are outside the round's pool
EXPERT_SHARES = (("county", 0.50), ("city", 0.80), ("province", 1.0))  # cumulative
PANEL = 5
ORG_BODY = 70_000_000  # credit-code bodies apart from the other groups' organizations

ORG = Organization._meta.db_table
USER = User._meta.db_table
USER_GROUPS = User.groups.through._meta.db_table
EXPERT = Expert._meta.db_table
EXPERT_FIELDS = Expert.fields.through._meta.db_table
AFFILIATION = Affiliation._meta.db_table
APPLICATION = Application._meta.db_table
ASSIGNMENT = Assignment._meta.db_table
DRAW = Draw._meta.db_table
EVENT = FundingEvent._meta.db_table
AUDIT = AuditEntry._meta.db_table
ROUND = Round._meta.db_table
LOADED = (ORG, USER, USER_GROUPS, EXPERT, EXPERT_FIELDS, AFFILIATION, APPLICATION)
COLUMNS = {
    ORG: [*ORG_COLUMNS, "search_text"],
    **{
        model._meta.db_table: [f.column for f in model._meta.concrete_fields]
        for model in (User, Expert, Affiliation, Application)
    },
    USER_GROUPS: ["user_id", "group_id"],
    EXPERT_FIELDS: ["expert_id", "field_id"],
}

TITLES = (
    "教授",
    "副教授",
    "律师",
    "高级社会工作师",
    "高级会计师",
    "国家二级心理咨询师",
    "研究员",
    "高级讲师",
)
EMPLOYERS = (
    "常州大学", "江苏理工学院", "河海大学", "南京师范大学", "律师事务所", "会计师事务所", "社会工作服务中心",
    "人民医院", "市委党校", "社会科学院",
)  # fmt: skip
FILED_WORDS = (
    "志愿服务队",
    "法律明白人服务队",
    "老年协会",
    "邻里互助会",
    "乡贤理事会",
    "巾帼志愿服务队",
    "平安巡防队",
)
REGISTERED_WORDS = (
    "公益服务",
    "社区发展",
    "邻里互助",
    "助老服务",
    "青少年成长",
    "社工服务",
    "法律服务",
    "调解服务",
)
REGISTERED_SUFFIXES = ("服务中心", "发展中心", "服务社", "促进会")
PROJECT_WORDS = ("关爱行动", "护航计划", "赋能项目", "进万家", "守护计划", "微课堂", "暖心工程", "同行计划")
RELATIONS = ("member", "member", "employee", "adviser")


# --------------------------------------------------------------------------------------------
# Generating the data


@dataclass
class Generated:
    """What the run needs to know about the data, gathered while it is made."""

    round_id: int
    rows: Counter[str]
    fields: int
    seconds: float


class Maker:
    """Makes up the county's applicant organizations, the expert pool with its accounts and
    fields, the affiliations and the applications, as row tuples."""

    def __init__(self, size: Size, villages: list[Place], towns: list[Place], officer: User, round: Round):
        self.size = size
        self.rng = random.Random(SEED)
        self.postgres = connection.vendor == "postgresql"
        self.villages = [v for v in villages if v.county_code.startswith(COUNTY)]
        self.towns = [t for t in towns if t.county_code.startswith(COUNTY)]
        self.elsewhere = [v for v in villages if v.county_code.startswith(OTHER_COUNTY)]
        self.officer = officer
        self.round = round
        self.today = timezone.localdate()
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.fields = list(Field.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
        self.ids = {table: int(_fetch(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0][0]) for table in LOADED}
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.group = Group.objects.get(name="expert").pk

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def day(self, start: int, end: int) -> datetime.date:
        first, last = datetime.date(start, 1, 1).toordinal(), datetime.date(end, 12, 31).toordinal()
        return datetime.date.fromordinal(self.rng.randint(first, min(last, self.today.toordinal() - 1)))

    def organizations(self) -> list[tuple[int, str, str]]:
        """(id, name, region) of the applicant organizations: three in four filed community
        organizations in their village, the rest registered with the county."""
        rng = self.rng
        made: list[tuple[int, str, str]] = []
        taken: set[str] = set()
        for _index in range(self.size.organizations):
            pk = self.next_id(ORG)
            place = rng.choice(self.villages)
            leader, phone = _person(rng)
            established = self.day(2008, 2023)
            registered = rng.random() < 0.25
            if registered:
                base = f"溧阳市{rng.choice(REGISTERED_WORDS)}{rng.choice(REGISTERED_SUFFIXES)}"
                name, n = base, 1
                while name in taken:
                    n += 1
                    name = f"{base}（{n}）"
                taken.add(name)
                body = f"{(ORG_BODY + pk) * 7919 % 10**8:08d}"
                code = uscc.make(department_type="52", division=COUNTY, body8=body)
                region, authority, filing = place.code, COUNTY_CODE, ""
            else:
                name = f"{place.town}{place.name}{rng.choice(FILED_WORDS)}"
                code, region, authority = "", place.code, place.town_code
                filing = f"{place.town_code[:9]}-{established.year}-{pk:07d}"
            row = {
                "id": pk, "name": name, "source": "registered" if registered else "filed",
                "legal_form": rng.choice(("association", "service_institution")) if registered else "",
                "uscc": code, "filing_number": filing, "category": rng.choice(("charity", "community")),
                "development_type": "grassroots", "region_id": region, "authority_id": authority,
                "address": f"{place.town}{place.name}", "established_how": "community",
                "active_people": rng.randint(5, 120), "leader_name": leader, "leader_phone": phone,
                "contact_name": "", "contact_phone": "",
                "guidance_unit": "溧阳市民政局" if registered else f"{place.town}人民政府",
                "party_organization": "none", "has_charter": True, "has_member_congress": False,
                "has_board": registered, "has_supervisors": False, "is_decoupled": False, "pledge_signed_on": None,
                "description": "", "established_on": established,
                "filed_on": None if registered else established, "registered_on": established if registered else None,
                "ended_on": None, "status": "active", "version": 1, "created_at": self.now, "updated_at": self.now,
            }  # fmt: skip
            self.rows[ORG].append((*(row[c] for c in ORG_COLUMNS), ""))
            made.append((pk, name, region))
        return made

    def expert(self, index: int, *, region: str, available: bool, account: bool) -> int:
        rng = self.rng
        pk = self.next_id(EXPERT)
        name, phone = _person(rng)
        user_id = None
        if account:
            user_id = self.next_id(USER)
            user = {
                "id": user_id, "password": "!", "last_login": None, "is_superuser": False,
                "username": f"bench-expert-{index:05d}", "first_name": "", "last_name": "", "email": "",
                "is_staff": False, "is_active": True, "date_joined": self.now, "display_name": f"评审专家 {name}",
                "phone": phone, "account_type": "expert", "region_id": None, "updated_at": self.now,
            }  # fmt: skip
            self.rows[USER].append(tuple(user[c] for c in COLUMNS[USER]))
            self.rows[USER_GROUPS].append((user_id, self.group))
        expert = {
            "id": pk, "name": name, "title": rng.choice(TITLES), "employer": rng.choice(EMPLOYERS),
            "expertise": "", "phone": phone, "region_id": region, "is_available": available,
            "availability_note": "" if available else "近期暂不参加评审", "account_id": user_id,
            "created_at": self.now, "updated_at": self.now,
        }  # fmt: skip
        self.rows[EXPERT].append(tuple(expert[c] for c in COLUMNS[EXPERT]))
        for field_id in rng.sample(self.fields, rng.choice((1, 1, 2, 2, 3))):
            self.rows[EXPERT_FIELDS].append((pk, field_id))
        return pk

    def experts(self) -> tuple[list[int], dict[int, list[int]]]:
        """The pool (ids) and its members by field; then the experts the pool leaves out."""
        rng = self.rng
        county_places = [COUNTY_CODE, *(t.code for t in self.towns), *(v.code for v in self.villages)]
        pool: list[int] = []
        for index in range(self.size.experts):
            r = rng.random()
            if r < EXPERT_SHARES[0][1]:
                region = COUNTY_CODE if rng.random() < 0.3 else rng.choice(county_places)
            elif r < EXPERT_SHARES[1][1]:
                region = "320400000000"
            else:
                region = "320000000000"
            pool.append(self.expert(index, region=region, available=True, account=True))
        for index in range(self.size.others):
            kind = index % 3
            if kind == 0:  # another county
                self.expert(
                    self.size.experts + index,
                    region=rng.choice(self.elsewhere).code,
                    available=True,
                    account=True,
                )
            elif kind == 1:  # unavailable
                self.expert(self.size.experts + index, region=COUNTY_CODE, available=False, account=True)
            else:  # no account to score with
                self.expert(self.size.experts + index, region=COUNTY_CODE, available=True, account=False)
        by_field: dict[int, list[int]] = defaultdict(list)
        pool_set = set(pool)
        for expert_id, field_id in self.rows[EXPERT_FIELDS]:
            if expert_id in pool_set:
                by_field[field_id].append(expert_id)
        return pool, by_field

    def applications(self, organizations: list[tuple[int, str, str]]) -> list[tuple[int, int, int]]:
        """(id, organization, field) of the eligible applications: every organization once,
        some twice."""
        rng = self.rng
        applicants = list(organizations) + rng.choices(
            organizations, k=self.size.applications - len(organizations)
        )
        rng.shuffle(applicants)
        made = []
        weights = [rng.randint(1, 6) for _ in self.fields]  # some fields draw more applications
        for org_id, name, region in applicants:
            pk = self.next_id(APPLICATION)
            field_id = rng.choices(self.fields, weights=weights)[0]
            requested = rng.randrange(30, 151) * 1000
            row = {
                "id": pk, "round_id": self.round.pk, "organization_id": org_id, "catalog_item_id": None,
                "project_id": None, "title": f"{name[-8:]}{rng.choice(PROJECT_WORDS)}", "field_id": field_id,
                "area_id": region, "summary": "面向村（居）民开展公益服务。", "need_statement": "",
                "beneficiaries": rng.randint(50, 2000), "starts_on": None, "ends_on": None,
                "requested": f"{requested}.00", "co_funding": "0.00", "status": "eligible",
                "eligibility_reasons": "[]", "outline_note": "", "review_score": None, "defense_score": None,
                "final_score": None, "rank": None, "awarded": None, "selection_note": "", "overridden": False,
                "override_reason": "", "submitted_at": self.now, "created_by_id": self.officer.pk, "version": 2,
                "created_at": self.now,
            }  # fmt: skip
            self.rows[APPLICATION].append(tuple(row[c] for c in COLUMNS[APPLICATION]))
            made.append((pk, org_id, field_id))
        return made

    def affiliations(self, applications: list[tuple[int, int, int]], by_field: dict[int, list[int]]) -> int:
        """Current ties, each between an applicant and an expert of its application's field (so
        the draw meets them), and ties that have ended."""
        rng = self.rng
        seen: set[tuple[int, int]] = set()
        current = 0
        while current < self.size.affiliations + self.size.ended:
            _app, org_id, field_id = rng.choice(applications)
            expert_id = rng.choice(by_field[field_id])
            if (expert_id, org_id) in seen:
                continue
            seen.add((expert_id, org_id))
            ended = current >= self.size.affiliations
            since = self.day(2012, 2022)
            until = (
                self.day(2023, 2025)
                if ended
                else (None if rng.random() < 0.8 else self.today.replace(year=self.today.year + 1))
            )
            self.rows[AFFILIATION].append(
                (self.next_id(AFFILIATION), expert_id, org_id, rng.choice(RELATIONS), since, until, "")
            )
            current += 1
        return current


def _generate(size: Size, officer: User, round: Round) -> Generated:
    started = time.perf_counter()
    villages, _liyang, towns = _places()
    maker = Maker(size, villages, towns, officer, round)
    organizations = maker.organizations()
    _pool, by_field = maker.experts()
    applications = maker.applications(organizations)
    maker.affiliations(applications, by_field)
    postgres = connection.vendor == "postgresql"
    if not postgres:
        _execute(*FTS_TRIGGERS)  # the search index is not read here
    counted: Counter[str] = Counter()
    for table in LOADED:
        _insert_rows(table, COLUMNS[table], maker.rows[table])
        counted[table] = len(maker.rows[table])
    if postgres:
        _execute(
            *(
                f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"
                for t in LOADED
            ),
            *(f"VACUUM ANALYZE {t}" for t in LOADED),
        )
    else:
        _execute(*engine_search.SQLITE_SCHEMA, "PRAGMA analysis_limit = 1000", "ANALYZE")
    # Applications are moved to review by hand: start_review would check every applicant's
    # standing against the registry and supervision, which is not what is measured.
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.REVIEW, version=round.version + 1)
    connection.close()
    return Generated(
        round_id=round.pk, rows=counted, fields=len(maker.fields), seconds=time.perf_counter() - started
    )


# --------------------------------------------------------------------------------------------
# Measuring


def _panels_of(draw_id: int) -> dict[int, list[int]]:
    panels: dict[int, list[int]] = defaultdict(list)
    for application_id, expert_id in _fetch(
        f"SELECT application_id, expert_id FROM {ASSIGNMENT} WHERE draw_id = %s ORDER BY id", [draw_id]
    ):
        panels[int(application_id)].append(int(expert_id))
    return dict(panels)


CONFLICTS_SQL = (
    f"SELECT COUNT(*) FROM {ASSIGNMENT} a JOIN {APPLICATION} p ON p.id = a.application_id "
    f"JOIN {AFFILIATION} f ON f.expert_id = a.expert_id AND f.organization_id = p.organization_id "
    "WHERE p.round_id = %s AND (f.until IS NULL OR f.until >= %s)"
)


def _ours(round: Round, officer: User, *, check: bool = False) -> tuple[float, dict[str, Any]]:
    """draw_panels, timed, in a transaction rolled back afterwards."""
    found: dict[str, Any] = {}
    with transaction.atomic():
        before = int(_fetch(f"SELECT COALESCE(MAX(id), 0) FROM {AUDIT}")[0][0])
        events = FundingEvent.objects.filter(round=round).count()
        started = time.perf_counter()
        draw = review.draw_panels(round, by=officer, seed=DRAW_SEED)
        elapsed = (time.perf_counter() - started) * 1000
        found["panels"] = _panels_of(draw.pk)
        if check:
            today = connection.ops.adapt_datefield_value(timezone.localdate())
            found["conflicts"] = int(_fetch(CONFLICTS_SQL, [round.pk, today])[0][0])
            found["verified"] = review.verify_draw(draw)
            found["pool"] = len(draw.pool)
            found["events"] = FundingEvent.objects.filter(round=round).count() - events
            found["audit"] = _audit_template(before)
        transaction.set_rollback(True)
    return elapsed, found


def _audit_template(after: int) -> dict[str, Any]:
    """The audit entries draw_panels wrote, as the raw side writes them again: one per
    application moved (their common values) and the draw's."""
    names = [f.column for f in AuditEntry._meta.concrete_fields if f.column != "id"]
    rows = _fetch(f"SELECT {', '.join(names)} FROM {AUDIT} WHERE id > %s ORDER BY id", [after])
    entries = [dict(zip(names, row, strict=True)) for row in rows]
    application_type = (
        AuditEntry._meta.get_field("content_type").related_model.objects.get_for_model(Application).pk
    )  # type: ignore[union-attr]
    moves = [e for e in entries if e["content_type_id"] == application_type]
    others = [e for e in entries if e["content_type_id"] != application_type]
    return {"names": names, "move": moves[0], "others": others, "count": len(entries), "moves": len(moves)}


def _json(value: Any) -> Any:
    """A JSON column's value as read back (a dict on PostgreSQL), ready to be written again."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _raw(round: Round, officer: User, audit: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    """The same reads and writes by hand around the same plan_panels call, rolled back."""
    postgres = connection.vendor == "postgresql"
    low, high = code_range(COUNTY)
    above = ancestors(round.region_id)[1:]
    marks = ", ".join(["%s"] * len(above))
    in_pool = (
        f"SELECT e.id FROM {EXPERT} e JOIN {USER} u ON u.id = e.account_id WHERE e.is_available "
        f"AND u.is_active AND ((e.region_id >= %s AND e.region_id < %s) OR e.region_id IN ({marks}))"
    )
    found: dict[str, Any] = {}
    with transaction.atomic():
        started = time.perf_counter()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        today = connection.ops.adapt_datefield_value(timezone.localdate())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status, region_id, experts_per_application FROM {ROUND} WHERE id = %s"
                + (" FOR UPDATE" if postgres else ""),
                [round.pk],
            )
            status, region_id, size = cursor.fetchone()
            assert status == RoundStatus.REVIEW
            cursor.execute(
                f"SELECT id, organization_id, field_id FROM {APPLICATION} WHERE round_id = %s AND status = 'eligible' "
                "ORDER BY id",
                [round.pk],
            )
            cases = [Case(int(a), int(o), int(f)) for a, o, f in cursor.fetchall()]
            params = [low, high, *above]
            cursor.execute(f"{in_pool} ORDER BY e.id", params)
            ids = [int(r[0]) for r in cursor.fetchall()]
            fields: dict[int, set[int]] = defaultdict(set)
            cursor.execute(
                f"SELECT expert_id, field_id FROM {EXPERT_FIELDS} WHERE expert_id IN ({in_pool})", params
            )
            for expert_id, field_id in cursor.fetchall():
                fields[expert_id].add(field_id)
            conflicts: dict[int, set[int]] = defaultdict(set)
            cursor.execute(
                f"SELECT expert_id, organization_id FROM {AFFILIATION} WHERE (until IS NULL OR until >= %s) "
                f"AND expert_id IN ({in_pool})",
                [today, *params],
            )
            for expert_id, organization_id in cursor.fetchall():
                conflicts[expert_id].add(organization_id)
            load: Counter[int] = Counter()
            cursor.execute(
                f"SELECT a.expert_id FROM {ASSIGNMENT} a JOIN {APPLICATION} p ON p.id = a.application_id "
                "WHERE p.round_id = %s AND a.status <> 'recused'",
                [round.pk],
            )
            for (expert_id,) in cursor.fetchall():
                load[expert_id] += 1
            codes = ancestors(region_id)
            cursor.execute(
                f"SELECT region_id, value FROM core_optionvalue WHERE key = %s AND region_id IN ({', '.join(['%s'] * len(codes))})",
                [options.MAX_PER_EXPERT.key, *codes],
            )
            overrides = dict(cursor.fetchall())
            limit = next(
                (
                    int(json.loads(v) if isinstance(v, str) else v)
                    for c in codes
                    if (v := overrides.get(c)) is not None
                ),
                int(options.MAX_PER_EXPERT.default),
            )
            pool = [Candidate(pk, frozenset(fields[pk]), frozenset(conflicts[pk])) for pk in ids]
            panels = plan_panels(cases, pool, size=size, seed=DRAW_SEED, max_per_expert=limit, load=load)
            snapshot = json.dumps([[c.expert_id, sorted(c.fields), sorted(c.conflicts)] for c in pool])
            draw_sql = (
                f"INSERT INTO {DRAW} (round_id, purpose, seed, pool, panel_size, drawn_by_id, drawn_at, note) "
                "VALUES (%s, 'panels', %s, %s, %s, %s, %s, '')"
            )
            draw_params = [round.pk, DRAW_SEED, snapshot, size, officer.pk, now]
            if postgres:
                cursor.execute(draw_sql + " RETURNING id", draw_params)
                draw_id = int(cursor.fetchone()[0])
            else:
                cursor.execute(draw_sql, draw_params)
                draw_id = int(cursor.lastrowid)
            cursor.executemany(
                f"INSERT INTO {ASSIGNMENT} (application_id, expert_id, draw_id, status, declared_at, conflict_note, "
                "total, comment, defense_score, scored_at, version) "
                "VALUES (%s, %s, %s, 'drawn', NULL, '', NULL, '', NULL, NULL, 1)",
                [(app, expert, draw_id) for app, panel in panels.items() for expert in panel],
            )
            cursor.execute(
                f"UPDATE {APPLICATION} SET status = 'reviewing', version = version + 1 "
                "WHERE round_id = %s AND status = 'eligible'",
                [round.pk],
            )
            names = audit["names"]
            move = audit["move"]
            cursor.executemany(
                f"INSERT INTO {AUDIT} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
                [
                    tuple(
                        _json(
                            {
                                "object_pk": str(c.application_id),
                                "object_id": c.application_id,
                                "timestamp": now,
                            }.get(n, move[n])
                        )
                        for n in names
                    )
                    for c in cases
                ]
                + [tuple(_json(e[n]) if n != "timestamp" else now for n in names) for e in audit["others"]],
            )
            cursor.executemany(
                f"INSERT INTO {EVENT} (round_id, subject, subject_id, action, from_status, to_status, actor_id, note, at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(round.pk, "application", c.application_id, "reviewing", "eligible", "reviewing", officer.pk, "", now)
                 for c in cases]
                + [(round.pk, "draw", draw_id, "drawn", "", "", officer.pk, f"seed {DRAW_SEED}", now)],
            )  # fmt: skip
        elapsed = (time.perf_counter() - started) * 1000
        found["panels"] = _panels_of(draw_id)
        found["plan"] = panels
        found["pool"] = pool
        found["cases"] = cases
        transaction.set_rollback(True)
    return elapsed, found


def _statements(round: Round, officer: User) -> dict[str, Any]:
    """One more draw with its statements captured, grouped by their first words."""
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        started = time.perf_counter()
        review.draw_panels(round, by=officer, seed=DRAW_SEED)
        elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    groups: dict[str, list[float]] = defaultdict(list)
    for query in captured.captured_queries:
        sql = query["sql"]
        words = sql.split()
        key = (
            " ".join(words[:3])
            if words[0] in ("INSERT", "UPDATE", "DELETE")
            else "SELECT … FROM " + (words[words.index("FROM") + 1] if "FROM" in words else "?")
        )
        groups[key.replace('"', "")].append(float(query["time"]) * 1000)
    return {"elapsed": elapsed, "groups": groups, "count": len(captured.captured_queries)}


def _profile(round: Round, officer: User) -> str:
    profiler = cProfile.Profile()
    with transaction.atomic():
        profiler.enable()
        review.draw_panels(round, by=officer, seed=DRAW_SEED)
        profiler.disable()
        transaction.set_rollback(True)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def _unchecked_conflicts(found: dict[str, Any]) -> int:
    """Seats the same draw would give to a conflicted expert if conflicts were not checked."""
    pool: list[Candidate] = found["pool"]
    blind = [Candidate(c.expert_id, c.fields, frozenset()) for c in pool]
    conflicts = {c.expert_id: c.conflicts for c in pool}
    cases: list[Case] = found["cases"]
    limit = int(value_of(options.MAX_PER_EXPERT.key, COUNTY_CODE))
    panels = plan_panels(cases, blind, size=PANEL, seed=DRAW_SEED, max_per_expert=limit)
    organization = {c.application_id: c.organization_id for c in cases}
    return sum(1 for app, panel in panels.items() for e in panel if organization[app] in conflicts[e])


def _setup() -> tuple[User, Round]:
    officer = create_account(
        username="bench-funding-county",
        password="Bench-pass-2026",  # noqa: S106 - a throwaway account in the benchmark database
        role="county_officer",
        region=Region.objects.get(code=COUNTY_CODE),
        by=None,
    )
    today = timezone.localdate()
    round = rounds.create_round(
        region=Region.objects.get(code=COUNTY_CODE),
        title=f"{today.year}年度溧阳市社会组织公益创投（基准）",
        call_text="面向全市社会组织征集公益创投项目。",
        opens_on=today - datetime.timedelta(days=40),
        closes_on=today,
        min_grade=0,
        experts_per_application=PANEL,
        by=officer,
    )
    rounds.set_sources(
        round,
        sources=[
            ("special", "社会组织发展专项资金", Decimal(2_000_000)),
            ("lottery", "福彩公益金", Decimal(600_000)),
        ],
        by=officer,
    )
    anchors = {"1": "很差", "2": "较差", "3": "一般", "4": "较好", "5": "优秀"}
    rounds.set_rubric(
        round,
        lines=[
            ("需求分析", 20, anchors),
            ("项目设计", 30, anchors),
            ("执行能力", 20, anchors),
            ("预期成效", 30, anchors),
        ],
        by=officer,
    )
    round = rounds.open_round(round, by=officer)
    return officer, round


def run(*, scale: str) -> Iterator[str]:
    size = SIZES[scale]
    DATA.mkdir(exist_ok=True)
    _ensure_regions()
    officer, round = _setup()
    generated = _generate(size, officer, round)
    rows = generated.rows
    yield (
        f"# 溧阳市: {rows[ORG]:,} applicant organizations, {rows[APPLICATION]:,} eligible applications over "
        f"{generated.fields} fields, {rows[EXPERT]:,} experts ({size.experts:,} in the round's pool, "
        f"{rows[EXPERT_FIELDS]:,} fields of expertise, {rows[USER]:,} accounts), {rows[AFFILIATION]:,} affiliations "
        f"({size.affiliations:,} current); generated in {generated.seconds:.1f} s"
    )
    officer = User.objects.get(pk=officer.pk)
    round = Round.objects.get(pk=generated.round_id)

    # One checked run of each: same panels, no conflict, the draw replays.
    _elapsed, ours = _ours(round, officer, check=True)
    assert ours["pool"] == size.experts, (ours["pool"], size.experts)
    assert ours["conflicts"] == 0, f"{ours['conflicts']} drawn experts have a conflict"
    assert ours["verified"], "verify_draw does not reproduce the panels"
    assert len(ours["panels"]) == size.applications
    assert all(len(set(p)) == PANEL for p in ours["panels"].values())
    assert ours["events"] == size.applications + 1, ours["events"]
    _elapsed, raw = _raw(round, officer, ours["audit"])
    assert raw["panels"] == ours["panels"] == raw["plan"], "the raw draw seats other experts"
    assert ours["audit"]["moves"] == size.applications

    times: dict[str, list[float]] = defaultdict(list)
    steps: dict[str, Callable[[], float]] = {
        "ours": lambda: _ours(round, officer)[0],
        "raw": lambda: _raw(round, officer, ours["audit"])[0],
    }
    for number in range(WARMUP + DRAW_ROUNDS[scale]):
        for name in list(steps) if number % 2 else list(reversed(steps)):
            elapsed = steps[name]()
            if number >= WARMUP:
                times[name].append(elapsed)
    ours_p95, raw_p95 = _p(times["ours"], 95), _p(times["raw"], 95)
    yield f"BENCH funding_draw_ms {ours_p95:.1f} ms ratio={ours_p95 / raw_p95:.2f} target=≤{TARGET_MS}ms"
    seats = sum(len(p) for p in ours["panels"].values())
    fielded = _field_share(ours, raw)
    yield (
        f"# draw_panels: {size.applications:,} panels of {PANEL} ({seats:,} assignments) from a pool of "
        f"{ours['pool']:,}, p95 {ours_p95:.1f} ms, p50 {_p(times['ours'], 50):.1f} ms; raw p95 {raw_p95:.1f} ms, "
        f"p50 {_p(times['raw'], 50):.1f} ms over {DRAW_ROUNDS[scale]} rounds, each rolled back; "
        f"{fielded:.1%} of the seats went to experts of the application's field"
    )
    yield (
        f"# checks: the raw draw seats the same experts in the same order; 0 drawn experts with a current "
        f"affiliation (one query); verify_draw replays the draw; without the conflict check the same seed "
        f"would have seated {_unchecked_conflicts(raw)} conflicted experts; {ours['audit']['count']:,} audit "
        f"entries and {size.applications + 1:,} event rows written"
    )
    plan_ms = _plan_ms(raw)
    statements = _statements(round, officer)
    total_sql = sum(sum(v) for v in statements["groups"].values())
    slowest = sorted(statements["groups"].items(), key=lambda item: -sum(item[1]))[:6]
    yield (
        f"#   one more draw with its statements captured: {statements['elapsed']:.0f} ms, {statements['count']:,} "
        f"statements taking {total_sql:.0f} ms; plan_panels alone {plan_ms:.1f} ms; by statement: "
        + "; ".join(f"{key} ×{len(v):,} {sum(v):.0f} ms" for key, v in slowest)
    )
    if os.environ.get("BENCH_PROFILE") or ours_p95 > TARGET_MS:
        for line in _profile(round, officer).splitlines():
            if line.strip():
                yield f"#   {line}"


def _plan_ms(raw: dict[str, Any]) -> float:
    limit = int(value_of(options.MAX_PER_EXPERT.key, COUNTY_CODE))
    times = []
    for _ in range(5):
        started = time.perf_counter()
        plan_panels(raw["cases"], raw["pool"], size=PANEL, seed=DRAW_SEED, max_per_expert=limit)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[2]


def _field_share(ours: dict[str, Any], raw: dict[str, Any]) -> float:
    fields = {c.expert_id: c.fields for c in raw["pool"]}
    of_case = {c.application_id: c.field_id for c in raw["cases"]}
    seats = [(app, e) for app, panel in ours["panels"].items() for e in panel]
    return sum(1 for app, e in seats if of_case[app] in fields[e]) / len(seats)
