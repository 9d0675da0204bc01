"""Organization figures at province scale: search, the list page and spreadsheet import.

* ``orgs_search_p95_ms``: a realistic mix of searches (two Han characters, three to five, pinyin
  initials, a full-pinyin prefix, a code prefix, one character), each run through the ORM as the
  list page runs it (the count its paginator asks for, capped at ``COUNT_CAP``, then the first
  page, newest first), against the hand-written statement of ``peiyu.orgs.search.raw_sql`` and
  the same capped count written by hand.
* ``orgs_list_p95_ms``: the organization list rendered through the view for a county officer,
  with filters and searches, against replaying the SQL statements the view ran on a cursor; and the
  number of queries of page 1 at two row counts.
* ``orgs_import_rows_per_s``: a generated .xlsx imported by ``importing.read_and_check`` and
  ``services.import_records`` in a subprocess (whose peak memory, and its workbook reader's, is
  sampled from /proc: see ``MemoryWatch``), against python-calamine and one ``executemany`` of the
  same rows in the same kind of subprocess.

The organizations are made up from Jiangsu's real division names and written with raw bulk inserts
(``executemany`` on SQLite, ``COPY`` on PostgreSQL); their search documents come from
``peiyu.lib.search.document`` and are cached in ``bench/.data`` between runs.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import math
import os
import pickle
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pypinyin
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from pypinyin import lazy_pinyin

from peiyu.accounts.models import User
from peiyu.accounts.services import create_account
from peiyu.lib import search as text_search
from peiyu.lib import uscc
from peiyu.orgs import importing
from peiyu.orgs import search as engine_search
from peiyu.orgs.models import Event, Field, Organization, TargetGroup
from peiyu.orgs.views import COUNT_CAP
from peiyu.regions.models import Region
from peiyu.regions.services import load_regions, read_rows

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"


@dataclass(frozen=True)
class Size:
    organizations: int
    first: int  # rows inserted before the rest, to count the list page's queries at two sizes
    imports: int


SIZES = {
    "full": Size(organizations=1_000_000, first=10_000, imports=100_000),
    "small": Size(organizations=50_000, first=5_000, imports=10_000),
}
SEED = 20261121
SEARCHES = 200  # timed queries per scope, in random order …
SEARCH_BUDGET_S = 150  # … stopping after this long: p95 is then over the queries that ran
WARMUP = 10
TIMEOUT_MS = 5000  # PostgreSQL cancels a statement after this long (see _statement_timeout)
LIST_ROUNDS = 10
LIYANG = "320481"  # the county officer's county: a twentieth of all organizations
LIYANG_SHARE = 0.05
DAIBU = "320481103"
TABLE = Organization._meta.db_table
FTS_TRIGGERS = engine_search.SQLITE_DROP[:3]

FILED_WORDS = [
    "百姓议事堂", "志愿服务队", "法律服务队", "人民调解工作室", "调解委员会", "心理咨询服务站",
    "社会工作服务站", "老年人协会", "乡贤理事会", "红白理事会", "文体队", "广场舞队", "书画社",
    "读书会", "邻里互助会", "平安巡逻队", "护河志愿队", "关爱留守儿童服务站", "助残服务社",
    "家长学校", "妇女互助会", "农技服务社", "养老互助会", "青少年服务站", "法治宣传队",
    "禁毒志愿服务队", "戏曲协会", "舞龙舞狮队", "网格志愿服务队", "爱心超市", "睦邻中心",
    "腰鼓队", "太极拳协会", "象棋协会", "环保志愿服务队", "便民服务队", "新乡贤工作室",
    "党员先锋服务队", "五老关爱团", "巾帼志愿服务队",
]  # fmt: skip
TOPICS = [
    "志愿者", "心理咨询", "社会工作", "养老服务", "青少年发展", "法律服务", "书画", "摄影",
    "钓鱼", "太极拳", "家庭教育", "残疾人康复", "慈善", "民间文艺", "科普", "老年体育", "义工",
    "社区发展",
]  # fmt: skip
SUFFIXES = ["协会", "服务中心", "促进会", "研究会", "发展中心"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红梅"
VILLAGE_SUFFIXES = [
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
    ("村民委员会", "村"),
    ("村村委会", "村"),
    ("村委会", "村"),
]


# --------------------------------------------------------------------------------------------
# Places and organizations


@dataclass(frozen=True)
class Place:
    code: str  # the organization's region: a village, or a town
    name: str  # 新桥村, 天福社区; the town's name for a town
    town: str
    town_code: str
    county: str
    county_code: str


def _short(name: str) -> str:
    for suffix, replacement in VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


def _places() -> tuple[list[Place], list[Place], list[Place]]:
    """Jiangsu's villages, Liyang's villages and Jiangsu's towns, from the shipped division data."""
    rows = {r.code: r for r in read_rows(under="32")}
    villages, towns = [], []
    for row in rows.values():
        if row.level not in ("village", "town") or row.parent is None:
            continue
        town = row if row.level == "town" else rows[row.parent]
        county = rows[town.parent] if town.parent else None
        if county is None or "虚拟" in row.name:
            continue
        place = Place(
            code=row.code,
            name=_short(row.name) if row.level == "village" else row.name,
            town=town.name,
            town_code=town.code,
            county=county.name,
            county_code=county.code,
        )
        (villages if row.level == "village" else towns).append(place)
    villages.sort(key=lambda p: p.code)
    towns.sort(key=lambda p: p.code)
    liyang = [p for p in villages if p.code.startswith(LIYANG)]
    return villages, liyang, towns


