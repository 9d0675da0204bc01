"""Volunteer figures at province scale: one volunteer's total, approving 10,000 records, and a
county's star distribution (issue 4).

* ``people_volunteer_total_ms``: what the volunteer page and the API do for a total and a star
  level, ``Volunteer.objects.visible_to(user).get(pk=…)`` then ``hours`` and ``star_level``, as the
  county officer of the county with most volunteers, p95 over ``LOOKUPS`` random volunteers of
  that county. The headline ratio divides it by the hand-written ``SELECT approved_minutes,
  star_level`` of the same row in the same scope (the same work: Peiyu keeps the total on the
  volunteer, so this measures what the ORM adds); the comment line also gives the ratio to
  ``SELECT SUM(minutes) … WHERE volunteer_id = ? AND status = 'approved'`` (the raw engine
  computing the total from the records, which is what the stored column saves).
* ``people_hours_approve_10k_s``: ``decide_many`` approving 10,000 pending records spread over the
  province as a superuser, committed, fresh records each round (median of ``APPROVE_ROUNDS``),
  against three hand-written statements in one transaction (the audit rows by ``INSERT …
  SELECT``, the volunteers' totals and star levels by one ``UPDATE … FROM`` a grouped sum, the
  records by one ``UPDATE``).
* ``people_star_distribution_ms``: ``Volunteer.objects.in_region(county).values("star_level")
  .annotate(n=Count("id"))`` for the county with most volunteers, p95 over
  ``DISTRIBUTION_ROUNDS``, against the same ``GROUP BY`` written by hand.

The data: volunteers in Jiangsu's real villages (urban communities weighted twice), valid
identity numbers (``peiyu.lib.idcard.make``), and per volunteer a heavy-tailed amount of service
(lognormal hours: most volunteers have no star, a few five) cut into records that never overlap
(each in its own run of days); the volunteer's ``approved_minutes`` and ``star_level`` are summed
from the approved records as they are generated. A few thousand organizations (made by
``bench.orgs.Generator``) organize the records, each volunteer serving with one to three in their
county. Everything is streamed in chunks of ``CHUNK`` volunteers with raw bulk inserts (``COPY``
on PostgreSQL, ``executemany`` on SQLite) with the two tables' secondary indexes, unique and
foreign-key constraints dropped, then rebuilt, and the tables analyzed.
"""

from __future__ import annotations

import datetime
import json
import random
import statistics
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.orgs import COLUMNS as ORG_COLUMNS
from bench.orgs import DATA, Generator, Place, _ensure_regions, _p, _person, _places
from bench.orgs import C as ORG_C
from peiyu.accounts.models import User
from peiyu.accounts.services import create_account
from peiyu.core import options
from peiyu.core.models import AuditEntry
from peiyu.lib import idcard
from peiyu.lib import search as text_search
from peiyu.lib.divisions import is_urban_village, prefix_of
from peiyu.orgs.models import Organization
from peiyu.people.models import ServiceRecord, Volunteer
from peiyu.people.options import STAR_THRESHOLDS, star_level
from peiyu.people.services.hours import decide_many
from peiyu.regions.models import Region


@dataclass(frozen=True)
class Size:
    volunteers: int
    records: int
    organizations: int
    pending: float  # share of records still pending: enough for every approval round


SIZES = {
    "full": Size(volunteers=1_000_000, records=20_000_000, organizations=3_000, pending=0.04),
    "small": Size(volunteers=20_000, records=400_000, organizations=1_000, pending=0.3),
}
SEED = 20261122
CHUNK = 5_000  # volunteers generated and inserted at a time (about 100,000 records)
DECLINED = 0.015
NEVER_SERVED = 0.10  # registered volunteers with no hours at all
HOURS_MU, HOURS_SIGMA, HOURS_CAP = 3.0, 1.7, 3000.0  # lognormal hours of the others
SHIFTS = (2, 3, 3, 4, 4, 4, 6, 8)  # a volunteer's usual shift, hours
FIRST_DAY = datetime.date(2013, 1, 1)
LOOKUPS = 200
WARMUP = 10
APPROVE_ROUNDS = 5
BATCH = 10_000
DISTRIBUTION_ROUNDS = 50
VOLUNTEER = Volunteer._meta.db_table
RECORD = ServiceRecord._meta.db_table
AUDIT = AuditEntry._meta.db_table

