"""Run the benchmarks against a fresh database on the configured engine.

Each figure prints as ``BENCH <name> <value> <unit> ratio=<value>``, where the ratio divides
Peiyu's figure by the raw engine doing the same work (1.0 = as fast as the raw engine).
Set DATABASE_URL to a PostgreSQL URL to measure PostgreSQL; the default is a SQLite file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument(
        "--only",
        choices=["regions", "orgs", "people", "supervision", "incubation", "funding", "activities"],
        help="run one group of figures",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    data = ROOT / "bench" / ".data"
    data.mkdir(exist_ok=True)
    database = settings.DATABASES["default"]
    database.setdefault("TEST", {})
    # The people figures load 20,000,000 rows (minutes), the supervision ones 4,000,000 and the
    # incubation ones 6,000,000: their own databases, so that another benchmark run does not drop
    # them (or fail on them) meanwhile. The funding figure's load is small, but it gets its own too.
    suffix = (
        f"-{args.only}"
        if args.only in ("people", "supervision", "incubation", "funding", "activities")
        else ""
    )
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(data / f"bench{suffix}.sqlite3")
    else:
        database["TEST"]["NAME"] = "peiyu_bench" + suffix.replace("-", "_")
    django.setup()

    from django.db import connection

    from bench import activities, funding, incubation, orgs, people, regions, supervision

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"# engine={connection.vendor} scale={args.scale}")
        for name, group in (
            ("regions", regions),
            ("orgs", orgs),
            ("people", people),
            ("supervision", supervision),
            ("incubation", incubation),
            ("funding", funding),
            ("activities", activities),
        ):
            if args.only in (None, name):
                for line in group.run(scale=args.scale):
                    print(line, flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
