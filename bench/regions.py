"""regions_load_rows_per_s: load the shipped division codes, against a raw executemany."""

from __future__ import annotations

import time
from collections.abc import Iterator

from django.db import connection, transaction
from django.utils import timezone

from peiyu.regions.models import Region
from peiyu.regions.services import load_regions, read_rows

# The whole country at full scale; Jiangsu (about 22,000 rows) for a quick run.
SCOPES = {"full": "", "small": "32"}


def _raw_load(under: str) -> tuple[int, float]:
    """Insert the same rows with one executemany, parsing them the same way."""
    started = time.perf_counter()
    now = timezone.now()
    rows = [(r.code, r.name, r.level, r.parent, r.is_urban, now) for r in read_rows(under=under)]
    table = connection.ops.quote_name(Region._meta.db_table)
    sql = (
        f"INSERT INTO {table} (code, name, level, parent_id, is_urban, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows), time.perf_counter() - started


def _clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Region._meta.db_table)}")


def run(*, scale: str) -> Iterator[str]:
    under = SCOPES[scale]
    raw_rows, raw_seconds = _raw_load(under)
    _clear()
    result = load_regions(under=under)
    assert result.created == raw_rows, (result.created, raw_rows)
    ours = result.created / result.seconds
    raw = raw_rows / raw_seconds
    yield f"BENCH regions_load_rows_per_s {ours:.0f} rows/s ratio={ours / raw:.2f}"
    yield f"# {raw_rows} rows: Peiyu {result.seconds:.1f} s, raw executemany {raw_seconds:.1f} s"
    again = load_regions(under=under)
    yield f"BENCH regions_reload_unchanged_s {again.seconds:.2f} s ratio={raw_seconds / again.seconds:.2f}"