def _body8(index: int) -> str:
    """A distinct 8-digit organization-code body for each index below 10**8 (7919 is prime to 10)."""
    return f"{(index * 7919 + 12345) % 10**8:08d}"


def _date(rng: random.Random, start: int = 2005, end: int = 2025) -> datetime.date:
    first = datetime.date(start, 1, 1).toordinal()
    last = datetime.date(end, 6, 30).toordinal()
    return datetime.date.fromordinal(rng.randint(first, last))


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return name, f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


# The generated rows are tuples in this order (the search document is added on insert).
COLUMNS = [f.column for f in Organization._meta.concrete_fields if f.column != "search_text"]
C = {column: i for i, column in enumerate(COLUMNS)}
Row = tuple[Any, ...]


class Generator:
    """Makes up organizations: about 84% filed community organizations in villages and towns,
    16% registered ones (associations and service institutions) with valid credit codes."""

    def __init__(self, villages: list[Place], liyang: list[Place], towns: list[Place]) -> None:
        self.villages, self.liyang, self.towns = villages, liyang, towns
        self.towns_of: dict[str, list[Place]] = defaultdict(list)
        for town in towns:
            self.towns_of[town.county_code].append(town)
        self.rng = random.Random(SEED)
        self.taken: set[tuple[str, str]] = set()  # (authority, name) of active registered ones
        self.field_ids = list(Field.objects.order_by("id").values_list("id", flat=True))
        now = timezone.now()
        self.now = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)

    def place(self) -> Place:
        rng = self.rng
        return rng.choice(self.liyang) if rng.random() < LIYANG_SHARE else rng.choice(self.villages)

    def organization(self, index: int) -> dict[str, Any]:
        rng = self.rng
        place = self.place()
        status = "active" if rng.random() < 0.92 else rng.choice(("deregistered", "deregistered", "revoked"))
        established = _date(rng)
        leader, phone = _person(rng)
        row: dict[str, Any] = {
            "id": index + 1,
            "region_id": place.code,
            "address": f"{place.town}{place.name}",
            "established_how": rng.choice(("spontaneous", "community", "incubated", "")),
            "active_people": rng.randint(5, 300),
            "leader_name": leader,
            "leader_phone": phone,
            "contact_name": "",
            "contact_phone": "",
            "party_organization": rng.choice(("none", "none", "joint", "instructor")),
            "has_charter": rng.random() < 0.7,
            "has_member_congress": False,
            "has_board": False,
            "has_supervisors": False,
            "is_decoupled": False,
            "pledge_signed_on": None,
            "description": "",
            "established_on": established,
            "filed_on": None,
            "registered_on": None,
            "ended_on": None if status == "active" else _date(rng, 2021),
            "status": status,
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
            "uscc": "",
            "filing_number": "",
            "legal_form": "",
        }
        if rng.random() < 0.16 and self._registered(row, place, index):
            return row
        # A filed community organization, in its village (three in four) or its town.
        word = rng.choice(FILED_WORDS)
        if rng.random() < 0.75:
            row["name"] = f"{place.name}{word}" if rng.random() < 0.75 else f"{place.town}{place.name}{word}"
        else:
            row["name"] = f"{place.town}{word}"
            row["region_id"] = place.town_code
        row.update(
            source="filed",
            category="community",
            development_type="grassroots",
            authority_id=place.town_code,
            filing_number=f"{place.town_code[:9]}-{established.year}-{index:07d}",
            filed_on=established,
            guidance_unit=f"{place.town}人民政府",
        )
        return row

    def _registered(self, row: dict[str, Any], place: Place, index: int) -> bool:
        rng = self.rng
        topic, suffix = rng.choice(TOPICS), rng.choice(SUFFIXES)
        town = rng.choice(self.towns_of[place.county_code])
        for name in (f"{town.town}{topic}{suffix}", f"{place.county}{place.name}{topic}{suffix}"):
            if (place.county_code, name) not in self.taken:
                break
        else:
            return False  # that name is taken under this county: make a filed one instead
        if row["status"] == "active":
            self.taken.add((place.county_code, name))
        legal_form, prefix = rng.choice((("association", "51"), ("service_institution", "52")))
        row.update(
            name=name,
            source="registered",
            legal_form=legal_form,
            category=rng.choice(("trade", "science", "charity", "community")),
            development_type=rng.choice(("grassroots", "hub", "industry", "professional", "network")),
            authority_id=place.county_code,
            uscc=uscc.make(department_type=prefix, division=place.county_code[:6], body8=_body8(index)),
            registered_on=row["established_on"],
            guidance_unit=f"{place.county}民政局",
        )
        return True

    def fields(self, organization_id: int) -> list[tuple[int, int]]:
        count = self.rng.choice((0, 1, 1, 2))
        return [(organization_id, f) for f in self.rng.sample(self.field_ids, count)]