VOLUNTEER_COLUMNS = [
    "id", "number", "name", "id_type", "id_number", "birth_date", "sex", "phone", "region_id",
    "availability", "account_id", "registered_via", "registered_at", "approved_minutes", "star_level",
    "updated_at", "version",
]  # fmt: skip
RECORD_COLUMNS = [
    "id", "volunteer_id", "organization_id", "activity_id", "title", "place", "content", "started_at",
    "ended_at", "minutes", "source", "status", "decline_reason", "recorded_by_id", "decided_by_id",
    "decided_at", "created_at", "version",
]  # fmt: skip
TITLES = [
    "社区环境清洁", "敬老院探访", "关爱留守儿童", "文明交通劝导", "垃圾分类宣传", "防汛巡查",
    "义务理发", "图书馆整理图书", "疫苗接种现场引导", "反诈宣传进社区", "助老就餐服务", "河道保洁",
    "爱心义诊", "科普讲座服务", "平安巡逻", "邻里矛盾调解", "四点半课堂", "助残陪伴", "文艺演出保障",
    "献血点服务", "马拉松赛事服务", "景区游客引导", "法律咨询进村", "困难家庭走访",
]  # fmt: skip
AVAILABILITY = ["[]", '["weekend"]', '["holiday", "weekend"]', '["evening", "weekend"]', '["weekday"]']
VIA = ("portal", "portal", "portal", "organization", "organization", "staff", "import")
OTHER_PROVINCES = ("340104", "410105", "370102", "510107", "330106", "360102", "342201", "412726")
DECLINE_REASON = "时间与签到记录不符"


# --------------------------------------------------------------------------------------------
# Generating the data


def _weighted(villages: list[Place]) -> list[float]:
    """Cumulative weights: urban communities count twice (more people, more volunteer teams)."""
    total, cumulative = 0.0, []
    for place in villages:
        total += 2.0 if is_urban_village(place.code) else 1.0
        cumulative.append(total)
    return cumulative


def _plan(size: Size) -> tuple[array[int], array[int]]:
    """Each volunteer's number of records and usual shift (quarter hours), summing to exactly
    ``size.records``: lognormal hours (capped), so most have no star and a few have five."""
    rng = random.Random(SEED + 10)
    counts = array("I", bytes(4 * size.volunteers))
    shifts = array("B", bytes(size.volunteers))
    for i in range(size.volunteers):
        shift = rng.choice(SHIFTS)
        shifts[i] = shift * 4
        if rng.random() >= NEVER_SERVED:
            hours = min(HOURS_CAP, rng.lognormvariate(HOURS_MU, HOURS_SIGMA))
            counts[i] = max(1, round(hours / shift))
    difference = size.records - sum(counts)
    while difference:
        i = rng.randrange(size.volunteers)
        if difference > 0 and counts[i]:
            counts[i] += 1
            difference -= 1
        elif difference < 0 and counts[i] > 1:
            counts[i] -= 1
            difference += 1
    return counts, shifts


@dataclass
class Generated:
    """What the benchmarks need to know about the data, gathered while it is made."""

    counties: list[str] = field(default_factory=list)  # 12-digit county codes
    county_names: dict[str, str] = field(default_factory=dict)
    county_of: array[int] = field(default_factory=lambda: array("H"))  # per volunteer, index into counties
    pending: array[int] = field(default_factory=lambda: array("q"))  # ids of pending records
    stars: Counter[int] = field(default_factory=Counter)
    approved: int = 0
    declined: int = 0
    most_records: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class People:
    """Makes up volunteers and their records, chunk by chunk."""

    def __init__(self, size: Size, villages: list[Place], orgs_by_county: dict[str, list[int]]) -> None:
        self.size = size
        self.villages = villages
        self.cumulative = _weighted(villages)
        self.orgs_by_county = orgs_by_county
        self.all_orgs = [o for ids in orgs_by_county.values() for o in ids]
        self.rng = random.Random(SEED + 11)
        self.thresholds: list[int] = STAR_THRESHOLDS.default
        counties = sorted({p.county_code for p in villages})
        self.county_index = {code: i for i, code in enumerate(counties)}
        self.generated = Generated(
            counties=counties, county_names={p.county_code: p.county for p in villages}
        )
        self.jiangsu = [code[:6] for code in counties]
        self.serial: Counter[str] = Counter()
        self.identities: set[str] = set()
        postgres = connection.vendor == "postgresql"
        tz = "+00" if postgres else ""
        today = timezone.now().date()
        self.last_day = today.toordinal() - 2  # records end by the day before yesterday
        self.first_day = FIRST_DAY.toordinal()
        self.days = [
            datetime.date.fromordinal(d).isoformat() for d in range(self.first_day, self.last_day + 3)
        ]
        self.times = [f"{q // 4:02d}:{q % 4 * 15:02d}:00{tz}" for q in range(97)]
        self.now = (
            timezone.now().isoformat(sep=" ")
            if postgres
            else timezone.now().replace(tzinfo=None).isoformat(sep=" ")
        )
        self.next_record = 1

    def _identity(self, county6: str, registered: int) -> tuple[str, str, str]:
        """(identity number, date of birth, sex): born in the volunteer's county mostly, aged 16
        to 75 when they registered."""
        rng = self.rng
        r = rng.random()
        region = (
            county6 if r < 0.85 else rng.choice(self.jiangsu) if r < 0.95 else rng.choice(OTHER_PROVINCES)
        )
        born = datetime.date.fromordinal(registered - rng.randint(16 * 365, 75 * 365))
        while True:
            sequence = rng.randrange(1000)
            number = idcard.make(region=region, birth=born, sequence=sequence)
            if number not in self.identities:
                self.identities.add(number)
                return number, born.isoformat(), "male" if sequence % 2 else "female"

    def chunk(
        self, first: int, last: int, counts: array[int], shifts: array[int]
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """The volunteers ``first`` ≤ index < ``last`` and their records, as row tuples."""
        rng = self.rng
        random_ = rng.random
        days, times, first_day, last_day = self.days, self.times, self.first_day, self.last_day
        pending_share, declined_share = self.size.pending, self.size.pending + DECLINED
        generated = self.generated
        pending_ids = generated.pending
        volunteers: list[tuple[Any, ...]] = []
        records: list[tuple[Any, ...]] = []
        append = records.append
        record_id = self.next_record
        for index in range(first, last):
            volunteer_id = index + 1
            place = rng.choices(self.villages, cum_weights=self.cumulative)[0]
            county = place.county_code
            generated.county_of.append(self.county_index[county])
            n, shift = counts[index], shifts[index]
            registered = rng.randint(first_day, last_day - max(n, 30))
            span = last_day - registered
            nearby = self.orgs_by_county.get(county) or self.all_orgs
            serves = rng.sample(nearby, min(len(nearby), rng.choice((1, 1, 2, 3))))
            approved = 0
            for k in range(n):
                low = registered + 1 + k * span // n
                high = registered + 1 + (k + 1) * span // n
                day = low + int(random_() * (high - low))
                quarters = min(48, max(2, int(shift * (0.5 + random_()))))
                start = int(random_() * min(45, 96 - quarters))
                date = days[day - first_day]
                started, ended = f"{date} {times[start]}", f"{date} {times[start + quarters]}"
                decided = f"{days[day + 1 - first_day]} {times[8]}"
                r = random_()
                if r < pending_share:
                    status, source, reason, decided = (
                        "pending",
                        "self_reported" if r < pending_share / 2 else "check_in",
                        "",
                        None,
                    )
                    pending_ids.append(record_id)
                elif r < declined_share:
                    status, source, reason = "declined", "self_reported", DECLINE_REASON
                    generated.declined += 1
                else:
                    status, source, reason = "approved", "recorded" if r < 0.9 else "check_in", ""
                    approved += quarters * 15
                    generated.approved += 1
                append(
                    (
                        record_id, volunteer_id, serves[int(random_() * len(serves))], None,
                        TITLES[int(random_() * len(TITLES))], place.name, "", started, ended, quarters * 15,
                        source, status, reason, None, None, decided, ended, 1,
                    )
                )  # fmt: skip
                record_id += 1
            stars = star_level(approved / 60, self.thresholds)
            generated.stars[stars] += 1
            generated.most_records = max(generated.most_records, n)
            identity, born, sex = self._identity(county[:6], registered)
            self.serial[county] += 1
            date = days[registered - first_day]
            name, phone = _person(rng)
            volunteers.append(
                (
                    volunteer_id, f"{county[:6]}{date[2:4]}{self.serial[county]:06d}", name, "resident", identity,
                    born, sex, phone, place.code, rng.choice(AVAILABILITY), None, rng.choice(VIA),
                    f"{date} {times[rng.randrange(96)]}", approved, stars, self.now, 1,
                )
            )  # fmt: skip
        self.next_record = record_id
        return volunteers, records


# --------------------------------------------------------------------------------------------
# Raw bulk inserts, with the secondary indexes and constraints dropped around the load


def _insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY on PostgreSQL, executemany on SQLite; the values are ready for the engine."""
    with transaction.atomic(), connection.cursor() as cursor:
        names = ", ".join(columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            cursor.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _drop_secondary(tables: Sequence[str]) -> list[str]:
    """Drop the tables' indexes (other than the primary keys), unique and foreign-key
    constraints; return the statements that make them again, indexes first."""
    if connection.vendor == "postgresql":
        constraints = _fetch(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
            [list(tables)],
        )
        indexes = _fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x')) ORDER BY indexname",
            [list(tables)],
        )
        _execute(*(f'ALTER TABLE {t} DROP CONSTRAINT "{name}"' for t, name, _d, _k in constraints))
        _execute(*(f'DROP INDEX "{name}"' for name, _d in indexes))
        return [d for _n, d in indexes] + [
            f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, _k in constraints
        ]
    marks = ", ".join("%s" for _t in tables)
    indexes = _fetch(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) AND sql IS NOT NULL "
        "ORDER BY name",
        list(tables),
    )
    _execute(*(f'DROP INDEX "{name}"' for name, _s in indexes))
    return [sql for _n, sql in indexes]


def _organizations(
    size: Size, villages: list[Place], liyang: list[Place], towns: list[Place]
) -> dict[str, list[int]]:
    """A few thousand organizations to organize the records, by county."""
    generator = Generator(villages, liyang, towns)
    made = (generator.organization(i) for i in range(size.organizations))
    rows = [tuple(row[c] for c in ORG_COLUMNS) for row in made]
    documents = {}
    for row in rows:
        codes = [row[ORG_C["uscc"]], row[ORG_C["filing_number"]]]
        documents[row[ORG_C["id"]]] = text_search.document(row[ORG_C["name"]], codes=codes)
    if connection.vendor != "postgresql":
        rows = [tuple(v.isoformat() if isinstance(v, datetime.date) else v for v in row) for row in rows]
    _insert(
        Organization._meta.db_table,
        [*ORG_COLUMNS, "search_text"],
        ((*row, documents[row[ORG_C["id"]]]) for row in rows),
    )
    if connection.vendor == "postgresql":
        _execute(
            "SELECT setval(pg_get_serial_sequence('orgs_organization', 'id'), (SELECT max(id) FROM orgs_organization))",
            "VACUUM ANALYZE orgs_organization",
        )
    by_county: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_county[str(row[ORG_C["region_id"]])[:6].ljust(12, "0")].append(row[ORG_C["id"]])
    return by_county


def _generate(size: Size, people: People) -> Iterator[str]:
    """Plan, generate and insert everything; yield progress comments at full scale."""
    seconds = people.generated.seconds
    postgres = connection.vendor == "postgresql"
    started = time.perf_counter()
    counts, shifts = _plan(size)
    seconds["plan"] = time.perf_counter() - started
    started = time.perf_counter()
    rebuild = _drop_secondary([VOLUNTEER, RECORD])
    if not postgres:
        # Outside a transaction; the connection is closed after the load, and reopened with them on.
        _execute("PRAGMA foreign_keys = OFF", "PRAGMA cache_size = -1048576")
    make = insert = 0.0
    report = max(size.volunteers // 10, CHUNK)
    for first in range(0, size.volunteers, CHUNK):
        t0 = time.perf_counter()
        volunteers, records = people.chunk(first, min(first + CHUNK, size.volunteers), counts, shifts)
        t1 = time.perf_counter()
        _insert(VOLUNTEER, VOLUNTEER_COLUMNS, volunteers)
        _insert(RECORD, RECORD_COLUMNS, records)
        make, insert = make + t1 - t0, insert + time.perf_counter() - t1
        done = first + CHUNK
        if done % report == 0 and done < size.volunteers:
            yield (
                f"#   … {done:,} volunteers, {people.next_record - 1:,} records "
                f"({time.perf_counter() - started:.0f} s: made {make:.0f} s, inserted {insert:.0f} s)"
            )
    assert people.next_record - 1 == size.records, (people.next_record, size.records)
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
                for t in (VOLUNTEER, RECORD)
            ),
            f"VACUUM ANALYZE {VOLUNTEER}",
            f"VACUUM ANALYZE {RECORD}",
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


def _users(county: str) -> tuple[User, User]:
    root = User.objects.create(
        username="bench-people-root", is_superuser=True, is_staff=True, account_type="staff"
    )
    officer = create_account(
        username="bench-people-county",
        password="Bench-pass-2026",  # noqa: S106 - a throwaway account in the benchmark database
        role="county_officer",
        region=Region.objects.get(code=county),
        by=None,
    )
    return root, officer


def _sum_sql() -> str:
    return f"SELECT COALESCE(SUM(minutes), 0) FROM {RECORD} WHERE volunteer_id = %s AND status = 'approved'"


def _totals(
    user: User, ids: Sequence[int], prefix: str | None, thresholds: list[int]
) -> dict[str, list[float]]:
    """Time the ORM's total and star level against the stored columns and against the sum of
    the records, each checked against the others."""
    stored_sql = f"SELECT approved_minutes, star_level FROM {VOLUNTEER} WHERE id = %s"
    if prefix is not None:
        stored_sql += " AND region_id LIKE %s"
    times: dict[str, list[float]] = defaultdict(list)
    with connection.cursor() as cursor:

        def ours() -> tuple[int, float, int]:
            volunteer = Volunteer.objects.visible_to(user).get(pk=pk)
            return volunteer.approved_minutes, volunteer.hours, volunteer.star_level

        def stored() -> tuple[int, int]:
            cursor.execute(stored_sql, [pk] if prefix is None else [pk, prefix + "%"])
            return tuple(cursor.fetchone())  # type: ignore[return-value]

        def summed() -> int:
            cursor.execute(_sum_sql(), [pk])
            return int(cursor.fetchone()[0])

        steps: list[tuple[str, Callable[[], Any]]] = [("ours", ours), ("stored", stored), ("summed", summed)]
        for number, pk in enumerate([*ids[:WARMUP], *ids]):
            results = {}
            for name, step in steps if number % 2 else reversed(steps):
                elapsed, results[name] = _ms(step)
                if number >= WARMUP:
                    times[name].append(elapsed)
            minutes, _hours, stars = results["ours"]
            assert (minutes, stars) == results["stored"], (pk, results)
            assert minutes == results["summed"], (pk, results)
            assert stars == star_level(minutes / 60, thresholds), (pk, results)
    return times


def _distribution(code: str, rounds: int) -> dict[str, Any]:
    prefix = prefix_of(code)
    sql = f"SELECT star_level, COUNT(id) FROM {VOLUNTEER} WHERE region_id LIKE %s GROUP BY star_level"
    times: dict[str, list[float]] = defaultdict(list)

    def ours() -> dict[int, int]:
        return {
            r["star_level"]: r["n"]
            for r in Volunteer.objects.in_region(code).values("star_level").annotate(n=Count("id"))
        }

    def raw() -> dict[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [prefix + "%"])
            return dict(cursor.fetchall())

    found = {}
    for number in range(WARMUP + rounds):
        for name, step in (("ours", ours), ("raw", raw)) if number % 2 else (("raw", raw), ("ours", ours)):
            elapsed, found[name] = _ms(step)
            if number >= WARMUP:
                times[name].append(elapsed)
        assert found["ours"] == found["raw"], found
    query = Volunteer.objects.in_region(code).values("star_level").annotate(n=Count("id")).query
    return {**times, "found": found["ours"], "sql": str(query), "plan": _plan_of(sql, [prefix + "%"])}


def _plan_of(sql: str, params: Sequence[Any]) -> str:
    explain = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    rows = _fetch(f"{explain} {sql}", params)
    text = [str(r[0]) if connection.vendor == "postgresql" else str(r[-1]) for r in rows]
    return " / ".join(t.strip() for t in text)


def _raw_approve(ids: Sequence[int], by: User, thresholds: list[int], content_type: int) -> int:
    """The same work by hand in one transaction: the audit rows, the volunteers' totals and star
    levels, the records."""
    postgres = connection.vendor == "postgresql"
    now = timezone.now()
    if postgres:
        chosen, param = "id = ANY(%s)", list(ids)
        changes = "jsonb_build_object('status', jsonb_build_array('pending', 'approved'))"
        text = "id::text"
    else:
        chosen, param = "id IN (SELECT value FROM json_each(%s))", json.dumps(list(ids))
        changes = "json_object('status', json_array('pending', 'approved'))"
        text = "CAST(id AS TEXT)"
        now = connection.ops.adapt_datetimefield_value(now)
    total = "v.approved_minutes + d.minutes"
    stars = " ".join(
        f"WHEN {total} >= {hours * 60} THEN {level}"
        for level, hours in reversed(list(enumerate(thresholds, 1)))
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AUDIT} (content_type_id, object_pk, object_id, object_repr, action, changes_text, changes, "
            f'actor_id, actor_email, "timestamp", event, region_code) '
            f"SELECT %s, {text}, id, title, %s, '', {changes}, %s, %s, %s, 'people.decide_hours', %s "
            f"FROM {RECORD} WHERE {chosen} AND status = 'pending'",
            [content_type, AuditEntry.Action.UPDATE, by.pk, by.email or None, now, by.region_id or "", param],
        )
        cursor.execute(
            f"UPDATE {VOLUNTEER} AS v SET approved_minutes = {total}, star_level = CASE {stars} ELSE 0 END "
            f"FROM (SELECT volunteer_id, SUM(minutes) AS minutes FROM {RECORD} WHERE {chosen} AND status = 'pending' "
            "GROUP BY volunteer_id) AS d WHERE v.id = d.volunteer_id",
            [param],
        )
        cursor.execute(
            f"UPDATE {RECORD} SET status = 'approved', decided_by_id = %s, decided_at = %s, decline_reason = '', "
            f"version = version + 1 WHERE {chosen} AND status = 'pending'",
            [by.pk, now, param],
        )
        return int(cursor.rowcount)


def _check_consistent(ids: Sequence[int], thresholds: list[int]) -> None:
    """After an approval: the records are approved, and their volunteers' stored totals and stars
    match the sum of their approved records."""
    volunteers = list(
        ServiceRecord.objects.filter(pk__in=list(ids[:200]))
        .order_by()
        .values_list("volunteer_id", "status")
        .distinct()
    )
    assert {s for _v, s in volunteers} == {"approved"}, volunteers[:5]
    for volunteer_id, _s in volunteers[:50]:
        minutes, stars = (
            Volunteer.objects.filter(pk=volunteer_id).values_list("approved_minutes", "star_level").get()
        )
        summed = _fetch(_sum_sql(), [volunteer_id])[0][0]
        assert minutes == summed and stars == star_level(minutes / 60, thresholds), (
            volunteer_id,
            minutes,
            summed,
        )


def _approve(root: User, pending: list[int], thresholds: list[int]) -> dict[str, Any]:
    content_type = ContentType.objects.get_for_model(ServiceRecord).pk
    batches = iter(pending[i : i + BATCH] for i in range(0, len(pending), BATCH))
    times: dict[str, list[float]] = defaultdict(list)

    def ours(ids: list[int]) -> int:
        return decide_many(ids, decision="approved", by=root)

    def raw(ids: list[int]) -> int:
        return _raw_approve(ids, root, thresholds, content_type)

    for number in range(APPROVE_ROUNDS):
        for name, step in (
            (("ours", ours), ("raw", raw)) if number % 2 == 0 else (("raw", raw), ("ours", ours))
        ):
            ids = next(batches)
            assert len(ids) == BATCH, "not enough pending records for another round"
            started = time.perf_counter()
            decided = step(ids)
            times[name].append(time.perf_counter() - started)
            assert decided == BATCH, (name, decided)
            _check_consistent(ids, thresholds)
    # One more batch with the statements captured: where the time goes.
    ids = next(batches)
    volunteers = len(set(ServiceRecord.objects.filter(pk__in=ids).values_list("volunteer_id", flat=True)))
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        ours(ids)
        traced = time.perf_counter() - started
    kinds: dict[str, list[float]] = defaultdict(list)
    for query in captured.captured_queries:
        sql = query["sql"]
        words = sql.split()
        kind = words[0].upper()
        if kind == "SELECT":
            kind += " " + (
                "options"
                if "core_optionvalue" in sql
                else "volunteers"
                if f'FROM "{VOLUNTEER}"' in sql
                else "records"
                if f'FROM "{RECORD}"' in sql
                else "other"
            )
        elif kind in ("UPDATE", "INSERT"):
            kind += " " + words[1 if kind == "UPDATE" else 2].strip('"')
        kinds[kind].append(float(query["time"]))
    return {**times, "traced": traced, "kinds": kinds, "volunteers": volunteers}


def _busiest(generated: Generated) -> tuple[str, int]:
    counted = Counter(generated.county_of)
    index, count = counted.most_common(1)[0]
    return generated.counties[index], count


def run(*, scale: str, size: Size | None = None) -> Iterator[str]:
    size = size or SIZES[scale]
    DATA.mkdir(exist_ok=True)
    _ensure_regions()
    villages, liyang, towns = _places()
    started = time.perf_counter()
    orgs_by_county = _organizations(size, villages, liyang, towns)
    org_seconds = time.perf_counter() - started
    people = People(size, villages, orgs_by_county)
    people.thresholds = options.value_of(STAR_THRESHOLDS.key, "32")
    started = time.perf_counter()
    yield from _generate(size, people)
    made = time.perf_counter() - started
    generated = people.generated
    seconds = generated.seconds
    shares = ", ".join(
        f"{stars}★ {generated.stars[stars] / size.volunteers:.2%}" for stars in sorted(generated.stars)
    )
    yield (
        f"# {size.volunteers:,} volunteers over {len(villages):,} villages, {size.records:,} records "
        f"({generated.approved / size.records:.1%} approved, {len(generated.pending) / size.records:.1%} pending, "
        f"{generated.declined / size.records:.1%} declined; at most {generated.most_records:,} for one volunteer), "
        f"{size.organizations:,} organizations ({org_seconds:.0f} s); generated in {made:.0f} s: planned "
        f"{seconds['plan']:.0f} s, rows made {seconds['make']:.0f} s, inserted {seconds['insert']:.0f} s "
        f"(indexes and constraints dropped), indexes and constraints rebuilt {seconds['index']:.0f} s, "
        f"analyzed {seconds['analyze']:.0f} s"
    )
    yield f"# star levels: {shares}"

    county, in_county = _busiest(generated)
    name = generated.county_names[county]
    root, officer = _users(county)
    thresholds = people.thresholds

    # people_volunteer_total_ms
    rng = random.Random(SEED + 3)
    index = generated.counties.index(county)
    local = [i + 1 for i, c in enumerate(generated.county_of) if c == index]
    times = _totals(officer, rng.sample(local, min(LOOKUPS, len(local))), county[:6], thresholds)
    ours, stored, summed = (_p(times[k], 95) for k in ("ours", "stored", "summed"))
    yield f"BENCH people_volunteer_total_ms {ours:.2f} ms ratio={ours / stored:.2f} target=≤10ms"
    yield (
        f"# {len(times['ours'])} volunteers of {name} ({in_county:,}) as its county officer: "
        f"visible_to().get() p95 {ours:.2f} ms, p50 {_p(times['ours'], 50):.2f} ms; raw SELECT of the stored "
        f"columns p95 {stored:.2f} ms (the headline ratio); raw SUM(minutes) of the approved records p95 "
        f"{summed:.2f} ms, p50 {_p(times['summed'], 50):.2f} ms: ratio {ours / summed:.2f}"
    )
    anywhere = rng.sample(range(1, size.volunteers + 1), LOOKUPS)
    times = _totals(root, anywhere, None, thresholds)
    ours, stored, summed = (_p(times[k], 95) for k in ("ours", "stored", "summed"))
    yield (
        f"#   as a superuser, {len(times['ours'])} volunteers anywhere: p95 {ours:.2f} ms; stored columns "
        f"{stored:.2f} ms (ratio {ours / stored:.2f}); SUM {summed:.2f} ms (ratio {ours / summed:.2f})"
    )

    # people_star_distribution_ms
    result = _distribution(county, DISTRIBUTION_ROUNDS)
    assert sum(result["found"].values()) == in_county, (result["found"], in_county)
    ours, raw = _p(result["ours"], 95), _p(result["raw"], 95)
    yield f"BENCH people_star_distribution_ms {ours:.1f} ms ratio={ours / raw:.2f} target=≤500ms"
    yield (
        f"# {name} ({in_county:,} volunteers), {DISTRIBUTION_ROUNDS} rounds: p50 {_p(result['ours'], 50):.1f} ms; "
        f"raw GROUP BY p95 {raw:.1f} ms, p50 {_p(result['raw'], 50):.1f} ms; counts "
        + ", ".join(f"{k}★ {v:,}" for k, v in sorted(result["found"].items()))
    )
    yield f"#   ORM SQL: {result['sql']}"
    yield f"#   plan of the raw statement: {result['plan']}"
    city = county[:4].ljust(12, "0")
    city_result = _distribution(city, 10)
    yield (
        f"#   the same for its city ({sum(city_result['found'].values()):,} volunteers): p95 "
        f"{_p(city_result['ours'], 95):.1f} ms, raw {_p(city_result['raw'], 95):.1f} ms"
    )

    # people_hours_approve_10k_s
    pending = list(generated.pending)
    random.Random(SEED + 4).shuffle(pending)
    result = _approve(root, pending, thresholds)
    ours, raw = statistics.median(result["ours"]), statistics.median(result["raw"])
    yield f"BENCH people_hours_approve_10k_s {ours:.2f} s ratio={ours / raw:.2f} target=≤5s"
    kinds = "; ".join(
        f"{kind} ×{len(t)} {sum(t):.2f} s"
        for kind, t in sorted(result["kinds"].items(), key=lambda item: -sum(item[1]))
    )
    yield (
        f"# decide_many of {BATCH:,} pending records (about {result['volunteers']:,} volunteers) as a superuser, "
        f"committed, fresh records each round: "
        + ", ".join(f"{t:.2f}" for t in result["ours"])
        + " s; raw INSERT … SELECT + UPDATE … FROM + UPDATE: "
        + ", ".join(f"{t:.2f}" for t in result["raw"])
        + " s"
    )
    yield f"#   one more batch with its statements captured ({result['traced']:.2f} s): {kinds}"