# --------------------------------------------------------------------------------------------
# Search documents, computed in parallel and cached between runs


def _documents_cache() -> Path:
    digest = hashlib.sha256(Path(text_search.__file__).read_bytes())
    digest.update(pypinyin.__version__.encode())
    return DATA / f"orgs-documents-{digest.hexdigest()[:16]}.pickle"


def _documents(names: Iterable[str]) -> tuple[dict[str, str], float, int]:
    """``document(name)`` for every distinct name: from the cache, the rest computed on every core."""
    started = time.perf_counter()
    path = _documents_cache()
    known: dict[str, str] = {}
    if path.exists():
        with path.open("rb") as handle:
            known = pickle.load(handle)  # noqa: S301 - a file this benchmark wrote itself
    missing = sorted(set(names) - known.keys())
    if missing:
        connection.close()  # the workers are forked: they must not share the database connection
        with get_context("fork").Pool(os.cpu_count() or 1) as pool:
            known.update(zip(missing, pool.map(text_search.document, missing, chunksize=2000), strict=True))
        for old in DATA.glob("orgs-documents-*.pickle"):
            old.unlink()
        with path.open("wb") as handle:
            pickle.dump(known, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return known, time.perf_counter() - started, len(missing)


def _search_text(documents: dict[str, str], row: Row) -> str:
    """``document(name, codes=[uscc, filing_number])``: the name's tokens, then each code whole."""
    codes = [text_search.normalize(row[C[c]])[: text_search.MAX_TOKEN] for c in ("uscc", "filing_number")]
    return " ".join([documents[row[C["name"]]], *[c for c in codes if c]])


# --------------------------------------------------------------------------------------------
# Raw bulk inserts


def _insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        names = ", ".join(columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            cursor.cursor.executemany(sql, (tuple(_sqlite(v) for v in row) for row in rows))


def _links(model: type[Field] | type[TargetGroup]) -> tuple[str, str, str]:
    """The link table between organizations and ``model``, and its two columns."""
    m2m = next(f for f in Organization._meta.many_to_many if f.related_model is model)
    through = m2m.remote_field.through  # type: ignore[union-attr]
    return through._meta.db_table, m2m.m2m_column_name(), m2m.m2m_reverse_name()  # type: ignore[union-attr]


def _sqlite(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _load(
    generator: Generator, documents: dict[str, str], rows: list[Row], *, bulk: bool
) -> dict[str, float]:
    """Insert ``rows`` and their fields of activity. ``bulk`` drops the search index (SQLite: its
    triggers) for the load and rebuilds it afterwards, as one would for a first load."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    if not postgres:
        _execute("PRAGMA cache_size = -1048576")  # 1 GiB for the load; the connection is closed after
    if bulk:
        _execute(*(engine_search.PG_DROP if postgres else FTS_TRIGGERS))
    values = ((*row, _search_text(documents, row)) for row in rows)
    _insert(TABLE, [*COLUMNS, "search_text"], values)
    links = [link for row in rows for link in generator.fields(row[C["id"]])]
    table, organization_column, field_column = _links(Field)
    _insert(table, [organization_column, field_column], links)
    seconds["insert"] = time.perf_counter() - started
    started = time.perf_counter()
    if bulk and postgres:
        _execute("SET maintenance_work_mem = '1GB'", *engine_search.PG_SCHEMA, "RESET maintenance_work_mem")
    elif bulk:
        _execute(*engine_search.SQLITE_SCHEMA)  # the triggers again, then 'rebuild'
    if postgres:
        _execute(
            f"VACUUM ANALYZE {TABLE}",
            f"VACUUM ANALYZE {table}",
            "SELECT setval(pg_get_serial_sequence('orgs_organization', 'id'), (SELECT max(id) FROM orgs_organization))",
        )
    seconds["index"] = time.perf_counter() - started
    connection.close()  # measure with connections as the application opens them
    return seconds


def _generate(generator: Generator, count: int) -> list[Row]:
    rows = []
    for index in range(count):
        row = generator.organization(index)
        rows.append(tuple(row[column] for column in COLUMNS))
    return rows


# --------------------------------------------------------------------------------------------
# Measuring


def _p(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0–100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _ms(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def _users() -> tuple[User, User]:
    root = User.objects.create(username="bench-root", is_superuser=True, is_staff=True, account_type="staff")
    county = create_account(
        username="bench-county",
        password="Bench-pass-2026",  # noqa: S106 - a throwaway account in the benchmark database
        role="county_officer",
        region=Region.objects.get(code=LIYANG.ljust(12, "0")),
        by=None,
    )
    return root, county


def _initials(text: str) -> str:
    return "".join(s[0] for s in lazy_pinyin(text))


def _queries(rng: random.Random, rows: Sequence[Row], places: Sequence[Place]) -> list[tuple[str, str]]:
    """(kind, text): what people type into the search box, in a realistic mix."""
    words = FILED_WORDS + TOPICS

    def piece(text: str, length: int) -> str:
        start = rng.randrange(len(text) - length + 1)
        return text[start : start + length]

    def han2() -> str:
        return piece(rng.choice(words + [p.name for p in rng.sample(places, 5)]), 2)

    def han35() -> str:
        text = rng.choice([*words, rng.choice(places).name + rng.choice(FILED_WORDS)])
        return piece(text, min(len(text), rng.randint(3, 5)))

    def initials() -> str:
        return _initials(rng.choice([*FILED_WORDS, rng.choice(places).name]))

    def full_pinyin() -> str:
        spelled = "".join(lazy_pinyin(rng.choice(words)))
        return spelled[: rng.randint(4, min(10, len(spelled)))]

    def code() -> str:
        row = rng.choice(rows)
        text = text_search.normalize(row[C["uscc"]] or row[C["filing_number"]])
        return text[: rng.randint(10, len(text))]

    def han1() -> str:
        return rng.choice("".join(FILED_WORDS))

    mix = [("han2", han2, 25), ("han3-5", han35, 25), ("initials", initials, 15)]
    mix += [("pinyin", full_pinyin, 10), ("code", code, 15), ("han1", han1, 10)]
    kinds = rng.choices([m[:2] for m in mix], weights=[m[2] for m in mix], k=SEARCHES)
    return [(kind, make()) for kind, make in kinds]


def _raw_statements(text: str, prefix: str | None) -> tuple[str, str, list[str]]:
    """The page statement of ``raw_sql`` and the count the list page makes (up to ``COUNT_CAP``),
    limited to a region subtree when ``prefix``."""
    query = text_search.parse(text)
    assert query is not None
    sql, params = engine_search.raw_sql(query)
    tail = " ORDER BY id DESC LIMIT 20"
    assert sql.startswith("SELECT id, name FROM ") and sql.endswith(tail), sql
    where = sql.removesuffix(tail)
    if prefix is not None:
        where += " AND region_id LIKE %s"
        params = [*params, prefix + "%"]
    capped = where.replace("SELECT id, name FROM ", "SELECT 1 FROM ", 1)
    return where + tail, f"SELECT COUNT(*) FROM ({capped} LIMIT {COUNT_CAP + 1}) AS capped", params


def _search_scope(user: User, queries: list[tuple[str, str]], prefix: str | None) -> dict[str, Any]:
    ours, ours_page, raw, raw_page, matches = [], [], [], [], []
    by_kind: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    slowest: list[tuple[float, str, str]] = []
    timeouts = 0

    # As the list page's paginator does: the count up to COUNT_CAP, then the page if there is one.
    def orm() -> int:
        queryset = Organization.objects.visible_to(user).search(text).order_by("-id")
        total = queryset[: COUNT_CAP + 1].count()
        if total:
            list(queryset[:20])
        return total

    def orm_page() -> None:
        list(Organization.objects.visible_to(user).search(text).order_by("-id")[:20])

    def by_hand() -> int:
        with connection.cursor() as cursor:
            cursor.execute(count_sql, params)
            total = int(cursor.fetchone()[0])
            if total:
                cursor.execute(page_sql, params)
                cursor.fetchall()
            return total

    def by_hand_page() -> None:
        with connection.cursor() as cursor:
            cursor.execute(page_sql, params)
            cursor.fetchall()

    deadline = math.inf
    for number, (kind, text) in enumerate(queries[:WARMUP] + queries):
        if number == WARMUP:
            deadline = time.monotonic() + SEARCH_BUDGET_S
        elif time.monotonic() > deadline:
            break
        page_sql, count_sql, params = _raw_statements(text, prefix)
        timed: dict[str, float] = {}
        results: dict[str, Any] = {}
        steps = [("ours", orm), ("raw", by_hand), ("ours_page", orm_page), ("raw_page", by_hand_page)]
        if number % 2:
            steps.reverse()
        for name, step in steps:
            started = time.perf_counter()
            try:
                results[name] = step()
            except OperationalError:  # cancelled by the statement timeout
                results[name] = None
                timeouts += 1
            timed[name] = (time.perf_counter() - started) * 1000
        found = results["ours"]
        assert None in (found, results["raw"]) or results["raw"] == found, (text, results["raw"], found)
        if number < WARMUP:
            timeouts = 0
            continue
        slowest.append((timed["ours"], kind, text))
        ours.append(timed["ours"])
        raw.append(timed["raw"])
        ours_page.append(timed["ours_page"])
        raw_page.append(timed["raw_page"])
        found = found if found is not None else results["raw"]
        matches.append(found or 0)
        by_kind[kind].append((timed["ours"], timed["raw"], found or 0))
    return {
        "timeouts": timeouts,
        "slowest": sorted(slowest, reverse=True)[:3],
        "ours": ours,
        "raw": raw,
        "ours_page": ours_page,
        "raw_page": raw_page,
        "matches": matches,
        "by_kind": by_kind,
    }


def _search_lines(name: str, label: str, result: dict[str, Any], rows: int) -> Iterator[str]:
    ours, raw = _p(result["ours"], 95), _p(result["raw"], 95)
    yield f"BENCH {name} {ours:.1f} ms ratio={ours / raw:.2f} target=≤30ms,ratio≤2"
    yield (
        f"# {len(result['ours'])} searches (of {SEARCHES}; at most {SEARCH_BUDGET_S} s) over {rows:,} organizations "
        f"as {label}, the count (up to {COUNT_CAP:,}) and the first page of 20: "
        f"p50 {_p(result['ours'], 50):.1f} ms, max {max(result['ours']):.1f} ms; raw_sql + count p95 {raw:.1f} ms, "
        f"p50 {_p(result['raw'], 50):.1f} ms; page only p95 {_p(result['ours_page'], 95):.1f} ms "
        f"vs raw_sql {_p(result['raw_page'], 95):.1f} ms; median {statistics.median(result['matches']):.0f} matches"
    )
    parts = []
    for kind, timings in result["by_kind"].items():
        ours_kind = _p([t[0] for t in timings], 95)
        raw_kind = _p([t[1] for t in timings], 95)
        most = max(t[2] for t in timings)
        parts.append(f"{kind} {ours_kind:.1f}/{raw_kind:.1f} ms (n={len(timings)}, ≤{most:,} matches)")
    yield "#   p95 Peiyu/raw by kind: " + "; ".join(parts)
    slowest = ", ".join(f"{kind} {text!r} {ms:.0f} ms" for ms, kind, text in result["slowest"])
    cancelled = (
        f"; {result['timeouts']} statements cancelled at {TIMEOUT_MS} ms" if result["timeouts"] else ""
    )
    yield f"#   slowest: {slowest}{cancelled}"


LIST_URLS = [
    "",
    "status=active",
    "source=filed&status=active",
    "category=community&development_type=grassroots",
    "field=volunteering",
    f"region={DAIBU}",
    "q=议事",
    "q=bxyst&status=active",
    "q=志愿服务队&source=filed",
    "sort=name",
    "page=20",
    "field=elderly_care&status=active&q=服务",
]
COUNTED_URL = "status=active&field=volunteering"


@contextlib.contextmanager
def _statement_timeout() -> Iterator[None]:
    """On PostgreSQL, cancel any statement after ``TIMEOUT_MS``, so that a bad plan (a scan of the
    whole table) costs the run seconds rather than minutes; such a statement counts as cancelled."""
    if connection.vendor != "postgresql":
        yield
        return
    options = connection.settings_dict.setdefault("OPTIONS", {})
    before = options.get("options")
    options["options"] = f"-c statement_timeout={TIMEOUT_MS}"
    connection.close()
    try:
        yield
    finally:
        if before is None:
            options.pop("options", None)
        else:
            options["options"] = before
        connection.close()


def _static_files() -> dict[str, Any]:
    """Serve static files from the source folders unless collectstatic has made the manifest."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    storages = dict(settings.STORAGES)
    if not manifest.exists():
        storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    return {"STORAGES": storages, "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"]}


def _get(client: Client, query: str) -> bool:
    """GET the list page; False if a statement was cancelled by the timeout."""
    try:
        response = client.get(f"/orgs/?{query}")
    except OperationalError:
        return False
    assert response.status_code == 200, (query, response.status_code)
    return True


def _page_queries(client: Client, query: str, *, rows: bool = False) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/orgs/?{query}")
    assert response.status_code == 200, (query, response.status_code)
    assert not rows or b'data-testid="organizations"' in response.content, query
    return [q["sql"] for q in captured.captured_queries]


def _captured(client: Client, query: str) -> list[str]:
    """The statements one GET runs (those before a cancelled one, and that one, if it fails)."""
    with CaptureQueriesContext(connection) as captured:
        _get(client, query)
    return [q["sql"] for q in captured.captured_queries]


def _replay(statements: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            # Captured with their parameters inlined; a literal % must not read as a placeholder.
            try:
                cursor.execute(sql.replace("%", "%%"), ())
            except OperationalError:
                return
            if cursor.description:
                cursor.fetchall()


def _list(client: Client) -> dict[str, Any]:
    captured = {query: _captured(client, query) for query in LIST_URLS}
    ours: list[float] = []
    raw: list[float] = []
    slowest: dict[str, float] = {}
    failed = 0
    for _round in range(LIST_ROUNDS):
        for query in LIST_URLS:
            started = time.perf_counter()
            failed += not _get(client, query)
            elapsed = (time.perf_counter() - started) * 1000
            ours.append(elapsed)
            slowest[query] = max(slowest.get(query, 0.0), elapsed)
            raw.append(_ms(lambda q=query: _replay(captured[q])))  # type: ignore[misc]
    return {"ours": ours, "raw": raw, "slowest": slowest, "failed": failed}


# --------------------------------------------------------------------------------------------
# Import


IMPORT_CHILD = (
    "import os, sys; sys.path.insert(0, sys.argv[1]); "
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
    "import django; from django.conf import settings; "
    "settings.DATABASES['default']['NAME'] = sys.argv[2]; django.setup(); "
    "from bench.orgs import import_child; import_child(sys.argv[3:])"
)


def _label(labels: dict[str, str], value: str, preferred: Sequence[str] = ()) -> str:
    for label in preferred:
        if labels.get(label) == value:
            return label
    return next((label for label, v in labels.items() if v == value and not label.isascii()), value)


def _write_xlsx(path: Path, count: int, rows: Sequence[Row], liyang: list[Place]) -> None:
    """A workbook as an office keeps it: the required columns and the fields of activity, one
    organization a row, in 溧阳市's villages; one in eight registered, with a valid credit code."""
    from openpyxl import Workbook

    rng = random.Random(SEED + 1)
    labels = importing._label_maps()
    source = {v: _label(labels["source"], v, ("备案", "登记")) for v in ("filed", "registered")}
    legal = {
        v: _label(labels["legal_form"], v, ("社会团体", "民办非企业单位"))
        for v in ("association", "service_institution")
    }
    category = _label(labels["category"], "community", ("城乡社区服务类",))
    development = _label(labels["development_type"], "grassroots", ("基层基础型",))
    field_names = list(Field.objects.filter(is_active=True).values_list("name", flat=True))
    taken = {
        (r[C["authority_id"]], r[C["name"]])
        for r in rows
        if r[C["source"]] == "registered" and r[C["status"]] == "active"
    }
    headers = [*importing.REQUIRED, "活动领域"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("社会组织")
    sheet.append(headers)
    for index in range(count):
        place = rng.choice(liyang)
        leader, phone = _person(rng)
        established = _date(rng)
        fields = "、".join(rng.sample(field_names, rng.choice((0, 1, 1, 2))))
        topic, suffix = rng.choice(TOPICS), rng.choice(SUFFIXES)
        county = place.county_code
        name = f"{place.name}{topic}{suffix}"
        if rng.random() < 0.125 and (county, name) not in taken:
            taken.add((county, name))
            form, prefix = rng.choice((("association", "51"), ("service_institution", "52")))
            code = uscc.make(department_type=prefix, division=county[:6], body8=_body8(10**7 + index))
            values = [name, code, "", source["registered"], legal[form], category, development]
        else:
            name = f"{place.name}{rng.choice(FILED_WORDS)}"
            number = f"{place.town_code[:9]}-{established.year}-D{index:06d}"
            values = [name, "", number, source["filed"], "", category, development]
        sheet.append([*values, place.code, leader, phone, established, fields])
    book.save(path)


def _import_file(size: Size, rows: Sequence[Row], liyang: list[Place]) -> Path:
    path = DATA / f"orgs-import-{size.imports}-{SEED}.xlsx"
    if not path.exists():
        _write_xlsx(path.with_suffix(".tmp"), size.imports, rows, liyang)
        path.with_suffix(".tmp").rename(path)
    return path


def _status_kb(pid: int | str, key: str) -> int:
    """A figure of /proc/<pid>/status in kB (VmRSS now, VmHWM the peak); 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class MemoryWatch:
    """Samples this process and its children (the workbook reader) every 10 ms.

    ``getrusage(...).ru_maxrss`` cannot be used here: a child started by vfork and exec keeps the
    high-water mark of the process it was started from, so every child would report at least the
    RSS of its parent. VmHWM in /proc is per address space and starts again at exec."""

    def __init__(self) -> None:
        self.child_kb = 0
        self.together_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            children = []
            for task in Path(f"/proc/{me}/task").iterdir():
                with contextlib.suppress(OSError):
                    children += (task / "children").read_text().split()
            total = _status_kb(me, "VmRSS")
            for child in children:
                self.child_kb = max(self.child_kb, _status_kb(child, "VmHWM"))
                total += _status_kb(child, "VmRSS")
            self.together_kb = max(self.together_kb, total)
            self._stop.wait(0.01)

    def stop(self) -> dict[str, int]:
        self._stop.set()
        self._thread.join()
        own = _status_kb(os.getpid(), "VmHWM")
        return {"own_kb": own, "child_kb": self.child_kb, "together_kb": max(own, self.together_kb)}


def import_child(args: list[str]) -> None:
    """In a subprocess: import the file the Peiyu way (``peiyu``) or the raw way (``raw``) and
    print seconds and peak memory as JSON."""
    mode, filename = args[0], args[1]
    path = Path(filename)
    watch = MemoryWatch()
    data = path.read_bytes()
    started = time.perf_counter()
    if mode == "peiyu":
        from peiyu.orgs import services

        user = User.objects.get(username=args[2])
        checked = importing.read_and_check(data, path.name, importing.regions_for(user))
        if not checked.ok:
            print(json.dumps({"errors": [str(e) for e in checked.errors[:10]]}, ensure_ascii=False))
            raise SystemExit(1)
        read_seconds = time.perf_counter() - started
        created = services.import_records(checked.records, by=user, source_name=path.name)
    else:
        read_seconds, created = _raw_import(data)
    seconds = time.perf_counter() - started
    print(json.dumps({"created": created, "seconds": seconds, "read_seconds": read_seconds, **watch.stop()}))


def _raw_import(data: bytes) -> tuple[float, int]:
    """python-calamine, the same conversions written by hand, ``document()`` and one executemany."""
    import io

    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header, *cells = sheet
    column = {name: header.index(name) for name in header}
    labels = importing._label_maps()
    now = timezone.now()
    if connection.vendor != "postgresql":
        now = connection.ops.adapt_datetimefield_value(now)
    rows = []
    for record in cells:
        value = {name: record[i] for name, i in column.items()}
        source = labels["source"][value["来源"]]
        region = str(value["所在地区代码"])
        code, number = value["统一社会信用代码"], value["备案编号"]
        established = value["成立日期"]
        if isinstance(established, datetime.datetime):
            established = established.date()
        registered = source == "registered"
        rows.append(
            (
                value["名称"],
                source,
                labels["legal_form"][value["法人类型"]] if value["法人类型"] else "",
                code,
                number,
                labels["category"][value["类别"]],
                labels["development_type"][value["发展类型"]],
                region,
                region[:6].ljust(12, "0") if registered else region[:9].ljust(12, "0"),
                value["负责人"],
                str(value["联系电话"]),
                _sqlite(established) if connection.vendor != "postgresql" else established,
                None if registered else _sqlite(established),
                _sqlite(established) if registered else None,
                text_search.document(value["名称"], codes=[code, number]),
                now,
                now,
            )
        )
    read_seconds = time.perf_counter() - started
    columns = [
        "name", "source", "legal_form", "uscc", "filing_number", "category", "development_type",
        "region_id", "authority_id", "leader_name", "leader_phone", "established_on", "filed_on",
        "registered_on", "search_text", "created_at", "updated_at",
    ]  # fmt: skip
    constant = {
        "address": "", "established_how": "", "contact_name": "", "contact_phone": "",
        "guidance_unit": "", "party_organization": "none", "has_charter": False,
        "has_member_congress": False, "has_board": False, "has_supervisors": False,
        "is_decoupled": False, "description": "", "status": "active", "version": 1,
    }  # fmt: skip
    names = ", ".join([*columns, *constant])
    marks = ", ".join(["%s"] * (len(columns) + len(constant)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} ({names}) VALUES ({marks})", [(*row, *constant.values()) for row in rows]
        )
    return read_seconds, len(rows)


def _run_child(*args: str) -> dict[str, Any]:
    command = [sys.executable, "-c", IMPORT_CHILD, str(ROOT), connection.settings_dict["NAME"], *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(
            f"import child failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-4000:]}"
        )
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def _delete_from(first_id: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Event._meta.db_table} WHERE organization_id >= %s", [first_id])
        for model in (Field, TargetGroup):
            table, column, _other = _links(model)
            cursor.execute(f"DELETE FROM {table} WHERE {column} >= %s", [first_id])
        cursor.execute(f"DELETE FROM {TABLE} WHERE id >= %s", [first_id])


def _import(size: Size, rows: Sequence[Row], liyang: list[Place], county: User) -> Iterator[str]:
    started = time.perf_counter()
    path = _import_file(size, rows, liyang)
    made = time.perf_counter() - started
    connection.close()  # the children write; SQLite must not see this process hold a transaction
    first_id = (Organization.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    ours = _run_child("peiyu", str(path), county.username)
    assert ours["created"] == size.imports, ours
    _delete_from(first_id)
    raw = _run_child("raw", str(path))
    assert raw["created"] == size.imports, raw
    _delete_from(first_id)
    rate, raw_rate = ours["created"] / ours["seconds"], raw["created"] / raw["seconds"]
    peak, raw_peak = ours["together_kb"] / 1024, raw["together_kb"] / 1024
    yield f"BENCH orgs_import_rows_per_s {rate:.0f} rows/s ratio={rate / raw_rate:.2f} target=≥5000"
    yield f"BENCH orgs_import_peak_mb {peak:.0f} MB ratio={peak / raw_peak:.2f} target=≤300"
    yield (
        f"# {size.imports:,} rows ({path.stat().st_size / 1024**2:.1f} MB .xlsx, made in {made:.0f} s): "
        f"Peiyu {ours['seconds']:.1f} s (read and check {ours['read_seconds']:.1f} s, write "
        f"{ours['seconds'] - ours['read_seconds']:.1f} s); peak memory of the importing process "
        f"{ours['own_kb'] / 1024:.0f} MB, of its workbook reader {ours['child_kb'] / 1024:.0f} MB, both together "
        f"{peak:.0f} MB; raw calamine + document() + executemany {raw['seconds']:.1f} s (read and convert "
        f"{raw['read_seconds']:.1f} s), {raw_peak:.0f} MB"
    )


# --------------------------------------------------------------------------------------------


def _ensure_regions() -> None:
    if Region.objects.filter(code__startswith="32", level="village").count() < 20_000:
        load_regions(under="32")


def run(*, scale: str) -> Iterator[str]:
    size = SIZES[scale]
    DATA.mkdir(exist_ok=True)
    _ensure_regions()
    villages, liyang, towns = _places()
    generator = Generator(villages, liyang, towns)
    started = time.perf_counter()
    rows = _generate(generator, size.organizations)
    made = time.perf_counter() - started
    documents, document_seconds, computed = _documents(row[C["name"]] for row in rows)
    for row in random.Random(SEED).sample(rows, 200):
        expected = text_search.document(row[C["name"]], codes=[row[C["uscc"]], row[C["filing_number"]]])
        assert _search_text(documents, row) == expected, row
    root, county = _users()
    client = Client()
    client.force_login(county)

    with override_settings(**_static_files()):
        # A first batch through the ordinary path (the search index kept by its triggers or GIN
        # index), then the list page's queries, then the rest in bulk and the page again.
        first = _load(generator, documents, rows[: size.first], bulk=False)
        counted_small = _page_queries(client, COUNTED_URL, rows=True)
        rest = _load(generator, documents, rows[size.first :], bulk=True)
        yield (
            f"# {size.organizations:,} organizations ({len(documents):,} distinct names; {computed:,} search "
            f"documents computed and the rest cached, {document_seconds:.0f} s): rows made in {made:.0f} s, "
            f"inserted in {first['insert'] + rest['insert']:.0f} s, search index built in {rest['index']:.0f} s"
        )

        with _statement_timeout():
            rng = random.Random(SEED + 2)
            queries = _queries(rng, rows, villages)
            result = _search_scope(root, queries, None)
            yield from _search_lines(
                "orgs_search_p95_ms", "a superuser (every row)", result, size.organizations
            )
            in_county = sum(1 for row in rows if row[C["region_id"]].startswith(LIYANG))
            result = _search_scope(county, queries, LIYANG)
            yield from _search_lines(
                "orgs_search_county_p95_ms",
                f"溧阳市's county officer ({in_county:,} in scope)",
                result,
                size.organizations,
            )

            listed = _list(client)
            ours, raw = _p(listed["ours"], 95), _p(listed["raw"], 95)
            yield f"BENCH orgs_list_p95_ms {ours:.1f} ms ratio={ours / raw:.2f} target=≤100ms"
            slowest = sorted(listed["slowest"].items(), key=lambda item: -item[1])[:3]
            yield (
                f"# {len(listed['ours'])} list pages (50 rows) for 溧阳市's county officer ({in_county:,} in scope): "
                f"p50 {_p(listed['ours'], 50):.1f} ms; the same SQL replayed p95 {raw:.1f} ms, p50 "
                f"{_p(listed['raw'], 50):.1f} ms; slowest: "
                + ", ".join(f"?{q or '(none)'} {ms:.0f} ms" for q, ms in slowest)
                + (
                    f"; {listed['failed']} pages failed on a statement cancelled at {TIMEOUT_MS} ms"
                    if listed["failed"]
                    else ""
                )
            )
            counted_full = _page_queries(client, COUNTED_URL, rows=True)
            assert len(counted_small) == len(counted_full), (counted_small, counted_full)
            yield (
                f"# list page 1 (?{COUNTED_URL}) runs {len(counted_small)} queries at {size.first:,} rows and "
                f"{len(counted_full)} at {size.organizations:,} rows"
            )

    del documents
    yield from _import(size, rows, liyang, county)
